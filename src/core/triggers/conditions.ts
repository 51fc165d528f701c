/**
 * Parsing and matching of trigger conditions (see model/trigger.ts for the syntax). Pure: no
 * Node APIs, so the extension's webviews, the CLI and the gateway share it.
 *
 * - addresses: IPv4 `a.b.c.d` (no leading zeros), comma list, range `a-b` (a <= b), CIDR
 *   `net/len` (len 0–32, no host bits set), `*`. Items may mix forms.
 * - ports: 1–65535, comma list, range `a-b` (a <= b), `*`.
 * - OIDs: dotted numeric (a leading `.` is allowed and dropped; at least two components, the
 *   first 0–2, each 0–4294967295), comma list, range `a-b`, `*`. Ranges use the lexicographic
 *   order of OIDs compared component by component (as numbers): `1.3.6.1.4.1.9` <
 *   `1.3.6.1.4.1.9.1` < `1.3.6.1.4.1.10`. A single OID matches that OID only, not its subtree.
 * - communities: a value, a comma list (items trimmed; empty items refused), or `*`.
 * `*` may appear as a list item too; it matches anything.
 */
import { parsePortText } from '../model/port';
import { LIMITS } from '../limits';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** A compiled condition: `null` is `*`; otherwise a list of alternatives. */
export type NumberRanges = { lo: number; hi: number }[] | null;
export type OidRanges = { lo: number[]; hi: number[] }[] | null;
export type Communities = Set<string> | null;

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i];
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/**
 * The items of a condition's comma list. Bounded before splitting: at most LIMITS.conditionLength
 * characters and LIMITS.conditionListItems items, so matching a trap against one condition costs
 * at most that many comparisons.
 */
function items(text: unknown, what: string): Parsed<string[]> {
  if (typeof text !== 'string') return fail(`must be a string (${what}, a comma list, or '*')`);
  if (text.trim() === '') return fail(`must not be empty; use '*' to match any ${what}`);
  if (text.length > LIMITS.conditionLength) return fail(`is ${text.length} characters long; at most ${LIMITS.conditionLength} are accepted`);
  let commas = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 44) commas++;
  if (commas + 1 > LIMITS.conditionListItems) return fail(`lists ${commas + 1} items; at most ${LIMITS.conditionListItems} are accepted`);
  const parts = text.split(',').map((s) => s.trim());
  const empty = parts.findIndex((p) => p === '');
  if (empty >= 0) return fail(`'${text}' has an empty item in its comma list (item ${empty + 1})`);
  return { ok: true, value: parts };
}

function splitRange(item: string): [string, string] | undefined {
  const i = item.indexOf('-');
  if (i < 0) return undefined;
  return [item.slice(0, i).trim(), item.slice(i + 1).trim()];
}

export function parseAddressCondition(text: unknown): Parsed<NumberRanges> {
  const list = items(text, 'address');
  if (!list.ok) return list;
  const out: { lo: number; hi: number }[] = [];
  for (const item of list.value) {
    if (item === '*') return { ok: true, value: null };
    const range = splitRange(item);
    if (range) {
      const [a, b] = range;
      const lo = parseIpv4(a);
      const hi = parseIpv4(b);
      if (lo === undefined) return fail(`'${item}': '${a}' is not an IPv4 address`);
      if (hi === undefined) return fail(`'${item}': '${b}' is not an IPv4 address`);
      if (lo > hi) return fail(`'${item}' is a range whose start is after its end`);
      out.push({ lo, hi });
      continue;
    }
    const slash = item.indexOf('/');
    if (slash >= 0) {
      const net = item.slice(0, slash);
      const lenText = item.slice(slash + 1);
      const base = parseIpv4(net);
      if (base === undefined) return fail(`'${item}' is not a CIDR subnet: '${net}' is not an IPv4 address`);
      if (!/^\d{1,2}$/.test(lenText) || Number(lenText) > 32) {
        return fail(`'${item}' is not a CIDR subnet: the prefix length must be 0 to 32`);
      }
      const len = Number(lenText);
      const size = 2 ** (32 - len);
      if (base % size !== 0) {
        return fail(`'${item}' is not a CIDR subnet: host bits are set (did you mean ${formatIpv4(base - (base % size))}/${len}?)`);
      }
      out.push({ lo: base, hi: base + size - 1 });
      continue;
    }
    const n = parseIpv4(item);
    if (n === undefined) return fail(`'${item}' is not an IPv4 address, range a-b, CIDR subnet or '*'`);
    out.push({ lo: n, hi: n });
  }
  return { ok: true, value: out };
}

