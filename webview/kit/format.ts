/**
 * How every page writes times, durations, ids and counts — one module, so the three pages read as
 * one product: 24-hour times (`2026-11-26 17:05:09`, the time alone when it is today), durations
 * as `4s`, `2m 05s`, `1h 02m 05s`, ids shortened to 8 characters, "Enabled"/"Disabled".
 */
import { formatWallTime, wallTime } from '../../src/core/schedules/timezone';

const pad = (n: number) => String(n).padStart(2, '0');

/** Local date and time, 24 h: `2026-11-26 17:05:09` (the text itself when it is not a time). */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Today: the time only (`17:05:09`); another day: date and time. */
export function formatWhen(iso: string | undefined, now = new Date()): string {
  const full = formatTime(iso);
  return full.slice(0, 10) === formatTime(now.toISOString()).slice(0, 10) ? full.slice(11) : full;
}

/** A time as the wall clock of a zone reads it: `2026-11-27 02:30:00` (falls back to UTC, saying so). */
export function formatZoned(iso: string, zone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return formatWallTime(wallTime(d, zone));
  } catch {
    return `${formatWallTime(wallTime(d, 'UTC'))} UTC`;
  }
}

/** `4s`, `2m 05s`, `1h 02m 05s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${pad(m % 60)}m ${pad(s % 60)}s`;
}

/** An execution id as rows show it: its first 8 characters (the whole id is the link's title). */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** `1 schedule`, `3 schedules`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** How every page names an enabled flag. */
export function enabledText(enabled: boolean): 'Enabled' | 'Disabled' {
  return enabled ? 'Enabled' : 'Disabled';
}

/** Any JSON value, indented, for a details section. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

/** The IANA time zones the browser knows, UTC first. */
export function timeZones(first = 'UTC'): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  const set = new Set(zones);
  set.delete(first);
  return [first, ...[...set].sort()];
}
