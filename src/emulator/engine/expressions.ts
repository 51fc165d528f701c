/**
 * Flow expressions: a string value starting with `=` is JSONata evaluated against the flow's
 * variables; `==` is a literal `=`. Evaluation is timeboxed (jsonata's `timeout`/`stack` guards,
 * checked at every evaluation step) so a runaway expression fails the execution instead of
 * blocking the gateway. Nothing here uses eval or new Function.
 */
import jsonata from 'jsonata';
import { FlowError } from './errors';

export const EXPRESSION_TIMEOUT_MS = 1000;
const EXPRESSION_MAX_DEPTH = 2000;
const EXPRESSION_MAX_SEQUENCE = 1_000_000;
const CACHE_LIMIT = 2000;

const cache = new Map<string, jsonata.Expression>();

function compile(source: string): jsonata.Expression {
  let expr = cache.get(source);
  if (!expr) {
    try {
      expr = jsonata(source, {
        timeout: EXPRESSION_TIMEOUT_MS,
        stack: EXPRESSION_MAX_DEPTH,
        sequence: EXPRESSION_MAX_SEQUENCE,
      });
    } catch (err) {
      throw new FlowError('expression-error', `Invalid expression "${source.trim()}": ${jsonataMessage(err)}`);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(source, expr);
  }
  return expr;
}

function jsonataMessage(err: unknown): string {
  const e = err as { code?: string; message?: string; position?: number; value?: unknown };
  if (e?.code === 'D1012') return `evaluation took longer than ${EXPRESSION_TIMEOUT_MS} ms (runaway expression?)`;
  if (e?.code === 'D1011') return `evaluation nested deeper than ${EXPRESSION_MAX_DEPTH} levels (runaway recursion?)`;
  if (err instanceof RangeError) return `${err.message} (runaway recursion?)`;
  const msg = e?.message ?? String(err);
  return e?.position !== undefined ? `${msg} (at character ${e.position})` : msg;
}

/** Is this value an expression (`=…` but not `==…`)? */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('=') && !value.startsWith('==');
}

/** Evaluate one expression source (without its leading `=`). */
export async function evaluateExpression(source: string, vars: Record<string, unknown>): Promise<unknown> {
  const expr = compile(source);
  try {
    return toPlain(await expr.evaluate(vars));
  } catch (err) {
    throw new FlowError('expression-error', `Expression "${source.trim()}" failed: ${jsonataMessage(err)}`);
  }
}

/** Evaluate a value deeply: expressions inside objects and arrays too; `==x` becomes `=x`. */
export async function evaluateValue(value: unknown, vars: Record<string, unknown>): Promise<unknown> {
  if (typeof value === 'string') {
    if (value.startsWith('==')) return value.slice(1);
    if (value.startsWith('=')) return evaluateExpression(value.slice(1), vars);
    return value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await evaluateValue(item, vars));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = await evaluateValue(v, vars);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return value;
}

/** JSONata truthiness: empty strings, 0, null, empty arrays and empty objects are false. */
export function toBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(toBoolean);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Strip JSONata sequence markers and functions: plain JSON-like data only. */
function toPlain(value: unknown): unknown {
  if (typeof value === 'function') return undefined;
  if (Array.isArray(value)) return value.map(toPlain).filter((v) => v !== undefined);
  if (value !== null && typeof value === 'object') {
    if ((value as { _jsonata_lambda?: boolean })._jsonata_lambda) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = toPlain(v);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return value;
}

/** A value as log text. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
