/**
 * Remote validation in core: the request a draft makes (outside references after its replacements,
 * the secrets of its connections) and the answer turned into local validation's diagnostics, at
 * the referencing step or connection. The answer here is written by hand; test/emulator/remoteValidate.test.ts
 * asks a real gateway.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RemoteValidateRequest, RemoteValidateResponse } from '../../src/core/api/types';
import { mergeRemoteDiagnostics, remoteValidationPlan, validateAgainstGateway } from '../../src/core/validate/remoteValidate';
import { validatePackage } from '../../src/core/validate/validate';
import { Workspace } from '../../src/core/workspace/workspace';

const MAIN = [
  'steps:',
  '  - kind: http',
  '    connection: local-gateway',
  '    method: GET',
  '    path: /x',
  '  - kind: if',
  '    condition: true',
  '    then:',
  '      - kind: run-flow',
  '        flow: ops/Notify-Dev',
  '  - kind: run-flow',
  '    flow: ops/Helper',
  '',
].join('\n');

function workspace(draftExtra = '', files: Record<string, string> = {}): Workspace {
  const ws = new Workspace();
  ws.setFile('flows/ops/Main.flow.yaml', MAIN);
  ws.setFile('flows/ops/Helper.flow.yaml', 'steps:\n  - kind: log\n    message: hi\n');
  ws.setFile('connections/local-gateway.connection.yaml', 'baseUrl: http://127.0.0.1:8722\nauth:\n  type: bearer\n  secret: LOCAL_TOKEN\n');
  ws.setFile('connections/crm.connection.yaml', 'baseUrl: https://crm.example\nauth:\n  type: basic\n  username: u\n  secret: CRM_TOKEN\n');
  for (const [p, t] of Object.entries(files)) ws.setFile(p, t);
  ws.setFile(
    'packages/ops.package.yaml',
    ['name: ops', 'version: 1', 'definitions:', '  flows:', '    - ops/Main', '    - ops/Helper', '  connections:', '    - crm', draftExtra].join('\n'),
  );
  return ws;
}

const REPLACE = ['replacements:', '  - kind: flow', '    from: ops/Notify-Dev', '    to: ops/Notify-Ops', '  - kind: connection', '    from: local-gateway', '    to: inventory-prod', ''].join('\n');

test('the request: outside references after the replacements, the secrets of the package\'s connections, the package', () => {
  const plan = remoteValidationPlan(workspace(REPLACE), 'ops');
  assert.deepEqual(plan.problems, []);
  assert.deepEqual(plan.request, {
    references: [
      { kind: 'connection', id: 'inventory-prod' },
      { kind: 'flow', id: 'ops/Notify-Ops' },
    ],
    secrets: [{ connection: 'crm', secret: 'CRM_TOKEN' }],
    package: 'ops',
  });
  // Where each is made: the step's value in the flow file (0-based), the connection's auth.secret.
  const notify = plan.references.get('flow:ops/Notify-Ops')!;
  assert.deepEqual(notify.sites.map((s) => [s.file, s.range.start.line, s.range.start.character, s.replacing]), [['flows/ops/Main.flow.yaml', 9, 14, 'ops/Notify-Dev']]);
  assert.equal(plan.secrets[0].file, 'connections/crm.connection.yaml');
  assert.equal(plan.secrets[0].range.start.line, 4);
});

test('a reference the package carries (also by a replacement of a listed definition) is not asked about', () => {
  const ws = workspace(
    ['replacements:', '  - kind: connection', '    from: crm', '    to: crm-prod', '  - kind: connection', '    from: local-gateway', '    to: crm-prod', ''].join('\n'),
    { 'connections/crm-prod.connection.yaml': 'baseUrl: https://crm.example\n', 'flows/ops/Notify-Dev.flow.yaml': 'steps: []\n' },
  );
  const plan = remoteValidationPlan(ws, 'ops');
  // crm → crm-prod ships crm-prod (no secret); local-gateway → crm-prod is in the package.
  assert.deepEqual(plan.request, { references: [{ kind: 'flow', id: 'ops/Notify-Dev' }], package: 'ops' });
});

test('the answer becomes local-format diagnostics naming the gateway; what the gateway has is no problem', async () => {
  const ws = workspace(REPLACE);
  const asked: RemoteValidateRequest[] = [];
  const answer: RemoteValidateResponse = {
    gateway: 'qa',
    missing: [
      { kind: 'flow', id: 'ops/Notify-Ops' },
      { kind: 'secret', id: 'CRM_TOKEN', connection: 'crm' },
    ],
  };
  const result = await validateAgainstGateway(ws, 'ops', async (r) => {
    asked.push(r);
    return answer;
  });
  assert.equal(asked.length, 1);
  assert.equal(result.gateway, 'qa');
  assert.equal(result.ok, false);
  const lines = result.diagnostics.map((d) => `${d.file}:${d.range?.start.line}:${d.range?.start.character} ${d.severity} ${d.code}: ${d.message}`).sort();
  assert.deepEqual(lines, [
    "connections/crm.connection.yaml:4:10 warning missing-secret: connection 'crm' uses secret 'CRM_TOKEN', which gateway qa does not hold for connection 'crm' of package 'ops'; set it there with `flowgate secret set CRM_TOKEN --connection ops/crm`",
    "flows/ops/Main.flow.yaml:9:14 error missing-reference: flow 'ops/Notify-Ops' (replacing 'ops/Notify-Dev') is not in the package and not on gateway qa",
    // Local validation's own rule, told the gateway lacks the target too.
    "packages/ops.package.yaml:11:8 warning unknown-replacement-target: replacement target flow 'ops/Notify-Ops' is neither in the package nor in the workspace nor on the target gateway",
  ]);
  // Local validation alone calls both outside references errors (not in the package; Notify-Dev not in the workspace).
  const local = validatePackage(ws, 'ops').diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).sort();
  assert.deepEqual(local, ['missing-dependency', 'missing-reference', 'unknown-flow']);

  // The gateway has everything: no problem, and the replacement targets are known there (no warning).
  const fine = await validateAgainstGateway(ws, 'ops', async () => ({ gateway: 'qa', missing: [] }));
  assert.deepEqual(fine.diagnostics, []);
  assert.equal(fine.ok, true);
});

test('a reference the workspace lacks, without replacement: the local unknown-flow is replaced by the gateway\'s answer', async () => {
  const ws = workspace('', { 'flows/ops/Main.flow.yaml': MAIN.replace('ops/Notify-Dev', 'ops/Notify-Ops') });
  const plan = remoteValidationPlan(ws, 'ops');
  const local = validatePackage(ws, 'ops').diagnostics;
  assert.ok(local.some((d) => d.code === 'unknown-flow' && d.file === 'flows/ops/Main.flow.yaml'), 'local validation reports the unknown flow');
  const merged = mergeRemoteDiagnostics(local, plan, { gateway: 'prod', missing: [{ kind: 'connection', id: 'local-gateway' }] });
  assert.deepEqual(
    merged.map((d) => [d.code, d.message, d.range?.start.line]),
    [['missing-reference', "connection 'local-gateway' is not in the package and not on gateway prod", 2]],
  );
});

test('a draft that fails its schema is not asked about; the gateway is never called', async () => {
  const ws = workspace();
  ws.setFile('packages/ops.package.yaml', 'name: ops\nversion: zero\ndefinitions: {}\n');
  let called = false;
  const r = await validateAgainstGateway(ws, 'ops', async () => {
    called = true;
    return { gateway: 'qa', missing: [] };
  });
  assert.equal(called, false);
  assert.equal(r.ok, false);
  assert.ok(r.diagnostics.some((d) => d.code === 'schema'));
  assert.ok(r.diagnostics.some((d) => d.code === 'remote-validate-skipped'));
});
