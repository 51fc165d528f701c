/** `flowgate emulator [emulator flags] [--publish <workspace dir>]` */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { FlowSignature } from '../../core/api/types';
import { GatewayError } from '../../core/client/gatewayClient';
import { referencesOf } from '../../core/graph/references';
import { PackageValidationError } from '../../core/package/pack';
import type { Workspace } from '../../core/workspace/workspace';
import type { RunningGateway } from '../../emulator/main';
import { EMULATOR_FLAGS, EMULATOR_FLAGS_HELP } from '../../emulator/options';
import { DEFAULT_GATEWAY, flag, str, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { runExample, tokenCommand, TOKEN_VARIABLE, type RunExample } from '../curlExample';
import { countBySeverity, formatDiagnostic, plural } from '../diagnostics';
import { CliError, EXIT_OK, UsageError } from '../errors';
import { describeGatewayError } from '../failures';
import { Output } from '../output';
import { packLoadedDraft } from '../packing';
import { clientFor, uploadAndPublish, type PublishOutcome } from '../publishing';
import { knownDataDirs } from '../credentials';
import { LOCAL_ADMIN_FILE } from '../../core/client/credentials';
import { assertWorkspaceDir, openWorkspace } from '../workspace';

const HELP = `Usage: flowgate emulator [options] [--publish <workspace dir>]

Runs the local gateway emulator in the foreground until Ctrl+C (SIGINT) or SIGTERM.

Options (environment variable in brackets):
${EMULATOR_FLAGS_HELP}  --publish <folder>
                    once started, pack every package draft of that workspace, upload and
                    publish it here, and print how to run a flow with curl. A draft that
                    does not validate, or whose version already exists here with different
                    content, is skipped with a warning; the emulator keeps running
  --set-default     with --publish: when the gateway has no default package, make the first
                    published package the default (what \`npm start\` does with the sample), so
                    \`flowgate run <flow>\` needs no --package
  --json            print one JSON document once ready: {"url", "published", "warnings", "examples"}
  -h, --help        show this help`;

const FORWARDED = Object.keys(EMULATOR_FLAGS) as (keyof typeof EMULATOR_FLAGS)[];

interface Published extends PublishOutcome {
  draft: string;
}

interface PublishReport {
  published: Published[];
  warnings: string[];
  examples: RunExample[];
  /** How to get $TOKEN for the curl lines of versions with groups (and for management calls). */
  token?: { credentialsFile: string; tokenEndpoint: string; command: string };
}

/** Flows of the version that no other flow of it runs: the ones a user starts. */
function entryFlows(ws: Workspace, flows: FlowSignature[]): FlowSignature[] {
  const children = new Set<string>();
  for (const sig of flows) {
    const def = ws.flows().get(sig.id);
    if (!def) continue;
    for (const ref of referencesOf(def)) if (ref.to.kind === 'flow' && ref.to.id !== sig.id) children.add(ref.to.id);
  }
  const entries = flows.filter((f) => !children.has(f.id));
  return entries.length ? entries : flows;
}

/**
 * How a user types this command line: \`flowgate\` when that name on PATH is this very command (an
 * installed CLI), otherwise \`npx flowgate\` (a fresh clone: \`npm start\`, \`node dist/cli.js\`).
 */
export function cliCommand(env: NodeJS.ProcessEnv = process.env): string {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  // This package's root (dist/cli.js and bin/flowgate.js share it): the nearest folder with a package.json.
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const ownRoot = real(dir);
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of process.platform === 'win32' ? ['flowgate.cmd', 'flowgate.exe'] : ['flowgate']) {
      const found = real(path.join(dir, name));
      if (!found) continue;
      // The first \`flowgate\` on PATH wins; it is ours when it lives in our package.
      return ownRoot && found.startsWith(ownRoot + path.sep) ? 'flowgate' : 'npx flowgate';
    }
  }
  return 'npx flowgate';
}

