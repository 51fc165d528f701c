// Flowgate: Sign In through a real browser, in the real VS Code: a second emulator (privateGateway.ts)
// with a user in its Admin group, in `flowgate.gateways` with no credentialsFile and its
// local-admin.json unknown to the extension. The URL the command would open in the browser
// (vscode.env.openExternal, replaced through the test part of the extension's API) is opened by
// Debian's Chromium through playwright-core, which signs in on the gateway's sign-in page; the
// browser then comes back to the extension's loopback redirect. Checked: the session is in
// SecretStorage, the Gateways tree knows who is signed in, an Admin call through the extension
// succeeds; an expired access token is refreshed silently (the refresh token rotated, no prompt);
// Sign Out revokes the refresh token (a refresh with it is refused) and removes it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hashSecret } from '../../../src/core/gatewayConfig/scrypt';
import { refreshSession } from '../../../src/core/client/signIn';
import { activated, api, closeEditors, extension, testPackage, waitFor } from './helpers';
import { startPrivateGateway, useGatewaysSetting, type PrivateGateway } from './privateGateway';

const PKG = 'fg-signin-browser-test';
const GATEWAY_NAME = 'Browser Sign-In Gateway';
const HELLO = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
const PASSWORD = 'alice-password-0123';

/** playwright-core from the repository's node_modules (a runtime require, like mocha: not bundled). */
function chromium(): typeof import('playwright-core').chromium {
  // The repository (run.mjs says where: with --vsix the extension is the unpacked package, without node_modules).
  const root = path.resolve(process.env.FLOWGATE_VSCODE_REPO_ROOT || extension().extensionPath);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(root, 'node_modules', 'playwright-core')) as typeof import('playwright-core')).chromium;
}

suite('sign in (browser)', () => {
  let gw: PrivateGateway;
  let restoreSettings: (() => Promise<void>) | undefined;

  const hooks = () => {
    const t = api().signIn.test;
    assert.ok(t, 'the extension exposes no test part of signIn (not in test mode?)');
    return t;
  };

  suiteSetup(async () => {
    await activated();
    gw = await startPrivateGateway(
      'signin-browser-test',
      [
        'directory:',
        '  kind: embedded',
        `  users: [{name: alice, passwordHash: "${await hashSecret(PASSWORD)}"}]`,
        '  groups:',
        '    - {name: flowgate-admins, members: [alice]}',
        'adminGroups: [flowgate-admins]',
        'clients: []',
        '',
      ].join('\n'),
    );
    await gw.admin.uploadPackage(await testPackage(PKG, 1, { 'tests/signin/Hello': HELLO }));
    restoreSettings = await useGatewaysSetting([{ name: GATEWAY_NAME, url: gw.url }]);
  });

  suiteTeardown(async () => {
    hooks().useOpener(undefined);
    await vscode.commands.executeCommand('flowgate.signOut', gw?.url);
    await closeEditors();
    await restoreSettings?.();
    await gw?.stop();
  });

  test('Chromium signs in as alice on the gateway\'s page; the session is in SecretStorage and an Admin call succeeds; silent refresh; Sign Out revokes it', async () => {
    const browser = await chromium().launch({ executablePath: process.env.FLOWGATE_CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      let opened: string | undefined;
      hooks().useOpener({ open: async (url) => ((opened = url), true) });
      const running = vscode.commands.executeCommand<{ gatewayUrl: string; user: string }>('flowgate.signIn', gw.url);
      const authUrl = await waitFor('the browser to be opened', () => opened);
      await page.goto(authUrl);
      await page.fill('#user', 'alice');
      await page.fill('#password', PASSWORD);
      await page.click('button[type=submit]');
      // The browser ends on the extension's loopback redirect, which says it is done.
      await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/, { timeout: 20_000 });
      await page.getByText('Signed in').first().waitFor({ state: 'visible', timeout: 10_000 });
      const result = await running;
      assert.deepEqual(result, { gatewayUrl: gw.url, user: 'alice' });

      const stored = await hooks().stored(gw.url);
      assert.ok(stored, 'no session in SecretStorage');
      assert.equal(stored.user, 'alice');
      assert.equal(stored.clientId, 'flowgate-vscode');
      assert.ok(stored.refreshToken, 'no refresh token');
      assert.deepEqual(api().signIn.signedIn(gw.url), { user: 'alice' });
      assert.ok(!fs.readdirSync(gw.dataDir).some((f) => f === 'session.json'), 'a session file was written');

      const shown = await vscode.commands.executeCommand<{ key: string }>('flowgate.editAuthorisation', { gatewayUrl: gw.url, packageName: PKG, version: 1 });
      assert.ok(shown);
      const reply = await api().panels.authorisation(shown.key)!.host.answer('reload', {});
      assert.ok(reply.ok && !reply.result.error && !reply.result.directoryError, JSON.stringify(reply));

      // Silent refresh: the access token expired; the next call refreshes (the gateway rotates the refresh token), no prompt.
      const prompts = api().signIn.prompts().length;
      await hooks().save({ ...stored, accessTokenExpiresAt: Date.now() - 1000 });
      const again = await api().panels.authorisation(shown.key)!.host.answer('reload', {});
      assert.ok(again.ok && !again.result.error, JSON.stringify(again));
      const refreshed = await hooks().stored(gw.url);
      assert.ok(refreshed && refreshed.accessTokenExpiresAt > Date.now(), 'the session was not refreshed');
      assert.notEqual(refreshed.refreshToken, stored.refreshToken, 'the refresh token was not rotated');
      assert.equal(api().signIn.prompts().length, prompts, 'a prompt for a session that refreshed');
      await assert.rejects(refreshSession(stored), /expired|invalid_grant/, 'the rotated-out refresh token still refreshes');

      assert.equal(await vscode.commands.executeCommand('flowgate.signOut', gw.url), true);
      assert.equal(await hooks().stored(gw.url), undefined);
      await assert.rejects(refreshSession(refreshed), /expired|invalid_grant/, 'the revoked refresh token still refreshes');
    } finally {
      await browser.close();
    }
  });
});
