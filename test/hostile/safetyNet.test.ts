/**
 * The process-level safety net of the emulator (`installSafetyNet` in src/emulator/main.ts): an
 * unhandled rejection or an uncaught exception is logged with credentials and connection secrets masked and the process
 * keeps running. Nothing a caller sends should reach it (every promise of the gateway is handled —
 * the hostile corpus checks that); this checks the net itself, in a child process of its own.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/emulatorProcess';

const SECRET = 'store-secret-9f3Kq7';

test('unhandled rejections and uncaught exceptions are logged masked; the process keeps running', async () => {
  const script = `
    const m = await import(${JSON.stringify(path.join(REPO_ROOT, 'src', 'emulator', 'main.ts'))});
    const { installSafetyNet } = m.installSafetyNet ? m : m.default;
    const s = await import(${JSON.stringify(path.join(REPO_ROOT, 'src', 'emulator', 'secrets', 'store.ts'))});
    const { SecretStore } = s.SecretStore ? s : s.default;
    const fs = await import('node:fs');
    const dir = fs.mkdtempSync(${JSON.stringify(path.join(os.tmpdir(), 'fg-safety-'))});
    // A connection secret of the gateway's store: masked wherever the net logs it.
    await (await SecretStore.open(dir)).set('CRM', ${JSON.stringify(SECRET)}, [], undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    installSafetyNet();
    Promise.reject(new Error('boom at https://ops:pw-in-url@crm.example/x'));
    setTimeout(() => { throw new Error('sync boom with Authorization: Bearer abc.def-ghi and ${SECRET}'); }, 10);
    setTimeout(() => { for (let i = 0; i < 50; i++) Promise.reject(new Error('flood ' + i)); }, 100);
    setTimeout(() => { process.stdout.write('still alive\\n'); process.exit(0); }, 300);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'still alive\n');
  assert.match(stderr, /unhandled promise rejection \(the gateway keeps serving\): Error: boom at https:\/\/\*\*\*@crm\.example\/x/);
  assert.match(stderr, /uncaught exception \(the gateway keeps serving\): Error: sync boom with Authorization: Bearer \*\*\* and \*\*\*/);
  for (const s of ['pw-in-url', 'abc.def-ghi', SECRET]) assert.ok(!stderr.includes(s), `stderr shows ${s}`);
  // At most 20 logged a minute: the flood is cut short.
  assert.equal((stderr.match(/keeps serving/g) ?? []).length, 20);
});
