/**
 * The engine's budgets, in process: which JSONata runs inline (proven linear) and which goes to an
 * expression process, what travels there, the process's time and memory budgets (a real forked
 * process, killed and replaced), bounded measurement of values and bounded records.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import jsonata from 'jsonata';
import { LIMITS } from '../../src/core/limits';
import { analyse } from '../../src/emulator/engine/expressionBounds';
import { closeExpressionPool, defaultPoolSize, ExpressionBudgetError, ExpressionPool, expressionPool } from '../../src/emulator/engine/expressionPool';
import { evaluateExpression, expressionStats } from '../../src/emulator/engine/expressions';
import { FlowError } from '../../src/emulator/engine/errors';
import { GatewayMemory, VariableBudget } from '../../src/emulator/engine/variableBudget';
import { boundedText, boundedVariables, measure } from '../../src/emulator/engine/valueSize';
import { appendLog, type ExecutionRecord } from '../../src/emulator/executions/record';

const shape = (src: string) => analyse(jsonata(src).ast());

async function failure(p: Promise<unknown>): Promise<FlowError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof FlowError, String(err));
    return err;
  }
  assert.fail('expected the evaluation to fail');
}

describe('expression budgets', () => {
  after(() => closeExpressionPool());

  test('proven-linear expressions run inline; anything that could escape a budget does not', () => {
    for (const src of [
      'a.b & "x"',
      "$uppercase(name) & '-' & $string(n + 1)",
      'x > 3 and y = "up" ? 1 : 2',
      '{"k": a, "list": [1, 2, b]}',
      'items[state = "down"].name',
      '$count(items) + $sum(items.n)',
      '$substring(s, 0, 3) & $length(s)',
      '$now()',
    ]) {
      assert.equal(shape(src).inline, true, src);
    }
    for (const src of [
      "$pad('', 3e8)",
      "$join(items, ',')",
      "($string := $pad; $string('', 3e8))", // a whitelisted name re-bound
      '$match(s, /^(a+)+$/)',
      '[1..1e7]',
      'function($a){ $a }',
      "$reduce([1,2], function($a, $b){ $a & $a }, 'x')",
      "$eval('1 + 1')",
      '$$.a',
      '$',
      'a ~> $uppercase',
      "$substring(?, 1)",
      'a@$x.b',
      'a#$i.b',
      'a^(b)',
      'a.**',
      'a.*',
      "$now('[Y0001]')",
      "$replace(s, 'a', 'b')",
      "$split(s, '')",
      'a & b & c & d & e & f & g & h & i',
    ]) {
      assert.equal(shape(src).inline, false, src);
    }
  });

  test('only the root variables an expression may read travel to an expression process', () => {
    assert.deepEqual([...(shape('$match(s, /x/)').reads as Set<string>)].sort(), ['s']);
    assert.deepEqual([...(shape('$map(xs, function($v){ $v.y & z })').reads as Set<string>)].sort(), ['xs', 'y', 'z']);
    for (const src of ['$$.a', '$keys($)', '$string()', "$eval('a')", 'a.*', '$each(function($v){ $v })']) {
      assert.equal(shape(src).reads, 'all', src);
    }
  });

  test('inline evaluation gives what JSONata gives', async () => {
    const vars = { a: { b: 'y' }, name: 'ops', n: 2, s: 'héllo😀x', items: [{ n: 1, state: 'down', name: 'a' }, { n: 2, state: 'up', name: 'b' }] };
    for (const src of ['a.b & "x"', "$uppercase(name) & '-' & $string(n + 1)", 'items[state = "down"].name', '$sum(items.n)', '$length(s)', '$substring(s, 1, 3)', '$substring(s, -2)', '{"k": a.b}']) {
      const plain = (v: unknown) => JSON.parse(JSON.stringify(v ?? null));
      assert.deepEqual(plain(await evaluateExpression(src, vars)), plain(await jsonata(src).evaluate(vars)), src);
    }
  });

  test('an expression process: out of memory and out of time are budget errors; the process is replaced', async () => {
    // Memory alone: a pool of one process with a generous time budget (a loaded machine cannot turn it into a timeout).
    const own = new ExpressionPool(1, 30_000);
    try {
      await assert.rejects(own.evaluate("$length($pad('', 3e8))", {}), (e: ExpressionBudgetError) => e.kind === 'memory' && e.message === `exceeded its memory budget (${LIMITS.expressionMemoryMb} MB)`);
      assert.equal(own.replaced, 1);
      const after = await own.evaluate('1 + 1', {});
      assert.deepEqual(after, { id: (after as { id: number }).id, ok: true, value: 2 });
    } finally {
      own.close();
    }
    const pool = expressionPool();
    const before = pool.replaced;
    const mem = await failure(evaluateExpression("$length($pad('', 3e8))", {}));
    assert.equal(mem.code, 'budget-exceeded');
    assert.match(mem.message, /exceeded its (memory|time) budget/);
    const time = await failure(evaluateExpression('$match(s, /^(a+)+$/)', { s: `${'a'.repeat(40)}b` }));
    assert.equal(time.code, 'budget-exceeded');
    assert.match(time.message, new RegExp(`time budget \\(${LIMITS.expressionTimeoutMs} ms\\)`));
    assert.ok(pool.replaced >= before + 2, 'both processes were replaced');
    assert.deepEqual(await evaluateExpression('$map(xs, function($v){ $v * k })', { xs: [1, 2], k: 3 }), [3, 6]);
  });

  test('results larger than a variable may hold fail, inline and in a process', async () => {
    const big = 'x'.repeat(LIMITS.expressionResultBytes / 2 + 10);
    const inline = await failure(evaluateExpression('s & s & s', { s: big }));
    assert.equal(inline.code, 'budget-exceeded');
    assert.match(inline.message, /result of more than 5 MB/);
    const inProcess = await failure(evaluateExpression("$join([s, s, s], '')", { s: big }));
    assert.equal(inProcess.code, 'budget-exceeded');
  });

  test('an inline expression past its time slice is run again in an expression process, with the same result', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ n: i % 7, name: `d${i}` }));
    const moved = expressionStats.moved;
    const inProcess = expressionStats.inProcess;
    assert.equal(shape('$count(items[n = 3])').inline, true);
    assert.equal(await evaluateExpression('$count(items[n = 3])', { items }), items.filter((x) => x.n === 3).length);
    assert.equal(expressionStats.moved, moved + 1, 'it overran its inline slice');
    assert.equal(expressionStats.inProcess, inProcess + 1);
  });

  test('a long expression is parsed and run in an expression process, never in the gateway\'s thread', async () => {
    const long = `$sum([${Array.from({ length: 6000 }, () => '1').join(', ')}]) * n`;
    assert.ok(long.length > LIMITS.expressionInlineSourceLength);
    const vars = { n: 1 };
    const inProcess = expressionStats.inProcess;
    assert.equal(await evaluateExpression(long, vars), 6000);
    assert.equal(expressionStats.inProcess, inProcess + 1);
    const broken = await failure(evaluateExpression(`${long} +`, vars));
    assert.equal(broken.code, 'expression-error');
    assert.match(broken.message, /Unexpected end of expression/);
  });

  test('syntax errors and ordinary evaluation errors stay expression errors', async () => {
    assert.equal((await failure(evaluateExpression('1 +', {}))).code, 'expression-error');
    assert.equal((await failure(evaluateExpression("$number('x') + $match('a', /a/)", {}))).code, 'expression-error');
  });
});

describe('bounded values', () => {
  test('measure stops at its limit, also on cyclic and deep values', () => {
    assert.deepEqual(measure({ a: 'xyz', b: [1, 2] }, 1000), { bytes: measure({ a: 'xyz', b: [1, 2] }, 1000).bytes, over: false, tooDeep: false });
    const cyclic: Record<string, unknown> = { a: 'x' };
    cyclic.self = cyclic;
    assert.equal(measure(cyclic, 10_000).over, true);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const m = measure(deep, 1e9);
    assert.equal(m.tooDeep, true);
    assert.equal(measure('x'.repeat(1e6), 1000).over, true);
  });

  test('records keep small values and mark large ones with their size', () => {
    const big = 'b'.repeat(LIMITS.recordValueBytes * 2);
    const out = boundedVariables({ small: 'ok', big, n: 1 });
    assert.deepEqual(out, { small: 'ok', big: { $truncated: true, bytes: big.length + 2 }, n: 1 });
    const same = { a: 1 };
    assert.equal(boundedVariables(same), same);
    // Many values under the per-value bound still stop at the record's total.
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`v${i}`, 'm'.repeat(LIMITS.recordValueBytes - 100)]));
    const kept = boundedVariables(many);
    assert.ok(Object.values(kept).some((v) => typeof v === 'object'), 'later values are markers');
    assert.ok(JSON.stringify(kept).length <= LIMITS.recordVariablesBytes + 1024);
    assert.match(boundedText('t'.repeat(LIMITS.textLength + 5)), /… \[truncated: \d+ characters\]$/);
  });

  test('a record log is bounded in entries and bytes, with one note when cut', () => {
    const record = { log: [] } as unknown as ExecutionRecord;
    for (let i = 0; i < 100; i++) appendLog(record, { at: 'now', level: 'info', message: 'm'.repeat(LIMITS.textLength * 2) });
    const total = record.log.reduce((n, e) => n + e.message.length, 0);
    assert.ok(total <= LIMITS.recordLogBytes, `${total}`);
    assert.match(record.log[record.log.length - 1].message, /^log truncated after/);
    assert.equal(record.log.filter((e) => /^log truncated/.test(e.message)).length, 1);
  });

  test('variable budgets: per execution and for the gateway, released at the end', () => {
    const gateway = new GatewayMemory();
    const one = new VariableBudget(gateway);
    const vars: Record<string, unknown> = {};
    one.assign(vars, 'a', 'x'.repeat(1024));
    assert.ok(gateway.used > 1024);
    one.assign(vars, 'a', 'small'); // replacing a value gives its bytes back
    assert.ok(gateway.used < 100);
    assert.throws(() => one.assign(vars, 'huge', 'x'.repeat(LIMITS.executionVariablesBytes + 1)), (e: FlowError) => e.code === 'budget-exceeded' && /memory budget/.test(e.message));
    assert.equal(vars.huge, undefined, 'a refused value is not set');
    one.release();
    assert.equal(gateway.used, 0);
    // The gateway's budget: many executions together.
    const budgets = Array.from({ length: Math.ceil(LIMITS.executionsVariablesBytes / (8 * 1024 * 1024)) + 1 }, () => new VariableBudget(gateway));
    const chunk = 'g'.repeat(8 * 1024 * 1024);
    let refused = 0;
    for (const b of budgets) {
      try {
        b.assign({}, 'v', chunk);
      } catch (e) {
        assert.match((e as Error).message, /all running executions/);
        refused++;
      }
    }
    assert.ok(refused >= 1);
    for (const b of budgets) b.release();
    assert.equal(gateway.used, 0);
  });
});

describe('bounded values: hostile keys', () => {
  test('a `__proto__` key stays an own property in bounded variables and in an execution\'s variables', () => {
    const given = JSON.parse(`{"__proto__": {"polluted": true}, "big": "${'x'.repeat(LIMITS.recordValueBytes + 1)}"}`);
    const out = boundedVariables(given) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__', 'big']);
    assert.equal((out as { polluted?: boolean }).polluted, undefined);
    const vars: Record<string, unknown> = {};
    new VariableBudget(new GatewayMemory()).assign(vars, '__proto__', { polluted: true });
    assert.equal(Object.getPrototypeOf(vars), Object.prototype);
    assert.equal((vars as { polluted?: boolean }).polluted, undefined);
    assert.deepEqual(Object.keys(vars), ['__proto__']);
  });
});

describe('execution history: a record never throws into its writer', () => {
  test('a record that cannot be serialised is written reduced, and reads back', async () => {
    const { JsonlExecutionHistory } = await import('../../src/emulator/executions/historyLog');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-history-'));
    const warnings: string[] = [];
    try {
      const history = await JsonlExecutionHistory.open(dir, { warn: (m) => warnings.push(m) });
      await history.ready();
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      const record = {
        id: 'e1', parentId: null, rootId: 'e1', flow: 'f', packageName: 'p', packageVersion: 1,
        initiator: { type: 'user', name: 'anonymous' }, executingOn: 'gw', status: 'Running', startedAt: new Date().toISOString(),
        endedAt: null, inputs: { cyclic }, outputs: null, error: null, log: [], childIds: [], depth: 0,
      } as unknown as ExecutionRecord;
      history.add(record); // no throw
      record.status = 'Ended';
      record.endedAt = new Date().toISOString();
      record.outputs = { big: 10n } as unknown as Record<string, unknown>; // BigInt: JSON.stringify throws
      history.update(record); // no throw
      await history.flushed();
      assert.ok(warnings.some((w) => /could not be serialised/.test(w)), warnings.join('\n'));
      await history.close();
      const reopened = await JsonlExecutionHistory.open(dir, { warn: (m) => warnings.push(m) });
      const back = await reopened.get('e1');
      assert.equal(back?.status, 'Ended');
      assert.deepEqual(back?.inputs, { $truncated: true, bytes: -1 });
      assert.match(back!.log[0].message, /log left out: the record could not be serialised/);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('expression processes see nothing of the gateway and run below it', () => {
  after(() => closeExpressionPool());
  test('an expression process does not inherit the gateway environment (credentials may live there), runs niced, leaves a core free', async () => {
    const saved = process.env.FLOWGATE_CLIENT_SECRET;
    process.env.FLOWGATE_CLIENT_SECRET = 'do-not-leak';
    try {
      const own = new ExpressionPool(1);
      try {
        // The child reports its environment through a request only a test can make: evaluate in a fresh process
        // and read /proc/<pid>/environ of the child.
        const pending = own.evaluate('1', {});
        await pending;
        const pid = (own as unknown as { slots: { child: { pid: number } }[] }).slots[0].child.pid;
        const { readFileSync } = await import('node:fs');
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        assert.doesNotMatch(environ, /do-not-leak|FLOWGATE_CLIENT_SECRET/);
        assert.match(environ, /FLOWGATE_EXPRESSION_WORKER=1/);
        const os = await import('node:os');
        assert.equal(os.getPriority(pid), 10, 'expression processes run below the gateway');
        assert.ok(defaultPoolSize() >= 1 && defaultPoolSize() <= Math.max(1, os.availableParallelism() - 1), 'a core stays for the gateway');
      } finally {
        own.close();
      }
    } finally {
      if (saved === undefined) delete process.env.FLOWGATE_CLIENT_SECRET;
      else process.env.FLOWGATE_CLIENT_SECRET = saved;
    }
  });
});
