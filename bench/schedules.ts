/**
 * Benchmark: 1,000 schedules firing every second (issue 4) — firing delay p50 / p99.
 *
 *   node --import tsx bench/schedules.ts [--schedules 1000] [--seconds 15]
 *
 * - A real emulator process (`--execution-retention 500000`); a version with a one-step flow,
 *   uploaded unpublished; 1,000 schedules `* * * * * *` (UTC) created through the schedules API;
 *   then the version is published (the scheduler creates the 1,000 node-cron tasks at once).
 * - The first 2 whole seconds after publishing are warm-up; then `seconds` seconds are measured;
 *   then the version is unpublished (no more firings).
 * - Firing delay = the execution's `startedAt` − the scheduled second (the slot the schedule's
 *   firing history names for that execution, GET …/schedules → history[].at / executionId).
 *   Missed slots (node-cron's `execution:missed`, recorded in the history) are counted.
 * - Baseline: node-cron alone in a bare process (bench/helpers/cron-baseline.ts) with the same
 *   number of tasks, the same expression and options, same measurement (Date.now() in the task
 *   − the slot), run after the emulator (not at the same time: 2 cores).
 * Goal: firing delay p99 < 50 ms.
 */
import { parseArgs } from 'node:util';
import {
  apiOk,
  fmt,
  forkHelper,
  percentile,
  printTable,
  printVerdicts,
  runBenchmark,
  sleep,
  startEmulator,
  uploadPackage,
} from './lib/harness';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
  },
});
const COUNT = Math.min(10_000, Math.max(1, Number(values.schedules)));
const SECONDS = Math.min(30, Math.max(2, Number(values.seconds)));
const SKIP_S = 2;

const PACKAGE = 'bench-cron';
const FLOW = 'bench/Tick';
const TICK_FLOW = `
description: Benchmark flow - one step, run by schedules every second.
outputs:
  tick:
    type: integer
steps:
  - kind: set
    values:
      tick: 1
`;
const VERSION_PATH = `/api/v1/packages/${PACKAGE}/versions/1`;

interface Firing {
  at: string;
  outcome: 'started' | 'missed' | 'refused';
  executionId?: string;
}

function stats(xs: number[]) {
  return { n: xs.length, p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99), max: xs.length ? Math.max(...xs) : NaN };
}

runBenchmark(
  'schedules',
  async () => {
    const gw = await startEmulator({ args: ['--execution-retention', '500000'] });
    let baseline: ReturnType<typeof forkHelper> | undefined;
    try {
      await uploadPackage(gw.url, PACKAGE, 1, { [FLOW]: TICK_FLOW }, { publish: false });

      // ---- 1,000 schedules through the API (8 requests in flight) -------------------------------
      const t0 = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < COUNT) {
          const i = next++;
          await apiOk(gw.url, 'POST', `${VERSION_PATH}/schedules`, { name: `every-second-${i}`, flow: FLOW, type: 'CRON', expression: '* * * * * *', timezone: 'UTC' });
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      console.log(`${COUNT} schedules created through the API in ${fmt((performance.now() - t0) / 1000, 1)} s`);

      // ---- publish, warm up, measure, unpublish ---------------------------------------------------
      await apiOk(gw.url, 'POST', `${VERSION_PATH}/publish`);
      const publishedAt = Date.now();
      const from = Math.ceil(publishedAt / 1000) * 1000 + SKIP_S * 1000;
      const to = from + SECONDS * 1000;
      await sleep(to - Date.now() + 500);
      await apiOk(gw.url, 'POST', `${VERSION_PATH}/unpublish`);
      await sleep(1500); // firings of the last slot finish; the history is in memory at once

      const list = await apiOk<{ schedules: { id: string; history: Firing[] }[] }>(gw.url, 'GET', `${VERSION_PATH}/schedules`);
      const slotOf = new Map<string, number>();
      let missed = 0;
      let refused = 0;
      for (const s of list.schedules) {
        for (const f of s.history) {
          const slot = Date.parse(f.at);
          if (slot < from || slot >= to) continue;
          if (f.outcome === 'started' && f.executionId) slotOf.set(f.executionId, slot);
          else if (f.outcome === 'missed') missed++;
          else refused++;
        }
      }
      const execs = await apiOk<{ executions: { id: string; startedAt: string }[] }>(gw.url, 'GET', `/api/v1/executions?packageName=${PACKAGE}`);
      const delays: number[] = [];
      for (const e of execs.executions) {
        const slot = slotOf.get(e.id);
        if (slot !== undefined) delays.push(Date.parse(e.startedAt) - slot);
      }
      const expected = COUNT * SECONDS;
      await gw.stop();

      // ---- baseline: node-cron alone ---------------------------------------------------------------
      baseline = forkHelper('cron-baseline.ts', [String(COUNT), String(SKIP_S), String(SECONDS)]);
      await baseline.next('ready', 30_000);
      const b = await baseline.next<{ type: string; delays: number[]; missed: number }>('done', (SKIP_S + SECONDS + 10) * 1000);

      const e = stats(delays);
      const bs = stats(b.delays);
      printTable(`schedules: ${COUNT} schedules '* * * * * *' for ${SECONDS} s (after ${SKIP_S} s warm-up); firing delay in ms`, ['scheduler', 'fired', 'expected', 'missed', 'p50', 'p90', 'p99', 'max'], [
        ['node-cron alone (baseline)', bs.n, expected, b.missed, fmt(bs.p50, 1), fmt(bs.p90, 1), fmt(bs.p99, 1), fmt(bs.max, 1)],
        ['emulator (execution startedAt)', e.n, expected, `${missed}${refused ? ` (+${refused} refused)` : ''}`, fmt(e.p50, 0), fmt(e.p90, 0), fmt(e.p99, 0), fmt(e.max, 0)],
      ]);
      console.log('baseline delay = Date.now() in the task − slot (ms); emulator delay = execution startedAt (ms resolution) − slot');
      printVerdicts('schedules', [
        { goal: 'emulator firing delay p99 < 50 ms', measured: `${fmt(e.p99, 0)} ms (baseline ${fmt(bs.p99, 1)} ms)`, met: e.n ? e.p99 < 50 : null },
        { goal: 'every slot fired (none missed)', measured: `${e.n} of ${expected}`, met: e.n === expected },
      ]);
    } finally {
      await baseline?.stop();
      if (gw.process.exitCode === null && gw.process.signalCode === null) await gw.stop();
    }
  },
  120_000,
);
