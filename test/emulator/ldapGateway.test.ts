/**
 * A gateway serving an LDAP directory (gateway.yaml `directory.kind: ldap`): a real emulator process
 * against a REAL OpenLDAP (test/support/slapd.ts, seeded with alice ∈ ops, carol ∈ leads ⊂ ops, bob
 * in no group). HTTP Basic on the start route binds as the user: a member 200 (directly or through a
 * nested group, by `member` and by `memberOf`), a non-member 403, a wrong password and an unknown
 * user the same 401. A version's authorisation names LDAP groups (cn): an unknown one is 400
 * `groups[i]`; /api/v1/directory/groups lists the LDAP groups. Then slapd is stopped: what needs
 * the directory answers 503 directory-unavailable with Retry-After naming the server (never the
 * bind password), while health, an open version's execution (also with a person's token) and OAuth
 * clients (groups in the file) keep working; slapd back → served again. A server that accepts but never answers: 503 within
 * timeoutMs rather than a hang.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as oidc from 'openid-client';
import { SignJWT, decodeJwt, importJWK, type JWK } from 'jose';
import { ADMIN_DN, ADMIN_PASSWORD, SEED_LDIF, SUFFIX, removeSlapdDir, startSlapd, type Slapd } from '../support/slapd';
import { credentials } from '../support/emulatorProcess';
import { startWithGatewayConfig, type ConfiguredEmulator } from '../support/gatewayConfigFixture';
import { hashSecret } from '../../src/core/gatewayConfig/scrypt';
import { buildPackage, call, startPath } from './helpers';

const FLOW = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/** gateway.yaml lines of an LDAP directory at `url` (bind password from a file unless `password` is given inline). */
function ldapConfig(url: string, extra: string[], bind: { file?: string; password?: string }, adminGroups = ['admins']): string[] {
  return [
    'directory:',
    '  kind: ldap',
    `  url: "${url}"`,
    `  bindDn: "${ADMIN_DN}"`,
    bind.file ? `  bindPasswordFile: "${bind.file}"` : `  bindPassword: "${bind.password}"`,
    `  userBase: "ou=people,${SUFFIX}"`,
    `  groupBase: "ou=groups,${SUFFIX}"`,
    ...extra.map((l) => `  ${l}`),
    `adminGroups: [${adminGroups.join(', ')}]`,
  ];
}

async function publish(gw: ConfiguredEmulator, name: string, groups: string[]): Promise<void> {
  assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage(name, 1, { 'x/Run': FLOW }))).status, 201);
  assert.equal((await call(gw, 'POST', `/api/v1/packages/${name}/versions/1/publish`)).status, 200);
  if (groups.length) {
    const r = await call(gw, 'PUT', `/api/v1/packages/${name}/versions/1/authorisation`, { groups });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
}

/**
 * A person's access token as the sign-in (authorization code) will issue it: the gateway's own token
 * with `sub` = the user name and a first-party client's id (flowgate-cli), signed with the gateway's key.
 */
async function userToken(gw: ConfiguredEmulator, user: string): Promise<string> {
  const { key } = JSON.parse(readFileSync(path.join(gw.dataDir, 'oauth', 'signing-key.json'), 'utf8')) as { key: JWK & { kid: string } };
  const claims = decodeJwt(await gw.adminToken());
  return new SignJWT({ ...claims, sub: user, client_id: 'flowgate-cli' })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: key.kid })
    .sign(await importJWK(key, 'EdDSA'));
}

const run = (gw: ConfiguredEmulator, pkg: string, headers: Record<string, string> = {}) =>
  call(gw.url, 'POST', startPath('x/Run', { packageName: pkg }), {}, headers);

