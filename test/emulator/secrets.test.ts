/**
 * Connection secrets (`/api/v1/secrets`): set, replace, grant, list, delete — values write-only;
 * sealed at rest in `<data>/secrets.json`, surviving a restart and a kill -9; resolved at run time
 * only for the package and connection they are granted to (a same-named connection in another
 * package gets nothing), with one error whether a secret is missing or not granted; audited without values.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, startPath } from './helpers';

const VALUE = `tok-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}-secret-value`;

/** A listener that records the Authorization header of each request and answers `{"ok": true}`. */
async function listener(): Promise<{ url: string; auths: (string | undefined)[]; close(): Promise<void> }> {
  const auths: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    auths.push(req.headers.authorization);
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auths,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const CALL_CRM = `
outputs:
  status:
    type: number
steps:
  - kind: http
    connection: crm
    path: /x
    output: response
  - kind: set
    values:
      status: "= response.status"
`;
const connection = (url: string, secret = 'CRM_TOKEN') => `baseUrl: ${url}\nauth:\n  type: bearer\n  secret: ${secret}\n`;

async function publish(gw: EmulatorProcess, name: string, flows: Record<string, string>, connections: Record<string, string>): Promise<void> {
  const up = await call(gw, 'POST', '/api/v1/packages', await buildPackage(name, 1, flows, connections));
  assert.equal(up.status, 201, JSON.stringify(up.body));
  assert.equal((await call(gw, 'POST', `/api/v1/packages/${name}/versions/1/publish`)).status, 200);
}

const run = (gw: EmulatorProcess, pkg: string, flow = 'x/Call') => call(gw, 'POST', startPath(flow, { packageName: pkg }), {});
/** The step's error code of a failed synchronous execution (500 flow-failed). */
const stepError = (r: { status: number; body: any }): string | undefined =>
  r.status === 500 ? r.body.error.details.find((d: { field: string }) => d.field === 'errorCode')?.message : undefined;

describe('connection secrets', () => {
  let gw: EmulatorProcess;
  let crm: Awaited<ReturnType<typeof listener>>;
  before(async () => {
    crm = await listener();
    gw = await startEmulatorProcess();
    await publish(gw, 'pkga', { 'x/Call': CALL_CRM }, { crm: connection(crm.url) });
  });
  after(async () => {
    const out = gw?.output() ?? '';
    await gw?.stop();
    await crm?.close();
    assert.ok(!out.includes(VALUE), 'the emulator output shows the value');
  });

  test('set (201, Location), replace (200), read and list: never the value', async () => {
    const created = await call(gw, 'PUT', '/api/v1/secrets/CRM_TOKEN', { value: VALUE, grants: [{ package: 'pkga', connection: 'crm' }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('location'), '/api/v1/secrets/CRM_TOKEN');
    assert.deepEqual(created.body.grants, [{ package: 'pkga', connection: 'crm' }]);
    assert.equal(created.body.name, 'CRM_TOKEN');
    assert.equal(typeof created.body.createdBy, 'string');
    assert.ok(!JSON.stringify(created.body).includes(VALUE));
    assert.deepEqual(Object.keys(created.body).sort(), ['createdAt', 'createdBy', 'grants', 'name', 'updatedAt', 'updatedBy']);

    // Replacing the value without grants keeps them.
    const replaced = await call(gw, 'PUT', '/api/v1/secrets/CRM_TOKEN', { value: VALUE });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body.grants, [{ package: 'pkga', connection: 'crm' }]);
    assert.equal(replaced.body.createdAt, created.body.createdAt);

    const one = await call(gw, 'GET', '/api/v1/secrets/CRM_TOKEN');
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, replaced.body);
    const list = await call(gw, 'GET', '/api/v1/secrets');
    assert.deepEqual(list.body.secrets.map((s: { name: string }) => s.name), ['CRM_TOKEN']);
    assert.ok(!JSON.stringify(list.body).includes(VALUE));
  });

  test('a granted connection of its package sends it', async () => {
    const r = await run(gw, 'pkga');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(crm.auths.at(-1), `Bearer ${VALUE}`);
  });

  test('bad names, values and grants are refused naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['/api/v1/secrets/bad%20name', { value: VALUE }, 'name'],
      ['/api/v1/secrets/__proto__', { value: VALUE }, 'name'],
      ['/api/v1/secrets/OK', { value: 'abc' }, 'value'],
      ['/api/v1/secrets/OK', { value: 'x'.repeat(9000) }, 'value'],
      ['/api/v1/secrets/OK', { value: 42 }, 'value'],
      ['/api/v1/secrets/OK', {}, 'value'],
      ['/api/v1/secrets/OK', { value: VALUE, extra: 1 }, 'extra'],
      ['/api/v1/secrets/OK', { value: VALUE, grants: [{ package: 'a b', connection: 'crm' }] }, 'grants[0].package'],
      ['/api/v1/secrets/OK', { value: VALUE, grants: [{ package: 'pkga', connection: '' }] }, 'grants[0].connection'],
      ['/api/v1/secrets/OK', { value: VALUE, grants: [{ package: 'pkga', connection: 'crm' }, { package: 'pkga', connection: 'crm' }] }, 'grants[1]'],
      ['/api/v1/secrets/OK', { value: VALUE, grants: 'pkga/crm' }, 'grants'],
    ];
    for (const [p, body, field] of cases) {
      const r = await call(gw, 'PUT', p, body);
      assert.equal(r.status, 400, `${p} ${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(r.body)}`);
      assert.ok(r.body.error.details.some((d: { field: string }) => d.field === field), `${field}: ${JSON.stringify(r.body.error.details)}`);
      assert.ok(!JSON.stringify(r.body).includes(VALUE), 'an error quotes the value');
    }
    assert.equal((await call(gw, 'GET', '/api/v1/secrets/OK')).status, 404);
    const grants = await call(gw, 'PUT', '/api/v1/secrets/CRM_TOKEN/grants', { grants: [{ package: 'pkga' }] });
    assert.equal(grants.status, 400);
    assert.ok(grants.body.error.details.some((d: { field: string }) => d.field === 'grants[0].connection'), JSON.stringify(grants.body));
    assert.equal((await call(gw, 'PUT', '/api/v1/secrets/NOPE/grants', { grants: [] })).status, 404);
    assert.equal((await call(gw, 'DELETE', '/api/v1/secrets/NOPE')).status, 404);
  });

  test('another package declaring a connection of the same name and secret gets nothing; nor does naming the other package\'s connection', async () => {
    const evil = await listener();
    try {
      // A flow naming a connection its package does not carry is refused at upload, naming the step.
      const refused = await call(gw, 'POST', '/api/v1/packages', await buildPackage('pkgb', 1, { 'x/Call': CALL_CRM }, { other: connection(evil.url) }));
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'invalid-package-file');
      assert.deepEqual(refused.body.error.details, [
        { field: 'flows/x/Call.flow.yaml.steps[0].connection', message: "uses connection 'crm', which is not in the package (a package uses only its own connections)" },
      ]);
      // Named by an expression (known only at run time), it is uploaded — and refused when it runs.
      await publish(gw, 'pkgb', { 'x/Call': CALL_CRM.replace('connection: crm', `connection: "= 'crm'"`), 'x/Other': CALL_CRM.replace('connection: crm', 'connection: other') }, { other: connection(evil.url) });
      // pkgb has no connection `crm`: pkga's is not reachable through the repository.
      const borrowed = await run(gw, 'pkgb');
      assert.equal(borrowed.status, 500, JSON.stringify(borrowed.body));
      assert.equal(stepError(borrowed), 'connection-not-found');
      assert.match(borrowed.body.error.message, /Connection 'crm' is not in package pkgb version 1/);
      // pkgb's own connection naming the same secret is not granted.
      const other = await run(gw, 'pkgb', 'x/Other');
      assert.equal(stepError(other), 'secret-not-granted', JSON.stringify(other.body));
      assert.match(other.body.error.message, /^Connection 'other' of package pkgb names secret 'CRM_TOKEN', which this gateway does not grant to it \(an Admin grants it with `flowgate secret set CRM_TOKEN --connection pkgb\/other`/);

      // pkgc declares `crm` — the granted connection's name — pointing at its own listener.
      await publish(gw, 'pkgc', { 'x/Call': CALL_CRM }, { crm: connection(evil.url) });
      const sameName = await run(gw, 'pkgc');
      assert.equal(stepError(sameName), 'secret-not-granted', JSON.stringify(sameName.body));
      // A secret that does not exist: the same error (existence is not revealed).
      await publish(gw, 'pkgd', { 'x/Call': CALL_CRM }, { crm: connection(evil.url, 'NO_SUCH_SECRET') });
      const missing = await run(gw, 'pkgd');
      assert.equal(stepError(missing), 'secret-not-granted');
      assert.equal(missing.body.error.message.replaceAll('NO_SUCH_SECRET', 'CRM_TOKEN').replaceAll('pkgd', 'pkgc'), sameName.body.error.message);
      assert.deepEqual(evil.auths, [], 'the hostile listener was never called');
    } finally {
      await evil.close();
    }
  });

  test('grants change without the value; a grant removed stops resolution; delete', async () => {
    const g = await call(gw, 'PUT', '/api/v1/secrets/CRM_TOKEN/grants', { grants: [{ package: 'pkgc', connection: 'crm' }] });
    assert.equal(g.status, 200, JSON.stringify(g.body));
    assert.deepEqual(g.body.grants, [{ package: 'pkgc', connection: 'crm' }]);
    const before = crm.auths.length;
    assert.equal(stepError(await run(gw, 'pkga')), 'secret-not-granted');
    assert.equal(crm.auths.length, before);
    await call(gw, 'PUT', '/api/v1/secrets/CRM_TOKEN/grants', { grants: [{ package: 'pkga', connection: 'crm' }] });
    assert.equal((await run(gw, 'pkga')).status, 200);
    assert.equal((await call(gw, 'DELETE', '/api/v1/secrets/CRM_TOKEN')).status, 204);
    assert.equal((await call(gw, 'GET', '/api/v1/secrets/CRM_TOKEN')).status, 404);
    assert.equal(stepError(await run(gw, 'pkga')), 'secret-not-granted');
  });

  test('Create New Version keeps a package on its own connections: removing one a flow uses is refused naming the field', async () => {
    const r = await call(gw, 'POST', '/api/v1/packages/pkga/versions/1/new-version', { remove: [{ kind: 'connection', id: 'crm' }] });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.deepEqual(r.body.error.details, [
      { field: 'remove[0]', message: 'connection crm is used by flow x/Call, which stays in the new version; a package uses only its own connections' },
    ]);
    assert.deepEqual((await call(gw, 'GET', '/api/v1/packages/pkga')).body.versions.map((v: { version: number }) => v.version), [1]);
  });

  test('audit: set, grants and delete recorded with the name and grants, never the value', async () => {
    const audit = await call(gw, 'GET', '/api/v1/audit?limit=500');
    const recs = audit.body.records.filter((r: { secret?: string }) => r.secret === 'CRM_TOKEN');
    const actions = recs.map((r: { action: string }) => r.action);
    for (const a of ['put-secret', 'put-secret-grants', 'delete-secret']) assert.ok(actions.includes(a), `${a} in ${actions}`);
    const grantRec = recs.find((r: { action: string; status: number }) => r.action === 'put-secret-grants' && r.status === 200);
    assert.ok(grantRec.grants.includes('pkga/crm') || grantRec.grants.includes('pkgc/crm'), JSON.stringify(grantRec));
    assert.ok(!JSON.stringify(audit.body).includes(VALUE));
    assert.ok(!readFileSync(path.join(gw.dataDir, 'audit.jsonl'), 'utf8').includes(VALUE));
  });
});

