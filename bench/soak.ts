/**
 * Soak: mixed legitimate load, then the same load with hostile requests of the issue-7 corpus
 * mixed in, against one real emulator process; the emulator's memory over the whole run.
 *
 *   node --import tsx bench/soak.ts [--rate 200] [--rounds 4] [--quiet 10] [--hostile 15] [--recovery 15]
 *                                   [--hostile-senders 2] [--skip kind,kind]
 *
 * Windows (same process, same run): warm-up (5 s), then --rounds rounds of [legitimate only
 * (--quiet s), legitimate + hostile (--hostile s)] — interleaved so that other load on the
 * machine falls on both alike — then legitimate only again (--recovery s). ≈ 2 min by default.
 * Legitimate load: autocannon at a fixed offered rate (--rate req/s over 10 connections), a mix
 * of synchronous flow starts (half), /healthz and a package's detail. Hostile load: --hostile-senders
 * closed loops in this process, each sending the next hostile request of the corpus (round robin
 * over the kinds below) as soon as the previous one was answered, 50 ms apart.
 * Reported: p50/p99/max of the legitimate requests per window and each round's p99 ratio (with /
 * without hostile); the emulator's RSS sampled every second (table every 10 s); for each hostile
 * kind, how it was answered (status counts) and its slowest answer. The gateway dying is reported.
 * Goals (issue 7): the legitimate p99 with hostile load ≤ 3 × without (median over rounds); RSS
 * flat (the last hostile window's peak ≤ 1.25 × the first's); every legitimate request answered
 * 2xx; the process alive at the end.
 */
import autocannon from 'autocannon';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { buildPackageFile } from '../src/core/package/packageFile';
import {
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
  THREE_STEP_FLOW,
  uploadPackage,
} from './lib/harness';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '4' },
    quiet: { type: 'string', default: '10' },
    hostile: { type: 'string', default: '15' },
    recovery: { type: 'string', default: '15' },
    'hostile-senders': { type: 'string', default: '2' },
    skip: { type: 'string', default: '' },
  },
});
const RATE = Math.min(2000, Math.max(10, Number(values.rate)));
const ROUNDS = Math.min(12, Math.max(1, Number(values.rounds)));
const QUIET_S = Math.min(60, Math.max(3, Number(values.quiet)));
const HOSTILE_S = Math.min(60, Math.max(3, Number(values.hostile)));
const RECOVERY_S = Math.min(60, Math.max(0, Number(values.recovery)));
const SENDERS = Math.min(8, Math.max(1, Number(values['hostile-senders'])));
const SKIP = new Set(String(values.skip).split(',').map((s) => s.trim()).filter(Boolean));
const WARMUP_S = 5;

const PACKAGE = 'bench-soak';
const LEGIT_FLOW = 'bench/Three-Step';

const HOSTILE_FLOWS: Record<string, string> = {
  'hostile/SelfCall': `
steps:
  - kind: http
    url: "= 'http://127.0.0.1:' & port & '/api/v1/packages/${PACKAGE}/versions/1/unpublish'"
    method: POST
inputs:
  port:
    type: integer
`,
  'hostile/DataUrl': `
steps:
  - kind: http
    url: "data:text/plain,hello"
`,
  'hostile/Redos': `
steps:
  - kind: set
    values:
      m: "= $match('${'a'.repeat(32)}!', /^(a+)+$/)"
`,
  'hostile/PadBomb': `
steps:
  - kind: set
    values:
      n: "= $length($pad('', 300000000))"
`,
  'hostile/Fanout': `
steps:
  - kind: run-flow
    flow: hostile/Fanout
    mode: async
  - kind: run-flow
    flow: hostile/Fanout
    mode: async
`,
};

interface HostileRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

