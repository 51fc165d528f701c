#!/usr/bin/env node
// The marketplace README's generated parts (docs/marketplace/README.md): the settings table and the
// command list, made from package.json's contributes so they cannot drift from it.
//
//   node scripts/marketplace-readme.mjs          # rewrite them in docs/marketplace/README.md
//   node scripts/marketplace-readme.mjs --check  # exit 1 when the README is not up to date
//
// test/core/marketplaceReadme.test.ts runs the check with the other tests.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const README = path.join(root, 'docs/marketplace/README.md');

/** A table cell: one line, `|` escaped. */
const cell = (text) => String(text).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();

/** `setting` → its default as the user would type it in settings.json. */
function defaultOf(schema) {
  if (!('default' in schema)) return '';
  return '`' + JSON.stringify(schema.default) + '`';
}

/** The settings table: every property of contributes.configuration (one object or an array of them), in manifest order. */
export function settingsTable(manifest) {
  const configs = [manifest.contributes?.configuration ?? []].flat();
  const rows = ['| Setting | Default | Description |', '| --- | --- | --- |'];
  for (const c of configs) {
    for (const [key, schema] of Object.entries(c.properties ?? {})) {
      const description = schema.markdownDescription ?? schema.description ?? '';
      const extra = schema.enum ? ` One of: ${schema.enum.map((v) => '`' + v + '`').join(', ')}.` : '';
      rows.push(`| \`${key}\` | ${defaultOf(schema)} | ${cell(description + extra)} |`);
    }
  }
  return rows.join('\n');
}

/** The command list: every contributed command as the palette shows it (`Flowgate: Title`), sorted. */
export function commandList(manifest) {
  const hidden = new Set((manifest.contributes?.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
  return (manifest.contributes?.commands ?? [])
    .map((c) => `- ${c.category ? `${c.category}: ` : ''}${c.title}${hidden.has(c.command) ? ' *(from the views only)*' : ''}`)
    .sort((a, b) => a.localeCompare(b))
    .join('\n');
}

const SECTIONS = { settings: settingsTable, commands: commandList };

/** The README with every generated section replaced by what the manifest says now. */
export function render(readme, manifest) {
  let out = readme;
  for (const [name, make] of Object.entries(SECTIONS)) {
    const start = `<!-- generated:${name} (node scripts/marketplace-readme.mjs) -->`;
    const end = `<!-- end:${name} -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a < 0 || b < a) throw new Error(`docs/marketplace/README.md lacks the markers ${start} … ${end}`);
    out = out.slice(0, a + start.length) + '\n' + make(manifest) + '\n' + out.slice(b);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const now = fs.readFileSync(README, 'utf8');
  const next = render(now, manifest);
  if (process.argv.includes('--check')) {
    if (next !== now) {
      console.error('docs/marketplace/README.md is out of date with package.json: run node scripts/marketplace-readme.mjs');
      process.exit(1);
    }
    console.log('docs/marketplace/README.md is up to date');
  } else if (next !== now) {
    fs.writeFileSync(README, next);
    console.log('docs/marketplace/README.md: settings and commands rewritten from package.json');
  } else {
    console.log('docs/marketplace/README.md is up to date');
  }
}
