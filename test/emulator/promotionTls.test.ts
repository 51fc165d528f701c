/**
 * A source over HTTPS with its own CA (gateway.yaml `promotion.sources[].caFile`): the target trusts
 * that CA for that source only — discovery, token and API requests alike — and a target without it
 * refuses the source's certificate (502 source-unavailable), verification is never turned off.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPackage, call } from './helpers';
import { makeCert } from '../support/tlsFiles';
import { startPromotionGateway, submit, type PromotionGateway } from '../support/promotionGateways';

describe('a source over HTTPS with its own CA', { timeout: 90_000 }, () => {
  let root: string;
  let dev: PromotionGateway;
  let qa: PromotionGateway;
  let qaWithoutCa: PromotionGateway;

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'flowgate-promotion-tls-'));
    dev = await startPromotionGateway(root, 'dev');
    assert.equal(await submit(dev, await buildPackage('orders', 1, { 'orders/Main': 'steps:\n  - kind: set\n    values:\n      done: true\n' })), 201);
    // dev again, now serving HTTPS only (same port, data and client).
    await dev.stop();
    const { cert, key } = makeCert(root, 'dev', ['127.0.0.1']);
    appendFileSync(dev.configFile, `tls:\n  certFile: ${JSON.stringify(cert)}\n  keyFile: ${JSON.stringify(key)}\n`);
    dev.ca = readFileSync(cert, 'utf8');
    await dev.start();
    assert.match(dev.url, /^https:\/\//);
    qa = await startPromotionGateway(root, 'qa', { sources: [dev.asSource({ caFile: cert })] });
    qaWithoutCa = await startPromotionGateway(root, 'qa2', { sources: [dev.asSource()] });
  });
  after(async () => {
    await Promise.all([dev, qa, qaWithoutCa].map((g) => g?.stop().catch(() => undefined)));
    rmSync(root, { recursive: true, force: true });
  });

  test('with caFile the target lists and pulls over HTTPS', async () => {
    const offered = await call(qa, 'GET', '/api/v1/sources/dev/packages');
    assert.equal(offered.status, 200, JSON.stringify(offered.body));
    assert.equal(offered.body.versions[0].name, 'orders');
    const pulled = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 1 });
    assert.equal(pulled.status, 201, JSON.stringify(pulled.body));
    assert.equal(pulled.body.signer, dev.kid);
  });

  test("without it the source's certificate is refused: 502 naming the source", async () => {
    const r = await call(qaWithoutCa, 'GET', '/api/v1/sources/dev/packages');
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'source-unavailable');
    assert.match(r.body.error.message, new RegExp(`Source dev at ${dev.url.replace(/[.:/]/g, '\\$&')}`));
    assert.match(r.body.error.message, /certificate|SELF_SIGNED|self-signed|UNABLE_TO_VERIFY/i);
  });
});
