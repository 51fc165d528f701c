/**
 * Benchmark: validating a workspace of 1,000 flows, and revalidating after a one-line edit,
 * through the code path the extension uses (core `loadWorkspace` + `WorkspaceValidation`:
 * src/extension/diagnostics/diagnostics.ts does exactly this on load and on each edit).
 *
 *   node --import tsx bench/validation.ts [--flows 1000] [--edits 60] [--generate-only DIR]
 *
 * The workspace is generated on disk: 10 folders of flows, each flow with ~12 steps (set/log with
 * JSONata expressions, an http step on one of 20 connections, an `if`, a run-flow of the next flow
 * of its folder with inputs — chains of 100), and 6 package drafts listing 20–200 flows each.
 *
 * Goals (issue 11): full validation (load from disk + every file's diagnostics) under 1 s; a
 * one-line edit revalidated under 50 ms. Measured: cold (first time in the process: schema
 * compilation, expression parsing) and warm full runs; three kinds of one-line edit (a leaf
 * flow's log message, the first flow of a chain — read by 6 drafts —, and an edit that breaks
 * and then fixes a flow's YAML). Also the former path (`validateFile` of every file, no cache) as
 * the baseline.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildSync } from 'esbuild';
import type * as ValidationApi from './lib/validationEntry';
import { fmt, mean, percentile, printTable, printVerdicts, runBenchmark, trackTempDir } from './lib/harness';

/**
 * The code under test is bundled by esbuild as the extension is (scripts/build.mjs: one bundle,
 * node20, cjs), so no module is transpiled or resolved while it is being timed (tsx would).
 */
