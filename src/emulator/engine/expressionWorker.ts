/**
 * An expression process (`dist/expression-worker.js`, forked by expressionPool.ts with a small
 * heap): evaluates one JSONata expression at a time and answers with the plain result or the
 * error. It may die — of its heap limit (a `$pad('', 3e8)`), or killed by the gateway when an
 * evaluation overruns its time (catastrophic regex backtracking inside a built-in) — and the
 * gateway replaces it; nothing here can take the gateway down. It exits when the gateway does
 * (the IPC channel closes).
 */
import jsonata from 'jsonata';
import { LIMITS } from '../../core/limits';
import { measure } from './valueSize';

export interface EvalRequest {
  id: number;
  source: string;
  vars: Record<string, unknown>;
}

export type EvalReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; kind: 'error' | 'time' | 'depth' | 'size' | 'result'; code?: string; message: string; position?: number; bytes?: number };

const cache = new Map<string, jsonata.Expression>();

function compile(source: string): jsonata.Expression {
  let expr = cache.get(source);
  if (!expr) {
    expr = jsonata(source, { timeout: LIMITS.expressionTimeoutMs, stack: LIMITS.expressionDepth, sequence: LIMITS.expressionSequence });
    if (cache.size >= 500) cache.clear();
    cache.set(source, expr);
  }
  return expr;
}

/** Strip JSONata sequence markers and functions: plain JSON-like data only. */
export function toPlain(value: unknown, depth = 0): unknown {
  if (typeof value === 'function') return undefined;
  if (depth > LIMITS.expressionDepth) throw new RangeError('result nested too deep');
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      const p = toPlain(v, depth + 1);
      if (p !== undefined) out.push(p);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    if ((value as { _jsonata_lambda?: boolean })._jsonata_lambda) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = toPlain(v, depth + 1);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return value;
}

export async function evaluateRequest(req: EvalRequest): Promise<EvalReply> {
  try {
    const value = await compile(req.source).evaluate(req.vars);
    const size = measure(value, LIMITS.expressionResultBytes);
    if (size.over) return { id: req.id, ok: false, kind: 'result', message: 'result too large', bytes: size.bytes };
    return { id: req.id, ok: true, value: toPlain(value) };
  } catch (err) {
    const e = err as { code?: string; message?: string; position?: number };
    const code = typeof e?.code === 'string' ? e.code : undefined;
    const kind = code === 'D1012' ? 'time' : code === 'D1011' || err instanceof RangeError ? (err instanceof RangeError && !/stack/i.test(String(e.message)) ? 'size' : 'depth') : code === 'D2014' || code === 'D2015' ? 'size' : 'error';
    return { id: req.id, ok: false, kind, code, message: String(e?.message ?? err).slice(0, LIMITS.textLength), position: typeof e?.position === 'number' ? e.position : undefined };
  }
}

if (typeof process.send === 'function' && process.env.FLOWGATE_EXPRESSION_WORKER === '1') {
  process.on('message', (msg: EvalRequest) => {
    void evaluateRequest(msg).then(
      (reply) => {
        try {
          process.send!(reply);
        } catch (err) {
          process.send!({ id: msg.id, ok: false, kind: 'error', message: `the result could not be sent: ${(err as Error).message}` } satisfies EvalReply);
        }
      },
      (err) => process.send!({ id: msg.id, ok: false, kind: 'error', message: String((err as Error)?.message ?? err) } satisfies EvalReply),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
}
