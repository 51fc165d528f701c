/** Time zones through Intl only (no data files): validity, UTC offsets, wall-clock times. */
import { LIMITS } from '../limits';

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const partFormatters = new Map<string, Intl.DateTimeFormat>();

const validZones = new Map<string, boolean>();

/** True for an IANA zone (or `UTC`) that this runtime knows (remembered per name: Intl is slow to ask). */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.trim() === '' || zone !== zone.trim() || zone.length > LIMITS.shortStringLength) return false;
  const known = validZones.get(zone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    valid = true;
  } catch {
    valid = false;
  }
  if (validZones.size >= 1000) validZones.clear();
  validZones.set(zone, valid);
  return valid;
}

/** Offset of the zone from UTC at an instant, in minutes (east positive). */
export function offsetMinutes(at: Date | number, zone: string): number {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormatters.set(zone, f);
  }
  const name = f.formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/**
 * Offsets of a zone as a table: the instants (to the second) where its offset changes, found once
 * per zone over about 31 years from the start of last year (weekly samples, each change bisected:
 * ~2,800 Intl calls, ~10 ms, once), then any offset in that range is a binary search. Outside the
 * range, Intl is asked. Zones change offsets at most a few times a year, never twice in a week.
 */
interface ZoneTable {
  from: number;
  until: number;
  at: number[];
  offsets: number[];
}
const zoneTables = new Map<string, ZoneTable>();
const WEEK_MS = 7 * 86_400_000;

export interface Transition {
  /** First instant with the new offset. */
  at: number;
  before: number;
  after: number;
}

/**
 * Offset changes of the zone between two instants, found to the second: offsets sampled a week
 * apart (zones change at most a few times a year, never twice in a week), each change bisected.
 */
export function scanTransitions(zone: string, from: number, until: number, offsetAt: (ms: number, zone: string) => number = offsetMinutes): Transition[] {
  const out: Transition[] = [];
  let off = offsetAt(from, zone);
  for (let x = from; x < until; ) {
    const next = Math.min(x + WEEK_MS, until);
    const nextOff = offsetAt(next, zone);
    if (nextOff !== off) {
      let lo = x;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (mid <= lo || mid >= hi) break;
        if (offsetAt(mid, zone) === off) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, before: off, after: nextOff });
      off = nextOff;
    }
    x = next;
  }
  return out;
}

function zoneTable(zone: string): ZoneTable {
  let t = zoneTables.get(zone);
  if (t) return t;
  const from = Date.UTC(new Date().getUTCFullYear() - 1, 0, 1);
  const until = from + 31 * 366 * 86_400_000;
  const changes = scanTransitions(zone, from, until);
  t = { from, until, at: [from, ...changes.map((c) => c.at)], offsets: [offsetMinutes(from, zone), ...changes.map((c) => c.after)] };
  if (zoneTables.size >= 1000) zoneTables.clear();
  zoneTables.set(zone, t);
  return t;
}

/** `offsetMinutes` from the zone's table (binary search) inside its range, from Intl outside it. */
export function fastOffsetMinutes(ms: number, zone: string): number {
  const t = zoneTable(zone);
  if (ms < t.from || ms >= t.until) return offsetMinutes(ms, zone);
  let lo = 0;
  let hi = t.at.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t.at[mid] <= ms) lo = mid;
    else hi = mid - 1;
  }
  return t.offsets[lo];
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time of an instant in a zone. */
export function wallTime(at: Date | number, zone: string): WallTime {
  let f = partFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(zone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(at))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:mm:ss` */
export function formatWallTime(w: WallTime): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** `HH:mm` or `HH:mm:ss` when the seconds are not zero. */
export function formatClock(hour: number, minute: number, second = 0): string {
  return `${pad(hour)}:${pad(minute)}${second ? `:${pad(second)}` : ''}`;
}

/** `YYYY-MM-DD` */
export function formatDate(w: Pick<WallTime, 'year' | 'month' | 'day'>): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}
