// The Running Executions panel's host side: `flowgate.showRunningExecutions` with an `executionId`
// (an old finished execution is read from the gateway, listed and selected; an unknown id is said,
// not thrown), and the page's typed requests — history, stop, details, openExecution — with the
// params the host refuses (the page is untrusted).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GatewayClient } from '../../../src/core/client/gatewayClient';
import type { ShownPanel } from '../../../src/extension/executions/executionsCommands';
import { api, execute, publishTestPackage, startTestGateway, stopTestGateway, waitFor } from './helpers';

const PKG = 'fg-exec-panel-test';
const WAIT = 'tests/exec-panel/Wait';
const QUICK = 'tests/exec-panel/Quick';
const FLOWS = {
  [WAIT]: 'description: Waits a minute.\nsteps:\n  - kind: wait\n    seconds: 60\n',
  [QUICK]: 'steps:\n  - kind: log\n    message: quick one\n',
};

suite('Running Executions panel', () => {
  let url: string;
  let client: GatewayClient;
  let endedId: string;

  suiteSetup(async () => {
    ({ url, client } = await startTestGateway());
    await publishTestPackage(client, PKG, FLOWS);
    const ended = await execute(url, encodeURIComponent(QUICK), PKG, 1, {});
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    endedId = ended.body.executionId;
  });

  suiteTeardown(async () => {
    await client.unpublish(PKG, 1).catch(() => undefined);
    await stopTestGateway();
  });

  const show = (executionId?: unknown) =>
    vscode.commands.executeCommand<ShownPanel>('flowgate.showRunningExecutions', {
      gatewayUrl: url,
      packageName: PKG,
      version: 1,
      ...(executionId !== undefined ? { executionId } : {}),
    });

  test('an executionId selects that execution (an old finished one is read from the gateway and listed); an unknown one is said in the status line', async () => {
    const shown = await show(endedId);
    assert.ok(shown, 'the command answered nothing (it failed)');
    assert.deepEqual(shown.execution, { id: endedId, found: true });
    const panel = api().panels.executions(shown.key);
    assert.ok(panel, `no panel for ${shown.key}`);
    const focus = panel.focused();
    assert.equal(focus?.id, endedId);
    assert.equal(focus?.error, undefined);
    assert.equal(panel.executions().find((e) => e.id === endedId)?.status, 'Ended', 'the finished execution is not listed');
    const details = await panel.host.answer('getDetails', { id: endedId });
    assert.ok(details.ok, JSON.stringify(details));
    assert.equal(details.result.id, endedId);
    assert.ok(details.result.log.some((l) => l.message === 'quick one'), JSON.stringify(details.result.log));

    const missing = await show('no-such-execution');
    assert.ok(missing, 'the command failed on an unknown execution');
    assert.equal(missing.key, shown.key, 'another panel was opened');
    assert.equal(missing.execution?.found, false);
    assert.equal(missing.execution?.message, 'Execution no-such-execution was not found on Local Emulator.');
    // What the page shows in its status line (the focus request carries it).
    const said = panel.focused();
    assert.equal(said?.id, 'no-such-execution');
    assert.equal(said?.error, 'Execution no-such-execution was not found on Local Emulator.');
    assert.ok(said && focus && said.seq > focus.seq, 'the page would not act on the second request');
    const bad = await show({ not: 'an id' });
    assert.equal(bad?.execution?.found, false);
    assert.match(bad?.execution?.message ?? '', /an execution id is required/);

    // The page's own route: an execution link asks `openExecution`.
    const opened = await panel.host.answer('openExecution', { id: endedId });
    assert.ok(opened.ok, JSON.stringify(opened));
    assert.equal(opened.result.execution?.id, endedId);
    const unknown = await panel.host.answer('openExecution', { id: 'no-such-execution' });
    assert.deepEqual(unknown, { ok: false, errors: [{ field: '', message: 'Execution no-such-execution was not found on Local Emulator.' }] });
  });

  test('the page asks for the history and stops an execution; the host refuses params of the wrong shape', async () => {
    const shown = await show();
    const panel = api().panels.executions(shown.key);
    assert.ok(panel);
    const started = await client.startExecution(WAIT, { packageName: PKG, packageVersion: 1, mode: 'async' });
    assert.equal(started.kind, 'started');
    const runningId = started.kind === 'started' ? started.started.executionId : '';
    await waitFor('the running execution to be listed', () => panel.executions().some((e) => e.id === runningId && e.status === 'Running'));

    const history = await panel.host.answer('loadHistory', { status: 'Ended' });
    assert.ok(history.ok, JSON.stringify(history));
    assert.ok(history.result.executions.some((e) => e.id === endedId), 'the ended execution is not in the history');
    assert.deepEqual([...new Set(history.result.executions.map((e) => e.status))], ['Ended']);

    const stopped = await panel.host.answer('stop', { ids: [runningId] });
    assert.ok(stopped.ok, JSON.stringify(stopped));
    assert.deepEqual(stopped.result.notFound, []);
    assert.equal(stopped.result.executions[0]?.id, runningId);
    await waitFor('the gateway to stop it', async () => (await client.getExecution(runningId)).status === 'Stopped');

    const refused = async (method: string, params: unknown, field: string) => {
      const reply = await panel.host.answer(method as 'getDetails', params as never);
      assert.equal(reply.ok, false, `${method} ${JSON.stringify(params)} was answered`);
      if (!reply.ok) assert.ok(reply.errors.some((e) => e.field === field), `${method}: ${JSON.stringify(reply.errors)}`);
    };
    await refused('getDetails', { id: 42 }, 'id');
    await refused('getDetails', { id: 'x'.repeat(300) }, 'id');
    await refused('getDetails', 'just text', '');
    await refused('openExecution', { id: 'a\nb' }, 'id');
    await refused('stop', { ids: 'all' }, 'ids');
    await refused('stop', { ids: [] }, 'ids');
    await refused('stop', { ids: [runningId, 7] }, 'ids.1');
    await refused('loadHistory', { status: 'Bogus' }, 'status');
    await refused('loadHistory', { startedAfter: 'yesterday' }, 'startedAfter');
    await refused('loadHistory', { packageName: 'another-package' }, 'packageName');
    const unknownMethod = await panel.host.answer('deleteEverything' as 'getDetails', {} as never);
    assert.deepEqual(unknownMethod, { ok: false, errors: [{ field: '', message: "unknown request 'deleteEverything'" }] });
    const gone = await panel.host.answer('getDetails', { id: 'no-such-execution' });
    assert.equal(gone.ok, false);
    if (!gone.ok) assert.match(gone.errors[0].message, /^Could not load the details of execution no-such-execution: /);
  });
});
