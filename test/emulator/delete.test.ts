/**
 * DELETE of package versions and packages against a real emulator: only what is unpublished goes,
 * explicit defaults naming it are cleared, its triggers and schedules go with it, files nothing
 * names any more are removed, every deletion is recorded in `<data>/audit.jsonl`, and an
 * acknowledged deletion holds after `kill -9`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { GatewayClient } from '../../src/core/client/gatewayClient';
import { GatewayError } from '../../src/core/client/gatewayError';
import { buildPackageFile } from '../../src/core/package/packageFile';
import { sha256Hex } from '../../src/core/package/sha256';
import { startEmulatorProcess } from '../support/emulatorProcess';
import { call, startPath } from './helpers';

const FLOW = 'inputs:\n  who:\n    type: string\n    default: you\noutputs:\n  greeting:\n    type: string\nsteps:\n  - kind: set\n    values:\n      greeting: "= \'hello \' & who"\n';

async function pkg(name: string, version: number, extra: { instructions?: string; description?: string; trigger?: boolean } = {}): Promise<Uint8Array> {
  const { bytes } = await buildPackageFile({
    name,
    version,
    createdBy: 'flowgate-tests/0.1.0',
    ...(extra.description ? { description: extra.description } : {}),
    instructions: extra.instructions ?? `# ${name} v${version}\n`,
    definitions: [{ kind: 'flow', id: `del/Hello${version}`, text: FLOW }],
    ...(extra.trigger
      ? {
          triggers: [
            {
              name: `on-any-${version}`,
              flow: `del/Hello${version}`,
              enabled: true,
              inputs: {},
              conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c', community: '*' },
            },
          ],
        }
      : {}),
  });
  return bytes;
}

const auditLines = (dir: string) =>
  existsSync(path.join(dir, 'audit.jsonl'))
    ? readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];

describe('DELETE packages and versions', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-delete-test-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a published version is refused (409 version-published); an unpublished one goes with its file, triggers and explicit default', async () => {
    const gw = await startEmulatorProcess({ dataDir });
    try {
      const client = new GatewayClient(gw.url, { token: await gw.adminToken() });
      for (const v of [1, 2]) assert.equal((await call(gw, 'POST', '/api/v1/packages', await pkg('gone', v, { trigger: true, instructions: `# unique instructions of gone v${v}\n` }))).status, 201);
      for (const v of [1, 2]) assert.equal((await call(gw, 'POST', `/api/v1/packages/gone/versions/${v}/publish`)).status, 200);
      // Version 1 is the explicit default, then unpublished: rule 4 (no default) until it is deleted.
      assert.equal((await call(gw, 'POST', '/api/v1/packages/gone/versions/1/default')).status, 200);

      const refused = await call(gw, 'DELETE', '/api/v1/packages/gone/versions/1');
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'version-published');
      assert.ok(refused.body.error.details.some((d: any) => d.field === 'version'));
      assert.equal((await call(gw, 'GET', '/api/v1/packages/gone/versions/1')).status, 200, 'still there');

      assert.equal((await call(gw, 'POST', '/api/v1/packages/gone/versions/1/unpublish')).status, 200);
      let state = (await call(gw, 'GET', '/api/v1/packages/gone')).body;
      assert.equal(state.defaultVersion, null);
      assert.equal(state.defaultIsExplicit, true);

      // Its trigger is evaluated (not published) before the deletion, and gone after it.
      const trap = { version: 'v2c', community: 'public', source: { address: '10.0.0.1', port: 162 }, trapOid: '1.3.6.1.4.1.8072.2.3.0.1', varbinds: [] };
      const names = async () => ((await call(gw, 'POST', '/api/v1/snmp/evaluate', trap)).body.evaluations as any[]).filter((e) => e.packageName === 'gone').map((e) => `${e.packageVersion}:${e.triggerName}`).sort();
      assert.deepEqual(await names(), ['1:on-any-1', '2:on-any-2']);
      const instructionsSha = sha256Hex('# unique instructions of gone v1\n');
      assert.ok(existsSync(path.join(dataDir, 'content', instructionsSha)), 'instructions are a content file');

      const deleted = await client.deleteVersion('gone', 1);
      assert.deepEqual(deleted, { name: 'gone', version: 1, deleted: true });

      assert.equal((await call(gw, 'GET', '/api/v1/packages/gone/versions/1')).status, 404);
      assert.equal((await call(gw, 'GET', '/api/v1/packages/gone/versions/1/triggers')).status, 404);
      assert.equal((await call(gw, 'GET', '/api/v1/packages/gone/versions/1/schedules')).status, 404);
      assert.deepEqual(await names(), ['2:on-any-2']);
      state = (await call(gw, 'GET', '/api/v1/packages/gone')).body;
      assert.deepEqual(state.versions.map((v: any) => v.version), [2]);
      assert.equal(state.defaultIsExplicit, false, 'the explicit default named the deleted version: cleared');
      assert.equal(state.defaultVersion, 2, 'the implicit default takes over');
      assert.ok(!existsSync(path.join(dataDir, 'packages', 'gone', '1.fgpkg')), 'the package file is removed');
      assert.ok(existsSync(path.join(dataDir, 'packages', 'gone', '2.fgpkg')));
      assert.ok(!existsSync(path.join(dataDir, 'content', instructionsSha)), 'its instructions, named by nothing else, are collected');
      // The repository keeps the definition it wrote (a content file of its own), and v2 still runs.
      const defs = (await call(gw, 'GET', '/api/v1/definitions')).body.definitions as any[];
      const d1 = defs.find((d) => d.id === 'del/Hello1');
      assert.ok(d1 && existsSync(path.join(dataDir, 'content', d1.sha256)));
      const run = await call(gw, 'POST', startPath('del/Hello2', { packageName: 'gone' }), { inputVariables: { who: 'x' } });
      assert.equal(run.status, 200, JSON.stringify(run.body));

      // The same version number can be uploaded again: a new version 1.
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await pkg('gone', 1))).status, 201);

      // Every management action is recorded with its outcome: the refused delete (409) and the one done.
      const all = auditLines(dataDir);
      assert.ok(all.some((a) => a.action === 'delete-version' && a.status === 409 && a.package === 'gone'), JSON.stringify(all));
      const audit = all.filter((a) => a.action === 'delete-version' && a.status === 200);
      assert.equal(audit.length, 1);
      assert.equal(audit[0].by, 'local-admin');
      assert.equal(audit[0].package, 'gone');
      assert.deepEqual(audit[0].versions, [1]);
      assert.match(audit[0].address, /127\.0\.0\.1/);
      assert.ok(!Number.isNaN(Date.parse(audit[0].at)));
    } finally {
      await gw.stop();
    }
  });

  test('a package with a published version is refused; without one it goes, and the default package setting with it', async () => {
    const gw = await startEmulatorProcess({ dataDir });
    try {
      const client = new GatewayClient(gw.url, { token: await gw.adminToken() });
      assert.equal((await call(gw, 'POST', '/api/v1/packages/gone/default')).status, 200);
      const refused = await call(gw, 'DELETE', '/api/v1/packages/gone');
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'version-published');
      assert.ok(refused.body.error.details.some((d: any) => d.field === 'versions[2]'), JSON.stringify(refused.body));
      await assert.rejects(client.deletePackage('gone'), (err: unknown) => err instanceof GatewayError && err.status === 409);

      assert.equal((await call(gw, 'POST', '/api/v1/packages/gone/versions/2/unpublish')).status, 200);
      assert.deepEqual(await client.deletePackage('gone'), { name: 'gone', deleted: true });
      assert.equal((await call(gw, 'GET', '/api/v1/packages/gone')).status, 404);
      assert.ok(!existsSync(path.join(dataDir, 'packages', 'gone')), 'the package folder is removed');
      // The default package named it: cleared, so a request naming no package says there is none.
      const run = await call(gw, 'POST', startPath('del/Hello2'), { inputVariables: {} });
      assert.equal(run.status, 409);
      assert.equal(run.body.error.code, 'no-default-package');
      assert.match(run.body.error.message, /no default package/);

      const audit = auditLines(dataDir);
      assert.equal(audit.at(-1).action, 'delete-package');
      assert.deepEqual(audit.at(-1).versions, [1, 2]);

      // Unknown names and versions are 404; a name beyond the bound is a 400 naming it.
      assert.equal((await call(gw, 'DELETE', '/api/v1/packages/gone')).status, 404);
      assert.equal((await call(gw, 'DELETE', '/api/v1/packages/nothing/versions/3')).status, 404);
      const long = await call(gw, 'DELETE', `/api/v1/packages/${'n'.repeat(300)}`);
      assert.equal(long.status, 400);
      assert.ok(long.body.error.details.some((d: any) => d.field === 'name'));
      const badVersion = await call(gw, 'DELETE', '/api/v1/packages/x/versions/1e3');
      assert.equal(badVersion.status, 400);
    } finally {
      await gw.stop();
    }
  });

  test('an acknowledged deletion holds after kill -9', async () => {
    let gw = await startEmulatorProcess({ dataDir });
    try {
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await pkg('brief', 1))).status, 201);
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await pkg('brief', 2))).status, 201);
      const del = await call(gw, 'DELETE', '/api/v1/packages/brief/versions/1');
      assert.equal(del.status, 200);
      gw.process.kill('SIGKILL');
      await new Promise((r) => gw.process.once('exit', r));
      gw = await startEmulatorProcess({ dataDir });
      const state = (await call(gw, 'GET', '/api/v1/packages/brief')).body;
      assert.deepEqual(state.versions.map((v: any) => v.version), [2]);
      assert.ok(!existsSync(path.join(dataDir, 'packages', 'brief', '1.fgpkg')));
      assert.ok(auditLines(dataDir).some((a) => a.package === 'brief' && a.action === 'delete-version'));
      // No stray temporary file anywhere.
      const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [e.name]));
      assert.deepEqual(walk(dataDir).filter((n) => n.endsWith('.tmp')), []);
    } finally {
      await gw.stop();
    }
  });
});
