// Shared helpers of the in-host tests (bundled into each *.test.js; not a test file itself).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'flowgate.flowgate';

/** What the extension's activate() returns (src/extension/extension.ts FlowgateApi). */
export interface FlowgateApi {
  workspaceModel(): Promise<{
    drafts(): Map<string, { relPath: string; draft: { version: number; definitions: { flows?: string[]; connections?: string[] } } }>;
    flows(): Map<string, unknown>;
    file(rel: string): { text: string } | undefined;
  }>;
  localGateway: { url(): string | undefined; isRunning(): boolean };
}

export function extension(): vscode.Extension<FlowgateApi> {
  const ext = vscode.extensions.getExtension<FlowgateApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} not found`);
  return ext;
}

export function api(): FlowgateApi {
  const ext = extension();
  assert.ok(ext.isActive, 'the extension is not active');
  return ext.exports;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 100 ms until it returns something truthy. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export function root(): vscode.Uri {
  const folders = vscode.workspace.workspaceFolders;
  assert.ok(folders && folders.length === 1, 'expected one workspace folder');
  return folders[0].uri;
}

export const uri = (rel: string) => vscode.Uri.joinPath(root(), rel);

export async function readText(rel: string): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri(rel)));
}

export async function writeText(rel: string, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri(rel), new TextEncoder().encode(text));
}

/** Waits until the extension is active (the workspaceContains activation events start it). */
export async function activated(): Promise<FlowgateApi> {
  const ext = extension();
  await waitFor('the extension to activate', () => ext.isActive, 30_000);
  return ext.exports;
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

// One port for the whole run: each *.test.js is its own bundle, so the value lives on globalThis.
const shared = globalThis as { flowgateTestPort?: number };

/**
 * Sets `flowgate.localGateway.port` (workspace setting) to a free port, once per run, so runs in
 * parallel and a gateway on the default port 8722 do not interfere. Returns the port.
 */
export async function useTestPort(): Promise<number> {
  if (shared.flowgateTestPort === undefined) {
    shared.flowgateTestPort = await freePort();
    await vscode.workspace.getConfiguration('flowgate').update('localGateway.port', shared.flowgateTestPort, vscode.ConfigurationTarget.Workspace);
  }
  const port = shared.flowgateTestPort;
  await waitFor('the port setting', () => vscode.workspace.getConfiguration('flowgate').get<number>('localGateway.port') === port);
  return port;
}

/** Stops the local gateway if this window runs one; asserts it is stopped afterwards. */
export async function stopLocalGateway(): Promise<void> {
  const a = api();
  if (a.localGateway.isRunning()) await vscode.commands.executeCommand('flowgate.stopLocalGateway');
  assert.equal(a.localGateway.isRunning(), false, 'the local gateway is still running');
}

export async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** POSTs a synchronous execution to a gateway: `{ status, body }`. */
export async function execute(gatewayUrl: string, flow: string, packageName: string, version: number, inputVariables: Record<string, unknown>) {
  const res = await fetch(
    `${gatewayUrl}/api/default/default/flows/${flow}/executions?packageName=${encodeURIComponent(packageName)}&packageVersion=${version}`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputVariables }) },
  );
  return { status: res.status, body: (await res.json()) as any };
}

/** GETs JSON from a gateway. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as any };
}
