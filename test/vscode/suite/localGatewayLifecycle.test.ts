// The local gateway's lifecycle and its start failures (issue 11), in the real VS Code with real
// processes: restart; stop asking first while executions run (decline: they keep running; accept:
// stopped); a port taken by a plain Node HTTP server (the message names its pid and command, "Use
// Another Port" moves to a free port and starts); a port taken by another emulator (used, named);
// a data folder locked by another emulator (named by pid, nothing runs); a Node path that does not
// exist or is too old. The messages are read, and answered, through the API's `messages` hook.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activated, answering, api, extension, localClient, publishTestPackage, stopLocalGateway, useTestPort, waitFor } from './helpers';

const healthy = async (url: string) => {
  try {
    return (await fetch(`${url}/healthz`)).ok;
  } catch {
    return false;
  }
};

const settings = () => vscode.workspace.getConfiguration('flowgate');

suite('local gateway lifecycle and start failures', () => {
  let port: number;
  let url: string;
  const outside: ChildProcess[] = [];
  const tmpDirs: string[] = [];

  const tmp = (prefix: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tmpDirs.push(d);
    return d;
  };

  /** A child process with `args`, its first stdout line awaited when `ready` matches. */
  async function child(args: string[], ready: RegExp): Promise<ChildProcess> {
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    outside.push(c);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      c.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (ready.test(out)) resolve();
      });
      c.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}): ${out}`)));
    });
    return c;
  }

  async function kill(c: ChildProcess): Promise<void> {
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }

  const emulatorArgs = (p: number, data: string, name: string) => [path.join(extension().extensionPath, 'dist', 'emulator.js'), '--port', String(p), '--host', '127.0.0.1', '--snmp-port', '0', '--data', data, '--name', name];

  suiteSetup(async () => {
    await activated();
    port = await useTestPort();
    url = `http://127.0.0.1:${port}`;
  });

  suiteTeardown(async () => {
    await stopLocalGateway().catch(() => undefined);
    for (const c of outside) await kill(c);
    await settings().update('localGateway.port', port, vscode.ConfigurationTarget.Workspace);
    await settings().update('localGateway.dataFolder', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('localGateway.nodePath', undefined, vscode.ConfigurationTarget.Global);
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('restart: a new emulator process answers on the same URL', async () => {
    assert.equal(await vscode.commands.executeCommand('flowgate.startLocalGateway'), url);
    const before = (await (await fetch(`${url}/healthz`)).json()) as { startedAt?: string };
    assert.equal(await vscode.commands.executeCommand('flowgate.restartLocalGateway'), url);
    assert.equal(api().localGateway.isRunning(), true);
    const after = (await (await fetch(`${url}/healthz`)).json()) as { startedAt?: string };
    assert.ok(after.startedAt, 'no startedAt in /healthz');
    assert.notEqual(after.startedAt, before.startedAt, 'the same emulator process still answers');
  });

  test('stop asks first while executions run: declined, they keep running; accepted, the gateway stops', async () => {
    const client = localClient(url);
    await publishTestPackage(client, 'lifecycle-wait', { 'demo/Wait': 'steps:\n  - kind: wait\n    seconds: 60\n' });
    const started = await client.startExecution('demo/Wait', { packageName: 'lifecycle-wait', packageVersion: 1, mode: 'async' });
    assert.equal(started.kind, 'started');

    const declined = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.stopLocalGateway'));
    const question = declined.shown.find((m) => m.modal);
    assert.ok(question, `no question was asked: ${JSON.stringify(declined.shown)}`);
    assert.match(question.message, /Stop the local gateway\? 1 execution is running on it\./);
    assert.match(question.detail ?? '', /stops that execution \(they are recorded as Stopped\)/);
    assert.equal(api().localGateway.isRunning(), true, 'declined, but the gateway stopped');
    assert.equal(await healthy(url), true);

    const accepted = await answering((m) => (m.modal ? 'Stop Gateway' : undefined), () => vscode.commands.executeCommand('flowgate.stopLocalGateway'));
    assert.equal(accepted.value, true);
    assert.equal(api().localGateway.isRunning(), false);
    assert.equal(await healthy(url), false);
  });

  test('port taken by a plain Node HTTP server: the message names its pid and command; Use Another Port starts on a free one', async () => {
    const server = await child(['-e', `require('http').createServer((q,s)=>s.end('hi')).listen(${port},'127.0.0.1',()=>console.log('listening'))`, 'plain-http-marker'], /listening/);
    let movedTo: number | undefined;
    const run = await answering(
      (m) => (/could not start/.test(m.message) ? 'Use Another Port' : undefined),
      async () => {
        const result = await vscode.commands.executeCommand('flowgate.startLocalGateway');
        // The fix runs after the message: a new port in the setting, and the gateway running there.
        movedTo = await waitFor('the port setting to change', () => {
          const now = settings().get<number>('localGateway.port');
          return now !== port ? now : undefined;
        });
        await waitFor('the gateway to start on the new port', () => api().localGateway.isRunning());
        return result;
      },
    );
    assert.equal(run.value, undefined, 'start answered a URL although the port was taken');
    const failure = run.shown.find((m) => /could not start/.test(m.message));
    assert.ok(failure, JSON.stringify(run.shown));
    assert.match(failure.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is taken by pid ${server.pid} \\(.*plain-http-marker.*\\), which is not a Flowgate gateway`));
    assert.deepEqual(failure.actions, ['Use Another Port', 'Open Settings']);
    assert.ok(movedTo && movedTo !== port);
    assert.equal(api().localGateway.url(), `http://127.0.0.1:${movedTo}`);
    assert.equal(await healthy(`http://127.0.0.1:${movedTo}`), true);

    await stopLocalGateway();
    await kill(server);
    await settings().update('localGateway.port', port, vscode.ConfigurationTarget.Workspace);
    await waitFor('the port setting back', () => settings().get<number>('localGateway.port') === port);
  });

  test('port taken by another emulator: it is used, and the message says which gateway', async () => {
    const other = await child(emulatorArgs(port, tmp('flowgate-other-'), 'other-one'), /listening on/);
    const before = api().messages.shown().length;
    const run = await answering(() => undefined, async () => {
      const r = await vscode.commands.executeCommand('flowgate.startLocalGateway');
      await waitFor('the message', () => api().messages.shown().slice(before).some((m) => m.message.includes('already running')));
      return r;
    });
    assert.equal(run.value, url);
    assert.equal(api().localGateway.isRunning(), true);
    const said = run.shown.find((m) => m.message.includes('already running'));
    assert.ok(said);
    assert.match(said.message, new RegExp(`port ${port} is taken by the Flowgate gateway "other-one" \\S+ \\(pid ${other.pid}\\), already running at ${url.replace(/\./g, '\\.')} — using it`));
    assert.deepEqual(said.actions, ['Use Another Port']);
    // Not ours: stop leaves it running.
    assert.equal(await vscode.commands.executeCommand('flowgate.stopLocalGateway'), false);
    assert.equal(await healthy(url), true);
    await kill(other);
    await vscode.commands.executeCommand('flowgate.refreshGateways');
    assert.equal(api().localGateway.isRunning(), false);
  });

  test('data folder locked by another emulator: the message names its pid; nothing runs', async () => {
    const data = tmp('flowgate-locked-');
    const holderPort = port + 1 <= 65535 ? port + 1 : port - 1;
    const holder = await child(emulatorArgs(holderPort, data, 'holder'), /listening on/);
    await settings().update('localGateway.dataFolder', data, vscode.ConfigurationTarget.Global);
    await waitFor('the data folder setting', () => api().localGateway.dataDir() === data);
    const run = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.startLocalGateway'));
    assert.equal(run.value, undefined);
    assert.equal(api().localGateway.isRunning(), false);
    assert.equal(await healthy(url), false, 'an emulator answers on the port');
    const failure = run.shown.find((m) => /could not start/.test(m.message));
    assert.ok(failure, JSON.stringify(run.shown));
    assert.match(failure.message, new RegExp(`the data folder ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is locked by another Flowgate gateway \\(pid ${holder.pid}: .*emulator\\.js`));
    assert.deepEqual(failure.actions, ['Show Log', 'Use Another Data Folder']);
    await kill(holder);
    await settings().update('localGateway.dataFolder', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the data folder setting cleared', () => api().localGateway.dataDir() !== data);
  });

  test('a Node path that does not exist, or is too old: said, with the fixes', async () => {
    const missing = path.join(tmp('flowgate-node-'), 'no-such-node');
    await settings().update('localGateway.nodePath', missing, vscode.ConfigurationTarget.Global);
    let run = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.startLocalGateway'));
    let failure = run.shown.find((m) => /could not start/.test(m.message));
    assert.ok(failure, JSON.stringify(run.shown));
    assert.match(failure.message, new RegExp(`Node was not found at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.deepEqual(failure.actions, ["Use VS Code's Node", 'Open Settings']);
    assert.equal(api().localGateway.isRunning(), false);

    // An old Node: a script that answers --version like Node 18 does.
    const old = path.join(tmp('flowgate-node-'), 'node18');
    fs.writeFileSync(old, '#!/bin/sh\necho v18.20.4\n', { mode: 0o755 });
    await settings().update('localGateway.nodePath', old, vscode.ConfigurationTarget.Global);
    run = await answering(
      (m) => (/could not start/.test(m.message) ? "Use VS Code's Node" : undefined),
      async () => {
        const r = await vscode.commands.executeCommand('flowgate.startLocalGateway');
        await waitFor("the gateway to start on VS Code's Node", () => api().localGateway.isRunning());
        return r;
      },
    );
    failure = run.shown.find((m) => /could not start/.test(m.message));
    assert.ok(failure);
    assert.match(failure.message, /is Node 18\.20\.4; the local gateway needs Node 20\.19 or newer/);
    assert.equal(settings().inspect('localGateway.nodePath')?.globalValue, undefined, 'the fix did not clear the setting');
    assert.equal(await healthy(url), true);
    await stopLocalGateway();
  });
});
