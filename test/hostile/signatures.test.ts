/**
 * Hostile corpus: forged and malformed package signatures uploaded to a real emulator that trusts
 * one source key. Each is refused (400 invalid-signature or untrusted-signer, field `signature`),
 * nothing is stored, the gateway keeps serving, nothing named in a header is ever fetched, and no
 * answer echoes a private key. A file properly signed by the trusted key is accepted (the control).
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import JSZip from 'jszip';
import { keyThumbprint, SIGNATURE_ENTRY, SIGNATURE_TYP, type Ed25519PublicJwk } from '../../src/core/package/signature';
import { buildPackage } from '../emulator/helpers';
import type { ConfiguredEmulator } from '../support/gatewayConfigFixture';
import { startTrusting } from '../support/signingFixture';
import { assertRefused, call, snapshot, whileServing } from './harness';

const FLOW = 'steps:\n  - kind: log\n    message: "= \'hostile\'"\n';
const b64 = (v: string | Uint8Array) => Buffer.from(v).toString('base64url');

interface Key {
  kid: string;
  jwk: Ed25519PublicJwk;
  d: string;
  privateKey: KeyObject;
}

async function newKey(): Promise<Key> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { x, d } = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  const jwk: Ed25519PublicJwk = { kty: 'OKP', crv: 'Ed25519', x };
  return { kid: await keyThumbprint(jwk), jwk, d, privateKey };
}

/** A detached JWS built by hand (no library's checks in the way): EdDSA with `signWith` over header.payload. */
function forge(header: Record<string, unknown>, manifest: Uint8Array, signWith: KeyObject | ((input: Buffer) => Buffer)): string {
  const h = b64(JSON.stringify(header));
  const input = Buffer.from(`${h}.${b64(manifest)}`);
  const signature = typeof signWith === 'function' ? signWith(input) : sign(null, input, signWith);
  return `${h}..${b64(signature)}`;
}

async function manifestOf(bytes: Uint8Array): Promise<Uint8Array> {
  return (await JSZip.loadAsync(bytes)).file('manifest.json')!.async('uint8array');
}

/** The package with `signature.jws` set to `content`. */
async function withSignature(bytes: Uint8Array, content: string | Uint8Array): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(bytes);
  zip.file(SIGNATURE_ENTRY, content, { date: new Date(Date.UTC(1980, 0, 1)), createFolders: false });
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** Sets the uncompressed size `entry` declares (local header and central directory) to `size`: a zip that lies. */
function declareSize(zip: Uint8Array, entry: string, size: number): Uint8Array {
  const out = new Uint8Array(zip);
  const view = new DataView(out.buffer);
  for (let i = 0; i + 46 < out.length; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(i + 28, true);
    const name = Buffer.from(out.subarray(i + 46, i + 46 + nameLength)).toString('utf8');
    if (name !== entry) continue;
    view.setUint32(i + 24, size, true);
    view.setUint32(view.getUint32(i + 42, true) + 22, size, true);
    return out;
  }
  throw new Error(`no entry ${entry}`);
}

