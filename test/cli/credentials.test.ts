/**
 * The data folders whose local-admin.json the command line looks at by itself (src/cli/credentials.ts),
 * and that a client made for a gateway finds the credentials of `npm start`'s folder in a clone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { knownDataDirs } from '../../src/cli/credentials';
import { findCredentials } from '../../src/core/client/credentials';

const REPO = path.resolve(__dirname, '..', '..');

test('FLOWGATE_DATA first (with ~ expanded), then ~/.flowgate/emulator, then the clone\'s .flowgate/emulator (npm start)', () => {
  assert.deepEqual(knownDataDirs({ FLOWGATE_DATA: '~/gw-data' }), [
    path.join(os.homedir(), 'gw-data'),
    path.join(os.homedir(), '.flowgate', 'emulator'),
    path.join(REPO, '.flowgate', 'emulator'),
  ]);
  assert.deepEqual(knownDataDirs({}), [path.join(os.homedir(), '.flowgate', 'emulator'), path.join(REPO, '.flowgate', 'emulator')]);
});

test('a data folder named by FLOWGATE_DATA serves its own gateway only', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-cli-creds-'));
  try {
    fs.writeFileSync(path.join(dir, 'local-admin.json'), JSON.stringify({ issuer: 'http://127.0.0.1:18801/oauth', client_id: 'local-admin', client_secret: 's3cret-cli-0123' }), { mode: 0o600 });
    const dirs = knownDataDirs({ FLOWGATE_DATA: dir });
    assert.equal(findCredentials('http://127.0.0.1:18801', { env: {}, dataDirs: dirs })?.source, path.join(dir, 'local-admin.json'));
    const other = findCredentials('http://127.0.0.1:18802', { env: {}, dataDirs: [dir] });
    assert.equal(other, undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
