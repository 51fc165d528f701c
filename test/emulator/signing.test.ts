/**
 * Signing on the gateway (issue 10) through real emulator processes: an unsigned upload is a
 * submission the gateway signs as its creator; what it serves is always signed by a gateway;
 * another gateway takes an export only when it trusts the signer; a protected target refuses
 * direct uploads and new versions unless an Admin says allowUnsigned=true, which the audit log records.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import JSZip from 'jszip';
import { compactVerify, importJWK } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readPackageFile } from '../../src/core/package/packageFile';
import { keyThumbprint, SIGNATURE_ENTRY, signPackageFile } from '../../src/core/package/signature';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import type { ConfiguredEmulator } from '../support/gatewayConfigFixture';
import { gatewayKeys, startTrusting, type PublicKeyEntry } from '../support/signingFixture';
import { adminHeaders, buildPackage, call } from './helpers';

const FLOW = 'steps:\n  - kind: log\n    message: "= \'signed\'"\n';

async function download(gw: EmulatorProcess, name: string, version: number): Promise<Uint8Array> {
  const res = await fetch(`${gw.url}/api/v1/packages/${name}/versions/${version}/file`, { headers: await adminHeaders(gw) });
  assert.equal(res.status, 200);
  return new Uint8Array(await res.arrayBuffer());
}

/** Verifies the file's signature with jose alone against `key` (not through Flowgate's reader): answers the header. */
async function verifiedBy(bytes: Uint8Array, key: PublicKeyEntry): Promise<Record<string, unknown>> {
  const zip = await JSZip.loadAsync(bytes);
  const manifest = await zip.file('manifest.json')!.async('uint8array');
  const jws = (await zip.file(SIGNATURE_ENTRY)!.async('string')).trim();
  const [header, empty, signature] = jws.split('.');
  assert.equal(empty, '', 'a detached JWS');
  const { protectedHeader, payload } = await compactVerify(`${header}.${Buffer.from(manifest).toString('base64url')}.${signature}`, await importJWK({ ...key.jwk, alg: 'EdDSA' }, 'EdDSA'));
  assert.deepEqual(Buffer.from(payload), Buffer.from(manifest));
  return protectedHeader as Record<string, unknown>;
}

function storedVersion(gw: EmulatorProcess, name: string, version: number): { signer?: string; file: string } {
  const doc = JSON.parse(readFileSync(path.join(gw.dataDir, 'store.json'), 'utf8'));
  return doc.packages[name].versions[String(version)];
}

