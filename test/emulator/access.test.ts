/**
 * Who may call what, against a real emulator process: no token → 401 with WWW-Authenticate, a bad
 * token → 401 invalid_token, a client outside the Admin groups → 403 on management routes, the
 * local admin → served; an open version's flows run without a token; one with groups needs a member
 * (403 otherwise, the same answer as for a package that does not exist). Tokens come from
 * openid-client (independent of the gateway's code).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as oidc from 'openid-client';
import { credentials, type EmulatorProcess } from '../support/emulatorProcess';
import { startWithGatewayConfig, type ConfiguredEmulator } from '../support/gatewayConfigFixture';
import { hashSecret } from '../../src/core/gatewayConfig/scrypt';
import { readPackageFile } from '../../src/core/package/packageFile';
import { API_OPERATIONS, type ApiOperation } from '../../src/core/api/schemas/operations';
import { buildPackage, call, startPath } from './helpers';

const FLOW = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';

async function clientToken(gw: EmulatorProcess, id: string, secret: string): Promise<string> {
  const config = await oidc.discovery(new URL(credentials(gw.dataDir).issuer), id, secret, undefined, { execute: [oidc.allowInsecureRequests] });
  return (await oidc.clientCredentialsGrant(config)).access_token;
}

describe('access', () => {
  let gw: ConfiguredEmulator;
  let ops: string;
  before(async () => {
    gw = await startWithGatewayConfig([
      'directory:',
      '  kind: embedded',
      '  users: []',
      '  groups:',
      '    - {name: flowgate-admins, members: []}',
      '    - {name: operators, members: [night-shift]}',
      '    - {name: night-shift, members: []}',
      '    - {name: others, members: []}',
      'clients:',
      `  - {id: ops-ci, secretHash: "${await hashSecret('ops-secret')}", groups: [night-shift]}`,
      `  - {id: outsider, secretHash: "${await hashSecret('outsider-secret')}", groups: [others]}`,
    ]);
    ops = await clientToken(gw, 'ops-ci', 'ops-secret');
    for (const name of ['open', 'guarded']) {
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage(name, 1, { 'x/Run': FLOW }))).status, 201);
      assert.equal((await call(gw, 'POST', `/api/v1/packages/${name}/versions/1/publish`)).status, 200);
    }
  });
  after(async () => {
    await gw?.stop();
  });

  test('no token: 401 with WWW-Authenticate and the error body; public routes stay open', async () => {
    const r = await call(gw.url, 'GET', '/api/v1/packages');
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="flowgate"');
    assert.equal(r.body.error.code, 'unauthorized');
    assert.equal((await call(gw.url, 'GET', '/healthz')).status, 200);
    assert.equal((await call(gw.url, 'GET', '/api/openapi.json')).status, 200);
    assert.equal((await call(gw.url, 'GET', '/.well-known/openid-configuration')).status, 200);
    // An unknown route needs a token too (deny by default); an Admin gets the 404.
    assert.equal((await call(gw.url, 'GET', '/api/v1/nothing-here')).status, 401);
    assert.equal((await call(gw, 'GET', '/api/v1/nothing-here')).status, 404);
    // Express's case and trailing-slash leniency does not get around the check.
    assert.equal((await call(gw.url, 'GET', '/API/V1/PACKAGES/')).status, 401);
  });

  test('a bad token: 401 invalid_token; a client outside the Admin groups: 403 on management; the admin: served', async () => {
    const bad = await call(gw.url, 'GET', '/api/v1/packages', undefined, { authorization: 'Bearer not.a.token' });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('www-authenticate'), 'Bearer realm="flowgate", error="invalid_token"');
    const forbidden = await call(gw.url, 'GET', '/api/v1/packages', undefined, { authorization: `Bearer ${ops}` });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'forbidden');
    assert.equal((await call(gw, 'GET', '/api/v1/packages')).status, 200);
  });

  test('execution of a version with no groups: anyone, no token needed; a bad token is still refused; the caller is recorded', async () => {
    const open = await call(gw.url, 'POST', startPath('x/Run', { packageName: 'open' }), {});
    assert.equal(open.status, 200, JSON.stringify(open.body));
    assert.deepEqual(open.body.outputVariables, { done: true });
    const detail = await call(gw, 'GET', `/api/v1/executions/${open.body.executionId}`);
    assert.deepEqual(detail.body.initiator, { type: 'anonymous' });
    const asOps = await call(gw.url, 'POST', startPath('x/Run', { packageName: 'open' }), {}, { authorization: `Bearer ${ops}` });
    assert.equal(asOps.status, 200);
    assert.deepEqual((await call(gw, 'GET', `/api/v1/executions/${asOps.body.executionId}`)).body.initiator, { type: 'client', name: 'ops-ci' });
    const bad = await call(gw.url, 'POST', startPath('x/Run', { packageName: 'open' }), {}, { authorization: 'Bearer x.y.z' });
    assert.equal(bad.status, 401);
    // Reading executions needs a token.
    assert.equal((await call(gw.url, 'GET', '/api/v1/executions')).status, 401);
    assert.equal((await call(gw.url, 'GET', `/api/v1/executions/${open.body.executionId}`)).status, 401);
  });

  test("a version's groups: set by an Admin (unknown groups named), inherited, carried, audited; members execute and read, others get the unknown-package and unknown-execution answers", async () => {
    const base = '/api/v1/packages/guarded/versions/1/authorisation';
    const outsider = await clientToken(gw, 'outsider', 'outsider-secret');
    // Only an Admin sets them; every group must be one of the directory's.
    assert.equal((await call(gw.url, 'PUT', base, { groups: ['operators'] }, { authorization: `Bearer ${ops}` })).status, 403);
    const typo = await call(gw, 'PUT', base, { groups: ['operators', 'operaters'] });
    assert.equal(typo.status, 400);
    assert.deepEqual(typo.body.error.details.map((d: { field: string }) => d.field), ['groups[1]']);
    assert.deepEqual((await call(gw, 'GET', base)).body, { groups: [] }, 'a refused change changes nothing');
    const set = await call(gw, 'PUT', base, { groups: ['operators'] });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body, { groups: ['operators'] });
    assert.deepEqual((await call(gw, 'GET', base)).body, { groups: ['operators'] });
    assert.equal((await call(gw.url, 'GET', base, undefined, { authorization: `Bearer ${outsider}` })).status, 403);
    const audit = readFileSync(path.join(gw.dataDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(audit.some((a) => a.action === 'set-authorisation' && a.status === 200 && a.package === 'guarded' && a.by === 'local-admin' && a.groups?.[0] === 'operators'), JSON.stringify(audit));

    // Execute: a member (through a nested group) yes; no token 401; a non-member 403 — as for a package that does not exist.
    const run = (pkg: string, token?: string) => call(gw.url, 'POST', startPath('x/Run', { packageName: pkg }), {}, token ? { authorization: `Bearer ${token}` } : {});
    const member = await run('guarded', ops);
    assert.equal(member.status, 200, JSON.stringify(member.body));
    assert.equal((await run('guarded')).status, 401);
    const refused = await run('guarded', outsider);
    const missing = await run('no-such-package', outsider);
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, missing.body);
    assert.equal((await call(gw, 'POST', startPath('x/Run', { packageName: 'guarded' }), {})).status, 200, 'an Admin executes any version');

    // Read: a member sees the executions of versions whose groups hold theirs; a version with no
    // groups (run by anyone) is for Admins; one they may not read answers like an unknown id.
    const openRun = await run('open');
    const unknownIdFor = (_why: string) => '00000000-0000-4000-8000-0000000000aa';
    const listAs = async (token: string) => ((await call(gw.url, 'GET', '/api/v1/executions?limit=1000', undefined, { authorization: `Bearer ${token}` })).body.executions as { id: string; packageName: string }[]);
    const opsList = await listAs(ops);
    assert.ok(opsList.some((e) => e.id === member.body.executionId));
    assert.ok(opsList.every((e) => e.packageName === 'guarded'), JSON.stringify(opsList.map((e) => e.packageName)));
    assert.deepEqual(await listAs(outsider), []);
    // Paging a member's list: every cursor it is given names one of its own; a cursor naming one it may not see is refused like an unknown one.
    const pageAs = (token: string, q: string) => call(gw.url, 'GET', `/api/v1/executions?${q}`, undefined, { authorization: `Bearer ${token}` });
    let cursor: string | undefined;
    const paged: string[] = [];
    do {
      const page = await pageAs(ops, `limit=1${cursor ? `&after=${cursor}` : ''}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      paged.push(...page.body.executions.map((e: { id: string }) => e.id));
      cursor = page.body.next;
      if (cursor) assert.ok(opsList.some((e) => e.id === cursor), `the cursor ${cursor} is one the member may see`);
    } while (cursor);
    assert.deepEqual(paged, opsList.map((e) => e.id));
    const foreignCursor = await pageAs(ops, `after=${openRun.body.executionId}`);
    const noCursor = await pageAs(ops, `after=${unknownIdFor('cursor')}`);
    assert.equal(foreignCursor.status, 400);
    assert.deepEqual(foreignCursor.body, JSON.parse(JSON.stringify(noCursor.body)));
    assert.ok((await call(gw, 'GET', '/api/v1/executions?limit=1000')).body.executions.some((e: { id: string }) => e.id === openRun.body.executionId), 'an Admin sees all');
    assert.equal((await call(gw.url, 'GET', `/api/v1/executions/${member.body.executionId}`, undefined, { authorization: `Bearer ${ops}` })).status, 200);
    const hidden = await call(gw.url, 'GET', `/api/v1/executions/${member.body.executionId}`, undefined, { authorization: `Bearer ${outsider}` });
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const unknown = await call(gw.url, 'GET', `/api/v1/executions/${unknownId}`, undefined, { authorization: `Bearer ${outsider}` });
    assert.equal(hidden.status, 404);
    assert.deepEqual(hidden.body, JSON.parse(JSON.stringify(unknown.body).replace(unknownId, member.body.executionId)));

    // A new version inherits the groups; the version's package file carries them.
    const nv = await call(gw, 'POST', '/api/v1/packages/guarded/versions/1/new-version', { add: [], remove: [], update: [] });
    assert.equal(nv.status, 201, JSON.stringify(nv.body));
    assert.deepEqual((await call(gw, 'GET', `/api/v1/packages/guarded/versions/${nv.body.version}/authorisation`)).body, { groups: ['operators'] });
    const file = await fetch(`${gw.url}/api/v1/packages/guarded/versions/1/file`, { headers: { authorization: `Bearer ${await gw.adminToken()}` } });
    assert.equal(file.status, 200);
    assert.deepEqual((await readPackageFile(new Uint8Array(await file.arrayBuffer()))).manifest.authorisation.groups, ['operators']);
  });

  test('every operation of the API: no token → 401 (but public ones and an open version\'s start), a client outside the Admin groups → 403 on Admin ones, the admin → neither', async () => {
    const outsider = await clientToken(gw, 'outsider', 'outsider-secret');
    const admin = await gw.adminToken();
    // Path parameters naming nothing that exists, so an Admin's call changes nothing (404, 400 or a no-op).
    const values: Record<string, string> = { name: 'walk-none', version: '7', id: '00000000-0000-4000-8000-000000000000', tenant: 'default', system: 'default', flow: 'x/Run' };
    /** Status of one call; an event stream is judged by its headers and then closed. */
    const status = async (o: ApiOperation, token: string | undefined): Promise<number> => {
      let url = gw.url + o.path.replace(/\{([A-Za-z]+)\}/g, (_m, k: string) => values[k]!);
      if (o.access === 'execute') url += '?packageName=open';
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const hasBody = o.method === 'post' || o.method === 'put';
      if (hasBody) headers['content-type'] = 'application/json';
      const abort = new AbortController();
      const res = await fetch(url, { method: o.method.toUpperCase(), headers, body: hasBody ? '{}' : undefined, signal: abort.signal });
      abort.abort();
      await res.body?.cancel().catch(() => undefined);
      return res.status;
    };
    const seen: string[] = [];
    for (const [id, o] of Object.entries<ApiOperation>(API_OPERATIONS)) {
      const anonymous = await status(o, undefined);
      const other = await status(o, outsider);
      const asAdmin = await status(o, admin);
      seen.push(`${id} ${anonymous}/${other}/${asAdmin}`);
      if (o.access === 'public' || o.access === 'execute') assert.ok(anonymous !== 401 && anonymous !== 403, `${id}: without a token ${anonymous}`);
      else assert.equal(anonymous, 401, `${id}: without a token`);
      if (o.access === 'admin') assert.equal(other, 403, `${id}: a client outside the Admin groups`);
      else assert.ok(other !== 401 && other !== 403, `${id}: a client outside the Admin groups got ${other}`);
      assert.ok(asAdmin !== 401 && asAdmin !== 403, `${id}: the admin got ${asAdmin}`);
    }
    assert.ok(seen.length >= 30, seen.join('\n'));
  });
});
