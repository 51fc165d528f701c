/**
 * LDAP injection through the HTTP Basic user name, against a real emulator serving a REAL slapd
 * (gateway.yaml `directory.kind: ldap`, user filter `(uid={user})`). Names holding filter syntax —
 * `*`, `*)(uid=*`, `admin)(|(uid=*`, `al*`, a backslash escape, a DN — with a real user's password
 * are refused exactly like an unknown user and never authenticate as anyone; NUL, other control
 * characters, an empty password (an unauthenticated bind) and a very long name are refused before
 * the directory is asked. Escaping is proven by a user whose uid literally IS `*)(uid=*`: only its
 * own password lets it in, as itself. Group names with filter syntax are refused by PUT …/authorisation.
 * The gateway keeps serving /healthz throughout.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_DN, ADMIN_PASSWORD, SEED_LDIF, SUFFIX, removeSlapdDir, startSlapd, type Slapd } from '../support/slapd';
import { startWithGatewayConfig, type ConfiguredEmulator } from '../support/gatewayConfigFixture';
import { buildPackage, startPath } from '../emulator/helpers';
import { call, whileServing } from './harness';

const FLOW = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
const TRICKY_UID = '*)(uid=*';
const basicHeader = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` });

/** The seed plus a user whose uid is filter syntax, in no group. */
const SEED = `${SEED_LDIF()}
dn: cn=tricky,ou=people,${SUFFIX}
objectClass: inetOrgPerson
cn: tricky
sn: tricky
uid: ${TRICKY_UID}
userPassword: tricky-pw
`;

describe('LDAP injection in the Basic user name', () => {
  let ldap: Slapd;
  let gw: ConfiguredEmulator;
  before(async () => {
    ldap = await startSlapd({ seed: SEED });
    gw = await startWithGatewayConfig([
      'directory:',
      '  kind: ldap',
      `  url: "${ldap.url}"`,
      `  bindDn: "${ADMIN_DN}"`,
      `  bindPassword: "${ADMIN_PASSWORD}"`,
      `  userBase: "ou=people,${SUFFIX}"`,
      `  groupBase: "ou=groups,${SUFFIX}"`,
      '  cacheSeconds: 0',
      'adminGroups: [admins]',
    ]);
    for (const [name, groups] of [['guarded', ['ops']], ['open', []]] as const) {
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage(name, 1, { 'x/Run': FLOW }))).status, 201);
      assert.equal((await call(gw, 'POST', `/api/v1/packages/${name}/versions/1/publish`)).status, 200);
      if (groups.length) assert.equal((await call(gw, 'PUT', `/api/v1/packages/${name}/versions/1/authorisation`, { groups })).status, 200);
    }
  });
  after(async () => {
    await gw?.stop();
    if (ldap) {
      await ldap.stop();
      removeSlapdDir(ldap);
    }
  });

  const run = (pkg: string, user: string, password: string) => call(gw.url, 'POST', startPath('x/Run', { packageName: pkg }), {}, basicHeader(user, password));

  test('filter syntax in the name with a real password: the unknown-user answer, never another user', async () => {
    const unknown = await run('guarded', 'nobody', 'alice-pw');
    assert.equal(unknown.status, 401);
    const names = ['*', 'admin)(|(uid=*', 'alice)(uid=*', '*)(|(objectClass=*', 'al*', 'alice*', '\\2a', `uid=alice,ou=people,${SUFFIX}`];
    await whileServing(gw, async () => {
      for (const name of names) {
        const r = await run('guarded', name, 'alice-pw');
        assert.equal(r.status, 401, `${JSON.stringify(name)}: ${JSON.stringify(r.body)}`);
        assert.deepEqual(r.body, unknown.body, `${JSON.stringify(name)} answers like an unknown user`);
      }
      // A wildcard with each seeded user's password matches none of them.
      for (const pw of ['bob-pw', 'carol-pw']) assert.equal((await run('open', '*', pw)).status, 401, `* with ${pw}`);
    });
    // alice herself still gets in: nothing above locked her out or changed her.
    assert.equal((await run('guarded', 'alice', 'alice-pw')).status, 200);
  });

  test("spellings LDAP's own matching rule gives one user (case, folded spaces) are that user, recorded by the directory's spelling", async () => {
    for (const name of ['ALICE', 'alice\u00a0', ' alice']) {
      const r = await run('guarded', name, 'alice-pw');
      assert.equal(r.status, 200, `${JSON.stringify(name)}: ${JSON.stringify(r.body)}`);
      const detail = await call(gw, 'GET', `/api/v1/executions/${r.body.executionId}`);
      assert.equal(detail.body.initiator.name, 'alice', `${JSON.stringify(name)} is recorded as alice`);
      assert.equal((await run('guarded', name, 'bob-pw')).status, 401, `${JSON.stringify(name)} with bob's password`);
    }
  });

  test('the escaping is exact: the user whose uid IS "*)(uid=*" gets in with its own password only, as itself', async () => {
    const own = await run('open', TRICKY_UID, 'tricky-pw');
    assert.equal(own.status, 200, JSON.stringify(own.body));
    const detail = await call(gw, 'GET', `/api/v1/executions/${own.body.executionId}`);
    assert.equal(detail.body.initiator.name, TRICKY_UID, 'recorded under its literal name');
    assert.equal((await run('open', TRICKY_UID, 'alice-pw')).status, 401, "another user's password does not work for it");
    assert.equal((await run('guarded', TRICKY_UID, 'tricky-pw')).status, 403, 'it is in no group: its name matches no other entry');
  });

  test('NUL and other control characters, an empty password, a very long name: refused before the directory is asked', async () => {
    await whileServing(gw, async () => {
      for (const [user, password] of [
        ['alice\u0000', 'alice-pw'],
        ['alice\u0000)(uid=*', 'alice-pw'],
        ['ali\nce', 'alice-pw'],
        ['alice', ''],
        ['a'.repeat(300), 'alice-pw'],
        ['*'.repeat(5000), 'alice-pw'],
      ] as const) {
        const r = await run('guarded', user, password);
        assert.equal(r.status, 401, `${JSON.stringify(user.slice(0, 20))}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'unauthorized');
      }
    });
  });

  test('filter syntax in a version\'s group names: 400 naming the group, nothing changed', async () => {
    for (const groups of [['*'], ['ops)(cn=*'], ['ops', '*)(|(cn=*']]) {
      const r = await call(gw, 'PUT', '/api/v1/packages/guarded/versions/1/authorisation', { groups });
      assert.equal(r.status, 400, JSON.stringify(groups));
      assert.equal(r.body.error.details[0].field, `groups[${groups.length - 1}]`);
    }
    assert.deepEqual((await call(gw, 'GET', '/api/v1/packages/guarded/versions/1/authorisation')).body.groups, ['ops']);
  });
});
