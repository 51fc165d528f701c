// The Schedules webview's extension side, against the local emulator the extension starts (free
// port per run): `flowgate.showSchedules` opens one panel per version, and the page's requests
// (webview/protocol/schedules.ts) go through the panel's host (`host.answer(method, params)`, the
// one dispatcher's handler per method), reached through the extension's API
// (`panels.schedules(key)`, not a command) — live preview, create, a refused save with errors per
// field, edit, disable/enable, Run Now, opening its execution, delete, params the host refuses.
// What the gateway holds is read back with core's GatewayClient.
// Uses its own package (`fg-schedules-test`) and leaves it unpublished.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ApiErrorDetail, ScheduleBody } from '../../../src/core/api/types';
import type { GatewayClient } from '../../../src/core/client/gatewayClient';
import type { SchedulesRequests } from '../../../webview/protocol/schedules';
import { api, publishTestPackage, startTestGateway, stopTestGateway, versionNode, waitFor } from './helpers';

const PKG = 'fg-schedules-test';
const FLOW = 'tests/sched/Greet';
const GREET = `description: Greets someone a number of times.
inputs:
  who:
    type: string
    required: true
    description: whom to greet
  times:
    type: integer
    default: 1
steps:
  - kind: log
    message: "= 'hello ' & who & ' x' & $string(times)"
`;
/** Once a year: never fires while the tests run. */
const YEARLY = '0 0 1 1 *';

