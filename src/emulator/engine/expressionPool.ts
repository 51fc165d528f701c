/**
 * A small pool of expression processes (expressionWorker.ts): JSONata that is not proven bounded
 * runs there, one evaluation per process at a time, each within a time budget
 * (LIMITS.expressionTimeoutMs, enforced by killing the process — which interrupts a built-in or a
 * catastrophic regular expression, unlike JSONata's own timeout) and a memory budget
 * (LIMITS.expressionMemoryMb of old generation: a process that reaches it dies, and only it).
 *
 * Why processes and not worker threads: measured on Node 20, a worker thread with
 * `resourceLimits` that allocates one huge array or string (`$pad('', 3e8)`, `[1..1e7]`) reaches
 * V8's fatal "heap limit" handler, which aborts the whole process, the gateway with it. A child
 * process with `--max-old-space-size` dies alone.
 *
 * The processes are started when first needed, replaced when one dies, unreferenced while idle
 * (they never keep the gateway alive) and exit when the gateway's IPC channel closes. There are
 * never as many as cores (one core stays for the gateway's thread: one process on 2 cores), they
 * run at a lower priority (niceness 10) and see none of the gateway's environment.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIMITS } from '../../core/limits';
import type { EvalReply, EvalRequest } from './expressionWorker';

/** Why an evaluation did not produce a value (the caller turns it into the execution's error). */
export class ExpressionBudgetError extends Error {
  constructor(
    readonly kind: 'time' | 'memory' | 'queue' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'ExpressionBudgetError';
  }
}

interface Job {
  req: Omit<EvalRequest, 'id'>;
  resolve: (reply: EvalReply) => void;
  reject: (err: Error) => void;
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  job?: { id: number; job: Job; timer: NodeJS.Timeout; timedOut: boolean };
  dead: boolean;
}

/** Where the expression process's script is: beside the running bundle, or the source under tsx. */
export function workerScript(): { file: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'expression-worker.js');
  if (fs.existsSync(bundled)) return { file: bundled, execArgv: [] };
  const source = path.join(__dirname, 'expressionWorker.ts');
  if (fs.existsSync(source)) return { file: source, execArgv: ['--import', 'tsx'] };
  // A bundle one level down (dist/…/x.js) finding dist/expression-worker.js.
  return { file: path.join(__dirname, '..', 'expression-worker.js'), execArgv: [] };
}

