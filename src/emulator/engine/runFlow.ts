/**
 * Executes a FlowDocument: every step kind of model/flow.ts, in order, against one flat set of
 * variables. Returns the declared outputs read from the variables at the end.
 */
import type { FlowDocument, Step } from '../../core/model/flow';
import type { RunContext } from './context';
import { FlowError, StoppedError, throwIfStopped } from './errors';
import { evaluateValue, shareTheThread, toBoolean, toText } from './expressions';
import { runHttpStep } from './httpStep';

const MAX_WAIT_SECONDS = 24 * 3600;
/** Let other requests and executions run between steps of a long loop. */
const YIELD_EVERY_STEPS = 200;

export async function runFlow(flow: FlowDocument, ctx: RunContext): Promise<Record<string, unknown>> {
  await runSteps(flow.steps ?? [], 'steps', ctx);
  const outputs: Record<string, unknown> = {};
  for (const name of Object.keys(flow.outputs ?? {})) {
    const v = ctx.vars[name];
    if (v !== undefined) outputs[name] = v;
  }
  return outputs;
}

function stepLabel(step: Step, path: string): string {
  return step.name ? `${path} ${step.kind} "${step.name}"` : `${path} ${step.kind}`;
}

async function runSteps(steps: Step[], path: string, ctx: RunContext): Promise<void> {
  for (let i = 0; i < steps.length; i++) {
    if (++ctx.counter.steps % YIELD_EVERY_STEPS === 0) await new Promise((r) => setImmediate(r));
    else await shareTheThread();
    throwIfStopped(ctx.signal);
    const step = steps[i];
    const p = `${path}[${i}]`;
    const label = stepLabel(step, p);
    try {
      await runStep(step, p, label, ctx);
    } catch (err) {
      if (err instanceof StoppedError) throw err;
      if (err instanceof FlowError) {
        if (!err.step) err.step = label;
        throw err;
      }
      throw new FlowError('internal', (err as Error)?.message ?? String(err), label);
    }
  }
}

async function runStep(step: Step, path: string, label: string, ctx: RunContext): Promise<void> {
  const vars = ctx.vars;
  switch (step.kind) {
    case 'set': {
      // Values are evaluated in order, each seeing the ones before it.
      for (const [name, value] of Object.entries(step.values ?? {})) {
        assign(ctx, name, await evaluateValue(value, vars));
      }
      return;
    }
    case 'log': {
      ctx.log(step.level ?? 'info', toText(await evaluateValue(step.message, vars)), label);
      return;
    }
    case 'wait': {
      const seconds = Number(await evaluateValue(step.seconds, vars));
      if (!Number.isFinite(seconds) || seconds < 0) {
        throw new FlowError('invalid-step', `wait needs a number of seconds ≥ 0, got ${toText(step.seconds)}`);
      }
      await sleep(Math.min(seconds, MAX_WAIT_SECONDS) * 1000, ctx.signal);
      return;
    }
    case 'http': {
      const result = await runHttpStep(step, ctx, label);
      if (step.output) assign(ctx, step.output, result);
      return;
    }
    case 'run-flow': {
      const flowRef = toText(await evaluateValue(step.flow, vars));
      const inputs = (await evaluateValue(step.inputs ?? {}, vars)) as Record<string, unknown>;
      const mode = step.mode ?? 'sync';
      const child = await ctx.host.runChild(flowRef, inputs, mode, label);
      if (step.output) assign(ctx, step.output, mode === 'async' ? child.executionId : (child.outputs ?? {}));
      return;
    }
    case 'if': {
      const cond = toBoolean(await evaluateValue(step.condition, vars));
      if (cond) await runSteps(step.then ?? [], `${path}.then`, ctx);
      else if (step.else) await runSteps(step.else, `${path}.else`, ctx);
      return;
    }
    case 'for-each': {
      const raw = await evaluateValue(step.items, vars);
      const items = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
      const as = step.as ?? 'item';
      for (let i = 0; i < items.length; i++) {
        throwIfStopped(ctx.signal);
        assign(ctx, as, items[i]);
        assign(ctx, `${as}Index`, i);
        await runSteps(step.steps ?? [], `${path}.steps`, ctx);
      }
      return;
    }
    case 'try': {
      try {
        await runSteps(step.steps ?? [], `${path}.steps`, ctx);
      } catch (err) {
        if (!(err instanceof FlowError)) throw err;
        assign(ctx, step.errorVariable ?? 'error', { message: err.message, code: err.code, step: err.step ?? label });
        ctx.log('warn', `caught ${err.code}: ${err.message}`, label);
        if (step.catch) await runSteps(step.catch, `${path}.catch`, ctx);
      }
      return;
    }
    case 'fail': {
      const message = toText(await evaluateValue(step.message, vars));
      throw new FlowError(step.code ?? 'failed', message || 'The flow failed', label);
    }
    default: {
      const kind = (step as { kind?: unknown }).kind;
      throw new FlowError('invalid-step', `Unknown step kind '${String(kind)}'`);
    }
  }
}

/** `vars[name] = value` within the execution's memory budget (when it has one). */
function assign(ctx: RunContext, name: string, value: unknown): void {
  if (ctx.budget) ctx.budget.assign(ctx.vars, name, value);
  else ctx.vars[name] = value;
}

/** A timer that rejects with StoppedError as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new StoppedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StoppedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
