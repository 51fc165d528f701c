// Promotion in the real VS Code against two real emulators: dev, and qa with dev as its promotion
// source (dev's local-admin client, dev's signing key trusted). Through the commands: Promote to
// Gateway… (qa pulls: OPEN on qa, ACCEPTED on dev), Apply Import (APPLIED on qa, PROMOTED on dev),
// Reject Import… (REJECTED on both, with the reason), Withdraw Version, Validate Against Gateway…
// (the gateway's collection in the Problems panel) — each checked on the gateways and on what the
// Gateways view shows (badges, the per-target history tooltip, the Imports node).
import * as assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildPackageFile } from '../../../src/core/package/packageFile';
import { signPackageFile } from '../../../src/core/package/signature';
import { defaultGatewayConfigText } from '../../../src/core/gatewayConfig/schema';
import type { GatewayImportNode, GatewayImportsNode, GatewaysNode, GatewayVersionNode } from '../../../src/extension/gateways/gatewaysTree';
import { activated, api, closeEditors, testPackage, uri, waitFor, writeText } from './helpers';
import { startPrivateGateway, useGatewaysSetting, type PrivateGateway } from './privateGateway';

const PKG = 'promo-pkg';
const FLOWS = { 'promo/Hello': 'description: Says hello.\nsteps:\n  - kind: log\n    message: hello\n' };

function childrenOf(node?: GatewaysNode): Promise<GatewaysNode[]> {
  return api().gatewaysTree.children(node);
}

async function gatewayNode(url: string): Promise<GatewaysNode> {
  const node = (await childrenOf()).find((n) => n.type === 'gateway' && n.url === url);
  assert.ok(node, `no gateway node for ${url}`);
  return node;
}

/** The version node of `PKG` `version` on the gateway at `url`, as the view has it now. */
async function versionOf(url: string, version: number): Promise<GatewayVersionNode | undefined> {
  const pkg = (await childrenOf(await gatewayNode(url))).find((n) => n.type === 'gatewayPackage' && n.summary.name === PKG);
  if (!pkg) return undefined;
  return (await childrenOf(pkg)).find((n): n is GatewayVersionNode => n.type === 'gatewayVersion' && n.summary.version === version);
}

async function importsOf(url: string): Promise<GatewayImportsNode | undefined> {
  return (await childrenOf(await gatewayNode(url))).find((n): n is GatewayImportsNode => n.type === 'gatewayImports');
}

async function importNode(url: string, version: number): Promise<GatewayImportNode | undefined> {
  const imports = await importsOf(url);
  if (!imports) return undefined;
  return (await childrenOf(imports)).find((n): n is GatewayImportNode => n.type === 'gatewayImport' && n.summary.name === PKG && n.summary.version === version);
}

/** Waits until the view shows `PKG` `version` on `url` with `status` as its badge; answers the node. */
async function versionWithStatus(url: string, version: number, status: string): Promise<GatewayVersionNode> {
  return waitFor(`${PKG} v${version} ${status} on ${url}`, async () => {
    const node = await versionOf(url, version);
    return node && node.summary.status === status ? node : undefined;
  });
}

/** The package file signed with `dataDir`'s gateway key (what the gateway does to what is submitted to it). */
async function signedBy(dataDir: string, bytes: Uint8Array): Promise<Uint8Array> {
  const file = JSON.parse(fs.readFileSync(path.join(dataDir, 'signing', 'package-key.json'), 'utf8')) as { keys: { kid: string; x: string; d: string; current: boolean }[] };
  const k = file.keys.find((x) => x.current)!;
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x, d: k.d }, format: 'jwk' });
  return signPackageFile(bytes, { kid: k.kid, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: k.x }, privateKey });
}

