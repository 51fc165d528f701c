// Sessions in the real VS Code, against an emulator of the suite's own (privateGateway.ts) that is in
// `flowgate.gateways` with no credentialsFile, and whose local-admin.json the extension does not
// know: nothing but a session authorises the extension there. The session's access token is a real
// one of that gateway (a client-credentials token of a client in its Admin group, from
// openid-client through core's tokens.ts), put where Sign In puts it (SecretStorage, through the
// test part of the extension's API). Checked: without a session the Admin calls are refused and
// say Sign In; with one they succeed and the Gateways tree says who is signed in; an expired
// session that cannot be refreshed, or one the gateway refuses, is dropped with the prompt "Your
// session on <gateway> has expired — Sign In"; Sign Out removes it from SecretStorage; configured
// credentials win over a session; Sign In opens the gateway's authorization page with PKCE and a
// loopback redirect (core's signIn), ignores a forged answer and ends on the browser's refusal.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { hashSecret } from '../../../src/core/gatewayConfig/scrypt';
import { tokensFor } from '../../../src/core/client/tokens';
import type { Session } from '../../../src/extension/signIn/sessions';
import { activated, api, closeEditors, testPackage, waitFor } from './helpers';
import { startPrivateGateway, useGatewaysSetting, type PrivateGateway } from './privateGateway';

const PKG = 'fg-signin-test';
const GATEWAY_NAME = 'Sign-In Test Gateway';
const HELLO = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
const SECRET = 'ops-admin-secret-0123456789';