/** The hostile corpus of the soak: each kind a prepared request (built once). */
function hostileKinds(port: number, badZip: Buffer): Record<string, HostileRequest> {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const run = (flow: string, inputVariables: Record<string, unknown> = {}): HostileRequest => ({
    method: 'POST',
    path: startPath(flow, { packageName: PACKAGE }),
    headers: { 'content-type': 'application/json' },
    body: json({ inputVariables }),
  });
  const deep = Buffer.from(`{"inputVariables":{"device":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`);
  return {
    'cross-site-post': {
      method: 'POST',
      path: `/api/v1/packages/${PACKAGE}/versions/1/unpublish`,
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' },
      body: Buffer.from('x'),
    },
    'rebinding-host': { method: 'GET', path: '/api/v1/packages', headers: { host: `evil.example:${port}` } },
    'deep-json': { method: 'POST', path: startPath(LEGIT_FLOW, { packageName: PACKAGE }), headers: { 'content-type': 'application/json' }, body: deep },
    'big-body': { method: 'POST', path: startPath(LEGIT_FLOW, { packageName: PACKAGE }), headers: { 'content-type': 'application/json' }, body: json({ inputVariables: { device: 'x'.repeat(6 * 1024 * 1024) } }) },
    'malformed-json': { method: 'POST', path: startPath(LEGIT_FLOW, { packageName: PACKAGE }), headers: { 'content-type': 'application/json' }, body: Buffer.from('{"inputVariables": {') },
    'huge-version': { method: 'GET', path: `/api/v1/packages/${PACKAGE}/versions/9007199254740991` },
    'long-name': { method: 'GET', path: `/api/v1/packages/${'n'.repeat(300)}` },
    'bad-zip': { method: 'POST', path: '/api/v1/packages', headers: { 'content-type': 'application/zip' }, body: badZip },
    'cron-rare': { method: 'POST', path: '/api/v1/cron/preview', headers: { 'content-type': 'application/json' }, body: json({ expression: '59 59 23 31 12 5#5', timezone: 'UTC', count: 50 }) },
    'tz-huge': { method: 'POST', path: '/api/v1/cron/preview', headers: { 'content-type': 'application/json' }, body: json({ expression: '* * * * *', timezone: 'Europe/'.padEnd(300 * 1024, 'x'), count: 5 }) },
    'self-call': run('hostile/SelfCall', { port }),
    'data-url': run('hostile/DataUrl'),
    'regex-redos': run('hostile/Redos'),
    'pad-bomb': run('hostile/PadBomb'),
    'async-fanout': run('hostile/Fanout'),
  };
}

function send(port: number, r: HostileRequest): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method, path: r.path, headers: { ...(r.headers ?? {}), ...(r.body ? { 'content-length': String(r.body.length) } : {}) }, agent: false, timeout: 30_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(-1));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // A refused body may be cut off by the server (413): count the answer or the reset.
    req.on('error', () => resolve(-1));
    req.end(r.body);
  });
}

