// Bundles the in-host mocha suite (test/vscode/suite/index.ts and *.test.ts) with esbuild into
// `outDir` (cjs, node, `vscode` external). Used by run.mjs (code-server) and run-electron.mjs.
// `outDir` must be inside the repository: `mocha` stays a runtime require resolved from the
// repository's node_modules.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Returns the path of the bundled suite entry (`outDir/index.js`). `only`: bundle just the test
 * files whose name contains it (or any word of a comma list) (a developer's quick run; CI runs everything); undefined when none does.
 */
export async function bundleSuite(outDir, only) {
  const suiteDir = path.join(root, 'test/vscode/suite');
  const entries = fs
    .readdirSync(suiteDir)
    .filter((f) => f === 'index.ts' || (f.endsWith('.test.ts') && (!only || only.split(',').some((w) => w && f.includes(w)))))
    .map((f) => path.join(suiteDir, f));
  if (!entries.some((e) => e.endsWith('.test.ts'))) {
    // A quick run of some UI checks only (`--only gateways`): no in-host suite then.
    if (only) return undefined;
    throw new Error(`no *.test.ts files in ${suiteDir}`);
  }
  await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // playwright-core (a browser the sign-in test drives) is required at run time from the repository, like mocha.
    external: ['vscode', 'mocha', 'playwright-core'],
    sourcemap: 'inline',
    logLevel: 'warning',
    absWorkingDir: root,
  });
  return path.join(outDir, 'index.js');
}

/** Reads the summary the suite wrote next to its entry, or undefined. */
export function readSummary(suiteEntry) {
  try {
    return JSON.parse(fs.readFileSync(path.join(path.dirname(suiteEntry), 'results.json'), 'utf8'));
  } catch {
    return undefined;
  }
}
