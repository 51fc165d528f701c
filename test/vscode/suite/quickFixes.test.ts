// Quick fixes in the real VS Code: a flow with a problem gets Flowgate's diagnostic; the code
// actions VS Code asks for (vscode.executeCodeActionProvider) include the fix; applying its edit
// makes the diagnostic disappear from vscode.languages.getDiagnostics.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, api, closeEditors, readText, restoreFile, uri, waitFor, writeText } from './helpers';

const flowgateDiagnostics = (u: vscode.Uri) => vscode.languages.getDiagnostics(u).filter((d) => d.source === 'flowgate');

async function fixesAt(u: vscode.Uri, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  await vscode.workspace.openTextDocument(u); // code actions are asked of an open document
  const all = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', u, d.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
  return all.filter((a): a is vscode.CodeAction => 'kind' in a && !!a.kind && vscode.CodeActionKind.QuickFix.contains(a.kind));
}

/**
 * The quick fixes of the `code` diagnostic of a file, once there are some (the model follows the
 * editor after a short delay: fixes are offered only for the text the diagnostic was found in).
 */
async function fixesFor(u: vscode.Uri, code: string): Promise<vscode.CodeAction[]> {
  return waitFor(`quick fixes of a ${code} diagnostic on ${u.path}`, async () => {
    const d = flowgateDiagnostics(u).find((x) => x.code === code);
    if (!d) return undefined;
    const f = await fixesAt(u, d);
    return f.length ? f : undefined;
  });
}

suite('quickFixes', () => {
  const RESTART = 'flows/network/core/Restart-Service.flow.yaml';
  const CHECK = 'flows/network/core/Check-Reachability.flow.yaml';
  let restartText = '';
  let checkText = '';

  suiteSetup(async () => {
    await activated();
    await api().workspaceModel();
    restartText = await readText(RESTART);
    checkText = await readText(CHECK);
  });

  teardown(async () => {
    await restoreFile(RESTART, restartText);
    await restoreFile(CHECK, checkText);
    await closeEditors();
  });

  test('an input the child flow does not declare: "Declare input" edits the child, the diagnostic goes', async () => {
    const restart = uri(RESTART);
    const doc = await vscode.workspace.openTextDocument(restart);
    const editor = await vscode.window.showTextDocument(doc);
    const text = doc.getText();
    const at = doc.positionAt(text.indexOf('      device: "= device"\n    output: reachability') + '      device: "= device"\n'.length);
    assert.ok(await editor.edit((e) => e.insert(at, '      retries: 3\n')));
    const fixes = await fixesFor(restart, 'unknown-input');
    const declare = fixes.find((f) => f.title === "Declare input 'retries' (integer) in flow 'network/core/Check-Reachability'");
    assert.ok(declare, `fixes: ${fixes.map((f) => f.title).join(' | ')}`);
    assert.equal(declare.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(declare.edit!));
    await waitFor('the unknown-input diagnostic to disappear', () => !flowgateDiagnostics(restart).some((x) => x.code === 'unknown-input'));
    const child = vscode.workspace.textDocuments.find((t) => t.uri.toString() === uri(CHECK).toString());
    assert.ok(child, 'the child flow was edited in a document');
    assert.match(child.getText(), /\n {2}retries:\n {4}type: integer\n/);
    assert.deepEqual(flowgateDiagnostics(uri(CHECK)), []);
    await vscode.workspace.saveAll(false);
  });

  test('a misspelt flow reference: "Change to" the existing flow (preferred), one per close match', async () => {
    const restart = uri(RESTART);
    const doc = await vscode.workspace.openTextDocument(restart);
    const editor = await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    const i = doc.getText().indexOf('flow: network/core/Check-Reachability') + 'flow: network/core/Check-Reachabil'.length;
    assert.ok(await editor.edit((e) => e.delete(new vscode.Range(doc.positionAt(i), doc.positionAt(i + 1)))));
    const fixes = await fixesFor(restart, 'unknown-flow');
    assert.equal(fixes[0]?.title, "Change to flow 'network/core/Check-Reachability'", fixes.map((f) => f.title).join(' | '));
    assert.equal(fixes[0].isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fixes[0].edit!));
    assert.equal(doc.getText(), before);
    await waitFor('the unknown-flow diagnostic to disappear', () => flowgateDiagnostics(restart).length === 0).catch((err) => {
      throw new Error(`${(err as Error).message}; left: ${flowgateDiagnostics(restart).map((d) => `${d.code}: ${d.message}`).join(' | ')}`);
    });
  });

  test('a connection no file defines: "Create connection" creates connections/<Name>.connection.yaml and the problem goes', async () => {
    const rel = 'flows/extra/UsesCrm.flow.yaml';
    const flow = uri(rel);
    const created = uri('connections/crm-api.connection.yaml');
    try {
      await writeText(rel, 'steps:\n  - kind: http\n    connection: crm-api\n    path: /x\n');
      const fixes = await fixesFor(flow, 'unknown-connection');
      const create = fixes.find((f) => f.title.startsWith("Create connection 'crm-api'"));
      assert.ok(create, fixes.map((f) => f.title).join(' | '));
      assert.ok(await vscode.workspace.applyEdit(create.edit!));
      const doc = await vscode.workspace.openTextDocument(created);
      assert.match(doc.getText(), /^baseUrl: /m);
      assert.ok(await doc.save(), 'the created connection file saves');
      assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(created)), /^baseUrl: /m);
      await waitFor('the unknown-connection diagnostic to disappear', () => flowgateDiagnostics(flow).length === 0);
    } finally {
      await vscode.workspace.fs.delete(uri('flows/extra'), { recursive: true });
      await vscode.workspace.fs.delete(created).then(undefined, () => undefined);
    }
  });

  test('a draft leaving out a flow its flows run: "Add flow … to the package"', async () => {
    const DRAFT = 'packages/network-ops.package.yaml';
    const original = await readText(DRAFT);
    const draft = uri(DRAFT);
    try {
      await writeText(DRAFT, original.replace('    - network/core/Run-Command\n', ''));
      const fixes = await fixesFor(draft, 'missing-dependency');
      assert.equal(fixes[0]?.title, "Add flow 'network/core/Run-Command' to the package", fixes.map((f) => f.title).join(' | '));
      assert.ok(await vscode.workspace.applyEdit(fixes[0].edit!));
      await waitFor('the draft to have no problems', () => flowgateDiagnostics(draft).length === 0);
    } finally {
      await closeEditors();
      await writeText(DRAFT, original);
    }
  });
});
