/**
 * Cron expressions as node-cron 4 reads them: validation with messages naming the wrong field,
 * and next run times computed by node-cron's own matcher (so a preview shows what fires).
 *
 * Five fields (minute hour day-of-month month day-of-week), or six with a leading seconds
 * field; the nicknames @yearly @annually @monthly @weekly @daily @midnight @hourly; `L`, `W`,
 * `#` and names (JAN, MON). Day-of-month and day-of-week combine with AND.
 */
// `require`, so that bundlers take node-cron's CommonJS build: its ESM build uses import.meta.url,
// which is undefined in the CommonJS bundles (dist/*.js).
import nodeCron = require('node-cron');
import { LIMITS } from '../limits';
import { fastOffsetMinutes } from './timezone';

type ScheduledTask = import('node-cron').ScheduledTask;
const { createTask, validateDetailed } = nodeCron;

export const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELD_HELP: Record<string, { label: string; allowed: string }> = {
  second: { label: 'seconds', allowed: '0-59' },
  minute: { label: 'minute', allowed: '0-59' },
  hour: { label: 'hour', allowed: '0-23' },
  dayOfMonth: { label: 'day-of-month', allowed: '1-31, L, L-n, nW' },
  month: { label: 'month', allowed: '1-12 or JAN-DEC' },
  dayOfWeek: { label: 'day-of-week', allowed: '0-7 (0 and 7 are Sunday) or SUN-SAT, nL, n#k' },
};

const FIVE_FIELDS = 'minute hour day-of-month month day-of-week';

/** The six fields (seconds first) of an expression, nicknames resolved; null when not 5 or 6 fields. */
export function cronFields(expression: string): { fields: string[]; hasSeconds: boolean } | null {
  const resolved = NICKNAMES[expression.trim().toLowerCase()] ?? expression;
  const parts = resolved.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 5) return { fields: ['0', ...parts], hasSeconds: false };
  if (parts.length === 6) return { fields: parts, hasSeconds: true };
  return null;
}

