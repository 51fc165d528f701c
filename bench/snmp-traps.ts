/**
 * Benchmark: SNMP traps received and matched against 100 triggers (issue 4).
 *
 *   node --import tsx bench/snmp-traps.ts [--rate 2000] [--seconds 10] [--search-steps 5]
 *
 * - A real emulator process (`--execution-retention 500000`, so every execution stays listed);
 *   a published version with a one-step flow (`log`) taking the trap PDU as input, and 100
 *   triggers created through the triggers API: trigger k matches v2c traps from 127.0.0.1 with
 *   trap OID `1.3.6.1.4.1.99999.0.k`, so every trap is evaluated against all 100 triggers and
 *   matches exactly one (checked on the gateway's recent traps, GET /api/v1/snmp/traps).
 * - A separate sender process (bench/helpers/trap-sender.ts) sends v2c traps with net-snmp (one
 *   session) at a fixed offered rate; each trap carries a run tag, a sequence number and its
 *   send time (epoch ms with µs) as varbinds. (src/core/snmp `sendTrap` opens a session per
 *   trap — right for a test trap, not for 2,000 a second — so the sender uses net-snmp directly.)
 * - Counted: matched = executions started by the triggers during the run (GET
 *   /api/v1/executions, the count before and after, once it stops changing). Every trap
 *   matches one trigger, so received = matched; loss = sent − matched.
 * - Latency: trap send time (varbind) → the execution's `startedAt` (ms, same machine clock), on
 *   up to 2,000 executions of the run spread evenly (GET /api/v1/executions/{id} → inputs.trap).
 * - Baseline: a bare net-snmp receiver (createReceiver, the same 8 MB receive buffer setting) in
 *   a separate process, counting traps of the same offered rate and duration; its latency is send
 *   time → receive callback.
 * - Then a short step search (3 s runs) for the highest offered rate the emulator takes without
 *   loss. A 3 s run can end without loss only because the 8 MB socket buffer absorbed an
 *   overload (thousands of traps), so a step passes only when nothing was lost AND the backlog
 *   when the sender finished (traps sent, not yet started as executions) was at most 100 ms
 *   worth of traps (rate × 0.1 s) — i.e. the gateway kept up instead of postponing the loss.
 * Goals: no loss at 2,000 traps/s for 10 s; trap → execution start p99 < 20 ms.
 * Clocks: the send time is `performance.timeOrigin + performance.now()` in the sender, startedAt
 * is `new Date()` in the emulator; on one machine they agree to about 1-2 ms.
 */
import { parseArgs } from 'node:util';
import { sendTrap } from '../src/core/snmp/sendTrap';
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
  waitUntil,
  type Helper,
} from './lib/harness';
import { TRAP_OID_PREFIX, VB_SENT_AT, VB_TAG } from './lib/trapVarbinds';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    triggers: { type: 'string', default: '100' },
    'search-steps': { type: 'string', default: '5' },
    'search-seconds': { type: 'string', default: '3' },
  },
});
const RATE = Math.min(50_000, Math.max(1, Number(values.rate)));
const SECONDS = Math.min(30, Math.max(1, Number(values.seconds)));
const TRIGGERS = Math.min(1000, Math.max(1, Number(values.triggers)));
const SEARCH_STEPS = Math.min(8, Math.max(0, Number(values['search-steps'])));
const SEARCH_SECONDS = Math.min(10, Math.max(1, Number(values['search-seconds'])));
const LATENCY_SAMPLE = 2000;

const PACKAGE = 'bench-snmp';
const FLOW = 'bench/On-Trap';
const TRAP_FLOW = `
description: Benchmark flow - started by an SNMP trigger with the trap PDU.
inputs:
  trap:
    type: object
steps:
  - kind: log
    message: "= 'trap ' & trap.trapOid"
`;
const OIDS = Array.from({ length: TRIGGERS }, (_, k) => `${TRAP_OID_PREFIX}.${k + 1}`);

type Msg = { type: string; [k: string]: unknown };
interface Sent {
  type: 'sent';
  sent: number;
  elapsedMs: number;
  errors: number;
}
interface Summary {
  id: string;
  startedAt: string;
  initiator: { type: string };
}

async function listTriggered(base: string): Promise<Summary[]> {
  const r = await apiOk<{ executions: Summary[] }>(base, 'GET', `/api/v1/executions?packageName=${PACKAGE}`);
  return r.executions.filter((e) => e.initiator.type === 'trigger');
}

/** Executions count once it stopped changing (two equal counts 700 ms apart; at most 30 s). */
async function settledCount(base: string): Promise<number> {
  let last = -1;
  return waitUntil(
    async () => {
      const n = (await listTriggered(base)).length;
      if (n === last) return n;
      last = n;
      return undefined;
    },
    30_000,
    'the executions count to settle',
    700,
  );
}

async function send(sender: Helper<Msg>, port: number, rate: number, seconds: number, tag: string): Promise<Sent> {
  sender.send({ type: 'send', port, rate, seconds, tag, oids: OIDS });
  return sender.next<Sent & Msg>('sent', seconds * 3000 + 10_000);
}

