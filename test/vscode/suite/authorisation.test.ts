// The Authorisation webview's extension side, against a real emulator of the suite's own whose
// gateway.yaml holds an embedded directory with groups (privateGateway.ts), added to
// `flowgate.gateways` with its local-admin.json as credentialsFile (how the extension authorises
// to it). `flowgate.editAuthorisation` opens one panel per version; the page's requests
// (webview/protocol/authorisation.ts) go through the panel's host (`host.answer(method, params)`),
// reached through the extension's API (`panels.authorisation(key)`): the directory's groups listed,
// a save persisted (read back through the API with core's GatewayClient), an unknown group refused
// with the gateway's field error `groups[i]`, params the host refuses before any gateway call, and
// a group the directory no longer has still listed by the version (the page flags it).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import YAML from 'yaml';
import type { ApiErrorDetail } from '../../../src/core/api/types';
import { hashSecret } from '../../../src/core/gatewayConfig/scrypt';
import type { AuthorisationRequests } from '../../../webview/protocol/authorisation';
import { activated, api, closeEditors, testPackage, versionNode, waitFor } from './helpers';
import { startPrivateGateway, useGatewaysSetting, type PrivateGateway } from './privateGateway';

const PKG = 'fg-authorisation-test';
const GATEWAY_NAME = 'Authorisation Test Gateway';
const FLOW = 'tests/auth/Hello';
const HELLO = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';

