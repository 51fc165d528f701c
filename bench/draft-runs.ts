/**
 * Benchmark: what running the editor's text costs (issue 11, "Run what is in the editor").
 *
 *   node --import tsx bench/draft-runs.ts [--count 200]
 *
 * - A draft run (POST /api/v1/draft-runs: the files checked with core's validator, then run) of
 *   the three-step flow against a start of the same flow published (one request after the other,
 *   sequential): the ratio of their mean latencies. Goal: a draft run costs at most 3× a start.
 * - The same for a draft of 300 flows (a chain of 10 run-flow children plus 290 unrelated flows in
 *   the files, as a workspace sends only what the flow needs — this is the worst the route takes).
 * - "Changed since vN" off the tree's path: core's draftHashes of a 1,000-flow package draft (what
 *   the Packages view computes per draft after an edit). Goal: under 100 ms, so a refresh after a
 *   save never holds the view.
 */
import { parseArgs } from 'node:util';
import { draftHashes } from '../src/core/draft/draftChanges';
import { checkDraftRun } from '../src/core/draft/draftRun';
import { Workspace } from '../src/core/workspace/workspace';
import { apiOk, fmt, mean, percentile, printTable, printVerdicts, runBenchmark, startEmulator, startPath, THREE_STEP_FLOW, timeRuns, uploadPackage } from './lib/harness';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200' } } });
const COUNT = Math.min(5000, Math.max(20, Number(values.count)));

const FLOW = 'bench/Three-Step';
const PACKAGE = 'bench-draft';

/** A chain of `depth` flows (each runs the next) plus `extra` unrelated flows. */
function chainFiles(depth: number, extra: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < depth; i++) {
    const next = i + 1 < depth ? `  - kind: run-flow\n    flow: chain/F${i + 1}\n    inputs: {}\n    output: r\n` : '';
    files[`flows/chain/F${i}.flow.yaml`] = `outputs:\n  n:\n    type: integer\nsteps:\n${next}  - kind: set\n    values:\n      n: ${i}\n`;
  }
  for (let i = 0; i < extra; i++) files[`flows/other/G${i}.flow.yaml`] = THREE_STEP_FLOW;
  return files;
}

runBenchmark('draft-runs', async () => {
  const gw = await startEmulator();
  try {
    await uploadPackage(gw.url, PACKAGE, 1, { [FLOW]: THREE_STEP_FLOW });
    const start = () => apiOk(gw.url, 'POST', startPath(FLOW, { packageName: PACKAGE }), { inputVariables: { device: 'r1' } });
    const small = { files: { [`flows/${FLOW}.flow.yaml`]: THREE_STEP_FLOW }, flow: FLOW, inputVariables: { device: 'r1' } };
    const draft = () => apiOk(gw.url, 'POST', '/api/v1/draft-runs', small);
    const big = { files: chainFiles(10, 290), flow: 'chain/F0' };
    const bigDraft = () => apiOk(gw.url, 'POST', '/api/v1/draft-runs', big);
    await timeRuns(20, start);
    await timeRuns(20, draft);
    const s = await timeRuns(COUNT, start);
    const d = await timeRuns(COUNT, draft);
    const b = await timeRuns(Math.max(10, Math.floor(COUNT / 10)), bigDraft);
    const checkOnly = await timeRuns(20, () => checkDraftRun(big.files, big.flow));
    printTable(`draft runs: ${COUNT} sequential requests each`, ['request', 'mean ms', 'p99 ms'], [
      ['start of the published flow', fmt(mean(s), 2), fmt(percentile(s, 99), 2)],
      ['draft run of the same flow (1 file)', fmt(mean(d), 2), fmt(percentile(d, 99), 2)],
      ['draft run: 10-flow chain in 300 files', fmt(mean(b), 2), fmt(percentile(b, 99), 2)],
      ['  of which the check (core, in this process)', fmt(mean(checkOnly), 2), fmt(percentile(checkOnly, 99), 2)],
    ]);

    const ws = new Workspace();
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const id = `big/F${i}`;
      ids.push(id);
      ws.setFile(`flows/${id}.flow.yaml`, THREE_STEP_FLOW.replace('router-1', `router-${i}`));
    }
    ws.setFile('packages/big.package.yaml', `name: big\nversion: 1\ndefinitions:\n  flows: [${ids.join(', ')}]\n`);
    if (draftHashes(ws, 'big')?.length !== 1000) throw new Error('draftHashes of the 1,000-flow draft did not give 1,000 hashes');
    const h = await timeRuns(10, () => draftHashes(ws, 'big'));
    printTable('changed since vN: draftHashes of a 1,000-flow draft', ['', 'mean ms', 'max ms'], [['draftHashes', fmt(mean(h), 1), fmt(Math.max(...h), 1)]]);

    const ratio = mean(d) / mean(s);
    printVerdicts('draft-runs', [
      { goal: 'draft run mean <= 3x a start of the published flow', measured: `${fmt(ratio, 2)}x`, met: ratio <= 3 },
      { goal: 'draftHashes of 1,000 flows < 100 ms (mean)', measured: `${fmt(mean(h), 1)} ms`, met: mean(h) < 100 },
    ]);
  } finally {
    await gw.stop();
  }
});
