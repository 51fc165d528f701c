/**
 * A file tampered in transit between the source (dev) and the target (qa) — a real HTTP proxy in
 * between changes the package file — is refused before anything is stored, with an error that
 * says which tampering: a changed byte in an entry, a changed manifest, a removed entry, an added
 * entry, another version's file, a file re-signed by another key; and a source whose key qa does
 * not trust is refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import type { AddressInfo } from 'node:net';
import { keyThumbprint, signPackageFile } from '../../src/core/package/signature';
import { buildPackage, call } from './helpers';
import { startPromotionGateway, submit, type PromotionGateway } from '../support/promotionGateways';

const FLOW = 'steps:\n  - kind: set\n    values:\n      done: true\n';

type Tamper = (bytes: Uint8Array, fetchOther: (version: number) => Promise<Uint8Array>) => Promise<Uint8Array>;

async function rezip(bytes: Uint8Array, change: (zip: JSZip) => Promise<void>): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(bytes);
  await change(zip);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

const definitionEntry = (zip: JSZip) => Object.keys(zip.files).find((n) => !zip.files[n].dir && n.endsWith('.flow.yaml'))!;

describe('tampering in transit between dev and qa', { timeout: 120_000 }, () => {
  let root: string;
  let dev: PromotionGateway;
  let qa: PromotionGateway;
  let untrusting: PromotionGateway;
  let wrongSecret: PromotionGateway;
  let proxy: http.Server;
  let tamper: Tamper | undefined;

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'flowgate-tamper-'));
    dev = await startPromotionGateway(root, 'dev');
    // The proxy: everything to dev as it is, except a package file while `tamper` is set.
    proxy = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      const upstream = await fetch(`${dev.url}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: 'manual' });
      let body: Uint8Array = new Uint8Array(await upstream.arrayBuffer());
      if (tamper && /\/versions\/\d+\/file$/.test(req.url ?? '') && upstream.ok) {
        const other = async (version: number) => {
          const r = await fetch(`${dev.url}${req.url!.replace(/\/versions\/\d+\/file$/, `/versions/${version}/file`)}`, { headers });
          return new Uint8Array(await r.arrayBuffer());
        };
        body = await tamper(body, other);
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' });
      res.end(body);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    qa = await startPromotionGateway(root, 'qa', { sources: [dev.asSource({ url: proxyUrl })] });
    const { publicKey } = generateKeyPairSync('ed25519');
    const otherKid = await keyThumbprint(publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string });
    untrusting = await startPromotionGateway(root, 'qa2', { sources: [dev.asSource({ trustedKeys: [otherKid] })] });
    wrongSecret = await startPromotionGateway(root, 'qa3', { sources: [dev.asSource({ clientSecret: 'wrong-secret-for-dev-0123456789' })] });
    assert.equal(await submit(dev, await buildPackage('orders', 1, { 'orders/Main': FLOW, 'orders/Other': FLOW })), 201);
    assert.equal(await submit(dev, await buildPackage('orders', 2, { 'orders/Main': FLOW.replace('true', 'false'), 'orders/Other': FLOW })), 201);
  });
  after(async () => {
    await Promise.all([dev, qa, untrusting, wrongSecret].map((g) => g?.stop().catch(() => undefined)));
    await new Promise((r) => proxy?.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  async function refused(change: Tamper, status: number, code: string, message: RegExp, field?: string): Promise<void> {
    tamper = change;
    try {
      const r = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 1 });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code, JSON.stringify(r.body));
      assert.match(r.body.error.message, message);
      if (field) assert.equal(r.body.error.details[0].field, field);
    } finally {
      tamper = undefined;
    }
    // Nothing was stored: no import, no file, and dev was told nothing.
    assert.deepEqual((await call(qa, 'GET', '/api/v1/imports')).body.imports, []);
    const dir = path.join(qa.dataDir, 'imports');
    assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
    assert.equal((await call(dev, 'GET', '/api/v1/packages/orders/versions/1/history')).body.status, 'SUBMITTED');
  }

  test('a changed byte in an entry: refused naming the entry', async () => {
    await refused(
      (b) => rezip(b, async (zip) => {
        const name = definitionEntry(zip);
        zip.file(name, (await zip.file(name)!.async('string')).replace('true', 'trUe'));
      }),
      400, 'invalid-package-file', /has been changed: its SHA-256 differs/,
    );
  });

  test('a changed manifest: refused as an invalid signature', async () => {
    await refused(
      (b) => rezip(b, async (zip) => {
        const m = JSON.parse(await zip.file('manifest.json')!.async('string'));
        m.description = 'innocent';
        zip.file('manifest.json', JSON.stringify(m));
      }),
      400, 'invalid-signature', /manifest was changed after key .* signed it/, 'signature',
    );
  });

  test('a removed entry: refused naming it as missing', async () => {
    await refused((b) => rezip(b, async (zip) => void zip.remove(definitionEntry(zip))), 400, 'invalid-package-file', /listed in the manifest but missing/);
  });

  test('an added entry: refused as not listed in the manifest', async () => {
    await refused((b) => rezip(b, async (zip) => void zip.file('flows/evil/Extra.flow.yaml', FLOW)), 400, 'invalid-package-file', /not listed in the manifest/);
  });

  test("another version's (validly signed) file: refused naming manifest.version", async () => {
    await refused((_b, other) => other(2), 400, 'invalid-package-file', /validly signed but is another version: manifest.version: the file is version 2, not the requested 1/, 'manifest.version');
  });

  test('a file re-signed with a key of the attacker: refused as an untrusted signer', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
    const signer = { kid: await keyThumbprint(jwk), publicJwk: jwk, privateKey };
    await refused(
      async (b) => signPackageFile(await rezip(b, async (zip) => {
        const name = definitionEntry(zip);
        zip.file(name, FLOW.replace('true', 'false'));
      }), signer),
      400, 'untrusted-signer', new RegExp(`signed by key ${signer.kid}, which this gateway does not trust`), 'signature',
    );
  });

  test('an untrusted signer: a target that trusts another key for the source refuses the genuine file', async () => {
    const r = await call(untrusting, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 1 });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'untrusted-signer');
    assert.match(r.body.error.message, new RegExp(dev.kid));
    assert.deepEqual((await call(untrusting, 'GET', '/api/v1/imports')).body.imports, []);
  });

  test("a credential the source refuses: 502 saying so, the secret in no answer and no log line", async () => {
    const r = await call(wrongSecret, 'GET', '/api/v1/sources/dev/packages');
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'source-unavailable');
    assert.match(r.body.error.message, /refused the client credentials of source dev/);
    const pull = await call(wrongSecret, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 1 });
    assert.equal(pull.status, 502);
    for (const text of [JSON.stringify(r.body), JSON.stringify(pull.body), wrongSecret.output(), dev.output(), JSON.stringify((await call(wrongSecret, 'GET', '/api/v1/audit')).body)]) {
      assert.equal(text.includes('wrong-secret-for-dev'), false);
      assert.equal(text.includes(dev.asSource().clientSecret), false);
    }
  });

  test('without tampering the same pull goes through the proxy (the refusals above were the tampering)', async () => {
    const r = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 1 });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.signer, dev.kid);
  });
});
