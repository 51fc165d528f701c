/**
 * An existing data folder keeps working: a format-1 store (descriptions and instructions inline
 * in store.json, repository texts under `<data>/repository/`, SNMPv3 keys in clear, 0644 files) is
 * migrated when the store opens — texts into content files, keys sealed, modes tightened — and
 * everything reads, runs and builds as before.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { definitionPath } from '../../src/core/workspace/layout';
import { startEmulatorProcess } from '../support/emulatorProcess';
import { call, packExamples, startPath } from './helpers';

describe('store format 1 → 2', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-migration-test-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('an old data folder opens: texts, repository, keys and modes migrated; reads, runs and new versions work', async () => {
    let gw = await startEmulatorProcess({ dataDir });
    let before: { version: any; definitions: any[] };
    try {
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await packExamples())).status, 201);
      assert.equal((await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/publish')).status, 200);
      before = {
        version: (await call(gw, 'GET', '/api/v1/packages/network-ops/versions/1')).body,
        definitions: (await call(gw, 'GET', '/api/v1/definitions')).body.definitions,
      };
    } finally {
      await gw.stop();
    }

    // Turn the folder into what format 1 wrote.
    const file = path.join(dataDir, 'store.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const text = (sha: string) => readFileSync(path.join(dataDir, 'content', sha), 'utf8');
    for (const pkg of Object.values<any>(doc.packages)) {
      if (pkg.descriptionSha256) pkg.description = text(pkg.descriptionSha256);
      delete pkg.descriptionSha256;
      for (const v of Object.values<any>(pkg.versions)) {
        if (v.manifest.descriptionSha256) v.manifest.description = text(v.manifest.descriptionSha256);
        v.manifest.instructions = text(v.manifest.instructionsSha256);
        delete v.manifest.descriptionSha256;
        delete v.manifest.instructionsSha256;
        delete v.contentBytes;
      }
    }
    const defs = Object.values<any>(doc.definitions);
    for (const d of defs) {
      const target = path.join(dataDir, 'repository', ...definitionPath(d.kind, d.id).split('/'));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text(d.sha256));
    }
    // One repository text lost (a crash between writes in format 1): it comes back from the package file.
    const lost = defs.find((d) => d.kind === 'flow')!;
    rmSync(path.join(dataDir, 'repository', ...definitionPath(lost.kind, lost.id).split('/')));
    doc.snmpUsers = { legacy: { name: 'legacy', level: 'authPriv', authProtocol: 'sha', authKey: 'Legacy-Auth-Key-9d1', privProtocol: 'aes', privKey: 'Legacy-Priv-Key-4e7' } };
    doc.format = 1;
    writeFileSync(file, JSON.stringify(doc, null, 2));
    rmSync(path.join(dataDir, 'content'), { recursive: true });
    rmSync(path.join(dataDir, 'secret.key'));
    chmodSync(dataDir, 0o755);
    chmodSync(file, 0o644);

    gw = await startEmulatorProcess({ dataDir });
    try {
      const version = (await call(gw, 'GET', '/api/v1/packages/network-ops/versions/1')).body;
      assert.deepEqual(version, before.version, 'the version reads as before (instructions, description, definitions)');
      assert.deepEqual((await call(gw, 'GET', '/api/v1/definitions')).body.definitions, before.definitions);
      const migrated = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(migrated.format, 2);
      assert.equal(migrated.packages['network-ops'].versions['1'].manifest.instructions, undefined, 'no text inline any more');
      assert.match(migrated.packages['network-ops'].versions['1'].manifest.instructionsSha256, /^[0-9a-f]{64}$/);
      assert.ok(!existsSync(path.join(dataDir, 'repository')), 'the old repository folder is gone');
      for (const d of before.definitions) assert.ok(existsSync(path.join(dataDir, 'content', d.sha256)), `content file of ${d.id}`);
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      for (const name of readdirSync(dataDir)) {
        if (!statSync(path.join(dataDir, name)).isFile()) continue;
        const b = readFileSync(path.join(dataDir, name)).toString('latin1');
        assert.ok(!b.includes('Legacy-Auth-Key') && !b.includes('Legacy-Priv-Key'), `${name}: a key in clear`);
      }
      assert.deepEqual((await call(gw, 'GET', '/api/v1/snmp/users')).body.users.map((u: any) => u.name), ['legacy']);

      // It runs, and Create New Version reads the repository's texts (the lost one included).
      const run = await call(gw, 'POST', startPath('network/core/Restart-Service', { packageName: 'network-ops' }), { inputVariables: { device: '10.0.0.9' } });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      const nv = await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/new-version', { update: [{ kind: lost.kind, id: lost.id }] });
      assert.equal(nv.status, 201, JSON.stringify(nv.body));
      assert.equal(nv.body.version, 2);
      assert.equal(nv.body.instructions, before.version.instructions);
    } finally {
      await gw.stop();
    }
  });
});
