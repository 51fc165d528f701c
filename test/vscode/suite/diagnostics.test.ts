// Problems panel: a broken flow file gets a `flowgate` diagnostic on the offending line, which
// clears when the change is reverted; files created and deleted on disk are followed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, api, closeEditors, uri, waitFor, writeText } from './helpers';

const flowgateDiagnostics = (u: vscode.Uri) => vscode.languages.getDiagnostics(u).filter((d) => d.source === 'flowgate');

suite('diagnostics', () => {
  suiteSetup(async () => {
    await activated();
    await api().workspaceModel();
  });

  teardown(closeEditors);

  test('the sample workspace has no flowgate problems', async () => {
    const flow = uri('flows/network/core/Run-Command.flow.yaml');
    const draft = uri('packages/network-ops.package.yaml');
    assert.deepEqual(flowgateDiagnostics(flow), []);
    assert.deepEqual(flowgateDiagnostics(draft), []);
  });

  test('an unknown step kind is reported on its line while typing, and clears on revert', async () => {
    const flow = uri('flows/network/core/Run-Command.flow.yaml');
    const doc = await vscode.workspace.openTextDocument(flow);
    const editor = await vscode.window.showTextDocument(doc);
    // The file ends with a newline: the new step goes on the last (empty) line.
    const line = doc.lineCount - 1;
    assert.equal(doc.lineAt(line).text, '', 'the flow file does not end with a newline');
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(line, 0), '  - kind: reboot\n')));
    const diags = await waitFor('a diagnostic for the broken flow', () => {
      const d = flowgateDiagnostics(flow);
      return d.length ? d : undefined;
    });
    assert.equal(diags.length, 1, diags.map((d) => d.message).join(' | '));
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diags[0].code, 'schema');
    assert.match(diags[0].message, /unknown step kind 'reboot'/);
    assert.equal(diags[0].range.start.line, line, `diagnostic on line ${diags[0].range.start.line}, expected ${line}`);
    assert.equal(doc.getText(diags[0].range), 'reboot');

    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(doc.isDirty, false);
    await waitFor('the diagnostic to clear', () => flowgateDiagnostics(flow).length === 0);
  });

  test('a reference to a missing flow is reported, and clears when the flow file appears', async () => {
    const a = uri('flows/extra/A.flow.yaml');
    const bRel = 'flows/extra/sub/B.flow.yaml';
    try {
      await writeText('flows/extra/A.flow.yaml', 'steps:\n  - kind: run-flow\n    flow: extra/sub/B\n');
      const diags = await waitFor('unknown-flow on A', () => {
        const d = flowgateDiagnostics(a);
        return d.length ? d : undefined;
      });
      assert.equal(diags[0].code, 'unknown-flow');
      assert.equal(diags[0].range.start.line, 2);
      await writeText(bRel, 'steps:\n  - kind: log\n    message: hi\n');
      await waitFor('A to become valid', () => flowgateDiagnostics(a).length === 0);
      const ws = await api().workspaceModel();
      assert.ok(ws.flows().has('extra/sub/B'), 'the model does not know extra/sub/B');
    } finally {
      await vscode.workspace.fs.delete(uri('flows/extra'), { recursive: true });
    }
    const ws = await api().workspaceModel();
    await waitFor('extra/A to leave the model', () => !ws.flows().has('extra/A') && !ws.flows().has('extra/sub/B'));
    await waitFor('A diagnostics to clear', () => flowgateDiagnostics(a).length === 0);
  });
});
