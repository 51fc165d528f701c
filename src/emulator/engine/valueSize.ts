/**
 * Bounded measurement of JSON-like values: about how many bytes a value takes as JSON, and how
 * deep it nests, without ever walking more than a budget. The walk is iterative (no recursion, so
 * no stack overflow on deep values) and stops as soon as the count passes `limit` or the depth
 * passes `maxDepth` — a cyclic or shared structure is counted as the tree it unfolds into, so it
 * ends at the limit too. Costs O(min(size, limit)).
 */
import { LIMITS } from '../../core/limits';

export interface Measure {
  /** Bytes counted (UTF-8 of strings, keys, punctuation); more than `limit` means "at least". */
  bytes: number;
  /** The walk stopped early: the value is larger than the limit or deeper than maxDepth. */
  over: boolean;
  /** Deeper than maxDepth. */
  tooDeep: boolean;
}

export function measure(value: unknown, limit: number, maxDepth = LIMITS.jsonDepth * 2): Measure {
  let bytes = 0;
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length) {
    const { v, d } = stack.pop()!;
    if (d > maxDepth) return { bytes, over: true, tooDeep: true };
    switch (typeof v) {
      case 'string':
        bytes += (v.length < 1024 ? v.length : Buffer.byteLength(v, 'utf8')) + 2;
        break;
      case 'number':
      case 'bigint':
        bytes += 8;
        break;
      case 'boolean':
        bytes += 5;
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        break;
      default:
        if (v === null) bytes += 4;
        else if (Array.isArray(v)) {
          bytes += 2 + v.length;
          for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], d: d + 1 });
        } else {
          const keys = Object.keys(v as object);
          bytes += 2;
          for (const k of keys) {
            bytes += k.length + 4;
            stack.push({ v: (v as Record<string, unknown>)[k], d: d + 1 });
            if (bytes > limit) return { bytes, over: true, tooDeep: false };
          }
        }
    }
    if (bytes > limit) return { bytes, over: true, tooDeep: false };
  }
  return { bytes, over: false, tooDeep: false };
}

/** A short, human form of a byte count: `64 KB`, `5 MB`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/** The marker that replaces a value too large (or too deep) for an execution record. */
export interface TruncatedMarker {
  $truncated: true;
  /** Bytes the value takes as JSON (at least this many when `over` the measuring budget). */
  bytes: number;
}

/**
 * Variables (inputs, outputs) as an execution record keeps them: each value bounded by
 * `LIMITS.recordValueBytes`, and once all of them together pass `LIMITS.recordVariablesBytes`
 * the rest are markers too. Returns the same object when nothing had to change.
 */
export function boundedVariables<T extends Record<string, unknown> | null>(vars: T): T {
  if (vars === null || typeof vars !== 'object') return vars;
  let total = 0;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    const room = Math.max(0, Math.min(LIMITS.recordValueBytes, LIMITS.recordVariablesBytes - total));
    const m = measure(v, room, LIMITS.jsonDepth);
    if (m.over) {
      const full = m.tooDeep ? m : measure(v, LIMITS.recordValueBytes * 64, LIMITS.jsonDepth);
      define(out, k, { $truncated: true, bytes: full.bytes } satisfies TruncatedMarker);
      total += 40;
      changed = true;
    } else {
      define(out, k, v);
      total += m.bytes + k.length;
    }
  }
  return (changed ? out : vars) as T;
}

/** An own enumerable property whatever the key (`__proto__` included). */
function define(o: Record<string, unknown>, k: string, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
}

/** Text cut to `limit` characters with a visible note of what was left out. */
export function boundedText(text: string, limit: number = LIMITS.textLength): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}… [truncated: ${text.length} characters]`;
}