suite('schedules webview', () => {
  let url: string;
  let client: GatewayClient;
  let key: string;

  type Method = keyof SchedulesRequests;
  /** Runs one page request through the panel's host; its reply. */
  async function answer<K extends Method>(method: K, params: SchedulesRequests[K]['params']) {
    const panel = api().panels.schedules(key);
    assert.ok(panel, `no Schedules panel is open for ${key}`);
    return panel.host.answer(method, params);
  }
  /** A request that must succeed: its result. */
  async function ok<K extends Method>(method: K, params: SchedulesRequests[K]['params']): Promise<SchedulesRequests[K]['result']> {
    const reply = await answer(method, params);
    assert.ok(reply.ok, `${method} was refused: ${JSON.stringify(reply)}`);
    return reply.result;
  }
  /** A request that must be refused: its errors. */
  async function refused<K extends Method>(method: K, params: SchedulesRequests[K]['params']): Promise<ApiErrorDetail[]> {
    const reply = await answer(method, params);
    assert.equal(reply.ok, false, `${method} answered ${JSON.stringify(reply)}`);
    return reply.ok ? [] : reply.errors;
  }

  const body = (patch: Partial<ScheduleBody> = {}): ScheduleBody => ({
    name: 'Morning greeting',
    description: 'Says hello every year',
    flow: FLOW,
    type: 'CRON',
    expression: YEARLY,
    timezone: 'Europe/London',
    inputs: { who: 'world', times: 2 },
    enabled: true,
    ...patch,
  });

  const listed = async () => (await client.listSchedules(PKG, 1)).schedules;

  suiteSetup(async () => {
    ({ url, client } = await startTestGateway());
    await publishTestPackage(client, PKG, { [FLOW]: GREET });
    for (const s of await listed()) await client.deleteSchedule(PKG, 1, s.id);
  });

  suiteTeardown(async () => {
    try {
      for (const s of await listed()) await client.deleteSchedule(PKG, 1, s.id);
      await client.unpublish(PKG, 1);
    } catch {
      /* not there */
    }
    await stopTestGateway();
  });

  test('Show Schedules opens one panel per version, with the version and its (no) schedules', async () => {
    const tabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === `Schedules: ${PKG} v1`);
    const shown = await vscode.commands.executeCommand<{ key: string; scope: { packageName: string; packageVersion: number; gatewayUrl: string } }>(
      'flowgate.showSchedules',
      versionNode(url, PKG, 1, true),
    );
    assert.ok(shown, 'showSchedules returned nothing (it failed)');
    assert.equal(shown.scope.packageName, PKG);
    assert.equal(shown.scope.packageVersion, 1);
    assert.equal(shown.scope.gatewayUrl, url);
    key = shown.key;
    await waitFor('the panel tab', () => tabs().length === 1);
    const again = await vscode.commands.executeCommand<{ key: string }>('flowgate.showSchedules', { gatewayUrl: url, packageName: PKG, version: 1 });
    assert.equal(again?.key, key);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(tabs().length, 1, 'a second panel was opened for the same version');

    const snap = await ok('reload', {});
    assert.equal(snap.error, undefined, snap.error);
    assert.equal(snap.version?.published, true);
    const greet = snap.version?.flows.find((f) => f.id === FLOW);
    assert.ok(greet, `flows: ${JSON.stringify(snap.version?.flows.map((f) => f.id))}`);
    assert.deepEqual(Object.keys(greet.inputs).sort(), ['times', 'who']);
    assert.equal(greet.inputs.who.required, true);
    assert.deepEqual(snap.schedules, []);
  });

  test('preview: the expression in words, five runs in the time zone, notes; a bad expression names the field', async () => {
    const result = await ok('preview', { expression: '0 30 2 * * 1', timezone: 'Europe/London' });
    assert.ok(result, 'no preview result');
    assert.ok(result.description.length > 0, 'no description');
    assert.equal(result.localTimes.length, 5);
    assert.equal(result.nextRuns.length, 5);
    for (const t of result.localTimes) assert.match(t, /^\d{4}-\d\d-\d\d 02:30:00$/, `local time ${t}`);
    for (const iso of result.nextRuns) assert.equal(new Date(iso).getUTCDay(), 1, `${iso} is not a Monday in UTC`);

    const and = await ok('preview', { expression: '0 0 13 * 5', timezone: 'UTC' });
    assert.ok(and.notes.some((n) => /AND/.test(n)), `notes: ${JSON.stringify(and.notes)}`);

    const bad = await refused('preview', { expression: '61 * * * *', timezone: 'UTC' });
    assert.ok(bad.length, 'no errors for a bad expression');
    assert.ok(bad.every((e) => e.field === 'expression'), JSON.stringify(bad));
    assert.match(bad.map((e) => e.message).join(' '), /61|minute/i);

    const zone = await refused('preview', { expression: '* * * * *', timezone: 'Europe/Londn' });
    assert.equal(zone[0]?.field, 'timezone');
    assert.match(zone[0].message, /Europe\/London/);
  });

  test('save creates a schedule (refused saves name their fields), edit changes it', async () => {
    const errors = await refused('save', { body: body({ expression: '0 0 31 2 *', inputs: { times: 'two' } }) });
    const fields = errors.map((e) => e.field).sort();
    assert.deepEqual(fields, ['expression', 'inputs.times', 'inputs.who'], JSON.stringify(errors));
    assert.deepEqual(await listed(), [], 'a refused save created a schedule');

    const created = await ok('save', { body: body() });
    assert.ok(created.id);
    let all = await listed();
    assert.equal(all.length, 1);
    assert.equal(all[0].name, 'Morning greeting');
    assert.equal(all[0].timezone, 'Europe/London');
    assert.deepEqual(all[0].inputs, { who: 'world', times: 2 });
    assert.equal(all[0].enabled, true);
    assert.equal(all[0].nextRuns.length > 0, true, 'an enabled schedule of a published version has next runs');

    const clash = await refused('save', { body: body() });
    assert.equal(clash[0]?.field, 'name', JSON.stringify(clash));

    const edited = await ok('save', { id: created.id, body: body({ name: 'Evening greeting', expression: '0 0 18 1 1 *', timezone: 'America/New_York' }) });
    assert.equal(edited.name, 'Evening greeting');
    all = await listed();
    assert.equal(all.length, 1);
    assert.equal(all[0].id, created.id);
    assert.equal(all[0].name, 'Evening greeting');
    assert.equal(all[0].expression, '0 0 18 1 1 *');
    assert.equal(all[0].timezone, 'America/New_York');

    // The panel's next snapshot lists it.
    const snap = await ok('reload', {});
    assert.deepEqual(snap.schedules.map((s) => s.name), ['Evening greeting']);
  });

  test('disable and enable, Run Now (an execution initiated by the schedule), opening that execution, delete', async () => {
    const [s] = await listed();
    assert.ok(s, 'no schedule to act on');

    const disabled = await ok('setEnabled', { id: s.id, enabled: false });
    assert.equal(disabled.enabled, false);
    let [now] = await listed();
    assert.equal(now.enabled, false);
    assert.deepEqual(now.nextRuns, [], 'a disabled schedule has no next runs');
    assert.equal(now.expression, s.expression, 'disabling changed the expression');
    assert.deepEqual(now.inputs, s.inputs, 'disabling changed the inputs');

    const enabled = await ok('setEnabled', { id: s.id, enabled: true });
    assert.equal(enabled.enabled, true);
    [now] = await listed();
    assert.equal(now.enabled, true);

    const ran = await ok('runNow', { id: s.id });
    assert.ok(ran.executionId, 'Run Now answered no execution id');
    const execution = await waitFor('the execution to end', async () => {
      const e = await client.getExecution(ran.executionId);
      return e.status === 'Ended' || e.status === 'Error' ? e : undefined;
    });
    assert.equal(execution.status, 'Ended');
    assert.deepEqual(execution.initiator, { type: 'schedule', id: s.id, name: 'Evening greeting' } as typeof execution.initiator);
    assert.deepEqual(execution.inputs, { who: 'world', times: 2 });
    [now] = await listed();
    assert.equal(now.history[0]?.outcome, 'started');
    assert.equal(now.history[0]?.executionId, ran.executionId);

    // The execution id opens the version's Running Executions page (which shows that execution).
    assert.equal(await ok('openExecution', { id: ran.executionId }), null);
    const executionsTab = `Executions: ${PKG} v1`;
    await waitFor(`the ${executionsTab} tab to be active`, () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputWebview && tab.label === executionsTab;
    });
    await vscode.commands.executeCommand('flowgate.showSchedules', { gatewayUrl: url, packageName: PKG, version: 1 });

    const deleted = await ok('delete', { id: s.id });
    assert.equal(deleted.id, s.id);
    assert.deepEqual(await listed(), []);
    const snap = await ok('reload', {});
    assert.deepEqual(snap.schedules, []);
  });

  test('the host refuses params the page has no business sending, naming the field, before any gateway call', async () => {
    const untyped = answer as (method: string, params: unknown) => ReturnType<typeof answer>;
    const refusedRaw = async (method: string, params: unknown) => {
      const reply = await untyped(method, params);
      assert.equal(reply.ok, false, `${method} ${JSON.stringify(params)} answered ${JSON.stringify(reply)}`);
      return reply.ok ? [] : reply.errors;
    };
    assert.deepEqual((await refusedRaw('save', { body: 'a schedule' })).map((e) => e.field), ['']);
    assert.deepEqual((await refusedRaw('save', { body: { ...body(), name: 7, enabled: 'yes' } })).map((e) => e.field).sort(), ['enabled', 'name']);
    assert.deepEqual((await refusedRaw('setEnabled', { id: 5, enabled: true })).map((e) => e.field), ['id']);
    assert.deepEqual((await refusedRaw('setEnabled', { id: 'x', enabled: 'no' })).map((e) => e.field), ['enabled']);
    assert.deepEqual((await refusedRaw('runNow', { id: 'x'.repeat(5000) })).map((e) => e.field), ['id']);
    assert.deepEqual((await refusedRaw('openExecution', { id: 'a\nb' })).map((e) => e.field), ['id']);
    assert.deepEqual((await refusedRaw('preview', { expression: ['* * * * *'] })).map((e) => e.field), ['expression']);
    assert.deepEqual((await refusedRaw('preview', { expression: '  ' })).map((e) => e.field), ['expression']);
    assert.deepEqual((await refusedRaw('delete', null)).map((e) => e.field), ['']);
    assert.match((await refusedRaw('handle', {}))[0]?.message ?? '', /unknown request 'handle'/);
    assert.deepEqual(await listed(), [], 'a refused request changed the gateway');
  });

  test('unpublished: the snapshot says so and Run Now is refused with a message naming why', async () => {
    const created = await ok('save', { body: body({ name: 'While unpublished' }) });
    assert.ok(created.id);
    await client.unpublish(PKG, 1);
    const snap = await ok('reload', {});
    assert.equal(snap.version?.published, false);
    assert.deepEqual(snap.schedules[0]?.nextRuns, [], 'an unpublished version shows next runs');
    const ran = await refused('runNow', { id: created.id });
    assert.match(ran.map((e) => e.message).join('; '), /While unpublished.*not published/);
  });
});
