// The Schedules webview's extension side, against the local emulator the extension starts (free
// port per run): `flowgate.showSchedules` opens one panel per version, and the page's messages
// (webview/protocol/schedules.ts) go through the panel's own handler, reached through the
// extension's API (`panels.schedules(key)`, not a command) — live preview, create, a refused save with errors per field, edit,
// disable/enable, Run Now, delete. What the gateway holds is read back with core's GatewayClient.
// Uses its own package (`fg-schedules-test`) and leaves it unpublished.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScheduleBody } from '../../../src/core/api/types';
import type { GatewayClient } from '../../../src/core/client/gatewayClient';
import type { ExtensionToWebview, WebviewToExtension } from '../../../webview/protocol/schedules';
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
  let requestId = 1;

  /** Sends one page message through the panel's handler; answers what the panel sent back. */
  async function send<T extends ExtensionToWebview['type']>(message: WebviewToExtension, expect: T): Promise<Extract<ExtensionToWebview, { type: T }>> {
    const panel = api().panels.schedules(key);
    assert.ok(panel, `no Schedules panel is open for ${key}`);
    const answer = await panel.handle(message);
    assert.ok(answer, `no answer to ${message.type}`);
    assert.equal(answer.type, expect, `answer to ${message.type}: ${JSON.stringify(answer)}`);
    return answer as Extract<ExtensionToWebview, { type: T }>;
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

    const snap = await send({ type: 'ready' }, 'snapshot');
    assert.equal(snap.error, undefined, snap.error);
    assert.equal(snap.version?.published, true);
    const greet = snap.version?.flows.find((f) => f.id === FLOW);
    assert.ok(greet, `flows: ${JSON.stringify(snap.version?.flows.map((f) => f.id))}`);
    assert.deepEqual(Object.keys(greet.inputs).sort(), ['times', 'who']);
    assert.equal(greet.inputs.who.required, true);
    assert.deepEqual(snap.schedules, []);
  });

  test('preview: the expression in words, five runs in the time zone, notes; a bad expression names the field', async () => {
    const ok = await send({ type: 'preview', requestId: requestId++, expression: '0 30 2 * * 1', timezone: 'Europe/London' }, 'preview');
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    assert.ok(ok.result, 'no preview result');
    assert.ok(ok.result.description.length > 0, 'no description');
    assert.equal(ok.result.localTimes.length, 5);
    assert.equal(ok.result.nextRuns.length, 5);
    for (const t of ok.result.localTimes) assert.match(t, /^\d{4}-\d\d-\d\d 02:30:00$/, `local time ${t}`);
    for (const iso of ok.result.nextRuns) assert.equal(new Date(iso).getUTCDay(), 1, `${iso} is not a Monday in UTC`);

    const and = await send({ type: 'preview', requestId: requestId++, expression: '0 0 13 * 5', timezone: 'UTC' }, 'preview');
    assert.ok(and.result?.notes.some((n) => /AND/.test(n)), `notes: ${JSON.stringify(and.result?.notes)}`);

    const bad = await send({ type: 'preview', requestId: requestId++, expression: '61 * * * *', timezone: 'UTC' }, 'preview');
    assert.equal(bad.result, undefined);
    assert.ok(bad.errors?.length, 'no errors for a bad expression');
    assert.ok(bad.errors.every((e) => e.field === 'expression'), JSON.stringify(bad.errors));
    assert.match(bad.errors.map((e) => e.message).join(' '), /61|minute/i);

    const zone = await send({ type: 'preview', requestId: requestId++, expression: '* * * * *', timezone: 'Europe/Londn' }, 'preview');
    assert.equal(zone.errors?.[0]?.field, 'timezone');
    assert.match(zone.errors[0].message, /Europe\/London/);
  });

  test('save creates a schedule (refused saves name their fields), edit changes it', async () => {
    const refused = await send({ type: 'save', requestId: requestId++, body: body({ expression: '0 0 31 2 *', inputs: { times: 'two' } }) }, 'saved');
    assert.equal(refused.schedule, undefined);
    const fields = (refused.errors ?? []).map((e) => e.field).sort();
    assert.deepEqual(fields, ['expression', 'inputs.times', 'inputs.who'], JSON.stringify(refused.errors));
    assert.deepEqual(await listed(), [], 'a refused save created a schedule');

    const created = await send({ type: 'save', requestId: requestId++, body: body() }, 'saved');
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    assert.ok(created.schedule?.id);
    let all = await listed();
    assert.equal(all.length, 1);
    assert.equal(all[0].name, 'Morning greeting');
    assert.equal(all[0].timezone, 'Europe/London');
    assert.deepEqual(all[0].inputs, { who: 'world', times: 2 });
    assert.equal(all[0].enabled, true);
    assert.equal(all[0].nextRuns.length > 0, true, 'an enabled schedule of a published version has next runs');

    const clash = await send({ type: 'save', requestId: requestId++, body: body() }, 'saved');
    assert.equal(clash.errors?.[0]?.field, 'name', JSON.stringify(clash.errors));

    const edited = await send({ type: 'save', requestId: requestId++, id: created.schedule.id, body: body({ name: 'Evening greeting', expression: '0 0 18 1 1 *', timezone: 'America/New_York' }) }, 'saved');
    assert.equal(edited.errors, undefined, JSON.stringify(edited.errors));
    all = await listed();
    assert.equal(all.length, 1);
    assert.equal(all[0].id, created.schedule.id);
    assert.equal(all[0].name, 'Evening greeting');
    assert.equal(all[0].expression, '0 0 18 1 1 *');
    assert.equal(all[0].timezone, 'America/New_York');

    // The panel's next snapshot lists it.
    const snap = await send({ type: 'refresh' }, 'snapshot');
    assert.deepEqual(snap.schedules.map((s) => s.name), ['Evening greeting']);
  });

  test('disable and enable, Run Now (an execution initiated by the schedule), delete', async () => {
    const [s] = await listed();
    assert.ok(s, 'no schedule to act on');

    const disabled = await send({ type: 'action', requestId: requestId++, action: 'disable', id: s.id }, 'actionDone');
    assert.equal(disabled.error, undefined, disabled.error);
    let [now] = await listed();
    assert.equal(now.enabled, false);
    assert.deepEqual(now.nextRuns, [], 'a disabled schedule has no next runs');
    assert.equal(now.expression, s.expression, 'disabling changed the expression');
    assert.deepEqual(now.inputs, s.inputs, 'disabling changed the inputs');

    const enabled = await send({ type: 'action', requestId: requestId++, action: 'enable', id: s.id }, 'actionDone');
    assert.equal(enabled.error, undefined, enabled.error);
    [now] = await listed();
    assert.equal(now.enabled, true);

    const ran = await send({ type: 'action', requestId: requestId++, action: 'runNow', id: s.id }, 'actionDone');
    assert.equal(ran.error, undefined, ran.error);
    assert.ok(ran.executionId, 'Run Now answered no execution id');
    const execution = await waitFor('the execution to end', async () => {
      const e = await client.getExecution(ran.executionId!);
      return e.status === 'Ended' || e.status === 'Error' ? e : undefined;
    });
    assert.equal(execution.status, 'Ended');
    assert.deepEqual(execution.initiator, { type: 'schedule', id: s.id, name: 'Evening greeting' } as typeof execution.initiator);
    assert.deepEqual(execution.inputs, { who: 'world', times: 2 });
    [now] = await listed();
    assert.equal(now.history[0]?.outcome, 'started');
    assert.equal(now.history[0]?.executionId, ran.executionId);

    const deleted = await send({ type: 'action', requestId: requestId++, action: 'delete', id: s.id }, 'actionDone');
    assert.equal(deleted.error, undefined, deleted.error);
    assert.deepEqual(await listed(), []);
    const snap = await send({ type: 'refresh' }, 'snapshot');
    assert.deepEqual(snap.schedules, []);
  });

  test('unpublished: the snapshot says so and Run Now is refused with a message naming why', async () => {
    const created = await send({ type: 'save', requestId: requestId++, body: body({ name: 'While unpublished' }) }, 'saved');
    assert.ok(created.schedule, JSON.stringify(created.errors));
    await client.unpublish(PKG, 1);
    const snap = await send({ type: 'refresh' }, 'snapshot');
    assert.equal(snap.version?.published, false);
    assert.deepEqual(snap.schedules[0]?.nextRuns, [], 'an unpublished version shows next runs');
    const ran = await send({ type: 'action', requestId: requestId++, action: 'runNow', id: created.schedule.id }, 'actionDone');
    assert.equal(ran.executionId, undefined);
    assert.match(ran.error ?? '', /While unpublished.*not published/);
  });
});
