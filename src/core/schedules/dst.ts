/**
 * Daylight-saving notes for a previewed range: a run whose wall-clock time falls in a spring gap
 * does not exist that day and is skipped; a run in an autumn repeated hour runs once, at its FIRST
 * occurrence, in every zone (CronSearch's rule, which the scheduler follows too, so the preview and
 * the firing agree).
 */
import { fastOffsetMinutes, formatClock, formatDate, scanTransitions, type Transition, type WallTime } from './timezone';

export type { Transition };

/** Offset changes of the zone between two instants (found to the second, from the zone's table). */
export function transitionsBetween(zone: string, from: number, until: number): Transition[] {
  return scanTransitions(zone, from, until, fastOffsetMinutes);
}

/** How far past the last shown run transitions are looked for (the largest offset change is 2 h). */
const LOOK_PAST_MS = 3 * 3600_000;

function wallAt(ms: number): WallTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** Wall-clock times (as if UTC) from `start` for `minutes`, that the expression matches. */
function matchingWallTimes(start: number, minutes: number, matches: (w: WallTime) => boolean, step: number): WallTime[] {
  const out: WallTime[] = [];
  for (let s = 0; s < minutes * 60; s += step) {
    const w = wallAt(start + s * 1000);
    if (matches(w)) out.push(w);
  }
  return out;
}

function runsText(times: WallTime[]): string {
  const clock = (w: WallTime) => formatClock(w.hour, w.minute, w.second);
  if (times.length === 1) return `the run at ${clock(times[0])}`;
  if (times.length <= 4) return `the runs at ${times.map(clock).join(', ')}`;
  return `the ${times.length} runs from ${clock(times[0])} to ${clock(times[times.length - 1])}`;
}

/**
 * Notes for the transitions of `zone` in [from, until]. `matches` tells whether the expression
 * matches a wall-clock time; `nextAfter` gives the real next run after an instant.
 */
export function dstNotes(
  zone: string,
  from: number,
  until: number,
  matches: (w: WallTime) => boolean,
  nextAfter: (ms: number) => number | null,
  /** 60 when the expression has no seconds field (runs only at second 0), else 1. */
  stepSeconds = 1,
): string[] {
  const notes: string[] = [];
  // A run shown last may fall in the first pass of a repeated hour whose change comes after it:
  // look a little past `until` (offset changes are at most a few hours) for those.
  for (const tr of transitionsBetween(zone, from, until + LOOK_PAST_MS)) {
    const delta = tr.after - tr.before;
    if (tr.at > until && !(delta < 0 && tr.at + delta * 60_000 <= until)) continue;
    if (delta > 0) {
      // Spring: wall times [at+before, at+after) do not exist.
      const gapStart = tr.at + tr.before * 60_000;
      const times = matchingWallTimes(gapStart, delta, matches, stepSeconds);
      if (!times.length) continue;
      const w0 = wallAt(gapStart);
      const w1 = wallAt(gapStart + delta * 60_000);
      notes.push(
        `On ${formatDate(w0)} the clocks in ${zone} go forward from ${formatClock(w0.hour, w0.minute)} to ${formatClock(w1.hour, w1.minute)}: ` +
          `${runsText(times)} ${times.length === 1 ? 'does' : 'do'} not exist that day and ${times.length === 1 ? 'is' : 'are'} skipped.`,
      );
    } else if (delta < 0) {
      // Autumn: wall times [at+after, at+before) happen twice.
      const repeatStart = tr.at + tr.after * 60_000;
      const times = matchingWallTimes(repeatStart, -delta, matches, stepSeconds);
      if (!times.length) continue;
      const w0 = wallAt(repeatStart);
      const w1 = wallAt(repeatStart - delta * 60_000);
      const first = nextAfter(tr.at + delta * 60_000 - 1000);
      const when =
        first !== null && first < tr.at - delta * 60_000 ? ` (${times.length === 1 ? 'at' : 'the first at'} ${new Date(first).toISOString()})` : '';
      notes.push(
        `On ${formatDate(w0)} the clocks in ${zone} go back from ${formatClock(w1.hour, w1.minute)} to ${formatClock(w0.hour, w0.minute)}, so ` +
          `${formatClock(w0.hour, w0.minute)}–${formatClock(w1.hour, w1.minute)} happens twice: ${runsText(times)} ${times.length === 1 ? 'runs' : 'run'} once, not twice${when}` +
          ` — at the first occurrence, as in every time zone.`,
      );
    }
  }
  return notes;
}
