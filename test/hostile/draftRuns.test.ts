/**
 * Hostile draft runs (POST /api/v1/draft-runs): traversal and odd path names, 10k files, huge
 * texts, YAML bombs, expressions that never end (the engine's budgets), callers without Admin, a
 * protected target, and attempts to reach the repository's definitions or a secret a normal run
 * of a published flow could not. Each is refused (or ends with the flow's clear error) while the
 * gateway keeps serving /healthz, and the state a user relies on is unchanged.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { credentials, startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { startWithGatewayConfig, type ConfiguredEmulator } from '../support/gatewayConfigFixture';
import { startPromotionGateway } from '../support/promotionGateways';
import { hashSecret } from '../../src/core/gatewayConfig/scrypt';
import { LIMITS } from '../../src/core/limits';
import { buildPackage } from '../emulator/helpers';
import { assertRefused, call, snapshot, startTarget, whileServing } from './harness';

const DR = '/api/v1/draft-runs';
const OK = 'outputs:\n  ok:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      ok: true\n';
const SECRET = 'DRAFT_TOKEN';
const VALUE = 'draft-secret-value-0123456789';

describe('hostile draft runs', () => {
  let gw: EmulatorProcess;
  let before0: unknown;
  let listener: http.Server;
  let listenerUrl: string;
  const received: (string | undefined)[] = [];

  before(async () => {
    listener = http.createServer((req, res) => {
      received.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    gw = await startTarget();
    // A secret granted to connection crm of package `owner` (published with it).
    const owner = await buildPackage('owner', 1, { 'o/Use': 'steps:\n  - kind: http\n    connection: crm\n    path: /x\n' }, { crm: `baseUrl: ${listenerUrl}\nauth:\n  type: bearer\n  secret: ${SECRET}\n` });
    assert.equal((await call(gw, 'POST', '/api/v1/packages', owner)).status, 201);
    assert.equal((await call(gw, 'PUT', `/api/v1/secrets/${SECRET}`, { value: VALUE, grants: [{ package: 'owner', connection: 'crm' }] })).status, 201);
    before0 = await snapshot(gw);
  });
  after(async () => {
    await gw?.stop();
    await new Promise<void>((r) => listener.close(() => r()));
  });

  async function attack(run: () => Promise<void>): Promise<void> {
    await whileServing(gw, run);
    assert.deepEqual(await snapshot(gw), before0, 'the state changed');
  }

  test('path names: traversal, absolute, backslashes, other folders and suffixes are refused naming the file', async () => {
    await attack(async () => {
      for (const bad of ['flows/../../etc/passwd.flow.yaml', '/flows/a/X.flow.yaml', 'flows\\a\\X.flow.yaml', './flows/a/X.flow.yaml', 'flows/a/X.yaml', 'secrets/a.flow.yaml', 'flows//X.flow.yaml', 'connections/a/b.connection.yaml', 'flows/a/\u0000.flow.yaml']) {
        const r = await call(gw, 'POST', DR, { files: { [bad]: OK, 'flows/a/X.flow.yaml': OK }, flow: 'a/X' });
        assertRefused(r, 400, `files[${JSON.stringify(bad)}]`);
      }
      assertRefused(await call(gw, 'POST', DR, { files: { ['flows/' + 'a/'.repeat(400) + 'X.flow.yaml']: OK }, flow: 'X' }), 400, 'files');
      // A prototype key is refused before anything reads the body.
      const proto = await call(gw, 'POST', DR, `{"files":{"__proto__":{"x":1},"flows/a/X.flow.yaml":${JSON.stringify(OK)}},"flow":"a/X"}`, { 'content-type': 'application/json' });
      assert.equal(proto.status, 400, JSON.stringify(proto.body));
    });
  });

  test('10k files, huge texts, many large texts: refused naming files, the gateway keeps serving', async () => {
    await attack(async () => {
      const many: Record<string, string> = {};
      for (let i = 0; i < 10_000; i++) many[`flows/m/F${i}.flow.yaml`] = 'steps: []\n';
      assertRefused(await call(gw, 'POST', DR, { files: many, flow: 'm/F1' }), 400, 'files');
      const huge = await call(gw, 'POST', DR, { files: { 'flows/a/X.flow.yaml': `# ${'x'.repeat(LIMITS.yamlFileBytes + 10)}\n${OK}` }, flow: 'a/X' });
      assert.ok(huge.status === 400 || huge.status === 413, `huge file: ${huge.status}`);
      const big = `# ${'y'.repeat(1_400_000)}\n${OK}`;
      assertRefused(await call(gw, 'POST', DR, { files: { 'flows/a/A.flow.yaml': big, 'flows/a/B.flow.yaml': big, 'flows/a/C.flow.yaml': big }, flow: 'a/A' }), 400, 'files');
    });
  });

  test('YAML bombs and deep nesting are refused naming the file', async () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const bomb = `${laughs.join('\n')}\nsteps: []\n`;
    const deep = `steps:\n${'  '.repeat(0)}- kind: set\n  values:\n    v: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    await attack(async () => {
      for (const [name, text] of [['Bomb', bomb], ['Deep', deep]]) {
        const r = await call(gw, 'POST', DR, { files: { [`flows/a/${name}.flow.yaml`]: text }, flow: name });
        assertRefused(r, 400, `files["flows/a/${name}.flow.yaml"]`);
        assert.equal(r.body.error.code, 'validation-failed');
      }
    });
  });

  test('an expression that never ends and a loop without end are stopped by the engine budgets', async () => {
    const forever = 'steps:\n  - kind: set\n    values:\n      v: "= ($f := function($n) { $f($n + 1) }; $f(0))"\n';
    const loop = 'steps:\n  - kind: for-each\n    items: "= [1..10000000]"\n    as: i\n    steps:\n      - kind: set\n        values:\n          x: "= i"\n';
    await whileServing(gw, async () => {
      for (const [name, text] of [['Forever', forever], ['Loop', loop]]) {
        const r = await call(gw, 'POST', DR, { files: { [`flows/a/${name}.flow.yaml`]: text }, flow: name });
        assert.equal(r.status, 500, `${name}: ${JSON.stringify(r.body).slice(0, 400)}`);
        assert.equal(r.body.error.code, 'flow-failed');
      }
    });
  });

  test('the repository and other packages are out of reach: children, connections and secrets come from the files only', async () => {
    await attack(async () => {
      // A child that exists only in the repository (published sample): refused, nothing runs.
      const child = await call(gw, 'POST', DR, { files: { 'flows/a/Steal.flow.yaml': 'steps:\n  - kind: run-flow\n    flow: network/core/Run-Command\n    inputs:\n      device: x\n      command: y\n' }, flow: 'Steal' });
      assertRefused(child, 400, 'files["flows/a/Steal.flow.yaml"]');
      // Named by an expression (not checked statically): the engine finds no such flow among the files.
      const dyn = await call(gw, 'POST', DR, { files: { 'flows/a/Dyn.flow.yaml': 'steps:\n  - kind: run-flow\n    flow: "= \'network/core/Run-Command\'"\n    inputs:\n      device: x\n      command: y\n' }, flow: 'Dyn' });
      assert.equal(dyn.status, 500, JSON.stringify(dyn.body));
      assert.equal(dyn.body.error.details.find((d: { field: string }) => d.field === 'errorCode').message, 'flow-not-found');
      // The repository's connection `local-gateway`, by an expression: not among the files.
      const conn = await call(gw, 'POST', DR, { files: { 'flows/a/Conn.flow.yaml': 'steps:\n  - kind: http\n    connection: "= \'local-gateway\'"\n    path: /healthz\n' }, flow: 'Conn' });
      assert.equal(conn.status, 500);
      assert.equal(conn.body.error.details.find((d: { field: string }) => d.field === 'errorCode').message, 'connection-not-found');
      // The secret granted to owner/crm: a draft's own crm (in no package draft, or in another package's draft) gets nothing.
      const use = 'steps:\n  - kind: http\n    connection: crm\n    path: /x\n';
      const crm = `baseUrl: ${listenerUrl}\nauth:\n  type: bearer\n  secret: ${SECRET}\n`;
      const other = 'name: thief\nversion: 1\ndefinitions:\n  flows: [a/Use]\n  connections: [crm]\n';
      for (const files of [
        { 'flows/a/Use.flow.yaml': use, 'connections/crm.connection.yaml': crm },
        { 'flows/a/Use.flow.yaml': use, 'connections/crm.connection.yaml': crm, 'packages/thief.package.yaml': other },
      ]) {
        const r = await call(gw, 'POST', DR, { files, flow: 'a/Use' });
        assert.equal(r.status, 500, JSON.stringify(r.body));
        assert.equal(r.body.error.details.find((d: { field: string }) => d.field === 'errorCode').message, 'secret-not-granted');
      }
      assert.ok(!received.some((a) => a?.includes(VALUE)), 'the listener received the secret');
    });
  });
});

describe('hostile draft runs: who may', () => {
  let gw: ConfiguredEmulator;
  before(async () => {
    gw = await startWithGatewayConfig([
      'directory:',
      '  kind: embedded',
      '  users: []',
      '  groups:',
      '    - {name: flowgate-admins, members: []}',
      '    - {name: operators, members: []}',
      'clients:',
      `  - {id: operator, secretHash: "${await hashSecret('operator-secret')}", groups: [operators]}`,
    ]);
  });
  after(async () => {
    await gw?.stop();
  });

  test('no token → 401, a caller outside the Admin groups → 403; nothing runs', async () => {
    const body = { files: { 'flows/a/X.flow.yaml': OK }, flow: 'a/X' };
    const anon = await call(gw.url, 'POST', DR, body);
    assert.equal(anon.status, 401);
    const config = await oidc.discovery(new URL(credentials(gw.dataDir).issuer), 'operator', 'operator-secret', undefined, { execute: [oidc.allowInsecureRequests] });
    const token = (await oidc.clientCredentialsGrant(config)).access_token;
    const op = await call(gw, 'POST', DR, body, { authorization: `Bearer ${token}` });
    assert.equal(op.status, 403);
    assert.equal(op.body.error.code, 'forbidden');
    assert.equal((await call(gw, 'GET', '/api/v1/executions')).body.executions.length, 0);
    // The admin may; the operator cannot read the admin's draft run.
    const ran = await call(gw, 'POST', DR, body);
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    assert.equal((await call(gw, 'GET', `/api/v1/executions/${ran.body.executionId}`, undefined, { authorization: `Bearer ${token}` })).status, 404);
  });
});

describe('hostile draft runs: a protected target', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'flowgate-draft-protected-'));
  let gw: Awaited<ReturnType<typeof startPromotionGateway>>;
  before(async () => {
    gw = await startPromotionGateway(root, 'prod', { protectedTarget: true });
  });
  after(async () => {
    await gw?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('refuses draft runs (403 protected-target): its flows come only by promotion', async () => {
    const r = await call(gw, 'POST', DR, { files: { 'flows/a/X.flow.yaml': OK }, flow: 'a/X' });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'protected-target');
  });
});

describe('hostile draft runs: a draft that starts itself', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startEmulatorProcess({ args: ['--allow-self-calls'] });
  });
  after(async () => {
    await gw?.stop();
  });

  test('a draft run calling the draft-runs route again joins its tree: the depth bound ends it, the gateway keeps serving', async () => {
    const token = await gw.adminToken();
    const bomb = [
      'inputs:',
      '  files:',
      '    type: object',
      'steps:',
      '  - kind: http',
      '    connection: self',
      '    path: /api/v1/draft-runs',
      '    method: POST',
      '    body: "= {\'files\': files, \'flow\': \'Bomb\', \'inputVariables\': {\'files\': files}}"',
      '    output: r',
      '',
    ].join('\n');
    const files: Record<string, string> = {
      'flows/a/Bomb.flow.yaml': bomb,
      'connections/self.connection.yaml': `baseUrl: ${gw.url}\nheaders:\n  Authorization: "Bearer ${token}"\n`,
    };
    const r = await whileServing(gw, () => call(gw, 'POST', DR, { files, flow: 'Bomb', inputVariables: { files } }));
    assert.ok(r.status === 200 || r.status === 500, `${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
    const all = (await call(gw, 'GET', '/api/v1/executions?limit=1000')).body.executions as { rootId: string; draft?: boolean }[];
    assert.ok(all.length > 1, 'the draft never called itself (the test proves nothing)');
    assert.ok(all.length <= LIMITS.executionTreeDepth + 1, `${all.length} executions`);
    assert.equal(new Set(all.map((e) => e.rootId)).size, 1, 'the nested draft runs did not join the tree');
    assert.ok(all.every((e) => e.draft));
  });
});
