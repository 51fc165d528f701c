/** The CLI's sessions file (src/core/client/sessions.ts): 0600 in a 0700 folder, atomic replace, keyed by normalised gateway URL, refused when others may read it or when it is not JSON. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultSessionsFile, FileSessionStore, SessionsFileError } from '../../src/core/client/sessions';
import type { Session } from '../../src/core/client/signIn';

const session = (gatewayUrl: string, user = 'alice'): Session => ({
  gatewayUrl,
  issuer: `${gatewayUrl}/oauth`,
  clientId: 'flowgate-cli',
  accessToken: 'at',
  accessTokenExpiresAt: 1,
  refreshToken: 'rt',
  user,
});

test('the default file follows XDG_CONFIG_HOME (absolute only), else ~/.config', () => {
  assert.equal(defaultSessionsFile({ XDG_CONFIG_HOME: '/x/cfg' }), '/x/cfg/flowgate/sessions.json');
  assert.equal(defaultSessionsFile({ XDG_CONFIG_HOME: 'relative' }), path.join(os.homedir(), '.config', 'flowgate', 'sessions.json'));
  assert.equal(defaultSessionsFile({}), path.join(os.homedir(), '.config', 'flowgate', 'sessions.json'));
});

test('set, get, delete; 0600 file in a 0700 folder, no temporary files left; others-readable or broken files refused', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-sessions-'));
  try {
    const file = path.join(dir, 'cfg', 'flowgate', 'sessions.json');
    const store = new FileSessionStore(file);
    assert.equal(await store.get('https://gw.example.com'), undefined);
    await store.set(session('https://gw.example.com/'));
    await store.set(session('http://127.0.0.1:8722', 'bob'));
    assert.equal((await store.get('https://gw.example.com'))?.user, 'alice', 'trailing slash normalised');
    assert.equal((await store.get('http://127.0.0.1:8722/'))?.user, 'bob');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['sessions.json']);
    await store.delete('https://gw.example.com');
    assert.equal(await store.get('https://gw.example.com'), undefined);
    assert.equal((await store.get('http://127.0.0.1:8722'))?.user, 'bob');
    await assert.rejects(store.get('http://gw.example.com'), /plain http on a network address/);
    fs.chmodSync(file, 0o644);
    await assert.rejects(store.get('http://127.0.0.1:8722'), (e: unknown) => e instanceof SessionsFileError && /chmod 600/.test(e.message));
    fs.writeFileSync(file, '{not json');
    fs.chmodSync(file, 0o600);
    await assert.rejects(store.get('http://127.0.0.1:8722'), (e: unknown) => e instanceof SessionsFileError && /not JSON/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