interface RunResult {
  rate: number;
  sent: number;
  achievedRate: number;
  matched: number;
  loss: number;
  /** Traps sent but not yet started as executions when the sender finished (queued in the socket buffer or the gateway). */
  backlog: number;
  /** No loss, the offered rate really offered, and at most 100 ms of traps (rate × 0.1 s) still waiting when the sender finished. */
  keptUp: boolean;
}

/** One run against the emulator: offered rate for `seconds`; matched = executions started. */
async function emulatorRun(base: string, snmpPort: number, sender: Helper<Msg>, rate: number, seconds: number, tag: string): Promise<RunResult & { startedAfter: number }> {
  const before = await settledCount(base);
  const startedAfter = Date.now();
  const s = await send(sender, snmpPort, rate, seconds, tag);
  const atEnd = (await listTriggered(base)).length;
  const after = await settledCount(base);
  const matched = after - before;
  const backlog = Math.max(0, s.sent - (atEnd - before));
  const achievedRate = s.sent / (s.elapsedMs / 1000);
  const loss = s.sent - matched;
  const keptUp = loss === 0 && achievedRate >= rate * 0.95 && backlog <= Math.max(50, rate * 0.1);
  return { rate, sent: s.sent, achievedRate, matched, loss, backlog, keptUp, startedAfter };
}

/** Trap send time → execution startedAt, on up to `sample` executions of the run spread evenly. */
async function emulatorLatencies(base: string, tag: string, since: number, sample = LATENCY_SAMPLE): Promise<{ latencies: number[]; sampled: number; ofRun: number }> {
  const ofRun = (await listTriggered(base)).filter((e) => Date.parse(e.startedAt) >= since - 5);
  const stride = Math.max(1, ofRun.length / sample);
  const picked: Summary[] = [];
  for (let i = 0; i < ofRun.length && picked.length < sample; i += stride) picked.push(ofRun[Math.floor(i)]);
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < picked.length) {
      const e = picked[next++];
      const d = await apiOk<{ startedAt: string; inputs: { trap?: { varbinds?: { oid: string; value: unknown }[] } } }>(base, 'GET', `/api/v1/executions/${e.id}`);
      const vbs = d.inputs.trap?.varbinds ?? [];
      if (vbs.find((v) => v.oid === VB_TAG)?.value !== tag) continue;
      const sentAt = Number(vbs.find((v) => v.oid === VB_SENT_AT)?.value);
      if (Number.isFinite(sentAt)) latencies.push(Date.parse(d.startedAt) - sentAt);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { latencies, sampled: picked.length, ofRun: ofRun.length };
}

