// The extension is installed from the repository (extensionDevelopmentPath), activates on the
// sample workspace (examples/) and contributes its commands and the flow language.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../package.json';

const extensionId = `${manifest.publisher}.${manifest.name}`;
const declaredCommands: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function workspaceRoot(): vscode.Uri {
  const folders = vscode.workspace.workspaceFolders;
  assert.ok(folders && folders.length === 1, `expected one workspace folder, got ${folders?.length ?? 0}`);
  return folders[0].uri;
}

suite('activation', () => {
  test(`extension ${extensionId} is present`, () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `extension ${extensionId} not found`);
    assert.equal(ext.packageJSON.name, manifest.name);
    assert.equal(ext.packageJSON.publisher, manifest.publisher);
  });

  test('the workspace is the sample workspace', async () => {
    const flows = await vscode.workspace.findFiles('**/*.flow.yaml');
    assert.ok(flows.length >= 1, 'no *.flow.yaml files in the workspace');
    const packages = await vscode.workspace.findFiles('packages/*.package.yaml');
    assert.ok(
      packages.some((u) => u.path.endsWith('/network-ops.package.yaml')),
      'packages/network-ops.package.yaml is missing from the workspace',
    );
    assert.equal(workspaceRoot().scheme, 'file');
  });

  test('activates by itself when a workspace with flows is open', async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `extension ${extensionId} not found`);
    // No explicit activate(): the workspaceContains activation events must do it.
    await waitFor('the extension to activate', () => ext.isActive, 30_000);
    assert.equal(ext.isActive, true);
  });

  test('registers every command declared in package.json', async () => {
    assert.ok(declaredCommands.length > 0, 'package.json declares no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declaredCommands.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `commands declared but not registered: ${missing.join(', ')}`);
  });

  test('a *.flow.yaml file opens with language id flowgate-flow', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'flows/network/core/Restart-Service.flow.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'flowgate-flow');
    const editor = await vscode.window.showTextDocument(doc);
    assert.equal(editor.document.languageId, 'flowgate-flow');
    assert.ok(doc.getText().length > 0, 'the flow file is empty');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