runBenchmark(
  'soak',
  async () => {
    const gw = await startEmulator({ args: ['--execution-retention', '2000'] });
    try {
      await uploadPackage(gw.url, PACKAGE, 1, { [LEGIT_FLOW]: THREE_STEP_FLOW, ...HOSTILE_FLOWS });
      const startUrl = startPath(LEGIT_FLOW, { packageName: PACKAGE });
      const sample = await apiOk<{ status: string }>(gw.url, 'POST', startUrl, { inputVariables: { device: 'router-1' } });
      if (sample.status !== 'Ended') throw new Error(`the legitimate flow did not end: ${JSON.stringify(sample)}`);
      const { bytes: goodZip } = await buildPackageFile({ name: 'soak-zip', version: 1, createdBy: 'bench', definitions: [{ kind: 'flow', id: 'z/Z', text: 'steps: []\n' }] });
      const badZip = Buffer.from(goodZip);
      badZip.fill(0xff, Math.floor(badZip.length / 3), Math.floor(badZip.length / 3) + 64); // corrupt the middle
      const kinds = Object.entries(hostileKinds(gw.port, badZip)).filter(([k]) => !SKIP.has(k));

      // Memory sampler (every second, whole run).
      const t0 = Date.now();
      const mem: { t: number; rssMb: number; phase: string }[] = [];
      let phase = 'warm-up';
      let died: string | undefined;
      const sampler = setInterval(() => {
        if (gw.process.exitCode !== null || gw.process.signalCode !== null) {
          died ??= `exit ${gw.process.exitCode ?? gw.process.signalCode} at ${((Date.now() - t0) / 1000).toFixed(0)} s (${phase})`;
          return;
        }
        try {
          mem.push({ t: (Date.now() - t0) / 1000, rssMb: procMemoryKb(gw.process.pid!).rssKb / 1024, phase });
        } catch {
          /* the process is going away */
        }
      }, 1000);

      const legit = (seconds: number) =>
        autocannon({
          url: gw.url,
          connections: 10,
          pipelining: 1,
          duration: seconds,
          timeout: 10,
          overallRate: RATE,
          requests: [
            { method: 'POST', path: startUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputVariables: { device: 'router-1' } }) },
            { method: 'GET', path: '/healthz' },
            { method: 'POST', path: startUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputVariables: { device: 'router-2' } }) },
            { method: 'GET', path: `/api/v1/packages/${PACKAGE}` },
          ],
        } as autocannon.Options);

      console.log(
        `legitimate: ${RATE} req/s over 10 connections (sync starts, /healthz, package detail); hostile: ${SENDERS} closed-loop senders over ${kinds.length} kinds; ` +
          `${ROUNDS} rounds of ${QUIET_S} s without then ${HOSTILE_S} s with hostile requests (interleaved, so background load hits both alike)`,
      );
      await legit(WARMUP_S);
      const stats = new Map<string, { statuses: Map<number, number>; ms: number[] }>(kinds.map(([k]) => [k, { statuses: new Map(), ms: [] }]));
      let next = 0;
      const withSenders = async (seconds: number) => {
        let stop = false;
        const sender = async () => {
          while (!stop && !died) {
            const [kind, req] = kinds[next++ % kinds.length];
            const s = performance.now();
            const status = await send(gw.port, req);
            const st = stats.get(kind)!;
            st.ms.push(performance.now() - s);
            st.statuses.set(status, (st.statuses.get(status) ?? 0) + 1);
            await sleep(50);
          }
        };
        const senders = Array.from({ length: SENDERS }, () => sender());
        try {
          return await legit(seconds);
        } finally {
          stop = true;
          await Promise.all(senders);
        }
      };
      const rounds: { quiet: autocannon.Result; hostile: autocannon.Result }[] = [];
      const hostileRss: number[][] = [];
      for (let i = 0; i < ROUNDS && !died; i++) {
        phase = `round ${i + 1} quiet`;
        const quiet = await legit(QUIET_S);
        phase = `round ${i + 1} hostile`;
        const from = mem.length;
        const hostile = await withSenders(HOSTILE_S);
        hostileRss.push(mem.slice(from).map((m) => m.rssMb));
        rounds.push({ quiet, hostile });
      }
      let recovery: autocannon.Result | undefined;
      if (RECOVERY_S > 0 && !died) {
        phase = 'recovery';
        recovery = await legit(RECOVERY_S);
      }
      clearInterval(sampler);

      const row = (name: string, r: autocannon.Result) => [name, fmt(r.requests.average, 0), fmt(r.latency.p50, 1), fmt(r.latency.p99, 1), fmt(r.latency.max, 0), r['2xx'], r.non2xx + r.errors + r.timeouts];
      printTable('soak: legitimate requests per window', ['window', 'req/s', 'p50 ms', 'p99 ms', 'max ms', '2xx', 'non-2xx/errors'], [
        ...rounds.flatMap((r, i) => [row(`round ${i + 1}: legitimate only`, r.quiet), row(`round ${i + 1}: + hostile`, r.hostile)]),
        ...(recovery ? [row('after: legitimate only', recovery)] : []),
      ]);
      printTable(
        'soak: hostile requests (all rounds)',
        ['kind', 'sent', 'answers (status × count; -1 = connection reset)', 'p50 ms', 'max ms'],
        [...stats].map(([k, s]) => [k, s.ms.length, [...s.statuses].map(([code, n]) => `${code}×${n}`).join(' '), fmt(percentile(s.ms, 50), 0), fmt(Math.max(0, ...s.ms), 0)]),
      );
      const rows: (string | number)[][] = [];
      for (let i = 0; i < mem.length; i += 10) rows.push([fmt(mem[i].t, 0), mem[i].phase, fmt(mem[i].rssMb, 1)]);
      if (mem.length) rows.push([fmt(mem[mem.length - 1].t, 0), `${mem[mem.length - 1].phase} (last)`, fmt(mem[mem.length - 1].rssMb, 1)]);
      printTable('soak: emulator RSS over time', ['t (s)', 'phase', 'RSS MB'], rows);

      const ratios = rounds.map((r) => r.hostile.latency.p99 / r.quiet.latency.p99);
      const ratio = percentile(ratios, 50);
      const peakFirst = Math.max(...(hostileRss[0] ?? []));
      const peakLast = Math.max(...(hostileRss[hostileRss.length - 1] ?? []));
      const all = [...rounds.flatMap((r) => [r.quiet, r.hostile]), ...(recovery ? [recovery] : [])];
      const notOk = all.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
      console.log(`\np99 ratios per round (with / without hostile): ${ratios.map((x) => fmt(x, 2)).join(', ')}`);
      if (recovery) console.log(`after the last hostile window: p99 ${fmt(recovery.latency.p99, 1)} ms (round 1 without hostile: ${fmt(rounds[0].quiet.latency.p99, 1)} ms)`);
      console.log(`peak RSS of the whole run: ${fmt(Math.max(...mem.map((m) => m.rssMb)), 1)} MB; hostile requests sent: ${[...stats.values()].reduce((n, s) => n + s.ms.length, 0)}`);
      printVerdicts('soak', [
        { goal: 'legitimate p99 with hostile / without <= 3 (median of rounds)', measured: `${fmt(ratio, 2)}`, met: rounds.length ? ratio <= 3 : null },
        {
          goal: 'RSS flat: peak of the last hostile window <= 1.25 x the first',
          measured: hostileRss.length > 1 ? `${fmt(peakLast, 1)} / ${fmt(peakFirst, 1)} MB = ${fmt(peakLast / peakFirst, 2)}` : 'one window',
          met: hostileRss.length > 1 ? peakLast <= 1.25 * peakFirst : null,
        },
        { goal: 'every legitimate request answered 2xx', measured: `${notOk} not 2xx`, met: notOk === 0 },
        { goal: 'the gateway alive throughout', measured: died ?? 'alive', met: died === undefined },
      ]);
    } finally {
      if (gw.process.exitCode === null && gw.process.signalCode === null) await gw.stop();
    }
  },
  240_000,
);