runBenchmark(
  'snmp-traps',
  async () => {
    const gw = await startEmulator({ args: ['--execution-retention', '500000'] });
    const sender = forkHelper<Msg>('trap-sender.ts');
    const baseline = forkHelper<Msg>('snmp-baseline-receiver.ts');
    try {
      await sender.next('ready');
      const baseReady = await baseline.next<Msg & { port: number; recvBufferBytes: number }>('ready');

      // ---- the version and its triggers ------------------------------------------------------
      await uploadPackage(gw.url, PACKAGE, 1, { [FLOW]: TRAP_FLOW });
      const t0 = performance.now();
      for (let k = 1; k <= TRIGGERS; k++) {
        await apiOk(gw.url, 'POST', `/api/v1/packages/${PACKAGE}/versions/1/triggers`, {
          name: `trap-${k}`,
          flow: FLOW,
          conditions: { deviceAddress: '127.0.0.1', devicePort: '*', trapOid: OIDS[k - 1], version: 'v2c', community: 'public' },
          pduVariable: 'trap',
        });
      }
      console.log(`${TRIGGERS} triggers created through the API in ${fmt(performance.now() - t0, 0)} ms; emulator SNMP port ${gw.snmpPort}, baseline port ${baseReady.port} (receive buffer granted: ${fmt(baseReady.recvBufferBytes / 1048576, 1)} MiB)`);

      // ---- sanity: one trap through the core's sendTrap starts one execution -------------------
      await sendTrap({ host: '127.0.0.1', port: gw.snmpPort, version: 'v2c', community: 'public', trapOid: OIDS[0], varbinds: [{ oid: VB_TAG, type: 'OctetString', value: 'sanity' }] });
      await waitUntil(async () => ((await listTriggered(gw.url)).length >= 1 ? true : undefined), 5000, 'the sanity trap to start an execution');
      // Warm-up: 1 s at a quarter of the rate.
      await emulatorRun(gw.url, gw.snmpPort, sender, Math.max(1, Math.round(RATE / 4)), 1, 'warmup');
      const traps = await apiOk<{ traps: { evaluations: { matched: boolean }[] }[] }>(gw.url, 'GET', '/api/v1/snmp/traps');
      const oneMatch = traps.traps.filter((t) => t.evaluations.length === TRIGGERS && t.evaluations.filter((e) => e.matched).length === 1).length;
      console.log(`recent traps on the gateway: ${traps.traps.length}, of which ${oneMatch} evaluated against ${TRIGGERS} triggers with exactly one match`);

      // ---- main run: fixed offered rate ------------------------------------------------------
      const main = await emulatorRun(gw.url, gw.snmpPort, sender, RATE, SECONDS, 'main');
      const lat = await emulatorLatencies(gw.url, 'main', main.startedAfter);

      // ---- baseline: bare net-snmp receiver, same offered rate --------------------------------
      const b = await send(sender, baseReady.port, RATE, SECONDS, 'base');
      await sleep(500);
      baseline.send({ type: 'report', tag: 'base' });
      const bRep = await baseline.next<Msg & { received: number; latencies: number[] }>('report');

      // ---- step search: highest offered rate without loss ---------------------------------------
      // A short run can end without loss only because the 8 MB socket buffer absorbed an overload;
      // a step counts as "without loss" only when the gateway also kept up (see RunResult.keptUp).
      const steps: (RunResult & { p99: number })[] = [];
      let good = main.keptUp ? RATE : 0;
      let bad = main.keptUp ? Infinity : RATE;
      for (let i = 0; i < SEARCH_STEPS; i++) {
        if (bad !== Infinity && bad - good <= Math.max(100, good * 0.1)) break;
        const rate = bad === Infinity ? good * 2 : good === 0 ? Math.max(50, Math.round(bad / 2)) : Math.round((good + bad) / 2);
        const r = await emulatorRun(gw.url, gw.snmpPort, sender, rate, SEARCH_SECONDS, `step-${i}`);
        const stepLat = await emulatorLatencies(gw.url, `step-${i}`, r.startedAfter, 500);
        steps.push({ ...r, p99: stepLat.latencies.length ? percentile(stepLat.latencies, 99) : NaN });
        if (r.keptUp) good = Math.max(good, rate);
        else bad = Math.min(bad, rate);
      }

      // ---- report -------------------------------------------------------------------------------
      const p = (xs: number[], q: number) => (xs.length ? fmt(percentile(xs, q), 1) : 'n/a');
      printTable(`snmp-traps: ${RATE} traps/s offered for ${SECONDS} s (v2c, 127.0.0.1)`, ['receiver', 'sent', 'sent/s', 'received', 'matched', 'loss', 'p50 ms', 'p99 ms', 'max ms'], [
        ['bare net-snmp receiver (baseline)', b.sent, fmt(b.sent / (b.elapsedMs / 1000), 0), bRep.received, '-', b.sent - bRep.received, p(bRep.latencies, 50), p(bRep.latencies, 99), p(bRep.latencies, 100)],
        [`emulator, ${TRIGGERS} triggers`, main.sent, fmt(main.achievedRate, 0), `${main.matched} (= matched)`, main.matched, main.loss, p(lat.latencies, 50), p(lat.latencies, 99), p(lat.latencies, 100)],
      ]);
      console.log(`latency: baseline = send → receive callback, every trap; emulator = send → execution startedAt (ms resolution), ${lat.latencies.length} of ${lat.ofRun} executions of the run sampled evenly`);
      const mainP99 = lat.latencies.length ? percentile(lat.latencies, 99) : NaN;
      const stepRow = (r: RunResult, secs: number, p99: number) => [fmt(r.rate, 0), secs, r.sent, fmt(r.achievedRate, 0), r.matched, r.loss, r.backlog, r.keptUp ? 'yes' : 'no', fmt(p99, 1)];
      printTable('snmp-traps: step search on the emulator', ['offered/s', 's', 'sent', 'sent/s', 'matched', 'loss', 'backlog at end', 'no loss, kept up', 'p99 ms'], [
        stepRow(main, SECONDS, mainP99),
        ...steps.map((r) => stepRow(r, SEARCH_SECONDS, r.p99)),
      ]);
      console.log('p99 ms = trap → execution start, on up to 500 executions of each step (2,000 for the first row)');
      console.log('backlog at end = traps sent but not yet started as executions when the sender finished; kept up = at most rate × 0.1 s of them (a growing backlog is loss postponed by the 8 MB socket buffer)');
      const bracket = bad === Infinity ? `≥ ${fmt(good, 0)}/s (kept up at every rate tried)` : good === 0 ? `< ${fmt(bad, 0)}/s (did not keep up at any rate tried)` : `${fmt(good, 0)}/s (not at ${fmt(bad, 0)}/s)`;
      console.log(`highest offered rate without loss (and without a growing backlog): ${bracket}`);
      printVerdicts('snmp-traps', [
        { goal: `no loss at ${RATE}/s for ${SECONDS} s`, measured: `${main.loss} lost of ${main.sent}`, met: main.loss === 0 },
        { goal: 'trap → execution start p99 < 20 ms', measured: lat.latencies.length ? `${fmt(mainP99, 1)} ms` : 'no sample', met: lat.latencies.length ? mainP99 < 20 : null },
        { goal: 'baseline: no loss (sanity of the setup)', measured: `${b.sent - bRep.received} lost of ${b.sent}`, met: b.sent === bRep.received },
      ]);
    } finally {
      await sender.stop();
      await baseline.stop();
      await gw.stop();
    }
  },
  150_000,
);
