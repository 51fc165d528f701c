// Bundles the extension, the command line (which also hosts the emulator) and the webviews with
// esbuild. `node scripts/build.mjs --watch` rebuilds on change; `--production` minifies and writes
// no source maps (what the .vsix ships: scripts/package.mjs); `--outdir=<dir>` writes the bundles
// to <dir> instead of dist/ (the package's staging folder, bench/bundle-size.ts).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const outdirArg = process.argv.find((a) => a.startsWith('--outdir='));
const distDir = outdirArg ? path.resolve(outdirArg.slice('--outdir='.length)) : path.join(root, 'dist');
const out = (file) => path.join(distDir, file);

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  // Minified, but with the original function and class names: oidc-provider (in the emulator and
  // the command line) looks its models up by constructor name, and its token endpoint fails
  // (500 server_error) when they are renamed (test/cli/vsix.test.ts runs a minified emulator).
  keepNames: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: out('extension.js'),
    // The time the bundle starts to evaluate, read by extension.ts for its activation timings
    // (FlowgateApi.activationTimings; bench/activation.ts).
    banner: { js: 'var __flowgateBundleStart = typeof performance === "object" ? performance.now() : undefined;' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: out('cli.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The gateway emulator process (forked by the extension). The footer runs it only when this
    // file is the main module, so the module itself stays free of side effects.
    ...common,
    entryPoints: ['src/emulator/main.ts'],
    outfile: out('emulator.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    footer: { js: 'if (require.main === module) module.exports.main();' },
  },
  {
    // The JSONata expression process (src/emulator/engine/expressionPool.ts forks it from beside the
    // running bundle: dist/emulator.js and dist/cli.js both find it here). Built with either of them.
    ...common,
    entryPoints: ['src/emulator/engine/expressionWorker.ts'],
    outfile: out('expression-worker.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The webview pages (Running Executions; Schedules and Triggers join here): browser bundles
    // with @vscode-elements/elements inside, loaded under a strict CSP from dist/webview/. A page's
    // imported .css becomes dist/webview/<page>.css, with webview/shared/base.css (its `@import`)
    // inlined at the top.
    ...common,
    entryPoints: {
      executions: 'webview/executions/main.ts',
      schedules: 'webview/schedules/main.ts',
      triggers: 'webview/triggers/main.ts',
      authorisation: 'webview/authorisation/main.ts',
      review: 'webview/review/main.ts',
    },
    outdir: out('webview'),
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
];

/** The codicons font and stylesheet for `<vscode-icon>` in the webviews: dist/webview/codicons/. */
function copyCodicons() {
  const from = path.join(root, 'node_modules/@vscode/codicons/dist');
  const to = out('webview/codicons');
  fs.mkdirSync(to, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

// `--only=emulator,cli` builds just those targets (named by their output file, without `.js`;
// `webview` for the webview pages).
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const targetName = (t) => (t.outfile ? path.basename(t.outfile, '.js') : 'webview');
const selected = only ? targets.filter((t) => only.has(targetName(t)) || (targetName(t) === 'expression-worker' && (only.has('emulator') || only.has('cli')))) : targets;
if (selected.some((t) => targetName(t) === 'webview')) copyCodicons();

if (watch) {
  for (const t of selected) {
    const ctx = await esbuild.context(t);
    await ctx.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(selected.map((t) => esbuild.build(t)));
}
