/**
 * The hostile corpus's harness: every attack runs against a real emulator process, and each test
 * asserts three things — the answer, that the gateway kept serving `/healthz` within a second
 * while the attack ran, and that the gateway's state is what it was (or what the test expects).
 *
 *   const gw = await startTarget();                       // real process, free ports, sample published
 *   const before = await snapshot(gw);
 *   const res = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', evil));
 *   assertRefused(res, 400, 'manifest.name');
 *   assert.deepEqual(await snapshot(gw), before);
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { startEmulatorProcess, type EmulatorProcess, type EmulatorProcessOptions } from '../support/emulatorProcess';
import { call, packExamples, type HttpResult } from '../emulator/helpers';

export { call, type HttpResult };

/** A real emulator process with the sample package `network-ops` uploaded and version 1 published. */
export async function startTarget(opts: EmulatorProcessOptions & { publishSample?: boolean } = {}): Promise<EmulatorProcess> {
  const gw = await startEmulatorProcess(opts);
  if (opts.publishSample !== false) {
    const up = await call(gw, 'POST', '/api/v1/packages', await packExamples());
    assert.ok(up.status === 201 || up.status === 200, `sample upload: ${up.status} ${JSON.stringify(up.body)}`);
    const pub = await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/publish');
    assert.equal(pub.status, 200, `sample publish: ${JSON.stringify(pub.body)}`);
  }
  return gw;
}

export interface ServingReport {
  /** Health probes answered during the attack. */
  probes: number;
  /** The slowest probe, in milliseconds. */
  worstMs: number;
}

/** How long a health probe may take while an attack runs. */
export const HEALTH_BUDGET_MS = 1000;

/**
 * Runs `attack` while probing `/healthz` every 100 ms; fails if any probe takes longer than a
 * second or fails, or if the process exited. Returns what the attack returned.
 */
export async function whileServing<T>(gw: EmulatorProcess, attack: () => Promise<T>, report?: (r: ServingReport) => void): Promise<T> {
  let done = false;
  let probes = 0;
  let worstMs = 0;
  const failures: string[] = [];
  const prober = (async () => {
    while (!done) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${gw.url}/healthz`, { signal: AbortSignal.timeout(HEALTH_BUDGET_MS * 5) });
        await res.arrayBuffer();
        if (res.status !== 200) failures.push(`/healthz answered ${res.status}`);
      } catch (err) {
        failures.push(`/healthz failed: ${(err as Error).message}`);
      }
      const ms = performance.now() - t0;
      probes++;
      worstMs = Math.max(worstMs, ms);
      if (ms > HEALTH_BUDGET_MS) failures.push(`/healthz took ${Math.round(ms)} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let result: T;
  try {
    result = await attack();
  } finally {
    done = true;
    await prober;
  }
  report?.({ probes, worstMs });
  assert.equal(gw.process.exitCode, null, `the gateway exited during the attack:\n${gw.output().slice(-2000)}`);
  assert.equal(gw.process.signalCode, null, `the gateway was killed during the attack:\n${gw.output().slice(-2000)}`);
  assert.deepEqual(failures, [], `the gateway stopped serving during the attack:\n${gw.output().slice(-2000)}`);
  return result;
}

/** The answer is a JSON error with this status, and (when given) a detail naming the field. */
export function assertRefused(res: HttpResult, status: number, field?: string | RegExp, code?: string): void {
  const body = JSON.stringify(res.body)?.slice(0, 2000);
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${body}`);
  assert.equal(typeof res.body?.error?.code, 'string', `not a JSON error: ${body}`);
  assert.equal(typeof res.body?.error?.message, 'string', `not a JSON error: ${body}`);
  if (code) assert.equal(res.body.error.code, code, body);
  if (field !== undefined) {
    const fields: string[] = (res.body.error.details ?? []).map((d: { field: string }) => d.field);
    const hit = fields.some((f) => (typeof field === 'string' ? f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`) || f.startsWith(`${field}/`) : field.test(f)));
    assert.ok(hit, `no detail names the field ${field}: ${body}`);
  }
}

/**
 * What a caller can see of the gateway's state: packages with every version's detail, schedules
 * and triggers, the repository, SNMPv3 users and the defaults. Two equal snapshots mean an attack
 * changed nothing a user relies on.
 */
export async function snapshot(gw: EmulatorProcess): Promise<unknown> {
  const get = async (p: string) => {
    const r = await call(gw, 'GET', p);
    assert.equal(r.status, 200, `GET ${p}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
    return r.body;
  };
  const packages = (await get('/api/v1/packages')) as { packages: Array<{ name: string; versions: Array<{ version: number }> }> };
  const versions: Record<string, unknown> = {};
  for (const p of packages.packages) {
    for (const v of p.versions) {
      const base = `/api/v1/packages/${encodeURIComponent(p.name)}/versions/${v.version}`;
      versions[`${p.name}@${v.version}`] = {
        detail: await get(base),
        schedules: stripVolatile(await get(`${base}/schedules`)),
        triggers: await get(`${base}/triggers`),
      };
    }
  }
  return { packages, versions, definitions: await get('/api/v1/definitions'), snmpUsers: await get('/api/v1/snmp/users'), secrets: await get('/api/v1/secrets') };
}

/** Next-run times move with the clock; they are not state. */
function stripVolatile(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body), (k, v) => (k === 'nextRuns' || k === 'nextRun' || k === 'lastFirings' || k === 'history' ? undefined : v));
}

/** Sends raw UDP datagrams to the gateway's trap port on loopback, pausing briefly every 100 so the kernel buffer is not the thing tested. */
export async function sendAll(port: number, datagrams: Buffer[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  socket.on('error', () => undefined);
  try {
    for (let i = 0; i < datagrams.length; i++) {
      await new Promise<void>((resolve) => socket.send(datagrams[i], port, '127.0.0.1', () => resolve()));
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    socket.close();
  }
}
