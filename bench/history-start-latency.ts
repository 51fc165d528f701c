/**
 * Benchmark: execution start latency with an empty history and with 100,000 executions in
 * history (issue 3: "starting an execution costs the same with 100,000 executions in history as
 * with none").
 *
 *   node --import tsx bench/history-start-latency.ts [--history 100000] [--requests 2000] [--seed file|api]
 *
 * Two real emulator processes, both with `--execution-retention 250000` (so nothing is dropped):
 *   - "empty": a fresh data folder, the package published;
 *   - "full": a data folder holding `history` executions of the same flow.
 * The measured request is a synchronous start of the three-step flow (set, log, set): the
 * latency of the whole answer, from this process, one request at a time (no concurrency).
 * The two gateways are measured alternately in blocks of 100 requests (so background load on
 * the machine hits both alike), after 200 warm-up requests each. Baseline: the empty gateway.
 *
 * Producing the history:
 *   --seed file (default): the gateway's own history format is written directly — an
 *     append-only JSON-lines log in `<data>/executions/NNNNNNNN.jsonl` segments, one line per
 *     record state (today a `Running` line at start and the final line at the end), 5,000 lines
 *     per segment (what the gateway writes with this retention). The lines are copies of the
 *     lines the gateway itself wrote for one real execution of the flow (run first, in the same
 *     data folder), with fresh ids and timestamps spread over the past. The gateway then
 *     opens the folder as after a restart; the benchmark waits until it has read the history
 *     (GET /api/v1/executions answers, and lists them all) before measuring.
 *   --seed api: the history is produced by running the executions through the API
 *     (autocannon, 50 connections, sync starts) on the "full" gateway itself; slower (≈ tens of
 *     seconds on 2 cores).
 * Goal: median and p99 with 100,000 in history within 20 % of those with an empty history.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EmulatorProcess } from '../test/support/emulatorProcess';
import {
  api,
  apiOk,
  fmt,
  percentile,
  printTable,
  printVerdicts,
  procMemoryKb,
  removeTempDir,
  runBenchmark,
  sleep,
  startEmulator,
  startPath,
  THREE_STEP_FLOW,
  trackTempDir,
  uploadPackage,
} from './lib/harness';

const { values } = parseArgs({
  options: {
    history: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '2000' },
    seed: { type: 'string', default: 'file' },
  },
});
const HISTORY = Math.min(1_000_000, Math.max(1, Number(values.history)));
const REQUESTS = Math.min(20_000, Math.max(100, Number(values.requests)));
const SEED = values.seed === 'api' ? 'api' : 'file';
const RETENTION = 250_000;
const BLOCK = 100;
const WARMUP = 200;
const LINES_PER_SEGMENT = 5000; // historyLog.ts: min(5000, ceil(retention / 4))

const PACKAGE = 'bench-history';
const FLOW = 'bench/Three-Step';
const BODY = { inputVariables: { device: 'router-1' } };
const ARGS = ['--execution-retention', String(RETENTION)];

interface Line {
  id: string;
  rootId: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  log?: { at: string }[];
  [k: string]: unknown;
}

function segmentName(n: number): string {
  return `${String(n).padStart(8, '0')}.jsonl`;
}

/**
 * Writes `count` executions into dataDir/executions as the gateway does, from the lines the
 * gateway wrote for one execution. Returns the bytes written.
 */
