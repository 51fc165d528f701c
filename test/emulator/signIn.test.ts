/**
 * People sign in (authorization code + PKCE through the gateway's sign-in page), against a real
 * emulator process, driven by an independent certified client (openid-client) and real Chromium:
 * tokens obtained and used with the user's rights (Admin → served, plain user → 403 on an Admin
 * route); wrong password and unknown user give the same message; repeated failures → 429 with
 * Retry-After; PKCE missing or `plain` refused; a redirect that is not the registered loopback
 * refused; refresh tokens rotate (the new one works, the old one is refused, and its reuse ends
 * the grant); a revoked refresh token is refused; the page's headers (CSP …) and no script.
 * The core client (src/core/client/signIn.ts) does the same round: signIn, refreshSession, signOut;
 * a session-only GatewayClient refreshes on a 401. A user removed from the directory: their access
 * token is 401 and their refresh token refused after a restart, while others' sessions survive it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import YAML from 'yaml';
import type { Browser } from 'playwright-core';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { launchChromium, loopbackListener, signInWithBrowser } from '../support/signInBrowser';
import { writeUsersConfig } from '../support/users';
import { refreshSession, signIn, signOut, SignInError, type Session, type SessionStore } from '../../src/core/client/signIn';
import { GatewayClient, GatewayError } from '../../src/core/client/gatewayClient';
import { credentialSource } from '../../src/core/client/tokens';
import { call } from './helpers';

const SCOPE = 'flowgate offline_access';

describe('sign-in: authorization code + PKCE through the sign-in page', () => {
  let gw: EmulatorProcess;
  let dir: string;
  let browser: Browser;
  let config: oidc.Configuration;
  let loopback: Awaited<ReturnType<typeof loopbackListener>>;
  before(async () => {
    loopback = await loopbackListener();
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-signin-'));
    gw = await startEmulatorProcess({ args: ['--config', await writeUsersConfig(dir)] });
    browser = await launchChromium();
    config = await oidc.discovery(new URL(`${gw.url}/.well-known/openid-configuration`), 'flowgate-cli', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  });
  after(async () => {
    await browser?.close();
    await loopback?.close();
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An authorization URL of the CLI client with a fresh PKCE pair, and what the token request needs. */
  async function start(extra: Record<string, string> = {}, port = loopback.port) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `http://127.0.0.1:${port}/callback`,
      scope: SCOPE,
      prompt: 'consent',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...extra,
    });
    return { url: url.href, verifier, state };
  }

  async function tokensFor(user: string, password: string) {
    const s = await start();
    const r = await signInWithBrowser(browser, s.url, user, password);
    assert.ok(r.callback, `redirected to the loopback callback (page: ${await r.page.textContent('body')})`);
    await r.page.context().close();
    return oidc.authorizationCodeGrant(config, new URL(r.callback!), { pkceCodeVerifier: s.verifier, expectedState: s.state });
  }

  test('discovery lists the code grant with S256, refresh tokens and the revocation endpoint', () => {
    const m = config.serverMetadata();
    assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
    assert.ok(m.grant_types_supported?.includes('authorization_code'));
    assert.ok(m.grant_types_supported?.includes('refresh_token'));
    assert.ok(m.grant_types_supported?.includes('client_credentials'));
    assert.match(String(m.revocation_endpoint), /\/oauth\/token\/revocation$/);
    assert.ok(m.scopes_supported?.includes('offline_access'));
  });

  test('an Admin signs in in Chromium: a JWT access token for the user, an Admin route served; a plain user gets 403 there', async () => {
    const t = await tokensFor('alice', 'alice-pw');
    assert.ok(t.refresh_token, 'a refresh token (offline_access)');
    const [header, payload] = t.access_token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.sub, 'alice');
    assert.equal(payload.client_id, 'flowgate-cli');
    assert.equal(payload.aud, gw.url);
    const audit = await call(gw.url, 'GET', '/api/v1/audit', undefined, { authorization: `Bearer ${t.access_token}` });
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    const signIns = audit.body.records.filter((r: { action: string }) => r.action === 'sign-in');
    assert.ok(signIns.some((r: { by: string }) => r.by === 'alice'), 'the sign-in is in the audit log');
    assert.ok(!JSON.stringify(audit.body).includes('alice-pw'), 'never the password');

    const b = await tokensFor('bob', 'bob-pw');
    assert.equal((await call(gw.url, 'GET', '/api/v1/audit', undefined, { authorization: `Bearer ${b.access_token}` })).status, 403);
    assert.equal((await call(gw.url, 'GET', '/api/v1/packages', undefined, { authorization: `Bearer ${b.access_token}` })).status, 403);
  });

  test('a second sign-in from the same browser asks for the password again (no silent sign-in)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (let i = 0; i < 2; i++) {
      const s = await start();
      await page.goto(s.url);
      assert.equal(await page.locator('#password').count(), 1, `sign-in ${i + 1} shows the form`);
      await page.fill('#user', 'bob');
      await page.fill('#password', 'bob-pw');
      await page.click('button[type=submit]');
      await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
      const t = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: s.verifier, expectedState: s.state });
      assert.equal(JSON.parse(Buffer.from(t.access_token.split('.')[1], 'base64url').toString()).sub, 'bob');
    }
    await context.close();
  });

  test('the page: strict CSP, no framing, no caching, no script; names the application and the gateway', async () => {
    const s = await start();
    const page = await (await browser.newContext()).newPage();
    const response = await page.goto(s.url);
    assert.ok(response);
    const h = response.headers();
    assert.match(h['content-security-policy'], /default-src 'none'/);
    assert.match(h['content-security-policy'], /style-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.match(h['content-security-policy'], /form-action 'self'/);
    assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
    assert.match(h['content-security-policy'], /base-uri 'none'/);
    assert.equal(h['x-frame-options'], 'DENY');
    assert.equal(h['cache-control'], 'no-store');
    const html = await page.content();
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /The flowgate command line/);
    assert.ok(html.includes(gw.url), 'the gateway is named');
    await page.context().close();
  });

  test('wrong password and unknown user: the same message; after 5 failures of a user 429 with Retry-After, even with the right password', async () => {
    const texts: string[] = [];
    for (const [user, pw] of [['carol', 'wrong'], ['nobody', 'wrong']]) {
      const s = await start();
      const r = await signInWithBrowser(browser, s.url, user, pw);
      assert.equal(r.callback, undefined);
      texts.push((await r.page.textContent('.problem'))!);
      await r.page.context().close();
    }
    assert.equal(texts[0], texts[1]);
    assert.match(texts[0], /user name or password is not right/);
    // carol: 1 failure so far; 4 more, then the right password is refused for a while.
    for (let i = 0; i < 4; i++) {
      const s = await start();
      const r = await signInWithBrowser(browser, s.url, 'carol', `wrong-${i}`);
      await r.page.context().close();
    }
    const s = await start();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(s.url);
    await page.fill('#user', 'carol');
    await page.fill('#password', 'carol-pw');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type=submit]')]);
    assert.equal(response.status(), 429);
    assert.match(String(response.headers()['retry-after']), /^\d+$/);
    assert.match((await page.textContent('.problem'))!, /Too many failed sign-ins\. Try again in \d+ seconds/);
    await context.close();
  });

  test('PKCE missing or plain, and redirects other than the loopback callback: refused', async () => {
    const noPkce = new URL((await start()).url);
    noPkce.searchParams.delete('code_challenge');
    noPkce.searchParams.delete('code_challenge_method');
    const plain = new URL((await start()).url);
    plain.searchParams.set('code_challenge', oidc.randomPKCECodeVerifier());
    plain.searchParams.set('code_challenge_method', 'plain');
    for (const [u, what] of [
      [noPkce, /PKCE/],
      [plain, /code_challenge_method|plain/],
    ] as const) {
      const r = await fetch(u, { redirect: 'manual' });
      const text = r.status >= 300 && r.status < 400 ? decodeURIComponent(r.headers.get('location') ?? '') : await r.text();
      assert.match(text, /invalid_request/, `${u.search}: ${r.status} ${text}`);
      assert.match(text, what);
    }
    for (const redirect of ['http://evil.example/callback', 'http://127.0.0.1:4000/other', 'https://127.0.0.1/callback', 'http://localhost.evil.example/callback', 'http://127.0.0.1@evil.example/callback']) {
      const u = new URL((await start()).url);
      u.searchParams.set('redirect_uri', redirect);
      const r = await fetch(u, { redirect: 'manual' });
      assert.equal(r.status, 400, redirect);
      assert.equal(r.headers.get('location'), null, `never redirected to ${redirect}`);
      assert.match(await r.text(), /redirect_uri/);
    }
    // Any port of the registered loopback callback (RFC 8252 §7.3), IPv6 too.
    for (const redirect of ['http://127.0.0.1:1/callback', 'http://[::1]:65000/callback']) {
      const u = new URL((await start()).url);
      u.searchParams.set('redirect_uri', redirect);
      const r = await fetch(u, { redirect: 'manual' });
      assert.equal(r.status, 303, redirect);
      assert.match(r.headers.get('location') ?? '', /\/oauth\/interaction\//);
    }
  });

  test('a code is exchanged once, and only with its verifier', async () => {
    const s = await start();
    const r = await signInWithBrowser(browser, s.url, 'bob', 'bob-pw');
    await r.page.context().close();
    const grantError = (e: unknown) => (e as { error?: unknown }).error === 'invalid_grant';
    await assert.rejects(oidc.authorizationCodeGrant(config, new URL(r.callback!), { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: s.state }), grantError);
    const t = await oidc.authorizationCodeGrant(config, new URL(r.callback!), { pkceCodeVerifier: s.verifier, expectedState: s.state }).catch((e: unknown) => e);
    // Either the wrong verifier did not use the code up, or it did: never two token sets for one code.
    if (!grantError(t)) {
      assert.ok((t as oidc.TokenEndpointResponse).access_token);
      await assert.rejects(oidc.authorizationCodeGrant(config, new URL(r.callback!), { pkceCodeVerifier: s.verifier, expectedState: s.state }), grantError);
    }
  });

  test('refresh tokens rotate: the new one works, the old one is refused and its reuse ends the grant', async () => {
    const t = await tokensFor('bob', 'bob-pw');
    const first = t.refresh_token!;
    const t2 = await oidc.refreshTokenGrant(config, first);
    assert.ok(t2.refresh_token && t2.refresh_token !== first, 'a new refresh token');
    assert.equal((await call(gw.url, 'GET', '/api/v1/directory/groups', undefined, { authorization: `Bearer ${t2.access_token}` })).status, 403, 'the new access token is bob');
    const t3 = await oidc.refreshTokenGrant(config, t2.refresh_token!);
    assert.ok(t3.refresh_token);
    await assert.rejects(oidc.refreshTokenGrant(config, first), (e: unknown) => (e as { error?: unknown }).error === 'invalid_grant');
    // Reuse of a rotated token is taken as theft: the whole grant ends, the newest token too.
    await assert.rejects(oidc.refreshTokenGrant(config, t3.refresh_token!), (e: unknown) => (e as { error?: unknown }).error === 'invalid_grant');
  });

  test('revocation (RFC 7009): a revoked refresh token is refused', async () => {
    const t = await tokensFor('bob', 'bob-pw');
    await oidc.tokenRevocation(config, t.refresh_token!, { token_type_hint: 'refresh_token' });
    await assert.rejects(oidc.refreshTokenGrant(config, t.refresh_token!), (e: unknown) => (e as { error?: unknown }).error === 'invalid_grant');
  });

  test('the core client: signIn through a loopback server (Chromium as the browser), refreshSession, signOut', async () => {
    let opened = '';
    const session = await signIn({
      gatewayUrl: gw.url,
      clientId: 'flowgate-vscode',
      timeoutMs: 60_000,
      openBrowser: async (url) => {
        opened = url;
        const r = await signInWithBrowser(browser, url, 'alice', 'alice-pw');
        assert.match((await r.page.textContent('body'))!, /Signed in to .* as alice\. You can close this tab\./);
        await r.page.context().close();
      },
    });
    assert.match(opened, /code_challenge_method=S256/);
    assert.equal(session.user, 'alice');
    assert.equal(session.clientId, 'flowgate-vscode');
    assert.equal(session.gatewayUrl, gw.url);
    assert.ok(session.accessTokenExpiresAt > Date.now());
    assert.equal((await call(gw.url, 'GET', '/api/v1/audit', undefined, { authorization: `Bearer ${session.accessToken}` })).status, 200);
    const fresh = await refreshSession(session);
    assert.notEqual(fresh.refreshToken, session.refreshToken);
    assert.equal(fresh.user, 'alice');
    assert.equal((await call(gw.url, 'GET', '/api/v1/audit', undefined, { authorization: `Bearer ${fresh.accessToken}` })).status, 200);
    await signOut(fresh);
    await assert.rejects(refreshSession(fresh), (e: unknown) => e instanceof SignInError && e.code === 'expired' && !e.message.includes(fresh.refreshToken!));
    await assert.rejects(refreshSession(session), (e: unknown) => e instanceof SignInError && e.code === 'expired');
  });

  test('a client with only a session: a refused access token is refreshed silently (401 retried once), an expired session is a clear error', async () => {
    const t = await tokensFor('alice', 'alice-pw');
    const sessions = new Map<string, Session>();
    const store: SessionStore = {
      get: async (u) => sessions.get(u),
      set: async (s) => void sessions.set(s.gatewayUrl, s),
      delete: async (u) => void sessions.delete(u),
    };
    // An access token the gateway refuses (not expired by its clock): the client learns it on the 401.
    await store.set({ gatewayUrl: gw.url, issuer: `${gw.url}/oauth`, clientId: 'flowgate-cli', accessToken: 'e30.e30.forged', accessTokenExpiresAt: Date.now() + 3600_000, refreshToken: t.refresh_token!, user: 'alice' });
    const advice = 'Run `flowgate login --gateway X` to sign in again.';
    const client = new GatewayClient(gw.url, { credentials: credentialSource(gw.url, { env: {}, sessions: store, sessionAdvice: advice }) });
    assert.ok(Array.isArray((await client.listPackages()).packages));
    const stored = sessions.get(gw.url)!;
    assert.notEqual(stored.refreshToken, t.refresh_token, 'the rotated refresh token is stored');
    assert.notEqual(stored.accessToken, 'e30.e30.forged');
    // The gateway revokes the grant: the next refresh fails, with the advice and without a token in the message.
    await oidc.tokenRevocation(config, stored.refreshToken!, { token_type_hint: 'refresh_token' });
    await store.set({ ...stored, accessTokenExpiresAt: 0 });
    const again = new GatewayClient(gw.url, { credentials: credentialSource(gw.url, { env: {}, sessions: store, sessionAdvice: advice }) });
    const err = await again.listPackages().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof GatewayError, String(err));
    assert.equal(err.code, 'session-expired');
    assert.equal(err.status, 401);
    assert.ok(err.message.includes(advice), err.message);
    assert.ok(!err.message.includes(stored.refreshToken!) && !err.message.includes(stored.accessToken));
    assert.equal(sessions.get(gw.url), undefined, 'an expired session is forgotten');
  });

  test('clients sharing a session refresh it once: concurrent calls with an expired access token all succeed and the grant lives on', async () => {
    const t = await tokensFor('alice', 'alice-pw');
    const sessions = new Map<string, Session>();
    let sets = 0;
    const store: SessionStore = {
      get: async (u) => sessions.get(u),
      set: async (s) => {
        sets += 1;
        sessions.set(s.gatewayUrl, s);
      },
      delete: async (u) => void sessions.delete(u),
    };
    const refreshed: string[] = [];
    const events = { refreshed: (next: Session) => refreshed.push(next.user) };
    await store.set({ gatewayUrl: gw.url, issuer: `${gw.url}/oauth`, clientId: 'flowgate-cli', accessToken: 'expired.access.token', accessTokenExpiresAt: 0, refreshToken: t.refresh_token!, user: 'alice' });
    sets = 0;
    // Eight clients (as the extension makes one per task), all asking at once: if each refreshed, the
    // second would present the rotated-out refresh token and the gateway would end the whole grant.
    const clients = Array.from({ length: 8 }, () => new GatewayClient(gw.url, { credentials: credentialSource(gw.url, { env: {}, sessions: store, sessionEvents: events }) }));
    const answers = await Promise.all(clients.map((c) => c.listPackages()));
    assert.ok(answers.every((a) => Array.isArray(a.packages)));
    assert.equal(sets, 1, 'the session was refreshed more than once');
    assert.deepEqual(refreshed, ['alice']);
    const stored = sessions.get(gw.url)!;
    assert.notEqual(stored.refreshToken, t.refresh_token);
    // The grant is intact: the stored refresh token still refreshes.
    const next = await refreshSession(stored);
    assert.equal(next.user, 'alice');
  });

  test('the core client: cancelled by its AbortSignal, timed out, and a callback with another state is ignored', async () => {
    const controller = new AbortController();
    const p = signIn({ gatewayUrl: gw.url, openBrowser: () => controller.abort(), signal: controller.signal });
    await assert.rejects(p, (e: unknown) => e instanceof SignInError && e.code === 'cancelled');
    let port = '';
    const q = signIn({
      gatewayUrl: gw.url,
      timeoutMs: 3000,
      openBrowser: async (url) => {
        port = new URL(new URL(url).searchParams.get('redirect_uri')!).port;
        const forged = await fetch(`http://127.0.0.1:${port}/callback?code=x&state=forged`);
        assert.equal(forged.status, 400);
      },
    });
    await assert.rejects(q, (e: unknown) => e instanceof SignInError && e.code === 'timeout');
    assert.ok(port);
  });
});

