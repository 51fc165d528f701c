// One execution event stream per gateway, shared: two Running Executions panels of the same
// gateway (a version's and the gateway's) and a listener of the test share ONE stream of the local
// emulator; an execution started and stopped on the gateway reaches the listener as Running then
// Stopped; when the panels close and the listener goes, the stream closes (unless the Gateways
// tree, visible, still listens). And the typed guards of tree-node arguments: what a command
// accepts as a gateway, package, version or flow, and what it refuses.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExecutionSummary } from '../../../src/core/api/types';
import type { GatewayClient } from '../../../src/core/client/gatewayClient';
import {
  gatewayUrlOf,
  isGatewayFlowNode,
  isGatewayNode,
  isGatewayPackageNode,
  isGatewayVersionNode,
  isPackageRef,
  isVersionRef,
} from '../../../src/extension/gateways/nodes';
import { api, closeEditors, publishTestPackage, startTestGateway, stopTestGateway, versionNode, waitFor } from './helpers';

const PKG = 'fg-events-test';
const FLOW = 'tests/events/Wait';
const WAIT = `description: Waits a minute.
steps:
  - kind: wait
    seconds: 60
`;

suite('execution events', () => {
  let url: string;
  let client: GatewayClient;

  suiteSetup(async () => {
    ({ url, client } = await startTestGateway());
    await publishTestPackage(client, PKG, { [FLOW]: WAIT });
  });

  suiteTeardown(async () => {
    await client.unpublish(PKG, 1).catch(() => undefined);
    await stopTestGateway();
  });

  test('panels and a listener of one gateway share one stream; events reach the listener; the last one out closes it', async () => {
    const events = api().executionEvents;
    const streamOf = () => events.open().filter((s) => s.gatewayUrl === url);
    const treeListens = () => (events.treeWatches().includes(url) ? 1 : 0);

    await vscode.commands.executeCommand('flowgate.showRunningExecutions', versionNode(url, PKG, 1, true));
    await vscode.commands.executeCommand('flowgate.showGatewayExecutions', { gatewayUrl: url });
    assert.equal(streamOf().length, 1, `streams: ${JSON.stringify(events.open())}`);
    assert.equal(streamOf()[0].listeners, 2 + treeListens());

    const seen: ExecutionSummary[] = [];
    const states: string[] = [];
    const subscription = events.subscribe(url, { changed: (e) => seen.push(e), state: (s) => states.push(s.state) });
    try {
      assert.equal(streamOf().length, 1, 'a second stream was opened for the same gateway');
      assert.equal(streamOf()[0].listeners, 3 + treeListens());
      await waitFor('the stream to connect', () => states.includes('connected'));

      const started = await client.startExecution(FLOW, { packageName: PKG, packageVersion: 1, mode: 'async' });
      assert.equal(started.kind, 'started');
      const id = started.kind === 'started' ? started.started.executionId : '';
      await waitFor('the Running event', () => seen.some((e) => e.id === id && e.status === 'Running'));
      await client.stopExecution(id);
      await waitFor('the Stopped event', () => seen.some((e) => e.id === id && e.status === 'Stopped'));
      assert.equal(seen.find((e) => e.id === id)?.flow, FLOW);
    } finally {
      subscription.dispose();
      subscription.dispose(); // twice is once
    }
    await closeEditors();
    await waitFor('the panels to let go of the stream', () => (treeListens() ? streamOf()[0]?.listeners === 1 : streamOf().length === 0));
  });

  test('tree-node guards take the nodes the views pass and refuse others', () => {
    const version = versionNode(url, PKG, 1, true);
    assert.equal(isGatewayVersionNode(version), true);
    assert.equal(isGatewayVersionNode({ ...version, summary: undefined }), false, 'a version node without its summary');
    assert.equal(isGatewayVersionNode({ ...version, summary: { ...version.summary, version: '1' } }), false);
    assert.equal(isGatewayVersionNode({ type: 'draft', name: 'network-ops' }), false);
    assert.equal(isGatewayNode({ type: 'gateway', name: 'Local Emulator', url, local: true }), true);
    assert.equal(isGatewayNode({ type: 'gateway', url }), false, 'a gateway node without name and local');
    assert.equal(isGatewayPackageNode({ type: 'gatewayPackage', gatewayUrl: url, summary: { name: PKG, versions: [] } }), true);
    assert.equal(isGatewayPackageNode({ type: 'gatewayPackage', gatewayUrl: url }), false);
    const flow = { type: 'gatewayFlow', gatewayUrl: url, packageName: PKG, version: 1, flow: { id: FLOW, inputs: {} } };
    assert.equal(isGatewayFlowNode(flow), true);
    assert.equal(isGatewayFlowNode({ ...flow, flow: undefined }), false);
    assert.equal(isGatewayFlowNode({ ...flow, version: 0 }), false);
    assert.equal(isGatewayFlowNode([flow]), false, 'a list of nodes');
    assert.equal(isVersionRef({ gatewayUrl: url, packageName: PKG, version: 2 }), true);
    assert.equal(isVersionRef({ gatewayUrl: url, packageName: PKG }), false);
    assert.equal(isVersionRef({ packageName: 'x'.repeat(1000), version: 1 }), false, 'an unbounded package name');
    assert.equal(isPackageRef({ packageName: PKG, gatewayUrl: 42 }), false);
    assert.equal(gatewayUrlOf(version), url);
    assert.equal(gatewayUrlOf('http://x'), undefined);
    assert.equal(gatewayUrlOf(undefined), undefined);
  });

  test('a version command given a half-built node uses the reference it carries (no crash on the missing summary)', async () => {
    // Not a version node (no summary), but a { gatewayUrl, packageName, version } reference: the
    // command works on that version, where reading node.summary.version used to throw.
    const half = { type: 'gatewayVersion', gatewayUrl: url, packageName: PKG, version: 1 };
    const state = await vscode.commands.executeCommand<{ defaultVersion: number | null } | undefined>('flowgate.setDefaultVersion', half);
    assert.equal(state?.defaultVersion, 1, `answer: ${JSON.stringify(state)}`);
    const pkg = await client.getPackage(PKG);
    assert.equal(pkg.defaultIsExplicit, true);
  });
});
