/**
 * The .vsix a user installs (`npm run package`, scripts/package.mjs): it holds only what runs —
 * production bundles, media, grammars, the JSON Schemas, the sample workspace, the manifest, the
 * marketplace README, the CHANGELOG and the LICENSE — every file the manifest names is inside, and
 * the emulator it carries starts from the unpacked package and runs the sample flows (a real
 * process answering /healthz, a real upload and execution; its JSONata worker found beside it).
 * Installing it into VS Code and running the extension from it: test/vscode/run.mjs --vsix.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { packExamples, call, startPath } from '../emulator/helpers';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { tempDir, unpackVsix, vsixEntries, vsixFile } from '../support/vsix';

/** Every entry a .vsix may hold; anything else (a source, a test, a map, node_modules, data) fails the test. */
const ALLOWED: RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/changelog\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/dist\/(extension|emulator|expression-worker)\.js$/,
  /^extension\/dist\/webview\/[\w-]+\.(js|css)$/,
  /^extension\/dist\/webview\/codicons\/codicon\.(css|ttf)$/,
  /^extension\/media\/([\w-]+\/)*[\w.-]+\.(png|svg|gif|md)$/,
  /^extension\/syntaxes\/[\w.-]+\.json$/,
  /^extension\/syntaxes\/snippets\/[\w.-]+\.code-snippets$/,
  /^extension\/src\/core\/schema\/[\w.-]+\.schema\.json$/,
  /^extension\/examples\/([\w-]+\/)*[\w.-]+\.(flow|connection|package)\.yaml$/,
  /^extension\/examples\/([\w-]+\/)*[\w.-]+\.md$/,
];

/** Keys of package.json whose string values name a file of the extension (when not a codicon or a URL). */
const FILE_KEYS = new Set(['main', 'browser', 'icon', 'path', 'url', 'configuration', 'image', 'markdown', 'svg', 'light', 'dark', 'hc', 'hcLight']);

