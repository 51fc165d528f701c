// Language features in the real VS Code, through the same commands the editor uses
// (vscode.executeCompletionItemProvider, …Hover…, …Definition…, …Reference…, …DocumentSymbol…,
// …DocumentRename…) on the example workspace: completion of step kinds, flow names, a child's
// inputs and variables in scope (also in unsaved text), hover, go to definition, find
// references, the outline, and a flow rename across the workspace (then renamed back).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, api, closeEditors, readText, uri, waitFor, writeText } from './helpers';

const RESTART = 'flows/network/core/Restart-Service.flow.yaml';
const DRAFT = 'packages/network-ops.package.yaml';

/** The position `offset` characters into the `n`-th occurrence of `needle` in the document. */
function positionOf(doc: vscode.TextDocument, needle: string, offset = 0, n = 0): vscode.Position {
  let at = -1;
  for (let i = 0; i <= n; i++) at = doc.getText().indexOf(needle, at + 1);
  assert.ok(at >= 0, `'${needle}' not in ${doc.uri.path}`);
  return doc.positionAt(at + offset);
}

/** Labels of the completion items at `pos`, without snippets (the flow language's, contributed separately). */
async function completionLabels(u: vscode.Uri, pos: vscode.Position, trigger?: string): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', u, pos, trigger);
  return list.items.filter((i) => i.kind !== vscode.CompletionItemKind.Snippet).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

const hoverText = (hovers: vscode.Hover[]) =>
  hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');

const locationUri = (l: vscode.Location | vscode.LocationLink) => ('targetUri' in l ? l.targetUri : l.uri);

