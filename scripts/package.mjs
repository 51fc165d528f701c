#!/usr/bin/env node
// `npm run package`: the installable extension, flowgate-<version>.vsix, built with @vscode/vsce.
//
//   node scripts/package.mjs [--out <file.vsix>] [--quiet]
//
// The package is assembled in a staging folder (out/vsix-stage/) so the developer's dist/ (with its
// source maps) stays as it is: the files the extension needs are copied there, the bundles are
// built into it in production mode (minified, no source maps), and `vsce package --no-dependencies`
// (everything is bundled; node_modules is never packed) packs it, keeping to .vscodeignore. The
// marketplace README (docs/marketplace/README.md) is packed as the extension's README with
// `--readme-path`, its screenshots (media/screenshots/) inlined as data: URLs — besides https ones,
// the only images VS Code's extension page shows — and `--no-rewrite-relative-links` (no absolute
// URL into a repository this package does not name).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(name + '='));
  return eq ? eq.slice(name.length + 1) : undefined;
};
const quiet = argv.includes('--quiet');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outFile = path.resolve(option('--out') ?? path.join(root, `${manifest.name}-${manifest.version}.vsix`));
const stage = path.resolve(option('--stage') ?? path.join(root, 'out', 'vsix-stage'));

/**
 * What the staging folder gets from the repository: .vscodeignore, and every top-level file or
 * folder one of its `!` lines names (but dist/, built here, and package.json, written here) — so
 * .vscodeignore is the one list of what ships. vsce then packs what .vscodeignore lets through.
 */
function stagedEntries() {
  const lines = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split(/\r?\n/);
  const tops = new Set(['.vscodeignore']);
  for (const line of lines) {
    const m = /^!([^/*]+)/.exec(line.trim());
    if (m && m[1] !== 'dist' && m[1] !== 'package.json') tops.add(m[1]);
  }
  return [...tops];
}
const MARKETPLACE_README = 'docs/marketplace/README.md';

const say = (msg) => {
  if (!quiet) console.log(`package: ${msg}`);
};

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? cmd)} failed (exit ${code ?? signal})\n${output.slice(-4000)}`)),
    );
  });
}

/** The files under `entry` that git tracks or would (not ignored); all of them when git cannot say (not a checkout). */
async function tracked(entry) {
  const listed = await new Promise((resolve) => {
    const child = spawn('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', entry], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', () => resolve(undefined));
    child.on('exit', (code) => resolve(code === 0 ? out.split('\0').filter(Boolean) : undefined));
  });
  if (listed) return listed.filter((f) => fs.lstatSync(path.join(root, f), { throwIfNoEntry: false })?.isFile());
  const stat = fs.statSync(path.join(root, entry));
  if (!stat.isDirectory()) return [entry];
  return fs.readdirSync(path.join(root, entry), { recursive: true }).map((f) => path.join(entry, String(f))).filter((f) => fs.lstatSync(path.join(root, f)).isFile());
}

const IMAGE_TYPES = { '.png': 'image/png', '.gif': 'image/gif', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

/**
 * The marketplace README as the extension's page shows it. VS Code's extension page renders a
 * README under a Content-Security-Policy of `img-src https: data:` and with no base URL: an image
 * linked by a relative path never shows there. So each image of the README (linked relative to the
 * repository, `../../media/…`, readable on any Git host) is inlined as a data: URL — the .vsix then
 * needs no copy of the screenshots and names no web host. Other relative links point at the
 * packed extension's root.
 */
function packedReadme(text) {
  const inlined = text.replace(/(!\[[^\]]*\]\()([^)\s]+)\)/g, (all, head, link) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return all;
    const file = path.resolve(root, path.dirname(MARKETPLACE_README), link);
    const type = IMAGE_TYPES[path.extname(file).toLowerCase()];
    if (!type) throw new Error(`${MARKETPLACE_README}: image ${link} is not a PNG, GIF or JPEG (VS Code's extension page shows no SVG from a README)`);
    if (!fs.existsSync(file)) throw new Error(`${MARKETPLACE_README}: image ${link} does not exist (node scripts/screenshots.mjs)`);
    return `${head}data:${type};base64,${fs.readFileSync(file).toString('base64')})`;
  });
  return inlined.replaceAll('](../../', '](');
}

async function main() {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  // Only files git tracks or would track (not ignored): a data folder a developer left under examples/ or
  // media/ never reaches the staging folder (and .vscodeignore would not pack them either).
  for (const entry of stagedEntries()) {
    if (!fs.existsSync(path.join(root, entry))) throw new Error(`missing ${entry}: the package needs it`);
    for (const file of await tracked(entry)) {
      fs.mkdirSync(path.join(stage, path.dirname(file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(stage, file));
    }
  }
  // The extension's manifest without what only npm uses (the `flowgate` command's package: `files`,
  // `bin`, `scripts`, `devDependencies`): vsce refuses `files` beside .vscodeignore, and the
  // .vsix ships neither bin/ nor node_modules.
  const shipped = { ...manifest };
  for (const key of ['files', 'bin', 'scripts', 'devDependencies']) delete shipped[key];
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(shipped, null, 2) + '\n');
  const readme = packedReadme(fs.readFileSync(path.join(root, MARKETPLACE_README), 'utf8'));
  fs.mkdirSync(path.join(stage, path.dirname(MARKETPLACE_README)), { recursive: true });
  fs.writeFileSync(path.join(stage, MARKETPLACE_README), readme);

  say('building the bundles (production: minified, no source maps)');
  await run(process.execPath, [path.join(root, 'scripts/build.mjs'), '--production', '--only=extension,emulator,webview', `--outdir=${path.join(stage, 'dist')}`], root);

  say(`packing ${path.relative(process.cwd(), outFile) || outFile}`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.rmSync(outFile, { force: true });
  const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
  await run(
    process.execPath,
    [
      vsce,
      'package',
      '--no-dependencies',
      '--no-rewrite-relative-links',
      '--allow-missing-repository',
      '--readme-path',
      MARKETPLACE_README,
      '--changelog-path',
      'CHANGELOG.md',
      '--out',
      outFile,
    ],
    stage,
  );
  if (!fs.existsSync(outFile)) throw new Error(`vsce wrote no ${outFile}`);
  say(`${outFile} (${(fs.statSync(outFile).size / 1024 / 1024).toFixed(2)} MB)`);
}

main().catch((e) => {
  console.error(`package: ${e.message}`);
  process.exit(1);
});
