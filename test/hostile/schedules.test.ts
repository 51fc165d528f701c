/**
 * Hostile cron and time-zone input: a 300 KB time zone name (the closest-match over all zones took
 * 29 s), previews of rare and never-running expressions with count 50 (`59 59 23 31 12 5#5` took
 * ~20 s in a zone with daylight saving), expressions that only ever fall in a DST gap (node-cron's
 * walker spent ~10 s on each), huge expressions, and packages carrying 1,000 such schedules. Each
 * is answered (200 with the runs found and a note, or 400 naming the field) while /healthz answers
 * within a second; refusals leave the state as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { buildPackageFile } from '../../src/core/package/packageFile';
import type { EmulatorProcess } from '../support/emulatorProcess';
import { assertRefused, call, snapshot, startTarget, whileServing } from './harness';

const P = '/api/v1/packages/network-ops/versions/1';
const FLOW = 'network/core/Restart-Service';
const INPUTS = { device: '10.0.0.1' };
const PREVIEW = '/api/v1/cron/preview';

/** A package whose one flow has no inputs, with these schedules. */
async function packageWith(name: string, schedules: unknown[]): Promise<Uint8Array> {
  const { bytes } = await buildPackageFile({
    name,
    version: 1,
    createdBy: 'hostile-tests',
    definitions: [{ kind: 'flow', id: 'hostile/Tick', text: 'steps:\n  - kind: log\n    message: tick\n' }],
    schedules,
  });
  return bytes;
}

