/**
 * What package.json contributes for editing flow, connection and package files: the language,
 * its grammar, configuration and snippets, and `yamlValidation` (the three JSON Schemas, so Red
 * Hat YAML users get them too). Every path exists, every schema is a valid JSON Schema, the
 * globs pick exactly the files of their kind among the samples, and `vsce` would ship every one
 * of these files in the .vsix.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

/** A VS Code glob (`**` / `*` / `?`) as a RegExp over `/`-separated paths. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function examples(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(ROOT, p).split(path.sep).join('/'));
    }
  };
  walk(path.join(ROOT, 'examples'));
  return out;
}

/** Every file path the contributions name. */
function contributedPaths(): string[] {
  return [
    ...contributes.languages.filter((l: { configuration?: string }) => l.configuration).map((l: { configuration: string }) => l.configuration),
    ...contributes.grammars.map((g: { path: string }) => g.path),
    ...contributes.snippets.map((s: { path: string }) => s.path),
    ...contributes.yamlValidation.map((v: { url: string }) => v.url),
  ];
}

describe('language contributions in package.json', () => {
  test('every grammar, configuration, snippets and schema path exists and is JSON', () => {
    const paths = contributedPaths();
    assert.ok(paths.length >= 7, paths.join(', '));
    for (const p of paths) {
      assert.match(p, /^\.\//, `${p} is relative to the extension`);
      const file = path.resolve(ROOT, p);
      assert.ok(existsSync(file), `${p} exists`);
      assert.doesNotThrow(() => JSON.parse(readFileSync(file, 'utf8')), `${p} is JSON`);
    }
  });

  test('yamlValidation: flow, connection and package schemas, each a valid JSON Schema', () => {
    const byGlob = new Map<string, string>(contributes.yamlValidation.map((v: { fileMatch: string; url: string }) => [v.fileMatch, v.url]));
    assert.deepEqual(Object.fromEntries(byGlob), {
      '**/*.flow.yaml': './src/core/schema/flow.schema.json',
      '**/*.connection.yaml': './src/core/schema/connection.schema.json',
      '**/*.package.yaml': './src/core/schema/package.schema.json',
    });
    const ajv = new Ajv({ strict: false });
    ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
    for (const url of byGlob.values()) {
      const schema = JSON.parse(readFileSync(path.resolve(ROOT, url), 'utf8'));
      assert.equal(ajv.validateSchema(schema), true, `${url}: ${ajv.errorsText(ajv.errors)}`);
      assert.doesNotThrow(() => ajv.compile(schema), url);
    }
    // And the check is real: a broken schema is refused.
    assert.equal(ajv.validateSchema({ type: 'object', properties: { a: { type: 'no-such-type' } } }), false);
  });

  test('each glob picks exactly the sample files of its kind', () => {
    const files = examples();
    for (const { fileMatch } of contributes.yamlValidation as { fileMatch: string }[]) {
      const suffix = fileMatch.replace('**/*', '');
      const re = globToRegExp(fileMatch);
      const matched = files.filter((f) => re.test(f));
      assert.deepEqual(matched, files.filter((f) => f.endsWith(suffix)), fileMatch);
      assert.ok(matched.length > 0, `${fileMatch} matches a sample`);
    }
  });

  test('flows get the flowgate-flow language; connection and package files stay yaml', () => {
    const flow = contributes.languages.find((l: { id: string }) => l.id === 'flowgate-flow');
    assert.deepEqual(flow.filenamePatterns, ['*.flow.yaml']);
    const yaml = contributes.languages.find((l: { id: string }) => l.id === 'yaml');
    assert.ok(yaml, 'a yaml entry');
    assert.deepEqual([...yaml.filenamePatterns].sort(), ['*.connection.yaml', '*.package.yaml']);
    assert.equal(yaml.configuration, undefined, 'the yaml entry only adds file patterns');
    const grammar = contributes.grammars.find((g: { language: string }) => g.language === 'flowgate-flow');
    assert.equal(grammar.embeddedLanguages, undefined, 'no embedded language: expressions stay flowgate-flow, so its completions apply inside them');
  });

  test('the .vsix ships every one of these files (vsce listFiles)', async () => {
    const vsce = await import('@vscode/vsce');
    const shipped = new Set((await vsce.listFiles({ cwd: ROOT, packageManager: vsce.PackageManager.None })).map((f: string) => f.replace(/\\/g, '/')));
    for (const p of contributedPaths()) assert.ok(shipped.has(p.replace(/^\.\//, '')), `${p} is in the .vsix`);
    assert.ok(![...shipped].some((f) => f.startsWith('scripts/') || f.startsWith('test/')), 'no scripts or tests in the .vsix');
  });
});
