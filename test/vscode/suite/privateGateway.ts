// A gateway emulator of a suite's own (not the local emulator the extension starts), for suites
// that need a gateway configuration of their own (an embedded directory with groups and users):
// the extension's dist/emulator.js in a temp data folder with `--config`, on a free port. Bundled
// into the *.test.js files that import it (not a test file itself).
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GatewayClient } from '../../../src/core/client/gatewayClient';
import { credentialSource } from '../../../src/core/client/tokens';
import { extension, waitFor } from './helpers';

export interface PrivateGateway {
  url: string;
  dataDir: string;
  /** Its local admin credential (`<data>/local-admin.json`). */
  credentialsFile: string;
  /** A core client of it as its local admin (client-credentials tokens of local-admin.json). */
  admin: GatewayClient;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).ok;
  } catch {
    return false;
  }
}

/**
 * Starts dist/emulator.js with `configText` as its gateway.yaml; resolves once it answers and has
 * written local-admin.json. `restart(edit)` stops it and starts it again on the same port and data
 * folder with its gateway.yaml changed by `edit` (the local admin client the emulator added kept).
 */
export async function startPrivateGateway(name: string, configText: string): Promise<PrivateGateway & { restart(edit: (current: string) => string): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-private-'));
  // The configuration beside the data folder, not in it (a data folder holds the emulator's files only).
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-private-config-'));
  const config = path.join(configDir, 'gateway.yaml');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const script = path.join(extension().extensionPath, 'dist', 'emulator.js');
  const credentialsFile = path.join(dataDir, 'local-admin.json');
  let child: ChildProcess | undefined;
  const halt = async () => {
    const c = child;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const launch = async (text: string) => {
    fs.writeFileSync(config, text, { mode: 0o600 });
    let stderr = '';
    const c = spawn(
      process.execPath,
      [script, '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--config', config, '--name', name, '--snmp-port', '0'],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    );
    child = c;
    c.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    await waitFor(`the emulator '${name}' at ${url}`, async () => {
      assert.equal(c.exitCode, null, `the emulator '${name}' exited: ${stderr}`);
      return (await healthy(url)) && fs.existsSync(credentialsFile);
    });
  };
  const stop = async () => {
    await halt();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(configDir, { recursive: true, force: true });
  };
  try {
    await launch(configText);
  } catch (err) {
    await stop();
    throw err;
  }
  const admin = new GatewayClient(url, { credentials: credentialSource(url, { env: {}, dataDirs: [dataDir] }) });
  return {
    url,
    dataDir,
    credentialsFile,
    admin,
    stop,
    restart: async (edit: (current: string) => string) => {
      await halt();
      await launch(edit(fs.readFileSync(config, 'utf8')));
    },
  };
}

/**
 * Sets `flowgate.gateways` (workspace setting) to `entries` and waits until the extension host sees
 * them; answers a function that puts the previous value back.
 */
export async function useGatewaysSetting(entries: { name: string; url: string; credentialsFile?: string }[]): Promise<() => Promise<void>> {
  const settings = vscode.workspace.getConfiguration('flowgate');
  const before = settings.inspect<unknown[]>('gateways')?.workspaceValue;
  await settings.update('gateways', entries, vscode.ConfigurationTarget.Workspace);
  await waitFor('the gateways setting', () => JSON.stringify(vscode.workspace.getConfiguration('flowgate').get('gateways')) === JSON.stringify(entries));
  return async () => {
    await vscode.workspace.getConfiguration('flowgate').update('gateways', before, vscode.ConfigurationTarget.Workspace);
  };
}
