/** `flowgate run <flow> [--package P] [--version N] [--input k=v ...] [--inputs-json '{...}'] [--async]`, or `--draft [--workspace dir]` */
import { flag, gatewayUrl, list, positionals, str, GATEWAY_OPTION, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { GatewayError, type GatewayClient } from '../../core/client/gatewayClient';
import { draftRunPaths } from '../../core/draft/draftRun';
import { findFlow } from '../../core/model/flowLookup';
import { assertWorkspaceDir, openWorkspace } from '../workspace';
import { CliError, EXIT_OK, UsageError } from '../errors';
import { reportFailure } from '../failures';
import { parseInputs } from '../inputs';
import type { Output } from '../output';
import { clientFor } from '../publishing';

const HELP = `Usage: flowgate run <flow> [options]

Runs a published flow on a gateway and prints its output variables. Without --package and
--version the gateway's default package and that package's default version are used.

Options:
  -p, --package <name>      the package holding the flow
  --version <n>             the package version (default: the package's default version)
  -i, --input <name=value>  an input variable; repeatable. The value is parsed as JSON when it
                            parses (42, true, {"a":1}, [1,2]), otherwise taken as text
  --inputs-json <json>      all input variables as one JSON object (--input entries win)
  --draft                   run the workspace's files as they are (a draft run, Admin): the flow,
                            the flows it runs, their connections and the package drafts that list
                            it, read from --workspace; nothing is published
  --workspace <dir>         the workspace of --draft (default: the current folder)
  --async                   start the execution and print its id without waiting
  --timeout <seconds>       how long to wait for a synchronous run (default 300; 0: no limit)
  -g, --gateway <url>       the gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --credentials <file>      OAuth client credentials for the gateway (a {"issuer", "client_id",
                            "client_secret"} file, mode 0600). Default: $FLOWGATE_CLIENT_ID and
                            $FLOWGATE_CLIENT_SECRET, else a local emulator's local-admin.json.
                            A version with no groups runs without any
  --json                    print the gateway's answer ({"executionId", "status", "outputVariables"})
  -h, --help                show this help

Exit status: 0 when the flow ended, 1 when it failed (HTTP 500) or the gateway refused the
inputs (HTTP 400, every refused input listed), 2 for a usage error.`;

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [flow] = positionals('run', args, ['flow'], 1);
  const gateway = gatewayUrl(args);
  const packageName = str(args, 'package');
  const rawVersion = str(args, 'version');
  let packageVersion: number | undefined;
  if (rawVersion !== undefined) {
    if (!/^[1-9]\d*$/.test(rawVersion)) throw new UsageError(`--version must be a positive integer, got '${rawVersion}'`, 'run');
    packageVersion = Number(rawVersion);
  }
  const inputVariables = parseInputs('run', list(args, 'input'), str(args, 'inputs-json'));
  const mode = flag(args, 'async') ? 'async' : 'sync';
  const rawTimeout = str(args, 'timeout') ?? '300';
  if (!/^\d+$/.test(rawTimeout)) throw new UsageError(`--timeout must be a number of seconds, got '${rawTimeout}'`, 'run');
  const timeoutSeconds = Number(rawTimeout);
  const draft = flag(args, 'draft');
  if (draft && (packageName !== undefined || packageVersion !== undefined)) throw new UsageError('--draft runs the workspace files: it takes no --package or --version', 'run');
  if (!draft && str(args, 'workspace') !== undefined) throw new UsageError('--workspace goes with --draft', 'run');
  try {
    const client = clientFor(gateway, args);
    const timeoutMs = timeoutSeconds === 0 ? 2_147_483_647 : timeoutSeconds * 1000;
    if (draft) return await runDraft(client, flow, str(args, 'workspace') ?? '.', inputVariables, mode, timeoutMs, out);
    const answer = await client.startExecution(flow, { inputVariables, packageName, packageVersion, mode, timeoutMs });
    if (answer.kind === 'started') {
      const started = answer.started;
      if (out.json) out.document(started);
      else out.line(`${out.style('green', '✓')} started ${out.style('bold', flow)} (${started.packageName} v${started.packageVersion}): execution ${started.executionId}`);
      return EXIT_OK;
    }
    const result = answer.result;
    if (out.json) {
      out.document(result);
      return EXIT_OK;
    }
    const where = `${result.packageName} v${result.packageVersion}`;
    out.line(`${out.style('green', '✓')} ${out.style('bold', flow)} (${where}) ${result.status}: execution ${result.executionId}`);
    const entries = Object.entries(result.outputVariables ?? {});
    if (entries.length === 0) out.line('  (no output variables)');
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    for (const [k, v] of entries) out.line(`  ${k.padEnd(width)} = ${formatValue(v)}`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'no-default-package' && packageName === undefined) {
      // The gateway's own message speaks HTTP (?packageName=); on the command line it is --package.
      const cliErr = new CliError('no-default-package', `No package was named and the gateway at ${gateway} has no default package`, {
        hint: 'Name the package with --package <name> (and --version <n>), or make one the default package (`flowgate emulator --publish <folder> --set-default`, or Set As Default Package in VS Code).',
        extra: { status: err.status },
      });
      return reportFailure(out, cliErr, { command: 'run', gateway });
    }
    return reportFailure(out, err, { command: 'run', gateway });
  }
}

/** `--draft`: the workspace files the flow needs, as they are on disk, through POST /api/v1/draft-runs. */
async function runDraft(client: GatewayClient, flowRef: string, dir: string, inputVariables: Record<string, unknown>, mode: 'sync' | 'async', timeoutMs: number, out: Output): Promise<number> {
  await assertWorkspaceDir(dir);
  const ws = await openWorkspace(dir);
  const found = findFlow(ws.ids('flow').map((id) => ({ id })), flowRef, `the workspace ${dir}`);
  if (!found.ok) throw new CliError(found.code, found.message, { hint: found.code === 'ambiguous-flow' ? 'Name the flow by its full id (folders/Name).' : 'Name a flow of the workspace (flows/<folders>/<Name>.flow.yaml).' });
  const files: Record<string, string> = {};
  for (const p of draftRunPaths(ws, found.flow.id)) files[p] = ws.file(p)!.text;
  const answer = await client.draftRun({ files, flow: found.flow.id, inputVariables, mode }, { timeoutMs });
  if (answer.kind === 'started') {
    if (out.json) out.document(answer.started);
    else out.line(`${out.style('green', '✓')} started ${out.style('bold', found.flow.id)} (draft run): execution ${answer.started.executionId}`);
    return EXIT_OK;
  }
  const result = answer.result;
  if (out.json) {
    out.document(result);
    return EXIT_OK;
  }
  out.line(`${out.style('green', '✓')} ${out.style('bold', found.flow.id)} (draft run) ${result.status}: execution ${result.executionId}`);
  const entries = Object.entries(result.outputVariables ?? {});
  if (entries.length === 0) out.line('  (no output variables)');
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  for (const [k, v] of entries) out.line(`  ${k.padEnd(width)} = ${formatValue(v)}`);
  return EXIT_OK;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a published flow on a gateway (or, with --draft, the workspace files as they are) and print its outputs',
  help: HELP,
  options: {
    ...GATEWAY_OPTION,
    package: { type: 'string', short: 'p' },
    version: { type: 'string' },
    input: { type: 'string', short: 'i', multiple: true },
    'inputs-json': { type: 'string' },
    async: { type: 'boolean' },
    draft: { type: 'boolean' },
    workspace: { type: 'string' },
    timeout: { type: 'string' },
  },
  run,
};
