/**
 * Benchmark: completion latency on a 1,000-flow workspace (issue 11: "completion latency on a
 * 1,000-flow workspace, goal under 50 ms"). A workspace of 1,000 flows in 20 folders (each runs
 * two earlier flows and calls one of 10 connections, with inputs, outputs and nested steps) and a
 * package draft listing every flow is written to a temp folder and loaded with core's
 * loadWorkspace, as the extension does. Then, interleaved, completion at several places of a flow
 * being edited (its text as the editor has it, one keystroke ahead of the model):
 *   - step kinds (`kind: `), a step's fields, a run-flow `flow: ` (1,000 names), a child's inputs,
 *     variables in an `=` string deep in the flow, and a draft's `definitions.flows` entry;
 *   - baseline: parseWorkspaceFile of the same text (what each keystroke already costs for
 *     diagnostics): completion parses the edited text once, so the parse is its floor.
 * Plus hover, find references (all 1,000 files) and outline, for scale.
 *
 *   node --import tsx bench/completion.ts [--flows 1000] [--count 200]
 *
 * Goal: every completion kind under 50 ms (p95); p50 and p95 printed, and the ratio to the baseline.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { completions, documentSymbols, hover, references } from '../src/core/language';
import type { Position } from '../src/core/model/diagnostic';
import { parseWorkspaceFile } from '../src/core/workspace/parseFile';
import { directorySource, loadWorkspace } from '../src/core/workspace/workspace';
import { fmt, percentile, printTable, printVerdicts, runBenchmark, timeRuns, trackTempDir } from './lib/harness';

const { values } = parseArgs({ options: { flows: { type: 'string', default: '1000' }, count: { type: 'string', default: '200' } } });
const FLOWS = Math.min(5000, Math.max(10, Number(values.flows)));
const COUNT = Math.min(10_000, Math.max(10, Number(values.count)));
const CONNECTIONS = 10;
const GOAL_MS = 50;

const flowId = (i: number) => `area${i % 20}/Flow${i}`;

function flowText(i: number): string {
  const child = (k: number) => flowId((i + FLOWS - k) % FLOWS);
  return `description: Flow ${i} of the benchmark workspace; runs two others and calls connection conn${i % CONNECTIONS}.
inputs:
  device:
    type: string
    description: The device
  count:
    type: integer
    default: 3
  dryRun:
    type: boolean
    default: false
outputs:
  status:
    type: string
  total:
    type: integer
steps:
  - kind: set
    values:
      total: "= count * 2"
  - kind: run-flow
    name: First child
    flow: ${child(1)}
    inputs:
      device: "= device"
    output: first
  - kind: if
    condition: "= first.status = 'ok'"
    then:
      - kind: http
        connection: conn${i % CONNECTIONS}
        path: "= '/devices/' & device"
        output: response
      - kind: for-each
        items: "= response.body.items"
        as: entry
        steps:
          - kind: run-flow
            flow: ${child(2)}
            inputs:
              device: "= entry.name"
            output: second
          - kind: log
            message: "= 'checked ' & entry.name"
    else:
      - kind: fail
        message: "= 'child failed: ' & first.status"
  - kind: set
    values:
      status: ok
`;
}

/** Text with one `‸` → text without it and the cursor's position. */
function cursor(marked: string): { text: string; pos: Position } {
  const at = marked.indexOf('‸');
  const before = marked.slice(0, at);
  return { text: marked.replace('‸', ''), pos: { line: before.split('\n').length - 1, character: at - (before.lastIndexOf('\n') + 1) } };
}

