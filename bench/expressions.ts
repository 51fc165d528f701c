/**
 * Benchmark: what the JSONata budgets cost. The same expressions evaluated by bare JSONata and by
 * the engine (`evaluateExpression`): proven-linear ones inline in this thread, the others in an
 * expression process (one IPC round trip each, the variables they read copied there).
 *
 *   node --import tsx bench/expressions.ts [--count 2000]
 *
 * Goals: inline evaluation costs at most 1.5× bare JSONata (mean); an expression-process
 * evaluation's p99 stays under 5 ms for small variables; `$length` of a 5 MB string inline is
 * faster than bare JSONata (which copies the string into an array of characters).
 */
import jsonata from 'jsonata';
import { parseArgs } from 'node:util';
import { closeExpressionPool } from '../src/emulator/engine/expressionPool';
import { evaluateExpression, expressionStats } from '../src/emulator/engine/expressions';
import { fmt, mean, percentile, printTable, printVerdicts, runBenchmark, timeRuns as time } from './lib/harness';

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' } } });
const COUNT = Math.min(100_000, Math.max(100, Number(values.count)));

const VARS = { device: 'router-1', n: 41, items: Array.from({ length: 20 }, (_, i) => ({ name: `if${i}`, state: i % 3 ? 'up' : 'down', speed: i * 100 })) };
const INLINE = ["'hello ' & device", '$count(items[state = "down"])', 'n + 1 > 40 ? "big" : "small"', '$sum(items.speed) / $count(items)'];
const IN_PROCESS = ['$map(items, function($i){ $i.name })', "$match(device, /router-(\\d+)/).groups[0]", '$sort(items, function($a, $b){ $a.speed < $b.speed }).name[0]'];


runBenchmark('expressions', async () => {
  const rows: (string | number)[][] = [];
  let inlineRatio = 0;
  for (const src of INLINE) {
    const bare = jsonata(src);
    await time(200, () => bare.evaluate(VARS)); // warm-up
    await time(200, () => evaluateExpression(src, VARS));
    const b = await time(COUNT, () => bare.evaluate(VARS));
    const e = await time(COUNT, () => evaluateExpression(src, VARS));
    const ratio = mean(e) / mean(b);
    inlineRatio = Math.max(inlineRatio, ratio);
    rows.push([src, 'inline', fmt(mean(b) * 1000, 0), fmt(mean(e) * 1000, 0), fmt(ratio, 2), fmt(percentile(e, 99), 2)]);
  }
  let processP99 = 0;
  const processCount = Math.min(COUNT, 1000);
  for (const src of IN_PROCESS) {
    const bare = jsonata(src);
    await time(50, () => evaluateExpression(src, VARS)); // start the processes
    const b = await time(processCount, () => bare.evaluate(VARS));
    const e = await time(processCount, () => evaluateExpression(src, VARS));
    processP99 = Math.max(processP99, percentile(e, 99));
    rows.push([src, 'process', fmt(mean(b) * 1000, 0), fmt(mean(e) * 1000, 0), fmt(mean(e) / mean(b), 1), fmt(percentile(e, 99), 2)]);
  }
  printTable(`expressions: ${COUNT} evaluations each (${processCount} in a process)`, ['expression', 'where', 'bare µs', 'engine µs', 'ratio', 'engine p99 ms'], rows);

  const big = { s: 'x'.repeat(5 * 1024 * 1024) };
  const bareLen = await time(5, () => jsonata('$length(s)').evaluate(big));
  const engineLen = await time(5, () => evaluateExpression('$length(s)', big));
  printTable('expressions: $length of a 5 MB string', ['', 'mean ms'], [
    ['bare JSONata', fmt(mean(bareLen), 1)],
    ['engine (inline)', fmt(mean(engineLen), 2)],
  ]);
  console.log(`\nwhere they ran: ${JSON.stringify(expressionStats)}`);
  printVerdicts('expressions', [
    { goal: 'inline mean <= 1.5x bare JSONata (worst expression)', measured: `${fmt(inlineRatio, 2)}x`, met: inlineRatio <= 1.5 },
    { goal: 'expression process p99 < 5 ms (small variables)', measured: `${fmt(processP99, 2)} ms`, met: processP99 < 5 },
    { goal: '$length of 5 MB inline faster than bare JSONata', measured: `${fmt(mean(engineLen), 2)} vs ${fmt(mean(bareLen), 1)} ms`, met: mean(engineLen) < mean(bareLen) },
  ]);
  closeExpressionPool();
});
