// `Flowgate: Set Connection Secret` and `Flowgate: Delete Connection Secret` against the local
// emulator the extension starts: a secret set with its grants (given as the command's preset,
// instead of the prompts), changed without its value (an empty value keeps it), deleted; what the
// gateway holds is read back with core's GatewayClient, and never holds the value in an answer.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SetSecretResult } from '../../../src/extension/secrets/secretsCommands';
import { startTestGateway, stopTestGateway } from './helpers';
import type { GatewayClient } from '../../../src/core/client/gatewayClient';

const VALUE = `vscode-secret-${Date.now().toString(36)}-value`;

suite('connection secrets commands', () => {
  let url: string;
  let client: GatewayClient;
  suiteSetup(async () => {
    ({ url, client } = await startTestGateway());
  });
  suiteTeardown(async () => {
    await stopTestGateway();
  });

  test('Set Connection Secret sets the value and grants; an empty value changes the grants only; Delete removes it', async () => {
    const set = await vscode.commands.executeCommand<SetSecretResult>('flowgate.setConnectionSecret', url, {
      name: 'VSCODE_TOKEN',
      grants: [{ package: 'network-ops', connection: 'local-gateway' }],
      value: VALUE,
    });
    assert.ok(set, 'the command answered nothing (it failed)');
    assert.equal(set.created, true);
    assert.deepEqual(set.secret.grants, [{ package: 'network-ops', connection: 'local-gateway' }]);
    const listed = await client.listSecrets();
    assert.deepEqual(listed.secrets.map((s) => s.name), ['VSCODE_TOKEN']);
    assert.ok(!JSON.stringify(listed).includes(VALUE));

    const regrant = await vscode.commands.executeCommand<SetSecretResult>('flowgate.setConnectionSecret', url, { name: 'VSCODE_TOKEN', grants: [], value: '' });
    assert.equal(regrant?.created, false);
    assert.deepEqual((await client.getSecret('VSCODE_TOKEN')).grants, []);

    const deleted = await vscode.commands.executeCommand<string>('flowgate.deleteConnectionSecret', url, 'VSCODE_TOKEN');
    assert.equal(deleted, 'VSCODE_TOKEN');
    assert.deepEqual((await client.listSecrets()).secrets, []);
  });
});
