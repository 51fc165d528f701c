// The Gateways view's version actions through their commands, against the local emulator the
// extension starts (free port per run): import from a file, publish, unpublish, default version,
// default package, export, Create New Version, a refused call, and the Running Executions panel.
// The gateway's state is read back with core's GatewayClient. Uses its own package
// (`fg-actions-test`) so the sample's `network-ops` stays as the other suites expect it, and leaves
// every version of it unpublished.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { GatewayClient } from '../../../src/core/client/gatewayClient';
import { readPackageFile } from '../../../src/core/package/packageFile';
import { authHeaders, startTestGateway, stopTestGateway, testPackage, versionNode as node, waitFor } from './helpers';

const PKG = 'fg-actions-test';

const flow = (description: string, message: string) => `description: ${description}
steps:
  - kind: log
    message: ${message}
`;

const A1 = flow('A, first content', 'a-one');
const A2 = flow('A, second content', 'a-two');
const EXTRA = flow('Only in version 1', 'extra');
const B = flow('Only in version 2', 'b');

async function packageFile(dir: string, version: number, flows: Record<string, string>): Promise<vscode.Uri> {
  const file = path.join(dir, `${PKG}-${version}.fgpkg`);
  fs.writeFileSync(file, await testPackage(PKG, version, flows));
  return vscode.Uri.file(file);
}

/** A Gateways-view version node of our package, as the tree passes it to a command. */
const versionNode = (gatewayUrl: string, version: number, published: boolean) => node(gatewayUrl, PKG, version, published);