async function publishWorkspace(out: Output, ws: Workspace, root: string, gw: RunningGateway, setDefault: boolean): Promise<PublishReport> {
  const client = clientFor(gw.url, undefined, { dataDirs: [gw.dataDir] });
  const report: PublishReport = { published: [], warnings: [], examples: [] };
  const warn = (text: string) => {
    report.warnings.push(text);
    if (!out.json) out.note(`${out.style('yellow', 'warning')}: ${text}`);
  };
  const valid = ws.drafts();
  if (!ws.files().some((f) => f.kind === 'package')) warn(`no package drafts (packages/<Name>.package.yaml) in ${root}; nothing to publish`);
  for (const f of ws.files()) {
    if (f.kind === 'package' && !valid.has(f.id)) warn(`${f.relPath} does not parse; skipped (run \`flowgate validate\`)`);
  }
  const command = cliCommand();
  const localAdmin = path.join(gw.dataDir, LOCAL_ADMIN_FILE);
  const knownToCli = knownDataDirs().includes(path.resolve(gw.dataDir));
  const defaultGateway = gw.url === DEFAULT_GATEWAY && !process.env.FLOWGATE_GATEWAY;
  for (const [name, { relPath }] of valid) {
    try {
      const packed = await packLoadedDraft(ws, root, name);
      const outcome = await uploadAndPublish(client, packed.bytes, packed.manifest, { publish: true });
      report.published.push({ draft: relPath, ...outcome });
      out.line(
        `${out.style('green', '✓')} published ${out.style('bold', `${name} v${outcome.version}`)}` +
          (outcome.created ? '' : ' (already present, identical)'),
      );
      if (setDefault && !(await client.listPackages()).packages.some((p) => p.isDefault)) {
        await client.setDefaultPackage(name);
        out.line(`${out.style('green', '✓')} ${out.style('bold', name)} is the default package: requests that name no package run its flows`);
      }
      const state = await client.getPackage(name);
      const isDefault = state.isDefault && state.defaultVersion === outcome.version;
      const detail = await client.getVersion(name, outcome.version);
      // A version with groups needs a token: the curl line sends $TOKEN, the run line finds the credentials.
      const authorised = (detail.authorisation?.groups.length ?? 0) > 0 ? { credentialsFile: knownToCli ? undefined : localAdmin } : undefined;
      for (const sig of entryFlows(ws, detail.flows ?? [])) {
        report.examples.push(runExample(gw.url, name, outcome.version, sig, { command, defaultPackage: isDefault, defaultGateway, authorised }));
      }
    } catch (err) {
      if (err instanceof PackageValidationError) {
        const { errors } = countBySeverity(err.diagnostics);
        warn(`${relPath} has ${plural(errors, 'validation error')}; not published (run \`flowgate validate ${relPath}\`)`);
        if (!out.json) for (const d of err.errors) out.note(`  ${formatDiagnostic(out, root, d)}`);
      } else if (err instanceof GatewayError && err.code === 'version-conflict') {
        warn(
          `${name}: this gateway already holds a version with the draft's number and different content; ` +
            `versions are immutable — bump \`version\` in ${relPath} to publish the changes`,
        );
      } else if (err instanceof GatewayError) {
        warn(`${name}: ${describeGatewayError(err, gw.url).message}`);
      } else {
        warn(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return report;
}

/** The token endpoint the gateway's discovery document names (undefined when it names none). */
async function tokenEndpointOf(gatewayUrl: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${gatewayUrl}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
    const doc = (await res.json()) as { token_endpoint?: unknown };
    return res.ok && typeof doc.token_endpoint === 'string' ? doc.token_endpoint : undefined;
  } catch {
    return undefined;
  }
}

function printExamples(out: Output, gatewayUrl: string, examples: RunExample[], token: PublishReport['token']): void {
  if (token) {
    // The secret stays in the file: the line reads it there (curl and jq).
    out.line();
    out.line(`Management calls and flows of versions with groups need a token — $${TOKEN_VARIABLE}, of the local admin client (${token.credentialsFile}):`);
    out.line(`  ${token.command}`);
    out.line(`  curl -s -H "Authorization: Bearer $${TOKEN_VARIABLE}" ${gatewayUrl}/api/v1/packages`);
  }
  if (!examples.length) return;
  out.line();
  out.line('Run a flow with curl:');
  for (const ex of examples) {
    out.line(`  ${out.style('dim', `# ${ex.flow} (${ex.packageName} v${ex.packageVersion})${ex.authorised ? ', with a token' : ''}`)}`);
    out.line(`  ${ex.curl}`);
  }
  out.line();
  out.line('or with the command line:');
  for (const ex of examples) out.line(`  ${ex.run}`);
}

/**
 * In JSON mode the emulator's own status lines go to stderr, so that stdout holds exactly the
 * one JSON document. Returns an Output writing to the real stdout.
 */
function divertStdout(): Output {
  const realWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return new Output({ json: true, stdout: Object.assign(Object.create(process.stdout), { write: realWrite }) });
}

async function run(args: ParsedArgs, humanOut: Output): Promise<number> {
  if (args.positionals.length) throw new UsageError(`unexpected argument '${args.positionals[0]}'`, 'emulator');
  const emulatorArgv: string[] = [];
  for (const name of FORWARDED) {
    if (EMULATOR_FLAGS[name].type === 'boolean') {
      if (flag(args, name)) emulatorArgv.push(`--${name}`);
      continue;
    }
    const v = str(args, name);
    if (v !== undefined) emulatorArgv.push(`--${name}`, v);
  }
  const publishDir = str(args, 'publish');
  let ws: Workspace | undefined;
  let root: string | undefined;
  if (publishDir !== undefined) {
    root = path.resolve(publishDir);
    await assertWorkspaceDir(root);
    ws = await openWorkspace(root);
  }

  const out = humanOut.json ? divertStdout() : humanOut;
  let gw: RunningGateway;
  try {
    // Loaded on demand: the other commands do not pay for the gateway's start-up.
    const { runEmulator } = await import('../../emulator/main');
    gw = await runEmulator(emulatorArgv);
  } catch (err) {
    const exitCode = (err as { exitCode?: unknown }).exitCode;
    const message = err instanceof Error ? err.message : String(err);
    if (exitCode === 2) throw new UsageError(message, 'emulator');
    throw new CliError('cannot-start', `the emulator could not start: ${message}`);
  }

  const report: PublishReport = ws && root ? await publishWorkspace(out, ws, root, gw, flag(args, 'set-default')) : { published: [], warnings: [], examples: [] };
  const tokenEndpoint = await tokenEndpointOf(gw.url);
  if (tokenEndpoint) {
    const credentialsFile = path.join(gw.dataDir, LOCAL_ADMIN_FILE);
    report.token = { credentialsFile, tokenEndpoint, command: tokenCommand(credentialsFile, tokenEndpoint) };
  }
  if (out.json) {
    out.document({ url: gw.url, port: gw.port, name: gw.name, dataDir: gw.dataDir, ...report });
  } else {
    printExamples(out, gw.url, report.examples, report.token);
    out.line();
    out.line(out.style('dim', 'Stop with Ctrl+C.'));
  }
  // The gateway keeps the process alive; runEmulator stops it on SIGINT / SIGTERM and exits 0.
  return EXIT_OK;
}

export const emulatorCommand: Command = {
  name: 'emulator',
  summary: 'run the local gateway emulator (optionally publishing a workspace to it)',
  help: HELP,
  options: { ...EMULATOR_FLAGS, publish: { type: 'string' }, 'set-default': { type: 'boolean' } },
  run,
};
