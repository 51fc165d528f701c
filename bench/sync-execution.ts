/**
 * Benchmark: synchronous execution of a published three-step flow (set, log, set) over HTTP at 50
 * concurrent connections, against a bare Express 5 route returning the same JSON body.
 *
 *   node --import tsx bench/sync-execution.ts [--duration 10] [--connections 50]
 *
 * Both servers run as separate processes on 127.0.0.1; autocannon (programmatic API) drives both
 * with the same settings from this process, one after the other, after a short warm-up of each.
 * Goals (issue 3): requests/s ratio emulator / Express ≥ 0.5; emulator p99 latency < 20 ms.
 */
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import {
  apiOk,
  fmt,
  forkHelper,
  printTable,
  printVerdicts,
  runBenchmark,
  startEmulator,
  startPath,
  THREE_STEP_FLOW,
  uploadPackage,
} from './lib/harness';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
  },
});
const DURATION_S = Math.min(30, Math.max(1, Number(values.duration)));
const CONNECTIONS = Math.min(200, Math.max(1, Number(values.connections)));
const WARMUP_S = Math.min(10, Math.max(0, Number(values.warmup)));

const FLOW = 'bench/Three-Step';
const PACKAGE = 'bench-sync';
const REQUEST_BODY = JSON.stringify({ inputVariables: { device: 'router-1' } });

async function load(url: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: REQUEST_BODY,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
  });
}

runBenchmark('sync-execution', async () => {
  const gw = await startEmulator();
  let baseline: ReturnType<typeof forkHelper> | undefined;
  try {
    await uploadPackage(gw.url, PACKAGE, 1, { [FLOW]: THREE_STEP_FLOW });
    const pathAndQuery = startPath(FLOW, { packageName: PACKAGE });
    // The JSON the emulator answers is what the baseline answers (same shape and size).
    const sample = await apiOk<Record<string, unknown>>(gw.url, 'POST', pathAndQuery, JSON.parse(REQUEST_BODY));
    if (sample.status !== 'Ended') throw new Error(`the three-step flow did not end: ${JSON.stringify(sample)}`);
    const sampleText = JSON.stringify(sample);

    baseline = forkHelper('express-baseline.ts', ['/api/:tenant/:system/flows/:flow/executions', sampleText]);
    const { port } = await baseline.next<{ type: string; port: number }>('ready');
    const baseUrl = `http://127.0.0.1:${port}${pathAndQuery}`;
    const emuUrl = `${gw.url}${pathAndQuery}`;
    const check = await fetch(baseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: REQUEST_BODY });
    if (check.status !== 200 || (await check.text()) !== sampleText) throw new Error('the baseline does not answer the same body');

    console.log(`response body (${Buffer.byteLength(sampleText)} bytes): ${sampleText}`);
    console.log(`autocannon: ${CONNECTIONS} connections, pipelining 1, ${DURATION_S} s each, after a ${WARMUP_S} s warm-up of each`);
    if (WARMUP_S > 0) {
      await load(baseUrl, WARMUP_S);
      await load(emuUrl, WARMUP_S);
    }
    const base = await load(baseUrl, DURATION_S);
    const emu = await load(emuUrl, DURATION_S);
    await baseline.stop();

    const row = (name: string, r: autocannon.Result) => [
      name,
      fmt(r.requests.average, 0),
      fmt(r.latency.p50, 1),
      fmt(r.latency.p99, 1),
      fmt(r.latency.max, 0),
      r['2xx'],
      r.non2xx + r.errors + r.timeouts,
    ];
    printTable('sync-execution: POST, three-step flow vs bare Express route', ['server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', '2xx', 'non-2xx/errors'], [
      row('bare Express 5 (baseline)', base),
      row('emulator, sync execution', emu),
    ]);
    const ratio = emu.requests.average / base.requests.average;
    const failed = emu.non2xx + emu.errors + emu.timeouts;
    printVerdicts('sync-execution', [
      { goal: 'req/s ratio emulator / Express >= 0.5', measured: fmt(ratio, 2), met: ratio >= 0.5 },
      { goal: 'emulator p99 latency < 20 ms', measured: `${fmt(emu.latency.p99, 1)} ms`, met: emu.latency.p99 < 20 },
      { goal: 'every request answered 2xx', measured: `${failed} not 2xx`, met: failed === 0 },
    ]);
  } finally {
    await baseline?.stop();
    await gw.stop();
  }
});
