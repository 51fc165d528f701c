/**
 * The token-attack corpus (test/hostile/tokens/corpus.ts) against a real emulator: every forged or
 * misused token is answered 401 with `WWW-Authenticate: Bearer … error="invalid_token"` on an Admin
 * route and on reading executions, never 500, while the gateway keeps answering /healthz; the real
 * token it was made from is accepted (so the refusals are the attacks', not a broken setup).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call, whileServing } from './harness';
import { resigned, TOKEN_ATTACKS, type TokenContext } from './tokens/corpus';

describe('token-attack corpus', () => {
  let gw: EmulatorProcess;
  let other: EmulatorProcess;
  let ctx: TokenContext;
  before(async () => {
    gw = await startEmulatorProcess({ name: 'token-target' });
    other = await startEmulatorProcess({ name: 'token-other' });
    const keyFile = JSON.parse(readFileSync(path.join(gw.dataDir, 'oauth', 'signing-key.json'), 'utf8')) as { key: TokenContext['key'] };
    ctx = { good: await gw.adminToken(), key: keyFile.key, foreign: await other.adminToken() };
  });
  after(async () => {
    await gw?.stop();
    await other?.stop();
  });

  test('the real token is accepted', async () => {
    assert.equal((await call(gw.url, 'GET', '/api/v1/packages', undefined, { authorization: `Bearer ${ctx.good}` })).status, 200);
  });

  test('a token accepted once (the gateway remembers verified tokens) is refused once it expires', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const short = await resigned(ctx, (p) => (p.exp = exp));
    const use = () => call(gw.url, 'GET', '/api/v1/packages', undefined, { authorization: `Bearer ${short}` });
    assert.equal((await use()).status, 200, 'accepted while valid');
    assert.equal((await use()).status, 200, 'accepted again (remembered)');
    // Past exp and the clock tolerance (5 s) it must be refused, remembered or not.
    while (Date.now() / 1000 <= exp + 6) await new Promise((r) => setTimeout(r, 250));
    const late = await use();
    assert.equal(late.status, 401, JSON.stringify(late.body));
    assert.match(late.body.error.message, /expired/);
  });

  for (const attack of TOKEN_ATTACKS) {
    test(`${attack.name}: ${attack.why} → 401 invalid_token`, async () => {
      const token = await attack.make(ctx);
      assert.notEqual(token, ctx.good);
      for (const route of ['/api/v1/packages', '/api/v1/executions']) {
        const r = await whileServing(gw, () => call(gw.url, 'GET', route, undefined, { authorization: `Bearer ${token}` }));
        assert.equal(r.status, 401, `${route}: ${r.status} ${JSON.stringify(r.body)}`);
        assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="flowgate", error="invalid_token"');
        assert.equal(r.body.error.code, 'unauthorized');
        assert.doesNotMatch(JSON.stringify(r.body), /eyJ|signing-key|secret/i, 'the answer echoes no token or key material');
      }
    });
  }
});