function seedHistoryFiles(dataDir: string, count: number): { bytes: number; segments: number; lines: number } {
  const dir = path.join(dataDir, 'executions');
  const existing = readdirSync(dir).filter((f) => /^\d{8}\.jsonl$/.test(f)).sort();
  const lines = existing.flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Line);
  // The gateway's lines for its one execution, in order (today: a Running line, then the Ended one).
  const ended = [...lines].reverse().find((l) => l.status === 'Ended');
  if (!ended) throw new Error(`expected the Ended line of one execution in ${dir}, found ${lines.length} lines`);
  const template = lines.filter((l) => l.id === ended.id);
  const durationMs = Date.parse(ended.endedAt!) - Date.parse(ended.startedAt);
  let segment = Number(existing[existing.length - 1].slice(0, 8));
  let chunk: string[] = [];
  let bytes = 0;
  let segments = 0;
  const flush = () => {
    if (!chunk.length) return;
    segment++;
    segments++;
    const text = `${chunk.join('\n')}\n`;
    writeFileSync(path.join(dir, segmentName(segment)), text);
    bytes += Buffer.byteLength(text);
    chunk = [];
  };
  const start = Date.now() - 24 * 3600_000; // spread over the past day
  const step = Math.max(1, Math.floor((24 * 3600_000 - 60_000) / count));
  const shift = (iso: string, base: string, to: number) => new Date(to + (Date.parse(iso) - Date.parse(base))).toISOString();
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const t = start + i * step;
    const startedAt = new Date(t).toISOString();
    for (const tpl of template) {
      const rec: Line = {
        ...tpl,
        id,
        rootId: id,
        startedAt,
        endedAt: tpl.endedAt ? new Date(t + durationMs).toISOString() : null,
        ...(tpl.log ? { log: tpl.log.map((e) => ({ ...e, at: shift(e.at, tpl.startedAt, t) })) } : {}),
      };
      chunk.push(JSON.stringify(rec));
      if (chunk.length >= LINES_PER_SEGMENT) flush();
    }
  }
  flush();
  return { bytes, segments, lines: count * template.length };
}

