/**
 * Hostile flows against a real emulator process: expressions that would exhaust memory or freeze
 * the event loop, flows that run themselves (sync and async, deep and broad), huge inputs many
 * times, outputs and logs too large for a record, and more concurrent starts than the gateway
 * takes. Each attack asserts the execution's clear error (or the 429), that /healthz answered
 * within a second throughout (whileServing) and that the process is alive; attacks that should
 * change nothing compare snapshots.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { buildPackage, startPath } from '../emulator/helpers';
import { call, snapshot, startTarget, whileServing, assertRefused } from './harness';
import type { EmulatorProcess } from '../support/emulatorProcess';

const PKG = 'hostile';

/** A flow that sets `x` to one expression (outputs x). */
const setX = (expression: string) => `
outputs:
  x:
    type: string
steps:
  - kind: set
    values:
      x: ${JSON.stringify(`= ${expression}`)}
`;

const FLOWS: Record<string, string> = {
  'h/PadBomb': setX(`$string($length($pad('', 3e8)))`),
  'h/JoinBomb': setX(`$join([1..1000000].$string(), ',') & $join([1..1000000].$string(), ',')`),
  'h/Doubling': setX(`$reduce([1..30], function($a, $b){ $a & $a }, 'x')`),
  'h/Regex': `
inputs:
  s:
    type: string
outputs:
  x:
    type: string
steps:
  - kind: set
    values:
      x: "= $string($match(s, /^(a+)+$/))"
`,
  'h/Recursion': setX(`( $f := function($i){ $f($i + 1) + 1 }; $string($f(0)) )`),
  'h/Range': setX(`$string($count([1..1e7]))`),
  'h/SelfSync': `
outputs:
  n:
    type: integer
steps:
  - kind: run-flow
    flow: h/SelfSync
    output: r
`,
  'h/SelfAsyncTwice': `
steps:
  - kind: run-flow
    flow: h/SelfAsyncTwice
    mode: async
  - kind: run-flow
    flow: h/SelfAsyncTwice
    mode: async
`,
  'h/SelfSyncTwice': `
steps:
  - kind: try
    steps:
      - kind: run-flow
        flow: h/SelfSyncTwice
    catch: []
  - kind: run-flow
    flow: h/SelfSyncTwice
`,
  'h/BigInput': `
inputs:
  blob:
    type: string
outputs:
  size:
    type: integer
steps:
  - kind: set
    values:
      size: "= $length(blob)"
`,
  'h/BigOutput': `
inputs:
  seed:
    type: string
outputs:
  big:
    type: string
  small:
    type: string
steps:
  - kind: set
    values:
      a: "= seed & seed & seed & seed"
      b: "= a & a & a & a"
      big: "= b & b"
      small: "= 'fine'"
`,
  'h/HugeOutput': setX(`$join([1..60].$pad('', 100000, 'x'), '')`),
  'h/GrowVars': `
inputs:
  seed:
    type: string
steps:
  - kind: set
    values:
      a: "= seed & seed & seed & seed"
      b: "= a"
      c: "= a"
      d: "= a"
      e: "= a"
`,
  'h/HugeLog': `
inputs:
  seed:
    type: string
steps:
  - kind: log
    message: "= seed & seed & seed & seed"
  - kind: for-each
    items: "= [1,2,3,4,5,6,7,8,9,10]"
    steps:
      - kind: log
        message: "= seed"
`,
  'h/SlowLoop': `
inputs:
  items:
    type: array
outputs:
  c:
    type: integer
steps:
  - kind: for-each
    items: "= [1..150]"
    as: i
    steps:
      - kind: set
        values:
          c: "= $count(items[n = 3])"
`,
  'h/Sleep': `
steps:
  - kind: wait
    seconds: 20
`,
  'h/Fine': `
inputs:
  name:
    type: string
outputs:
  greeting:
    type: string
steps:
  - kind: set
    values:
      greeting: "= 'hello ' & $uppercase(name)"
`,
};

