/**
 * Flow expressions: a string value starting with `=` is JSONata evaluated against the flow's
 * variables; `==` is a literal `=`. Nothing here uses eval or new Function.
 *
 * Budgets: an expression proven linear and small (expressionBounds.ts) runs in the gateway's
 * thread under JSONata's own guards with a short time slice (LIMITS.expressionInlineMs; past it,
 * it is run again in an expression process); every other expression runs in an expression
 * process (expressionPool.ts) with a time and a memory budget it cannot escape. A result larger
 * than LIMITS.expressionResultBytes fails too. Going over any budget fails the execution with
 * `budget-exceeded` and says which budget.
 */
import jsonata from 'jsonata';
import { LIMITS } from '../../core/limits';
import { FlowError } from './errors';
import { analyse, type ExpressionShape } from './expressionBounds';
import { ExpressionBudgetError, expressionPool } from './expressionPool';
import { toPlain, type EvalReply } from './expressionWorker';
import { formatBytes, measure } from './valueSize';

export const EXPRESSION_TIMEOUT_MS = LIMITS.expressionTimeoutMs;
const CACHE_LIMIT = 2000;
/** Characters of source the compiled-expression cache may hold (a syntax tree takes tens of times its source). */
const CACHE_SOURCE_CHARS = 2 * 1024 * 1024;
let cachedChars = 0;
/** Characters of an expression's source quoted in an error message. */
const QUOTED_SOURCE = 200;

interface Compiled {
  shape: ExpressionShape;
  /** Set for inline expressions: compiled with the inline time slice. */
  inline?: jsonata.Expression;
}

const cache = new Map<string, Compiled>();

/** Where evaluations ran (diagnostics and tests): inline, in a process, moved to a process past the inline time slice. */
export const expressionStats = { inline: 0, inProcess: 0, moved: 0 };

function quote(source: string): string {
  const s = source.trim();
  return s.length > QUOTED_SOURCE ? `${s.slice(0, QUOTED_SOURCE)}…` : s;
}

function compile(source: string): Compiled {
  let c = cache.get(source);
  if (!c && source.length > LIMITS.expressionInlineSourceLength) {
    // Parsed (and its syntax errors found) by the expression process: it may see every variable.
    c = { shape: { inline: false, reads: 'all' } };
    remember(source, c);
  }
  if (!c) {
    let expr: jsonata.Expression;
    try {
      expr = jsonata(source, { timeout: LIMITS.expressionInlineMs, stack: LIMITS.expressionDepth, sequence: LIMITS.expressionSequence });
    } catch (err) {
      throw new FlowError('expression-error', `Invalid expression "${quote(source)}": ${jsonataMessage(err)}`);
    }
    const shape = analyse(expr.ast());
    if (shape.inline) {
      // JSONata's own $length and $substring copy the string into an array of characters (a
      // 5 MB string: 5 million entries, ~100 ms): these count code points without copying.
      expr.registerFunction('length', codePointLength, '<s-:n>');
      expr.registerFunction('substring', codePointSubstring, '<s-nn?:s>');
    }
    c = shape.inline ? { shape, inline: expr } : { shape };
    remember(source, c);
  }
  return c;
}

const SURROGATE = /[\uD800-\uDFFF]/;
/** Past this, a string with surrogate pairs is measured in an expression process (it needs a copy). */
const INLINE_SURROGATE_STRING = 64 * 1024;
/** Thrown inside an inline evaluation to move it to an expression process (like JSONata's timeout). */
const move = () => ({ code: 'D1012', message: 'moved to an expression process' });

function codePointLength(str: string | undefined): number | undefined {
  if (str === undefined) return undefined;
  if (!SURROGATE.test(str)) return str.length;
  if (str.length > INLINE_SURROGATE_STRING) throw move();
  return Array.from(str).length;
}

function codePointSubstring(str: string | undefined, start: number, length?: number): string | undefined {
  if (str === undefined) return undefined;
  const plain = !SURROGATE.test(str);
  if (!plain && str.length > INLINE_SURROGATE_STRING) throw move();
  const chars: string | string[] = plain ? str : Array.from(str);
  const n = chars.length;
  if (n + start < 0) start = 0;
  let end: number | undefined;
  if (length !== undefined) {
    if (length <= 0) return '';
    end = start >= 0 ? start + length : n + start + length;
  }
  return plain ? str.slice(start, end) : (chars as string[]).slice(start, end).join('');
}

/**
 * Inline evaluations (and the engine's steps) run on promises (microtasks): many in a row — a
 * long for-each, a set step with many values — would never let the event loop turn. Once the
 * current turn has been busy for LIMITS.expressionInlineMs since the first call in it, wait for
 * the next turn.
 */