const parsePort = (text: string): number | undefined => parsePortText(text);

export function parsePortCondition(text: unknown): Parsed<NumberRanges> {
  const list = items(text, 'port');
  if (!list.ok) return list;
  const out: { lo: number; hi: number }[] = [];
  for (const item of list.value) {
    if (item === '*') return { ok: true, value: null };
    const range = splitRange(item);
    if (range) {
      const lo = parsePort(range[0]);
      const hi = parsePort(range[1]);
      if (lo === undefined || hi === undefined) {
        return fail(`'${item}': '${lo === undefined ? range[0] : range[1]}' is not a port (1 to 65535)`);
      }
      if (lo > hi) return fail(`'${item}' is a range whose start is after its end`);
      out.push({ lo, hi });
      continue;
    }
    const n = parsePort(item);
    if (n === undefined) return fail(`'${item}' is not a port (1 to 65535), a range a-b or '*'`);
    out.push({ lo: n, hi: n });
  }
  return { ok: true, value: out };
}

/** A dotted numeric OID as numbers, or a message saying what is wrong. */
export function parseOid(text: string): Parsed<number[]> {
  if (text.length > LIMITS.shortStringLength) return fail(`'${text.slice(0, 40)}…' is not an OID: longer than ${LIMITS.shortStringLength} characters`);
  const t = text.startsWith('.') ? text.slice(1) : text;
  if (!/^\d+(\.\d+)+$/.test(t)) return fail(`'${text}' is not an OID (dotted numbers such as 1.3.6.1.6.3.1.1.5.3)`);
  const parts = t.split('.').map(Number);
  if (parts[0] > 2) return fail(`'${text}' is not an OID: the first component must be 0, 1 or 2`);
  if (parts.some((p) => p > 4294967295)) return fail(`'${text}' is not an OID: a component exceeds 4294967295`);
  return { ok: true, value: parts };
}

/** Lexicographic, component by component (numbers), a prefix first. */
export function compareOids(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

export function parseOidCondition(text: unknown): Parsed<OidRanges> {
  const list = items(text, 'OID');
  if (!list.ok) return list;
  const out: { lo: number[]; hi: number[] }[] = [];
  for (const item of list.value) {
    if (item === '*') return { ok: true, value: null };
    const range = splitRange(item);
    if (range) {
      const lo = parseOid(range[0]);
      if (!lo.ok) return fail(`'${item}': ${lo.message}`);
      const hi = parseOid(range[1]);
      if (!hi.ok) return fail(`'${item}': ${hi.message}`);
      if (compareOids(lo.value, hi.value) > 0) return fail(`'${item}' is a range whose start is after its end`);
      out.push({ lo: lo.value, hi: hi.value });
      continue;
    }
    const oid = parseOid(item);
    if (!oid.ok) return oid;
    out.push({ lo: oid.value, hi: oid.value });
  }
  return { ok: true, value: out };
}

export function parseCommunityCondition(text: unknown): Parsed<Communities> {
  const list = items(text, 'community');
  if (!list.ok) return list;
  if (list.value.includes('*')) return { ok: true, value: null };
  return { ok: true, value: new Set(list.value) };
}

export function matchNumber(ranges: NumberRanges, n: number | undefined): boolean {
  if (ranges === null) return true;
  if (n === undefined) return false;
  return ranges.some((r) => n >= r.lo && n <= r.hi);
}

export function matchAddress(ranges: NumberRanges, address: string | undefined): boolean {
  if (ranges === null) return true;
  // IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
  const a = address?.startsWith('::ffff:') ? address.slice(7) : address;
  return matchNumber(ranges, a === undefined ? undefined : parseIpv4(a));
}

export function matchOid(ranges: OidRanges, oid: string | undefined): boolean {
  if (ranges === null) return true;
  if (oid === undefined) return false;
  const parsed = parseOid(oid);
  if (!parsed.ok) return false;
  return ranges.some((r) => compareOids(parsed.value, r.lo) >= 0 && compareOids(parsed.value, r.hi) <= 0);
}

export function matchCommunity(set: Communities, community: string | undefined): boolean {
  if (set === null) return true;
  return community !== undefined && set.has(community);
}