describe('a gateway with an LDAP directory (member)', () => {
  let ldap: Slapd;
  let gw: ConfiguredEmulator;
  let ciToken: string;
  before(async () => {
    ldap = await startSlapd({ seed: SEED_LDIF() });
    const pwFile = path.join(ldap.dir, 'bind.pw');
    writeFileSync(pwFile, ADMIN_PASSWORD + '\n', { mode: 0o600 });
    gw = await startWithGatewayConfig([
      // cacheSeconds 0: every Basic check and group lookup goes to slapd (what stopping it shows)
      // leads hold Admin too (an LDAP group, nested in ops): carol is an Admin, alice is not
      ...ldapConfig(ldap.url, ['cacheSeconds: 0', 'timeoutMs: 2000'], { file: pwFile }, ['admins', 'leads']),
      'clients:',
      `  - {id: ops-ci, secretHash: "${await hashSecret('ops-ci-secret')}", groups: [ops]}`,
    ]);
    const config = await oidc.discovery(new URL(credentials(gw.dataDir).issuer), 'ops-ci', 'ops-ci-secret', undefined, { execute: [oidc.allowInsecureRequests] });
    ciToken = (await oidc.clientCredentialsGrant(config)).access_token;
    await publish(gw, 'guarded', ['ops']);
    await publish(gw, 'open', []);
  });
  after(async () => {
    await gw?.stop();
    if (ldap) {
      await ldap.stop();
      removeSlapdDir(ldap);
    }
  });

  test('Basic: a member 200 (directly and through a nested group), recorded as the initiator; a non-member 403; wrong password and unknown user the same 401', async () => {
    const alice = await run(gw, 'guarded', basic('alice', 'alice-pw'));
    assert.equal(alice.status, 200, JSON.stringify(alice.body));
    assert.equal(alice.body.outputVariables.done, true);
    const carol = await run(gw, 'guarded', basic('carol', 'carol-pw'));
    assert.equal(carol.status, 200, `carol is in leads, leads in ops: ${JSON.stringify(carol.body)}`);
    const detail = await call(gw, 'GET', `/api/v1/executions/${carol.body.executionId}`);
    assert.equal(detail.body.initiator.name, 'carol');
    const bob = await run(gw, 'guarded', basic('bob', 'bob-pw'));
    assert.equal(bob.status, 403);
    assert.equal(bob.body.error.code, 'forbidden');
    const wrong = await run(gw, 'guarded', basic('alice', 'bob-pw'));
    const unknown = await run(gw, 'guarded', basic('nobody', 'bob-pw'));
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body, 'a wrong password and an unknown user answer alike');
    assert.equal(wrong.headers.get('www-authenticate'), unknown.headers.get('www-authenticate'));
    // Basic credentials are for the start route only, with an LDAP directory too.
    assert.equal((await call(gw.url, 'GET', '/api/v1/packages', undefined, basic('alice', 'alice-pw'))).status, 401);
  });

  test("a person's token: groups and Admin resolved in LDAP (nested), the read-executions filter applied; an unknown user 401", async () => {
    const bearer = async (user: string) => ({ authorization: `Bearer ${await userToken(gw, user)}` });
    assert.equal((await run(gw, 'guarded', await bearer('alice'))).status, 200, 'alice is in ops');
    assert.equal((await run(gw, 'guarded', await bearer('bob'))).status, 403);
    assert.equal((await call(gw.url, 'GET', '/api/v1/packages', undefined, await bearer('alice'))).status, 403, 'alice holds no Admin');
    assert.equal((await call(gw.url, 'GET', '/api/v1/packages', undefined, await bearer('carol'))).status, 200, 'carol holds Admin through leads');
    const seen = await call(gw.url, 'GET', '/api/v1/executions', undefined, await bearer('alice'));
    assert.equal(seen.status, 200);
    assert.ok(seen.body.executions.length > 0 && seen.body.executions.every((e: { packageName: string }) => e.packageName === 'guarded'), JSON.stringify(seen.body));
    assert.deepEqual((await call(gw.url, 'GET', '/api/v1/executions', undefined, await bearer('bob'))).body.executions, [], 'bob is in no group');
    const ghost = await call(gw.url, 'GET', '/api/v1/executions', undefined, await bearer('ghost'));
    assert.equal(ghost.status, 401);
    assert.equal(ghost.headers.get('www-authenticate'), 'Bearer realm="flowgate", error="invalid_token"');
  });

  test('an OAuth client with LDAP group names in gateway.yaml: its token executes a version of that group', async () => {
    const r = await run(gw, 'guarded', { authorization: `Bearer ${ciToken}` });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  test('a version\'s authorisation names LDAP groups: an unknown one (or another case) is 400 groups[i]; /api/v1/directory/groups lists the LDAP groups', async () => {
    const bad = await call(gw, 'PUT', '/api/v1/packages/guarded/versions/1/authorisation', { groups: ['ops', 'no-such-group', 'OPS'] });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.deepEqual(bad.body.error.details.map((d: { field: string }) => d.field), ['groups[1]', 'groups[2]']);
    assert.deepEqual((await call(gw, 'GET', '/api/v1/packages/guarded/versions/1/authorisation')).body.groups, ['ops'], 'nothing changed');
    // A filter in a group name is a name, not a filter.
    assert.equal((await call(gw, 'PUT', '/api/v1/packages/guarded/versions/1/authorisation', { groups: ['*'] })).status, 400);
    const leads = await call(gw, 'PUT', '/api/v1/packages/open/versions/1/authorisation', { groups: ['leads'] });
    assert.equal(leads.status, 200, JSON.stringify(leads.body));
    assert.equal((await run(gw, 'open', basic('alice', 'alice-pw'))).status, 403, 'alice is in ops, not in leads');
    assert.equal((await run(gw, 'open', basic('carol', 'carol-pw'))).status, 200);
    assert.equal((await call(gw, 'PUT', '/api/v1/packages/open/versions/1/authorisation', { groups: [] })).status, 200);
    const groups = await call(gw, 'GET', '/api/v1/directory/groups');
    assert.equal(groups.status, 200);
    assert.deepEqual(groups.body, { groups: [{ name: 'admins' }, { name: 'leads' }, { name: 'ops' }] });
  });

  test('slapd stopped: 503 directory-unavailable with Retry-After where the directory is needed; health, open versions and OAuth clients still served; back once slapd is', async () => {
    await ldap.stop();
    try {
      const down = await run(gw, 'guarded', basic('alice', 'alice-pw'));
      assert.equal(down.status, 503, JSON.stringify(down.body));
      assert.equal(down.body.error.code, 'directory-unavailable');
      assert.match(down.body.error.message, new RegExp(`^The directory at ldap://127\\.0\\.0\\.1:${ldap.port}/ does not answer`));
      assert.equal(down.headers.get('retry-after'), '5');
      assert.ok(!JSON.stringify(down.body).includes(ADMIN_PASSWORD));
      // A wrong password is not counted as a failure while the directory is down (and still 503, not 401).
      assert.equal((await run(gw, 'guarded', basic('alice', 'wrong'))).status, 503);
      // Served without the directory:
      assert.equal((await call(gw.url, 'GET', '/healthz')).status, 200);
      assert.equal((await call(gw.url, 'GET', '/.well-known/openid-configuration')).status, 200);
      const open = await run(gw, 'open');
      assert.equal(open.status, 200, JSON.stringify(open.body));
      assert.equal((await run(gw, 'guarded', { authorization: `Bearer ${ciToken}` })).status, 200, 'a client whose groups are in gateway.yaml');
      assert.equal((await call(gw, 'GET', '/api/v1/packages')).status, 200, 'the local admin client');
      // Needing the directory: a version's authorisation and the group list.
      const put = await call(gw, 'PUT', '/api/v1/packages/guarded/versions/1/authorisation', { groups: ['ops'] });
      assert.equal(put.status, 503);
      assert.equal(put.body.error.code, 'directory-unavailable');
      assert.equal((await call(gw, 'GET', '/api/v1/directory/groups')).status, 503);
      // A person's token needs the directory for its groups: 503, not 401 or 403 …
      const alice = { authorization: `Bearer ${await userToken(gw, 'alice')}` };
      const person = await call(gw.url, 'GET', '/api/v1/executions', undefined, alice);
      assert.equal(person.status, 503);
      assert.equal(person.body.error.code, 'directory-unavailable');
      assert.equal((await run(gw, 'guarded', alice)).status, 503, 'a version with groups');
      assert.equal((await run(gw, 'no-such-package', alice)).status, 503, 'the same answer for a package that does not exist');
      // … except a version with no groups, which needs none: run, and recorded as the token's user.
      const openRun = await run(gw, 'open', alice);
      assert.equal(openRun.status, 200, JSON.stringify(openRun.body));
      assert.equal((await call(gw, 'GET', `/api/v1/executions/${openRun.body.executionId}`)).body.initiator.name, 'alice');
    } finally {
      await ldap.restart();
    }
    const back = await run(gw, 'guarded', basic('alice', 'alice-pw'));
    assert.equal(back.status, 200, JSON.stringify(back.body));
    const out = gw.output();
    assert.match(out, /the directory at ldap:\/\/127\.0\.0\.1:\d+\/ does not answer/);
    assert.match(out, /answers again/);
    assert.equal(out.split('does not answer').length - 1, 1, 'one log line for the outage, not one per request');
    assert.ok(!out.includes(ADMIN_PASSWORD), 'the bind password is never logged');
  });
});

describe('a gateway with an LDAP directory (memberOf)', () => {
  let ldap: Slapd;
  let gw: ConfiguredEmulator;
  before(async () => {
    ldap = await startSlapd({ seed: SEED_LDIF(true), memberOf: true });
    gw = await startWithGatewayConfig(ldapConfig(ldap.url, ['membership: memberOf'], { password: ADMIN_PASSWORD }));
    await publish(gw, 'guarded', ['ops']);
  });
  after(async () => {
    await gw?.stop();
    if (ldap) {
      await ldap.stop();
      removeSlapdDir(ldap);
    }
  });

  test('nested membership through memberOf grants execution; a non-member 403; a wrong password 401', async () => {
    assert.equal((await run(gw, 'guarded', basic('carol', 'carol-pw'))).status, 200);
    assert.equal((await run(gw, 'guarded', basic('alice', 'alice-pw'))).status, 200);
    assert.equal((await run(gw, 'guarded', basic('bob', 'bob-pw'))).status, 403);
    assert.equal((await run(gw, 'guarded', basic('carol', 'alice-pw'))).status, 401);
  });
});

describe('an LDAP server that accepts connections and never answers', () => {
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let gw: ConfiguredEmulator;
  before(async () => {
    silent = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    gw = await startWithGatewayConfig(ldapConfig(`ldap://127.0.0.1:${port}/`, ['timeoutMs: 300'], { password: ADMIN_PASSWORD }));
  });
  after(async () => {
    await gw?.stop();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  test('a request that needs it answers 503 directory-unavailable (after timeoutMs, not a hang); the rest is served', async () => {
    const r = await call(gw.url, 'POST', startPath('x/Run', { packageName: 'any' }), {}, basic('alice', 'alice-pw'));
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'directory-unavailable');
    assert.equal((await call(gw, 'GET', '/api/v1/directory/groups')).status, 503);
    assert.equal((await call(gw.url, 'GET', '/healthz')).status, 200);
  });
});
