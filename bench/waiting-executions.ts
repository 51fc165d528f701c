/**
 * Benchmark: 10,000 executions waiting at once — memory per waiting execution, and the time to
 * stop them all.
 *
 *   node --import tsx bench/waiting-executions.ts [--count 10000] [--concurrency 32]
 *
 * - A real emulator process; a published flow whose only step is `kind: wait, seconds: 600`.
 * - Warm-up: 200 of them started and stopped (every code path of start, wait and stop has run;
 *   what is allocated once for that is not charged to the executions measured).
 * - Baseline: the same process idle with the package published, after the warm-up: its RSS read
 *   from /proc/<pid>/status (VmRSS; median of 5 samples, 200 ms apart).
 * - Then `count` executions started with `mode=async` (at most `concurrency` requests in flight),
 *   all confirmed Running through GET /api/v1/executions, RSS read again the same way.
 *   Memory per execution = (RSS after − RSS baseline) / count.
 * - Then all stopped: one `POST /api/v1/executions/stop {ids}` (per-id stops if that route is
 *   missing); time from sending it until every execution is Stopped (its answer lists them all
 *   Stopped), confirmed by GET /api/v1/executions.
 * Goals (issue 3): memory per waiting execution < 20 KB; stopping all < 2 s.
 */
import { parseArgs } from 'node:util';
import {
  api,
  apiOk,
  fmt,
  percentile,
  printTable,
  printVerdicts,
  procMemoryKb,
  runBenchmark,
  sleep,
  startEmulator,
  startPath,
  uploadPackage,
  waitUntil,
} from './lib/harness';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
  },
});
const COUNT = Math.min(100_000, Math.max(1, Number(values.count)));
const CONCURRENCY = Math.min(256, Math.max(1, Number(values.concurrency)));
const WARMUP = 200;

const PACKAGE = 'bench-wait';
const FLOW = 'bench/Wait';
const WAIT_FLOW = `
description: Benchmark flow - waits ten minutes.
steps:
  - kind: wait
    seconds: 600
`;

interface Summary {
  id: string;
  status: string;
}