let turnStarted = 0;
let turnMarked = false;
export async function shareTheThread(): Promise<void> {
  const now = performance.now();
  if (!turnMarked) {
    turnMarked = true;
    turnStarted = now;
    setImmediate(() => {
      turnMarked = false;
    });
    return;
  }
  if (now - turnStarted > LIMITS.expressionInlineMs) await new Promise<void>((resolve) => setImmediate(resolve));
}

function remember(source: string, c: Compiled): void {
  if (cache.size >= CACHE_LIMIT || cachedChars + source.length > CACHE_SOURCE_CHARS) {
    cache.clear();
    cachedChars = 0;
  }
  cache.set(source, c);
  cachedChars += source.length;
}

function jsonataMessage(err: unknown): string {
  const e = err as { code?: string; message?: string; position?: number; value?: unknown };
  if (e?.code === 'D1012') return `evaluation took longer than ${LIMITS.expressionTimeoutMs} ms (runaway expression?)`;
  if (e?.code === 'D1011') return `evaluation nested deeper than ${LIMITS.expressionDepth} levels (runaway recursion?)`;
  if (err instanceof RangeError) return `${err.message} (runaway recursion?)`;
  const msg = String(e?.message ?? err).slice(0, LIMITS.textLength);
  return e?.position !== undefined ? `${msg} (at character ${e.position})` : msg;
}

function budgetError(source: string, what: string): FlowError {
  return new FlowError('budget-exceeded', `Expression "${quote(source)}" ${what}`);
}

const tooLarge = (source: string, bytes: number) =>
  budgetError(source, `produced a result of more than ${formatBytes(LIMITS.expressionResultBytes)} (${formatBytes(bytes)} or more)`);

/** Is this value an expression (`=…` but not `==…`)? */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('=') && !value.startsWith('==');
}

/** Evaluate one expression source (without its leading `=`). */
export async function evaluateExpression(source: string, vars: Record<string, unknown>): Promise<unknown> {
  const c = compile(source);
  if (c.inline) {
    await shareTheThread();
    let value: unknown;
    try {
      value = await c.inline.evaluate(vars);
    } catch (err) {
      // Past its time slice, a proven-linear expression is run again where time may be spent.
      if ((err as { code?: string })?.code !== 'D1012') throw evaluationError(source, err);
      expressionStats.moved++;
      return evaluateInProcess(source, c.shape, vars);
    }
    expressionStats.inline++;
    const size = measure(value, LIMITS.expressionResultBytes);
    if (size.over) throw tooLarge(source, size.bytes);
    return toPlain(value);
  }
  return evaluateInProcess(source, c.shape, vars);
}

function evaluationError(source: string, err: unknown): FlowError {
  const code = (err as { code?: string })?.code;
  if (code === 'D1011' || err instanceof RangeError) return budgetError(source, `exceeded its depth budget: ${jsonataMessage(err)}`);
  if (code === 'D2014' || code === 'D2015') return budgetError(source, `exceeded its size budget: ${jsonataMessage(err)}`);
  return new FlowError('expression-error', `Expression "${quote(source)}" failed: ${jsonataMessage(err)}`);
}

async function evaluateInProcess(source: string, shape: ExpressionShape, vars: Record<string, unknown>): Promise<unknown> {
  // Only the variables the expression may read travel to the process.
  let sent = vars;
  if (shape.reads !== 'all') {
    sent = {};
    for (const name of shape.reads) if (Object.prototype.hasOwnProperty.call(vars, name)) sent[name] = vars[name];
  }
  expressionStats.inProcess++;
  let reply: EvalReply;
  try {
    reply = await expressionPool().evaluate(source, sent);
  } catch (err) {
    if (err instanceof ExpressionBudgetError) {
      if (err.kind === 'unavailable') throw new FlowError('expression-error', `Expression "${quote(source)}" could not be evaluated: ${err.message}`);
      throw budgetError(source, `${err.message}${err.kind === 'queue' ? '' : ' (runaway expression?)'}`);
    }
    throw new FlowError('expression-error', `Expression "${quote(source)}" could not be evaluated: ${(err as Error)?.message ?? String(err)}`);
  }
  if (reply.ok) return reply.value;
  switch (reply.kind) {
    case 'time':
      throw budgetError(source, `exceeded its time budget (${LIMITS.expressionTimeoutMs} ms) (runaway expression?)`);
    case 'depth':
      throw budgetError(source, `exceeded its depth budget (${LIMITS.expressionDepth} levels) (runaway recursion?)`);
    case 'size':
      throw budgetError(source, `exceeded its size budget: ${reply.message}`);
    case 'result':
      throw tooLarge(source, reply.bytes ?? LIMITS.expressionResultBytes);
    default:
      throw new FlowError(
        'expression-error',
        `Expression "${quote(source)}" failed: ${reply.message}${reply.position !== undefined ? ` (at character ${reply.position})` : ''}`,
      );
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
