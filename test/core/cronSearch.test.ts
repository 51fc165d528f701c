/**
 * The bounded next-run search (core/schedules/cron.ts CronSearch) against node-cron's own walker:
 * the same runs, for every kind of field, in zones with and without daylight saving (including
 * Lord Howe's 30-minute shift and Santiago's midnight change); and rare or impossible expressions
 * answered without scanning a century.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import nodeCron = require('node-cron');
import { cronNextRuns, cronSearch, CronNeverRunsError, CRON_HORIZON_YEARS, wallClockMatcher } from '../../src/core/schedules/cron';
import { previewCron } from '../../src/core/schedules/preview';

const EXPRESSIONS = [
  '*/5 * * * *', '0 30 2 * * 1', '30 1 * * *', '*/15 * * * *', '0 12 * * 5L', '0 12 * * 1#2', '0 0 15W * *', '0 0 LW * *',
  '0 0 L-2 * *', '0 0 L * *', '59 59 23 31 12 5#5', '0 0 13 * 5', '*/7 * 1-3 * * *', '0 0 29 2 *', '15 2 * * 0', '0 0 1,15 * 1-5',
  '0 0 * * 7', '30 0 * * *', '0 */30 1-2 * * *', '0 0 1W * *', '0 0 31W * *', '10 2 * 3,10 0L',
];
const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata'];

describe('CronSearch', () => {
  test('finds the runs node-cron finds (40 consecutive runs, 22 expressions × 6 zones)', () => {
    let compared = 0;
    for (const expression of EXPRESSIONS) {
      for (const zone of ZONES) {
        const task = nodeCron.createTask(expression, () => undefined, { timezone: zone }) as unknown as { timeMatcher: { getNextMatch(d: Date): Date }; destroy(): unknown };
        void task.destroy();
        const search = cronSearch(expression, zone);
        let at = Date.UTC(2026, 0, 1);
        for (let i = 0; i < 40; i++) {
          const expected = task.timeMatcher.getNextMatch(new Date(at)).getTime();
          const got = search.next(at, at + 30 * 366 * 86_400_000);
          assert.equal(got, expected, `${expression} in ${zone} after ${new Date(at).toISOString()}`);
          compared++;
          at = expected;
        }
      }
    }
    assert.equal(compared, EXPRESSIONS.length * ZONES.length * 40);
  });

  test('wall-clock matching agrees with node-cron day by day', () => {
    for (const expression of EXPRESSIONS) {
      const task = nodeCron.createTask(expression, () => undefined, { timezone: 'UTC' });
      void task.destroy();
      const matches = wallClockMatcher(expression);
      for (let d = 0; d < 800; d += 1) {
        const t = new Date(Date.UTC(2027, 0, 1) + d * 86_400_000 + ((d * 7919) % 86_400) * 1000);
        const w = { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes(), second: t.getUTCSeconds() };
        assert.equal(matches(w), task.match(t), `${expression} at ${t.toISOString()}`);
      }
    }
  });

  test('an expression that only ever falls in a daylight-saving gap never runs, and says so', () => {
    // Every second of 01:00–01:59 on the last Sundays of March: in London that hour does not exist.
    assert.throws(() => cronNextRuns('* * 1 25-31 3 0', 'Europe/London', 1), (err: unknown) => err instanceof CronNeverRunsError && new RegExp(`${CRON_HORIZON_YEARS} years`).test(err.message));
    assert.throws(() => cronNextRuns('0 0 31 * 1#1', 'UTC', 1), CronNeverRunsError);
  });

  test('a rare expression previews the runs within the horizon, with a note', () => {
    const p = previewCron('59 59 23 31 12 5#5', 'Europe/London', 50, { from: new Date('2026-06-01T00:00:00Z') });
    assert.ok(p.nextRuns.length >= 3 && p.nextRuns.length < 50, String(p.nextRuns.length));
    assert.equal(p.nextRuns[0], '2027-12-31T23:59:59.000Z');
    assert.ok(p.notes.some((n) => new RegExp(`No further run within ${CRON_HORIZON_YEARS} years`).test(n)), JSON.stringify(p.notes));
  });
});
