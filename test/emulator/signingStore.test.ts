/**
 * The signing contract other parts of the gateway build on, in-process on a real data folder:
 * signing/trust.ts (whom uploads and pulls trust) and PackageStore.storeFile's two paths — an
 * upload (verified here, unsigned ones signed) and promotion's `verified: {signer}` (bytes the
 * caller verified against `trustedForSource`, stored as given).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readPackageFile } from '../../src/core/package/packageFile';
import { keyThumbprint, signPackageFile, type PackageSigner } from '../../src/core/package/signature';
import { loadPackageSigningKeys } from '../../src/emulator/signing/packageKeys';
import { packageTrust, type PackageTrust } from '../../src/emulator/signing/trust';
import { PackageStore } from '../../src/emulator/store/packageStore';
import { buildPackage } from './helpers';

const FLOW = 'steps:\n  - kind: log\n    message: "= \'store\'"\n';

async function newSigner(): Promise<PackageSigner> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicJwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: (publicKey.export({ format: 'jwk' }) as { x: string }).x };
  return { kid: await keyThumbprint(publicJwk), publicJwk, privateKey };
}

const source = (name: string, kids: string[]) => ({ name, url: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's', trustedKeys: kids });

/** Unsigned package files `a`…`e`, version 1 (built in `before`). */
const unsigned = new Map<string, Uint8Array>();

describe('signing contract: trust and storeFile', () => {
  let dir: string;
  let store: PackageStore;
  let trust: PackageTrust;
  let dev: PackageSigner;
  let qa: PackageSigner;
  let stranger: PackageSigner;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-signing-store-'));
    [dev, qa, stranger] = [await newSigner(), await newSigner(), await newSigner()];
    const keys = await loadPackageSigningKeys(dir);
    trust = packageTrust(keys, { protected: true, sources: [source('dev', [dev.kid]), source('qa', [qa.kid])] });
    store = await PackageStore.open(dir);
    store.useTrust(trust);
    for (const name of ['a', 'b', 'c', 'd', 'e']) unsigned.set(name, await buildPackage(name, 1, { 'x/Run': FLOW }));
  });
  after(async () => {
    await store?.flush();
    rmSync(dir, { recursive: true, force: true });
  });

  test('trust: uploads trust own keys and every source; a pull trusts only that source', () => {
    assert.equal(trust.protectedTarget, true);
    assert.equal(trust.trustedForUpload(trust.currentKid), true);
    assert.equal(trust.trustedForUpload(dev.kid), true);
    assert.equal(trust.trustedForUpload(qa.kid), true);
    assert.equal(trust.trustedForUpload(stranger.kid), false);
    assert.equal(trust.trustedForSource('dev', dev.kid), true);
    assert.equal(trust.trustedForSource('dev', qa.kid), false, "qa's key is not dev's");
    assert.equal(trust.trustedForSource('dev', trust.currentKid), false, "this gateway's key is not dev's");
    assert.equal(trust.trustedForSource('nope', dev.kid), false);
    assert.equal(packageTrust(trust.keys, undefined).protectedTarget, false);
  });

  test('upload path: an unsigned file is stored signed by the current key, signer recorded', async () => {
    const r = await store.exclusive(() => store.storeFile(unsigned.get('a')!));
    assert.equal(r.created, true);
    const v = store.storedVersion('a', 1);
    assert.equal(v.signer, trust.currentKid);
    const stored = new Uint8Array(readFileSync(store.versionFilePath('a', 1)));
    assert.equal((await readPackageFile(stored, { verifySignature: { isTrusted: (k) => k === trust.currentKid, required: true } })).signer, trust.currentKid);
  });

  test("upload path: a source's signature is verified and kept; a stranger's refused (untrusted-signer)", async () => {
    const byDev = await signPackageFile(unsigned.get('b')!, dev);
    await store.exclusive(() => store.storeFile(byDev));
    assert.equal(store.storedVersion('b', 1).signer, dev.kid);
    assert.deepEqual(Buffer.from(readFileSync(store.versionFilePath('b', 1))), Buffer.from(byDev));
    const byStranger = await signPackageFile(unsigned.get('c')!, stranger);
    await assert.rejects(store.exclusive(() => store.storeFile(byStranger)), (e: { status?: number; code?: string }) => e.status === 400 && e.code === 'untrusted-signer');
    assert.throws(() => store.storedVersion('c', 1), /no version|does not exist/);
  });

  test('promotion path: verified bytes are stored as given with the given signer, APPLIED, not verified or signed again', async () => {
    // The caller (an import's apply) verified this file against trustedForSource; the store does not second-guess it.
    const bySource = await signPackageFile(unsigned.get('d')!, stranger);
    await store.exclusive(() => store.storeFile(bySource, { status: 'APPLIED', verified: { signer: stranger.kid } }));
    const v = store.storedVersion('d', 1);
    assert.equal(v.signer, stranger.kid);
    assert.equal(v.status, 'APPLIED');
    assert.deepEqual(Buffer.from(readFileSync(store.versionFilePath('d', 1))), Buffer.from(bySource));
    // Without `verified`, the same record.signer is not taken on trust: the upload path verifies and the signer is the verified one.
    const byDev = await signPackageFile(unsigned.get('e')!, dev);
    await store.exclusive(() => store.storeFile(byDev, { record: { signer: 'not-the-signer' } }));
    assert.equal(store.storedVersion('e', 1).signer, dev.kid);
  });
});