/** Start n async executions, at most `concurrency` in flight; returns their ids. Bounded by a deadline. */
async function startMany(base: string, n: number, deadlineMs: number): Promise<string[]> {
  const ids: string[] = [];
  const path = startPath(FLOW, { packageName: PACKAGE, mode: 'async' });
  const deadline = Date.now() + deadlineMs;
  let next = 0;
  const worker = async () => {
    while (next < n) {
      if (Date.now() > deadline) throw new Error(`starting ${n} executions took longer than ${deadlineMs} ms`);
      next++;
      const r = await api<{ executionId: string }>(base, 'POST', path, { inputVariables: {} });
      if (r.status !== 202) throw new Error(`async start → ${r.status}: ${JSON.stringify(r.body)}`);
      ids.push(r.body.executionId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
  return ids;
}

async function countByStatus(base: string): Promise<Record<string, number>> {
  const list = await apiOk<{ executions: Summary[] }>(base, 'GET', `/api/v1/executions?packageName=${PACKAGE}`);
  const out: Record<string, number> = {};
  for (const e of list.executions) out[e.status] = (out[e.status] ?? 0) + 1;
  return out;
}

/** Median of 5 RSS samples, 200 ms apart (KiB). */
async function settledRssKb(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(procMemoryKb(pid).rssKb);
    await sleep(200);
  }
  return percentile(samples, 50);
}

/** Stop the executions; returns ms until the gateway answered with all of them Stopped. */
async function stopAll(base: string, ids: string[]): Promise<{ ms: number; how: string; stoppedInAnswer: number }> {
  const t0 = performance.now();
  const r = await api<{ executions: Summary[] }>(base, 'POST', '/api/v1/executions/stop', { ids });
  if (r.status === 200) {
    return { ms: performance.now() - t0, how: 'POST /api/v1/executions/stop (one request)', stoppedInAnswer: r.body.executions.filter((e) => e.status === 'Stopped').length };
  }
  if (r.status !== 404) throw new Error(`bulk stop → ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  // No bulk route: one stop per id, CONCURRENCY at a time.
  let next = 0;
  let stopped = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const one = await apiOk<Summary>(base, 'POST', `/api/v1/executions/${id}/stop`);
      if (one.status === 'Stopped') stopped++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
  return { ms: performance.now() - t0, how: `POST /api/v1/executions/{id}/stop × ${ids.length}`, stoppedInAnswer: stopped };
}

runBenchmark('waiting-executions', async () => {
  const gw = await startEmulator();
  try {
    const pid = gw.process.pid!;
    await uploadPackage(gw.url, PACKAGE, 1, { [FLOW]: WAIT_FLOW });
    const idleKb = procMemoryKb(pid).rssKb;

    // Warm-up: start and stop a few.
    const warm = await startMany(gw.url, WARMUP, 20_000);
    await stopAll(gw.url, warm);
    await sleep(1000);
    const baseKb = await settledRssKb(pid);

    const t0 = performance.now();
    const ids = await startMany(gw.url, COUNT, 60_000);
    const startMs = performance.now() - t0;
    const running = await waitUntil(
      async () => {
        const c = await countByStatus(gw.url);
        return (c.Running ?? 0) >= COUNT ? c.Running : undefined;
      },
      10_000,
      `${COUNT} executions Running`,
      200,
    );
    await sleep(1000);
    const loadedKb = await settledRssKb(pid);
    const perExecKb = (loadedKb - baseKb) / COUNT;

    const stop = await stopAll(gw.url, ids);
    await waitUntil(
      async () => {
        const c = await countByStatus(gw.url);
        return (c.Running ?? 0) === 0 && (c.Stopping ?? 0) === 0 ? true : undefined;
      },
      20_000,
      'every execution Stopped',
      100,
    );
    const final = await countByStatus(gw.url);
    const afterStopKb = procMemoryKb(pid);

    printTable('waiting-executions: emulator process memory (VmRSS from /proc)', ['state', 'RSS MiB'], [
      ['idle, package published (before warm-up)', fmt(idleKb / 1024, 1)],
      [`baseline: idle after warm-up (${WARMUP} started and stopped)`, fmt(baseKb / 1024, 1)],
      [`${COUNT.toLocaleString('en-US')} executions waiting`, fmt(loadedKb / 1024, 1)],
      ['after stopping them all', fmt(afterStopKb.rssKb / 1024, 1)],
      ['peak (VmHWM)', fmt(afterStopKb.hwmKb / 1024, 1)],
    ]);
    printTable('waiting-executions: results', ['measure', 'value'], [
      ['executions started (async, 202)', ids.length],
      ['confirmed Running at once', running],
      [`start rate (${CONCURRENCY} in flight)`, `${fmt(COUNT / (startMs / 1000), 0)} /s`],
      ['memory per waiting execution', `${fmt(perExecKb, 2)} KiB`],
      ['stop method', stop.how],
      ['Stopped in the stop answer', stop.stoppedInAnswer],
      ['time to stop all (until answered, all Stopped)', `${fmt(stop.ms, 0)} ms`],
      ['final statuses (GET /api/v1/executions)', JSON.stringify(final)],
    ]);
    const allStopped = stop.stoppedInAnswer === COUNT && (final.Stopped ?? 0) >= COUNT && !final.Running;
    printVerdicts('waiting-executions', [
      { goal: 'memory per waiting execution < 20 KB', measured: `${fmt(perExecKb, 2)} KiB`, met: perExecKb < 20 },
      { goal: `stop all ${COUNT.toLocaleString('en-US')} < 2 s`, measured: `${fmt(stop.ms, 0)} ms`, met: stop.ms < 2000 && allStopped },
    ]);
  } finally {
    await gw.stop();
  }
});