/** What is wrong with an expression, one message per problem; empty when node-cron accepts it. */
export function cronProblems(expression: unknown): string[] {
  if (typeof expression !== 'string') return ['must be a string, e.g. "*/5 * * * *"'];
  if (expression.length > LIMITS.cronExpressionLength) return [`is ${expression.length} characters long; at most ${LIMITS.cronExpressionLength} are accepted`];
  if (expression.trim() === '') return [`is empty: give ${FIVE_FIELDS}, optionally preceded by seconds`];
  const resolved = NICKNAMES[expression.trim().toLowerCase()] ?? expression;
  const illegal = [...new Set(resolved.replace(/[A-Za-z0-9*/,#?\s-]/g, ''))];
  if (illegal.length) return [`contains characters cron does not allow: ${illegal.map((c) => `'${c}'`).join(', ')}`];
  if (/[^\S ]/.test(resolved.trim())) return ['separate the fields with spaces only (no tabs or line breaks)'];
  const split = cronFields(expression);
  if (!split) {
    const n = resolved.trim().split(/\s+/).length;
    return [`has ${n} field${n === 1 ? '' : 's'}; expected 5 (${FIVE_FIELDS}) or 6 with a leading seconds field`];
  }
  let result: ReturnType<typeof validateDetailed>;
  try {
    result = validateDetailed(split.fields.slice(split.hasSeconds ? 0 : 1).join(' '));
  } catch (err) {
    return [`is not a valid cron expression: ${(err as Error)?.message ?? String(err)}`];
  }
  if (result.valid) return [];
  return result.errors.map((e) => {
    const help = FIELD_HELP[e.field];
    if (!help) return e.message;
    if (/impossible/.test(e.message)) {
      return `day-of-month '${split.fields[3]}' never occurs in month '${split.fields[4]}'`;
    }
    return `${help.label} field '${e.value ?? ''}' is not valid (allowed: ${help.allowed}, *, ranges a-b, steps */n, lists a,b)`;
  });
}

/** The expression as stored and scheduled: trimmed, single spaces between fields. */
export function normalizeCron(expression: string): string {
  return expression.trim().replace(/ +/g, ' ');
}

type FieldValue = number | string;

/** node-cron's parsed fields (seconds, minutes, hours, day-of-month, month, day-of-week). */
interface TimeMatcherLike {
  expressions: FieldValue[][];
  match(date: Date): boolean;
  getNextMatch(date: Date): Date;
}

/** Years a next-run search looks ahead: the Gregorian weekday/date pattern repeats every 28 years (within a century). */
export const CRON_HORIZON_YEARS = LIMITS.cronHorizonYears;
const DAY_MS = 86_400_000;

/**
 * A compiled expression for bounded next-run searches. The fields come from node-cron's own parser
 * (`timeMatcher.expressions`), and the day rules below are node-cron 4's (day-of-month AND
 * day-of-week; `L`, `L-n`, `nW`, `LW`; `nL`, `n#k`), so the runs are the ones node-cron fires
 * (checked against node-cron's matcher in test/core/cronSearch.test.ts) — except that a time an
 * autumn change repeats runs at its first occurrence in every zone (instantOfWall), where node-cron's
 * walker depends on the zone's side of UTC.
 */
export class CronSearch {
  private readonly seconds: number[];
  private readonly minutes: number[];
  private readonly hours: number[];
  private readonly months: Set<number>;
  /** Day-of-month tokens, parsed once: plain days, `L`, `L-n` offsets, `nW`/`LW` targets (0 = last day). */
  private readonly domDays = new Uint8Array(32);
  private readonly domLast: boolean;
  private readonly domOffsets: number[] = [];
  private readonly domNearest: number[] = [];
  /** Day-of-week tokens, parsed once: plain weekdays, `n#k`, `nL`. */
  private readonly dowDays = new Uint8Array(7);
  private readonly dowNth: [number, number][] = [];
  private readonly dowLast = new Uint8Array(7);
  /** The days of the last month asked for (one-entry cache: searches walk months in order). */
  private maskKey = -1;
  private mask = new Uint8Array(32);

  constructor(
    expression: string,
    readonly timezone: string,
  ) {
    // Expression length is bounded by cronProblems (LIMITS.cronExpressionLength) before this runs.
    const task = createTask(normalizeCron(expression), () => undefined, { timezone, suppressMissedWarning: true });
    void task.destroy();
    const matcher = (task as unknown as { timeMatcher: TimeMatcherLike }).timeMatcher;
    const [s, m, h, dom, mon, dow] = matcher.expressions;
    const nums = (f: FieldValue[]) => [...new Set(f.filter((v): v is number => typeof v === 'number'))].sort((a, b) => a - b);
    this.seconds = nums(s);
    this.minutes = nums(m);
    this.hours = nums(h);
    this.months = new Set(nums(mon));
    let domLast = false;
    for (const v of dom) {
      if (typeof v === 'number') {
        if (v >= 1 && v <= 31) this.domDays[v] = 1;
      } else if (v === 'L') domLast = true;
      else {
        const w = /^(\d{1,2}|L)W$/.exec(v);
        if (w) this.domNearest.push(w[1] === 'L' ? 0 : Number(w[1]));
        const off = /^L-(\d{1,2})$/.exec(v);
        if (off) this.domOffsets.push(Number(off[1]));
      }
    }
    this.domLast = domLast;
    for (const v of dow) {
      if (typeof v === 'number') {
        if (v >= 0 && v <= 7) this.dowDays[v % 7] = 1;
        continue;
      }
      const nth = /^([0-7])#([1-5])$/.exec(v);
      if (nth) this.dowNth.push([Number(nth[1]) % 7, Number(nth[2])]);
      const lastW = /^([0-7])L$/i.exec(v);
      if (lastW) this.dowLast[Number(lastW[1]) % 7] = 1;
    }
  }

  /** The matching days (1–31) of month m (1–12) of year y: O(31 + tokens), two Date computations. */
  private monthMask(y: number, m: number): Uint8Array {
    const key = y * 16 + m;
    if (key === this.maskKey) return this.mask;
    const mask = this.mask;
    mask.fill(0);
    this.maskKey = key;
    if (!this.months.has(m)) return mask;
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    for (let d = 1; d <= last; d++) mask[d] = this.domDays[d];
    if (this.domLast) mask[last] = 1;
    for (const off of this.domOffsets) if (last - off >= 1) mask[last - off] = 1;
    for (const target of this.domNearest) {
      const d = nearestWeekday(y, m, target === 0 ? last : target, last);
      if (d > 0) mask[d] = 1;
    }
    for (let d = 1; d <= last; d++) {
      if (!mask[d]) continue;
      const weekday = (first + d - 1) % 7;
      let ok = this.dowDays[weekday] === 1 || (this.dowLast[weekday] === 1 && d + 7 > last);
      if (!ok) for (const [w, n] of this.dowNth) if (w === weekday && Math.floor((d - 1) / 7) + 1 === n) ok = true;
      if (!ok) mask[d] = 0;
    }
    return mask;
  }

  /** Does the calendar day (y, m 1-12, d) match the day-of-month, month and day-of-week fields? Pure arithmetic. */
  dayMatches(y: number, m: number, d: number): boolean {
    return this.monthMask(y, m)[d] === 1;
  }

  /** The first (hour, minute, second) of the fields at or after `secondOfDay`, as a second of the day; -1 if none. O(|h|+|m|+|s|). */
  firstTimeAtOrAfter(secondOfDay: number): number {
    const th = Math.floor(secondOfDay / 3600);
    const tm = Math.floor((secondOfDay % 3600) / 60);
    const ts = secondOfDay % 60;
    for (const h of this.hours) {
      if (h < th) continue;
      if (h > th) return h * 3600 + this.minutes[0] * 60 + this.seconds[0];
      for (const m of this.minutes) {
        if (m < tm) continue;
        if (m > tm) return h * 3600 + m * 60 + this.seconds[0];
        for (const s of this.seconds) if (s >= ts) return h * 3600 + m * 60 + s;
      }
    }
    return -1;
  }

  /**
   * The first run strictly after `after` and no later than `until` (ms), or null. Bounded: one
   * arithmetic day check per calendar day up to `until`; on a matching day at most a few
   * candidate times, because a candidate in a daylight-saving gap jumps to the gap's end (one
   * bisection) instead of trying each second of it. Intl calls per search: O(days with a matching
   * date and an offset change) × ~40, at most a few per year.
   */
  next(after: number, until: number): number | null {
    const baseMs = Math.floor(after / 1000) * 1000;
    const zone = this.timezone;
    const utc = zone === 'UTC' || zone === 'Etc/UTC';
    const offsetAt = (ms: number) => (utc ? 0 : fastOffsetMinutes(ms, zone));
    // The wall-clock date at `baseMs` in the zone.
    const base = new Date(baseMs + offsetAt(baseMs) * 60_000);
    let y = base.getUTCFullYear();
    let m = base.getUTCMonth() + 1;
    let firstDay = base.getUTCDate();
    let lower = base.getUTCHours() * 3600 + base.getUTCMinutes() * 60 + base.getUTCSeconds() + 1;
    // Month by month: a month the month field excludes costs one Set lookup; otherwise its mask
    // (O(31)) and one check per day. A wall day may start up to 14 h after `until` read as UTC.
    for (;;) {
      const monthStart = Date.UTC(y, m - 1, 1);
      if (monthStart - 14 * 3600_000 > until) return null;
      if (this.months.has(m)) {
        const mask = this.monthMask(y, m);
        for (let d = firstDay; d <= 31; d++, lower = 0) {
          if (mask[d] !== 1) continue;
          const dayStart = monthStart + (d - 1) * DAY_MS;
          if (dayStart - 14 * 3600_000 > until) return null;
          let from = lower;
          for (let tries = 0; tries < 8 && from < 86_400; tries++) {
            const sec = this.firstTimeAtOrAfter(from);
            if (sec < 0) break;
            const wall = dayStart + sec * 1000;
            const at = utc ? wall : instantOfWall(wall, offsetAt);
            if (at === null) {
              // In a spring gap: continue from the first wall time after it.
              const end = gapEndWall(wall, offsetAt);
              from = Math.max(sec + 1, Math.floor((end - dayStart) / 1000));
              continue;
            }
            if (at > until) return null;
            if (at > baseMs) return at;
            from = sec + 1;
          }
        }
      }
      lower = 0;
      firstDay = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }

  /** Up to `count` runs after `from` within `horizonYears`; fewer when the horizon ends first. */
  runs(count: number, from: Date, horizonYears = CRON_HORIZON_YEARS): Date[] {
    const until = from.getTime() + horizonYears * 366 * DAY_MS;
    const out: Date[] = [];
    let at = from.getTime();
    while (out.length < count) {
      const next = this.next(at, until);
      if (next === null) break;
      out.push(new Date(next));
      at = next;
    }
    return out;
  }
}

function nearestWeekday(y: number, m: number, target: number, last: number): number {
  if (target < 1 || target > last) return -1;
  const weekday = new Date(Date.UTC(y, m - 1, target)).getUTCDay();
  if (weekday === 6) return target === 1 ? target + 2 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}

/** How far from a wall time (read as UTC) the offsets before and after a nearby transition are read: beyond any offset (±14 h). */
const AROUND_MS = 18 * 3600_000;

/**
 * The instant of a wall-clock time (given as if UTC) in the zone, or null when the time does not
 * exist (a spring gap). A time that happens twice (an autumn repeated hour) is its FIRST
 * occurrence, in every zone — the rule of Flowgate's scheduler and preview alike. (node-cron's own
 * walker picks the first occurrence west of UTC and the second east of it: New York ran the first
 * pass of 01:30, London and Lord Howe the second.)
 */
export function instantOfWall(wall: number, offsetAt: (ms: number) => number): number | null {
  const o1 = offsetAt(wall);
  const before = offsetAt(wall - AROUND_MS);
  const after = offsetAt(wall + AROUND_MS);
  if (before === o1 && after === o1) {
    const c = wall - o1 * 60_000;
    return offsetAt(c) === o1 ? c : null;
  }
  // Near a transition: each offset in force around it gives a candidate; a candidate counts when it
  // reads back (c + offset(c) = wall). The earliest one is the first occurrence.
  let best: number | null = null;
  for (const o of new Set([o1, before, after, offsetAt(wall - o1 * 60_000)])) {
    const c = wall - o * 60_000;
    if (offsetAt(c) === o && (best === null || c < best)) best = c;
  }
  return best;
}

/** The first wall-clock time (as if UTC) after the spring gap that holds `wall`: the transition found by bisection (≤ 20 steps). */
function gapEndWall(wall: number, offsetAt: (ms: number) => number): number {
  // The transition instant lies within a day of `wall` read as UTC.
  let lo = wall - DAY_MS;
  let hi = wall + DAY_MS;
  const before = offsetAt(lo);
  if (offsetAt(hi) === before) return wall + 1000; // no change found: move on one second (bounded by the caller's tries)
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (mid <= lo || mid >= hi) break;
    if (offsetAt(mid) === before) lo = mid;
    else hi = mid;
  }
  return hi + offsetAt(hi) * 60_000;
}

const searches = new Map<string, CronSearch>();

/** A compiled search per (expression, zone), remembered (at most 1,000). */
export function cronSearch(expression: string, timezone: string): CronSearch {
  const key = `${normalizeCron(expression)}\n${timezone}`;
  let s = searches.get(key);
  if (!s) {
    s = new CronSearch(expression, timezone);
    if (searches.size >= 1000) searches.clear();
    searches.set(key, s);
  }
  return s;
}

/**
 * The next `count` run times after `from`, as node-cron fires them, searched at most
 * `horizonYears` ahead (bounded cost, see CronSearch.next). Throws CronNeverRunsError when none
 * falls within the horizon (e.g. day 31 AND the first Monday); returns fewer than `count` when
 * the horizon ends first.
 */
export function cronNextRuns(expression: string, timezone: string, count: number, from: Date = new Date(), horizonYears = CRON_HORIZON_YEARS): Date[] {
  const runs = cronSearch(expression, timezone).runs(count, from, horizonYears);
  if (!runs.length) throw new CronNeverRunsError(expression, horizonYears);
  return runs;
}

/** A matcher of wall-clock times: does the expression match this local date and time? Pure arithmetic. */
export function wallClockMatcher(expression: string): (w: { year: number; month: number; day: number; hour: number; minute: number; second: number }) => boolean {
  const s = cronSearch(expression, 'UTC');
  return (w) => {
    const sec = w.hour * 3600 + w.minute * 60 + w.second;
    return s.dayMatches(w.year, w.month, w.day) && s.firstTimeAtOrAfter(sec) === sec;
  };
}

/**
 * Makes a node-cron task look for its next run with the bounded search: a schedule that fires
 * rarely or never costs a bounded amount each time node-cron asks, instead of scanning 100 years
 * (node-cron's walker tries every second of a daylight-saving gap on every matching day). When
 * no run falls within the horizon, the task waits (node-cron re-checks at most once a day).
 */
export function boundTaskSearch(task: ScheduledTask, expression: string, timezone: string): void {
  const matcher = (task as unknown as { timeMatcher?: TimeMatcherLike }).timeMatcher;
  if (!matcher) return;
  const search = cronSearch(expression, timezone);
  matcher.getNextMatch = (date: Date) => {
    const runs = search.runs(1, date);
    return runs[0] ?? new Date(date.getTime() + CRON_HORIZON_YEARS * 366 * DAY_MS);
  };
}

export class CronNeverRunsError extends Error {
  override readonly name = 'CronNeverRunsError';
  constructor(
    readonly expression: string,
    readonly horizonYears = CRON_HORIZON_YEARS,
  ) {
    super(`'${expression}' never runs: no date in the next ${horizonYears} years matches every field (day-of-month and day-of-week must both match)`);
  }
}
