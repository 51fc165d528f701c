/**
 * Benchmark: the size of what ships (issue 11: "the extension bundle's size, goal under 2 MB
 * without the emulator"). Builds every bundle in production mode (as `npm run package` does:
 * minified, no source maps) into a temp folder and reports each one's size, its gzip size (what a
 * download costs), and the extension bundle's ratio to the goal; then packs the .vsix and reports
 * its size. For scale, the time a fresh Node process takes to `require` the production extension
 * bundle (with a stub `vscode` module: module evaluation only, nothing activated), against an empty
 * module required the same way.
 *
 *   node --import tsx bench/bundle-size.ts [--requires 10]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { BENCH_DIR, fmt, percentile, printTable, printVerdicts, runBenchmark, trackTempDir } from './lib/harness';

const { values } = parseArgs({ options: { requires: { type: 'string', default: '10' } } });
const REQUIRES = Math.min(50, Math.max(3, Number(values.requires)));
const ROOT = path.dirname(BENCH_DIR);
const GOAL_BYTES = 2 * 1024 * 1024;
const MB = (n: number) => `${fmt(n / 1024 / 1024, 2)} MB`;

/** Milliseconds a fresh Node process spends in require(file), `vscode` answered by a stub. */
function requireTimes(file: string, n: number): number[] {
  const script = `
    const Module = require('module');
    const load = Module._load;
    Module._load = function (request, ...rest) { return request === 'vscode' ? new Proxy({}, { get: () => new Proxy(function () {}, { get: () => undefined }) }) : load.call(this, request, ...rest); };
    const t0 = performance.now();
    require(${JSON.stringify(file)});
    process.stdout.write(String(performance.now() - t0));`;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })));
  return out;
}

runBenchmark('bundle-size', async () => {
  const dir = trackTempDir(mkdtempSync(path.join(os.tmpdir(), 'flowgate-bench-bundle-')));
  const dist = path.join(dir, 'dist');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--production', `--outdir=${dist}`], { stdio: 'inherit' });

  const files: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dist, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dist, r)).isDirectory()) walk(r);
      else files.push(r);
    }
  };
  walk('');
  const size = (f: string) => statSync(path.join(dist, f)).size;
  const gz = (f: string) => gzipSync(readFileSync(path.join(dist, f))).length;
  const group = (label: string, pick: (f: string) => boolean, shipped: boolean) => {
    const fs = files.filter(pick);
    const bytes = fs.reduce((a, f) => a + size(f), 0);
    return { label, count: fs.length, bytes, gzip: fs.reduce((a, f) => a + gz(f), 0), shipped };
  };
  const rows = [
    group('dist/extension.js (the extension)', (f) => f === 'extension.js', true),
    group('dist/emulator.js (the local gateway)', (f) => f === 'emulator.js', true),
    group('dist/expression-worker.js (JSONata process)', (f) => f === 'expression-worker.js', true),
    group('dist/webview/*.js (pages)', (f) => f.startsWith('webview/') && f.endsWith('.js'), true),
    group('dist/webview/*.css + codicons', (f) => f.startsWith('webview/') && !f.endsWith('.js'), true),
    group('dist/cli.js (npm package only, not in the .vsix)', (f) => f === 'cli.js', false),
  ];
  printTable(
    'production bundles',
    ['bundle', 'files', 'size', 'gzip', 'in the .vsix'],
    rows.map((r) => [r.label, r.count, MB(r.bytes), MB(r.gzip), r.shipped ? 'yes' : 'no']),
  );

  const vsix = path.join(dir, 'flowgate.vsix');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/package.mjs'), '--quiet', '--out', vsix, '--stage', path.join(dir, 'stage')], { stdio: 'inherit' });
  const vsixBytes = statSync(vsix).size;
  console.log(`\nthe .vsix (npm run package): ${MB(vsixBytes)} (zip of the bundles above but cli.js, the README with its screenshots inline, media, grammars, schemas, examples)`);

  const empty = path.join(dir, 'empty.js');
  writeFileSync(empty, 'module.exports = {};\n');
  const ext = requireTimes(path.join(dist, 'extension.js'), REQUIRES);
  const base = requireTimes(empty, REQUIRES);
  const median = (xs: number[]) => percentile(xs, 50);
  printTable(`require() in a fresh Node process (${REQUIRES} runs each)`, ['module', 'median ms', 'max ms'], [
    ['baseline: an empty module', fmt(median(base), 2), fmt(Math.max(...base), 2)],
    ['dist/extension.js (production)', fmt(median(ext), 1), fmt(Math.max(...ext), 1)],
  ]);

  const extension = rows[0].bytes;
  printVerdicts('bundle-size', [
    { goal: 'dist/extension.js under 2 MB (without the emulator)', measured: `${MB(extension)} = ${fmt((extension / GOAL_BYTES) * 100, 0)} % of the goal`, met: extension < GOAL_BYTES },
  ]);
});
