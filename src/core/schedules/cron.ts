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

/** An unstarted node-cron task for the expression; call `release` when done. */
function withTask<T>(expression: string, timezone: string, use: (task: ScheduledTask) => T): T {
  const task = createTask(normalizeCron(expression), () => undefined, { timezone, suppressMissedWarning: true });
  try {
    return use(task);
  } finally {
    void task.destroy();
  }
}

interface TimeMatcherLike {
  getNextMatch(date: Date): Date;
}

/**
 * The next `count` run times after `from`, by node-cron's own matcher. Throws CronNeverRunsError
 * when no date within 100 years matches (e.g. day 31 AND the first Monday).
 */
export function cronNextRuns(expression: string, timezone: string, count: number, from: Date = new Date()): Date[] {
  return withTask(expression, timezone, (task) => {
    const matcher = (task as unknown as { timeMatcher?: TimeMatcherLike }).timeMatcher;
    try {
      if (!matcher || typeof matcher.getNextMatch !== 'function') {
        // Fallback for a node-cron without the internal matcher: its public API counts from now.
        return task.getNextRuns(count);
      }
      const runs: Date[] = [];
      let at = from;
      for (let i = 0; i < count; i++) {
        at = matcher.getNextMatch(at);
        runs.push(at);
      }
      return runs;
    } catch (err) {
      if (/Could not find next matching date/i.test(String((err as Error)?.message))) throw new CronNeverRunsError(expression);
      throw err;
    }
  });
}

/** A matcher of wall-clock times: does the expression match this local date and time? */
export function wallClockMatcher(expression: string): (w: { year: number; month: number; day: number; hour: number; minute: number; second: number }) => boolean {
  // node-cron's own matcher in UTC: UTC fields stand for the wall-clock fields of any zone.
  const task = createTask(normalizeCron(expression), () => undefined, { timezone: 'UTC', suppressMissedWarning: true });
  void task.destroy(); // leaves the registry; match() keeps working on a destroyed task
  return (w) => task.match(new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)));
}

export class CronNeverRunsError extends Error {
  override readonly name = 'CronNeverRunsError';
  constructor(readonly expression: string) {
    super(`'${expression}' never runs: no date in the next 100 years matches every field (day-of-month and day-of-week must both match)`);
  }
}