describe('connection secrets on disk', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-secrets-test-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('sealed at rest (0600), kept across a restart and a kill -9; a moved sealed value does not open', async () => {
    const crm = await listener();
    try {
      const first = await startEmulatorProcess({ dataDir });
      await publish(first, 'pkga', { 'x/Call': CALL_CRM }, { crm: connection(crm.url) });
      assert.equal((await call(first, 'PUT', '/api/v1/secrets/CRM_TOKEN', { value: VALUE, grants: [{ package: 'pkga', connection: 'crm' }] })).status, 201);
      // Many changes at once: each answered change is on disk.
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => call(first, 'PUT', `/api/v1/secrets/MANY_${i}`, { value: `many-value-${i}-xyz` })));
      assert.deepEqual(many.map((r) => r.status), Array(20).fill(201));
      // Killed right after the answers: an answer means it is on disk.
      await first.kill();
      const file = path.join(dataDir, 'secrets.json');
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(VALUE), 'secrets.json holds the value in clear');
      assert.match(text, /"value": "fgenc1:/);
      assert.equal(statSync(file).mode & 0o777, 0o600);

      const second = await startEmulatorProcess({ dataDir });
      try {
        const names = (await call(second, 'GET', '/api/v1/secrets')).body.secrets.map((s: { name: string }) => s.name);
        assert.equal(names.length, 21);
        assert.ok(names.includes('CRM_TOKEN') && names.includes('MANY_19'), names.join());
        assert.equal((await run(second, 'pkga')).status, 200);
        assert.equal(crm.auths.at(-1), `Bearer ${VALUE}`);
        assert.equal((await call(second, 'PUT', '/api/v1/secrets/OTHER', { value: 'other-value-1234' })).status, 201);
      } finally {
        assert.equal(await second.stop(), 0);
      }
      // A sealed value moved under another name does not open (the name is bound to it): the start is refused.
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      doc.secrets.OTHER.value = doc.secrets.CRM_TOKEN.value;
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, JSON.stringify(doc));
      await assert.rejects(startEmulatorProcess({ dataDir, timeoutMs: 5000 }), /does not open|secrets/);
      assert.ok(existsSync(file));
    } finally {
      await crm.close();
    }
  });
});
