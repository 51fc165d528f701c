/** State on disk: it survives a restart (clean or killed) of the emulator process. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { startEmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, packExamples, startPath } from './helpers';

describe('restart', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-restart-test-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('publish, stop the process, start again on the same data folder, execute', async () => {
    const first = await startEmulatorProcess({ dataDir });
    try {
      assert.equal((await call(first, 'POST', '/api/v1/packages', await packExamples())).status, 201);
      await call(first, 'POST', '/api/v1/packages/network-ops/versions/1/publish');
      assert.equal((await call(first, 'POST', '/api/v1/packages/network-ops/default')).status, 200);
    } finally {
      assert.equal(await first.stop(), 0);
    }
    assert.ok(existsSync(path.join(dataDir, 'packages', 'network-ops', '1.fgpkg')));
    const store = JSON.parse(readFileSync(path.join(dataDir, 'store.json'), 'utf8'));
    assert.equal(store.defaultPackage, 'network-ops');

    const second = await startEmulatorProcess({ dataDir });
    try {
      const pkg = (await call(second, 'GET', '/api/v1/packages/network-ops')).body;
      assert.equal(pkg.isDefault, true);
      assert.equal(pkg.defaultVersion, 1);
      assert.equal(pkg.versions[0].published, true);
      // No package, no version named: the defaults; the flow is read back from the package file.
      const r = await call(second, 'POST', startPath('Restart-Service'), { inputVariables: { device: '10.0.0.9' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.outputVariables.message, 'Restarted sshd on 10.0.0.9');
      assert.equal(r.body.packageName, 'network-ops');
      // Re-uploading the same version after the restart is still a no-op.
      assert.equal((await call(second, 'POST', '/api/v1/packages', await packExamples())).status, 200);
      const defs = (await call(second, 'GET', '/api/v1/definitions')).body.definitions;
      assert.equal(defs.length, 5);
    } finally {
      assert.equal(await second.stop(), 0);
    }
  });

  test('default version rules survive a restart: an unpublished explicit default is restored when republished (rule 5)', async () => {
    const gw = await startEmulatorProcess({ dataDir });
    for (const v of [1, 2]) {
      await call(gw, 'POST', '/api/v1/packages', await buildPackage('kept', v, { 'x/Echo': `steps: []\n# v${v}\n` }));
      await call(gw, 'POST', `/api/v1/packages/kept/versions/${v}/publish`);
    }
    await call(gw, 'POST', '/api/v1/packages/kept/versions/1/default');
    await call(gw, 'POST', '/api/v1/packages/kept/versions/1/unpublish');
    assert.equal(await gw.stop(), 0);
    const again = await startEmulatorProcess({ dataDir });
    try {
      let pkg = (await call(again, 'GET', '/api/v1/packages/kept')).body;
      assert.equal(pkg.defaultVersion, null, 'rule 4 after restart');
      assert.equal(pkg.defaultIsExplicit, true);
      pkg = (await call(again, 'POST', '/api/v1/packages/kept/versions/1/publish')).body;
      assert.equal(pkg.defaultVersion, 1, 'rule 5 after restart');
      assert.equal(pkg.defaultIsExplicit, true);
    } finally {
      await again.stop();
    }
  });

  test('a change acknowledged over HTTP survives kill -9', async () => {
    const gw = await startEmulatorProcess({ dataDir });
    await call(gw, 'POST', '/api/v1/packages', await buildPackage('killed', 1, { 'x/Echo': 'steps: []\n' }));
    await call(gw, 'POST', '/api/v1/packages/killed/versions/1/publish');
    await gw.kill();
    const again = await startEmulatorProcess({ dataDir });
    try {
      const pkg = (await call(again, 'GET', '/api/v1/packages/killed')).body;
      assert.equal(pkg.versions[0].published, true);
      const r = await call(again, 'POST', startPath('Echo', { packageName: 'killed' }), {});
      assert.equal(r.status, 200);
    } finally {
      await again.stop();
    }
  });

  test('stopping the process marks running executions and answers their callers', async () => {
    const gw = await startEmulatorProcess({ dataDir });
    const sleeper = `
inputs:
  seconds:
    type: number
steps:
  - kind: wait
    seconds: "= seconds"
`;
    await call(gw, 'POST', '/api/v1/packages', await buildPackage('sleepy', 1, { 'x/Sleep': sleeper }));
    await call(gw, 'POST', '/api/v1/packages/sleepy/versions/1/publish');
    const pending = call(gw, 'POST', startPath('Sleep', { packageName: 'sleepy' }), { inputVariables: { seconds: 120 } });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const code = await gw.stop();
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 5000);
    const r = await pending;
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'Stopped');
  });

  test('unpublishing lets running executions finish', async () => {
    const gw = await startEmulatorProcess({ dataDir });
    try {
      await gw.adminToken(); // got first: the start below must reach the gateway before the unpublish
      const pending = call(gw, 'POST', startPath('Sleep', { packageName: 'sleepy' }), { inputVariables: { seconds: 0.5 } });
      await new Promise((r) => setTimeout(r, 150));
      await call(gw, 'POST', '/api/v1/packages/sleepy/versions/1/unpublish');
      const r = await pending;
      assert.equal(r.status, 200);
      assert.equal(r.body.status, 'Ended');
      const refused = await call(gw, 'POST', startPath('Sleep', { packageName: 'sleepy', packageVersion: 1 }), {
        inputVariables: { seconds: 0 },
      });
      assert.equal(refused.body.error.code, 'not-published');
    } finally {
      await gw.stop();
    }
  });
});
