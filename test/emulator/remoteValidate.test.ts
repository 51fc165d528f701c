/**
 * POST /api/v1/validate on a real emulator process: which references its repository lacks and
 * which secrets it does not hold for a package's connection; bounded input naming the field;
 * Admin only; no secret value in any answer. And core's validateAgainstGateway through the real
 * client against it, from a workspace on disk.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GatewayClient } from '../../src/core/client/gatewayClient';
import { validateAgainstGateway } from '../../src/core/validate/remoteValidate';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, EXAMPLES } from './helpers';

const SECRET_VALUE = 'remote-validate-secret-value-0001';

describe('remote validate: POST /api/v1/validate', () => {
  let gw: EmulatorProcess;
  let tmp: string;
  const answers: string[] = [];
  const v = async (body: unknown, headers: Record<string, string> = {}) => {
    const r = await call(gw, 'POST', '/api/v1/validate', body, headers);
    answers.push(JSON.stringify(r.body));
    return r;
  };

  before(async () => {
    gw = await startEmulatorProcess({ name: 'qa' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'flowgate-remote-validate-'));
    // The gateway's repository: a flow and a connection, from another package.
    const zip = await buildPackage('shared', 1, { 'ops/Notify-Ops': 'steps:\n  - kind: log\n    message: hi\n' }, { 'inventory-prod': 'baseUrl: https://inventory.example\n' });
    assert.equal((await call(gw, 'POST', '/api/v1/packages', zip)).status, 201);
    assert.equal((await call(gw, 'PUT', '/api/v1/secrets/CRM_TOKEN', { value: SECRET_VALUE, grants: [{ package: 'ops', connection: 'crm' }] })).status, 201);
    assert.equal((await call(gw, 'PUT', '/api/v1/secrets/UNGRANTED', { value: SECRET_VALUE })).status, 201);
  });
  after(async () => {
    await gw?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    for (const a of answers) assert.ok(!a.includes(SECRET_VALUE), `an answer holds a secret value: ${a.slice(0, 300)}`);
  });

  test('answers what the repository and the secrets store lack, in request order, once each', async () => {
    const r = await v({
      references: [
        { kind: 'flow', id: 'ops/Notify-Ops' },
        { kind: 'flow', id: 'ops/Notify-Dev' },
        { kind: 'connection', id: 'inventory-prod' },
        { kind: 'connection', id: 'local-gateway' },
        { kind: 'flow', id: 'ops/Notify-Dev' },
        // A connection id that names a flow the gateway has is still missing: kinds do not mix.
        { kind: 'connection', id: 'ops/Notify-Ops' },
      ],
      secrets: [
        { connection: 'crm', secret: 'CRM_TOKEN' },
        { connection: 'crm-eu', secret: 'CRM_TOKEN' },
        { connection: 'crm', secret: 'UNGRANTED' },
        { connection: 'crm', secret: 'NOPE' },
      ],
      package: 'ops',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, {
      gateway: 'qa',
      missing: [
        { kind: 'flow', id: 'ops/Notify-Dev' },
        { kind: 'connection', id: 'local-gateway' },
        { kind: 'connection', id: 'ops/Notify-Ops' },
        // Granted to another connection, not granted at all, not there: one answer, as a flow run gets.
        { kind: 'secret', id: 'CRM_TOKEN', connection: 'crm-eu' },
        { kind: 'secret', id: 'UNGRANTED', connection: 'crm' },
        { kind: 'secret', id: 'NOPE', connection: 'crm' },
      ],
    });
    // Without a package, a secret that exists is held.
    const loose = await v({ references: [], secrets: [{ connection: 'x', secret: 'UNGRANTED' }, { connection: 'x', secret: 'NOPE' }] });
    assert.deepEqual(loose.body.missing, [{ kind: 'secret', id: 'NOPE', connection: 'x' }]);
    // Nothing asked, nothing missing.
    assert.deepEqual((await v({ references: [] })).body, { gateway: 'qa', missing: [] });
  });

  test('bounded input: each problem is a 400 naming the field; Admin only', async () => {
    const cases: [unknown, string][] = [
      [{}, 'references'],
      [{ references: Array.from({ length: 2001 }, (_, i) => ({ kind: 'flow', id: `f/${i}` })) }, 'references'],
      [{ references: [{ kind: 'flow', id: 'x'.repeat(300) }] }, 'references[0].id'],
      [{ references: [{ kind: 'script', id: 'x' }] }, 'references[0].kind'],
      [{ references: [{ kind: 'flow', id: 'a\u0000b' }] }, 'references[0].id'],
      [{ references: [], secrets: [{ connection: 'c', secret: 's'.repeat(101) }] }, 'secrets[0].secret'],
      [{ references: [], package: '../etc' }, 'package'],
      [{ references: [], values: true }, 'values'],
      [[], 'body'],
    ];
    for (const [body, field] of cases) {
      const r = await v(body);
      assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 100)} → ${r.status}`);
      assert.equal(r.body.error.code, 'bad-request');
      assert.ok(r.body.error.details.some((d: { field: string }) => d.field === field), `${field} not named: ${JSON.stringify(r.body.error.details).slice(0, 300)}`);
    }
    assert.equal((await v({ references: [] }, { authorization: '' })).status, 401);
    assert.equal((await v({ references: [] }, { authorization: 'Bearer not-a-token' })).status, 401);
  });

  test("core's validateAgainstGateway through the client: the sample draft on a gateway that lacks its connection's target", async () => {
    const ws = path.join(tmp, 'ws');
    cpSync(EXAMPLES, ws, { recursive: true });
    // The draft replaces its connection by one only the gateway has, and a flow runs one only the gateway has.
    const draftFile = path.join(ws, 'packages', 'network-ops.package.yaml');
    const draftText = readFileSync(draftFile, 'utf8');
    writeFileSync(
      draftFile,
      draftText
        .replace('  connections:\n    - local-gateway\n', '  connections: []\n')
        .replace('authorisation:', 'replacements:\n  - kind: connection\n    from: local-gateway\n    to: inventory-prod\nauthorisation:'),
    );
    const flow = path.join(ws, 'flows', 'network', 'core', 'Run-Command.flow.yaml');
    const flowText = `${readFileSync(flow, 'utf8')}  - kind: run-flow\n    flow: ops/Notify-Ops\n  - kind: run-flow\n    flow: ops/Page-Oncall\n`;
    writeFileSync(flow, flowText);
    const line = flowText.split('\n').indexOf('    flow: ops/Page-Oncall') + 1;
    const client = new GatewayClient(gw.url, { token: await gw.adminToken() });
    const result = await validateAgainstGateway(await loadWorkspace(directorySource(ws)), 'network-ops', (req) => client.remoteValidate(req));
    assert.equal(result.gateway, 'qa');
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.file}:${d.range!.start.line + 1} ${d.severity} ${d.code}: ${d.message}`),
      [`flows/network/core/Run-Command.flow.yaml:${line} error missing-reference: flow 'ops/Page-Oncall' is not in the package and not on gateway qa`],
    );
    assert.equal(result.ok, false);
  });
});
