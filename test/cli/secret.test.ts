/**
 * `flowgate secret set|grant|list|delete` against a real emulator: the value read from standard
 * input, never from argv and never printed; grants as PKG/CONN; errors and exit codes.
 */
import assert from 'node:assert/strict';
import { runCliFromSource, type CliRun } from '../support/builtCli';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call } from '../emulator/helpers';

const REPO = path.resolve(__dirname, '..', '..');
const VALUE = `cli-${randomBytes(24).toString('base64url')}`;

function flowgate(args: string[], input: string | undefined, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCliFromSource(args, { env, ...(input !== undefined ? { input } : {}) });
}

describe('flowgate secret', () => {
  let gw: EmulatorProcess;
  let env: NodeJS.ProcessEnv;
  const outputs: string[] = [];
  const fg = async (args: string[], input?: string) => {
    const r = await flowgate([...args, '--gateway', gw.url], input, env);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  before(async () => {
    gw = await startEmulatorProcess();
    // The emulator's local-admin.json is found through FLOWGATE_DATA: no sign-in.
    env = { FLOWGATE_DATA: gw.dataDir };
  });
  after(async () => {
    await gw?.stop();
    for (const o of outputs) assert.ok(!o.includes(VALUE), `the command line printed the value: ${o.slice(0, 300)}`);
  });

  test('--help describes it; the top-level help lists it', async () => {
    const h = await flowgate(['secret', '--help'], undefined);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /flowgate secret set NAME --connection PKG\/CONN/);
    assert.match((await flowgate(['--help'], undefined)).stdout, /secret\s+set, grant, list or delete/);
  });

  test('set reads the value from standard input (one trailing newline dropped) and grants PKG/CONN', async () => {
    const r = await fg(['secret', 'set', 'CRM_TOKEN', '--connection', 'network-ops/crm', '--connection', 'network-ops/folder/other'], `${VALUE}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /set secret CRM_TOKEN {2}→ network-ops\/crm, network-ops\/folder\/other/);
    const s = await call(gw, 'GET', '/api/v1/secrets/CRM_TOKEN');
    assert.deepEqual(s.body.grants, [
      { package: 'network-ops', connection: 'crm' },
      { package: 'network-ops', connection: 'folder/other' },
    ]);
    assert.equal(s.body.createdBy, 'local-admin');
    // Replacing (--json): no grants given keeps them.
    const again = await fg(['secret', 'set', 'CRM_TOKEN', '--json'], VALUE);
    assert.equal(again.code, 0, again.stderr);
    const doc = JSON.parse(again.stdout);
    assert.equal(doc.created, false);
    assert.equal(doc.secret.grants.length, 2);
  });

  test('on a terminal the value is typed at a prompt that shows nothing of it', async () => {
    // util-linux `script` gives the command a pseudo-terminal; the value is typed once the prompt is there.
    const typed = `${VALUE}-typed`;
    const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FLOWGATE_DATA: gw.dataDir };
    for (const k of Object.keys(e)) if (k.startsWith('FLOWGATE_') && k !== 'FLOWGATE_DATA') delete e[k];
    const cmd = [process.execPath, '--import', 'tsx', path.join(REPO, 'src', 'cli', 'main.ts'), 'secret', 'set', 'TYPED', '--connection', 'network-ops/crm', '--gateway', gw.url]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: REPO, env: e, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!sent && out.includes('(not shown): ')) {
        sent = true;
        child.stdin.write(`${typed}\r`);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    outputs.push(out);
    assert.equal(code, 0, out);
    assert.match(out, /Value of TYPED \(not shown\): /);
    assert.ok(!out.includes(typed), `the terminal showed the value: ${out}`);
    assert.match(out, /set secret TYPED {2}→ network-ops\/crm/);
    assert.equal((await call(gw, 'GET', '/api/v1/secrets/TYPED')).status, 200);
    assert.equal((await call(gw, 'DELETE', '/api/v1/secrets/TYPED')).status, 204);
  });

  test('the value is never taken from the command line; an empty or short one is refused', async () => {
    const argv = await fg(['secret', 'set', 'CRM_TOKEN', '--value', VALUE], '');
    assert.equal(argv.code, 2);
    assert.match(argv.stderr, /--value/);
    const empty = await fg(['secret', 'set', 'EMPTY'], '');
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /nothing was read from standard input/);
    const short = await fg(['secret', 'set', 'SHORT'], 'abc');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /the value must be 4 to 8192 characters/);
    assert.equal((await call(gw, 'GET', '/api/v1/secrets/EMPTY')).status, 404);
  });

  test('usage mistakes: bad NAME, bad --connection, unknown subcommand → exit 2', async () => {
    for (const args of [
      ['secret', 'set', 'bad name'],
      ['secret', 'set', 'OK', '--connection', 'no-slash'],
      ['secret', 'set', 'OK', '--connection', 'bad pkg/crm'],
      ['secret', 'rotate', 'OK'],
      ['secret', 'list', 'EXTRA'],
      ['secret', 'delete'],
    ]) {
      const r = await fg(args, VALUE);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  test('grant changes the grants only; list shows names and grants; delete', async () => {
    const g = await fg(['secret', 'grant', 'CRM_TOKEN', '--connection', 'other/crm']);
    assert.equal(g.code, 0, g.stderr);
    assert.deepEqual((await call(gw, 'GET', '/api/v1/secrets/CRM_TOKEN')).body.grants, [{ package: 'other', connection: 'crm' }]);
    const l = await fg(['secret', 'list', '--json']);
    assert.equal(l.code, 0, l.stderr);
    assert.deepEqual(JSON.parse(l.stdout).secrets.map((s: { name: string }) => s.name), ['CRM_TOKEN']);
    const text = await fg(['secret', 'list']);
    assert.match(text.stdout, /CRM_TOKEN {2}→ other\/crm/);
    const d = await fg(['secret', 'delete', 'CRM_TOKEN']);
    assert.equal(d.code, 0, d.stderr);
    const gone = await fg(['secret', 'delete', 'CRM_TOKEN']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no connection secret CRM_TOKEN/);
    assert.match((await fg(['secret', 'list'])).stdout, /no connection secrets/);
  });
});
