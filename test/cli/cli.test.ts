/**
 * The `flowgate` command as a user gets it: built, packed with `npm pack`, installed with
 * `npm install -g --prefix <tmp>` and run by name from PATH.
 *
 * How it is installed — measured on this machine (2 cores): building the CLI ~1 s, `npm pack
 * --ignore-scripts` ~1-2 s, `npm install -g --prefix --offline` of the tarball ~1 s. Every
 * dependency is bundled into dist/ by esbuild, so the package declares none and its install
 * asks no registry: the test cannot fail on the network. It is the only way to catch a package
 * that installs a broken binary (a missing `dist/`, a bin without its shebang, a runtime
 * `require` of a package that is not bundled).
 * When packing or installing fails, the first test fails and says why (npm's own output); the
 * other tests then run the same bundle through a `<tmp>/bin/flowgate` symlink (what `npm link`
 * does), so one packaging fault does not hide every CLI result.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readPackageFile } from '../../src/core/package/packageFile';
import { credentials, ensureEmulatorBuilt, startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(REPO, 'examples');
const DRAFT = path.join(EXAMPLES, 'packages', 'network-ops.package.yaml');
const VERSION: string = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let tmp: string;
let binDir: string;
/** How the binary was installed, and why not with npm when it could not be. */
let installedWith: 'npm' | 'link';
let packagingProblem: string | undefined;

function execP(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd ?? tmp, env: opts.env, timeout: opts.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The environment a user has: the install folder on PATH, no FLOWGATE_* settings, no colour forcing. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('FLOWGATE_') || k === 'NO_COLOR' || k === 'FORCE_COLOR') delete env[k];
  env.PATH = `${binDir}${path.delimiter}${process.env.PATH ?? ''}`;
  return { ...env, ...extra };
}

/** `flowgate <args>` found through PATH, as a shell would. */
function flowgate(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return execP('flowgate', args, { cwd: opts.cwd, env: userEnv(opts.env) });
}

function installLink(): void {
  binDir = path.join(tmp, 'bin');
  mkdirSync(binDir, { recursive: true });
  symlinkSync(path.join(REPO, 'bin', 'flowgate.js'), path.join(binDir, 'flowgate'));
  installedWith = 'link';
}

