/**
 * Hostile sources and hostile callers of promotion's target side: a fake HTTP server pretending to
 * be a source gateway (it serves discovery and tokens so that qa gets that far) answers a huge file,
 * a never-ending body, nothing at all, a redirect elsewhere, garbage for its package list, refuses
 * notices; a source that is down. The target stays responsive (/healthz answers while a pull hangs
 * on the source) and answers a clear 502 or 400. Replacement lists at their bound; import ids that
 * are path tricks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { LIMITS } from '../../src/core/limits';
import { keyThumbprint, signPackageFile } from '../../src/core/package/signature';
import { buildPackage, call, waitFor } from '../emulator/helpers';
import { startPromotionGateway, type PromotionGateway } from '../support/promotionGateways';

/** A flow of ~9,000 lines whose values all differ with `seed`. */
function bigFlow(seed: string): string {
  const lines = Array.from({ length: 9000 }, (_, i) => `      k${i}: "${seed}${(i * 7919) % 10007}-${seed.repeat(3)}"`);
  return `steps:\n  - kind: set\n    values:\n${lines.join('\n')}\n`;
}

type Mode = 'good' | 'huge-declared' | 'huge-streamed' | 'endless' | 'silent' | 'redirect' | 'garbage-list' | 'not-json-list' | 'refuse-notices' | 'flaky-notices';