runBenchmark('completion', async () => {
  const dir = trackTempDir(await mkdtemp(path.join(os.tmpdir(), 'flowgate-bench-completion-')));
  const writeT0 = performance.now();
  for (let a = 0; a < 20; a++) await mkdir(path.join(dir, 'flows', `area${a}`), { recursive: true });
  await mkdir(path.join(dir, 'connections'), { recursive: true });
  await mkdir(path.join(dir, 'packages'), { recursive: true });
  await Promise.all(Array.from({ length: FLOWS }, (_, i) => writeFile(path.join(dir, 'flows', `${flowId(i)}.flow.yaml`), flowText(i))));
  for (let c = 0; c < CONNECTIONS; c++) await writeFile(path.join(dir, 'connections', `conn${c}.connection.yaml`), `description: Connection ${c}\nbaseUrl: http://127.0.0.1:${9000 + c}\n`);
  const draftText = `name: bench\nversion: 1\ndefinitions:\n  flows:\n${Array.from({ length: FLOWS }, (_, i) => `    - ${flowId(i)}\n`).join('')}  connections:\n${Array.from({ length: CONNECTIONS }, (_, c) => `    - conn${c}\n`).join('')}`;
  await writeFile(path.join(dir, 'packages', 'bench.package.yaml'), draftText);
  const writeMs = performance.now() - writeT0;
  const loadT0 = performance.now();
  const ws = await loadWorkspace(directorySource(dir));
  const loadMs = performance.now() - loadT0;
  if (ws.flows().size !== FLOWS) throw new Error(`loaded ${ws.flows().size} flows, expected ${FLOWS}`);

  // The flow being edited: Flow500 with a keystroke the model has not seen yet (a new step at the end).
  const editedId = flowId(Math.floor(FLOWS / 2));
  const rel = `flows/${editedId}.flow.yaml`;
  const base = ws.file(rel)!.text;
  const cases: { name: string; marked: string; relPath: string; expect: number }[] = [
    { name: 'step kind (`kind: `)', marked: `${base}  - kind: ‸\n`, relPath: rel, expect: 9 },
    { name: "a step's fields", marked: `${base}  - kind: http\n    ‸\n`, relPath: rel, expect: 9 },
    { name: `run-flow \`flow: \` (${FLOWS} names)`, marked: `${base}  - kind: run-flow\n    flow: ‸\n`, relPath: rel, expect: FLOWS - 1 },
    { name: "a child flow's inputs", marked: `${base}  - kind: run-flow\n    flow: ${flowId(3)}\n    inputs:\n      ‸\n`, relPath: rel, expect: 3 },
    {
      name: 'variables in an `=` string (nested)',
      marked: base.replace(`message: "= 'checked ' & entry.name"`, `message: "= ‸"`),
      relPath: rel,
      expect: 0,
    },
    { name: `draft \`definitions.flows\` entry (${FLOWS} listed)`, marked: draftText.replace('  connections:\n', '    - ‸\n  connections:\n'), relPath: 'packages/bench.package.yaml', expect: 0 },
  ];
  const prepared = cases.map((c) => ({ ...c, ...cursor(c.marked) }));
  for (const c of prepared) {
    const n = completions(ws, { relPath: c.relPath, text: c.text }, c.pos).items.length;
    if (c.expect > 0 && n !== c.expect) throw new Error(`${c.name}: ${n} items, expected ${c.expect}`);
    if (c.expect === 0 && c.name.startsWith('variables') && n < 10) throw new Error(`${c.name}: only ${n} items`);
  }

  // Warm-up, then interleaved rounds so every case sees the same machine. Each case's baseline is
  // parsing its own text (parseWorkspaceFile: what each keystroke already costs for diagnostics).
  for (const c of prepared) await timeRuns(20, () => completions(ws, { relPath: c.relPath, text: c.text }, c.pos));
  const times = prepared.map(() => [] as number[]);
  const parses = prepared.map(() => [] as number[]);
  for (let round = 0; round < 10; round++) {
    for (let k = 0; k < prepared.length; k++) {
      const c = prepared[k];
      parses[k].push(...(await timeRuns(COUNT / 20, () => parseWorkspaceFile(c.relPath, c.text))));
      times[k].push(...(await timeRuns(COUNT / 10, () => completions(ws, { relPath: c.relPath, text: c.text }, c.pos))));
    }
  }
  printTable(
    `completion: ${FLOWS} flows, ${CONNECTIONS} connections (written in ${fmt(writeMs / 1000, 1)} s, loaded by core in ${fmt(loadMs / 1000, 1)} s); ${COUNT} requests each`,
    ['request', 'p50 ms', 'p95 ms', 'max ms', 'parse p50 ms', 'p50 / parse'],
    prepared.map((c, k) => [
      c.name,
      fmt(percentile(times[k], 50), 2),
      fmt(percentile(times[k], 95), 2),
      fmt(Math.max(...times[k]), 2),
      fmt(percentile(parses[k], 50), 2),
      fmt(percentile(times[k], 50) / percentile(parses[k], 50), 1),
    ]),
  );

  // For scale: the other requests on the same workspace.
  const restart = cursor(base.replace(`flow: ${flowId((Math.floor(FLOWS / 2) + FLOWS - 1) % FLOWS)}`, `flow: ${flowId((Math.floor(FLOWS / 2) + FLOWS - 1) % FLOWS).slice(0, 3)}‸${flowId((Math.floor(FLOWS / 2) + FLOWS - 1) % FLOWS).slice(3)}`));
  const hoverT = await timeRuns(50, () => hover(ws, { relPath: rel, text: restart.text }, restart.pos));
  const refsT = await timeRuns(20, () => references(ws, { relPath: rel, text: restart.text }, restart.pos, true));
  const symT = await timeRuns(50, () => documentSymbols({ relPath: rel, text: base }));
  const refsCount = references(ws, { relPath: rel, text: restart.text }, restart.pos, true).length;
  printTable('completion: other requests, for scale', ['request', 'p50 ms', 'p95 ms'], [
    ['hover on a run-flow reference', fmt(percentile(hoverT, 50), 2), fmt(percentile(hoverT, 95), 2)],
    [`find references (${refsCount} found in ${ws.files().length} files)`, fmt(percentile(refsT, 50), 1), fmt(percentile(refsT, 95), 1)],
    ['outline of the edited flow', fmt(percentile(symT, 50), 2), fmt(percentile(symT, 95), 2)],
  ]);

  printVerdicts(
    'completion',
    prepared.map((c, k) => ({ goal: `${c.name} < ${GOAL_MS} ms (p95)`, measured: `${fmt(percentile(times[k], 95), 2)} ms (p50 ${fmt(percentile(times[k], 50), 2)} ms)`, met: percentile(times[k], 95) < GOAL_MS })),
  );
});