async function install(): Promise<void> {
  await ensureEmulatorBuilt();
  const build = await execP(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--only=cli'], { cwd: REPO });
  assert.equal(build.code, 0, `build failed:\n${build.stderr}`);
  const packDir = path.join(tmp, 'pack');
  mkdirSync(packDir);
  // The build above is what `prepare` would run; --ignore-scripts avoids building twice.
  const pack = await execP('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], { cwd: REPO });
  if (pack.code !== 0) {
    packagingProblem = `npm pack failed (exit ${pack.code}):\n${pack.stderr}`;
    return installLink();
  }
  let packed: { filename: string; files: { path: string }[] };
  try {
    packed = JSON.parse(pack.stdout)[0];
  } catch (err) {
    packagingProblem = `npm pack --json printed no JSON (${String(err)}):\n${pack.stdout}\n${pack.stderr}`;
    return installLink();
  }
  const shipped = new Set(packed.files.map((f) => f.path));
  if (!shipped.has('dist/cli.js') || !shipped.has('bin/flowgate.js')) {
    // Installing it would give a `flowgate` that cannot start. One test reports this; the
    // others still exercise the CLI, through the link install.
    packagingProblem =
      'the npm package does not contain dist/cli.js, so an installed `flowgate` cannot start: `dist/` is in ' +
      '.gitignore and package.json has no "files" list (add "files": ["bin", "dist", ...], or an .npmignore)';
    return installLink();
  }
  const prefix = path.join(tmp, 'prefix');
  const inst = await execP(
    'npm',
    ['install', '-g', '--prefix', prefix, path.join(packDir, path.basename(packed.filename)), '--offline', '--no-audit', '--no-fund', '--ignore-scripts'],
    { cwd: tmp, timeout: 300_000 },
  );
  if (inst.code !== 0) {
    packagingProblem = `npm install -g of the packed file failed (exit ${inst.code}):\n${inst.stderr}${inst.stdout}`;
    return installLink();
  }
  binDir = process.platform === 'win32' ? prefix : path.join(prefix, 'bin');
  installedWith = 'npm';
}

/** A copy of the sample workspace, to break or change. */
function copyExamples(name: string): string {
  const dir = path.join(tmp, name);
  cpSync(EXAMPLES, dir, { recursive: true });
  return dir;
}

function editFile(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  assert.notEqual(next, text, `no '${from}' in ${file}`);
  writeFileSync(file, next);
}

describe('flowgate CLI (installed)', { timeout: 600_000 }, () => {
  let gw: EmulatorProcess;
  /** `--credentials <the emulator's local-admin.json>`: the emulator's data folder is one the CLI does not know by itself. */
  const creds = () => ['--credentials', path.join(gw.dataDir, 'local-admin.json')];

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'flowgate-cli-test-'));
    await install();
    gw = await startEmulatorProcess({ args: ['--snmp-port', '0'] });
  });

  after(async () => {
    await gw?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('the npm package ships a working binary', async () => {
    assert.equal(packagingProblem, undefined, packagingProblem);
    assert.equal(installedWith, 'npm');
    assert.ok(existsSync(path.join(binDir, 'flowgate')), 'npm created the `flowgate` command');
  });

  describe('help, version and usage errors', () => {
    test('--version prints the package version', async () => {
      const r = await flowgate(['--version']);
      assert.equal(r.code, 0);
      assert.equal(r.stdout.trim(), VERSION);
      const j = await flowgate(['--version', '--json']);
      assert.deepEqual(JSON.parse(j.stdout), { version: VERSION });
    });

    test('--help lists every command; each command has its own --help', async () => {
      const r = await flowgate(['--help']);
      assert.equal(r.code, 0);
      for (const c of ['validate', 'pack', 'publish', 'run', 'emulator']) {
        assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
        const h = await flowgate([c, '--help']);
        assert.equal(h.code, 0, `${c} --help`);
        assert.match(h.stdout, new RegExp(`^Usage: flowgate ${c}`));
        assert.equal(h.stderr, '');
      }
    });

    test('unknown command, unknown flag and missing argument exit 2 with a hint to --help', async () => {
      const cases: [string[], RegExp, RegExp][] = [
        [['frobnicate'], /unknown command 'frobnicate'/, /flowgate --help/],
        [['validate', '--frob'], /Unknown option '--frob'/, /flowgate validate --help/],
        [['run'], /missing argument <flow>/, /flowgate run --help/],
        [['pack'], /missing argument/, /flowgate pack --help/],
        [['run', 'X', '--inputs-json', '{nope'], /--inputs-json is not valid JSON/, /flowgate run --help/],
        [['run', 'X', '--input', 'novalue'], /not of the form name=value/, /flowgate run --help/],
      ];
      for (const [args, message, hint] of cases) {
        const r = await flowgate(args);
        assert.equal(r.code, 2, args.join(' '));
        assert.match(r.stderr, message);
        assert.match(r.stderr, hint);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      }
      const j = await flowgate(['run', '--json']);
      assert.equal(j.code, 2);
      assert.equal(JSON.parse(j.stdout).error.code, 'usage');
    });

    test('no command prints the help and exits 2', async () => {
      const r = await flowgate([]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Usage: flowgate <command>/);
    });
  });

  describe('validate', () => {
    test('the sample workspace validates (exit 0), by path and from inside it', async () => {
      const r = await flowgate(['validate', EXAMPLES]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /no problems \(6 files, 1 package draft checked\)/);
      const here = await flowgate(['validate'], { cwd: EXAMPLES });
      assert.equal(here.code, 0);
      const draft = await flowgate(['validate', DRAFT, '--json']);
      assert.equal(draft.code, 0);
      const doc = JSON.parse(draft.stdout);
      assert.equal(doc.ok, true);
      assert.deepEqual(doc.drafts, ['network-ops']);
      assert.equal(doc.errors, 0);
    });

    test('a broken copy fails (exit 1) with file:line:col diagnostics', async () => {
      const ws = copyExamples('broken');
      const flowFile = path.join(ws, 'flows', 'network', 'core', 'Restart-Service.flow.yaml');
      editFile(flowFile, '- kind: log', '- kind: reboot');
      const lines = readFileSync(flowFile, 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes('kind: reboot'));
      const col = lines[line].indexOf('reboot');
      const r = await flowgate(['validate'], { cwd: ws });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const expected = `flows/network/core/Restart-Service.flow.yaml:${line + 1}:${col + 1}: error schema: unknown step kind 'reboot'`;
      assert.ok(r.stdout.split('\n').some((l) => l.startsWith(expected)), `expected a line starting with\n  ${expected}\nin\n${r.stdout}`);
      assert.match(r.stdout, /1 error/);
      assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colours when stdout is not a terminal');

      const j = await flowgate(['validate', ws, '--json']);
      assert.equal(j.code, 1);
      const doc = JSON.parse(j.stdout);
      assert.equal(doc.ok, false);
      const d = doc.diagnostics.find((x: { code: string }) => x.code === 'schema');
      assert.deepEqual([d.file, d.line, d.column], ['flows/network/core/Restart-Service.flow.yaml', line + 1, col + 1]);
    });

    test('a folder that is not a workspace is an error (exit 1)', async () => {
      const r = await flowgate(['validate', tmp]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not a Flowgate workspace/);
    });
  });

  describe('pack', () => {
    test('writes a package file that readPackageFile accepts', async () => {
      const out = path.join(tmp, 'out.fgpkg');
      const r = await flowgate(['pack', DRAFT, '-o', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /packed network-ops v1/);
      assert.match(r.stdout, /definitions: 5 \(4 flows, 1 connection\)/);
      const contents = await readPackageFile(new Uint8Array(readFileSync(out)));
      assert.equal(contents.manifest.name, 'network-ops');
      assert.equal(contents.manifest.version, 1);
      assert.equal(contents.flows.length, 4);
      assert.equal(contents.connections.length, 1);
      assert.match(contents.manifest.createdBy, /^flowgate-cli\//);
      assert.ok(r.stdout.includes(contents.manifest.contentDigest), 'prints the digest');
      assert.deepEqual(readdirSync(tmp).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
    });

    test('default output name, --json, and a draft with errors (exit 1)', async () => {
      const dir = mkdtempSync(path.join(tmp, 'packdir-'));
      const r = await flowgate(['pack', DRAFT, '--json'], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.file, path.join(dir, 'network-ops-1.fgpkg'));
      assert.ok(existsSync(doc.file));
      assert.equal(doc.definitions.length, 5);

      const ws = copyExamples('broken-pack');
      editFile(path.join(ws, 'flows', 'network', 'core', 'Restart-Service.flow.yaml'), 'flow: network/core/Check-Reachability', 'flow: network/core/Nope');
      const bad = await flowgate(['pack', path.join(ws, 'packages', 'network-ops.package.yaml')], { cwd: ws });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /validation error/);
      assert.match(bad.stderr, /flows\/network\/core\/Restart-Service\.flow\.yaml:\d+:\d+: error unknown-flow/);
      assert.ok(!existsSync(path.join(ws, 'network-ops-1.fgpkg')));
    });
  });

  describe('publish and run against an emulator', () => {
    test('publish a draft; again is "already present"; same version with other content is refused', async () => {
      const r = await flowgate(['publish', DRAFT, '--gateway', gw.url, ...creds()]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /uploaded network-ops v1/);
      assert.match(r.stdout, /published network-ops v1/);

      // Client credentials from the environment (a CI job): the secret never reaches the output.
      const { client_id, client_secret } = credentials(gw.dataDir);
      const again = await flowgate(['publish', DRAFT, '--json'], { env: { FLOWGATE_GATEWAY: gw.url, FLOWGATE_CLIENT_ID: client_id, FLOWGATE_CLIENT_SECRET: client_secret } });
      assert.equal(again.code, 0, again.stderr);
      const doc = JSON.parse(again.stdout);
      assert.equal(doc.alreadyPresent, true);
      assert.equal(doc.published, true);
      assert.equal(doc.gateway, gw.url);
      assert.ok(!again.stdout.includes(client_secret) && !again.stderr.includes(client_secret), 'the secret is not printed');

      // The emulator's data folder named by FLOWGATE_DATA (as `flowgate emulator` would use it).
      const ws = copyExamples('changed');
      editFile(path.join(ws, 'flows', 'network', 'core', 'Restart-Service.flow.yaml'), 'default: sshd', 'default: nginx');
      const conflict = await flowgate(['publish', path.join(ws, 'packages', 'network-ops.package.yaml'), '-g', gw.url], { env: { FLOWGATE_DATA: gw.dataDir } });
      assert.equal(conflict.code, 1);
      assert.match(conflict.stderr, /immutable/);
      assert.match(conflict.stderr, /bump `version`/);
    });

    test('publish a .fgpkg file, upload only', async () => {
      const ws = copyExamples('v2');
      editFile(path.join(ws, 'packages', 'network-ops.package.yaml'), /^version: 1$/m, 'version: 2');
      const file = path.join(tmp, 'v2.fgpkg');
      assert.equal((await flowgate(['pack', path.join(ws, 'packages', 'network-ops.package.yaml'), '-o', file])).code, 0);
      const r = await flowgate(['publish', file, '--no-publish', '-g', gw.url, '--json', ...creds()]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.deepEqual([doc.name, doc.version, doc.created, doc.published], ['network-ops', 2, true, false]);
      const detail = await (await fetch(`${gw.url}/api/v1/packages/network-ops/versions/2`, { headers: { authorization: `Bearer ${await gw.adminToken()}` } })).json();
      assert.equal(detail.published, false);
    });

    test('run the sample flow with --input and --json', async () => {
      const r = await flowgate(['run', 'Restart-Service', '--package', 'network-ops', '--version', '1', '--input', 'device=10.0.0.1', '--input', 'dryRun=false', '--json', '--gateway', gw.url, ...creds()]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.status, 'Ended');
      assert.equal(doc.outputVariables.restarted, true);
      assert.equal(doc.outputVariables.message, 'Restarted sshd on 10.0.0.1');
      assert.equal(doc.packageName, 'network-ops');
      assert.equal(doc.packageVersion, 1);

      const human = await flowgate(['run', 'Restart-Service', '-p', 'network-ops', '-i', 'device=10.0.0.2', '-i', 'service=nginx', '-g', gw.url, ...creds()]);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /Restart-Service \(network-ops v1\) Ended/);
      assert.match(human.stdout, /^\s+message\s+= Restarted nginx on 10\.0\.0\.2$/m);
      assert.match(human.stdout, /^\s+restarted\s+= true$/m);
    });

    test('--inputs-json, and --async returns an execution id', async () => {
      const r = await flowgate(['run', 'Restart-Service', '-p', 'network-ops', '--inputs-json', '{"device":"10.0.0.3","dryRun":true}', '--async', '--json', '-g', gw.url, ...creds()]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.match(doc.executionId, /\S/);
      assert.equal(doc.outputVariables, undefined);
    });

    test('bad inputs: exit 1, every refused field listed', async () => {
      const r = await flowgate(['run', 'Restart-Service', '-p', 'network-ops', '--input', 'device=42', '--input', 'colour=blue', '-g', gw.url, ...creds()]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /refused the inputs/);
      assert.match(r.stderr, /- inputVariables\.device: /);
      assert.match(r.stderr, /- inputVariables\.colour: /);

      const j = await flowgate(['run', 'Restart-Service', '-p', 'network-ops', '--json', '-g', gw.url, ...creds()]);
      assert.equal(j.code, 1);
      const err = JSON.parse(j.stdout).error;
      assert.equal(err.code, 'invalid-inputs');
      assert.ok(err.details.some((d: { field: string }) => d.field === 'inputVariables.device'), JSON.stringify(err));
    });

    test('a flow that fails: exit 1 with its error', async () => {
      const r = await flowgate(['run', 'Restart-Service', '-p', 'network-ops', '--input', 'device=192.0.2.9', '-g', gw.url, ...creds()]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the flow failed: Device 192\.0\.2\.9 is unreachable/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });

    test('no credentials for a version with groups: exit 1, a clear message saying what to do', async () => {
      const r = await flowgate(['run', 'Restart-Service', '-p', 'network-ops', '-i', 'device=10.0.0.1', '-g', gw.url]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`The gateway at ${gw.url.replace(/\./g, '\\.')} needs credentials .* none were found for it`));
      assert.match(r.stderr, /set FLOWGATE_CLIENT_ID and FLOWGATE_CLIENT_SECRET/);
      assert.match(r.stderr, /--credentials <file>/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      const j = await flowgate(['publish', DRAFT, '-g', gw.url, '--json']);
      assert.equal(j.code, 1);
      const err = JSON.parse(j.stdout).error;
      assert.deepEqual([err.code, err.status], ['unauthorized', 401]);
      assert.match(err.message, /none were found/);
    });

    test('unusable credentials: a file others may read, one of another gateway, a wrong secret — clear errors, the secret never printed', async () => {
      const { client_secret } = credentials(gw.dataDir);
      const file = path.join(tmp, 'readable-local-admin.json');
      writeFileSync(file, readFileSync(path.join(gw.dataDir, 'local-admin.json')), { mode: 0o644 });
      chmodSync(file, 0o644);
      const readable = await flowgate(['run', 'Restart-Service', '-p', 'network-ops', '-g', gw.url, '--credentials', file, '--json']);
      assert.equal(readable.code, 1);
      const e1 = JSON.parse(readable.stdout).error;
      assert.equal(e1.code, 'bad-credentials');
      assert.match(e1.message, /may be read by other users \(mode 0644\)/);
      assert.match(e1.message, /chmod 600/);

      const other = path.join(tmp, 'other-local-admin.json');
      writeFileSync(other, JSON.stringify({ ...credentials(gw.dataDir), issuer: 'http://127.0.0.1:1/oauth' }), { mode: 0o600 });
      const wrongGateway = await flowgate(['publish', DRAFT, '-g', gw.url, '--credentials', other]);
      assert.equal(wrongGateway.code, 1);
      assert.match(wrongGateway.stderr, /is for the gateway at http:\/\/127\.0\.0\.1:1, not/);

      const wrong = 'not-the-secret-1f2e3d4c5b6a';
      const refused = await flowgate(['run', 'Restart-Service', '-p', 'network-ops', '-g', gw.url, '--json'], {
        env: { FLOWGATE_CLIENT_ID: 'local-admin', FLOWGATE_CLIENT_SECRET: wrong },
      });
      assert.equal(refused.code, 1);
      const e3 = JSON.parse(refused.stdout).error;
      assert.equal(e3.code, 'unauthorized');
      assert.match(e3.message, /refused the client credentials of the environment \(FLOWGATE_CLIENT_ID\) \(client "local-admin"\): invalid_client/);
      for (const r of [readable, wrongGateway, refused]) {
        for (const secret of [client_secret, wrong]) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no secret in the output');
      }
    });

    test('no gateway: a clear message naming the URL and `flowgate emulator`', async () => {
      // A port that was free a moment ago: nothing answers there.
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      await new Promise((resolve) => server.close(resolve));
      const closed = `http://127.0.0.1:${port}`;
      const r = await flowgate(['run', 'Restart-Service'], { env: { FLOWGATE_GATEWAY: closed } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`No gateway answers at ${closed.replace(/\./g, '\\.')}; start one with \`flowgate emulator\``));
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  });

  describe('flowgate emulator', () => {
    function startCliEmulator(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
      const child = spawn('flowgate', ['emulator', ...args], { cwd: tmp, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      return { child, output: () => out, exited };
    }

    async function waitFor(output: () => string, re: RegExp, exited: Promise<unknown>, ms = 20_000): Promise<RegExpExecArray> {
      const deadline = Date.now() + ms;
      let done = false;
      void exited.then(() => (done = true));
      while (Date.now() < deadline) {
        const m = re.exec(output());
        if (m) return m;
        if (done) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no ${re} in the output:\n${output()}`);
    }

    async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(timer);
      return code;
    }

    test('--port 0 --publish examples: publishes, prints a curl line that works, stops on SIGTERM with 0', async () => {
      const data = mkdtempSync(path.join(tmp, 'emu-data-'));
      const emu = startCliEmulator(['--port', '0', '--snmp-port', '0', '--execution-retention', '50', '--publish', EXAMPLES, '--data', data]);
      try {
        await waitFor(emu.output, /Stop with Ctrl\+C/, emu.exited);
        const out = emu.output();
        assert.match(out, /published network-ops v1/);
        const curl = /^\s*(curl .*Restart-Service.*)$/m.exec(out)?.[1];
        assert.ok(curl, `no curl line for Restart-Service in:\n${out}`);
        assert.match(curl, /"inputVariables":\{"device":"10\.0\.0\.1"\}/, 'sample value for the required input only');
        // The sample version has groups: the line sends $TOKEN, which the printed token line sets from local-admin.json.
        assert.match(curl, /-H "Authorization: Bearer \$TOKEN"/);
        const tokenLine = /^\s*(TOKEN=\$\(curl .*)$/m.exec(out)?.[1];
        assert.ok(tokenLine, `no token line in:\n${out}`);
        assert.ok(tokenLine.includes(path.join(data, 'local-admin.json')));
        assert.ok(!out.includes(credentials(data).client_secret), 'the banner does not show the secret');
        // Exactly what a user would paste into a shell.
        const r = await execP('sh', ['-c', `${tokenLine}\n${curl}`], { env: userEnv() });
        assert.equal(r.code, 0, r.stderr);
        const body = JSON.parse(r.stdout);
        assert.equal(body.status, 'Ended');
        assert.equal(body.outputVariables.restarted, true);
        assert.equal(body.outputVariables.message, 'Restarted sshd on 10.0.0.1');

        // The sample's trigger: a linkDown trap sent with `flowgate trap send` runs Restart-Service.
        const trapPort = /SNMP traps: udp [\d.]+:(\d+)/.exec(out)?.[1];
        assert.ok(trapPort, `no SNMP trap port in:\n${out}`);
        const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)![1];
        const token = (await execP('sh', ['-c', `${tokenLine}\necho "$TOKEN"`], { env: userEnv() })).stdout.trim();
        const sent = await flowgate(['trap', 'send', '--port', trapPort, '--oid', '1.3.6.1.6.3.1.1.5.3', '--community', 'public']);
        assert.equal(sent.code, 0, sent.stderr);
        let triggered: { flow: string; initiator: { type: string; name: string }; status: string } | undefined;
        for (let i = 0; i < 100 && !triggered; i++) {
          const list = (await (await fetch(`${url}/api/v1/executions?flow=network/core/Restart-Service`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
            executions: { flow: string; initiator: { type: string; name: string }; status: string }[];
          };
          triggered = list.executions.find((e) => e.initiator.type === 'trigger');
          if (!triggered) await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(triggered, 'the sample trigger did not start Restart-Service');
        assert.equal(triggered.initiator.name, 'Link down restarts sshd (dry run)');

        const runLine = /^\s*(flowgate run Restart-Service .*)$/m.exec(out)?.[1];
        assert.ok(runLine, 'prints the flowgate run equivalent');
        assert.ok(runLine.includes(`--credentials ${path.join(data, 'local-admin.json')}`), 'names the credentials of a data folder the CLI does not know');
        const viaCli = await execP('sh', ['-c', `${runLine} --json`], { env: userEnv() });
        assert.equal(viaCli.code, 0, viaCli.stderr);
        assert.equal(JSON.parse(viaCli.stdout).outputVariables.restarted, true);
      } finally {
        assert.equal(await stop(emu.child, emu.exited), 0, emu.output());
      }
    });

    test('a version with no groups: the banner\'s curl line has no token and works as printed', async () => {
      const ws = copyExamples('open');
      editFile(path.join(ws, 'packages', 'network-ops.package.yaml'), /^authorisation:\n  groups:\n    - netops\n/m, '');
      const data = mkdtempSync(path.join(tmp, 'emu-data-'));
      const emu = startCliEmulator(['--port', '0', '--snmp-port', '0', '--publish', ws, '--data', data]);
      try {
        await waitFor(emu.output, /Stop with Ctrl\+C/, emu.exited);
        const out = emu.output();
        const curl = /^\s*(curl .*Restart-Service.*)$/m.exec(out)?.[1];
        assert.ok(curl, `no curl line for Restart-Service in:\n${out}`);
        assert.doesNotMatch(curl, /Authorization/);
        assert.doesNotMatch(out, /# Restart-Service \(network-ops v1\), with a token/);
        const r = await execP('sh', ['-c', curl], { env: userEnv() });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).outputVariables.restarted, true);
        const runLine = /^\s*(flowgate run Restart-Service .*)$/m.exec(out)?.[1];
        assert.ok(runLine && !runLine.includes('--credentials'), `run line: ${runLine}`);
      } finally {
        assert.equal(await stop(emu.child, emu.exited), 0, emu.output());
      }
    });

    test('every emulator flag is passed on and checked: a bad --execution-retention is a usage error (exit 2)', async () => {
      const emu = startCliEmulator(['--port', '0', '--snmp-port', '0', '--execution-retention', '0', '--data', mkdtempSync(path.join(tmp, 'emu-data-'))]);
      assert.equal(await emu.exited, 2, emu.output());
      assert.match(emu.output(), /execution-retention must be a whole number/);
    });

    test('a changed draft with an existing version: a warning to bump it, the emulator keeps running', async () => {
      const data = mkdtempSync(path.join(tmp, 'emu-data-'));
      const first = startCliEmulator(['--port', '0', '--snmp-port', '0', '--publish', EXAMPLES, '--data', data]);
      await waitFor(first.output, /Stop with Ctrl\+C/, first.exited);
      assert.equal(await stop(first.child, first.exited), 0);

      const ws = copyExamples('emu-changed');
      editFile(path.join(ws, 'flows', 'network', 'core', 'Restart-Service.flow.yaml'), 'default: sshd', 'default: nginx');
      const emu = startCliEmulator(['--port', '0', '--snmp-port', '0', '--publish', ws, '--data', data, '--json']);
      try {
        await waitFor(emu.output, /"examples"/, emu.exited);
        await new Promise((r) => setTimeout(r, 200));
        const jsonStart = emu.output().indexOf('{\n');
        const doc = JSON.parse(emu.output().slice(jsonStart, emu.output().lastIndexOf('}') + 1));
        assert.deepEqual(doc.published, []);
        assert.match(doc.warnings.join('\n'), /bump `version` in packages\/network-ops\.package\.yaml/);
        const health = await fetch(`${doc.url}/healthz`);
        assert.equal(health.status, 200, 'still running');
      } finally {
        assert.equal(await stop(emu.child, emu.exited), 0, emu.output());
      }
    });

    test('--json: stdout holds exactly one JSON document', async () => {
      const data = mkdtempSync(path.join(tmp, 'emu-data-'));
      const child = spawn('flowgate', ['emulator', '--port', '0', '--snmp-port', '0', '--data', data, '--json'], {
        cwd: tmp,
        env: userEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.resume();
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        await waitFor(() => stdout, /"examples"[\s\S]*\n\}\n/, exited);
      } finally {
        assert.equal(await stop(child, exited), 0);
      }
      const doc = JSON.parse(stdout);
      assert.match(doc.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    });
  });
});
