/** `flowgate run --draft <flow>`: the workspace's files as they are on disk, run as a draft on a real emulator. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCliFromSource } from '../support/builtCli';
import { REPO_ROOT, startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call } from '../emulator/helpers';

describe('flowgate run --draft', () => {
  let gw: EmulatorProcess;
  let ws: string;
  const creds = () => ['--credentials', path.join(gw.dataDir, 'local-admin.json')];
  before(async () => {
    gw = await startEmulatorProcess();
    ws = mkdtempSync(path.join(os.tmpdir(), 'flowgate-run-draft-'));
    cpSync(path.join(REPO_ROOT, 'examples'), ws, { recursive: true });
    const flow = path.join(ws, 'flows', 'network', 'core', 'Restart-Service.flow.yaml');
    writeFileSync(flow, readFileSync(flow, 'utf8').replace("'Would run: '", "'From disk, would run: '"));
  });
  after(async () => {
    await gw?.stop();
    rmSync(ws, { recursive: true, force: true });
  });

  test('runs the workspace files (nothing published) and prints the outputs; --json answers the draft run', async () => {
    const r = await runCliFromSource(['run', 'Restart-Service', '--draft', '--workspace', ws, '-i', 'device=10.0.0.1', '-i', 'dryRun=true', '-g', gw.url, ...creds()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /network\/core\/Restart-Service \(draft run\) Ended/);
    assert.match(r.stdout, /message\s+= From disk, would run: systemctl restart sshd/);
    const j = await runCliFromSource(['run', 'network/core/Restart-Service', '--draft', '--workspace', ws, '--inputs-json', '{"device":"x","dryRun":true}', '--json', '-g', gw.url, ...creds()]);
    assert.equal(j.code, 0, j.stderr);
    const body = JSON.parse(j.stdout);
    assert.equal(body.draft, true);
    assert.equal((await call(gw, 'GET', `/api/v1/executions/${body.executionId}`)).body.draft, true);
    assert.deepEqual((await call(gw, 'GET', '/api/v1/packages')).body.packages, [], 'something was published');
  });

  test('usage errors and a flow with errors are refused', async () => {
    const u = await runCliFromSource(['run', 'Restart-Service', '--draft', '--package', 'x', '-g', gw.url, ...creds()]);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /--draft runs the workspace files/);
    const none = await runCliFromSource(['run', 'Nope', '--draft', '--workspace', ws, '-g', gw.url, ...creds()]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Flow 'Nope' does not exist/);
    writeFileSync(path.join(ws, 'flows', 'network', 'core', 'Run-Command.flow.yaml'), 'steps:\n  - kind: nap\n');
    const bad = await runCliFromSource(['run', 'Restart-Service', '--draft', '--workspace', ws, '-i', 'device=x', '-g', gw.url, ...creds()]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Run-Command\.flow\.yaml/);
  });
});
