/**
 * Benchmark: what the flow grammar costs VS Code's tokenizer. A flow of `--lines` lines built from
 * the sample flows' steps is tokenized the way VS Code does it (vscode-textmate `tokenizeLine2`
 * with Oniguruma), against a baseline measured in the same run: `yaml` parsing the same text (what
 * validation as you type does on every edit).
 *
 *   node --import tsx bench/grammar.ts [--lines 10000] [--rounds 5]
 *
 * Goals: a 1,000-line flow tokenizes in under 50 ms; the slowest line (p99 over every line) under
 * 1 ms — VS Code retokenizes from an edited line on, so this is what a keystroke pays; the whole
 * file costs no more than 2× parsing it.
 */
import { parseArgs } from 'node:util';
import { INITIAL } from 'vscode-textmate';
import { parseDocument } from 'yaml';
import { flowGrammar } from '../test/support/textmate';
import { fmt, mean, percentile, printTable, printVerdicts, runBenchmark, timeRuns } from './lib/harness';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '5' } } });
const LINES = Math.min(200_000, Math.max(1000, Number(values.lines)));
const ROUNDS = Math.min(50, Math.max(1, Number(values.rounds)));

const STEPS = [
  '  - kind: log',
  "    message: \"= 'Restarting ' & service & ' on ' & device\"",
  '  - kind: run-flow',
  '    name: Check reachability',
  '    flow: network/core/Check-Reachability',
  '    inputs:',
  '      device: "= device"',
  '    output: reachability',
  '  - kind: if',
  '    condition: "= reachability.reachable"  # checked first',
  '    then:',
  '      - kind: set',
  '        values:',
  '          restarted: "= result.exitCode = 0 and $not(dryRun)"',
  "          message: \"= dryRun ? 'Would run: ' & result.command : 'Restarted ' & service\"",
  '          reachable: "= $not($contains(device, /^192\\\\.0\\\\.2\\\\./))"',
  '    else:',
  '      - kind: fail',
  '        code: unreachable',
  '        message: |',
  "          = 'Device ' & device & ' is unreachable: ' & reachability.reason",
  '  - kind: wait',
  '    seconds: 0.2',
];

function flowOf(lines: number): string {
  const out = ['description: A long flow for the benchmark', 'inputs:', '  device:', '    type: string', 'steps:'];
  while (out.length + STEPS.length <= lines) out.push(...STEPS);
  return out.join('\n');
}

runBenchmark('grammar', async () => {
  const grammar = await flowGrammar();
  const tokenize = (text: string, perLine?: number[]) => {
    let stack = INITIAL;
    for (const line of text.split('\n')) {
      const t0 = perLine ? performance.now() : 0;
      stack = grammar.tokenizeLine2(line, stack).ruleStack;
      if (perLine) perLine.push(performance.now() - t0);
    }
  };
  const rows: (string | number)[][] = [];
  const results = new Map<number, { tok: number; parse: number }>();
  for (const n of [1000, LINES]) {
    const text = flowOf(n);
    tokenize(text); // warm-up: compiles every rule's scanner
    parseDocument(text);
    const tok = mean(await timeRuns(ROUNDS, () => tokenize(text)));
    const parse = mean(await timeRuns(ROUNDS, () => parseDocument(text)));
    results.set(n, { tok, parse });
    rows.push([`${n.toLocaleString('en')} lines`, fmt(tok, 1), fmt((tok * 1000) / n, 1), fmt(parse, 1), fmt(tok / parse, 2)]);
  }
  printTable(`grammar: tokenizing a flow (mean of ${ROUNDS})`, ['flow', 'tokenize ms', 'µs / line', 'yaml parse ms', 'ratio'], rows);
  const perLine: number[] = [];
  tokenize(flowOf(LINES), perLine);
  printTable('grammar: one line', ['', 'ms'], [
    ['p50', fmt(percentile(perLine, 50), 3)],
    ['p99', fmt(percentile(perLine, 99), 3)],
    ['max', fmt(Math.max(...perLine), 3)],
  ]);
  const small = results.get(1000)!;
  const big = results.get(LINES)!;
  printVerdicts('grammar', [
    { goal: '1,000-line flow tokenizes < 50 ms', measured: `${fmt(small.tok, 1)} ms`, met: small.tok < 50 },
    { goal: 'one line p99 < 1 ms', measured: `${fmt(percentile(perLine, 99), 3)} ms`, met: percentile(perLine, 99) < 1 },
    { goal: `tokenize ${LINES.toLocaleString('en')} lines <= 2x yaml parse`, measured: `${fmt(big.tok / big.parse, 2)}x`, met: big.tok / big.parse <= 2 },
  ]);
});
