/** The next run times of an expression in a time zone, in words, with the notes a person needs. */
import type { ApiErrorDetail, CronPreviewResponse } from '../api/types';
import { closestMatch } from '../schema/closestMatch';
import { LIMITS } from '../limits';
import { CRON_HORIZON_YEARS, CronNeverRunsError, cronFields, cronNextRuns, cronProblems, normalizeCron, wallClockMatcher } from './cron';
import { bothDayFieldsRestricted, describeCron } from './describe';
import { dstNotes } from './dst';
import { formatWallTime, isValidTimeZone, wallTime } from './timezone';

export const DEFAULT_TIMEZONE = 'UTC';
export const DEFAULT_PREVIEW_COUNT = 5;
export const MAX_PREVIEW_COUNT = LIMITS.previewCount;

/** The request was invalid; `details` names each field at fault. */
export class CronPreviewError extends Error {
  override readonly name = 'CronPreviewError';
  constructor(readonly details: ApiErrorDetail[]) {
    super(details.map((d) => `${d.field}: ${d.message}`).join('; '));
  }
}

/** Zone names "did you mean" compares against: only names this short (a typo, not a payload). */
const SUGGEST_MAX_LENGTH = 64;

/**
 * Problems with a time zone name, as messages (empty when valid). Bounded: a name longer than
 * LIMITS.shortStringLength is refused before any lookup; the suggestion compares only names of at
 * most 64 characters with each of the ~430 zones, with an edit distance capped at a third of the
 * length (O(zones × 64 × 22) operations at worst).
 */
export function timezoneProblems(zone: unknown): string[] {
  if (typeof zone !== 'string') return ['must be a string, an IANA time zone such as "Europe/London" or "UTC"'];
  if (zone.length > LIMITS.shortStringLength) return [`is ${zone.length} characters long; a time zone name has at most ${LIMITS.shortStringLength}`];
  if (isValidTimeZone(zone)) return [];
  let near: string | undefined;
  if (zone.length <= SUGGEST_MAX_LENGTH) {
    let known: string[] = [];
    try {
      known = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    } catch {
      known = [];
    }
    near = closestMatch(zone, known);
  }
  return [`'${zone.length > 60 ? `${zone.slice(0, 57)}...` : zone}' is not a known IANA time zone${near ? `; did you mean '${near}'?` : ' (e.g. "Europe/London", "America/New_York", "UTC")'}`];
}

export interface PreviewOptions {
  /** Count from this instant (default now). */
  from?: Date;
}

/**
 * The next `count` runs (1–50, default 5) of `expression` in `timezone` (default UTC), as node-cron
 * computes them, with wall-clock times, a description and notes (AND of the day fields, DST gaps
 * and repeats in the previewed range). Throws CronPreviewError naming the invalid fields.
 *
 * Bounded: the runs are searched at most CRON_HORIZON_YEARS ahead (CronSearch: one arithmetic
 * check per day, a few Intl calls per offset change); when fewer than `count` fall within it the
 * answer has those and a note. DST notes cover at most that range (transitions sampled weekly,
 * each matching run counted by arithmetic).
 */
export function previewCron(expression: unknown, timezone?: unknown, count?: unknown, opts: PreviewOptions = {}): CronPreviewResponse {
  const details: ApiErrorDetail[] = [];
  for (const m of cronProblems(expression)) details.push({ field: 'expression', message: m });
  const zone = timezone === undefined || timezone === null || timezone === '' ? DEFAULT_TIMEZONE : timezone;
  for (const m of timezoneProblems(zone)) details.push({ field: 'timezone', message: m });
  const n = count === undefined || count === null ? DEFAULT_PREVIEW_COUNT : count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_PREVIEW_COUNT) {
    details.push({ field: 'count', message: `must be an integer from 1 to ${MAX_PREVIEW_COUNT}` });
  }
  if (details.length) throw new CronPreviewError(details);
  const expr = normalizeCron(expression as string);
  const tz = zone as string;
  const from = opts.from ?? new Date();

  let runs: Date[];
  try {
    runs = cronNextRuns(expr, tz, n as number, from);
  } catch (err) {
    if (err instanceof CronNeverRunsError) throw new CronPreviewError([{ field: 'expression', message: err.message }]);
    throw err;
  }
  const notes: string[] = [];
  if (runs.length < (n as number)) {
    notes.push(`No further run within ${CRON_HORIZON_YEARS} years: ${runs.length === 1 ? 'this is the only run' : `these are the only ${runs.length} runs`} found up to ${new Date(from.getTime() + CRON_HORIZON_YEARS * 366 * 86_400_000).toISOString().slice(0, 10)}.`);
  }
  if (bothDayFieldsRestricted(expr)) {
    notes.push('Both day-of-month and day-of-week are set: a day must match both (AND), unlike classic cron where either is enough.');
  }
  if (tz !== 'UTC' && runs.length) {
    const matches = wallClockMatcher(expr);
    const nextAfter = (ms: number) => {
      try {
        return cronNextRuns(expr, tz, 1, new Date(ms))[0]?.getTime() ?? null;
      } catch {
        return null;
      }
    };
    const step = cronFields(expr)?.hasSeconds ? 1 : 60;
    notes.push(...dstNotes(tz, from.getTime(), runs[runs.length - 1].getTime(), matches, nextAfter, step));
  }
  return {
    nextRuns: runs.map((d) => d.toISOString()),
    localTimes: runs.map((d) => formatWallTime(wallTime(d, tz))),
    description: describeCron(expr),
    notes,
  };
}
