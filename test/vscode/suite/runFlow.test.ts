// Run Flow: on the dev gateway (the local emulator, free port per run) with inputs given as the
// command's options; good inputs, refused inputs, a flow that fails, and the argument shapes of
// the Packages view (flow file URI) and the Gateways view (flow node).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, api, authHeaders, stopLocalGateway, uri, useTestPort } from './helpers';

interface RunResult {
  executionId: string;
  status: string;
  outputVariables: Record<string, unknown>;
  packageName: string;
  packageVersion: number;
}

const run = (target: unknown, inputs: Record<string, unknown>) =>
  vscode.commands.executeCommand<RunResult | undefined>('flowgate.runFlow', target, { inputs });

suite('run flow', () => {
  let gatewayUrl: string;

  suiteSetup(async () => {
    await activated();
    await useTestPort();
    const published = await vscode.commands.executeCommand<{ version: number; gatewayUrl: string }>('flowgate.publishToDevGateway', 'network-ops');
    assert.ok(published, 'could not publish network-ops');
    assert.equal(published.version, 1);
    gatewayUrl = published.gatewayUrl;
    assert.equal(api().localGateway.url(), gatewayUrl);
  });
  suiteTeardown(stopLocalGateway);

  test('Restart-Service by flow id with good inputs ends with its outputs', async () => {
    const result = await run({ flowId: 'network/core/Restart-Service' }, { device: '10.0.0.1' });
    assert.ok(result, 'runFlow returned nothing (it failed)');
    assert.equal(result.status, 'Ended');
    assert.equal(result.packageName, 'network-ops');
    assert.equal(result.packageVersion, 1);
    assert.equal(result.outputVariables.restarted, true);
    assert.equal(result.outputVariables.message, 'Restarted sshd on 10.0.0.1');
    assert.match(result.executionId, /\S/);
  });

  test('inputs of the wrong type are refused by the gateway: nothing runs', async () => {
    const before = await executionCount();
    assert.equal(await run({ flowId: 'network/core/Restart-Service' }, { device: 5, nope: 1 }), undefined);
    assert.equal(await executionCount(), before, 'an execution was started with invalid inputs');
  });

  test('a missing required input is refused', async () => {
    assert.equal(await run({ flowId: 'network/core/Restart-Service' }, {}), undefined);
  });

  test('a flow that fails (unreachable device) returns nothing and the execution is recorded as Error', async () => {
    assert.equal(await run({ flowId: 'network/core/Restart-Service' }, { device: '192.0.2.1' }), undefined);
    const list = await (await fetch(`${gatewayUrl}/api/v1/executions?flow=network/core/Restart-Service`, { headers: await authHeaders(gatewayUrl) })).json() as {
      executions: { status: string; inputs?: Record<string, unknown> }[];
    };
    assert.ok(list.executions.some((e) => e.status === 'Error'), JSON.stringify(list.executions.map((e) => e.status)));
  });

  test('a flow file URI (explorer / Packages view) runs that flow', async () => {
    const result = await run(uri('flows/network/core/Check-Reachability.flow.yaml'), { device: '192.0.2.4' });
    assert.ok(result, 'runFlow returned nothing');
    assert.equal(result.status, 'Ended');
    assert.equal(result.outputVariables.reachable, false);
    assert.equal(result.outputVariables.reason, 'no answer within 2 s');
  });

  test('a Gateways-view flow node runs on its gateway', async () => {
    const node = {
      type: 'gatewayFlow',
      gatewayUrl,
      packageName: 'network-ops',
      version: 1,
      flow: { id: 'network/core/Run-Command', name: 'Run-Command', inputs: {}, outputs: {} },
    };
    const result = await run(node, { device: 'a', command: 'ls' });
    assert.ok(result, 'runFlow returned nothing');
    assert.equal(result.status, 'Ended');
    assert.equal(result.outputVariables.exitCode, 0);
  });

  test('a flow that is not published is reported, nothing runs', async () => {
    assert.equal(await run({ flowId: 'network/core/No-Such-Flow' }, {}), undefined);
  });

  async function executionCount(): Promise<number> {
    const body = (await (await fetch(`${gatewayUrl}/api/v1/executions`, { headers: await authHeaders(gatewayUrl) })).json()) as { executions: unknown[] };
    return body.executions.length;
  }
});