/** One synchronous start; returns its latency in ms. */
async function timedStart(base: string, pathAndQuery: string): Promise<number> {
  const t0 = performance.now();
  const r = await api<{ status: string }>(base, 'POST', pathAndQuery, BODY);
  const ms = performance.now() - t0;
  if (r.status !== 200 || r.body.status !== 'Ended') throw new Error(`sync start → ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return ms;
}

async function countExecutions(gw: EmulatorProcess): Promise<number> {
  const r = await apiOk<{ executions: unknown[] }>(gw.url, 'GET', `/api/v1/executions?packageName=${PACKAGE}`);
  return r.executions.length;
}

runBenchmark(
  'history-start-latency',
  async () => {
    const fullDir = trackTempDir(mkdtempSync(path.join(os.tmpdir(), 'flowgate-bench-history-')));
    const pathAndQuery = startPath(FLOW, { packageName: PACKAGE });
    let empty: EmulatorProcess | undefined;
    let full: EmulatorProcess | undefined;
    try {
      // ---- the "full" gateway --------------------------------------------------------------
      let seedInfo: string;
      const seedStart = performance.now();
      if (SEED === 'file') {
        // One real execution, written by the gateway itself, is the template.
        const first = await startEmulator({ dataDir: fullDir, args: ARGS });
        await uploadPackage(first.url, PACKAGE, 1, { [FLOW]: THREE_STEP_FLOW });
        await timedStart(first.url, pathAndQuery);
        await first.stop(); // SIGTERM: the history is flushed
        const { bytes, segments, lines } = seedHistoryFiles(fullDir, HISTORY);
        full = await startEmulator({ dataDir: fullDir, args: ARGS, timeoutMs: 30_000 });
        const t0 = performance.now();
        const n = await countExecutions(full); // answers once the history on disk has been read
        const loadMs = performance.now() - t0;
        seedInfo = `files: ${HISTORY.toLocaleString('en-US')} executions (${lines.toLocaleString('en-US')} lines, ${segments} segments, ${fmt(bytes / 1048576, 0)} MiB) written in ${fmt((performance.now() - seedStart) / 1000, 1)} s; gateway listed ${n.toLocaleString('en-US')} executions ${fmt(loadMs, 0)} ms after it was ready`;
        if (n < HISTORY) throw new Error(`the seeded gateway lists ${n} executions, expected at least ${HISTORY}`);
      } else {
        full = await startEmulator({ dataDir: fullDir, args: ARGS });
        await uploadPackage(full.url, PACKAGE, 1, { [FLOW]: THREE_STEP_FLOW });
        const r = await autocannon({
          url: `${full.url}${pathAndQuery}`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(BODY),
          connections: 50,
          amount: HISTORY,
          timeout: 20,
        });
        if (r['2xx'] < HISTORY) throw new Error(`seeding through the API: ${r['2xx']} of ${HISTORY} answered 2xx`);
        const n = await countExecutions(full);
        seedInfo = `API: ${HISTORY.toLocaleString('en-US')} sync executions at ${fmt(r.requests.average, 0)} req/s (50 connections) in ${fmt((performance.now() - seedStart) / 1000, 1)} s; gateway lists ${n.toLocaleString('en-US')}`;
      }
      console.log(`history seeded by ${seedInfo}`);

      // ---- the "empty" gateway -------------------------------------------------------------
      empty = await startEmulator({ args: ARGS });
      await uploadPackage(empty.url, PACKAGE, 1, { [FLOW]: THREE_STEP_FLOW });
      await sleep(1000);

      // ---- measure, alternating ------------------------------------------------------------
      for (let i = 0; i < WARMUP; i++) {
        await timedStart(empty.url, pathAndQuery);
        await timedStart(full.url, pathAndQuery);
      }
      const lat: Record<'empty' | 'full', number[]> = { empty: [], full: [] };
      const deadline = Date.now() + 60_000;
      for (let block = 0; block * BLOCK < REQUESTS; block++) {
        if (Date.now() > deadline) throw new Error('measuring took longer than 60 s');
        const order: ('empty' | 'full')[] = block % 2 === 0 ? ['empty', 'full'] : ['full', 'empty'];
        for (const which of order) {
          const gw = which === 'empty' ? empty : full;
          for (let i = 0; i < BLOCK && block * BLOCK + i < REQUESTS; i++) lat[which].push(await timedStart(gw.url, pathAndQuery));
        }
      }

      const mem = { empty: procMemoryKb(empty.process.pid!).rssKb, full: procMemoryKb(full.process.pid!).rssKb };
      const stats = (xs: number[]) => ({ p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99), max: Math.max(...xs) });
      const e = stats(lat.empty);
      const f = stats(lat.full);
      const historySize = (dir: string) => {
        const d = path.join(dir, 'executions');
        return readdirSync(d).reduce((n, x) => n + statSync(path.join(d, x)).size, 0);
      };
      printTable(`history-start-latency: sync start of the three-step flow, ${REQUESTS} sequential requests each`, ['history', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'RSS MiB', 'history on disk MiB'], [
        ['empty (baseline)', fmt(e.p50, 2), fmt(e.p90, 2), fmt(e.p99, 2), fmt(e.max, 1), fmt(mem.empty / 1024, 0), fmt(historySize(empty.dataDir) / 1048576, 1)],
        [`${HISTORY.toLocaleString('en-US')} executions`, fmt(f.p50, 2), fmt(f.p90, 2), fmt(f.p99, 2), fmt(f.max, 1), fmt(mem.full / 1024, 0), fmt(historySize(full.dataDir) / 1048576, 1)],
      ]);
      const r50 = f.p50 / e.p50;
      const r99 = f.p99 / e.p99;
      printVerdicts('history-start-latency', [
        { goal: 'median with history / empty within 20 %', measured: `× ${fmt(r50, 2)}`, met: r50 <= 1.2 },
        { goal: 'p99 with history / empty within 20 %', measured: `× ${fmt(r99, 2)}`, met: r99 <= 1.2 },
      ]);
    } finally {
      await empty?.stop();
      await full?.stop();
      removeTempDir(fullDir);
    }
  },
  170_000,
);
