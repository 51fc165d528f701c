// Run Flow on what is in the editor: a flow edited WITHOUT saving runs as edited on the local
// gateway (a draft run, recorded as such), its outputs in a read-only document; a version node
// still runs the published version; with no argument the active editor's flow is preselected; the
// last inputs are offered again; Cancel stops the execution on the gateway.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/extension/run/runFlow';
import { activated, api, authHeaders, sleep, stopLocalGateway, uri, useTestPort, waitFor, writeText } from './helpers';

const RESTART = 'flows/network/core/Restart-Service.flow.yaml';
const NAP = 'flows/test/Draft-Nap.flow.yaml';

const run = (target: unknown, options?: Record<string, unknown>) => vscode.commands.executeCommand<RunResult | undefined>('flowgate.runFlow', target, options);

/** Answers every quick input that opens (input boxes and picks, their active item) until `done` settles. */
async function acceptPrompts<T>(done: Promise<T>): Promise<T> {
  let settled = false;
  void done.finally(() => (settled = true));
  while (!settled) {
    await sleep(400);
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return done;
}

async function execution(gatewayUrl: string, id: string): Promise<{ status: string; draft?: boolean; packageName: string; flow: string }> {
  const res = await fetch(`${gatewayUrl}/api/v1/executions/${id}`, { headers: await authHeaders(gatewayUrl) });
  assert.equal(res.status, 200);
  return (await res.json()) as { status: string; draft?: boolean; packageName: string; flow: string };
}

suite('run flow: what is in the editor', () => {
  let gatewayUrl: string;
  let editor: vscode.TextEditor;
  let autoSave: string | undefined;

  suiteSetup(async () => {
    await activated();
    await useTestPort();
    // VS Code for the web saves after a delay by default: this suite needs the edit to stay unsaved.
    autoSave = vscode.workspace.getConfiguration('files').inspect<string>('autoSave')?.workspaceValue;
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Workspace);
    const published = await vscode.commands.executeCommand<{ version: number; gatewayUrl: string }>('flowgate.publishToDevGateway', 'network-ops');
    assert.ok(published, 'could not publish network-ops');
    gatewayUrl = published.gatewayUrl;
    // The bug of the issue: an edit in the editor, not saved.
    editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri(RESTART)));
    const text = editor.document.getText();
    const at = text.indexOf("'Would run: '");
    assert.ok(at > 0, 'the sample changed');
    assert.ok(await editor.edit((e) => e.replace(new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + "'Would run: '".length)), "'Edited, would run: '")));
    assert.equal(editor.document.isDirty, true);
  });

  suiteTeardown(async () => {
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(uri(NAP)).then(undefined, () => undefined);
    await vscode.workspace.getConfiguration('files').update('autoSave', autoSave, vscode.ConfigurationTarget.Workspace);
    await stopLocalGateway();
  });

  test('a flow URI runs the unsaved editor text as a draft run; the outputs open in a read-only document', async () => {
    const result = await run(uri(RESTART), { inputs: { device: '10.0.0.1', dryRun: true } });
    assert.ok(result, 'runFlow returned nothing (it failed)');
    assert.equal(result.status, 'Ended');
    assert.equal(result.draft, true);
    assert.equal(result.outputVariables.message, 'Edited, would run: systemctl restart sshd');
    assert.equal(editor.document.isDirty, true, 'the run saved the file');
    const detail = await execution(result.gatewayUrl, result.executionId);
    assert.equal(detail.draft, true);
    assert.equal(detail.packageName, 'network-ops');
    // The outputs document: read-only (a virtual document), titled "<flow> — outputs", JSON.
    const doc = await waitFor('the outputs document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'flowgate-outputs' && d.uri.query === result.executionId));
    assert.equal(doc.uri.path, '/Restart-Service — outputs');
    assert.equal(doc.languageId, 'json');
    const shown = JSON.parse(doc.getText());
    assert.equal(shown.outputs.message, 'Edited, would run: systemctl restart sshd');
    assert.equal(shown.executionId, result.executionId);
    assert.match(shown.run, /draft run/);
  });

  test('a Gateways-view flow node runs the published version, not the editor', async () => {
    const node = {
      type: 'gatewayFlow',
      gatewayUrl,
      packageName: 'network-ops',
      version: 1,
      flow: { id: 'network/core/Restart-Service', name: 'Restart-Service', inputs: {}, outputs: {} },
    };
    const result = await run(node, { inputs: { device: '10.0.0.1', dryRun: true } });
    assert.ok(result);
    assert.equal(result.draft, undefined);
    assert.equal(result.outputVariables.message, 'Would run: systemctl restart sshd');
    assert.equal((await execution(gatewayUrl, result.executionId)).draft, undefined);
  });

  test('with no argument the active editor\'s flow comes first and runs as a draft', async () => {
    await vscode.window.showTextDocument(editor.document);
    const result = await acceptPrompts(Promise.resolve(run(undefined, { inputs: { device: '10.0.0.2', dryRun: true } })));
    assert.ok(result, 'runFlow returned nothing');
    assert.equal(result.draft, true);
    assert.equal(result.outputVariables.message, 'Edited, would run: systemctl restart sshd');
  });

  test('the last inputs of a flow are offered again (input boxes prefilled, the last boolean first)', async () => {
    const target = uri('flows/network/core/Run-Command.flow.yaml');
    const first = await run(target, { inputs: { device: 'sw-remembered', command: 'echo remembered', dryRun: true } });
    assert.ok(first);
    // No inputs given: every prompt is accepted as offered.
    const again = await acceptPrompts(Promise.resolve(run(target)));
    assert.ok(again, 'the second run returned nothing');
    assert.equal(again.outputVariables.command, 'echo remembered');
    const log = (await (await fetch(`${again.gatewayUrl}/api/v1/executions/${again.executionId}`, { headers: await authHeaders(again.gatewayUrl) })).json()) as { inputs: Record<string, unknown> };
    assert.deepEqual(log.inputs, { device: 'sw-remembered', command: 'echo remembered', dryRun: true });
  });

  test('Cancel stops the execution on the gateway', async () => {
    await writeText(NAP, 'description: sleeps\nsteps:\n  - kind: wait\n    seconds: 120\n');
    await waitFor('the new flow in the model', async () => (await api().workspaceModel()).flows().has('test/Draft-Nap'));
    const source = new vscode.CancellationTokenSource();
    const running = Promise.resolve(run(uri(NAP), { inputs: {}, token: source.token }));
    const url = api().localGateway.url()!;
    const id = await waitFor('the draft run to be running', async () => {
      const res = await fetch(`${url}/api/v1/executions?flow=Draft-Nap&status=Running`, { headers: await authHeaders(url) });
      const body = (await res.json()) as { executions: { id: string; draft?: boolean }[] };
      return body.executions.find((e) => e.draft)?.id;
    });
    // Running Executions (the whole local gateway) lists it as a draft run (the page labels it "draft").
    const shown = await vscode.commands.executeCommand<{ key: string }>('flowgate.showGatewayExecutions', { gatewayUrl: url });
    assert.ok(shown, 'Show Gateway Executions failed');
    const panel = api().panels.executions(shown.key);
    assert.ok(panel);
    await waitFor('the draft run in the panel', () => panel.executions().find((e) => e.id === id && e.draft === true));
    source.cancel();
    assert.equal(await running, undefined);
    const after = await waitFor('the execution to stop', async () => {
      const e = await execution(url, id);
      return e.status === 'Stopped' ? e : undefined;
    });
    assert.equal(after.draft, true);
  });
});
