// The flow language in the real VS Code: *.flow.yaml files open as flowgate-flow, connection and
// package files stay yaml, the contributed snippet files load from the installed extension, and
// VS Code's completion at an empty step line offers a snippet for every step kind.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../package.json';
import { api, waitFor } from './helpers';

const extensionId = `${manifest.publisher}.${manifest.name}`;
const STEP_KINDS = ['set', 'log', 'wait', 'http', 'run-flow', 'if', 'for-each', 'try', 'fail'];

function root(): vscode.Uri {
  const folders = vscode.workspace.workspaceFolders;
  assert.ok(folders && folders.length === 1, 'one workspace folder');
  return folders[0].uri;
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

suite('language: grammar, snippets, file associations', () => {
  test('a sample flow opens as flowgate-flow; connection and package files as yaml', async () => {
    const flow = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), 'flows', 'network', 'core', 'Restart-Service.flow.yaml'));
    assert.equal(flow.languageId, 'flowgate-flow');
    const connection = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), 'connections', 'local-gateway.connection.yaml'));
    assert.equal(connection.languageId, 'yaml');
    const draft = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), 'packages', 'network-ops.package.yaml'));
    assert.equal(draft.languageId, 'yaml');
  });

  test('the contributed snippet files load from the extension', async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, extensionId);
    const snippets: { path: string }[] = ext.packageJSON.contributes.snippets;
    assert.ok(snippets.length >= 1);
    const prefixes: string[] = [];
    for (const s of snippets) {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, s.path));
      const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, { prefix: string | string[] }>;
      for (const v of Object.values(parsed)) prefixes.push(...(Array.isArray(v.prefix) ? v.prefix : [v.prefix]));
    }
    for (const kind of STEP_KINDS) assert.ok(prefixes.includes(`step-${kind}`), `a snippet with prefix step-${kind}`);
  });

  test('completion at an empty step line offers the step-kind snippets', async () => {
    const uri = vscode.Uri.joinPath(root(), 'flows', 'scratch', 'Snippet-Completion.flow.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('steps:\n  - kind: log\n    message: hi\n  \n'));
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.equal(doc.languageId, 'flowgate-flow');
      await vscode.window.showTextDocument(doc);
      const at = new vscode.Position(3, 2);
      let labels: string[] = [];
      // The snippet service loads the extension's snippet files on first use: ask until they are in.
      for (let i = 0; i < 50; i++) {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at);
        labels = list.items.filter((item) => item.kind === vscode.CompletionItemKind.Snippet).map(labelOf);
        if (STEP_KINDS.every((k) => labels.includes(`step-${k}`))) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const kind of STEP_KINDS) assert.ok(labels.includes(`step-${kind}`), `step-${kind} among the snippets offered: ${labels.join(', ')}`);
      assert.ok(!labels.includes('flowgate-connection'), 'the connection snippet is for yaml files, not flows');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root(), 'flows', 'scratch'), { recursive: true });
      // The suites after this one read the workspace model: wait until it has forgotten the flow.
      await waitFor('the scratch flow gone from the workspace model', async () => !(await api().workspaceModel()).has('flow', 'scratch/Snippet-Completion'));
    }
  });
});
