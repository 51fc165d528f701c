/**
 * Shared by the benchmarks: child processes that are always killed, real emulator processes,
 * publishing packages, process memory from /proc, percentiles, tables and goal verdicts.
 *
 * Rules every benchmark follows: traffic only to 127.0.0.1; every loop bounded in count and
 * time; results are ratios against a baseline measured in the same run; the benchmark stops by
 * itself (and kills what it started on any exit, Ctrl-C included).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPackageFile } from '../../src/core/package/packageFile';
import { startEmulatorProcess, type EmulatorProcess, type EmulatorProcessOptions } from '../../test/support/emulatorProcess';

export const BENCH_DIR = path.resolve(__dirname, '..');
export const HOST = '127.0.0.1';

// ---- cleanup -------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const emulators = new Set<EmulatorProcess>();

function killAllNow(): void {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const e of emulators) {
    try {
      e.process.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    process.stderr.write(`\n${sig}: stopping the benchmark and its processes\n`);
    killAllNow();
    process.exit(130);
  });
}

/** A temp folder removed on exit (and by `removeTempDir`). */
export function trackTempDir(dir: string): string {
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** A real emulator process (dist/emulator.js, rebuilt when stale), killed on any exit. */
export async function startEmulator(opts: EmulatorProcessOptions = {}): Promise<EmulatorProcess> {
  const gw = await startEmulatorProcess(opts);
  emulators.add(gw);
  byUrl.set(gw.url, gw);
  // A data folder the emulator helper made is removed by stop()/kill(); on a signal, by us.
  const ownData = opts.dataDir === undefined;
  if (ownData) tempDirs.add(gw.dataDir);
  const forget = () => {
    emulators.delete(gw);
    byUrl.delete(gw.url);
    if (ownData) tempDirs.delete(gw.dataDir);
  };
  const stop = gw.stop;
  const kill = gw.kill;
  gw.stop = async () => {
    try {
      return await stop();
    } finally {
      forget();
    }
  };
  gw.kill = async () => {
    try {
      await kill();
    } finally {
      forget();
    }
  };
  return gw;
}

export interface Helper<M = unknown> {
  child: ChildProcess;
  /** The first message of the given type (within timeoutMs). */
  next<T extends M = M>(type: string, timeoutMs?: number): Promise<T>;
  send(message: unknown): void;
  /** SIGTERM, then SIGKILL after 3 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

/**
 * Fork a helper script of bench/helpers (TypeScript, through tsx) with an IPC channel. Helpers
 * exit when the channel closes (their parent died), so nothing outlives the benchmark.
 */
export function forkHelper<M extends { type: string } = { type: string }>(script: string, args: string[] = []): Helper<M> {
  const child = fork(path.join(BENCH_DIR, 'helpers', script), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      resolve();
    }),
  );
  const inbox: M[] = [];
  const waiters: { type: string; resolve: (m: M) => void }[] = [];
  child.on('message', (m: M) => {
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
    else inbox.push(m);
  });
  return {
    child,
    next<T extends M>(type: string, timeoutMs = 30_000): Promise<T> {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no '${type}' message within ${timeoutMs} ms`)), timeoutMs);
        const w = {
          type,
          resolve: (m: M) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        };
        waiters.push(w);
        exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`${script} exited (code ${child.exitCode}) before sending '${type}'`));
        });
      });
    },
    send(message: unknown) {
      child.send(message as never);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

// ---- gateway API ----------------------------------------------------------------------------------

/** Emulators started by startEmulator, by URL: api() calls them as their local admin. */
const byUrl = new Map<string, EmulatorProcess>();

/**
 * One API request. To an emulator started by startEmulator it carries that emulator's local admin
 * token (management routes need Admin); set `authorization` in `headers` to send another (or '' for none).
 */
export async function api<T = any>(base: string, method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const h: Record<string, string> = { ...headers };
  const gw = byUrl.get(base);
  if (h.authorization === undefined && gw) h.authorization = `Bearer ${await gw.adminToken()}`;
  if (h.authorization === '') delete h.authorization;
  const init: RequestInit = { method, headers: h };
  if (body instanceof Uint8Array) {
    init.body = body as Uint8Array<ArrayBuffer>;
    (init.headers as Record<string, string>)['content-type'] = 'application/zip';
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(base + pathname, init);
  const text = await res.text();
  const parsed = (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  return { status: res.status, body: parsed as T };
}

/** Like api(), but throws unless the status is 2xx. */
export async function apiOk<T = any>(base: string, method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const r = await api<T>(base, method, pathname, body, headers);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${pathname} → ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body;
}

/** Build a package from flow texts (with the real core), upload it and (by default) publish it. */
export async function uploadPackage(
  base: string,
  name: string,
  version: number,
  flows: Record<string, string>,
  opts: { publish?: boolean; schedules?: unknown[]; triggers?: unknown[] } = {},
): Promise<void> {
  const { bytes } = await buildPackageFile({
    name,
    version,
    createdBy: 'flowgate-bench/0.1.0',
    definitions: Object.entries(flows).map(([id, text]) => ({ kind: 'flow' as const, id, text })),
    ...(opts.schedules ? { schedules: opts.schedules } : {}),
    ...(opts.triggers ? { triggers: opts.triggers } : {}),
  });
  await apiOk(base, 'POST', '/api/v1/packages', bytes);
  if (opts.publish !== false) await apiOk(base, 'POST', `/api/v1/packages/${encodeURIComponent(name)}/versions/${version}/publish`);
}

export function startPath(flow: string, query: Record<string, string | number> = {}): string {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return `/api/default/default/flows/${encodeURIComponent(flow)}/executions${qs ? `?${qs}` : ''}`;
}

/** The benchmark's three-step flow: set, log, set. */
export const THREE_STEP_FLOW = `
description: Benchmark flow - set, log, set.
inputs:
  device:
    type: string
    default: router-1
outputs:
  greeting:
    type: string
  count:
    type: integer
steps:
  - kind: set
    values:
      count: 1
  - kind: log
    message: "= 'hello ' & device"
  - kind: set
    values:
      greeting: "= 'hello ' & device"
`;

// ---- measurement ----------------------------------------------------------------------------------

/** Resident set size (and peak) of a process in KiB, from /proc/<pid>/status. */
export function procMemoryKb(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(m[1]);
  };
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** Nearest-rank percentile (p in 0..100) of unsorted numbers. */
/** `fn` run `n` times one after another: each run's milliseconds. */
export async function timeRuns(n: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll fn until it returns a value (not undefined), at most timeoutMs. */
export async function waitUntil<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---- reporting ------------------------------------------------------------------------------------

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

export interface Verdict {
  goal: string;
  measured: string;
  met: boolean | null;
}

/** Prints the goals and their verdicts; `null` = could not be measured. */
export function printVerdicts(name: string, verdicts: Verdict[]): void {
  printTable(`${name}: goals`, ['goal', 'measured', 'verdict'], verdicts.map((v) => [v.goal, v.measured, v.met === null ? 'NOT MEASURED' : v.met ? 'MET' : 'MISSED']));
}

/** The machine the numbers were measured on (printed with every benchmark). */
export function describeMachine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, node ${process.version}, load average ${load}`;
}

/** Run a benchmark's main: prints the header, exits 0 when done (goal misses are reported, not failures), 1 on errors. */
export function runBenchmark(name: string, main: () => Promise<void>, hardLimitMs = 120_000): void {
  console.log(`== ${name} (${describeMachine()})`);
  const started = Date.now();
  const limit = setTimeout(() => {
    console.error(`${name}: took longer than ${hardLimitMs / 1000} s; stopping`);
    killAllNow();
    process.exit(1);
  }, hardLimitMs);
  limit.unref();
  main().then(
    async () => {
      console.log(`\n${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await stopAll();
      process.exit(0);
    },
    async (err) => {
      console.error(`${name}: failed: ${(err as Error)?.stack ?? String(err)}`);
      await stopAll();
      process.exit(1);
    },
  );
}

async function stopAll(): Promise<void> {
  await Promise.all([...emulators].map((e) => e.stop().catch(() => undefined)));
  killAllNow();
}