describe('hostile schedules and cron previews', () => {
  let gw: EmulatorProcess;
  let before0: unknown;

  before(async () => {
    gw = await startTarget();
    before0 = await snapshot(gw);
  });
  after(async () => {
    await gw?.stop();
  });

  async function refusedUnchanged(method: string, path: string, body: unknown, field: string, status = 400): Promise<string> {
    const res = await whileServing(gw, () => call(gw, method, path, body));
    assertRefused(res, status, field);
    assert.deepEqual(await snapshot(gw), before0, 'the state changed');
    return JSON.stringify(res.body);
  }

  test('a 300 KB time zone name is refused at once (preview, schedule create)', async () => {
    const zone = `Europe/${'L'.repeat(300 * 1024)}`;
    await refusedUnchanged('POST', PREVIEW, { expression: '0 3 * * *', timezone: zone, count: 50 }, 'timezone');
    await refusedUnchanged('POST', `${P}/schedules`, { name: 'tz', flow: FLOW, expression: '0 3 * * *', timezone: zone, inputs: INPUTS }, 'timezone');
    // A short typo still gets its suggestion.
    const typo = await call(gw, 'POST', PREVIEW, { expression: '0 3 * * *', timezone: 'Europe/Londn' });
    assertRefused(typo, 400, 'timezone');
    assert.match(JSON.stringify(typo.body), /Europe\/London/);
  });

  test('rare expressions with count 50 answer the runs within the horizon, with a note', async () => {
    for (const timezone of ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'UTC']) {
      const res = await whileServing(gw, () => call(gw, 'POST', PREVIEW, { expression: '59 59 23 31 12 5#5', timezone, count: 50 }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.nextRuns.length >= 2 && res.body.nextRuns.length < 50, `${timezone}: ${res.body.nextRuns.length} runs`);
      assert.ok(res.body.notes.some((n: string) => new RegExp(`No further run within ${LIMITS.cronHorizonYears} years`).test(n)), JSON.stringify(res.body.notes));
    }
    // Every second of a rare day: 50 runs at once.
    const dense = await whileServing(gw, () => call(gw, 'POST', PREVIEW, { expression: '* * * 29 2 *', timezone: 'Europe/London', count: 50 }));
    assert.equal(dense.status, 200, JSON.stringify(dense.body));
    assert.equal(dense.body.nextRuns.length, 50);
  });

  test('expressions that never run (impossible days, only in DST gaps) are 400 naming the expression', async () => {
    for (const [expression, timezone] of [
      ['* * 1 25-31 3 0', 'Europe/London'],
      ['*/7 30 2 8-14 3 0', 'America/New_York'],
      ['0 0 31 * 1#1', 'UTC'],
      ['0 0 1 * 1#2', 'UTC'],
    ]) {
      const body = await refusedUnchanged('POST', PREVIEW, { expression, timezone, count: 50 }, 'expression');
      assert.match(body, /never runs/);
      await refusedUnchanged('POST', `${P}/schedules`, { name: 'never', flow: FLOW, expression, timezone, inputs: INPUTS }, 'expression');
    }
  });

  test('huge expressions are refused before parsing', async () => {
    const huge = `${'0,'.repeat(50_000)}0 * * * *`;
    const body = await refusedUnchanged('POST', PREVIEW, { expression: huge, timezone: 'UTC', count: 50 }, 'expression');
    assert.doesNotMatch(body, /0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0/);
    const listy = `${Array.from({ length: 60 }, (_, i) => i).join(',')} ${Array.from({ length: 60 }, (_, i) => i).join(',')} * * * *`.repeat(6);
    await refusedUnchanged('POST', PREVIEW, { expression: listy, timezone: 'UTC' }, 'expression');
    await refusedUnchanged('POST', `${P}/schedules`, { name: 'huge', flow: FLOW, expression: huge, inputs: INPUTS }, 'expression');
  });

  test('a package with 1,000 schedules that never run is refused in bounded time, naming them', async () => {
    const schedules = Array.from({ length: LIMITS.schedulesPerVersion }, (_, i) => ({
      name: `gap-${i}`,
      flow: 'hostile/Tick',
      expression: `${i % 60} ${Math.floor(i / 60) % 60} 1 25-31 3 0`,
      timezone: 'Europe/London',
    }));
    const bytes = await packageWith('never-runs', schedules);
    const res = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', bytes));
    assertRefused(res, 400, 'manifest.schedules[0].expression');
    assert.ok(res.body.error.details.length <= 101, `${res.body.error.details.length} details`);
    assert.deepEqual(await snapshot(gw), before0, 'the state changed');
  });

  test('schedules are bounded per version and per gateway (413 quota-exceeded)', async () => {
    const existing = (await call(gw, 'GET', `${P}/schedules`)).body.schedules.length;
    const per = LIMITS.schedulesPerVersion;
    const statuses: number[] = [];
    await whileServing(gw, async () => {
      for (let k = 0; k < Math.ceil(LIMITS.schedulesPerGateway / per) + 1; k++) {
        const schedules = Array.from({ length: per }, (_, i) => ({ name: `q${i}`, flow: 'hostile/Tick', expression: `${i % 60} 3 * * *` }));
        const res = await call(gw, 'POST', '/api/v1/packages', await packageWith(`quota-${k}`, schedules));
        statuses.push(res.status);
        if (res.status !== 201) assertRefused(res, 413, 'manifest.schedules', 'quota-exceeded');
      }
    });
    assert.equal(statuses.filter((x) => x === 201).length, Math.floor((LIMITS.schedulesPerGateway - existing) / per), statuses.join(','));
    assert.ok(statuses.filter((x) => x === 413).length >= 1, statuses.join(','));
    const full = await call(gw, 'POST', '/api/v1/packages/quota-0/versions/1/schedules', { name: 'one-more', flow: 'hostile/Tick', expression: '0 4 * * *' });
    assertRefused(full, 413, 'body', 'quota-exceeded');
    for (let k = 0; k < statuses.length; k++) {
      if (statuses[k] === 201) assert.equal((await call(gw, 'DELETE', `/api/v1/packages/quota-${k}`)).status < 300, true);
    }
  });

  test('1,000 rare schedules published: the scheduler and the schedule list stay responsive', async () => {
    const schedules = Array.from({ length: LIMITS.schedulesPerVersion }, (_, i) => ({
      name: `rare-${i}`,
      flow: 'hostile/Tick',
      expression: `${i % 60} ${Math.floor(i / 60) % 60} 23 31 12 5#5`,
      timezone: ['Europe/London', 'America/New_York', 'UTC', 'Asia/Kolkata'][i % 4],
    }));
    const base = '/api/v1/packages/rare/versions/1';
    await whileServing(gw, async () => {
      const up = await call(gw, 'POST', '/api/v1/packages', await packageWith('rare', schedules));
      assert.equal(up.status, 201, JSON.stringify(up.body).slice(0, 500));
      const pub = await call(gw, 'POST', `${base}/publish`);
      assert.equal(pub.status, 200, JSON.stringify(pub.body).slice(0, 500));
      const list = await call(gw, 'GET', `${base}/schedules`);
      assert.equal(list.status, 200);
      assert.equal(list.body.schedules.length, LIMITS.schedulesPerVersion);
      for (const s of list.body.schedules.slice(0, 8)) {
        assert.ok(s.nextRuns.length >= 1, JSON.stringify(s).slice(0, 300));
        assert.ok(s.nextRuns.every((r: string) => r.slice(5, 10) === '12-31' || r.slice(5, 10) === '01-01'), JSON.stringify(s.nextRuns));
      }
      const unpub = await call(gw, 'POST', `${base}/unpublish`);
      assert.equal(unpub.status, 200);
    });
    assert.equal(gw.process.exitCode, null);
  });
});
