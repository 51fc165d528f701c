/**
 * Core's credential lookup (src/core/client/credentials.ts): the environment beats files, an explicit
 * file is used for its own gateway only, a data folder's local-admin.json only for the gateway whose
 * origin its issuer names, and unusable files or variables are clear errors that never show a secret.
 * Real files in temp folders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CredentialsError,
  findCredentials,
  readCredentialsFile,
  credentialsAdvice,
  LOCAL_ADMIN_FILE,
} from '../../src/core/client/credentials';

const SECRET = 'sEcReT-5b1e0c9d8a7f6e5d4c3b2a19';

function dataDir(issuer: string, opts: { mode?: number; text?: string; secret?: string } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-creds-'));
  const file = path.join(dir, LOCAL_ADMIN_FILE);
  fs.writeFileSync(file, opts.text ?? JSON.stringify({ issuer, client_id: 'local-admin', client_secret: opts.secret ?? SECRET }), { mode: 0o600 });
  fs.chmodSync(file, opts.mode ?? 0o600);
  return dir;
}

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CredentialsError, `a CredentialsError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes(SECRET), 'the message shows no secret');
    return true;
  });
}

const GW = 'http://127.0.0.1:18722';

test('a data folder\'s local-admin.json is used for the gateway of its issuer\'s origin only', () => {
  const mine = dataDir(`${GW}/oauth`);
  const other = dataDir('http://127.0.0.1:18723/oauth');
  try {
    const c = findCredentials(GW, { env: {}, dataDirs: [other, mine] });
    assert.deepEqual(
      { id: c?.clientId, secret: c?.clientSecret, issuer: c?.issuer, source: c?.source },
      { id: 'local-admin', secret: SECRET, issuer: `${GW}/oauth`, source: path.join(mine, LOCAL_ADMIN_FILE) },
    );
    // The other emulator's file is not used for this gateway; no file for a third gateway.
    assert.equal(findCredentials(GW, { env: {}, dataDirs: [other] }), undefined);
    assert.equal(findCredentials('http://localhost:18722', { env: {}, dataDirs: [mine] }), undefined, 'localhost is another origin than 127.0.0.1');
    assert.equal(findCredentials(`${GW}/some/prefix`, { env: {}, dataDirs: [mine] })?.clientId, 'local-admin', 'same origin, any path');
    // A folder without the file is skipped.
    assert.equal(findCredentials(GW, { env: {}, dataDirs: [os.tmpdir() + '/no-such-flowgate-folder'] }), undefined);
  } finally {
    fs.rmSync(mine, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test('the environment beats every file; one variable without the other is an error', () => {
  const mine = dataDir(`${GW}/oauth`);
  try {
    const env = { FLOWGATE_CLIENT_ID: 'ci-job', FLOWGATE_CLIENT_SECRET: 'env-secret' };
    const c = findCredentials(GW, { env, dataDirs: [mine], credentialsFile: path.join(mine, LOCAL_ADMIN_FILE) });
    assert.equal(c?.clientId, 'ci-job');
    assert.equal(c?.clientSecret, 'env-secret');
    assert.equal(c?.issuer, undefined, 'the issuer comes from the gateway\'s discovery');
    assert.match(c!.source, /environment/);
    refused(() => findCredentials(GW, { env: { FLOWGATE_CLIENT_ID: 'ci-job' } }), /FLOWGATE_CLIENT_SECRET is not/);
    refused(() => findCredentials(GW, { env: { FLOWGATE_CLIENT_SECRET: SECRET } }), /FLOWGATE_CLIENT_ID is not/);
  } finally {
    fs.rmSync(mine, { recursive: true, force: true });
  }
});

test('an explicit credentials file beats data folders and must be for this gateway', () => {
  const mine = dataDir(`${GW}/oauth`, { secret: 'folder-secret' });
  const explicit = dataDir(`${GW}/oauth`);
  const other = dataDir('https://gw.example.com/oauth');
  try {
    const c = findCredentials(GW, { env: {}, dataDirs: [mine], credentialsFile: path.join(explicit, LOCAL_ADMIN_FILE) });
    assert.equal(c?.clientSecret, SECRET);
    refused(
      () => findCredentials(GW, { env: {}, credentialsFile: path.join(other, LOCAL_ADMIN_FILE) }),
      /is for the gateway at https:\/\/gw\.example\.com, not http:\/\/127\.0\.0\.1:18722/,
    );
    refused(() => findCredentials(GW, { env: {}, credentialsFile: path.join(other, 'missing.json') }), /does not exist/);
  } finally {
    for (const d of [mine, explicit, other]) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('a file others may read, a directory, a long file, bad JSON or bad fields: a clear error naming the file, never the secret', () => {
  const cases: { dir: string; pattern: RegExp }[] = [
    { dir: dataDir(`${GW}/oauth`, { mode: 0o644 }), pattern: /may be read by other users \(mode 0644\).*chmod 600/ },
    { dir: dataDir(`${GW}/oauth`, { mode: 0o640 }), pattern: /mode 0640/ },
    { dir: dataDir(`${GW}/oauth`, { text: `{"issuer": "${GW}/oauth", "client_id": "a", "client_secret": "${SECRET}"` }), pattern: /is not JSON/ },
    { dir: dataDir(`${GW}/oauth`, { text: `["${SECRET}"]` }), pattern: /not a JSON object/ },
    { dir: dataDir(`${GW}/oauth`, { text: JSON.stringify({ issuer: `${GW}/oauth`, client_secret: SECRET }) }), pattern: /"client_id" must be a non-empty string/ },
    { dir: dataDir(`${GW}/oauth`, { text: JSON.stringify({ issuer: `${GW}/oauth`, client_id: 'a', client_secret: 7 }) }), pattern: /"client_secret" must be a non-empty string/ },
    { dir: dataDir(`${GW}/oauth`, { text: JSON.stringify({ issuer: 'file:///etc/passwd', client_id: 'a', client_secret: SECRET }) }), pattern: /"issuer" must be an http\(s\) URL/ },
    { dir: dataDir(`${GW}/oauth`, { text: JSON.stringify({ issuer: `${GW}/oauth`, client_id: 'a', client_secret: SECRET, pad: 'x'.repeat(20_000) }) }), pattern: /longer than 16384 bytes/ },
  ];
  const asDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-creds-'));
  fs.mkdirSync(path.join(asDir, LOCAL_ADMIN_FILE));
  cases.push({ dir: asDir, pattern: /is not a regular file/ });
  try {
    for (const { dir, pattern } of cases) {
      const file = path.join(dir, LOCAL_ADMIN_FILE);
      refused(() => readCredentialsFile(file), pattern);
      refused(() => findCredentials(GW, { env: {}, dataDirs: [dir] }), new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    }
  } finally {
    for (const { dir } of cases) fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the advice names what to do', () => {
  const text = credentialsAdvice(GW, { cliOption: true });
  assert.match(text, /FLOWGATE_CLIENT_ID and FLOWGATE_CLIENT_SECRET/);
  assert.match(text, /--credentials <file>/);
  assert.match(credentialsAdvice(GW, { setting: true }), /"credentialsFile"/);
});