function bundled(): typeof ValidationApi {
  const outDir = trackTempDir(mkdtempSync(path.join(os.tmpdir(), 'flowgate-bench-validation-bundle-')));
  const outfile = path.join(outDir, 'validation.js');
  buildSync({ entryPoints: [path.join(__dirname, 'lib/validationEntry.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as typeof ValidationApi;
}

const { values } = parseArgs({ options: { flows: { type: 'string', default: '1000' }, edits: { type: 'string', default: '60' }, 'generate-only': { type: 'string' } } });
const FLOWS = Math.min(20_000, Math.max(10, Number(values.flows)));
const EDITS = Math.min(1000, Math.max(5, Number(values.edits)));
const FOLDERS = 10;
const CONNECTIONS = 20;

function flowId(i: number): string {
  const folder = i % FOLDERS;
  return `area-${folder}/sub/Flow-${Math.floor(i / FOLDERS)}`;
}

function flowText(i: number, total: number): string {
  const next = i + FOLDERS < total ? flowId(i + FOLDERS) : undefined;
  const conn = `conn-${i % CONNECTIONS}`;
  const lines = [
    `description: Generated flow ${i}.`,
    'inputs:',
    '  device:',
    '    type: string',
    '  count:',
    '    type: integer',
    '    default: 3',
    'outputs:',
    '  result:',
    '    type: string',
    'steps:',
    '  - kind: log',
    `    message: "= 'flow ${i} on ' & device"`,
    '  - kind: set',
    '    values:',
    '      doubled: "= count * 2"',
    "      label: \"= $uppercase(device) & '-' & $string(count)\"",
    '  - kind: http',
    `    connection: ${conn}`,
    '    method: GET',
    '    path: /status',
    '    output: response',
    '  - kind: if',
    '    condition: "= response.status = 200"',
    '    then:',
    '      - kind: set',
    '        values:',
    '          result: "= response.body.state"',
    '    else:',
    '      - kind: log',
    '        level: warn',
    '        message: "= \'status \' & $string(response.status)"',
  ];
  if (next) {
    lines.push('  - kind: run-flow', `    flow: ${next}`, '    inputs:', '      device: "= device"', '      count: 2', '    output: child');
  }
  lines.push('  - kind: log', '    level: debug', `    message: "= 'done ${i}'"`);
  return lines.join('\n') + '\n';
}

function generate(dir: string, total: number): { leaf: string; chainHead: string } {
  for (let i = 0; i < total; i++) {
    const rel = `flows/${flowId(i)}.flow.yaml`;
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), flowText(i, total));
  }
  mkdirSync(path.join(dir, 'connections'), { recursive: true });
  for (let c = 0; c < CONNECTIONS; c++) {
    writeFileSync(path.join(dir, `connections/conn-${c}.connection.yaml`), `description: Connection ${c}\nbaseUrl: http://127.0.0.1:${9000 + c}\nheaders:\n  Accept: application/json\n`);
  }
  mkdirSync(path.join(dir, 'packages'), { recursive: true });
  const sizes = [20, 50, 100, 150, 200, 200];
  sizes.forEach((size, p) => {
    // Each draft lists the heads of some chains (so their whole chain is a dependency) and every flow of them.
    const listed: string[] = [];
    for (let i = p; i < total && listed.length < size; i += FOLDERS) listed.push(flowId(i));
    const conns = [...new Set(listed.map((_, k) => `conn-${(p + k * FOLDERS) % CONNECTIONS}`))].sort();
    const text = [
      `name: pkg-${p}`,
      `description: Generated package ${p}`,
      'version: 1',
      'definitions:',
      '  flows:',
      ...listed.map((id) => `    - ${id}`),
      '  connections:',
      ...conns.map((c) => `    - ${c}`),
    ].join('\n');
    writeFileSync(path.join(dir, `packages/pkg-${p}.package.yaml`), text + '\n');
  });
  // The leaf ends the chain of folder 0 (read by pkg-0 through the chain); the head starts it.
  return { leaf: `flows/${flowId(total - FOLDERS)}.flow.yaml`, chainHead: `flows/${flowId(0)}.flow.yaml` };
}

/** Milliseconds of CPU the process used (all its threads) since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}


if (values['generate-only']) {
  // Only write the workspace (for profiling: node --cpu-prof …).
  mkdirSync(values['generate-only'], { recursive: true });
  generate(values['generate-only'], FLOWS);
  console.log(`generated ${FLOWS} flows in ${values['generate-only']}`);
} else runBenchmark('validation', async () => {
  const { directorySource, loadWorkspace, validateFile, WorkspaceValidation } = bundled();
  type WorkspaceValidation = InstanceType<typeof WorkspaceValidation>;
  const fullRun = async (dir: string): Promise<{ ms: number; cpu: number; v: WorkspaceValidation; problems: number; files: number }> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const ws = await loadWorkspace(directorySource(dir));
    const v = new WorkspaceValidation(ws);
    const all = v.validateAll();
    const ms = performance.now() - t0;
    const cpu = cpuMs(c0);
    let problems = 0;
    for (const d of all.values()) problems += d.length;
    return { ms, cpu, v, problems, files: all.size };
  };
  const dir = trackTempDir(mkdtempSync(path.join(os.tmpdir(), 'flowgate-bench-validation-')));
  const { leaf, chainHead } = generate(dir, FLOWS);

  const cold = await fullRun(dir);
  const warm: number[] = [];
  const warmCpu: number[] = [];
  let last = cold;
  for (let i = 0; i < 5; i++) {
    last = await fullRun(dir);
    warm.push(last.ms);
    warmCpu.push(last.cpu);
  }
  // The former path: validateFile of every file, no cache (the extension's before this change).
  const baseline: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const ws = await loadWorkspace(directorySource(dir));
    for (const f of ws.files()) validateFile(ws, f.relPath);
    baseline.push(performance.now() - t0);
  }
  printTable(`validation: full, ${FLOWS} flows, ${CONNECTIONS} connections, 6 drafts (${last.files} files, ${last.problems} problems)`, ['run', 'wall ms', 'CPU ms (all threads)'], [
    ['cold (first in process)', fmt(cold.ms, 0), fmt(cold.cpu, 0)],
    ['warm mean (5 runs)', fmt(mean(warm), 0), fmt(mean(warmCpu), 0)],
    ['warm worst', fmt(Math.max(...warm), 0), fmt(Math.max(...warmCpu), 0)],
    ['former path (validateFile each), mean of 3', fmt(mean(baseline), 0), ''],
  ]);

  const v = last.v;
  const ws = v.ws;
  const edit = (rel: string, mutate: (text: string, k: number) => string) => {
    const times: number[] = [];
    let recomputed = 0;
    const original = ws.file(rel)!.text;
    for (let k = 0; k < EDITS; k++) {
      const text = mutate(original, k);
      const t0 = performance.now();
      ws.setFile(rel, text);
      const u = v.update([rel]);
      times.push(performance.now() - t0);
      recomputed = Math.max(recomputed, u.updated.size);
    }
    ws.setFile(rel, original);
    v.update([rel]);
    return { times, recomputed };
  };
  const leafEdit = edit(leaf, (t, k) => t.replace(/message: "= 'done (\d+)'"/, `message: "= 'done $1 (edit ${k})'"`));
  const headEdit = edit(chainHead, (t, k) => t.replace('default: 3', `default: ${4 + k}`));
  const breakEdit = edit(chainHead, (t, k) => (k % 2 ? t : t.replace('  - kind: log\n', '  - kind: log\n   bad: [\n')));
  const rows = [
    ['chain end (read by 1 draft): log message', leafEdit],
    ['chain head (run by none, listed in 1 draft): input default', headEdit],
    ['chain head: break / fix YAML', breakEdit],
  ] as const;
  printTable(`validation: one-line edit, ${EDITS} edits each`, ['edit', 'files recomputed', 'mean ms', 'p95 ms', 'max ms'], rows.map(([name, r]) => [name, r.recomputed, fmt(mean(r.times), 2), fmt(percentile(r.times, 95), 2), fmt(Math.max(...r.times), 2)]));

  const worstEdit = Math.max(...rows.map(([, r]) => percentile(r.times, 95)));
  console.log(`\n(load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; on a loaded machine the CPU column is closer to what a quiet one takes)`);
  printVerdicts('validation', [
    { goal: `full validation of ${FLOWS} flows (load + validate, cold) < 1000 ms`, measured: `${fmt(cold.ms, 0)} ms`, met: cold.ms < 1000 },
    { goal: `full validation of ${FLOWS} flows (warm mean) < 1000 ms`, measured: `${fmt(mean(warm), 0)} ms`, met: mean(warm) < 1000 },
    { goal: `  the same in CPU time, cold (for a loaded machine)`, measured: `${fmt(cold.cpu, 0)} ms`, met: cold.cpu < 1000 },
    { goal: `  the same in CPU time, warm mean (for a loaded machine)`, measured: `${fmt(mean(warmCpu), 0)} ms`, met: mean(warmCpu) < 1000 },
    { goal: 'one-line edit revalidated (p95, worst kind) < 50 ms', measured: `${fmt(worstEdit, 2)} ms`, met: worstEdit < 50 },
  ]);
});