suite('languageFeatures', () => {
  suiteSetup(async () => {
    await activated();
    await api().workspaceModel();
  });

  teardown(closeEditors);

  test('completion: step kinds, flow names, connection names in a new flow file', async () => {
    const rel = 'flows/scratch/Typing.flow.yaml';
    await writeText(rel, 'steps:\n  - kind: \n  - kind: run-flow\n    flow: \n  - kind: http\n    connection: \n');
    try {
      const u = uri(rel);
      const doc = await vscode.workspace.openTextDocument(u);
      assert.deepEqual(await completionLabels(u, new vscode.Position(1, 10)), ['set', 'log', 'wait', 'http', 'run-flow', 'if', 'for-each', 'try', 'fail']);
      const flows = await completionLabels(u, new vscode.Position(3, 10));
      assert.deepEqual([...flows].sort(), ['network/core/Check-Reachability', 'network/core/Restart-Service', 'network/core/Run-Command', 'network/inventory/Get-Gateway-Status']);
      assert.deepEqual(await completionLabels(u, new vscode.Position(5, 16)), ['local-gateway']);
      // A name's documentation (description, inputs, outputs) is resolved when the item is shown.
      const resolved = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', u, new vscode.Position(3, 10), undefined, 4);
      const check = resolved.items.find((i) => i.label === 'network/core/Check-Reachability')!;
      assert.match((check.documentation as vscode.MarkdownString).value, /\*\*Inputs:\*\*\n- `device`: `string`, required/);
      assert.equal(doc.isDirty, false);
    } finally {
      await vscode.workspace.fs.delete(uri('flows/scratch'), { recursive: true });
    }
  });

  test("completion follows unsaved text: a child's declared inputs and the variables in scope in an `=` string", async () => {
    const doc = await vscode.workspace.openTextDocument(uri(RESTART));
    const editor = await vscode.window.showTextDocument(doc);
    const original = doc.getText();
    try {
      // A new run-flow step at the end, typed but not saved.
      const end = new vscode.Position(doc.lineCount - 1, 0);
      assert.equal(doc.lineAt(end.line).text, '', 'the flow file does not end with a newline');
      assert.ok(await editor.edit((e) => e.insert(end, '  - kind: run-flow\n    flow: network/core/Run-Command\n    inputs:\n      device: "= "\n      \n')));
      assert.ok(doc.isDirty);
      const inputs = await completionLabels(doc.uri, new vscode.Position(end.line + 4, 6));
      assert.deepEqual(inputs, ['command', 'dryRun'], 'device is given already');
      const vars = await completionLabels(doc.uri, new vscode.Position(end.line + 3, 17));
      for (const name of ['device', 'service', 'dryRun', 'reachability']) assert.ok(vars.includes(name), `${name} in ${vars.join(', ')}`);
      assert.ok(!vars.includes('restarted') || vars.indexOf('restarted') > vars.indexOf('reachability'));
      assert.ok(await editor.edit((e) => e.insert(new vscode.Position(end.line + 3, 17), 'reachability.')));
      const fields = await completionLabels(doc.uri, new vscode.Position(end.line + 3, 30), '.');
      assert.deepEqual(fields, ['reachable', 'reason', 'checkedAt']);
    } finally {
      // Back to the file as it was, in the editor and on disk (revert alone was not enough now
      // and then under load: the edited text was found saved, by nothing of this suite).
      const onDisk = async () => new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri));
      await vscode.window.showTextDocument(doc);
      if (doc.getText() !== original) {
        const restore = new vscode.WorkspaceEdit();
        restore.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
        await vscode.workspace.applyEdit(restore);
      }
      if (doc.isDirty) await vscode.commands.executeCommand('workbench.action.files.save');
      if ((await onDisk()) !== original) await writeText(RESTART, original);
      await waitFor('the flow restored', async () => !doc.isDirty && doc.getText() === original && (await onDisk()) === original);
    }
  });

  test('hover on a flow reference shows its description, inputs and outputs; on a step kind, its doc', async () => {
    const doc = await vscode.workspace.openTextDocument(uri(RESTART));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'network/core/Run-Command', 3));
    const text = hoverText(hovers);
    assert.match(text, /Run a command on a device/);
    assert.match(text, /`command`: `string`, required/);
    assert.match(text, /`exitCode`: `integer`/);
    const kind = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'kind: fail', 7)));
    assert.match(kind, /\*\*fail\*\* step/);
    const variable = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, '= reachability.reachable', 4)));
    assert.match(variable, /`reachability`: `object` — output of a step[\s\S]*Fields: `reachable`/);
  });

  test('go to definition from a run-flow step and from a package draft entry', async () => {
    const doc = await vscode.workspace.openTextDocument(uri(RESTART));
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, 'network/core/Check-Reachability', 5));
    assert.deepEqual(defs.map((d) => vscode.workspace.asRelativePath(locationUri(d))), ['flows/network/core/Check-Reachability.flow.yaml']);
    const draft = await vscode.workspace.openTextDocument(uri(DRAFT));
    const conn = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', draft.uri, positionOf(draft, '- local-gateway', 4));
    assert.deepEqual(conn.map((d) => vscode.workspace.asRelativePath(locationUri(d))), ['connections/local-gateway.connection.yaml']);
  });

  test('find references of a flow: its file, the flow that runs it, the package draft', async () => {
    const doc = await vscode.workspace.openTextDocument(uri(RESTART));
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, positionOf(doc, 'network/core/Check-Reachability', 5));
    const where = refs.map((r) => `${vscode.workspace.asRelativePath(r.uri)}:${r.range.start.line}`).sort();
    const draft = await vscode.workspace.openTextDocument(uri(DRAFT));
    assert.deepEqual(where, [
      'flows/network/core/Check-Reachability.flow.yaml:0',
      `${RESTART}:${positionOf(doc, 'network/core/Check-Reachability').line}`,
      `${DRAFT}:${positionOf(draft, 'network/core/Check-Reachability').line}`,
    ].sort());
  });

  test('the outline: steps as a tree with then/else groups', async () => {
    const doc = await vscode.workspace.openTextDocument(uri(RESTART));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.deepEqual(symbols.map((s) => s.name), ['inputs', 'outputs', 'log', 'Check reachability', 'Reachable?']);
    const ifStep = symbols[4];
    assert.deepEqual(ifStep.children.map((c) => c.name), ['then', 'else']);
    assert.deepEqual(ifStep.children[0].children.map((c) => c.name), ['Restart', 'set']);
    assert.equal(symbols[3].detail, 'run-flow network/core/Check-Reachability');
  });

  test('rename a flow across the workspace: the file moves, the flow and the package draft follow; a taken name is refused', async () => {
    const doc = await vscode.workspace.openTextDocument(uri(RESTART));
    const at = positionOf(doc, 'network/core/Run-Command', 5);
    const prepared = await vscode.commands.executeCommand<{ range: vscode.Range; placeholder: string }>('vscode.prepareRename', doc.uri, at);
    assert.equal(prepared.placeholder, 'network/core/Run-Command');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', doc.uri, at, 'network/core/Check-Reachability')),
      /already exists/,
    );
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', doc.uri, at, 'bad name')), /may only contain/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('vscode.prepareRename', doc.uri, positionOf(doc, 'description', 2))), /Put the cursor on a flow's name/);

    const rename = async (document: vscode.TextDocument, pos: vscode.Position, from: string, to: string) => {
      const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', document.uri, pos, to);
      assert.ok(edit, 'no edit');
      assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
      // Saved the way a user saves (File: Save All): see promotionDrafts.test.ts on TextDocument.save().
      await vscode.commands.executeCommand('workbench.action.files.saveAll');
      await waitFor('every edited file saved', () => !vscode.workspace.textDocuments.some((d) => d.isDirty));
      const model = await api().workspaceModel();
      await waitFor(`the model to know flow '${to}' and not '${from}'`, () => model.has('flow', to) && !model.has('flow', from) && model.files().every((f) => !f.text.includes(`${from}\n`)));
    };
    await rename(doc, at, 'network/core/Run-Command', 'network/ops/Run-Remote');
    try {
      assert.match(await readText(RESTART), /flow: network\/ops\/Run-Remote\n/);
      assert.match(await readText(DRAFT), /- network\/ops\/Run-Remote\n/);
      assert.match(await readText('flows/network/ops/Run-Remote.flow.yaml'), /Run a command on a device/);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(uri('flows/network/core/Run-Command.flow.yaml'))));
      // The model follows: the renamed flow is known under its new id, with no dangling reference.
      assert.equal((await api().workspaceModel()).has('flow', 'network/core/Run-Command'), false);
      const problems = () => [RESTART, DRAFT].flatMap((rel) => vscode.languages.getDiagnostics(uri(rel)).filter((d) => d.source === 'flowgate'));
      await waitFor('no flowgate problems after the rename', () => problems().length === 0);
    } finally {
      const back = await vscode.workspace.openTextDocument(uri(RESTART));
      await rename(back, positionOf(back, 'network/ops/Run-Remote', 5), 'network/ops/Run-Remote', 'network/core/Run-Command');
      await vscode.workspace.fs.delete(uri('flows/network/ops'), { recursive: true }).then(undefined, () => undefined);
    }
    assert.match(await readText(RESTART), /flow: network\/core\/Run-Command\n/);
    assert.match(await readText(DRAFT), /- network\/core\/Run-Command\n/);
  });
});