describe('hostile sources and callers of the target side', { timeout: 150_000 }, () => {
  let root: string;
  let qa: PromotionGateway;
  let fake: http.Server;
  let fakeUrl: string;
  let mode: Mode = 'good';
  const signed = new Map<number, Uint8Array>();
  const notices: unknown[] = [];
  let flakyLeft = 0;
  const open = new Set<http.ServerResponse>();

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'flowgate-hostile-promotion-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
    const kid = await keyThumbprint(jwk);
    signed.set(3, await signPackageFile(await buildPackage('orders', 3, { 'big/Flow': bigFlow('a') }), { kid, publicJwk: jwk, privateKey }));
    for (const v of [1, 2]) {
      signed.set(v, await signPackageFile(await buildPackage('orders', v, { 'orders/Main': `steps:\n  - kind: set\n    values:\n      done: ${v}\n` }), { kid, publicJwk: jwk, privateKey }));
    }
    fake = http.createServer((req, res) => {
      open.add(res);
      res.on('close', () => open.delete(res));
      const url = req.url ?? '';
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url === '/.well-known/openid-configuration') return json(200, { issuer: fakeUrl, token_endpoint: `${fakeUrl}/token` });
      if (url === '/token') return json(200, { access_token: 'fake-token', token_type: 'Bearer', expires_in: 300 });
      if (mode === 'redirect') {
        res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
        return res.end();
      }
      if (mode === 'silent') return; // never answers
      if (url === '/api/v1/packages') {
        if (mode === 'garbage-list') return json(200, { packages: [{ name: 'orders', versions: 'all of them' }] });
        if (mode === 'not-json-list') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('<html>definitely a gateway</html>');
        }
        return json(200, { packages: [{ name: 'orders', isDefault: false, defaultVersion: null, defaultIsExplicit: false, versions: [{ version: 1, published: false, status: 'SUBMITTED', isDefault: false, uploadedAt: new Date().toISOString(), contentDigest: 'a'.repeat(64) }] }] });
      }
      if (url === '/api/v1/packages/orders') {
        return json(200, { name: 'orders', isDefault: false, defaultVersion: null, defaultIsExplicit: false, versions: [1, 2, 3].map((version) => ({ version, published: false, status: 'SUBMITTED', isDefault: false, uploadedAt: new Date().toISOString(), contentDigest: 'a'.repeat(64) })) });
      }
      const fileOf = /^\/api\/v1\/packages\/orders\/versions\/([123])\/file$/.exec(url);
      if (fileOf) {
        if (mode === 'huge-declared') {
          res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(4 * 1024 * 1024 * 1024) });
          return res.write(Buffer.alloc(1024));
        }
        if (mode === 'huge-streamed') {
          res.writeHead(200, { 'content-type': 'application/zip' });
          const chunk = Buffer.alloc(1024 * 1024, 7);
          const pump = () => {
            while (!res.destroyed && res.write(chunk)) { /* until backpressure */ }
            if (!res.destroyed) res.once('drain', pump);
          };
          return pump();
        }
        if (mode === 'endless') {
          res.writeHead(200, { 'content-type': 'application/zip' });
          const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(Buffer.alloc(512, 1))), 50);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/zip' });
        return res.end(Buffer.from(signed.get(Number(fileOf[1]))!));
      }
      if (req.method === 'POST' && /^\/api\/v1\/packages\/orders\/versions\/[123]\/history$/.test(url)) {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          if (mode === 'refuse-notices') return json(400, { error: { code: 'bad-request', message: 'I do not like this notice' } });
          if (mode === 'flaky-notices' && flakyLeft-- > 0) return json(503, { error: { code: 'internal', message: 'busy' } });
          notices.push(JSON.parse(body));
          json(200, { recorded: true, status: 'ACCEPTED' });
        });
        return;
      }
      json(404, { error: { code: 'not-found', message: 'no' } });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    qa = await startPromotionGateway(root, 'qa', {
      sources: [
        { name: 'evil', url: fakeUrl, clientId: 'qa', clientSecret: 'the-source-secret-0123456789', trustedKeys: [kid] },
        { name: 'down', url: 'http://127.0.0.1:1', clientId: 'qa', clientSecret: 'another-secret-0123456789', trustedKeys: [kid] },
      ],
      env: { FLOWGATE_SOURCE_TIMEOUT_MS: '1500' },
    });
  });
  after(async () => {
    await qa?.stop().catch(() => undefined);
    for (const r of open) r.destroy();
    await new Promise((r) => fake?.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  /** A pull in `m`, while /healthz is asked meanwhile: answers the pull's result. */
  async function pullIn(m: Mode, source = 'evil') {
    mode = m;
    try {
      const pull = call(qa, 'POST', '/api/v1/imports', { source, name: 'orders', version: 1 });
      const health = await fetch(`${qa.url}/healthz`);
      assert.equal(health.status, 200, 'the target answers while a pull waits on the source');
      return await pull;
    } finally {
      mode = 'good';
    }
  }

  test('a huge file (declared or streamed), a never-ending body, a silent source, a redirect: 502 source-unavailable saying which', async () => {
    for (const [m, why] of [
      ['huge-declared', /more than \d+ bytes/],
      ['huge-streamed', /more than \d+ bytes/],
      ['endless', /did not answer .* within/],
      ['silent', /did not answer .* within/],
      ['redirect', /redirect \(302\)/],
    ] as const) {
      const r = await pullIn(m);
      assert.equal(r.status, 502, `${m}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'source-unavailable');
      assert.match(r.body.error.message, new RegExp(`Source evil at ${fakeUrl.replace(/[.:/]/g, '\\$&')}`));
      assert.match(r.body.error.message, why, m);
    }
    assert.deepEqual((await call(qa, 'GET', '/api/v1/imports')).body.imports, []);
  });

  test('garbage for the package list, and a source that is down: 502 naming the source and its URL', async () => {
    for (const m of ['garbage-list', 'not-json-list'] as const) {
      mode = m;
      const r = await call(qa, 'GET', '/api/v1/sources/evil/packages');
      mode = 'good';
      assert.equal(r.status, 502, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'source-unavailable');
      assert.match(r.body.error.message, /Source evil at/);
    }
    const down = await call(qa, 'GET', '/api/v1/sources/down/packages');
    assert.equal(down.status, 502);
    assert.match(down.body.error.message, /Source down at http:\/\/127\.0\.0\.1:1 /);
    const unknown = await call(qa, 'GET', '/api/v1/sources/nowhere/packages');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'source-not-found');
    // Neither secret in any answer.
    for (const r of [down, unknown, await call(qa, 'GET', '/api/v1/sources')]) {
      assert.equal(JSON.stringify(r.body).includes('the-source-secret'), false);
      assert.equal(JSON.stringify(r.body).includes('another-secret'), false);
    }
  });

  test('notices: a transient refusal is retried until delivered; a 4xx refusal is kept, not retried, and said in notifyError', async () => {
    flakyLeft = 2;
    mode = 'flaky-notices';
    const r = await call(qa, 'POST', '/api/v1/imports', { source: 'evil', name: 'orders', version: 1 });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const id = r.body.id;
    await waitFor(async () => ((await call(qa, 'GET', `/api/v1/imports/${id}`)).body.sourceNotified ? true : undefined), 15_000, 'ACCEPTED delivered');
    assert.equal(flakyLeft, -1, 'two 503s, then delivered');
    assert.equal(notices.length, 1);
    assert.equal((notices[0] as { event: string }).event, 'ACCEPTED');

    mode = 'refuse-notices';
    const rejected = await call(qa, 'POST', `/api/v1/imports/${id}/reject`, { reason: 'hostile source' });
    assert.equal(rejected.status, 200);
    const detail = await waitFor(async () => {
      const d = (await call(qa, 'GET', `/api/v1/imports/${id}`)).body;
      return d.notifyError ? d : undefined;
    }, 15_000, 'the refusal in notifyError');
    assert.match(detail.notifyError, /refused for good \(not retried\): 400 bad-request: I do not like this notice/);
    assert.equal(detail.sourceNotified, false);
    mode = 'good';
    await new Promise((r) => setTimeout(r, 600)); // beyond the test tuning's longest retry delay
    assert.equal(notices.length, 1, 'a permanent refusal is not retried');
  });

  test('replacement lists at their bound; malformed ones refused naming the field', async () => {
    const pulled = await call(qa, 'POST', '/api/v1/imports', { source: 'evil', name: 'orders', version: 2 });
    assert.equal(pulled.status, 201, JSON.stringify(pulled.body));
    const id = pulled.body.id;
    const max = LIMITS.replacementsPerImport;
    const many = Array.from({ length: max + 1 }, (_, i) => ({ kind: 'flow', from: `f/From${i}`, to: `f/To${i}` }));
    const over = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, { replacements: many });
    assert.equal(over.status, 400);
    assert.equal(over.body.error.details[0].field, 'replacements');
    const dup = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, { replacements: [{ kind: 'flow', from: 'a', to: 'b' }, { kind: 'flow', from: 'a', to: 'c' }] });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.error.details[0].field, 'replacements[1].from');
    const same = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, { replacements: [{ kind: 'flow', from: 'a', to: 'a' }] });
    assert.equal(same.status, 400);
    assert.equal(same.body.error.details[0].field, 'replacements[0].to');
    const bad = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, { replacements: [{ kind: 'secret', from: 'a', to: 'b' }] });
    assert.equal(bad.status, 400);
    const long = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, { replacements: [{ kind: 'flow', from: 'a', to: 'b'.repeat(LIMITS.definitionIdLength + 1) }] });
    assert.equal(long.status, 400);
    assert.match(long.body.error.details[0].field, /^replacements\[0\]\.to/);
    // Exactly at the bound: accepted, each one validated (its target exists nowhere, nothing references it).
    const atBound = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, { replacements: many.slice(0, max) });
    assert.equal(atBound.status, 200, JSON.stringify(atBound.body).slice(0, 500));
    assert.equal(atBound.body.replacements.length, max);
    assert.equal(atBound.body.validation.ok, false);
    assert.equal(atBound.body.validation.problems.filter((p: any) => p.code === 'replacement-target-missing').length, max);
    assert.equal(atBound.body.validation.problems.filter((p: any) => p.code === 'replacement-unused').length, max);
    const blocked = await call(qa, 'POST', `/api/v1/imports/${id}/apply`, {});
    assert.equal(blocked.status, 409);
    assert.equal(blocked.body.error.code, 'validation-failed');
    assert.ok(blocked.body.error.details.length <= 50);
    // Cleared again: apply goes through.
    assert.equal((await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, { replacements: [] })).status, 200);
    assert.equal((await call(qa, 'POST', `/api/v1/imports/${id}/apply`, {})).status, 200);
  });

  test('a preview of huge, unrelated texts stays bounded: answered, /healthz answers meanwhile, the diff says when it gave up', async () => {
    const own = await buildPackage('qa-own-big', 1, { 'big/Flow': bigFlow('z') });
    assert.equal((await call(qa, 'POST', '/api/v1/packages', own)).status, 201);
    const pulled = await call(qa, 'POST', '/api/v1/imports', { source: 'evil', name: 'orders', version: 3 });
    assert.equal(pulled.status, 201, JSON.stringify(pulled.body).slice(0, 500));
    const preview = call(qa, 'GET', `/api/v1/imports/${pulled.body.id}/preview`);
    assert.equal((await fetch(`${qa.url}/healthz`)).status, 200);
    const r = await preview;
    assert.equal(r.status, 200);
    const entry = r.body.definitions.find((d: any) => d.id === 'big/Flow');
    assert.equal(entry.change, 'changed');
    assert.equal(entry.text, bigFlow('a'));
    assert.equal(entry.currentText, bigFlow('z'));
    // ~18,000 edits: far beyond what jsdiff does within LIMITS.previewDiffMs, so the preview says it gave up.
    assert.match(entry.diff, /^\(no diff: the texts of flow big\/Flow differ too much to compare/);
  });

  test('import ids that are path tricks: 400 or 404, never a file', async () => {
    for (const trick of ['..%2F..%2Fstore.json', '%2e%2e', '..%5Cstore.json', 'imp-..%2Fx', '__proto__', 'constructor', 'hasOwnProperty', 'a'.repeat(65), '%00']) {
      for (const suffix of ['', '/preview']) {
        const r = await call(qa, 'GET', `/api/v1/imports/${trick}${suffix}`);
        assert.ok(r.status === 400 || r.status === 404, `${trick}${suffix}: ${r.status}`);
        assert.equal(typeof r.body, 'object');
        assert.ok(r.body.error, `${trick}${suffix}: an error body`);
        assert.equal(JSON.stringify(r.body).includes('"format"'), false);
      }
      const apply = await call(qa, 'POST', `/api/v1/imports/${trick}/apply`, {});
      assert.ok(apply.status === 400 || apply.status === 404, `${trick} apply: ${apply.status}`);
    }
    assert.equal((await fetch(`${qa.url}/healthz`)).status, 200);
  });
});