/** Every file path the manifest names: main, icon, grammars, language configurations, snippets, yamlValidation, view and command icons, walkthrough media… */
function referencedFiles(manifest: Record<string, unknown>): { where: string; file: string }[] {
  const found: { where: string; file: string }[] = [];
  const visit = (value: unknown, where: string, key: string) => {
    if (typeof value === 'string') {
      if (!FILE_KEYS.has(key) || value.startsWith('$(') || /^[a-z][a-z0-9+.-]*:/i.test(value) || value.includes(' ')) return;
      found.push({ where, file: path.posix.normalize(value.replace(/^\.\//, '')) });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${where}[${i}]`, key));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, `${where}.${k}`, k);
    }
  };
  visit(manifest.main, 'main', 'main');
  visit(manifest.icon, 'icon', 'icon');
  visit(manifest.contributes, 'contributes', '');
  return found;
}

describe('the .vsix (npm run package)', () => {
  let entries: Map<string, { async(type: 'string'): Promise<string> }>;
  let manifest: Record<string, any>;
  let unpacked: string;
  let gw: EmulatorProcess | undefined;

  before(async () => {
    const file = await vsixFile();
    entries = await vsixEntries(file);
    manifest = JSON.parse(await entries.get('extension/package.json')!.async('string'));
    unpacked = await unpackVsix(file, tempDir('flowgate-vsix-unpacked-'));
  });
  after(async () => {
    await gw?.stop();
  });

  test('holds only what runs: no source, test, map, node_modules or data folder', () => {
    const names = [...entries.keys()];
    assert.ok(names.length > 10, `only ${names.length} entries`);
    const unexpected = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
    assert.deepEqual(unexpected, [], `entries that are not part of what runs:\n${unexpected.join('\n')}`);
    const forbidden = names.filter((n) => /\.(ts|map|tsx|mts)$/.test(n) || /(^|\/)(test|tests|node_modules|bench|scripts|\.vscode-test|\.flowgate|out)\//.test(n));
    assert.deepEqual(forbidden, [], `sources, tests, maps or node_modules in the .vsix:\n${forbidden.join('\n')}`);
    // The command line (dist/cli.js) is not run by the extension: it is npm's, not the .vsix's.
    assert.ok(!entries.has('extension/dist/cli.js'), 'dist/cli.js is in the .vsix although the extension never runs it');
  });

  test('the bundles are production builds: minified, no source map reference', async () => {
    for (const name of ['extension', 'emulator', 'expression-worker']) {
      const entry = entries.get(`extension/dist/${name}.js`);
      assert.ok(entry, `dist/${name}.js is missing`);
      const text = await entry.async('string');
      assert.ok(!/sourceMappingURL=/.test(text), `dist/${name}.js points at a source map`);
      const lines = text.split('\n').length;
      assert.ok(text.length / lines > 500, `dist/${name}.js does not look minified (${lines} lines for ${text.length} characters)`);
    }
  });

  test('the shipped manifest is the repository one without what only npm uses', async () => {
    const repo = (await import('../../package.json', { with: { type: 'json' } })).default as Record<string, unknown>;
    for (const key of ['files', 'bin', 'scripts', 'devDependencies']) assert.equal(manifest[key], undefined, `package.json in the .vsix has ${key}`);
    for (const key of ['name', 'publisher', 'version', 'engines', 'main', 'activationEvents', 'contributes', 'extensionKind', 'icon']) {
      assert.deepEqual(manifest[key], repo[key], `package.json in the .vsix differs from the repository's in ${key}`);
    }
    assert.deepEqual(manifest.extensionKind, ['workspace'], 'the extension (and the emulator it starts) must run where the extension host runs');
  });

  test('every file package.json names is inside', () => {
    const refs = referencedFiles(manifest);
    // At least: main, icon, the activity-bar icon, the grammar and the language configuration.
    for (const must of ['dist/extension.js', 'media/icon.png', 'media/flowgate.svg', 'syntaxes/flowgate-flow.tmLanguage.json', 'syntaxes/language-configuration.json']) {
      assert.ok(refs.some((r) => r.file === must), `the manifest walk did not find ${must} (the test's own check)`);
    }
    const missing = refs.filter((r) => !entries.has(`extension/${r.file}`));
    assert.deepEqual(missing, [], `named by package.json but not in the .vsix:\n${missing.map((m) => `${m.where}: ${m.file}`).join('\n')}`);
  });

  test('the README the extension page shows is the marketplace one, its screenshots inline (the page shows only https: and data: images)', async () => {
    const readme = await entries.get('extension/readme.md')!.async('string');
    assert.match(readme, /^# Flowgate/m);
    assert.doesNotMatch(readme, /npm install && npm start/, 'the packed README is the developer README, not docs/marketplace/README.md');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 3, `the README shows ${images.length} images`);
    for (const src of images) {
      const m = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(src);
      assert.ok(m, `README image ${src.slice(0, 80)} is not an inline PNG: VS Code's extension page would not show it`);
      const bytes = Buffer.from(m[1], 'base64');
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', 'an inline image is not a PNG');
    }
    // Inline, so not shipped twice.
    assert.deepEqual([...entries.keys()].filter((n) => n.startsWith('extension/media/screenshots/')), []);
    assert.ok(entries.has('extension/changelog.md'), 'no CHANGELOG in the .vsix');
  });

  test('the emulator starts from the unpacked .vsix and runs the sample flows', async () => {
    gw = await startEmulatorProcess({ bundle: path.join(unpacked, 'dist/emulator.js'), name: 'vsix-emulator' });
    const health = await call(gw.url, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.body.name, 'vsix-emulator');
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await packExamples())).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/publish')).status, 200);
    // JSONata runs in dist/expression-worker.js, which the emulator finds beside itself.
    const run = await call(gw, 'POST', startPath('network/core/Restart-Service', { packageName: 'network-ops', packageVersion: 1 }), { inputVariables: { device: '10.0.0.1' } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.status, 'Ended');
    assert.equal(run.body.outputVariables.message, 'Restarted sshd on 10.0.0.1');
  });
});
