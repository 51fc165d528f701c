/**
 * The marketplace README (docs/marketplace/README.md, packed into the .vsix) cannot drift from the
 * manifest: its settings table and command list are what scripts/marketplace-readme.mjs makes from
 * package.json now, and every image it shows is a file under media/.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
// @ts-expect-error -- a plain .mjs script without type declarations
import { commandList, render, settingsTable } from '../../scripts/marketplace-readme.mjs';
import { REPO_ROOT } from '../support/bundleBuild';

const README = path.join(REPO_ROOT, 'docs/marketplace/README.md');
const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const readme = readFileSync(README, 'utf8');

test('the settings table and the command list are what package.json says (node scripts/marketplace-readme.mjs)', () => {
  const settings = Object.keys(manifest.contributes.configuration.properties ?? {});
  assert.ok(settings.length > 0);
  for (const key of settings) assert.ok(readme.includes(`| \`${key}\` |`), `setting ${key} is not in the README's table: run node scripts/marketplace-readme.mjs`);
  for (const c of manifest.contributes.commands) assert.ok(readme.includes(`- ${c.category}: ${c.title}`), `command ${c.command} is not in the README: run node scripts/marketplace-readme.mjs`);
  assert.equal(render(readme, manifest), readme, 'docs/marketplace/README.md is out of date with package.json: run node scripts/marketplace-readme.mjs');
});

test('the generated table follows the manifest: a changed default or a new setting changes it', () => {
  const changed = structuredClone(manifest);
  const [first] = Object.keys(changed.contributes.configuration.properties);
  changed.contributes.configuration.properties[first].default = 'changed-default';
  changed.contributes.configuration.properties['flowgate.test.extra'] = { type: 'string', default: 'x', description: 'a | b' };
  const table: string = settingsTable(changed);
  assert.ok(table.includes('`"changed-default"`'));
  assert.ok(table.includes('| `flowgate.test.extra` | `"x"` | a \\| b |'));
  assert.notEqual(render(readme, changed), readme);
  assert.ok((commandList(manifest) as string).split('\n').length === manifest.contributes.commands.length);
});

test('every image of the README is a file under media/, linked relative to the repository', () => {
  const images = [...readme.matchAll(/!\[([^\]]*)\]\(([^)\s]+)\)/g)].map((m) => ({ alt: m[1], src: m[2] }));
  assert.ok(images.length >= 5, `only ${images.length} images`);
  for (const { alt, src } of images) {
    assert.ok(alt.trim().length > 0, `image ${src} has no alternative text`);
    assert.match(src, /^\.\.\/\.\.\/media\//, `image ${src} is not under media/ (../../media/…, rewritten to media/… in the .vsix)`);
    assert.ok(existsSync(path.resolve(path.dirname(README), src)), `image ${src} does not exist (node scripts/screenshots.mjs)`);
  }
});
