// A hostile gateway in flowgate.gateways (a fake HTTP server in the extension host, no credentials):
// garbage and hostile promotion answers — malformed imports, an import id that is a path trick, a
// made-up status, control characters, an endless history — must not break the Gateways view, put
// such an id into a command, let a made-up status key a status menu, or make any command send it a
// write.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { GatewayImportNode, GatewayImportsNode, GatewaysNode, GatewayVersionNode } from '../../../src/extension/gateways/gatewaysTree';
import { activated, api } from './helpers';
import { useGatewaysSetting } from './privateGateway';

const GOOD = { id: 'imp_good-1', source: 'dev', name: 'evil', version: 1, status: 'APPLIED', pulledAt: '2026-01-01T00:00:00Z', pulledBy: 'admin', signer: 'k'.repeat(43), contentDigest: 'a'.repeat(64), sourceNotified: true };

const ANSWERS: Record<string, unknown> = {
  '/api/v1/packages': {
    packages: [
      {
        name: 'evil',
        isDefault: false,
        defaultVersion: null,
        defaultIsExplicit: false,
        versions: [{ version: 1, status: 'PWNED\nline two', published: false, isDefault: false, uploadedAt: 'x', contentDigest: 'x' }],
      },
    ],
  },
  '/api/v1/sources': { sources: [{ name: 'dev\u0007\u001b[31m', url: 'http://127.0.0.1:1', trustedKeys: [] }, 'garbage', null] },
  '/api/v1/imports': {
    imports: [
      GOOD,
      { ...GOOD, id: '../../packages/evil/versions/1/delete', status: 'OPEN' },
      { ...GOOD, id: 'imp_bad-status', status: 'PWNED' },
      { ...GOOD, id: 'imp_no-fields' , pulledAt: undefined },
      'a string',
      null,
      [1, 2],
    ],
  },
  '/api/v1/packages/evil/versions/1/history': {
    name: 'evil',
    version: 1,
    status: 'ACCEPTED',
    targets: [{ target: 'qa\nforged', status: 'PROMOTED', at: 'x' }, 'junk'],
    history: Array.from({ length: 5000 }, (_, i) => ({ id: `e${i}`, event: 'REJECTED', target: 'qa', at: `t${i}`, by: 'mallory\u0000', reason: 'r\n'.repeat(500), recordedAt: 'x' })),
  },
};

suite('promotion: a hostile gateway', () => {
  let server: http.Server;
  let url: string;
  const requests: string[] = [];
  let restore: (() => Promise<void>) | undefined;

  suiteSetup(async () => {
    await activated();
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const path = (req.url ?? '').split('?')[0];
      const body = req.method === 'GET' ? ANSWERS[path] : undefined;
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: { code: 'not-found', message: 'no' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    restore = await useGatewaysSetting([{ name: 'hostile', url }]);
  });

  suiteTeardown(async () => {
    await restore?.();
    await new Promise((resolve) => server.close(resolve));
  });

  async function gatewayChildren(): Promise<GatewaysNode[]> {
    const gw = (await api().gatewaysTree.children()).find((n) => n.type === 'gateway' && n.url === url);
    assert.ok(gw, 'no node for the hostile gateway');
    return api().gatewaysTree.children(gw);
  }

  test('the Imports node shows only the well-formed import; sources cleaned of control characters', async () => {
    const imports = (await gatewayChildren()).find((n): n is GatewayImportsNode => n.type === 'gatewayImports');
    assert.ok(imports, 'no Imports node');
    assert.deepEqual(imports.sources, ['dev [31m']);
    const children = await api().gatewaysTree.children(imports);
    assert.deepEqual(
      children.map((c) => (c as GatewayImportNode).summary?.id),
      ['imp_good-1'],
    );
    const item = api().gatewaysTree.item(children[0]);
    assert.deepEqual(item.command?.arguments, [{ gatewayUrl: url, importId: 'imp_good-1' }]);
  });

  test('a made-up version status keys no status menu and stays on one line; an endless history is cut to the latest events', async () => {
    const pkg = (await gatewayChildren()).find((n) => n.type === 'gatewayPackage');
    assert.ok(pkg);
    const version = (await api().gatewaysTree.children(pkg)).find((n): n is GatewayVersionNode => n.type === 'gatewayVersion');
    assert.ok(version);
    const item = api().gatewaysTree.item(version);
    assert.equal(item.contextValue, 'flowgate.gatewayVersion.unpublished.unknown');
    assert.doesNotMatch(String(item.description), /\n/);
    const tooltip = (await api().gatewaysTree.tooltip(version)) ?? '';
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(tooltip, /[\u0000-\u0009\u000b-\u001f]/, 'a control character reached the tooltip');
    const lines = tooltip.split('\n');
    assert.ok(lines.length < 40, `${lines.length} tooltip lines`);
    assert.ok(tooltip.length < 20_000, `${tooltip.length} characters of tooltip`);
    assert.match(tooltip, /t4999 — REJECTED on qa by mallory/);
    assert.doesNotMatch(tooltip, /t0 — /);
    assert.match(tooltip, /Targets: qa forged: PROMOTED/);
  });

  test('commands given the path-trick import refuse it and write nothing to the gateway', async () => {
    const trick = { type: 'gatewayImport', gatewayUrl: url, summary: { ...GOOD, id: '../../packages/evil/versions/1/delete', status: 'OPEN' } };
    const mismatched = { type: 'gatewayImport', gatewayUrl: url, importId: '../../x', summary: { ...GOOD, status: 'OPEN' } };
    assert.equal(await vscode.commands.executeCommand('flowgate.applyImport', mismatched, { confirmed: true }), undefined);
    // Not an import node: the commands fall back to the gateway's OPEN imports, of which it has no well-formed one.
    assert.equal(await vscode.commands.executeCommand('flowgate.applyImport', trick, { confirmed: true }), undefined);
    assert.equal(await vscode.commands.executeCommand('flowgate.rejectImport', trick, 'no'), undefined);
    assert.equal(await vscode.commands.executeCommand('flowgate.applyImport', { gatewayUrl: url, importId: '../x' }, { confirmed: true }), undefined);
    assert.deepEqual(requests.filter((r) => !r.startsWith('GET ')), [], 'a command wrote to the hostile gateway');
    assert.ok(!requests.some((r) => r.includes('..') || r.includes('%2F')), `a request carried the trick: ${requests.join(', ')}`);
  });
});
