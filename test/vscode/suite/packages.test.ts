// Package drafts: what the Packages view shows (through the extension's API), create / add /
// remove, validate and pack.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, api, closeEditors, readText, uri } from './helpers';

suite('packages', () => {
  const created: vscode.Uri[] = [];

  suiteSetup(activated);
  teardown(closeEditors);
  suiteTeardown(async () => {
    for (const u of created) await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
  });

  test('the model behind the Packages view lists the sample draft network-ops', async () => {
    const ws = await api().workspaceModel();
    const entry = ws.drafts().get('network-ops');
    assert.ok(entry, `network-ops missing; drafts: ${[...ws.drafts().keys()].join(', ')}`);
    assert.equal(entry.relPath, 'packages/network-ops.package.yaml');
    assert.equal(entry.draft.version, 1);
    assert.deepEqual(entry.draft.definitions.flows, [
      'network/core/Restart-Service',
      'network/core/Check-Reachability',
      'network/core/Run-Command',
      'network/inventory/Get-Gateway-Status',
    ]);
    assert.deepEqual(entry.draft.definitions.connections, ['local-gateway']);
  });

  test('refreshPackages reloads the model from disk', async () => {
    await vscode.commands.executeCommand('flowgate.refreshPackages');
    const ws = await api().workspaceModel();
    assert.ok(ws.drafts().has('network-ops'));
  });

  test('validatePackage: network-ops is valid', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; diagnostics: unknown[] }>('flowgate.validatePackage', 'network-ops');
    assert.ok(result, 'validatePackage returned nothing');
    assert.equal(result.ok, true, JSON.stringify(result.diagnostics));
    assert.deepEqual(result.diagnostics, []);
  });

  test('createPackage writes a new draft; an invalid name is refused', async () => {
    const rel = await vscode.commands.executeCommand<string>('flowgate.createPackage', 'restart-only');
    assert.equal(rel, 'packages/restart-only.package.yaml');
    created.push(uri(rel));
    assert.match(await readText(rel), /^name: restart-only$/m);
    const ws = await api().workspaceModel();
    assert.ok(ws.drafts().has('restart-only'), 'the new draft is not in the model');
    assert.equal(await vscode.commands.executeCommand('flowgate.createPackage', 'restart only'), undefined);
    assert.equal(await vscode.commands.executeCommand('flowgate.createPackage', 'restart-only'), undefined, 'a taken name was accepted');
  });

  test('addFlowToPackage adds the flow with the flows it runs', async () => {
    const result = await vscode.commands.executeCommand<{ draftName: string; added: string[] }>('flowgate.addFlowToPackage', {
      draftName: 'restart-only',
      flowIds: ['network/core/Restart-Service'],
    });
    assert.ok(result, 'addFlowToPackage returned nothing');
    assert.equal(result.draftName, 'restart-only');
    assert.deepEqual([...result.added].sort(), [
      'flow:network/core/Check-Reachability',
      'flow:network/core/Restart-Service',
      'flow:network/core/Run-Command',
    ]);
    const text = await readText('packages/restart-only.package.yaml');
    for (const id of ['Restart-Service', 'Check-Reachability', 'Run-Command']) assert.match(text, new RegExp(`network/core/${id}`));
    const ws = await api().workspaceModel();
    assert.equal(ws.drafts().get('restart-only')?.draft.definitions.flows?.length, 3);
  });

  test('removeFromPackage refuses a flow another flow runs and removes a top-level one', async () => {
    const node = (id: string) => ({ type: 'definition', draftName: 'restart-only', kind: 'flow', id });
    const refused = await vscode.commands.executeCommand('flowgate.removeFromPackage', node('network/core/Run-Command'));
    assert.equal(refused, undefined);
    assert.match(await readText('packages/restart-only.package.yaml'), /network\/core\/Run-Command/);
    const removed = await vscode.commands.executeCommand('flowgate.removeFromPackage', node('network/core/Restart-Service'), { confirmed: true });
    assert.equal(removed, true);
    const text = await readText('packages/restart-only.package.yaml');
    assert.doesNotMatch(text, /Restart-Service/);
    assert.match(text, /network\/core\/Run-Command/);
  });

  test('packPackage writes a .fgpkg (zip) file', async () => {
    const target = uri('network-ops-1.fgpkg');
    created.push(target);
    const written = await vscode.commands.executeCommand<vscode.Uri>('flowgate.packPackage', 'network-ops', target);
    assert.ok(written, 'packPackage returned nothing');
    assert.equal(written.toString(), target.toString());
    const bytes = await vscode.workspace.fs.readFile(target);
    assert.ok(bytes.byteLength > 100, `only ${bytes.byteLength} bytes`);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'not a zip file');
  });
});
