// Publish to Dev Gateway: one command validates, packs, starts the local emulator (free port per
// run), uploads and publishes; the flow then runs over plain HTTP. A changed draft with the same
// version is refused (409) and nothing is overwritten.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, api, execute, getJson, readText, stopLocalGateway, useTestPort, waitFor, writeText } from './helpers';

interface PublishResult {
  name: string;
  version: number;
  gatewayUrl: string;
  created: boolean;
}

suite('publish', () => {
  let port: number;

  suiteSetup(async () => {
    await activated();
    port = await useTestPort();
  });
  suiteTeardown(stopLocalGateway);

  test('publishToDevGateway starts the emulator, publishes network-ops 1, and the flow runs over HTTP', async () => {
    assert.equal(api().localGateway.isRunning(), false);
    const result = await vscode.commands.executeCommand<PublishResult>('flowgate.publishToDevGateway', 'network-ops');
    assert.ok(result, 'publish returned nothing (it failed)');
    const url = `http://127.0.0.1:${port}`;
    assert.deepEqual(result, { name: 'network-ops', version: 1, gatewayUrl: url, created: true });
    assert.equal(api().localGateway.url(), url);

    const pkg = await getJson(`${url}/api/v1/packages/network-ops`);
    assert.equal(pkg.status, 200);
    assert.deepEqual(
      pkg.body.versions.map((v: { version: number; published: boolean }) => [v.version, v.published]),
      [[1, true]],
    );

    const run = await execute(url, 'Restart-Service', 'network-ops', 1, { device: '10.0.0.1' });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.status, 'Ended');
    assert.equal(run.body.packageName, 'network-ops');
    assert.equal(run.body.packageVersion, 1);
    assert.equal(run.body.outputVariables.restarted, true);
    assert.equal(run.body.outputVariables.message, 'Restarted sshd on 10.0.0.1');
  });

  test('publishing the unchanged draft again is accepted as identical', async () => {
    const again = await vscode.commands.executeCommand<PublishResult>('flowgate.publishToDevGateway', 'network-ops');
    assert.ok(again, 'republish returned nothing');
    assert.equal(again.version, 1);
    assert.equal(again.created, false);
  });

  test('a changed draft with the same version is refused (409) and the gateway keeps the old content', async () => {
    const rel = 'flows/network/core/Run-Command.flow.yaml';
    const original = await readText(rel);
    const changed = original.replace('simulated in the sample', 'simulated, changed');
    assert.notEqual(changed, original);
    try {
      await writeText(rel, changed);
      const ws = await api().workspaceModel();
      await waitFor('the model to see the change', () => /simulated, changed/.test(ws.file(rel)?.text ?? ''));
      const url = api().localGateway.url()!;
      const result = await vscode.commands.executeCommand('flowgate.publishToDevGateway', 'network-ops');
      assert.equal(result, undefined, 'a conflicting version was published');
      const pkg = await getJson(`${url}/api/v1/packages/network-ops`);
      assert.deepEqual(pkg.body.versions.map((v: { version: number }) => v.version), [1]);
      const detail = await getJson(`${url}/api/v1/packages/network-ops/versions/1`);
      const runCommand = detail.body.flows.find((f: { id: string }) => f.id === 'network/core/Run-Command');
      assert.ok(runCommand, 'Run-Command missing from version 1');
      assert.match(runCommand.description, /simulated in the sample/);
    } finally {
      await writeText(rel, original);
      const ws = await api().workspaceModel();
      await waitFor('the model to see the revert', () => ws.file(rel)?.text === original);
    }
  });
});