describe('hostile: package signatures', () => {
  let gw: ConfiguredEmulator;
  let trusted: Key;
  let attacker: Key;
  let unsigned: Uint8Array;
  let manifest: Uint8Array;
  let fetched = 0;
  let trap: http.Server;
  let trapUrl: string;
  const header = (k: Key, extra: Record<string, unknown> = {}) => ({ alg: 'EdDSA', typ: SIGNATURE_TYP, kid: k.kid, jwk: k.jwk, ...extra });

  before(async () => {
    [trusted, attacker] = [await newKey(), await newKey()];
    // A URL a header may name: any request to it is counted (there must be none).
    trap = http.createServer((_req, res) => {
      fetched++;
      res.end('{}');
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    gw = await startTrusting([{ name: 'dev', url: 'http://127.0.0.1:9', kids: [trusted.kid] }]);
    unsigned = await buildPackage('forged', 1, { 'x/Run': FLOW });
    manifest = await manifestOf(unsigned);
  });
  after(async () => {
    await gw?.stop();
    trap?.close();
  });

  async function refused(what: string, bytes: Uint8Array, code: 'invalid-signature' | 'untrusted-signer', message: RegExp): Promise<void> {
    const before = await snapshot(gw);
    const res = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', bytes));
    assertRefused(res, 400, 'signature', code);
    assert.match(res.body.error.message, message, what);
    const text = JSON.stringify(res.body);
    for (const k of [trusted, attacker]) assert.ok(!text.includes(k.d), `${what}: no private key in the answer`);
    assert.deepEqual(await snapshot(gw), before, `${what}: nothing stored`);
  }

  test('alg none: refused', async () => {
    const none = `${b64(JSON.stringify({ alg: 'none', typ: SIGNATURE_TYP, kid: trusted.kid, jwk: trusted.jwk }))}..${b64('x')}`;
    await refused('alg none', await withSignature(unsigned, none), 'invalid-signature', /only EdDSA/);
    const empty = `${b64(JSON.stringify({ alg: 'none', typ: SIGNATURE_TYP, kid: trusted.kid, jwk: trusted.jwk }))}..`;
    await refused('alg none, no signature', await withSignature(unsigned, empty), 'invalid-signature', /not a detached JWS/);
  });

  test('HS256 keyed with the trusted public key x: refused', async () => {
    const hmac = (input: Buffer) => createHmac('sha256', Buffer.from(trusted.jwk.x, 'base64url')).update(input).digest();
    await refused('HS256 (raw x)', await withSignature(unsigned, forge(header(trusted, { alg: 'HS256' }), manifest, hmac)), 'invalid-signature', /only EdDSA/);
    const hmacText = (input: Buffer) => createHmac('sha256', trusted.jwk.x).update(input).digest();
    await refused('HS256 (x as text)', await withSignature(unsigned, forge(header(trusted, { alg: 'HS256' }), manifest, hmacText)), 'invalid-signature', /only EdDSA/);
  });

  test('crit, jku, x5u, x5c, b64 headers (validly signed by the trusted key): refused, and nothing is fetched', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['crit', { crit: ['exp'], exp: 1 }],
      ['jku', { jku: `${trapUrl}/jwks.json` }],
      ['x5u', { x5u: `${trapUrl}/cert.pem` }],
      ['x5c', { x5c: ['MIIB'] }],
      ['b64', { b64: false, crit: ['b64'] }],
    ];
    for (const [what, extra] of cases) {
      await refused(what, await withSignature(unsigned, forge(header(trusted, extra), manifest, trusted.privateKey)), 'invalid-signature', /parameters a package signature never has/);
    }
    // jku naming a key set while the header carries no jwk: still refused, still nothing fetched.
    const jkuOnly = forge({ alg: 'EdDSA', typ: SIGNATURE_TYP, kid: trusted.kid, jku: `${trapUrl}/jwks.json` }, manifest, trusted.privateKey);
    await refused('jku without jwk', await withSignature(unsigned, jkuOnly), 'invalid-signature', /never has \(jku\)/);
    assert.equal(fetched, 0, 'no URL named in a header was fetched');
  });

  test('a jwk carrying d (a private key): refused, and d is not echoed', async () => {
    const withD = forge(header(trusted, { jwk: { ...trusted.jwk, d: trusted.d } }), manifest, trusted.privateKey);
    await refused('jwk with d', await withSignature(unsigned, withD), 'invalid-signature', /public key \{kty, crv, x\} and nothing else/);
  });

  test("kid not matching the jwk (trusted kid, attacker's key): refused", async () => {
    const lie = forge({ alg: 'EdDSA', typ: SIGNATURE_TYP, kid: trusted.kid, jwk: attacker.jwk }, manifest, attacker.privateKey);
    await refused('kid ≠ thumbprint', await withSignature(unsigned, lie), 'invalid-signature', /kid is not the thumbprint of its key/);
  });

  test("a header that claims the trusted kid and key, signed by another key: refused (the signature does not match)", async () => {
    const claim = forge(header(trusted), manifest, attacker.privateKey);
    await refused('claimed trusted key', await withSignature(unsigned, claim), 'invalid-signature', /does not match manifest\.json/);
  });

  test("the attacker's own key (valid signature, honest header): untrusted signer, naming the key", async () => {
    await refused('untrusted', await withSignature(unsigned, forge(header(attacker), manifest, attacker.privateKey)), 'untrusted-signer', new RegExp(attacker.kid));
  });

  test('an oversized signature.jws: refused before it is read', async () => {
    const big = `${b64(JSON.stringify(header(trusted)))}..${'A'.repeat(64 * 1024)}`;
    await refused('oversized', await withSignature(unsigned, big), 'invalid-signature', /at most 4096 bytes/);
  });

  test('a signature entry that is a zip bomb — honest or lying about its size: refused, the gateway keeps serving', async () => {
    const bomb = new Uint8Array(40 * 1024 * 1024); // 40 MB of zeros, ~40 KB deflated
    const honest = await withSignature(unsigned, bomb);
    assert.ok(honest.length < 200 * 1024, 'the bomb is small on the wire');
    await refused('zip bomb (declared)', honest, 'invalid-signature', /signature/);
    await refused('zip bomb (declared 300 bytes)', declareSize(honest, SIGNATURE_ENTRY, 300), 'invalid-signature', /inflates to more than 4096 bytes/);
  });

  test('the control: the same package properly signed by the trusted key is accepted and kept signed by it', async () => {
    const good = await withSignature(unsigned, forge(header(trusted), manifest, trusted.privateKey));
    const res = await call(gw, 'POST', '/api/v1/packages', good);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const served = await fetch(`${gw.url}/api/v1/packages/forged/versions/1/file`, { headers: { authorization: `Bearer ${await gw.adminToken()}` } });
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), Buffer.from(good));
  });
});