describe('sign-in: a user removed from the directory', () => {
  test('after a restart without the user, their access token is 401 and their refresh token is refused; sessions survive a restart otherwise', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-signin-removed-'));
    const dataDir = path.join(dir, 'data');
    const browser = await launchChromium();
    const loopback = await loopbackListener();
    let gw: EmulatorProcess | undefined;
    try {
      const file = await writeUsersConfig(dir);
      gw = await startEmulatorProcess({ dataDir, args: ['--config', file] });
      const port = gw.port;
      const config = await oidc.discovery(new URL(`${gw.url}/.well-known/openid-configuration`), 'flowgate-cli', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      const signInAs = async (user: string, password: string) => {
        const verifier = oidc.randomPKCECodeVerifier();
        const url = oidc.buildAuthorizationUrl(config, {
          redirect_uri: `http://127.0.0.1:${loopback.port}/callback`,
          scope: SCOPE,
          prompt: 'consent',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state: 's',
        });
        const r = await signInWithBrowser(browser, url.href, user, password);
        await r.page.context().close();
        return oidc.authorizationCodeGrant(config, new URL(r.callback!), { pkceCodeVerifier: verifier, expectedState: 's' });
      };
      const carol = await signInAs('carol', 'carol-pw');
      const bob = await signInAs('bob', 'bob-pw');
      await gw.stop();
      gw = undefined;
      // carol leaves the directory; bob stays.
      const doc = YAML.parse(readFileSync(file, 'utf8')) as { directory: { users: { name: string }[]; groups: { members: string[] }[] } };
      doc.directory.users = doc.directory.users.filter((u) => u.name !== 'carol');
      for (const g of doc.directory.groups) g.members = g.members.filter((m) => m !== 'carol');
      writeFileSync(file, YAML.stringify(doc));
      gw = await startEmulatorProcess({ dataDir, port, args: ['--config', file] });
      const auth = (t: string) => ({ authorization: `Bearer ${t}` });
      const refused = await call(gw.url, 'GET', '/api/v1/executions', undefined, auth(carol.access_token));
      assert.equal(refused.status, 401, JSON.stringify(refused.body));
      await assert.rejects(oidc.refreshTokenGrant(config, carol.refresh_token!), (e: unknown) => (e as { error?: unknown }).error === 'invalid_grant');
      // bob's session was kept across the restart (the store is in the data folder).
      const fresh = await oidc.refreshTokenGrant(config, bob.refresh_token!);
      assert.equal((await call(gw.url, 'GET', '/api/v1/executions', undefined, auth(fresh.access_token))).status, 200);
    } finally {
      await gw?.stop();
      await browser.close();
      await loopback.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