export class ExpressionPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Processes that died (of memory or killed for time): for diagnostics and tests. */
  replaced = 0;

  constructor(
    private readonly size: number = defaultPoolSize(),
    private readonly timeoutMs: number = LIMITS.expressionTimeoutMs,
    private readonly memoryMb: number = LIMITS.expressionMemoryMb,
  ) {}

  /** Evaluate in an expression process. Rejects with ExpressionBudgetError when a budget is exceeded. */
  evaluate(source: string, vars: Record<string, unknown>): Promise<EvalReply> {
    if (this.closed) return Promise.reject(new ExpressionBudgetError('unavailable', 'the gateway is stopping'));
    if (this.queue.length >= LIMITS.expressionQueue) {
      return Promise.reject(new ExpressionBudgetError('queue', `${this.queue.length} expressions are waiting for evaluation (limit ${LIMITS.expressionQueue})`));
    }
    return new Promise<EvalReply>((resolve, reject) => {
      this.queue.push({ req: { source, vars }, resolve, reject });
      this.pump();
    });
  }

  /** Kill every process (the gateway stops). */
  close(): void {
    this.closed = true;
    for (const s of this.slots) this.kill(s);
    for (const j of this.queue.splice(0)) j.reject(new ExpressionBudgetError('unavailable', 'the gateway is stopping'));
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.dead && !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      this.dispatch(slot, job);
    }
  }

  private spawn(): Slot {
    const { file, execArgv } = workerScript();
    const child = fork(file, [], {
      execArgv: [...execArgv, `--max-old-space-size=${this.memoryMb}`, '--max-semi-space-size=4', '--stack-size=984'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      // Nothing of the gateway's environment (it may hold credentials) but what Node needs.
      env: { FLOWGATE_EXPRESSION_WORKER: '1', PATH: process.env.PATH ?? '', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) },
    });
    hold(child, false);
    // Below the gateway's own priority: budgeted work never takes the CPU from answering requests.
    try {
      if (child.pid !== undefined) os.setPriority(child.pid, EXPRESSION_NICENESS);
    } catch {
      /* not permitted here: the pool size still leaves a core free */
    }
    let readyResolve!: () => void;
    let started = false;
    const slot: Slot = { child, dead: false, ready: new Promise<void>((r) => (readyResolve = r)) };
    child.on('message', (msg: EvalReply | { ready: true }) => {
      if ('ready' in msg) {
        started = true;
        return readyResolve();
      }
      const running = slot.job;
      if (!running || running.id !== msg.id) return;
      clearTimeout(running.timer);
      slot.job = undefined;
      hold(child, false);
      running.job.resolve(msg);
      this.pump();
    });
    const died = (why: 'exit' | 'error', code?: number | null, signal?: NodeJS.Signals | null) => {
      if (slot.dead) return;
      slot.dead = true;
      readyResolve();
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      this.replaced++;
      const running = slot.job;
      slot.job = undefined;
      if (running) {
        clearTimeout(running.timer);
        // V8 aborts a process that reaches its heap limit (SIGABRT, or exit code 134 through a shell).
        const outOfMemory = signal === 'SIGABRT' || code === 134;
        running.job.reject(
          running.timedOut && started
            ? new ExpressionBudgetError('time', `exceeded its time budget (${this.timeoutMs} ms)`)
            : outOfMemory
              ? new ExpressionBudgetError('memory', `exceeded its memory budget (${this.memoryMb} MB)`)
              : new ExpressionBudgetError('unavailable', started ? `the expression process stopped (${signal ?? `exit code ${code}`})` : 'the expression process could not start'),
        );
      }
      if (!this.closed) setImmediate(() => this.pump());
    };
    child.on('exit', (code, signal) => died('exit', code, signal));
    child.on('error', () => {
      this.kill(slot);
      died('error');
    });
    this.slots.push(slot);
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    const id = this.nextId++;
    const overrun = () => {
      if (slot.job?.id !== id) return;
      slot.job.timedOut = true;
      this.kill(slot);
    };
    // Until the process is up, a generous start-up allowance; a process that never starts is replaced.
    hold(slot.child, true);
    slot.job = { id, job, timer: setTimeout(overrun, this.timeoutMs + 10_000), timedOut: false };
    void slot.ready.then(() => {
      if (slot.dead || slot.job?.id !== id) return;
      // The time budget counts from here: the process is up and takes the job.
      clearTimeout(slot.job.timer);
      slot.job.timer = setTimeout(overrun, this.timeoutMs + 250);
      try {
        slot.child.send({ id, ...job.req } satisfies EvalRequest, (err) => {
          if (err && slot.job?.id === id) this.kill(slot);
        });
      } catch {
        this.kill(slot);
      }
    });
  }

  private kill(slot: Slot): void {
    try {
      slot.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Niceness of expression processes (0 = the gateway's, 19 = lowest). */
const EXPRESSION_NICENESS = 10;

/**
 * Processes in the pool: LIMITS.expressionProcesses, but never all the cores — one stays for the
 * gateway's own thread (a 2-core machine runs one expression process at a time).
 */
export function defaultPoolSize(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(LIMITS.expressionProcesses, cores - 1));
}

/** An idle process never keeps the gateway alive; one that is evaluating does, until it answers. */
function hold(child: ChildProcess, busy: boolean): void {
  const channel = child.channel as { ref?: () => void; unref?: () => void } | undefined;
  if (busy) {
    child.ref();
    channel?.ref?.();
  } else {
    child.unref();
    channel?.unref?.();
  }
}

let shared: ExpressionPool | undefined;

/** The gateway's pool (one per process). */
export function expressionPool(): ExpressionPool {
  shared ??= new ExpressionPool();
  return shared;
}

export function closeExpressionPool(): void {
  shared?.close();
  shared = undefined;
}
