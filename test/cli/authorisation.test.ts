/**
 * `flowgate authorisation get|set` and `flowgate groups` from the command line (source, through tsx)
 * against a real emulator process whose gateway.yaml holds an embedded directory with groups:
 * the groups listed, a version's groups set (read back through the API), cleared with --none,
 * an unknown group refused naming it, usage errors (exit 2), a client outside the Admin groups
 * refused (403), and no credentials → 401 with the advice.
 */
import assert from 'node:assert/strict';
import { runCliFromSource, type CliRun } from '../support/builtCli';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashSecret } from '../../src/core/gatewayConfig/scrypt';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call } from '../emulator/helpers';

const FLOW = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
const PKG = 'guarded-cli';

/** The command line from source (tsx), with a user's environment (no FLOWGATE_* of the caller). */
function flowgate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCliFromSource(args, { env, home: os.tmpdir() });
}

describe('flowgate authorisation / flowgate groups', () => {
  let gw: EmulatorProcess;
  let dir: string;
  /** --gateway and the emulator's admin credentials file. */
  let as: string[];
  const auth = () => call(gw, 'GET', `/api/v1/packages/${PKG}/versions/1/authorisation`);

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-cli-authorisation-'));
    const file = path.join(dir, 'gateway.yaml');
    writeFileSync(
      file,
      [
        'directory:',
        '  kind: embedded',
        '  users: []',
        '  groups:',
        '    - {name: flowgate-admins, members: []}',
        '    - {name: operators, members: [night-shift]}',
        '    - {name: night-shift, members: []}',
        'clients:',
        `  - {id: ops-ci, secretHash: "${await hashSecret('ops-secret-0123')}", groups: [night-shift]}`,
        '',
      ].join('\n'),
    );
    gw = await startEmulatorProcess({ args: ['--config', file] });
    as = ['--gateway', gw.url, '--credentials', path.join(gw.dataDir, 'local-admin.json')];
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage(PKG, 1, { 'x/Run': FLOW }))).status, 201);
  });
  after(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--help of both; the top-level help lists them', async () => {
    const h = await flowgate(['authorisation', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /flowgate authorisation set --package <name> --version <n> --group <g>/);
    assert.match(h.stdout, /--none/);
    const g = await flowgate(['groups', '--help']);
    assert.equal(g.code, 0);
    assert.match(g.stdout, /Usage: flowgate groups/);
    const top = await flowgate(['--help']);
    assert.match(top.stdout, /authorisation\s+read or change which directory groups/);
    assert.match(top.stdout, /groups\s+list the groups of a gateway's directory/);
  });

  test('groups: the directory\'s groups with member counts (text and --json)', async () => {
    const text = await flowgate(['groups', ...as]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /3 groups in the directory of/);
    assert.match(text.stdout, /^\s+operators\s+1 member$/m);
    assert.match(text.stdout, /^\s+night-shift\s+1 member$/m); // the ops-ci client
    const json = await flowgate(['groups', ...as, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.gateway, gw.url);
    assert.deepEqual(doc.groups.map((g: { name: string }) => g.name), ['flowgate-admins', 'night-shift', 'operators']);
  });

  test('get of a version with no groups says anyone may execute; set names groups (read back through the API); --none clears them', async () => {
    const open = await flowgate(['authorisation', 'get', '--package', PKG, '--version', '1', ...as]);
    assert.equal(open.code, 0, open.stderr);
    assert.match(open.stdout, /guarded-cli v1 on .*: no groups/);
    assert.match(open.stdout, /No groups: anyone may execute this version's flows/);

    const set = await flowgate(['authorisation', 'set', '--package', PKG, '--version', '1', '--group', 'operators', '--group', 'night-shift', ...as, '--json']);
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout), { gateway: gw.url, package: PKG, version: 1, groups: ['operators', 'night-shift'] });
    assert.deepEqual((await auth()).body, { groups: ['operators', 'night-shift'] });

    const got = await flowgate(['authorisation', 'get', '-p', PKG, '--version', '1', ...as]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /groups operators, night-shift/);
    assert.match(got.stdout, /Members of these groups and Admins may execute/);

    const cleared = await flowgate(['authorisation', 'set', '--package', PKG, '--version', '1', '--none', ...as]);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.match(cleared.stdout, /✓ set the groups of guarded-cli v1 .*: no groups/);
    assert.deepEqual((await auth()).body, { groups: [] });
  });

  test('an unknown group: refused by the gateway naming it, nothing changed; an unknown version: 404', async () => {
    await call(gw, 'PUT', `/api/v1/packages/${PKG}/versions/1/authorisation`, { groups: ['operators'] });
    const typo = await flowgate(['authorisation', 'set', '--package', PKG, '--version', '1', '--group', 'operators', '--group', 'operaters', ...as]);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /refused the groups of guarded-cli v1/);
    assert.match(typo.stderr, /--group operaters: 'operaters' is not a group of this gateway's directory/);
    assert.match(typo.stderr, /flowgate groups/);
    assert.deepEqual((await auth()).body, { groups: ['operators'] }, 'a refused change changed something');
    const json = await flowgate(['authorisation', 'set', '--package', PKG, '--version', '1', '--group', 'operaters', ...as, '--json']);
    assert.equal(json.code, 1);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.error.code, 'unknown-group');
    assert.deepEqual(doc.error.details, [{ field: '--group operaters', message: "'operaters' is not a group of this gateway's directory" }]);

    const missing = await flowgate(['authorisation', 'get', '--package', PKG, '--version', '9', ...as]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404/);
  });

  test('usage errors name the option (exit 2) and never reach the gateway', async () => {
    const cases: [string[], RegExp][] = [
      [['authorisation'], /missing argument <get \| set>/],
      [['authorisation', 'list', '--package', PKG, '--version', '1'], /unknown subcommand 'list'/],
      [['authorisation', 'get', '--version', '1'], /missing --package/],
      [['authorisation', 'get', '--package', PKG], /missing --version/],
      [['authorisation', 'get', '--package', '../etc', '--version', '1'], /--package: '\.\.\/etc' is not a package name/],
      [['authorisation', 'get', '--package', PKG, '--version', '0'], /--version must be a whole number/],
      [['authorisation', 'get', '--package', PKG, '--version', '1e3'], /--version must be a whole number/],
      [['authorisation', 'get', '--package', PKG, '--version', '1', '--none'], /belong to `authorisation set`/],
      [['authorisation', 'set', '--package', PKG, '--version', '1'], /missing --group <name> \(repeatable\) or --none/],
      [['authorisation', 'set', '--package', PKG, '--version', '1', '--group', 'a', '--none'], /not both/],
      [['authorisation', 'set', '--package', PKG, '--version', '1', '--group', 'a', '--group', 'a'], /--group \(the 2nd\): 'a' is listed twice/],
      [['authorisation', 'set', '--package', PKG, '--version', '1', '--group', 'bad\nname'], /--group \(the 1st\): must not contain control characters/],
      [['authorisation', 'set', '--package', PKG, '--version', '1', '--group', 'x'.repeat(300)], /at most 256 characters/],
      [['groups', 'extra'], /unexpected argument 'extra'/],
    ];
    for (const [args, message] of cases) {
      const r = await flowgate([...args, '--gateway', 'http://127.0.0.1:9']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });

  test('a client outside the Admin groups is refused (403); no credentials at all: 401 saying what to do', async () => {
    const asOps = await flowgate(['authorisation', 'set', '--package', PKG, '--version', '1', '--none', '--gateway', gw.url], {
      FLOWGATE_CLIENT_ID: 'ops-ci',
      FLOWGATE_CLIENT_SECRET: 'ops-secret-0123',
    });
    assert.equal(asOps.code, 1);
    assert.match(asOps.stderr, /HTTP 403/);
    assert.doesNotMatch(asOps.stderr + asOps.stdout, /ops-secret-0123/);
    assert.deepEqual((await auth()).body, { groups: ['operators'] });
    const groups = await flowgate(['groups', '--gateway', gw.url, '--json']);
    assert.equal(groups.code, 1);
    const doc = JSON.parse(groups.stdout);
    assert.equal(doc.error.status, 401);
    assert.match(doc.error.message, /none were found/);
  });
});
