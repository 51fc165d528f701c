/**
 * `flowgate validate <draft> --against <gateway>` (the built CLI) against a real emulator named qa:
 * remote problems printed like local ones (file:line:col at the referencing step or connection),
 * --json in local validation's shape, exit codes as local validation; unreachable gateway; usage.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { credentials, startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { ensureCliBuilt, runCli } from '../support/builtCli';
import { buildPackage, call, EXAMPLES } from '../emulator/helpers';

/** A port nothing listens on (taken from the system, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('flowgate validate --against', { timeout: 300_000 }, () => {
  let gw: EmulatorProcess;
  let tmp: string;
  let ws: string;
  let draft: string;
  let creds: string[];
  let runFlowLine: number;

  before(async () => {
    await ensureCliBuilt();
    gw = await startEmulatorProcess({ name: 'qa' });
    creds = ['--credentials', path.join(gw.dataDir, 'local-admin.json')];
    tmp = mkdtempSync(path.join(os.tmpdir(), 'flowgate-validate-against-'));
    ws = path.join(tmp, 'ws');
    cpSync(EXAMPLES, ws, { recursive: true });
    // A flow runs one the workspace does not have; the draft replaces its connection by one only a gateway would have,
    // and carries a connection that names a secret.
    const flow = path.join(ws, 'flows', 'network', 'core', 'Run-Command.flow.yaml');
    const text = `${readFileSync(flow, 'utf8')}  - kind: run-flow\n    flow: ops/Notify-Ops\n`;
    writeFileSync(flow, text);
    runFlowLine = text.split('\n').indexOf('    flow: ops/Notify-Ops') + 1;
    writeFileSync(path.join(ws, 'connections', 'crm.connection.yaml'), 'baseUrl: https://crm.example\nauth:\n  type: bearer\n  secret: CRM_TOKEN\n');
    draft = path.join(ws, 'packages', 'network-ops.package.yaml');
    writeFileSync(
      draft,
      readFileSync(draft, 'utf8')
        .replace('  connections:\n    - local-gateway\n', '  connections:\n    - crm\n')
        .replace('authorisation:', 'replacements:\n  - kind: connection\n    from: local-gateway\n    to: inventory-prod\nauthorisation:'),
    );
  });
  after(async () => {
    await gw?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('--help documents it', async () => {
    const h = await runCli(['validate', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /--against <url>/);
    assert.match(h.stdout, /not on gateway qa/);
  });

  test('what the gateway lacks: errors at the referencing steps, a warning at the connection whose secret it lacks, naming the gateway; exit 1', async () => {
    const r = await runCli(['validate', draft, '--against', gw.url, ...creds], { cwd: tmp });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => /: (error|warning) /.test(l));
    assert.deepEqual(lines, [
      "ws/connections/crm.connection.yaml:4:11: warning missing-secret: connection 'crm' uses secret 'CRM_TOKEN', which gateway qa does not hold for connection 'crm' of package 'network-ops'; set it there with `flowgate secret set CRM_TOKEN --connection network-ops/crm`",
      `ws/flows/network/core/Run-Command.flow.yaml:${runFlowLine}:11: error missing-reference: flow 'ops/Notify-Ops' is not in the package and not on gateway qa`,
      "ws/flows/network/inventory/Get-Gateway-Status.flow.yaml:11:17: error missing-reference: connection 'inventory-prod' (replacing 'local-gateway') is not in the package and not on gateway qa",
      "ws/packages/network-ops.package.yaml:22:9: warning unknown-replacement-target: replacement target connection 'inventory-prod' is neither in the package nor in the workspace nor on the target gateway",
    ]);
    assert.match(r.stdout, /✗ 2 errors, 2 warnings \(\d+ files, 1 package draft checked against gateway qa\)/);

    // --json: local validation's document, plus the gateway.
    const j = await runCli(['validate', draft, '--against', gw.url, ...creds, '--json'], { cwd: tmp });
    assert.equal(j.code, 1);
    const doc = JSON.parse(j.stdout);
    const local = JSON.parse((await runCli(['validate', draft, '--json'], { cwd: tmp })).stdout);
    assert.deepEqual(Object.keys(doc).sort(), [...Object.keys(local), 'gateway'].sort());
    assert.deepEqual(doc.gateway, { url: gw.url, name: 'qa' });
    assert.equal(doc.ok, false);
    assert.equal(doc.errors, 2);
    assert.equal(doc.warnings, 2);
    assert.deepEqual(Object.keys(doc.diagnostics[0]).sort(), Object.keys(local.diagnostics[0]).sort());
    assert.deepEqual(
      doc.diagnostics.find((d: { code: string; file: string }) => d.code === 'missing-reference' && d.file.endsWith('Run-Command.flow.yaml')),
      { file: 'flows/network/core/Run-Command.flow.yaml', line: runFlowLine, column: 11, endLine: runFlowLine, endColumn: 25, severity: 'error', code: 'missing-reference', message: "flow 'ops/Notify-Ops' is not in the package and not on gateway qa" },
    );
  });

  test('once the gateway has them (and client credentials from the environment): no problems, exit 0', async () => {
    const zip = await buildPackage('shared', 1, { 'ops/Notify-Ops': 'steps:\n  - kind: log\n    message: hi\n' }, { 'inventory-prod': 'baseUrl: https://inventory.example\n' });
    assert.equal((await call(gw, 'POST', '/api/v1/packages', zip)).status, 201);
    // A secret granted to another package does not count.
    assert.equal((await call(gw, 'PUT', '/api/v1/secrets/CRM_TOKEN', { value: 'validate-against-secret-1', grants: [{ package: 'other', connection: 'crm' }] })).status, 201);
    const c = credentials(gw.dataDir);
    const env = { FLOWGATE_CLIENT_ID: c.client_id, FLOWGATE_CLIENT_SECRET: c.client_secret };
    const still = await runCli(['validate', draft, '--against', gw.url], { cwd: tmp, env });
    // A secret the gateway does not hold for the connection is a warning (as in an import's validation): exit 0.
    assert.equal(still.code, 0, still.stdout + still.stderr);
    assert.match(still.stdout, /warning missing-secret/);
    assert.match(still.stdout, /no errors, 1 warning/);
    assert.doesNotMatch(still.stdout, /missing-reference/);
    assert.ok(!still.stdout.includes('validate-against-secret-1'));

    assert.equal((await call(gw, 'PUT', '/api/v1/secrets/CRM_TOKEN/grants', { grants: [{ package: 'network-ops', connection: 'crm' }] })).status, 200);
    const ok = await runCli(['validate', draft, '--against', gw.url], { cwd: tmp, env });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.doesNotMatch(ok.stdout, /missing-secret/);
    assert.match(ok.stdout, /✓ no problems \(\d+ files, 1 package draft checked against gateway qa\)/);
    // Locally the draft still lacks what only the gateway has.
    assert.equal((await runCli(['validate', draft], { cwd: tmp })).code, 1);
  });

  test('an unreachable gateway is a failure (exit 1) saying so; usage mistakes exit 2', async () => {
    const port = await closedPort();
    const c = credentials(gw.dataDir);
    const down = await runCli(['validate', draft, '--against', `http://127.0.0.1:${port}`, '--json'], { cwd: tmp, env: { FLOWGATE_CLIENT_ID: c.client_id, FLOWGATE_CLIENT_SECRET: c.client_secret } });
    assert.equal(down.code, 1, down.stdout + down.stderr);
    const err = JSON.parse(down.stdout).error;
    // Client credentials first discover the gateway's token endpoint: that is what finds no one.
    assert.equal(err.code, 'discovery-failed');
    assert.ok(err.message.includes(`http://127.0.0.1:${port}`), err.message);
    assert.ok(!down.stdout.includes(c.client_secret), 'the client secret is printed');
    const dir = await runCli(['validate', ws, '--against', gw.url], { cwd: tmp });
    assert.equal(dir.code, 2);
    assert.match(dir.stderr, /--against validates one package draft/);
    const bad = await runCli(['validate', draft, '--against', 'ftp://x'], { cwd: tmp });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--against: 'ftp:\/\/x' is not an http\(s\) URL/);
  });
});
