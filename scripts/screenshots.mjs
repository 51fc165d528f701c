#!/usr/bin/env node
// Refreshes the marketplace README's screenshots (media/screenshots/*.png) from the ones the UI
// tests take in the real VS Code (test-results/vscode-ui-<name>.png, written by
// `node test/vscode/run.mjs`).
//
//   node scripts/screenshots.mjs                    # every screenshot listed below
//   node scripts/screenshots.mjs completion quickfix   # these names (new ones are added)
//   node scripts/screenshots.mjs --from <dir>       # screenshots from another folder
//
// A name the tests did not produce this time is reported and its old copy kept (exit 0); nothing
// else under media/screenshots/ is touched. docs/marketplace/README.md shows them (its links are
// checked by test/cli/vsix.test.ts and test/core/marketplaceReadme.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The screenshots the marketplace README shows, by the UI tests' names (vscode-ui-<name>.png). */
export const DEFAULT_SCREENSHOTS = [
  'packages',
  'problems',
  'run-done',
  'gateways-running',
  'executions-running',
  'schedules-form',
  'triggers-sent',
  'authorisation-saved',
  'promotion-tree',
  'review-preview',
  'completion',
  'quickfix',
  'run-output',
  'walkthrough',
  'gateway-log',
];

const argv = process.argv.slice(2);
let from = path.join(root, 'test-results');
const names = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--from') from = path.resolve(argv[++i] ?? '.');
  else if (argv[i].startsWith('--from=')) from = path.resolve(argv[i].slice('--from='.length));
  else names.push(argv[i]);
}
const wanted = names.length ? names : DEFAULT_SCREENSHOTS;
const to = path.join(root, 'media/screenshots');
fs.mkdirSync(to, { recursive: true });

let copied = 0;
const missing = [];
for (const raw of wanted) {
  // Accept `packages`, `vscode-ui-packages` or `vscode-ui-packages.png`.
  const name = raw.replace(/\.png$/, '').replace(/^vscode-ui-/, '');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    console.error(`screenshots: '${raw}' is not a screenshot name (letters, digits and -)`);
    process.exitCode = 2;
    continue;
  }
  const source = path.join(from, `vscode-ui-${name}.png`);
  if (!fs.existsSync(source)) {
    missing.push(name);
    continue;
  }
  fs.copyFileSync(source, path.join(to, `${name}.png`));
  copied++;
}
console.log(`screenshots: ${copied} copied to ${path.relative(process.cwd(), to) || to}`);
if (missing.length) {
  console.log(`screenshots: not in ${from} (old copies kept): ${missing.join(', ')} — run node test/vscode/run.mjs first`);
}
