/**
 * Attacks on the sign-in page (src/emulator/auth/interactions.ts, signInPage.ts) against a real
 * emulator process, driven with raw HTTP so every header and body is chosen by the attacker:
 * markup in a user name and in request parameters comes back escaped; an oversized POST is 413
 * (declared or streamed); a missing, malformed or forged interaction uid, or the uid of another
 * interaction, is refused; a POST without the interaction cookie, from another origin or with no
 * Origin (cross-site request forgery) signs no one in; redirect URIs that are not the registered
 * loopback callback are never redirected to; the password is never in the audit log; and the
 * gateway keeps serving throughout.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { call, startTarget, whileServing } from './harness';
import type { EmulatorProcess } from '../support/emulatorProcess';
import { writeUsersConfig } from '../support/users';

const REDIRECT = 'http://127.0.0.1:43210/callback';

describe('hostile: the sign-in page', () => {
  let gw: EmulatorProcess;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-hostile-signin-'));
    gw = await startTarget({ args: ['--config', await writeUsersConfig(dir)], publishSample: false });
  });
  after(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An authorization request of the CLI client, followed to its sign-in page: the page's path and the cookies a browser would hold. */
  async function begin(extra: Record<string, string> = {}): Promise<{ path: string; uid: string; cookie: string; html: string; headers: Headers }> {
    const q = new URLSearchParams({
      client_id: 'flowgate-cli',
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'flowgate offline_access',
      prompt: 'consent',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 'st',
      ...extra,
    });
    const r = await fetch(`${gw.url}/oauth/auth?${q}`, { redirect: 'manual' });
    assert.equal(r.status, 303, await r.text());
    const location = r.headers.get('location')!;
    const cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await fetch(new URL(location, gw.url), { headers: { cookie } });
    assert.equal(page.status, 200);
    return { path: location, uid: location.split('/').pop()!, cookie, html: await page.text(), headers: page.headers };
  }

  function post(p: string, body: string, headers: Record<string, string>): Promise<Response> {
    return fetch(new URL(p, gw.url), { method: 'POST', redirect: 'manual', body, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: gw.url, ...headers } });
  }

  test('markup in the user name and in request parameters is escaped; no script anywhere', async () => {
    const evil = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
    const s = await begin({ state: evil, login_hint: evil, ui_locales: evil });
    assert.doesNotMatch(s.html, /<script|<img|onerror=alert/i);
    const r = await whileServing(gw, () => post(s.path, new URLSearchParams({ user: evil, password: 'wrong' }).toString(), { cookie: s.cookie }));
    assert.equal(r.status, 401);
    const html = await r.text();
    assert.doesNotMatch(html, /<script|<img/i);
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;&#62;&#60;img src&#61;x onerror&#61;alert(2)&#62;'), html);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
  });

  test('an oversized form: 413, declared or streamed; a body that is not a form: 415', async () => {
    const s = await begin();
    const big = `user=alice&password=${'a'.repeat(8000)}`;
    const r = await whileServing(gw, () => post(s.path, big, { cookie: s.cookie }));
    assert.equal(r.status, 413);
    // Streamed with no Content-Length: cut at the bound as well.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 64; i++) c.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        c.close();
      },
    });
    const r2 = await fetch(new URL(s.path, gw.url), {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: gw.url, cookie: s.cookie },
    } as RequestInit);
    assert.equal(r2.status, 413);
    const r3 = await post(s.path, JSON.stringify({ user: 'alice', password: 'alice-pw' }), { cookie: s.cookie, 'content-type': 'application/json' });
    assert.equal(r3.status, 415);
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
  });

  test('missing, malformed and forged interaction uids, and another interaction\'s uid, are refused', async () => {
    const s = await begin();
    const other = await begin();
    for (const [p, cookie, status] of [
      ['/oauth/interaction/', s.cookie, 404],
      ['/oauth/interaction/%3Cscript%3E', s.cookie, 404],
      [`/oauth/interaction/${'a'.repeat(200)}`, s.cookie, 404],
      ['/oauth/interaction/forged-uid-123', '', 400],
      ['/oauth/interaction/forged-uid-123', s.cookie, 400],
      [other.path, s.cookie, 400],
    ] as const) {
      const r = await fetch(new URL(p, gw.url), { headers: cookie ? { cookie } : {} });
      assert.equal(r.status, status, p);
      const html = await r.text();
      assert.doesNotMatch(html, /<form/, `${p}: no form`);
      assert.doesNotMatch(html, /<script/i);
      const r2 = await post(p, 'user=alice&password=alice-pw', cookie ? { cookie } : {});
      assert.equal(r2.status, status, `POST ${p}`);
      assert.equal(r2.headers.get('location'), null);
    }
    // The rightful page still works after all that.
    assert.equal((await fetch(new URL(s.path, gw.url), { headers: { cookie: s.cookie } })).status, 200);
  });

  test('cross-site request forgery: no cookie, another Origin or no Origin signs no one in', async () => {
    const s = await begin();
    const form = 'user=alice&password=alice-pw';
    const noCookie = await post(s.path, form, {});
    assert.equal(noCookie.status, 400);
    for (const origin of ['http://evil.example', 'null', gw.url.replace('127.0.0.1', 'localhost'), `${gw.url}.evil.example`]) {
      const r = await post(s.path, form, { cookie: s.cookie, origin });
      assert.equal(r.status, 403, origin);
      assert.doesNotMatch(await r.text(), /Signed in/);
    }
    const noOrigin = await fetch(new URL(s.path, gw.url), { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie } });
    assert.equal(noOrigin.status, 403);
    // With the cookie and the gateway's Origin it works: the refusals above were the checks, not a broken page.
    const ok = await post(s.path, form, { cookie: s.cookie });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /http-equiv="refresh" content="0;url=http:\/\/127\.0\.0\.1:\d+\/oauth\/auth\//);
  });

  test('open redirects: only the registered loopback callback (any port) is ever redirected to', async () => {
    for (const redirect of [
      'http://evil.example/callback',
      'https://evil.example/callback',
      'http://127.0.0.1.evil.example/callback',
      'http://127.0.0.1:43210/callback/../evil',
      'http://127.0.0.1:43210/callbackx',
      'http://127.0.0.1:43210/Callback',
      'http://user@127.0.0.1:43210/callback',
      'javascript:alert(1)//127.0.0.1/callback',
      '//evil.example/callback',
      'http://127.0.0.2/callback',
      'http://0.0.0.0/callback',
    ]) {
      const q = new URLSearchParams({
        client_id: 'flowgate-cli',
        response_type: 'code',
        redirect_uri: redirect,
        scope: 'flowgate',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const r = await fetch(`${gw.url}/oauth/auth?${q}`, { redirect: 'manual' });
      assert.equal(r.status, 400, redirect);
      assert.equal(r.headers.get('location'), null, redirect);
    }
    // An unknown client, or a confidential client of the configuration, cannot use the code flow at all.
    for (const client of ['evil-client', 'local-admin']) {
      const q = new URLSearchParams({ client_id: client, response_type: 'code', redirect_uri: REDIRECT, scope: 'flowgate', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
      const r = await fetch(`${gw.url}/oauth/auth?${q}`, { redirect: 'manual' });
      assert.equal(r.headers.get('location')?.startsWith('http://127.0.0.1:43210') ? 'redirected' : r.status, 400, client);
    }
  });

  test('a failed password is recorded without the password; methods other than GET and POST are refused', async () => {
    const s = await begin();
    const secret = 'hostile-password-9f3a7c';
    const r = await post(s.path, new URLSearchParams({ user: 'bob', password: secret }).toString(), { cookie: s.cookie });
    assert.equal(r.status, 401);
    assert.doesNotMatch(await r.text(), new RegExp(secret));
    const audit = await call(gw, 'GET', '/api/v1/audit?action=sign-in-failure');
    assert.equal(audit.status, 200);
    assert.ok(audit.body.records.some((x: { by?: string }) => x.by === 'bob'));
    assert.ok(!JSON.stringify(audit.body).includes(secret));
    const put = await fetch(new URL(s.path, gw.url), { method: 'PUT', headers: { cookie: s.cookie, origin: gw.url } });
    assert.equal(put.status, 405);
  });
});