describe('signing on the gateway', () => {
  let dev: EmulatorProcess;
  let qa: ConfiguredEmulator;
  let stranger: EmulatorProcess;
  let devKey: PublicKeyEntry;
  let unsigned: Uint8Array;

  before(async () => {
    dev = await startEmulatorProcess({ name: 'dev' });
    [devKey] = await gatewayKeys(dev);
    [qa, stranger] = await Promise.all([startTrusting([{ name: 'dev', gw: dev }], { name: 'qa' }), startEmulatorProcess({ name: 'stranger' })]);
    unsigned = await buildPackage('ops', 1, { 'net/Check': FLOW });
  });
  after(async () => {
    await Promise.all([dev?.stop(), qa?.stop(), stranger?.stop()]);
  });

  test("an unsigned upload is signed by the gateway as its creator: the served file verifies (jose) with the gateway's current key", async () => {
    const up = await call(dev, 'POST', '/api/v1/packages', unsigned);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(storedVersion(dev, 'ops', 1).signer, devKey.kid, 'the version record names the signer');
    const served = await download(dev, 'ops', 1);
    const header = await verifiedBy(served, devKey);
    assert.deepEqual(header, { alg: 'EdDSA', typ: 'flowgate-package+jws', kid: devKey.kid, jwk: devKey.jwk });
    // The stored file is the signed one, served as stored.
    assert.deepEqual(Buffer.from(readFileSync(path.join(dev.dataDir, storedVersion(dev, 'ops', 1).file))), Buffer.from(served));
    // Nothing of the upload changed but the added signature.
    const a = await readPackageFile(unsigned);
    const b = await readPackageFile(served);
    for (const [name, data] of a.entries) assert.deepEqual(Buffer.from(b.entries.get(name)!), Buffer.from(data), name);
    assert.deepEqual([...b.entries.keys()].sort(), [...a.entries.keys(), SIGNATURE_ENTRY].sort());
  });

  test('re-uploading, unsigned or as served (signed), is the identical no-op', async () => {
    for (const bytes of [unsigned, await download(dev, 'ops', 1)]) {
      const again = await call(dev, 'POST', '/api/v1/packages', bytes);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body, { name: 'ops', version: 1, created: false });
    }
  });

  test('a new version built by the gateway is signed by it too', async () => {
    const nv = await call(dev, 'POST', '/api/v1/packages/ops/versions/1/new-version', {});
    assert.equal(nv.status, 201, JSON.stringify(nv.body));
    assert.equal(storedVersion(dev, 'ops', nv.body.version).signer, devKey.kid);
    assert.equal((await verifiedBy(await download(dev, 'ops', nv.body.version), devKey)).kid, devKey.kid);
  });

  test("a gateway that trusts dev's key takes its export, stores it as signed by dev, and serves it as stored", async () => {
    const served = await download(dev, 'ops', 1);
    const up = await call(qa, 'POST', '/api/v1/packages', served);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(storedVersion(qa, 'ops', 1).signer, devKey.kid, "qa records dev's key as the signer, it does not sign again");
    assert.deepEqual(Buffer.from(await download(qa, 'ops', 1)), Buffer.from(served));
  });

  test('a gateway that does not trust the signer refuses the file (400 untrusted-signer naming the key), nothing stored', async () => {
    const r = await call(stranger, 'POST', '/api/v1/packages', await download(dev, 'ops', 1));
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'untrusted-signer');
    assert.ok(r.body.error.message.includes(devKey.kid), r.body.error.message);
    assert.match(r.body.error.message, /trustedKeys/);
    assert.equal((await call(stranger, 'GET', '/api/v1/packages/ops')).status, 404);
  });

  test('a signed file whose manifest was changed on the way: 400 invalid-signature saying so', async () => {
    const zip = await JSZip.loadAsync(await download(dev, 'ops', 1));
    const text = await zip.file('manifest.json')!.async('string');
    zip.file('manifest.json', text.replace('"version": 1', '"version": 2'));
    const r = await call(qa, 'POST', '/api/v1/packages', await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'invalid-signature');
    assert.match(r.body.error.message, /does not match manifest\.json/);
    assert.equal((await call(qa, 'GET', '/api/v1/packages/ops/versions/2')).status, 404);
  });
});

