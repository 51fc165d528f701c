// In-host test runner: VS Code loads this module (bundled to index.js) in the extension host and
// calls `run()`. It runs mocha (tdd UI) over the bundled `*.test.js` files next to it and writes
// its progress to `results.log` and a summary to `results.json`, in the same folder, which the
// outer runner (test/vscode/run.mjs) streams to its stdout. Rejecting tells VS Code the run failed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface Summary {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
  durationMs: number;
}

const outDir = process.env.FLOWGATE_VSCODE_RESULTS_DIR || __dirname;
const logFile = path.join(outDir, 'results.log');
const summaryFile = path.join(outDir, 'results.json');

const summary: Summary = { passed: 0, failed: 0, pending: 0, failures: [], durationMs: 0 };

function emit(line: string): void {
  fs.appendFileSync(logFile, line + '\n');
  console.log(line);
}

/** A mocha reporter that writes one line per event to results.log. */
function fileReporter(runner: Mocha.Runner): void {
  const { EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } =
    Mocha.Runner.constants;
  let depth = 0;
  const started = Date.now();
  const indent = () => '  '.repeat(Math.max(depth, 0));
  runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
    if (suite.root) return;
    emit(`${indent()}${suite.title}`);
    depth++;
  });
  runner.on('suite end', (suite: Mocha.Suite) => {
    if (!suite.root) depth--;
  });
  runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
    summary.passed++;
    emit(`${indent()}ok   ${test.title} (${test.duration ?? 0} ms)`);
  });
  runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, err: Error) => {
    summary.failed++;
    const title = test.fullTitle();
    const error = (err && (err.stack || err.message)) || String(err);
    summary.failures.push({ title, error });
    emit(`${indent()}FAIL ${test.title}`);
    for (const l of error.split('\n')) emit(`${indent()}     ${l}`);
  });
  runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
    // Skipped tests are not allowed in this suite: count them as failures.
    summary.pending++;
    summary.failed++;
    summary.failures.push({ title: test.fullTitle(), error: 'test is skipped/pending (not allowed)' });
    emit(`${indent()}FAIL ${test.title} (skipped tests are not allowed)`);
  });
  runner.once(EVENT_RUN_END, () => {
    summary.durationMs = Date.now() - started;
    fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
  });
}

export async function run(): Promise<void> {
  // Stack traces of failures point into the .ts sources (the bundle carries inline source maps).
  process.setSourceMapsEnabled(true);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(logFile, '');
  const mocha = new Mocha({
    ui: 'tdd',
    timeout: 60_000,
    color: false,
    reporter: fileReporter as unknown as typeof Mocha.reporters.Base,
  });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) {
    const error = `no *.test.js files in ${__dirname}`;
    fs.writeFileSync(
      summaryFile,
      JSON.stringify({ passed: 0, failed: 1, pending: 0, failures: [{ title: 'suite', error }], durationMs: 0 }),
    );
    throw new Error(error);
  }
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run((n) => resolve(n));
    } catch (e) {
      reject(e);
    }
  });
  if (failures > 0 || summary.failed > 0) throw new Error(`${summary.failed} test(s) failed`);
  if (summary.passed === 0) throw new Error('no tests ran');
}
