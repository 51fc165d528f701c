/**
 * Schedules against a real emulator process with the real clock: they fire (and with what
 * inputs), not how precisely. Absence of firing is observed for about 3 seconds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildPackageFile } from '../../src/core/package/packageFile';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call, waitFor, type CallTarget } from './helpers';

const GREET = `inputs:
  who:
    type: string
  times:
    type: integer
    default: 1
outputs:
  greeting:
    type: string
steps:
  - kind: set
    values:
      greeting: "= 'hello ' & who"
`;

async function pkg(name: string, version: number, schedules?: unknown[]): Promise<Uint8Array> {
  const { bytes } = await buildPackageFile({
    name,
    version,
    createdBy: 'flowgate-tests/0.1.0',
    definitions: [{ kind: 'flow', id: 't/Greet', text: GREET }],
    ...(schedules ? { schedules } : {}),
  });
  return bytes;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const base = (name: string, v = 1) => `/api/v1/packages/${name}/versions/${v}/schedules`;

/** Executions a schedule started (by id), oldest first. */
async function firings(url: CallTarget, packageName: string, scheduleId: string): Promise<any[]> {
  const r = await call(url, 'GET', `/api/v1/executions?packageName=${packageName}`);
  assert.equal(r.status, 200);
  return (r.body.executions as any[])
    .filter((e) => e.initiator?.type === 'schedule' && e.initiator.id === scheduleId)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

async function waitForFiring(url: CallTarget, packageName: string, scheduleId: string, accept: (detail: any) => boolean = () => true, seen = new Set<string>()): Promise<any> {
  return waitFor(
    async () => {
      for (const e of await firings(url, packageName, scheduleId)) {
        if (seen.has(e.id)) continue;
        const d = (await call(url, 'GET', `/api/v1/executions/${e.id}`)).body;
        if (accept(d)) return d;
      }
      return undefined;
    },
    10_000,
    `a firing of schedule ${scheduleId}`,
  );
}

describe('schedules (API, real clock)', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startEmulatorProcess();
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await pkg('sched', 1))).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/sched/versions/1/publish')).status, 200);
  });
  after(async () => {
    await gw?.stop();
  });

  let tickId = '';

  test('an every-second schedule of a published version fires with initiator schedule and its inputs', async () => {
    const r = await call(gw, 'POST', base('sched'), { name: 'tick', flow: 't/Greet', expression: '*/1 * * * * *', inputs: { who: 'cron' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    tickId = r.body.id;
    assert.ok(tickId);
    assert.equal(r.body.type, 'CRON');
    assert.equal(r.body.timezone, 'UTC');
    assert.equal(r.body.enabled, true);
    assert.equal(r.body.nextRuns.length, 5);
    const d = await waitForFiring(gw, 'sched', tickId);
    assert.deepEqual(d.initiator, { type: 'schedule', name: 'tick', id: tickId });
    assert.deepEqual(d.inputs, { who: 'cron', times: 1 });
    assert.equal(d.flow, 't/Greet');
    const ended = await waitFor(async () => {
      const x = (await call(gw, 'GET', `/api/v1/executions/${d.id}`)).body;
      return x.status === 'Ended' ? x : undefined;
    });
    assert.deepEqual(ended.outputs, { greeting: 'hello cron' });
    const s = await waitFor(async () => {
      const x = (await call(gw, 'GET', `${base('sched')}/${tickId}`)).body;
      return x.history.some((h: any) => h.outcome === 'started' && h.executionId) ? x : undefined;
    });
    assert.ok(s.history.length >= 1);
  });

  test('an edit changes the inputs of the next firing', async () => {
    const before = new Set((await firings(gw, 'sched', tickId)).map((e) => e.id));
    const r = await call(gw, 'PUT', `${base('sched')}/${tickId}`, { name: 'tick', flow: 't/Greet', expression: '*/1 * * * * *', inputs: { who: 'edited', times: 3 } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.id, tickId);
    const d = await waitForFiring(gw, 'sched', tickId, (x) => x.inputs.who === 'edited', before);
    assert.deepEqual(d.inputs, { who: 'edited', times: 3 });
  });

  test('a disabled schedule does not fire; run now still works and names the schedule', async () => {
    const r = await call(gw, 'PUT', `${base('sched')}/${tickId}`, { name: 'tick', flow: 't/Greet', expression: '*/1 * * * * *', inputs: { who: 'off' }, enabled: false });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.nextRuns, []);
    const count = (await firings(gw, 'sched', tickId)).length;
    await sleep(3000);
    assert.equal((await firings(gw, 'sched', tickId)).length, count, 'a disabled schedule fired');

    const run = await call(gw, 'POST', `${base('sched')}/${tickId}/run`);
    assert.equal(run.status, 202, JSON.stringify(run.body));
    assert.equal(run.body.packageName, 'sched');
    assert.equal(run.body.packageVersion, 1);
    const d = (await call(gw, 'GET', `/api/v1/executions/${run.body.executionId}`)).body;
    assert.deepEqual(d.initiator, { type: 'schedule', name: 'tick', id: tickId });
    assert.equal(d.inputs.who, 'off');
  });

  test('schedules of an unpublished version do not fire and cannot be run now; republishing resumes them', async () => {
    assert.equal((await call(gw, 'PUT', `${base('sched')}/${tickId}`, { name: 'tick', flow: 't/Greet', expression: '*/1 * * * * *', inputs: { who: 'again' } })).status, 200);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/sched/versions/1/unpublish')).status, 200);
    const count = (await firings(gw, 'sched', tickId)).length;
    const s = (await call(gw, 'GET', `${base('sched')}/${tickId}`)).body;
    assert.deepEqual(s.nextRuns, []);
    await sleep(3000);
    assert.equal((await firings(gw, 'sched', tickId)).length, count, 'an unpublished schedule fired');
    const run = await call(gw, 'POST', `${base('sched')}/${tickId}/run`);
    assert.equal(run.status, 409);
    assert.equal(run.body.error.code, 'not-published');
    assert.match(run.body.error.message, /not published/);

    const seen = new Set((await firings(gw, 'sched', tickId)).map((e) => e.id));
    assert.equal((await call(gw, 'POST', '/api/v1/packages/sched/versions/1/publish')).status, 200);
    const d = await waitForFiring(gw, 'sched', tickId, () => true, seen);
    assert.equal(d.inputs.who, 'again');
  });

  test('delete stops a schedule', async () => {
    const del = await call(gw, 'DELETE', `${base('sched')}/${tickId}`);
    assert.equal(del.status, 204);
    const count = (await firings(gw, 'sched', tickId)).length;
    await sleep(3000);
    assert.equal((await firings(gw, 'sched', tickId)).length, count, 'a deleted schedule fired');
    assert.equal((await call(gw, 'GET', `${base('sched')}/${tickId}`)).status, 404);
    assert.equal((await call(gw, 'GET', base('sched'))).body.schedules.length, 0);
  });

  test('invalid bodies are refused with 400 naming each field', async () => {
    const r = await call(gw, 'POST', base('sched'), { name: '', flow: 'nope/Flow', type: 'INTERVAL', expression: '61 * * * *', timezone: 'Europe/Lundon', enabeld: true });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'bad-request');
    const fields = r.body.error.details.map((d: any) => d.field).sort();
    assert.deepEqual(fields, ['enabeld', 'expression', 'flow', 'name', 'timezone', 'type']);
    const byField = Object.fromEntries(r.body.error.details.map((d: any) => [d.field, d.message]));
    assert.match(byField.expression, /minute field '61'/);
    assert.match(byField.timezone, /Europe\/London/);
    assert.match(byField.flow, /t\/Greet/);

    const inputs = await call(gw, 'POST', base('sched'), { name: 'x', flow: 't/Greet', expression: '* * * * *', inputs: { times: 'many', bogus: 1 } });
    assert.equal(inputs.status, 400);
    assert.deepEqual(inputs.body.error.details.map((d: any) => d.field).sort(), ['inputs.bogus', 'inputs.times', 'inputs.who']);

    const fields5 = await call(gw, 'POST', base('sched'), { name: 'x', flow: 't/Greet', expression: '* * *', inputs: { who: 'a' } });
    assert.equal(fields5.status, 400);
    assert.match(fields5.body.error.details[0].message, /expected 5 .* or 6/);

    const never = await call(gw, 'POST', base('sched'), { name: 'x', flow: 't/Greet', expression: '0 0 31 * 1#1', inputs: { who: 'a' } });
    assert.equal(never.status, 400);
    assert.match(never.body.error.details[0].message, /never runs/);

    assert.equal((await call(gw, 'POST', base('sched'), 'not json{', { 'content-type': 'application/json' })).status, 400);
    assert.equal((await call(gw, 'POST', base('sched'), 'not json{')).status, 415, 'a body that is not sent as JSON is refused');
    assert.equal((await call(gw, 'POST', base('nope'), { name: 'x' })).status, 404);

    const ok = await call(gw, 'POST', base('sched'), { name: 'dup', flow: 't/Greet', expression: '0 0 * * *', inputs: { who: 'a' } });
    assert.equal(ok.status, 201);
    const dup = await call(gw, 'POST', base('sched'), { name: 'dup', flow: 't/Greet', expression: '0 0 * * *', inputs: { who: 'a' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.details[0].field, 'name');
    assert.equal((await call(gw, 'DELETE', `${base('sched')}/${ok.body.id}`)).status, 204);
  });

  test('POST /api/v1/cron/preview: next runs, local times, words and notes; 400 naming fields', async () => {
    const r = await call(gw, 'POST', '/api/v1/cron/preview', { expression: '0 0 13 * 5', timezone: 'Europe/London', count: 3 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.nextRuns.length, 3);
    assert.equal(r.body.localTimes.length, 3);
    for (const t of r.body.localTimes) assert.match(t, /^\d{4}-\d{2}-13 00:00:00$/);
    assert.match(r.body.description, /match both/);
    assert.ok(r.body.notes.some((n: string) => /AND/.test(n)));
    const bad = await call(gw, 'POST', '/api/v1/cron/preview', { expression: '* * 32 * *', timezone: 'Nowhere/City', count: 0 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.map((d: any) => d.field).sort(), ['count', 'expression', 'timezone']);
    const defaults = await call(gw, 'POST', '/api/v1/cron/preview', { expression: '*/5 * * * *' });
    assert.equal(defaults.body.nextRuns.length, 5);
    assert.equal(defaults.body.description, 'every 5 minutes');
  });

  test('schedules of an uploaded package file appear with ids and defaults; invalid ones refuse the upload', async () => {
    const file = await pkg('withsched', 1, [
      { name: 'nightly', flow: 't/Greet', expression: '0 30 2 * * 1', timezone: 'Europe/London', inputs: { who: 'pkg' } },
      { name: 'hourly', flow: 't/Greet', type: 'CRON', expression: '@hourly', inputs: { who: 'h' }, enabled: false, description: 'off' },
    ]);
    assert.equal((await call(gw, 'POST', '/api/v1/packages', file)).status, 201);
    const list = (await call(gw, 'GET', base('withsched'))).body.schedules;
    assert.equal(list.length, 2);
    const nightly = list.find((s: any) => s.name === 'nightly');
    assert.ok(nightly.id);
    assert.equal(nightly.type, 'CRON');
    assert.equal(nightly.enabled, true);
    assert.equal(nightly.timezone, 'Europe/London');
    assert.deepEqual(nightly.inputs, { who: 'pkg' });
    assert.deepEqual(nightly.nextRuns, [], 'unpublished: no next runs');
    assert.equal(list.find((s: any) => s.name === 'hourly').timezone, 'UTC');
    assert.equal((await call(gw, 'POST', '/api/v1/packages/withsched/versions/1/publish')).status, 200);
    const published = (await call(gw, 'GET', `${base('withsched')}/${nightly.id}`)).body;
    assert.equal(published.nextRuns.length, 5);
    for (const t of published.nextRuns) assert.ok([1, 2].includes(new Date(t).getUTCHours()) && new Date(t).getUTCMinutes() === 30);

    const bad = await pkg('badsched', 1, [{ name: 'ok', flow: 't/Greet', expression: '0 * * * *', inputs: { who: 'x' } }, { name: 'b', flow: 't/Nope', expression: '0 0 * *' }]);
    const r = await call(gw, 'POST', '/api/v1/packages', bad);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'invalid-package-file');
    const fields = r.body.error.details.map((d: any) => d.field).sort();
    assert.deepEqual(fields, ['manifest.schedules[1].expression', 'manifest.schedules[1].flow']);
    assert.equal((await call(gw, 'GET', '/api/v1/packages/badsched')).status, 404);
  });

  test('a new version inherits the schedules; they fire for it once it is published', async () => {
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await pkg('inherit', 1))).status, 201);
    const created = await call(gw, 'POST', base('inherit'), { name: 'pulse', flow: 't/Greet', expression: '* * * * * *', inputs: { who: 'v2' }, enabled: true });
    assert.equal(created.status, 201);
    const nv = await call(gw, 'POST', '/api/v1/packages/inherit/versions/1/new-version', {});
    assert.ok(nv.status === 200 || nv.status === 201, JSON.stringify(nv.body));
    const list = (await call(gw, 'GET', base('inherit', 2))).body.schedules;
    assert.equal(list.length, 1);
    assert.equal(list[0].name, 'pulse');
    assert.deepEqual(list[0].nextRuns, [], 'version 2 is not published yet');
    assert.equal((await call(gw, 'POST', '/api/v1/packages/inherit/versions/2/publish')).status, 200);
    const d = await waitForFiring(gw, 'inherit', list[0].id);
    assert.equal(d.packageVersion, 2);
    assert.deepEqual(d.inputs, { who: 'v2', times: 1 });
    assert.equal((await firings(gw, 'inherit', created.body.id)).length, 0, 'version 1 is not published: its schedule never fired');
  });

  test('the OpenAPI document lists the schedule routes', async () => {
    const doc = (await call(gw, 'GET', '/api/openapi.json')).body;
    for (const p of [
      '/api/v1/packages/{name}/versions/{version}/schedules',
      '/api/v1/packages/{name}/versions/{version}/schedules/{id}',
      '/api/v1/packages/{name}/versions/{version}/schedules/{id}/run',
      '/api/v1/cron/preview',
    ]) {
      assert.ok(doc.paths[p], `missing ${p}`);
    }
    assert.ok(doc.components.schemas.ScheduleResponse);
    assert.ok(doc.components.schemas.CronPreviewResponse);
  });

  test('schedules sharing an expression fire each with its own inputs; disabling one leaves the others firing', async () => {
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await pkg('sgroup', 1))).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/sgroup/versions/1/publish')).status, 200);
    const create = async (name: string, expression: string, who: string) => {
      const r = await call(gw, 'POST', base('sgroup'), { name, flow: 't/Greet', expression, inputs: { who } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    const a = await create('a', '* * * * * *', 'a');
    const b = await create('b', '* * * * * *', 'b');
    const c = await create('c', '*/1 * * * * *', 'c');
    for (const [id, who] of [[a, 'a'], [b, 'b'], [c, 'c']]) {
      const d = await waitForFiring(gw, 'sgroup', id);
      assert.deepEqual(d.initiator, { type: 'schedule', name: who, id });
      assert.equal(d.inputs.who, who);
    }
    assert.equal((await call(gw, 'PUT', `${base('sgroup')}/${a}`, { name: 'a', flow: 't/Greet', expression: '* * * * * *', inputs: { who: 'a' }, enabled: false })).status, 200);
    const countA = (await firings(gw, 'sgroup', a)).length;
    const seenB = new Set((await firings(gw, 'sgroup', b)).map((e) => e.id));
    await sleep(2500);
    assert.equal((await firings(gw, 'sgroup', a)).length, countA, 'a disabled schedule of a shared expression fired');
    assert.equal((await waitForFiring(gw, 'sgroup', b, () => true, seenB)).inputs.who, 'b');
    const hist = (await call(gw, 'GET', `${base('sgroup')}/${b}`)).body.history as any[];
    assert.ok(hist.every((h) => h.outcome === 'started'), JSON.stringify(hist));
    assert.equal((await call(gw, 'POST', '/api/v1/packages/sgroup/versions/1/unpublish')).status, 200);
  });
});

describe('schedules survive a restart', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-sched-restart-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a restarted process keeps its schedules and their history, and they fire again', async () => {
    const first = await startEmulatorProcess({ dataDir });
    let id = '';
    let seen = new Set<string>();
    try {
      assert.equal((await call(first, 'POST', '/api/v1/packages', await pkg('keep', 1))).status, 201);
      assert.equal((await call(first, 'POST', '/api/v1/packages/keep/versions/1/publish')).status, 200);
      const r = await call(first, 'POST', base('keep'), { name: 'beat', flow: 't/Greet', expression: '* * * * * *', inputs: { who: 'before' } });
      assert.equal(r.status, 201);
      id = r.body.id;
      await waitForFiring(first, 'keep', id);
      const edited = await call(first, 'PUT', `${base('keep')}/${id}`, { name: 'beat', flow: 't/Greet', expression: '* * * * * *', inputs: { who: 'after' } });
      assert.equal(edited.status, 200);
      seen = new Set((await firings(first, 'keep', id)).map((e) => e.id));
    } finally {
      assert.equal(await first.stop(), 0);
    }
    const second = await startEmulatorProcess({ dataDir });
    try {
      const s = (await call(second, 'GET', `${base('keep')}/${id}`)).body;
      assert.equal(s.name, 'beat');
      assert.deepEqual(s.inputs, { who: 'after' });
      assert.ok(s.history.some((h: any) => h.outcome === 'started'), 'history kept across the restart');
      const d = await waitForFiring(second, 'keep', id, (x) => x.inputs.who === 'after', seen);
      assert.deepEqual(d.initiator, { type: 'schedule', name: 'beat', id });
    } finally {
      assert.equal(await second.stop(), 0);
    }
  });
});
