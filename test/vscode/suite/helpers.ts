// Shared helpers of the in-host tests (bundled into each *.test.js; not a test file itself).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { GatewayClient } from '../../../src/core/client/gatewayClient';
import { credentialSource } from '../../../src/core/client/tokens';
import { buildPackageFile } from '../../../src/core/package/packageFile';

export const EXTENSION_ID = 'flowgate.flowgate';

/** What the extension's activate() returns: the extension's own declaration (types only: nothing of it is bundled here). */
import type { FlowgateApi } from '../../../src/extension/extension';
import type { ShownMessage } from '../../../src/extension/shared/errors';
export type { FlowgateApi };

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
 * Sets `flowgate.localGateway.port` (workspace setting) to a free port, once per run, and the SNMP
 * trap port to 0 (a free one), so runs in parallel and a gateway on the default ports 8722 / 1162
 * do not interfere. Returns the port.
 */
export async function useTestPort(): Promise<number> {
  if (shared.flowgateTestPort === undefined) {
    shared.flowgateTestPort = await freePort();
    const settings = vscode.workspace.getConfiguration('flowgate');
    await settings.update('localGateway.snmpPort', 0, vscode.ConfigurationTarget.Workspace);
    await settings.update('localGateway.port', shared.flowgateTestPort, vscode.ConfigurationTarget.Workspace);
  }
  const port = shared.flowgateTestPort;
  await waitFor('the port setting', () => vscode.workspace.getConfiguration('flowgate').get<number>('localGateway.port') === port);
  return port;
}

/** Stops the local gateway if this window runs one; asserts it is stopped afterwards. */
export async function stopLocalGateway(): Promise<void> {
  const a = api();
  if (a.localGateway.isRunning()) await vscode.commands.executeCommand('flowgate.stopLocalGateway', { confirmed: true });
  assert.equal(a.localGateway.isRunning(), false, 'the local gateway is still running');
}

export async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * A suite's setup against the local emulator the extension starts: waits for activation, sets the
 * test port, starts the local gateway; answers its url and a core GatewayClient for it.
 */
export async function startTestGateway(): Promise<{ url: string; client: GatewayClient }> {
  await activated();
  await useTestPort();
  const url = (await vscode.commands.executeCommand<string>('flowgate.startLocalGateway'))!;
  assert.ok(url, 'the local gateway did not start');
  return { url, client: localClient(url) };
}

/**
 * A core GatewayClient of the local emulator the extension started, authorised as the extension is:
 * with the local-admin.json of its data folder (client-credentials tokens).
 */
export function localClient(url: string): GatewayClient {
  return new GatewayClient(url, { credentials: credentialSource(url, { env: {}, dataDirs: [api().localGateway.dataDir()] }) });
}

/** `Authorization: Bearer …` of the local emulator's admin client, for raw fetches. */
export async function authHeaders(gatewayUrl: string): Promise<Record<string, string>> {
  const token = await credentialSource(gatewayUrl, { env: {}, dataDirs: [api().localGateway.dataDir()] }).token();
  assert.ok(token, `no local-admin.json for ${gatewayUrl} in ${api().localGateway.dataDir()}`);
  return { authorization: `Bearer ${token}` };
}

/** A suite's teardown after startTestGateway: closes the editors and stops the local gateway. */
export async function stopTestGateway(): Promise<void> {
  await closeEditors();
  await stopLocalGateway();
}

/** The package file of `name` `version` with `flows` (`{ id: text }`, in that order), built by core's buildPackageFile. */
export async function testPackage(name: string, version: number, flows: Record<string, string>): Promise<Uint8Array> {
  const { bytes } = await buildPackageFile({
    name,
    version,
    createdBy: 'flowgate-vscode-tests/0.1.0',
    definitions: Object.entries(flows).map(([id, text]) => ({ kind: 'flow' as const, id, text })),
  });
  return bytes;
}

/** Uploads package `name` version 1 with `flows` through `client` and publishes it. */
export async function publishTestPackage(client: GatewayClient, name: string, flows: Record<string, string>): Promise<void> {
  await client.uploadPackage(await testPackage(name, 1, flows));
  await client.publish(name, 1);
}

/** A Gateways-view version node, as the tree passes it to a command. */
export function versionNode(gatewayUrl: string, packageName: string, version: number, published: boolean) {
  return {
    type: 'gatewayVersion',
    gatewayUrl,
    packageName,
    summary: { version, published, status: 'SUBMITTED', isDefault: false, uploadedAt: '', contentDigest: '' },
    isExplicitDefault: false,
  };
}

/** POSTs a synchronous execution to the local gateway (as its admin client): `{ status, body }`. */
export async function execute(gatewayUrl: string, flow: string, packageName: string, version: number, inputVariables: Record<string, unknown>) {
  const res = await fetch(
    `${gatewayUrl}/api/default/default/flows/${flow}/executions?packageName=${encodeURIComponent(packageName)}&packageVersion=${version}`,
    { method: 'POST', headers: { 'content-type': 'application/json', ...(await authHeaders(gatewayUrl)) }, body: JSON.stringify({ inputVariables }) },
  );
  return { status: res.status, body: (await res.json()) as any };
}

/** GETs JSON from the local gateway, as its admin client. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers: await authHeaders(new URL(url).origin) });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * Takes a package off the running local gateway (every version unpublished, then the package
 * deleted), so a suite that published it leaves the gateway as the next suite expects. Nothing
 * when the gateway is not running or has no such package.
 */
export async function forgetLocalPackage(name: string): Promise<void> {
  const url = api().localGateway.url();
  if (!url) return;
  const client = localClient(url);
  const pkg = await client.getPackage(name).catch(() => undefined);
  if (!pkg) return;
  for (const v of pkg.versions) if (v.published) await client.unpublish(name, v.version);
  await client.deletePackage(name);
  await waitFor(`${name} gone from the local gateway`, async () => !(await client.getPackage(name).catch(() => undefined)));
}

/**
 * Puts a workspace file back as it was — in an open document (edited back and saved) and on disk —
 * and waits until the workspace model reads it so, for the suites after a test that edited it.
 */
export async function restoreFile(rel: string, text: string): Promise<void> {
  const u = uri(rel);
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString());
  if (doc && doc.getText() !== text) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(u, new vscode.Range(0, 0, doc.lineCount, 0), text);
    await vscode.workspace.applyEdit(edit);
  }
  if (doc?.isDirty) await doc.save();
  if ((await readText(rel)) !== text) await writeText(rel, text);
  await waitFor(`${rel} restored in the workspace model`, async () => (await api().workspaceModel()).file(rel)?.text === text);
}

/**
 * Answers the messages the extension shows while `run` runs with `pick(m)` (the label of the
 * button to press, or undefined to dismiss), through the extension's test-mode messages hook;
 * returns `run`'s value and the messages shown meanwhile.
 */
export async function answering<T>(pick: (m: ShownMessage) => string | undefined, run: () => PromiseLike<T>): Promise<{ value: T; shown: ShownMessage[] }> {
  const hook = api().messages.test;
  assert.ok(hook, 'the messages test hook is missing (not in test mode?)');
  const before = api().messages.shown().length;
  hook.answer(pick);
  try {
    const value = await run();
    return { value, shown: api().messages.shown().slice(before) };
  } finally {
    hook.answer(undefined);
  }
}
