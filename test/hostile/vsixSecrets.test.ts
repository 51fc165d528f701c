/**
 * The .vsix must carry no secret: no private key, no emulator data (local-admin.json with its
 * client secret, gateway.yaml, secret.key, secrets.json, store.json), no .env. Two attacks:
 *
 * 1. The real .vsix (`npm run package`) unpacked and searched, file by file, for names and
 *    contents that are secrets.
 * 2. Secrets planted where a developer's machine has them — an emulator data folder under
 *    examples/ and at the root, .env files, keys and credentials beside the shipped files — in a
 *    folder packed by vsce with the repository's .vscodeignore: none of them may reach the .vsix.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/bundleBuild';
import { tempDir, unpackVsix, vsixEntries, vsixFile } from '../support/vsix';

/** File names that are secrets or emulator data wherever they are. */
const SECRET_NAMES = /(^|\/)(local-admin\.json|gateway\.yaml|gateway\.lock|secret\.key|secrets\.json|store\.json|audit\.jsonl|\.env(\..*)?|id_(rsa|ed25519|ecdsa)|.*\.(pem|key|p12|pfx|crt))$/i;
/** Folders that are data, not code. */
const SECRET_FOLDERS = /(^|\/)(\.flowgate|\.git|\.vscode-test|node_modules)\//;

/** Contents that are secrets: a PEM private key with its body, a private JWK, a client secret value. */
const SECRET_CONTENT: { what: string; re: RegExp }[] = [
  { what: 'a PEM private key', re: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----\s*[A-Za-z0-9+/=\r\n]{40,}/ },
  { what: 'a private JWK', re: /"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/ },
  { what: 'a client secret value', re: /"client_secret"\s*:\s*"[^"]{16,}"/ },
];

function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

function secretsIn(dir: string): string[] {
  const found: string[] = [];
  for (const rel of walk(dir)) {
    if (SECRET_NAMES.test(rel)) found.push(`${rel}: a secret's file name`);
    if (SECRET_FOLDERS.test(rel)) found.push(`${rel}: in a data folder`);
    const text = readFileSync(path.join(dir, rel), 'latin1');
    for (const { what, re } of SECRET_CONTENT) if (re.test(text)) found.push(`${rel}: ${what}`);
  }
  return found;
}

test('the .vsix (npm run package) holds no secret: no key, credentials, emulator data or .env', async () => {
  const file = await vsixFile();
  const dir = tempDir('flowgate-vsix-secrets-');
  await unpackVsix(file, dir);
  const files = walk(dir);
  assert.ok(files.some((f) => f.endsWith('dist/emulator.js')), 'the unpacked .vsix has no emulator: nothing was searched');
  assert.deepEqual(secretsIn(dir), []);
});

test('the searches find what they look for (a key, a credentials file, a data folder)', () => {
  const dir = tempDir('flowgate-vsix-secrets-selftest-');
  mkdirSync(path.join(dir, 'extension/.flowgate/emulator'), { recursive: true });
  writeFileSync(path.join(dir, 'extension/.flowgate/emulator/notes.txt'), 'x');
  writeFileSync(path.join(dir, 'extension/local-admin.json'), '{}');
  writeFileSync(path.join(dir, 'extension/flow.yaml'), `key: |\n  -----BEGIN PRIVATE KEY-----\n  ${'A'.repeat(64)}\n  -----END PRIVATE KEY-----\n`);
  writeFileSync(path.join(dir, 'extension/creds.txt'), JSON.stringify({ client_id: 'x', client_secret: 'q'.repeat(32) }));
  const found = secretsIn(dir);
  assert.equal(found.length, 4, found.join('\n'));
});

/** The shipped files a .vsix needs to pack at all (vsce checks main and the icon). */
function minimalExtension(dir: string): void {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  for (const key of ['files', 'bin', 'scripts', 'devDependencies']) delete manifest[key];
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const f of ['.vscodeignore', 'LICENSE', 'CHANGELOG.md', 'media/icon.png', 'media/flowgate.svg', 'syntaxes/language-configuration.json', 'syntaxes/flowgate-flow.tmLanguage.json', 'examples/packages/network-ops.package.yaml']) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
  }
  mkdirSync(path.join(dir, 'dist'), { recursive: true });
  writeFileSync(path.join(dir, 'dist/extension.js'), 'exports.activate = () => ({});\n');
  writeFileSync(path.join(dir, 'README.md'), '# Flowgate\n');
}

/** What a developer's folder holds beside the shipped files: data, credentials, keys, .env. */
const PLANTED: Record<string, string> = {
  '.flowgate/emulator/local-admin.json': JSON.stringify({ issuer: 'http://127.0.0.1:8722/oauth', client_id: 'local-admin', client_secret: 's'.repeat(43) }),
  '.flowgate/emulator/gateway.yaml': 'clients:\n  - id: ci\n    secret: hunter2hunter2hunter2\n',
  '.flowgate/emulator/secret.key': 'k'.repeat(44),
  'examples/.flowgate/emulator/local-admin.json': JSON.stringify({ client_id: 'local-admin', client_secret: 's'.repeat(43) }),
  'examples/.flowgate/emulator/gateway.yaml': 'adminGroups: [x]\n',
  'examples/.flowgate/emulator/secrets.json': '{}',
  'examples/.flowgate/emulator/store.json': '{}',
  'examples/flows/local-admin.json': '{}',
  'examples/gateway.yaml': 'tls:\n  keyFile: gateway.key\n',
  'examples/gateway.key': '-----BEGIN PRIVATE KEY-----\n' + 'A'.repeat(64) + '\n-----END PRIVATE KEY-----\n',
  'media/gateway.pem': 'x',
  'media/.env': 'FLOWGATE_CLIENT_SECRET=abc',
  'dist/.env': 'FLOWGATE_CLIENT_SECRET=abc',
  'dist/local-admin.json': '{}',
  'dist/webview/secrets.json': '{}',
  'syntaxes/local-admin.json': '{}',
  'src/core/schema/local-admin.json': '{}',
  'local-admin.json': '{}',
  '.env': 'FLOWGATE_CLIENT_SECRET=abc',
};

test('secrets planted beside the shipped files stay out of the .vsix (.vscodeignore)', async () => {
  const dir = tempDir('flowgate-vsix-planted-');
  minimalExtension(dir);
  for (const [rel, text] of Object.entries(PLANTED)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  const out = path.join(dir, 'planted.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules/@vscode/vsce/vsce');
  // --allow-package-env-file: vsce's own .env refusal is not what is tested here, the ignore file is.
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--allow-package-env-file', '--out', out];
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, args, { cwd: dir }, (err, stdout, stderr) => (err ? reject(new Error(`vsce failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve())),
  );
  const packed = [...(await vsixEntries(out)).keys()];
  assert.ok(packed.includes('extension/dist/extension.js') && packed.includes('extension/examples/packages/network-ops.package.yaml'), `the shipped files are not there: ${packed.join(', ')}`);
  const leaked = Object.keys(PLANTED).filter((rel) => packed.includes(`extension/${rel}`));
  assert.deepEqual(leaked, [], `planted secrets packed into the .vsix:\n${leaked.join('\n')}`);
});