describe('a file stored before signing existed', () => {
  test('is served signed by the current key; re-uploading that export is the no-op', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-legacy-'));
    try {
      const legacy = await buildPackage('legacy', 1, { 'old/Flow': FLOW });
      let gw = await startEmulatorProcess({ dataDir });
      assert.equal((await call(gw, 'POST', '/api/v1/packages', legacy)).status, 201);
      await gw.stop();
      // Turn the data folder into one written before signing: the stored file unsigned, no signer recorded.
      const storePath = path.join(dataDir, 'store.json');
      const doc = JSON.parse(readFileSync(storePath, 'utf8'));
      const v = doc.packages.legacy.versions['1'];
      delete v.signer;
      writeFileSync(path.join(dataDir, v.file), legacy);
      writeFileSync(storePath, JSON.stringify(doc));
      gw = await startEmulatorProcess({ dataDir });
      try {
        const [key] = await gatewayKeys(gw);
        const served = await download(gw, 'legacy', 1);
        assert.equal((await verifiedBy(served, key)).kid, key.kid);
        assert.deepEqual(Buffer.from(readFileSync(path.join(dataDir, v.file))), Buffer.from(legacy), 'the stored file is left as it was');
        const again = await call(gw, 'POST', '/api/v1/packages', served);
        assert.equal(again.status, 200, JSON.stringify(again.body));
      } finally {
        await gw.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a protected target', () => {
  let prod: ConfiguredEmulator;
  before(async () => {
    prod = await startTrusting([], { protected: true, name: 'prod' });
  });
  after(async () => {
    await prod?.stop();
  });

  test('refuses a direct upload (403 protected-target, saying how), stores nothing, and records the attempt', async () => {
    const r = await call(prod, 'POST', '/api/v1/packages', await buildPackage('direct', 1, { 'x/Run': FLOW }));
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'protected-target');
    assert.match(r.body.error.message, /only by promotion from its trusted sources/);
    assert.match(r.body.error.message, /allowUnsigned=true/);
    assert.equal((await call(prod, 'GET', '/api/v1/packages/direct')).status, 404);
    const audit = (await call(prod, 'GET', '/api/v1/audit?action=upload-package')).body.records;
    assert.equal(audit[0].status, 403);
    assert.equal(audit[0].allowUnsigned, undefined);
  });

  test('allowUnsigned=true by an Admin: accepted, signed by the target, and the audit record says allowUnsigned', async () => {
    const r = await call(prod, 'POST', '/api/v1/packages?allowUnsigned=true', await buildPackage('direct', 1, { 'x/Run': FLOW }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const [key] = await gatewayKeys(prod);
    assert.equal((await verifiedBy(await download(prod, 'direct', 1), key)).kid, key.kid);
    const [rec] = (await call(prod, 'GET', '/api/v1/audit?action=upload-package')).body.records;
    assert.equal(rec.status, 201);
    assert.equal(rec.allowUnsigned, true);
    assert.equal(rec.package, 'direct');
    assert.deepEqual(rec.versions, [1]);
    // allowUnsigned=false is no exception.
    const no = await call(prod, 'POST', '/api/v1/packages?allowUnsigned=false', await buildPackage('direct', 2, { 'x/Run': FLOW }));
    assert.equal(no.status, 403);
    // Anything else is a bad query, naming the field.
    const bad = await call(prod, 'POST', '/api/v1/packages?allowUnsigned=yes', await buildPackage('direct', 2, { 'x/Run': FLOW }));
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /allowUnsigned/);
  });

  test('allowUnsigned needs an Admin: without a token 401, nothing stored', async () => {
    const r = await call(prod, 'POST', '/api/v1/packages?allowUnsigned=true', await buildPackage('anon', 1, { 'x/Run': FLOW }), { authorization: '' });
    assert.equal(r.status, 401);
    assert.equal((await call(prod, 'GET', '/api/v1/packages/anon')).status, 404);
  });

  test('a new version on a protected target: 403 protected-target, nothing created', async () => {
    const r = await call(prod, 'POST', '/api/v1/packages/direct/versions/1/new-version', {});
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'protected-target');
    assert.equal((await call(prod, 'GET', '/api/v1/packages/direct/versions/2')).status, 404);
  });
});

describe('key rotation: several keys of the gateway', () => {
  test('files signed by an older key of the gateway are still its own; new submissions are signed by the current key', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-rotation-'));
    try {
      const make = async (current: boolean, createdAt: string) => {
        const { privateKey } = generateKeyPairSync('ed25519');
        const { x, d } = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
        const jwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x };
        return { stored: { kid: await keyThumbprint(jwk), x, d, current, createdAt }, signer: { kid: await keyThumbprint(jwk), publicJwk: jwk, privateKey } };
      };
      const old = await make(false, '2026-01-01T00:00:00.000Z');
      const now = await make(true, '2026-06-01T00:00:00.000Z');
      mkdirSync(path.join(dataDir, 'signing'), { recursive: true, mode: 0o700 });
      writeFileSync(path.join(dataDir, 'signing', 'package-key.json'), JSON.stringify({ keys: [old.stored, now.stored] }), { mode: 0o600 });
      const gw = await startEmulatorProcess({ dataDir });
      try {
        const keys = await gatewayKeys(gw);
        assert.deepEqual(keys.map((k) => [k.kid, k.current]), [[old.stored.kid, false], [now.stored.kid, true]]);
        // An export signed with the old key (before the rotation) comes back: accepted, its signer kept.
        const byOld = await signPackageFile(await buildPackage('rotated', 1, { 'x/Run': FLOW }), old.signer);
        assert.equal((await call(gw, 'POST', '/api/v1/packages', byOld)).status, 201);
        assert.deepEqual(Buffer.from(await download(gw, 'rotated', 1)), Buffer.from(byOld), 'served as stored');
        // A new submission: the current key.
        assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('rotated', 2, { 'x/Run': FLOW }))).status, 201);
        assert.equal((await verifiedBy(await download(gw, 'rotated', 2), keys[1])).kid, now.stored.kid);
      } finally {
        await gw.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