function errorOf(res: { status: number; body: any }): { code: string; message: string; executionId: string } {
  assert.equal(res.status, 500, `expected the execution to fail: ${JSON.stringify(res.body).slice(0, 500)}`);
  assert.equal(res.body.error.code, 'flow-failed');
  const details = Object.fromEntries((res.body.error.details as { field: string; message: string }[]).map((d) => [d.field, d.message]));
  return { code: details.errorCode, message: res.body.error.message, executionId: details.executionId };
}

function run(gw: EmulatorProcess, flow: string, inputVariables: Record<string, unknown> = {}, query: Record<string, string> = {}) {
  return call(gw, 'POST', startPath(flow, { packageName: PKG, packageVersion: 1, ...query }), { inputVariables });
}

function sendTrap(gw: EmulatorProcess, uptime: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/snmptrap', ['-v', '2c', '-c', 'public', `127.0.0.1:${gw.snmpPort}`, String(uptime), '1.3.6.1.4.1.8072.2.3.0.77'], { timeout: 10_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`snmptrap: ${stderr || err.message}`)) : resolve(),
    );
  });
}

async function waitForTrap(gw: EmulatorProcess, uptime: number): Promise<any> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await call(gw, 'GET', '/api/v1/snmp/traps');
    const trap = r.body.traps?.find((t: any) => t.pdu.uptime === uptime);
    if (trap) return trap;
    if (Date.now() > deadline) throw new Error(`trap ${uptime} was not recorded`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

function rssKb(gw: EmulatorProcess): number {
  const status = readFileSync(`/proc/${gw.process.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

async function waitUntilIdle(gw: EmulatorProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(gw, 'GET', `/api/v1/executions?status=Running&packageName=${PKG}`);
    if (r.status === 200 && r.body.executions.length === 0) return;
    if (Date.now() > deadline) throw new Error(`executions still running after ${timeoutMs} ms: ${r.body.executions?.length}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe('hostile flows', () => {
  let gw: EmulatorProcess;
  let scheduleId: string;
  before(async () => {
    gw = await startTarget();
    for (const version of [1, 2]) {
      const up = await call(gw, 'POST', '/api/v1/packages', await buildPackage(PKG, version, FLOWS));
      assert.equal(up.status, 201, JSON.stringify(up.body));
      assert.equal((await call(gw, 'POST', `/api/v1/packages/${PKG}/versions/${version}/publish`)).status, 200);
    }
    const s = await call(gw, 'POST', `/api/v1/packages/${PKG}/versions/1/schedules`, {
      name: 'yearly',
      flow: 'h/Fine',
      expression: '0 0 1 1 *',
      inputs: { name: 'cron' },
      enabled: false,
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    scheduleId = s.body.id;
    const t = await call(gw, 'POST', `/api/v1/packages/${PKG}/versions/1/triggers`, {
      name: 'any-trap',
      flow: 'h/Fine',
      conditions: { deviceAddress: '*', devicePort: '*', trapOid: '1.3.6.1.4.1.8072.2.3.0.77', version: 'v2c', community: '*' },
      inputs: { name: 'trap' },
    });
    assert.equal(t.status, 201, JSON.stringify(t.body));
  });
  after(async () => {
    await gw?.stop();
  });

  test('$pad bomb: the expression fails on its memory budget; the gateway keeps serving', async () => {
    const before = await snapshot(gw);
    const r = await whileServing(gw, () => run(gw, 'h/PadBomb'));
    const e = errorOf(r);
    assert.equal(e.code, 'budget-exceeded');
    // Memory, normally; on a loaded machine the time budget may come first (test/emulator/expressionBudgets.test.ts pins memory).
    assert.match(e.message, /exceeded its (memory|size|time) budget/);
    assert.deepEqual(await snapshot(gw), before);
    // The expression processes are replaced: the next expression that needs one still runs.
    const fine = await run(gw, 'h/Regex', { s: 'aaa' });
    assert.equal(fine.status, 200, JSON.stringify(fine.body));
    assert.match(fine.body.outputVariables.x, /"match":"aaa"/);
  });

  test('$join of huge arrays, string doubling, [1..1e7] ranges: each a budget error', async () => {
    for (const flow of ['h/JoinBomb', 'h/Doubling', 'h/Range']) {
      const r = await whileServing(gw, () => run(gw, flow));
      const e = errorOf(r);
      assert.equal(e.code, 'budget-exceeded', `${flow}: ${e.message}`);
      assert.match(e.message, /exceeded its (time|memory|size) budget|result of more than/, flow);
    }
  });

  test('catastrophic regex backtracking is interrupted at the time budget', async () => {
    const r = await whileServing(gw, () => run(gw, 'h/Regex', { s: `${'a'.repeat(40)}b` }));
    const e = errorOf(r);
    assert.equal(e.code, 'budget-exceeded');
    assert.match(e.message, new RegExp(`exceeded its time budget \\(${LIMITS.expressionTimeoutMs} ms\\)`));
  });

  test('infinite recursion in an expression fails the execution', async () => {
    const r = await whileServing(gw, () => run(gw, 'h/Recursion'));
    const e = errorOf(r);
    assert.equal(e.code, 'budget-exceeded');
    assert.match(e.message, /runaway/);
  });

  test('many catastrophic expressions at once: they queue for the expression processes, the gateway keeps serving', async () => {
    const results = await whileServing(gw, () =>
      Promise.all(Array.from({ length: 6 }, () => run(gw, 'h/Regex', { s: `${'a'.repeat(40)}b` }))),
    );
    for (const r of results) assert.equal(errorOf(r).code, 'budget-exceeded');
    const ok = await run(gw, 'h/Fine', { name: 'ops' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.outputVariables.greeting, 'hello OPS');
  });

  test('a long loop of slow (but linear) expressions shares the thread: the gateway keeps serving', async () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ n: i % 7 }));
    const r = await whileServing(gw, () => run(gw, 'h/SlowLoop', { items }));
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    assert.equal(r.body.outputVariables.c, items.filter((x) => x.n === 3).length);
  });

  test('a flow that runs itself synchronously stops at the depth bound', async () => {
    const r = await whileServing(gw, () => run(gw, 'h/SelfSync'));
    const e = errorOf(r);
    assert.equal(e.code, 'too-deep');
    assert.match(e.message, new RegExp(`more than ${LIMITS.executionTreeDepth} levels`));
    await waitUntilIdle(gw);
  });

  test('a flow that runs itself twice synchronously (breadth) stops at the tree size bound', async () => {
    const r = await whileServing(gw, () => run(gw, 'h/SelfSyncTwice'));
    const e = errorOf(r);
    assert.ok(e.code === 'too-many-executions' || e.code === 'too-deep', e.message);
    const list = await call(gw, 'GET', `/api/v1/executions?packageName=${PKG}&flow=h/SelfSyncTwice`);
    const tree = list.body.executions.filter((x: any) => x.rootId === e.executionId);
    assert.ok(tree.length <= LIMITS.executionTreeSize, `${tree.length} executions in the tree`);
    await waitUntilIdle(gw);
  });

  test('a flow that runs itself twice asynchronously: the tree stops at its size bound, memory stays bounded', async () => {
    const rss0 = rssKb(gw);
    const rootId = await whileServing(gw, async () => {
      const r = await run(gw, 'h/SelfAsyncTwice', {}, { mode: 'async' });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      await waitUntilIdle(gw);
      return r.body.executionId as string;
    });
    const list = await call(gw, 'GET', `/api/v1/executions?packageName=${PKG}&flow=h/SelfAsyncTwice`);
    const tree = list.body.executions.filter((x: any) => x.rootId === rootId);
    assert.ok(tree.length > 1, 'the tree grew');
    assert.ok(tree.length <= LIMITS.executionTreeSize, `${tree.length} executions in one tree`);
    // Which bound refuses a given child depends on timing (the async fan-out reaches the tree's
    // concurrency and size bounds and, along a long chain, its depth bound): every refusal is one of
    // the tree's bounds, and the size/concurrency bound is among them.
    const errored = tree.filter((x: any) => x.status === 'Error');
    const refused: string[] = [];
    for (let i = 0; i < errored.length; i += 50) {
      const page = await Promise.all(errored.slice(i, i + 50).map((x: any) => call(gw, 'GET', `/api/v1/executions/${x.id}`)));
      refused.push(...page.map((d) => d.body.error.code as string));
    }
    const counts = JSON.stringify(Object.fromEntries([...new Set(refused)].map((c) => [c, refused.filter((x) => x === c).length])));
    assert.ok(refused.length > 0 && refused.every((c) => c === 'too-many-executions' || c === 'too-deep'), counts);
    assert.ok(refused.includes('too-many-executions'), counts);
    const grownMb = (rssKb(gw) - rss0) / 1024;
    assert.ok(grownMb < 300, `RSS grew by ${grownMb.toFixed(0)} MB`);
  });

  test('5 MB inputs × 200 executions: records keep a marker, memory stays bounded', async (t) => {
    const blob = 'x'.repeat(5 * 1024 * 1024 - 1024);
    // Serialised once: the attacker's side should not compete with the gateway for this machine's two cores.
    const body = JSON.stringify({ inputVariables: { blob } });
    const path = startPath('h/BigInput', { packageName: PKG, packageVersion: 1 });
    const rss0 = rssKb(gw);
    let last = '';
    await whileServing(gw, async () => {
      for (let round = 0; round < 50; round++) {
        const rs = await Promise.all(Array.from({ length: 4 }, () => call(gw, 'POST', path, body, { 'content-type': 'application/json' })));
        for (const r of rs) {
          assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
          assert.equal(r.body.outputVariables.size, blob.length);
          last = r.body.executionId;
        }
      }
    }, (rep) => t.diagnostic(`health probes: ${rep.probes}, slowest ${Math.round(rep.worstMs)} ms`));
    const detail = await call(gw, 'GET', `/api/v1/executions/${last}`);
    assert.deepEqual(detail.body.inputs.blob, { $truncated: true, bytes: blob.length + 2 });
    const grownMb = (rssKb(gw) - rss0) / 1024;
    t.diagnostic(`RSS ${Math.round(rss0 / 1024)} MB before, ${Math.round(rssKb(gw) / 1024)} MB after`);
    assert.ok(grownMb < 400, `RSS grew by ${grownMb.toFixed(0)} MB over 200 executions with 5 MB inputs`);
  });

  test('an output larger than a record keeps: the caller gets it, the record a marker', async () => {
    const seed = 'y'.repeat(64 * 1024);
    const r = await whileServing(gw, () => run(gw, 'h/BigOutput', { seed }));
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    assert.equal(r.body.outputVariables.big.length, seed.length * 32);
    const detail = await call(gw, 'GET', `/api/v1/executions/${r.body.executionId}`);
    assert.equal(detail.body.status, 'Ended');
    assert.deepEqual(detail.body.outputs.big, { $truncated: true, bytes: seed.length * 32 + 2 });
    assert.equal(detail.body.outputs.small, 'fine');
  });

  test('an output too large to keep at all fails the execution clearly', async () => {
    const r = await whileServing(gw, () => run(gw, 'h/HugeOutput'));
    const e = errorOf(r);
    assert.equal(e.code, 'budget-exceeded');
    assert.match(e.message, /result of more than 5 MB/);
    const detail = await call(gw, 'GET', `/api/v1/executions/${e.executionId}`);
    assert.equal(detail.body.status, 'Error');
  });

  test('variables past the execution memory budget fail the step that sets them', async () => {
    const seed = 'z'.repeat(1024 * 1024);
    const r = await whileServing(gw, () => run(gw, 'h/GrowVars', { seed }));
    const e = errorOf(r);
    assert.equal(e.code, 'budget-exceeded');
    assert.match(e.message, /memory budget \(16 MB\)/);
  });

  test('a log step with a huge message: the record keeps a cut message and a bounded log', async () => {
    const seed = 'L'.repeat(1024 * 1024);
    const r = await whileServing(gw, () => run(gw, 'h/HugeLog', { seed }));
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    const detail = await call(gw, 'GET', `/api/v1/executions/${r.body.executionId}`);
    const log = detail.body.log as { message: string }[];
    const total = log.reduce((n, l) => n + l.message.length, 0);
    assert.ok(total <= LIMITS.recordLogBytes, `log holds ${total} characters`);
    assert.ok(log.some((l) => /\[truncated: \d+ characters\]$/.test(l.message)), 'a cut message');
    assert.ok(log.some((l) => /^log truncated after/.test(l.message)), 'the log says it was truncated');
  });

  test('more concurrent starts than a version and the gateway take: 429 too-many-executions (REST, schedule run), a trigger records why, nothing else changes', async () => {
    const before = await snapshot(gw);
    const n = LIMITS.executionsPerVersion;
    assert.equal(n * 2, LIMITS.executionsPerGateway, 'two versions fill the gateway');
    const results = await whileServing(gw, async () => {
      const started = await Promise.all(Array.from({ length: n }, () => run(gw, 'h/Sleep', {}, { mode: 'async' })));
      for (const s of started) assert.equal(s.status, 202, JSON.stringify(s.body));
      const over = await Promise.all(Array.from({ length: 5 }, () => run(gw, 'h/Sleep', {}, { mode: 'async' })));
      const overSync = await run(gw, 'h/Fine', { name: 'x' });
      const overSchedule = await call(gw, 'POST', `/api/v1/packages/${PKG}/versions/1/schedules/${scheduleId}/run`);
      // A trap whose trigger would start a flow of the full version: recorded as matched, with why nothing started.
      const uptime = 4242;
      await sendTrap(gw, uptime);
      const trap = await waitForTrap(gw, uptime);
      // Another version's executions are not refused by this version's bound…
      const other = await call(gw, 'POST', startPath('network/core/Restart-Service', { packageName: 'network-ops' }), {
        inputVariables: { device: 'core-sw-1', dryRun: true },
      });
      // …until the gateway's bound: version 2 fills the rest.
      const second = await Promise.all(Array.from({ length: n }, () => run(gw, 'h/Sleep', {}, { mode: 'async', packageVersion: '2' })));
      for (const s of second) assert.equal(s.status, 202, JSON.stringify(s.body));
      const full = await call(gw, 'POST', startPath('network/core/Restart-Service', { packageName: 'network-ops' }), {
        inputVariables: { device: 'core-sw-1', dryRun: true },
      });
      const stop = await call(gw, 'POST', '/api/v1/executions/stop', { ids: [...started, ...second].map((s) => s.body.executionId) });
      assert.equal(stop.status, 200);
      return { over, overSync, overSchedule, other, full, trap };
    });
    const evaluation = results.trap.evaluations.find((e: any) => e.triggerName === 'any-trap');
    assert.equal(evaluation?.matched, true, JSON.stringify(results.trap.evaluations));
    assert.equal(evaluation.executionId, undefined);
    assert.match(evaluation.error, new RegExp(`at most ${n} at once`));
    for (const r of [...results.over, results.overSync, results.overSchedule, results.full]) assertRefused(r, 429, undefined, 'too-many-executions');
    assert.match(results.overSync.body.error.message, new RegExp(`version 1 are running \\(at most ${n} at once\\)`));
    assert.match(results.overSchedule.body.error.message, new RegExp(`at most ${n} at once`));
    assert.match(results.full.body.error.message, new RegExp(`running on this gateway \\(at most ${LIMITS.executionsPerGateway} at once\\)`));
    assert.equal(results.other.status, 200, JSON.stringify(results.other.body));
    await waitUntilIdle(gw);
    assert.deepEqual(await snapshot(gw), before);
    const fine = await run(gw, 'h/Fine', { name: 'again' });
    assert.equal(fine.status, 200);
  });

  test('a forged tree header is refused, naming the header; nothing starts', async () => {
    const before = await call(gw, 'GET', `/api/v1/executions?packageName=${PKG}`);
    const r = await call(gw, 'POST', startPath('h/Fine', { packageName: PKG, packageVersion: 1 }), { inputVariables: { name: 'x' } }, {
      'x-flowgate-execution': `${before.body.executions[0].id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
    });
    assertRefused(r, 400, 'x-flowgate-execution', 'bad-request');
    const afterList = await call(gw, 'GET', `/api/v1/executions?packageName=${PKG}`);
    assert.equal(afterList.body.executions.length, before.body.executions.length);
  });
});

describe('hostile flows: http self-calls join the caller\'s tree (--allow-self-calls)', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startTarget({ args: ['--allow-self-calls'], publishSample: false });
    const flows = {
      // Starts itself twice through the gateway's own API, asynchronously: a tree that would double forever.
      'h/SelfHttp': `
inputs:
  base:
    type: string
  pause:
    type: number
outputs:
  statuses:
    type: array
steps:
  - kind: http
    method: POST
    url: "= base & '/api/default/default/flows/h%2FSelfHttp/executions?mode=async&packageName=${PKG}'"
    body:
      inputVariables:
        base: "= base"
        pause: "= pause"
    output: first
  - kind: http
    method: POST
    url: "= base & '/api/default/default/flows/h%2FSelfHttp/executions?mode=async&packageName=${PKG}'"
    body:
      inputVariables:
        base: "= base"
        pause: "= pause"
    output: second
  - kind: set
    values:
      statuses: "= [first.status, second.status]"
  - kind: wait
    seconds: "= pause"
`,
    };
    const up = await call(gw, 'POST', '/api/v1/packages', await buildPackage(PKG, 1, flows));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal((await call(gw, 'POST', `/api/v1/packages/${PKG}/versions/1/publish`)).status, 200);
  });
  after(async () => {
    await gw?.stop();
  });

  test('a flow that starts itself twice over http stays one bounded tree, and stopping its root stops it all', async () => {
    const r = await whileServing(gw, async () => {
      const root = await call(gw, 'POST', startPath('h/SelfHttp', { packageName: PKG, mode: 'async' }), { inputVariables: { base: gw.url, pause: 5 } });
      assert.equal(root.status, 202, JSON.stringify(root.body));
      const rootId = root.body.executionId as string;
      // Let it grow for a moment, then stop the root: its whole tree stops.
      await new Promise((res) => setTimeout(res, 500));
      const stop = await call(gw, 'POST', `/api/v1/executions/${rootId}/stop`);
      assert.equal(stop.status, 200, JSON.stringify(stop.body));
      await waitUntilIdle(gw, 30_000);
      return rootId;
    });
    const list = (await call(gw, 'GET', `/api/v1/executions?packageName=${PKG}`)).body.executions as any[];
    assert.ok(list.length > 1, 'the flow started itself');
    assert.ok(list.length <= LIMITS.executionTreeSize, `${list.length} executions`);
    for (const x of list) assert.equal(x.rootId, r, 'every self-started execution is in the root\'s tree');
    assert.ok(list.every((x) => x.status !== 'Running'), 'nothing runs on');
  });

  test('left alone, the self-starting tree stops at its size or concurrency bound', async () => {
    const rootId = await whileServing(gw, async () => {
      const root = await call(gw, 'POST', startPath('h/SelfHttp', { packageName: PKG, mode: 'async' }), { inputVariables: { base: gw.url, pause: 0 } });
      assert.equal(root.status, 202, JSON.stringify(root.body));
      await waitUntilIdle(gw, 60_000);
      return root.body.executionId as string;
    });
    const tree = ((await call(gw, 'GET', `/api/v1/executions?packageName=${PKG}`)).body.executions as any[]).filter((x) => x.rootId === rootId);
    assert.ok(tree.length > LIMITS.executionTreeConcurrent, `the tree grew (${tree.length})`);
    assert.ok(tree.length <= LIMITS.executionTreeSize, `${tree.length} executions in one tree`);
    // The self-calls past the bound were answered 429: the flows saw it as their http status.
    const details = await Promise.all(tree.filter((x) => x.status === 'Ended').slice(-50).map((x) => call(gw, 'GET', `/api/v1/executions/${x.id}`)));
    const statuses = details.flatMap((d) => d.body.outputs?.statuses ?? []);
    assert.ok(statuses.includes(429), `statuses seen: ${JSON.stringify([...new Set(statuses)])}`);
  });
});
