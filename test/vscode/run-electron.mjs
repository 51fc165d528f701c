#!/usr/bin/env node
// Runs the same in-host suite (test/vscode/suite/) in a desktop VS Code downloaded by
// @vscode/test-electron — for machines with internet access. Not used in CI here (no downloads
// possible); there, test/vscode/run.mjs runs the suite in code-server instead.
//
//   node test/vscode/run-electron.mjs [--no-build] [--vscode-version <1.100.3|stable|insiders>]
//
// Needs a display on Linux (run under `xvfb-run -a` on a headless machine).
// Ends with the line `vscode: N passed, M failed`; exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { bundleSuite, readSummary, root } from './bundle-suite.mjs';

const argv = process.argv.slice(2);
const versionIdx = argv.indexOf('--vscode-version');
const version = versionIdx >= 0 ? argv[versionIdx + 1] : process.env.VSCODE_VERSION || '1.100.3';

async function main() {
  if (!argv.includes('--no-build')) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`build failed (exit ${r.status})`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-vscode-electron-'));
  const outDir = path.join(root, 'out/vscode-test', path.basename(tmp));
  let passed = 0;
  let failed = 0;
  try {
    const workspace = path.join(tmp, 'workspace');
    fs.cpSync(path.join(root, 'examples'), workspace, { recursive: true });
    const suiteEntry = await bundleSuite(outDir);
    let code;
    try {
      code = await runTests({
        version,
        cachePath: path.join(root, '.vscode-test/electron'),
        extensionDevelopmentPath: root,
        extensionTestsPath: suiteEntry,
        launchArgs: [
          workspace,
          '--disable-extensions',
          '--disable-workspace-trust',
          '--skip-welcome',
          '--skip-release-notes',
          '--user-data-dir',
          path.join(tmp, 'user-data'),
          '--extensions-dir',
          path.join(tmp, 'extensions'),
        ],
      });
    } catch (e) {
      console.error(`vscode: ${e.message || e}`);
      code = 1;
    }
    const summary = readSummary(suiteEntry);
    if (summary) {
      passed = summary.passed;
      failed = summary.failed;
      for (const f of summary.failures) console.log(`FAIL ${f.title}\n  ${f.error.split('\n').join('\n  ')}`);
    }
    if (code !== 0 && failed === 0) failed = 1;
    if (!summary && code === 0) failed = 1; // no results: something is wrong
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(outDir, { recursive: true, force: true });
    for (const dir of [path.dirname(outDir), path.join(root, 'out')]) {
      try {
        if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
      } catch {}
    }
  }
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(`vscode: ERROR ${e.stack || e}`);
  console.log('vscode: 0 passed, 1 failed');
  process.exit(1);
});