suite('sign in (sessions)', () => {
  let gw: PrivateGateway;
  let restoreSettings: (() => Promise<void>) | undefined;
  let issuer: string;

  const hooks = () => {
    const t = api().signIn.test;
    assert.ok(t, 'the extension exposes no test part of signIn (not in test mode?)');
    return t;
  };
  /** A real access token of the gateway for the client `ops-admin` (Admin group). */
  const adminToken = () => tokensFor({ clientId: 'ops-admin', clientSecret: SECRET, source: 'the sign-in test' }, gw.url).token();
  const session = async (patch: Partial<Session> = {}): Promise<Session> => ({
    gatewayUrl: gw.url,
    issuer,
    clientId: 'flowgate-vscode',
    user: 'ops-admin',
    accessToken: await adminToken(),
    accessTokenExpiresAt: Date.now() + 5 * 60_000,
    ...patch,
  });
  /** Opens (or reveals) the Authorisation page of the gateway's version and reads it: what an Admin call through the extension answers. */
  async function readThroughExtension(): Promise<{ error?: string; directoryError?: string; groups?: string[] }> {
    const shown = await vscode.commands.executeCommand<{ key: string }>('flowgate.editAuthorisation', { gatewayUrl: gw.url, packageName: PKG, version: 1 });
    assert.ok(shown, 'editAuthorisation failed');
    const reply = await api().panels.authorisation(shown.key)!.host.answer('reload', {});
    assert.ok(reply.ok, JSON.stringify(reply));
    return reply.result;
  }

  suiteSetup(async () => {
    await activated();
    gw = await startPrivateGateway(
      'signin-test',
      [
        'directory:',
        '  kind: embedded',
        '  users: []',
        '  groups:',
        '    - {name: flowgate-admins, members: []}',
        '    - {name: operators, members: []}',
        'adminGroups: [flowgate-admins]',
        'clients:',
        `  - {id: ops-admin, secretHash: "${await hashSecret(SECRET)}", groups: [flowgate-admins]}`,
        '',
      ].join('\n'),
    );
    issuer = (JSON.parse(fs.readFileSync(gw.credentialsFile, 'utf8')) as { issuer: string }).issuer;
    await gw.admin.uploadPackage(await testPackage(PKG, 1, { 'tests/signin/Hello': HELLO }));
    restoreSettings = await useGatewaysSetting([{ name: GATEWAY_NAME, url: gw.url }]);
    await vscode.commands.executeCommand('flowgate.signOut', gw.url);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('flowgate.signOut', gw?.url);
    hooks().useFlow(undefined);
    await closeEditors();
    await restoreSettings?.();
    await gw?.stop();
  });

  test('no session: the Admin calls are refused (401) and the message says to Sign In', async () => {
    const read = await readThroughExtension();
    assert.match(read.error ?? '', /401|needs credentials/, JSON.stringify(read));
    assert.match(read.error ?? '', /Flowgate: Sign In/);
    assert.equal(api().signIn.signedIn(gw.url), undefined);
  });

  test('a session in SecretStorage authorises the Admin calls; who is signed in (what the Gateways tree shows) is known', async () => {
    await hooks().save(await session());
    const stored = await hooks().stored(gw.url);
    assert.ok(stored, 'nothing in SecretStorage');
    assert.equal(stored.user, 'ops-admin');
    assert.equal(stored.gatewayUrl, gw.url);
    assert.deepEqual(api().signIn.signedIn(gw.url), { user: 'ops-admin' });
    const read = await readThroughExtension();
    assert.equal(read.error, undefined, read.error);
    assert.equal(read.directoryError, undefined, read.directoryError);
    assert.deepEqual(read.groups, []);
  });

  test('Sign Out removes the session from SecretStorage; the calls are refused again', async () => {
    assert.equal(await vscode.commands.executeCommand('flowgate.signOut', gw.url), true);
    assert.equal(await hooks().stored(gw.url), undefined);
    assert.equal(api().signIn.signedIn(gw.url), undefined);
    assert.match((await readThroughExtension()).error ?? '', /401|needs credentials/);
    assert.equal(await vscode.commands.executeCommand('flowgate.signOut', gw.url), false, 'a second Sign Out found a session');
  });

  test("an expired session that cannot be refreshed: dropped, and the user told once 'Your session on … has expired — Sign In'", async () => {
    const before = api().signIn.prompts().length;
    await hooks().save(await session({ accessTokenExpiresAt: Date.now() - 1000 }));
    assert.match((await readThroughExtension()).error ?? '', /401|needs credentials/);
    await waitFor('the session to be dropped', async () => (await hooks().stored(gw.url)) === undefined);
    const prompts = api().signIn.prompts().slice(before);
    assert.deepEqual(prompts, [`Your session on ${GATEWAY_NAME} has expired — Sign In`]);
    assert.equal(api().signIn.signedIn(gw.url), undefined);
    await readThroughExtension();
    assert.equal(api().signIn.prompts().length, before + 1, 'told twice');
  });

  test('a session whose token the gateway refuses (revoked, forged) is refreshed — here it cannot be — and ends with the prompt', async () => {
    const before = api().signIn.prompts().length;
    await hooks().save(await session({ accessToken: 'eyJhbGciOiJFZERTQSJ9.e30.forged', refreshToken: 'not-a-refresh-token' }));
    assert.match((await readThroughExtension()).error ?? '', /401|needs credentials/);
    await waitFor('the session to be dropped', async () => (await hooks().stored(gw.url)) === undefined);
    assert.deepEqual(api().signIn.prompts().slice(before), [`Your session on ${GATEWAY_NAME} has expired — Sign In`]);
  });

  test('configured credentials win: with a credentialsFile the session is not used (nor dropped)', async () => {
    await hooks().save(await session({ accessToken: 'forged.token.value', accessTokenExpiresAt: Date.now() + 60_000 }));
    const restore = await useGatewaysSetting([{ name: GATEWAY_NAME, url: gw.url, credentialsFile: gw.credentialsFile }]);
    try {
      await closeEditors(); // a new panel gets a new client, with the setting's credentials
      const before = api().signIn.prompts().length;
      const read = await readThroughExtension();
      assert.equal(read.error, undefined, read.error);
      assert.equal(api().signIn.prompts().length, before);
      assert.ok(await hooks().stored(gw.url), 'the session was dropped although unused');
    } finally {
      await restore();
      await useGatewaysSetting([{ name: GATEWAY_NAME, url: gw.url }]);
      await vscode.commands.executeCommand('flowgate.signOut', gw.url);
      await closeEditors();
    }
  });

  test("Sign In opens the gateway's authorization page (the extension's client, PKCE S256, a loopback redirect); a forged answer is ignored, a refusal in the browser ends it and stores nothing", async () => {
    const opened: string[] = [];
    hooks().useOpener({ open: async (url) => (opened.push(url), true) });
    try {
      const running = vscode.commands.executeCommand('flowgate.signIn', gw.url);
      const authUrl = new URL(await waitFor('the browser to be opened', () => opened[0]));
      const discovery = (await (await fetch(`${gw.url}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string };
      assert.equal(`${authUrl.origin}${authUrl.pathname}`, discovery.authorization_endpoint);
      const q = authUrl.searchParams;
      assert.equal(q.get('client_id'), 'flowgate-vscode');
      assert.equal(q.get('response_type'), 'code');
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      const redirect = new URL(q.get('redirect_uri') ?? '');
      assert.equal(redirect.hostname, '127.0.0.1');
      assert.equal(redirect.pathname, '/callback');
      const state = q.get('state');
      assert.ok(state, 'no state');

      // Another tab's (or a forger's) answer is not this sign-in's: refused, the sign-in goes on.
      const forged = await fetch(`${redirect.href}?state=not-${state}&code=stolen`);
      assert.equal(forged.status, 400);
      assert.match(await forged.text(), /does not belong to the sign-in in progress/);
      // The person refuses on the gateway's page: the browser comes back with the error.
      const refused = await fetch(`${redirect.href}?state=${encodeURIComponent(state)}&error=access_denied&error_description=${encodeURIComponent('the user said no')}`);
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), /Sign-in refused/);
      assert.equal(await running, undefined, 'Sign In answered a session');
      assert.equal(await hooks().stored(gw.url), undefined);
      assert.equal(api().signIn.signedIn(gw.url), undefined);
    } finally {
      hooks().useOpener(undefined);
    }
  });
});
