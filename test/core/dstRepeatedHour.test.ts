/**
 * The repeated hour of an autumn daylight-saving change: a wall-clock time that happens twice runs
 * once, at its FIRST occurrence, in every zone — east of UTC (London, Lord Howe's 30-minute shift)
 * as west of it (New York) — in the preview and in the scheduler's node-cron tasks alike, and the
 * preview's "happens twice" note appears whenever a shown run falls in a repeated hour, even the
 * last one shown.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import nodeCron = require('node-cron');
import { boundTaskSearch, cronNextRuns } from '../../src/core/schedules/cron';
import { previewCron } from '../../src/core/schedules/preview';

const H = 3600_000;

/** The scheduler's view: a node-cron task whose search is bounded the way the scheduler bounds it. */
function schedulerRuns(expression: string, zone: string, from: string, count: number): string[] {
  const task = nodeCron.createTask(expression, () => undefined, { timezone: zone });
  void task.destroy();
  boundTaskSearch(task, expression, zone);
  const matcher = (task as unknown as { timeMatcher: { getNextMatch(d: Date): Date } }).timeMatcher;
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i++) {
    at = matcher.getNextMatch(at);
    out.push(at.toISOString());
  }
  return out;
}

const CASES = [
  {
    zone: 'Europe/London',
    // Sunday 2027-10-31: 02:00 BST (01:00 UTC) → 01:00 GMT; 01:00–02:00 happens twice.
    from: '2027-10-30T22:00:00Z',
    hourly: ['2027-10-30T22:30:00.000Z', '2027-10-30T23:30:00.000Z', '2027-10-31T00:30:00.000Z', '2027-10-31T02:30:00.000Z', '2027-10-31T03:30:00.000Z'],
    once: { expression: '30 1 31 10 *', first: '2027-10-31T00:30:00.000Z', second: '2027-10-31T01:30:00.000Z', date: '2027-10-31', back: 'go back from 02:00 to 01:00' },
  },
  {
    zone: 'America/New_York',
    // Sunday 2027-11-07: 02:00 EDT (06:00 UTC) → 01:00 EST.
    from: '2027-11-07T02:00:00Z',
    hourly: ['2027-11-07T02:30:00.000Z', '2027-11-07T03:30:00.000Z', '2027-11-07T04:30:00.000Z', '2027-11-07T05:30:00.000Z', '2027-11-07T07:30:00.000Z'],
    once: { expression: '30 1 7 11 *', first: '2027-11-07T05:30:00.000Z', second: '2027-11-07T06:30:00.000Z', date: '2027-11-07', back: 'go back from 02:00 to 01:00' },
  },
  {
    zone: 'Australia/Lord_Howe',
    // Sunday 2027-04-04: 02:00 (+11, 15:00 UTC the day before) → 01:30 (+10:30); 01:30–02:00 happens twice.
    from: '2027-04-03T13:00:00Z',
    hourly: ['2027-04-03T13:45:00.000Z', '2027-04-03T14:45:00.000Z', '2027-04-03T16:15:00.000Z', '2027-04-03T17:15:00.000Z', '2027-04-03T18:15:00.000Z'],
    once: { expression: '45 1 4 4 *', first: '2027-04-03T14:45:00.000Z', second: '2027-04-03T15:15:00.000Z', date: '2027-04-04', back: 'go back from 02:00 to 01:30' },
  },
];

describe('a repeated hour runs at its first occurrence, in every zone', () => {
  for (const c of CASES) {
    const hourlyExpr = c.zone === 'Australia/Lord_Howe' ? '45 * * * *' : '30 * * * *';

    test(`${c.zone}: the preview runs the repeated time once, at its first occurrence`, () => {
      const p = previewCron(hourlyExpr, c.zone, 5, { from: new Date(c.from) });
      assert.deepEqual(p.nextRuns, c.hourly);
      // Each shown run is at a distinct wall time; the repeated one is not shown twice.
      assert.equal(new Set(p.localTimes).size, p.localTimes.length);
      assert.equal(p.notes.length, 1, JSON.stringify(p.notes));
      assert.match(p.notes[0], new RegExp(`On ${c.once.date} the clocks in ${c.zone.replace("/", "\\/")} ${c.once.back}.*runs once, not twice \\(at ${c.once.first.replace(/\./g, '\\.')}\\).*first occurrence`));
    });

    test(`${c.zone}: the scheduler's task fires the same runs as the preview`, () => {
      assert.deepEqual(schedulerRuns(hourlyExpr, c.zone, c.from, 5), c.hourly);
      assert.deepEqual(schedulerRuns(c.once.expression, c.zone, c.from, 1), [c.once.first]);
    });

    test(`${c.zone}: a run shown last in the first pass still gets the note (count 1)`, () => {
      const p = previewCron(c.once.expression, c.zone, 1, { from: new Date(c.from) });
      assert.deepEqual(p.nextRuns, [c.once.first]);
      assert.equal(p.notes.length, 1, JSON.stringify(p.notes));
      assert.match(p.notes[0], /happens twice/);
    });

    test(`${c.zone}: searching from inside the repeat (after the first pass) does not run the second pass`, () => {
      const between = new Date(new Date(c.once.first).getTime() + 60_000);
      const [next] = cronNextRuns(c.once.expression, c.zone, 1, between);
      assert.notEqual(next.toISOString(), c.once.second);
      assert.ok(next.getTime() - new Date(c.once.first).getTime() > 300 * 24 * H, `next is a year later, got ${next.toISOString()}`);
    });
  }

  test('the issue\'s request: {"expression":"30 1 7 11 *","timezone":"America/New_York","count":1} shows the note', () => {
    const p = previewCron('30 1 7 11 *', 'America/New_York', 1, { from: new Date('2026-11-26T00:00:00Z') });
    assert.deepEqual(p.nextRuns, ['2027-11-07T05:30:00.000Z']);
    assert.ok(p.notes.some((n) => /01:00–02:00 happens twice: the run at 01:30 runs once/.test(n)), JSON.stringify(p.notes));
  });

  test('a last run the day before a change gets no note', () => {
    const p = previewCron('30 1 * * *', 'America/New_York', 1, { from: new Date('2027-11-06T00:00:00Z') });
    assert.deepEqual(p.nextRuns, ['2027-11-06T05:30:00.000Z']);
    assert.deepEqual(p.notes, []);
  });
});
