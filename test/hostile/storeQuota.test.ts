/**
 * Hostile corpus: what one package may add over all its versions (LIMITS.packageContentBytes).
 * Versions each within the per-version quota pile up until the package's total is reached; the
 * next one is refused (413 quota-exceeded) with nothing stored, other packages are still
 * accepted, and deleting an unpublished version makes room again.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { buildPackageFile } from '../../src/core/package/packageFile';
import { assertRefused, call, snapshot, startTarget, whileServing } from './harness';

const FLOW = 'steps:\n  - kind: log\n    message: "= \'ok\'"\n';
/** Per definition: just under the per-definition quota; per version: just under the per-version quota. */
const TEXT_BYTES = LIMITS.definitionTextBytes - 64;
const PER_VERSION = Math.floor((LIMITS.versionContentBytes - 64 * 1024) / TEXT_BYTES);

async function heavyVersion(name: string, version: number): Promise<Uint8Array> {
  const { bytes } = await buildPackageFile({
    name,
    version,
    createdBy: 'hostile/store-quota',
    definitions: Array.from({ length: PER_VERSION }, (_, i) => ({
      kind: 'flow' as const,
      id: `heavy/F${i}`,
      text: `${FLOW}# v${version} f${i} `.padEnd(TEXT_BYTES - 1, 'q') + '\n',
    })),
  });
  return bytes;
}

describe('hostile: the package quota', () => {
  test('versions pile up to LIMITS.packageContentBytes; the next is refused naming the field, nothing stored; a deletion makes room', async () => {
    const gw = await startTarget();
    try {
      const perVersion = PER_VERSION * TEXT_BYTES;
      const fit = Math.floor(LIMITS.packageContentBytes / perVersion);
      assert.ok(fit >= 2 && fit <= 12, `the test stays bounded (${fit} versions)`);
      for (let v = 1; v <= fit; v++) {
        const res = await whileServing(gw, async () => call(gw, 'POST', '/api/v1/packages', await heavyVersion('hoard', v)));
        assert.equal(res.status, 201, `version ${v}: ${JSON.stringify(res.body).slice(0, 300)}`);
      }
      const before = await snapshot(gw);
      const files = readdirSync(path.join(gw.dataDir, 'packages', 'hoard')).sort();
      const over = await whileServing(gw, async () => call(gw, 'POST', '/api/v1/packages', await heavyVersion('hoard', fit + 1)));
      assertRefused(over, 413, 'body', 'quota-exceeded');
      assert.match(over.body.error.message, /hoard/);
      assert.deepEqual(await snapshot(gw), before);
      assert.deepEqual(readdirSync(path.join(gw.dataDir, 'packages', 'hoard')).sort(), files);

      // Another package is its own quota; deleting an unpublished version of this one makes room.
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await heavyVersion('other', 1))).status, 201);
      assert.equal((await call(gw, 'DELETE', '/api/v1/packages/hoard/versions/1')).status, 200);
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await heavyVersion('hoard', fit + 1))).status, 201);
    } finally {
      await gw.stop();
    }
  });

  test('the state document as a whole stays within LIMITS.storeBytes: a change beyond it is refused (507 quota-exceeded), not written, not visible', async () => {
    const gw = await startTarget();
    try {
      // Flows whose signatures (inputs with long descriptions) make each version's state record ~0.9 MB.
      const description = 'd'.repeat(60_000);
      const flow = `inputs:\n${Array.from({ length: 15 }, (_, i) => `  in${i}:\n    type: string\n    default: x\n    description: ${description}\n`).join('')}${FLOW}`;
      let v = 0;
      let refused: Awaited<ReturnType<typeof call>> | undefined;
      let storeSize = 0;
      while (!refused && v < 60) {
        v++;
        const { bytes } = await buildPackageFile({ name: `state${v}`, version: 1, createdBy: 'hostile/store-quota', definitions: [{ kind: 'flow', id: 'wide/Flow', text: flow }] });
        const sizeBefore = statSync(path.join(gw.dataDir, 'store.json')).size;
        const res = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', bytes));
        if (res.status === 201) {
          storeSize = statSync(path.join(gw.dataDir, 'store.json')).size;
          assert.ok(storeSize <= LIMITS.storeBytes);
          continue;
        }
        refused = res;
        assertRefused(res, 507, 'store', 'quota-exceeded');
        assert.equal(statSync(path.join(gw.dataDir, 'store.json')).size, sizeBefore, 'store.json not written');
        assert.equal((await call(gw, 'GET', `/api/v1/packages/state${v}`)).status, 404, 'not visible');
        assert.ok(!existsSync(path.join(gw.dataDir, 'packages', `state${v}`)), 'no package file left');
      }
      assert.ok(refused, `refused before 60 packages (store.json at ${storeSize} bytes)`);
      assert.ok(storeSize > LIMITS.storeBytes * 0.9, `refused near the bound (${storeSize})`);
      // Deleting makes room again.
      assert.equal((await call(gw, 'DELETE', '/api/v1/packages/state1')).status, 200);
      const { bytes } = await buildPackageFile({ name: 'roomy', version: 1, createdBy: 'hostile/store-quota', definitions: [{ kind: 'flow', id: 'wide/Flow', text: flow }] });
      assert.equal((await call(gw, 'POST', '/api/v1/packages', bytes)).status, 201);
    } finally {
      await gw.stop();
    }
  });
});
