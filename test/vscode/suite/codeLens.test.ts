// Code lenses in the real VS Code (vscode.executeCodeLensProvider): Run on a flow, Validate /
// Validate Against Gateway / Publish on a package draft, each with the file's URI; none with
// flowgate.codeLens.enabled off.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, api, closeEditors, uri, waitFor } from './helpers';

async function lenses(u: vscode.Uri): Promise<vscode.CodeLens[]> {
  await vscode.workspace.openTextDocument(u);
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', u, 10)) ?? [];
}

const ours = (ls: vscode.CodeLens[]) => ls.filter((l) => l.command?.command.startsWith('flowgate.'));

suite('codeLens', () => {
  suiteSetup(async () => {
    await activated();
    await api().workspaceModel();
  });
  teardown(async () => {
    await vscode.workspace.getConfiguration('flowgate').update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    await closeEditors();
  });

  test('a flow has "Run" with its URI', async () => {
    const flow = uri('flows/network/core/Restart-Service.flow.yaml');
    const ls = ours(await lenses(flow));
    assert.deepEqual(ls.map((l) => [l.command!.title, l.command!.command]), [['$(play) Run', 'flowgate.runFlow']]);
    assert.equal((ls[0].command!.arguments![0] as vscode.Uri).toString(), flow.toString());
    assert.equal(ls[0].range.start.line, 0);
  });

  test('a package draft has Validate, Validate Against Gateway and Publish with its URI', async () => {
    const draft = uri('packages/network-ops.package.yaml');
    const ls = ours(await lenses(draft));
    assert.deepEqual(
      ls.map((l) => [l.command!.title, l.command!.command]),
      [
        ['$(check) Validate', 'flowgate.validatePackage'],
        ['$(cloud) Validate Against Gateway', 'flowgate.validateAgainstGateway'],
        ['$(cloud-upload) Publish', 'flowgate.publishToDevGateway'],
      ],
    );
    for (const l of ls) assert.equal((l.command!.arguments![0] as vscode.Uri).toString(), draft.toString());
  });

  test('the Validate lens runs Validate Package on that draft', async () => {
    const draft = uri('packages/network-ops.package.yaml');
    const validate = ours(await lenses(draft)).find((l) => l.command!.command === 'flowgate.validatePackage')!;
    const result = await vscode.commands.executeCommand<{ ok: boolean; diagnostics: unknown[] }>(validate.command!.command, ...validate.command!.arguments!);
    assert.deepEqual(result, { ok: true, diagnostics: [], missing: [] });
  });

  test('a connection file has none; none at all with flowgate.codeLens.enabled off', async () => {
    assert.deepEqual(ours(await lenses(uri('connections/local-gateway.connection.yaml'))), []);
    await vscode.workspace.getConfiguration('flowgate').update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    await waitFor('the flow lenses to go', async () => ours(await lenses(uri('flows/network/core/Restart-Service.flow.yaml'))).length === 0);
    assert.deepEqual(ours(await lenses(uri('packages/network-ops.package.yaml'))), []);
  });
});