suite('authorisation webview', () => {
  let gw: PrivateGateway & { restart(edit: (current: string) => string): Promise<void> };
  let restoreSettings: (() => Promise<void>) | undefined;
  let key: string;

  type Method = keyof AuthorisationRequests;
  async function answer<K extends Method>(method: K, params: AuthorisationRequests[K]['params']) {
    const panel = api().panels.authorisation(key);
    assert.ok(panel, `no Authorisation panel is open for ${key}`);
    return panel.host.answer(method, params);
  }
  async function ok<K extends Method>(method: K, params: AuthorisationRequests[K]['params']): Promise<AuthorisationRequests[K]['result']> {
    const reply = await answer(method, params);
    assert.ok(reply.ok, `${method} was refused: ${JSON.stringify(reply)}`);
    return reply.result;
  }
  async function refused(params: unknown): Promise<ApiErrorDetail[]> {
    const reply = await answer('save', params as AuthorisationRequests['save']['params']);
    assert.equal(reply.ok, false, `save answered ${JSON.stringify(reply)}`);
    return reply.ok ? [] : reply.errors;
  }
  const onGateway = async () => (await gw.admin.getAuthorisation(PKG, 1)).groups;

  suiteSetup(async () => {
    await activated();
    gw = await startPrivateGateway(
      'authorisation-test',
      [
        'directory:',
        '  kind: embedded',
        `  users: [{name: alice, passwordHash: "${await hashSecret('alice-password-1')}"}]`,
        '  groups:',
        '    - {name: flowgate-admins, members: []}',
        '    - {name: operators, members: [alice, night-shift]}',
        '    - {name: night-shift, members: []}',
        '    - {name: auditors, members: []}',
        'adminGroups: [flowgate-admins]',
        'clients: []',
        '',
      ].join('\n'),
    );
    await gw.admin.uploadPackage(await testPackage(PKG, 1, { [FLOW]: HELLO }));
    restoreSettings = await useGatewaysSetting([{ name: GATEWAY_NAME, url: gw.url, credentialsFile: gw.credentialsFile }]);
  });

  suiteTeardown(async () => {
    await closeEditors();
    await restoreSettings?.();
    await gw?.stop();
  });

  test('Edit Authorisation opens one panel per version, titled by the version, with its (no) groups and the directory\'s', async () => {
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === `Authorisation: ${PKG} v1`);
    const shown = await vscode.commands.executeCommand<{ key: string; scope: { gatewayName: string; gatewayUrl: string; packageName: string; packageVersion: number } }>(
      'flowgate.editAuthorisation',
      versionNode(gw.url, PKG, 1, false),
    );
    assert.ok(shown, 'editAuthorisation returned nothing (it failed)');
    assert.deepEqual(shown.scope, { gatewayName: GATEWAY_NAME, gatewayUrl: gw.url, packageName: PKG, packageVersion: 1 });
    key = shown.key;
    await waitFor('the panel tab', () => tabs().length === 1);
    const again = await vscode.commands.executeCommand<{ key: string }>('flowgate.editAuthorisation', { gatewayUrl: gw.url, packageName: PKG, version: 1 });
    assert.equal(again?.key, key);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(tabs().length, 1, 'a second panel was opened for the same version');

    const snap = await ok('reload', {});
    assert.equal(snap.error, undefined, snap.error);
    assert.equal(snap.directoryError, undefined, snap.directoryError);
    assert.deepEqual(snap.groups, []);
    assert.deepEqual(
      snap.directory,
      [
        { name: 'auditors', members: 0 },
        { name: 'flowgate-admins', members: 1 }, // the local admin client the emulator added
        { name: 'night-shift', members: 0 },
        { name: 'operators', members: 2 },
      ],
    );
  });

  test('save: the groups are stored on the gateway (read back through the API) and the panel shows them', async () => {
    const saved = await ok('save', { groups: ['operators', 'night-shift'] });
    assert.deepEqual(saved, { groups: ['operators', 'night-shift'] });
    assert.deepEqual(await onGateway(), ['operators', 'night-shift']);
    assert.deepEqual(api().panels.authorisation(key)?.savedGroups(), ['operators', 'night-shift']);
    const snap = await ok('reload', {});
    assert.deepEqual(snap.groups, ['operators', 'night-shift']);
  });

  test("an unknown group: the gateway's refusal comes back by field (groups[i]); nothing changes", async () => {
    const errors = await refused({ groups: ['operators', 'operaters'] });
    assert.deepEqual(errors.map((e) => e.field), ['groups[1]'], JSON.stringify(errors));
    assert.match(errors[0].message, /'operaters' is not a group of this gateway's directory/);
    assert.deepEqual(await onGateway(), ['operators', 'night-shift']);
  });

  test('params the host refuses, naming the field, before any gateway call', async () => {
    const cases: [unknown, string, RegExp][] = [
      [null, '', /must be an object/],
      [{ groups: 'operators' }, 'groups', /must be a list/],
      [{ groups: [7] }, 'groups[0]', /must be a group name/],
      [{ groups: ['operators', ''] }, 'groups[1]', /must not be empty/],
      [{ groups: ['operators', 'operators'] }, 'groups[1]', /listed twice/],
      [{ groups: ['bad\u0000name'] }, 'groups[0]', /control characters/],
      [{ groups: ['x'.repeat(300)] }, 'groups[0]', /at most 256 characters/],
      [{ groups: Array.from({ length: 257 }, (_, i) => `g${i}`) }, 'groups', /at most 256 groups/],
    ];
    for (const [params, field, message] of cases) {
      const errors = await refused(params);
      assert.equal(errors[0]?.field, field, `${JSON.stringify(params).slice(0, 80)}: ${JSON.stringify(errors)}`);
      assert.match(errors[0].message, message);
    }
    const unknownMethod = await api().panels.authorisation(key)!.host.answer('delete' as Method, {} as never);
    assert.equal(unknownMethod.ok, false);
    assert.deepEqual(await onGateway(), ['operators', 'night-shift']);
  });

  test('an empty list is saved (anyone may execute)', async () => {
    assert.deepEqual(await ok('save', { groups: [] }), { groups: [] });
    assert.deepEqual(await onGateway(), []);
    await ok('save', { groups: ['night-shift'] });
  });

  test('a group the directory no longer has: still the version\'s, absent from the directory (flagged by the page); saving it again is refused by field', async () => {
    await gw.restart((text) => {
      const config = YAML.parse(text) as { directory: { groups: { name: string; members: string[] }[] } };
      config.directory.groups = config.directory.groups
        .filter((g) => g.name !== 'night-shift')
        .map((g) => ({ ...g, members: g.members.filter((m) => m !== 'night-shift') }));
      return YAML.stringify(config);
    });
    const snap = await ok('reload', {});
    assert.deepEqual(snap.groups, ['night-shift']);
    assert.ok(snap.directory, snap.directoryError);
    assert.deepEqual(snap.directory.map((g) => g.name), ['auditors', 'flowgate-admins', 'operators']);
    const errors = await refused({ groups: ['night-shift', 'auditors'] });
    assert.deepEqual(errors.map((e) => e.field), ['groups[0]']);
    assert.deepEqual(await ok('save', { groups: ['auditors'] }), { groups: ['auditors'] });
  });
});