suite('promotion: dev → qa through the commands', () => {
  let dev: PrivateGateway;
  let qa: PrivateGateway;
  let restoreSetting: (() => Promise<void>) | undefined;

  suiteSetup(async function () {
    this.timeout(120_000);
    await activated();
    dev = await startPrivateGateway('dev', defaultGatewayConfigText([]));
    const creds = JSON.parse(fs.readFileSync(dev.credentialsFile, 'utf8')) as { client_id: string; client_secret: string };
    const keys = (await (await fetch(`${dev.url}/api/v1/gateway/keys`)).json()) as { keys: { kid: string; current: boolean }[] };
    const kid = keys.keys.find((k) => k.current)!.kid;
    qa = await startPrivateGateway(
      'qa',
      defaultGatewayConfigText([]) +
        ['promotion:', '  sources:', '    - name: dev', `      url: ${JSON.stringify(dev.url)}`, `      clientId: ${JSON.stringify(creds.client_id)}`, `      clientSecret: ${JSON.stringify(creds.client_secret)}`, `      trustedKeys: [${JSON.stringify(kid)}]`, ''].join('\n'),
    );
    restoreSetting = await useGatewaysSetting([
      { name: 'dev', url: dev.url, credentialsFile: dev.credentialsFile },
      { name: 'qa', url: qa.url, credentialsFile: qa.credentialsFile },
    ]);
    // Submitted to dev, signed with dev's key.
    for (const version of [1, 2, 3]) await dev.admin.uploadPackage(await signedBy(dev.dataDir, await testPackage(PKG, version, FLOWS)));
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    await closeEditors();
    await restoreSetting?.();
    await qa?.stop();
    await dev?.stop();
  });

  test('the view: versions of dev show SUBMITTED; qa, which has a source, shows an empty Imports node; dev none', async () => {
    const v1 = await versionWithStatus(dev.url, 1, 'SUBMITTED');
    const item = api().gatewaysTree.item(v1);
    assert.match(String(item.description), /^SUBMITTED · /);
    assert.equal(item.contextValue, 'flowgate.gatewayVersion.unpublished.submitted');
    assert.match((await api().gatewaysTree.tooltip(v1)) ?? '', /No target has pulled it yet/);
    const imports = await importsOf(qa.url);
    assert.ok(imports, 'qa has no Imports node');
    assert.deepEqual(imports.sources, ['dev']);
    const children = await childrenOf(imports);
    assert.equal(children.length, 1);
    assert.match(children[0].type === 'message' ? children[0].text : '', /Nothing pulled yet/);
    assert.equal(await importsOf(dev.url), undefined, 'dev, with no sources and no imports, shows an Imports node');
  });

  test('Promote to Gateway…: qa pulls v1 — OPEN import on qa, ACCEPTED on dev with qa in its history; a second promote changes nothing', async () => {
    const v1 = await versionWithStatus(dev.url, 1, 'SUBMITTED');
    const result = await vscode.commands.executeCommand<{ id: string; status: string; created: boolean; targetUrl: string }>('flowgate.promoteToGateway', v1, qa.url);
    assert.ok(result, 'the command failed');
    assert.equal(result.status, 'OPEN');
    assert.equal(result.created, true);
    assert.equal(result.targetUrl, qa.url);
    assert.equal((await qa.admin.getImport(result.id)).status, 'OPEN');

    const accepted = await versionWithStatus(dev.url, 1, 'ACCEPTED');
    assert.match(String(api().gatewaysTree.item(accepted).description), /^ACCEPTED/);
    assert.equal(api().gatewaysTree.item(accepted).contextValue, 'flowgate.gatewayVersion.unpublished.accepted');
    const tooltip = (await api().gatewaysTree.tooltip(accepted)) ?? '';
    assert.match(tooltip, /Targets: qa: ACCEPTED/);
    assert.match(tooltip, /ACCEPTED on qa by /);

    const node = await importNode(qa.url, 1);
    assert.ok(node, 'qa shows no import of v1');
    assert.equal(node.summary.status, 'OPEN');
    const item = api().gatewaysTree.item(node);
    assert.equal(item.description, 'OPEN · from dev');
    assert.equal(item.contextValue, 'flowgate.gatewayImport.open');
    assert.deepEqual(item.command?.command, 'flowgate.reviewImport');
    assert.deepEqual(item.command?.arguments, [{ gatewayUrl: qa.url, importId: result.id }]);
    assert.match(String(api().gatewaysTree.item((await importsOf(qa.url))!).description), /^1 open · 1 import · from dev$/);
    // Clicking the row (its command) and the context menu (the node as argument) open its Review Import page.
    const clicked = await vscode.commands.executeCommand<{ key: string }>(item.command!.command, ...(item.command!.arguments ?? []));
    assert.ok(clicked && api().panels.review(clicked.key), 'the click opened no Review Import page');
    const fromMenu = await vscode.commands.executeCommand<{ key: string }>('flowgate.reviewImport', node);
    assert.equal(fromMenu?.key, clicked.key);
    await closeEditors();

    const again = await vscode.commands.executeCommand<{ id: string; created: boolean }>('flowgate.promoteToGateway', { gatewayUrl: dev.url, packageName: PKG, version: 1 }, { targetUrl: qa.url });
    assert.equal(again?.created, false);
    assert.equal(again?.id, result.id);
    assert.equal((await qa.admin.listImports()).imports.length, 1);
  });

  test('Promote to Gateway… to a gateway that does not pull from dev is refused; nothing is pulled', async () => {
    // dev does not list qa as a source: promoting from qa to dev has no target.
    assert.equal(await vscode.commands.executeCommand('flowgate.promoteToGateway', { gatewayUrl: qa.url, packageName: PKG, version: 1 }, dev.url), undefined);
    assert.equal(await vscode.commands.executeCommand('flowgate.promoteToGateway', { gatewayUrl: dev.url, packageName: PKG, version: 2 }, dev.url), undefined);
    assert.deepEqual((await qa.admin.listImports()).imports.map((i) => i.version), [1]);
  });

  test('Apply Import: APPLIED on qa (the version and its definitions there), PROMOTED on dev', async () => {
    const node = await importNode(qa.url, 1);
    assert.ok(node);
    const applied = await vscode.commands.executeCommand<{ status: string; changed: boolean }>('flowgate.applyImport', node, { confirmed: true });
    assert.ok(applied, 'the command failed');
    assert.equal(applied.status, 'APPLIED');
    assert.equal(applied.changed, true);
    assert.equal((await qa.admin.getVersion(PKG, 1)).status, 'APPLIED');
    assert.ok((await qa.admin.listDefinitions()).definitions.some((d) => d.id === 'promo/Hello'), 'the flow is not in qa\'s repository');

    const appliedNode = await versionWithStatus(qa.url, 1, 'APPLIED');
    assert.match(String(api().gatewaysTree.item(appliedNode).description), /^APPLIED/);
    const closed = await importNode(qa.url, 1);
    assert.equal(closed?.summary.status, 'APPLIED');
    assert.equal(api().gatewaysTree.item(closed!).contextValue, 'flowgate.gatewayImport.applied');

    const promoted = await versionWithStatus(dev.url, 1, 'PROMOTED');
    assert.match((await api().gatewaysTree.tooltip(promoted)) ?? '', /Targets: qa: PROMOTED[\s\S]*PROMOTED on qa by /);
    // Applying again: nothing changes (the import is no longer OPEN).
    const twice = await vscode.commands.executeCommand<{ changed: boolean }>('flowgate.applyImport', { gatewayUrl: qa.url, importId: node.summary.id }, { confirmed: true });
    assert.equal(twice?.changed, false);
  });

  test('Reject Import…: a reason is required; with one, REJECTED on qa and on dev, the reason in dev\'s history', async () => {
    const v2 = await versionWithStatus(dev.url, 2, 'SUBMITTED');
    const pulled = await vscode.commands.executeCommand<{ id: string }>('flowgate.promoteToGateway', v2, qa.url);
    assert.ok(pulled);
    const node = await waitFor('the OPEN import of v2', () => importNode(qa.url, 2));
    assert.equal(await vscode.commands.executeCommand('flowgate.rejectImport', node, '   '), undefined, 'an empty reason was accepted');
    assert.equal(await vscode.commands.executeCommand('flowgate.rejectImport', node, 'two\nlines'), undefined, 'a reason with a line break was accepted');
    assert.equal((await qa.admin.getImport(pulled.id)).status, 'OPEN');

    const rejected = await vscode.commands.executeCommand<{ status: string; reason: string }>('flowgate.rejectImport', node, 'the flow needs a runbook first');
    assert.equal(rejected?.status, 'REJECTED');
    assert.equal(rejected?.reason, 'the flow needs a runbook first');
    assert.equal((await importNode(qa.url, 2))?.summary.status, 'REJECTED');
    const onDev = await versionWithStatus(dev.url, 2, 'REJECTED');
    assert.match((await api().gatewaysTree.tooltip(onDev)) ?? '', /REJECTED on qa by .* — reason: the flow needs a runbook first/);
    // Apply of a rejected import: refused (nothing OPEN to apply), qa stays without v2.
    const applied = await vscode.commands.executeCommand<{ changed: boolean }>('flowgate.applyImport', { gatewayUrl: qa.url, importId: pulled.id }, { confirmed: true });
    assert.equal(applied?.changed ?? false, false);
    await assert.rejects(qa.admin.getVersion(PKG, 2));
  });

  test('Withdraw Version: a SUBMITTED version no target pulled is withdrawn (no longer offered); a pulled one is refused', async () => {
    const v3 = await versionWithStatus(dev.url, 3, 'SUBMITTED');
    assert.equal(api().gatewaysTree.item(v3).contextValue, 'flowgate.gatewayVersion.unpublished.submitted');
    await vscode.commands.executeCommand('flowgate.withdrawVersion', v3, { confirmed: true });
    const withdrawn = await waitFor('v3 withdrawn on dev', async () => {
      const node = await versionOf(dev.url, 3);
      return node && node.summary.status !== 'SUBMITTED' ? node : undefined;
    });
    assert.equal(withdrawn.summary.status, 'OPEN');
    assert.match((await api().gatewaysTree.tooltip(withdrawn)) ?? '', /WITHDRAWN by /);
    assert.ok(!(await qa.admin.sourcePackages('dev')).versions.some((v) => v.version === 3), 'qa is still offered v3');
    // v1 was pulled (PROMOTED): refused, unchanged.
    assert.equal(await vscode.commands.executeCommand('flowgate.withdrawVersion', { gatewayUrl: dev.url, packageName: PKG, version: 1 }, { confirmed: true }), undefined);
    assert.equal((await dev.admin.getVersion(PKG, 1)).status, 'PROMOTED');
  });

  test('Validate Against Gateway…: what qa lacks goes to its own Problems collection at the referencing step; gone once qa has it', async () => {
    const draft = 'packages/promo-remote.package.yaml';
    const flowFile = 'flows/network/inventory/Get-Gateway-Status.flow.yaml';
    await writeText(draft, 'name: promo-remote\nversion: 1\ndefinitions:\n  flows:\n    - network/inventory/Get-Gateway-Status\n  connections: []\n');
    try {
      await vscode.commands.executeCommand('flowgate.refreshPackages');
      await waitFor('the draft in the model', async () => (await api().workspaceModel()).drafts().has('promo-remote'));
      const first = await vscode.commands.executeCommand<{ gateway: string; missing: { kind: string; id: string }[]; shown: Record<string, string[]> }>(
        'flowgate.validateAgainstGateway',
        'promo-remote',
        qa.url,
      );
      assert.ok(first, 'the command failed');
      assert.equal(first.gateway, 'qa');
      assert.deepEqual(first.missing, [{ kind: 'connection', id: 'local-gateway' }]);
      const fromQa = () => vscode.languages.getDiagnostics(uri(flowFile)).filter((d) => d.source === 'flowgate (gateway qa)');
      const shown = fromQa();
      assert.equal(shown.length, 1, JSON.stringify(vscode.languages.getDiagnostics(uri(flowFile))));
      assert.equal(shown[0].severity, vscode.DiagnosticSeverity.Error);
      assert.match(shown[0].message, /connection 'local-gateway' is not in the package and not on gateway qa/);
      assert.equal(shown[0].range.start.line, 10, 'not at the http step\'s connection (line 11)');

      // qa gets the connection (an upload puts its definitions into the repository): validated again, nothing is left.
      const { bytes } = await buildPackageFile({
        name: 'promo-connections',
        version: 1,
        createdBy: 'flowgate-vscode-tests/0.1.0',
        definitions: [{ kind: 'connection', id: 'local-gateway', text: 'baseUrl: http://127.0.0.1:8722\n' }],
      });
      await qa.admin.uploadPackage(bytes);
      const second = await vscode.commands.executeCommand<{ missing: unknown[] }>('flowgate.validateAgainstGateway', 'promo-remote', { gatewayUrl: qa.url });
      assert.deepEqual(second?.missing, []);
      assert.deepEqual(fromQa(), []);
    } finally {
      await vscode.workspace.fs.delete(uri(draft)).then(undefined, () => undefined);
      await vscode.commands.executeCommand('flowgate.refreshPackages');
    }
  });
});
