// The local gateway emulator: start / stop from the commands (on a free port per run), reuse of
// an emulator that was already running on the port, an unexpected exit, a port taken by another
// program. Every emulator started here is stopped again.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activated, api, extension, stopLocalGateway, useTestPort, waitFor } from './helpers';

const healthy = async (url: string) => {
  try {
    return (await fetch(`${url}/healthz`)).ok;
  } catch {
    return false;
  }
};

suite('local gateway', () => {
  let port: number;
  let url: string;
  const outside: ChildProcess[] = [];
  const tmpDirs: string[] = [];

  suiteSetup(async () => {
    await activated();
    port = await useTestPort();
    url = `http://127.0.0.1:${port}`;
  });

  suiteTeardown(async () => {
    await stopLocalGateway().catch(() => undefined);
    for (const child of outside) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    }
    for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('is stopped at first, on the test port', async () => {
    assert.equal(api().localGateway.isRunning(), false);
    assert.equal(api().localGateway.url(), undefined);
    assert.equal(await healthy(url), false, `something already answers on ${url}`);
  });

  test('startLocalGateway starts an emulator that answers /healthz; stopLocalGateway stops it', async () => {
    const started = await vscode.commands.executeCommand<string>('flowgate.startLocalGateway');
    assert.equal(started, url);
    assert.equal(api().localGateway.isRunning(), true);
    assert.equal(api().localGateway.url(), url);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; snmpPort?: number };
    assert.equal(body.status, 'ok');
    // flowgate.localGateway.snmpPort is 0 in the tests: the emulator took a free port, not 1162.
    assert.equal(typeof body.snmpPort, 'number');
    assert.notEqual(body.snmpPort, 1162);
    // Starting again returns the same gateway.
    assert.equal(await vscode.commands.executeCommand('flowgate.startLocalGateway'), url);

    assert.equal(await vscode.commands.executeCommand('flowgate.stopLocalGateway'), true);
    assert.equal(api().localGateway.isRunning(), false);
    assert.equal(api().localGateway.url(), undefined);
    assert.equal(await healthy(url), false, 'the emulator still answers after stop');
    // Stopping a stopped gateway says so and returns false.
    assert.equal(await vscode.commands.executeCommand('flowgate.stopLocalGateway'), false);
  });

  test('reuses an emulator already running on the port and leaves it running on stop', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-outside-'));
    tmpDirs.push(data);
    const script = path.join(extension().extensionPath, 'dist', 'emulator.js');
    const child = spawn(process.execPath, [script, '--port', String(port), '--host', '127.0.0.1', '--data', data, '--name', 'outside'], {
      stdio: 'ignore',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    outside.push(child);
    await waitFor('the outside emulator to answer', () => healthy(url));

    assert.equal(await vscode.commands.executeCommand('flowgate.startLocalGateway'), url);
    assert.equal(api().localGateway.isRunning(), true);
    assert.equal(await vscode.commands.executeCommand('flowgate.stopLocalGateway'), false, 'stop claimed to stop a gateway it did not start');
    assert.equal(child.exitCode, null, 'the outside emulator was stopped');
    assert.equal(await healthy(url), true);

    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await vscode.commands.executeCommand('flowgate.refreshGateways');
    assert.equal(api().localGateway.isRunning(), false, 'a vanished outside gateway still counts as running');
  });

  test('notices when its emulator exits unexpectedly', async () => {
    await vscode.commands.executeCommand('flowgate.startLocalGateway');
    assert.equal(api().localGateway.isRunning(), true);
    const pid = emulatorPid(port);
    assert.ok(pid, `no emulator process listening on port ${port}`);
    process.kill(pid, 'SIGKILL');
    await waitFor('the extension to notice the exit', () => !api().localGateway.isRunning());
    assert.equal(api().localGateway.url(), undefined);
  });

  test('a port taken by another program: start fails, nothing runs', async () => {
    const sockets = new Set<net.Socket>();
    const srv = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.end('not a gateway\n');
    });
    await new Promise<void>((resolve) => srv.listen(port, '127.0.0.1', () => resolve()));
    try {
      assert.equal(await vscode.commands.executeCommand('flowgate.startLocalGateway'), undefined);
      assert.equal(api().localGateway.isRunning(), false);
      assert.equal(emulatorPid(port), undefined, 'an emulator process is left running');
    } finally {
      // A client may keep its half of a connection open: close them, or close() never returns.
      for (const s of sockets) s.destroy();
      await new Promise((r) => srv.close(r));
    }
  });
});

/** The pid of the `emulator.js --port <port>` process (Linux: /proc). */
function emulatorPid(port: number): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string[];
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const i = cmdline.indexOf('--port');
    if (cmdline.some((a) => a.endsWith('emulator.js')) && i >= 0 && cmdline[i + 1] === String(port)) return Number(entry);
  }
  return undefined;
}
