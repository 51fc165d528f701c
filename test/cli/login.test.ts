/**
 * `flowgate login --no-browser` against a real emulator process with Chromium opening the address
 * the command prints (the CLI's own loopback server receives the code); then a command that needs
 * Admin (publish) works with the stored session — also when its access token has expired (a silent
 * refresh that rotates the stored refresh token) — and `flowgate logout` revokes it: the old refresh
 * token is refused by the gateway and the next publish is 401 naming `flowgate login`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { launchChromium, signInWithBrowser } from '../support/signInBrowser';
import { writeUsersConfig } from '../support/users';

const CLI = path.join(REPO_ROOT, 'bin', 'flowgate.js');
const DRAFT = path.join(REPO_ROOT, 'examples', 'packages', 'network-ops.package.yaml');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('flowgate login / logout', () => {
  let gw: EmulatorProcess;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let browser: Browser;
  const sessionsFile = () => path.join(dir, 'config', 'flowgate', 'sessions.json');

  before(async () => {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs'), '--only=cli'], { cwd: REPO_ROOT, stdio: 'pipe' });
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-login-'));
    gw = await startEmulatorProcess({ args: ['--config', await writeUsersConfig(dir)] });
    browser = await launchChromium();
    // A user with no credentials: an empty home (no ~/.flowgate/emulator), sessions in a temp XDG_CONFIG_HOME, no browser opener.
    env = { PATH: '/usr/bin:/bin', HOME: path.join(dir, 'home'), XDG_CONFIG_HOME: path.join(dir, 'config'), NO_COLOR: '1' };
  });
  after(async () => {
    await browser?.close();
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function flowgate(args: string[], onStderr?: (text: string) => void): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => {
        stderr += d;
        onStderr?.(stderr);
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  test('before login, publish is refused and says how to sign in', async () => {
    const r = await flowgate(['publish', DRAFT, '--gateway', gw.url]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /flowgate login --gateway/);
  });

  test('login in Chromium, publish as the Admin with the stored session (refreshed when expired), logout revokes it', async () => {
    let opened = false;
    let signInDone: Promise<unknown> | undefined;
    const login = await flowgate(['login', '--no-browser', '--gateway', gw.url], (text) => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/auth\?\S+)/.exec(text);
      if (m && !opened) {
        opened = true;
        signInDone = signInWithBrowser(browser, m[1], 'alice', 'alice-pw').then(async (r) => {
          assert.ok(r.callback, 'the browser was sent to the CLI\'s loopback address');
          assert.match((await r.page.textContent('body'))!, /You can close this tab/);
          await r.page.context().close();
        });
      }
    });
    await signInDone;
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, new RegExp(`Signed in to ${gw.url.replace(/[.]/g, '\\.')} as alice\\.`));
    assert.doesNotMatch(login.stdout + login.stderr, /eyJ/, 'no token printed');
    const st = statSync(sessionsFile());
    assert.equal(st.mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(sessionsFile(), 'utf8')).sessions[gw.url];
    assert.equal(stored.user, 'alice');
    assert.equal(stored.clientId, 'flowgate-cli');

    // The access token has expired: the next command refreshes it by itself (and the refresh token rotates).
    writeFileSync(sessionsFile(), JSON.stringify({ version: 1, sessions: { [gw.url]: { ...stored, accessTokenExpiresAt: 0 } } }), { mode: 0o600 });
    const publish = await flowgate(['publish', DRAFT, '--gateway', gw.url]);
    assert.equal(publish.code, 0, publish.stderr);
    const after = JSON.parse(readFileSync(sessionsFile(), 'utf8')).sessions[gw.url];
    assert.notEqual(after.refreshToken, stored.refreshToken, 'rotated');
    assert.ok(after.accessTokenExpiresAt > Date.now());

    const logout = await flowgate(['logout', '--gateway', gw.url]);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stdout, /Signed out of .* \(was alice\)/);
    assert.equal(JSON.parse(readFileSync(sessionsFile(), 'utf8')).sessions[gw.url], undefined);
    const config = await oidc.discovery(new URL(`${gw.url}/.well-known/openid-configuration`), 'flowgate-cli', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    await assert.rejects(oidc.refreshTokenGrant(config, after.refreshToken), (e: unknown) => (e as { error?: unknown }).error === 'invalid_grant');
    const again = await flowgate(['publish', DRAFT, '--gateway', gw.url]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /flowgate login --gateway/);
  });

  test('an expired session (its refresh token revoked elsewhere) ends with the advice to log in again', async () => {
    writeFileSync(
      sessionsFile(),
      JSON.stringify({ version: 1, sessions: { [gw.url]: { gatewayUrl: gw.url, issuer: `${gw.url}/oauth`, clientId: 'flowgate-cli', accessToken: 'x.y.z', accessTokenExpiresAt: 0, refreshToken: 'not-a-refresh-token', user: 'alice' } } }),
      { mode: 0o600 },
    );
    const r = await flowgate(['publish', DRAFT, '--gateway', gw.url]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /session for .* has expired/);
    assert.match(r.stderr, /Run `flowgate login --gateway/);
    assert.doesNotMatch(r.stderr, /not-a-refresh-token/);
  });

  test('a sessions file others may read is refused', async () => {
    writeFileSync(sessionsFile(), JSON.stringify({ version: 1, sessions: {} }));
    chmodSync(sessionsFile(), 0o644);
    const r = await flowgate(['publish', DRAFT, '--gateway', gw.url]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /may be read by other users/);
  });

  test('login and logout --help', async () => {
    const h = await flowgate(['login', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout + h.stderr, /--no-browser/);
    const o = await flowgate(['logout', '--help']);
    assert.match(o.stdout + o.stderr, /revokes/);
  });
});