suite('gateway actions', () => {
  let url: string;
  let client: GatewayClient;
  let tmp: string;

  suiteSetup(async () => {
    ({ url, client } = await startTestGateway());
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-actions-'));
  });

  suiteTeardown(async () => {
    // Leave nothing of ours published for the suites that follow.
    try {
      const pkg = await client.getPackage(PKG);
      for (const v of pkg.versions.filter((x) => x.published)) await client.unpublish(PKG, v.version);
    } catch {
      /* not there */
    }
    await stopTestGateway();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('Import from File uploads version 1 without publishing it', async () => {
    const file = await packageFile(tmp, 1, { 'tests/actions/A': A1, 'tests/actions/Extra': EXTRA });
    const result = await vscode.commands.executeCommand<{ name: string; version: number; created: boolean; published: boolean }>(
      'flowgate.importPackageFile',
      { type: 'gateway', name: 'Local Emulator', url, local: true },
      file,
      { publish: false },
    );
    assert.ok(result, 'import returned nothing (it failed)');
    assert.deepEqual([result.name, result.version, result.created, result.published], [PKG, 1, true, false]);
    const pkg = await client.getPackage(PKG);
    assert.deepEqual(pkg.versions.map((v) => [v.version, v.published]), [[1, false]]);
  });

  test('Publish from the version node publishes it and it becomes the implicit default version', async () => {
    const state = await vscode.commands.executeCommand<{ defaultVersion: number | null }>('flowgate.publishVersion', versionNode(url, 1, false));
    assert.ok(state, 'publish returned nothing (it failed)');
    const pkg = await client.getPackage(PKG);
    assert.deepEqual(pkg.versions.map((v) => [v.version, v.published]), [[1, true]]);
    assert.equal(pkg.defaultVersion, 1);
    assert.equal(pkg.defaultIsExplicit, false);
  });

  test('Import from File with publish: version 2 is published and the newest published is the default', async () => {
    const file = await packageFile(tmp, 2, { 'tests/actions/A': A2, 'tests/actions/B': B });
    const result = await vscode.commands.executeCommand<{ version: number; published: boolean }>('flowgate.importPackageFile', { gatewayUrl: url }, file, { publish: true });
    assert.ok(result, 'import returned nothing (it failed)');
    assert.equal(result.version, 2);
    assert.equal(result.published, true);
    const pkg = await client.getPackage(PKG);
    assert.deepEqual(pkg.versions.map((v) => [v.version, v.published]).sort(), [[1, true], [2, true]]);
    assert.equal(pkg.defaultVersion, 2);
    assert.equal(pkg.defaultIsExplicit, false);
  });

  test('Set As Default Version makes version 1 the explicit default', async () => {
    await vscode.commands.executeCommand('flowgate.setDefaultVersion', versionNode(url, 1, true));
    const pkg = await client.getPackage(PKG);
    assert.equal(pkg.defaultVersion, 1);
    assert.equal(pkg.defaultIsExplicit, true);
  });

  test('Unpublish of the explicit default leaves the package without a default version', async () => {
    await vscode.commands.executeCommand('flowgate.unpublishVersion', versionNode(url, 1, true), { confirmed: true });
    const pkg = await client.getPackage(PKG);
    assert.deepEqual(pkg.versions.map((v) => [v.version, v.published]).sort(), [[1, false], [2, true]]);
    assert.equal(pkg.defaultVersion, null);
  });

  test('Set As Default Package from the package node makes it the default package', async () => {
    const summary = await client.getPackage(PKG);
    await vscode.commands.executeCommand('flowgate.setDefaultPackage', { type: 'gatewayPackage', gatewayUrl: url, summary });
    const pkg = await client.getPackage(PKG);
    assert.equal(pkg.isDefault, true);
  });

  test('a refused call ends with no result and changes nothing (unknown version)', async () => {
    const result = await vscode.commands.executeCommand('flowgate.publishVersion', { gatewayUrl: url, packageName: PKG, version: 99 });
    assert.equal(result, undefined);
    const pkg = await client.getPackage(PKG);
    assert.deepEqual(pkg.versions.map((v) => v.version).sort(), [1, 2]);
  });

  test('Export writes the version as a .fgpkg that reads back as the same name and version', async () => {
    const target = vscode.Uri.file(path.join(tmp, 'exported.fgpkg'));
    const written = await vscode.commands.executeCommand<vscode.Uri>('flowgate.exportVersion', versionNode(url, 2, true), target);
    assert.ok(written, 'export returned nothing (it failed)');
    assert.equal(written.fsPath, target.fsPath);
    const bytes = new Uint8Array(fs.readFileSync(target.fsPath));
    assert.deepEqual(bytes, await client.downloadVersion(PKG, 2));
    const contents = await readPackageFile(bytes);
    assert.equal(contents.manifest.name, PKG);
    assert.equal(contents.manifest.version, 2);
    assert.deepEqual(contents.manifest.definitions.map((d) => d.id).sort(), ['tests/actions/A', 'tests/actions/B']);
  });

  test('Create New Version from version 1: remove Extra, update A to the repository, add B', async () => {
    // The emulator's new-version route may be added in parallel: wait for it to exist.
    await waitFor(
      'the new-version route',
      async () => {
        const res = await fetch(`${url}/api/v1/packages/${PKG}/versions/999/new-version`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await authHeaders(url)) }, body: '{}' });
        const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
        return res.status !== 404 || body.error?.code !== 'not-found';
      },
      20_000,
    );
    const v1 = await client.getVersion(PKG, 1);
    const repository = (await client.listDefinitions()).definitions;
    const repoA = repository.find((d) => d.kind === 'flow' && d.id === 'tests/actions/A');
    assert.ok(repoA, 'A is not in the repository');
    assert.notEqual(repoA.sha256, v1.definitions.find((d) => d.id === 'tests/actions/A')?.sha256, 'A of v1 should differ from the repository');

    const created = await vscode.commands.executeCommand<{ version: number }>('flowgate.createNewVersion', versionNode(url, 1, false), {
      remove: [{ kind: 'flow', id: 'tests/actions/Extra' }],
      update: [{ kind: 'flow', id: 'tests/actions/A' }],
      add: [{ kind: 'flow', id: 'tests/actions/B' }],
    });
    assert.ok(created, 'createNewVersion returned nothing (it failed)');
    assert.equal(created.version, 3);
    const v3 = await client.getVersion(PKG, 3);
    assert.equal(v3.published, false);
    assert.deepEqual(v3.definitions.map((d) => d.id).sort(), ['tests/actions/A', 'tests/actions/B']);
    assert.equal(v3.definitions.find((d) => d.id === 'tests/actions/A')?.sha256, repoA.sha256);
  });

  test('Show Running Executions opens one panel per version; showing it again reveals the same one', async () => {
    const tabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === `Executions: ${PKG} v2`);
    const shown = await vscode.commands.executeCommand<{ key: string; scope: { packageName: string; packageVersion: number; gatewayUrl: string } }>(
      'flowgate.showRunningExecutions',
      versionNode(url, 2, true),
    );
    assert.ok(shown, 'showRunningExecutions returned nothing (it failed)');
    assert.equal(shown.scope.packageName, PKG);
    assert.equal(shown.scope.packageVersion, 2);
    assert.equal(shown.scope.gatewayUrl, url);
    await waitFor('the panel tab', () => tabs().length === 1);
    await vscode.commands.executeCommand('flowgate.showRunningExecutions', { gatewayUrl: url, packageName: PKG, version: 2 });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(tabs().length, 1, 'a second panel was opened for the same version');
    const gateway = await vscode.commands.executeCommand<{ scope: { packageName?: string } }>('flowgate.showGatewayExecutions', { gatewayUrl: url });
    assert.ok(gateway, 'showGatewayExecutions returned nothing (it failed)');
    assert.equal(gateway.scope.packageName, undefined);
    await waitFor('the gateway panel tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Executions: Local Emulator'),
    );
  });
});
