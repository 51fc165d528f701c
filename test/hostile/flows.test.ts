/**
 * Hostile flows against a real emulator process: expressions that would exhaust memory or freeze
 * the event loop, flows that run themselves (sync and async, deep and broad), huge inputs many
 * times, outputs and logs too large for a record, and more concurrent starts than the gateway
 * takes. Each attack asserts the execution's clear error (or the 429), that /healthz answered
 * within a second throughout (whileServing) and that the process is alive; attacks that should
 * change nothing compare snapshots.
 */
import assert from 'node:assert/strict';
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
  return call(gw.url, 'POST', startPath(flow, { packageName: PKG, packageVersion: 1, ...query }), { inputVariables });
}

function rssKb(gw: EmulatorProcess): number {
  const status = readFileSync(`/proc/${gw.process.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

async function waitUntilIdle(gw: EmulatorProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(gw.url, 'GET', `/api/v1/executions?status=Running&packageName=${PKG}`);
    if (r.status === 200 && r.body.executions.length === 0) return;
    if (Date.now() > deadline) throw new Error(`executions still running after ${timeoutMs} ms: ${r.body.executions?.length}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe('hostile flows', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startTarget();
    const up = await call(gw.url, 'POST', '/api/v1/packages', await buildPackage(PKG, 1, FLOWS));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal((await call(gw.url, 'POST', `/api/v1/packages/${PKG}/versions/1/publish`)).status, 200);
  });
  after(async () => {
    await gw?.stop();
  });

  test('$pad bomb: the expression fails on its memory budget; the gateway keeps serving', async () => {
    const before = await snapshot(gw);
    const r = await whileServing(gw, () => run(gw, 'h/PadBomb'));
    const e = errorOf(r);
    assert.equal(e.code, 'budget-exceeded');
    assert.match(e.message, /exceeded its (memory|size) budget/);
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
    const list = await call(gw.url, 'GET', `/api/v1/executions?packageName=${PKG}&flow=h/SelfSyncTwice`);
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
    const list = await call(gw.url, 'GET', `/api/v1/executions?packageName=${PKG}&flow=h/SelfAsyncTwice`);
    const tree = list.body.executions.filter((x: any) => x.rootId === rootId);
    assert.ok(tree.length > 1, 'the tree grew');
    assert.ok(tree.length <= LIMITS.executionTreeSize, `${tree.length} executions in one tree`);
    const refused = (await Promise.all(tree.filter((x: any) => x.status === 'Error').slice(0, 5).map((x: any) => call(gw.url, 'GET', `/api/v1/executions/${x.id}`)))).map((d) => d.body.error.code);
    assert.ok(refused.length > 0 && refused.every((c: string) => c === 'too-many-executions'), JSON.stringify(refused));
    const grownMb = (rssKb(gw) - rss0) / 1024;
    assert.ok(grownMb < 300, `RSS grew by ${grownMb.toFixed(0)} MB`);
  });

  test('5 MB inputs × 200 executions: records keep a marker, memory stays bounded', async () => {
    const blob = 'x'.repeat(5 * 1024 * 1024 - 1024);
    const rss0 = rssKb(gw);
    let last = '';
    await whileServing(gw, async () => {
      for (let round = 0; round < 25; round++) {
        const rs = await Promise.all(Array.from({ length: 8 }, () => run(gw, 'h/BigInput', { blob })));
        for (const r of rs) {
          assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
          assert.equal(r.body.outputVariables.size, blob.length);
          last = r.body.executionId;
        }
      }
    });
    const detail = await call(gw.url, 'GET', `/api/v1/executions/${last}`);
    assert.deepEqual(detail.body.inputs.blob, { $truncated: true, bytes: blob.length + 2 });
    const grownMb = (rssKb(gw) - rss0) / 1024;
    assert.ok(grownMb < 400, `RSS grew by ${grownMb.toFixed(0)} MB over 200 executions with 5 MB inputs`);
  });

  test('an output larger than a record keeps: the caller gets it, the record a marker', async () => {
    const seed = 'y'.repeat(64 * 1024);
    const r = await whileServing(gw, () => run(gw, 'h/BigOutput', { seed }));
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    assert.equal(r.body.outputVariables.big.length, seed.length * 32);
    const detail = await call(gw.url, 'GET', `/api/v1/executions/${r.body.executionId}`);
    assert.equal(detail.body.status, 'Ended');
    assert.deepEqual(detail.body.outputs.big, { $truncated: true, bytes: seed.length * 32 + 2 });
    assert.equal(detail.body.outputs.small, 'fine');
  });

  test('an output too large to keep at all fails the execution clearly', async () => {
    const r = await whileServing(gw, () => run(gw, 'h/HugeOutput'));
    const e = errorOf(r);
    assert.equal(e.code, 'budget-exceeded');
    assert.match(e.message, /result of more than 5 MB/);
    const detail = await call(gw.url, 'GET', `/api/v1/executions/${e.executionId}`);
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
    const detail = await call(gw.url, 'GET', `/api/v1/executions/${r.body.executionId}`);
    const log = detail.body.log as { message: string }[];
    const total = log.reduce((n, l) => n + l.message.length, 0);
    assert.ok(total <= LIMITS.recordLogBytes, `log holds ${total} characters`);
    assert.ok(log.some((l) => /\[truncated: \d+ characters\]$/.test(l.message)), 'a cut message');
    assert.ok(log.some((l) => /^log truncated after/.test(l.message)), 'the log says it was truncated');
  });

  test('more concurrent starts than a version takes: 429 too-many-executions, nothing else changes', async () => {
    const before = await snapshot(gw);
    const n = LIMITS.executionsPerVersion;
    const results = await whileServing(gw, async () => {
      const started = await Promise.all(Array.from({ length: n }, () => run(gw, 'h/Sleep', {}, { mode: 'async' })));
      for (const s of started) assert.equal(s.status, 202, JSON.stringify(s.body));
      const over = await Promise.all(Array.from({ length: 5 }, () => run(gw, 'h/Sleep', {}, { mode: 'async' })));
      const overSync = await run(gw, 'h/Fine', { name: 'x' });
      // Another version's executions are not refused by this version's bound.
      const other = await call(gw.url, 'POST', startPath('network/core/Restart-Service', { packageName: 'network-ops' }), {
        inputVariables: { device: 'core-sw-1', dryRun: true },
      });
      const stop = await call(gw.url, 'POST', '/api/v1/executions/stop', { ids: started.map((s) => s.body.executionId) });
      assert.equal(stop.status, 200);
      return { over, overSync, other };
    });
    for (const r of [...results.over, results.overSync]) assertRefused(r, 429, undefined, 'too-many-executions');
    assert.match(results.overSync.body.error.message, new RegExp(`at most ${n} at once`));
    assert.equal(results.other.status, 200, JSON.stringify(results.other.body));
    await waitUntilIdle(gw);
    assert.deepEqual(await snapshot(gw), before);
    const fine = await run(gw, 'h/Fine', { name: 'again' });
    assert.equal(fine.status, 200);
  });
});
