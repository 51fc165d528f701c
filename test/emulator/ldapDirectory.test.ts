/**
 * The LDAP directory (src/emulator/auth/ldapDirectory.ts) against a REAL OpenLDAP (test/support/slapd.ts):
 * bind as a user, wrong password and unknown user alike, nested groups by `member` and by `memberOf`
 * (Debian's slapd ships the memberof overlay), the Admin role through a nested group, RFC 4515
 * escaping of the user name, and LDAP down → DirectoryUnavailableError, then back after a restart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSlapd, removeSlapdDir, SEED_LDIF, SUFFIX, ADMIN_DN, ADMIN_PASSWORD, type Slapd } from '../support/slapd';
import { LdapDirectory, DirectoryUnavailableError } from '../../src/emulator/auth/ldapDirectory';
import { checkLdapDirectory, parseGatewayConfig } from '../../src/core/gatewayConfig/schema';

let member: Slapd;
let memberOf: Slapd;

before(async () => {
  [member, memberOf] = await Promise.all([startSlapd({ seed: SEED_LDIF() }), startSlapd({ seed: SEED_LDIF(), memberOf: true })]);
});
after(async () => {
  for (const s of [member, memberOf]) {
    if (!s) continue;
    await s.stop();
    removeSlapdDir(s);
  }
});

function settings(url: string, extra: Record<string, unknown> = {}) {
  const r = checkLdapDirectory({
    kind: 'ldap',
    url,
    bindDn: ADMIN_DN,
    bindPassword: ADMIN_PASSWORD,
    userBase: `ou=people,${SUFFIX}`,
    groupBase: `ou=groups,${SUFFIX}`,
    timeoutMs: 2000,
    ...extra,
  });
  assert.ok(r.ok, JSON.stringify(r));
  return r.settings;
}

for (const kind of ['member', 'memberOf'] as const) {
  test(`${kind}: bind as a user; wrong password and unknown user give the same answer; nested groups; Admin through a nested group`, async () => {
    const dir = new LdapDirectory(settings((kind === 'member' ? member : memberOf).url, { membership: kind }), ['leads']);
    try {
      const alice = await dir.checkPassword('alice', 'alice-pw');
      assert.deepEqual(alice && { id: alice.id, groups: [...alice.groups].sort(), admin: alice.admin }, { id: 'alice', groups: ['ops'], admin: false });
      const carol = await dir.checkPassword('carol', 'carol-pw');
      assert.deepEqual(carol && [...carol.groups].sort(), ['leads', 'ops'], 'carol is in leads, leads in ops');
      assert.equal(carol?.admin, true);
      const bob = await dir.checkPassword('bob', 'bob-pw');
      assert.deepEqual(bob && [...bob.groups], []);
      assert.equal(await dir.checkPassword('alice', 'wrong'), undefined);
      assert.equal(await dir.checkPassword('nobody', 'alice-pw'), undefined);
      assert.equal(await dir.checkPassword('alice', ''), undefined, 'an empty password is an unauthenticated bind: refused');
      // RFC 4515: a name with filter characters finds nobody rather than everybody
      assert.equal(await dir.checkPassword('*', 'alice-pw'), undefined);
      assert.equal(await dir.checkPassword('alice)(uid=*', 'alice-pw'), undefined);
      assert.deepEqual(await dir.listGroups(), [{ name: 'admins' }, { name: 'leads' }, { name: 'ops' }]);
      assert.deepEqual([...((await dir.groupsOf('carol')) ?? [])].sort(), ['leads', 'ops']);
      assert.equal(await dir.groupsOf('nobody'), undefined);
      assert.equal(await dir.hasGroup('OPS'), false, 'LDAP matches cn without case; a group name is exact');
      assert.equal(await dir.hasGroup('ops'), true);
      assert.equal(await dir.hasGroup('o*'), false);
      // many lookups at once stay under the cap and all answer
      const many = await Promise.all(Array.from({ length: 200 }, (_, i) => dir.hasGroup(i % 2 ? 'ops' : 'none')));
      assert.equal(many.filter(Boolean).length, 100);
    } finally {
      await dir.close();
    }
  });
}

test('LDAP down: a clear DirectoryUnavailableError (URL, no password), and working again after slapd is back', async () => {
  const dir = new LdapDirectory(settings(member.url, { cacheSeconds: 0 }), []);
  try {
    assert.equal(await dir.hasGroup('ops'), true);
    await member.stop();
    await assert.rejects(dir.hasGroup('ops'), (e: unknown) => {
      assert.ok(e instanceof DirectoryUnavailableError);
      assert.equal(e.code, 'directory-unavailable');
      assert.match(e.message, /^The directory at ldap:\/\/127\.0\.0\.1:\d+\/ does not answer \(/);
      assert.doesNotMatch(e.message, new RegExp(ADMIN_PASSWORD));
      return true;
    });
    await assert.rejects(dir.checkPassword('alice', 'alice-pw'), DirectoryUnavailableError);
    await member.restart();
    assert.equal(await dir.hasGroup('ops'), true, 'reconnects');
    assert.equal((await dir.checkPassword('alice', 'alice-pw'))?.id, 'alice');
  } finally {
    await dir.close();
  }
});

test('a refused gateway bind is a clear error naming bindDn, not the password', async () => {
  const dir = new LdapDirectory(settings(member.url, { bindPassword: 'not-it' }), []);
  try {
    await assert.rejects(dir.listGroups(), (e: unknown) => e instanceof DirectoryUnavailableError && /directory\.bindDn/.test(e.message) && !e.message.includes('not-it'));
  } finally {
    await dir.close();
  }
});

test('bindPasswordFile is read (trailing newline dropped)', async () => {
  const file = path.join(member.dir, 'bind.pw');
  writeFileSync(file, ADMIN_PASSWORD + '\n');
  const dir = new LdapDirectory(settings(member.url, { bindPassword: undefined, bindPasswordFile: file }), []);
  try {
    assert.equal(await dir.hasGroup('admins'), true);
  } finally {
    await dir.close();
  }
});

test('gateway.yaml directory.kind ldap: problems name the field; defaults filled', () => {
  const base = { kind: 'ldap', url: 'ldap://h', bindDn: 'cn=a', bindPassword: 'x', userBase: 'ou=p', groupBase: 'ou=g' };
  const ok = checkLdapDirectory(base);
  assert.ok(ok.ok);
  assert.equal(ok.settings.userFilter, '(uid={user})');
  assert.equal(ok.settings.groupFilter, '(objectClass=groupOfNames)');
  assert.equal(ok.settings.membership, 'member');
  assert.equal(ok.settings.maxRequestsInFlight, 50);
  const problems = (v: Record<string, unknown>) => {
    const r = checkLdapDirectory({ ...base, ...v });
    return r.ok ? [] : r.problems;
  };
  assert.deepEqual(problems({ url: 'http://h' }), ['directory.url: must be an ldap:// or ldaps:// URL']);
  assert.deepEqual(problems({ membership: 'owner' }).some((p) => p.startsWith('directory.membership')), true);
  assert.deepEqual(problems({ maxRequestsInFlight: 100000 }).some((p) => p.startsWith('directory.maxRequestsInFlight')), true);
  assert.deepEqual(problems({ bindPassword: undefined }), ['directory.bindPassword: give exactly one of bindPassword and bindPasswordFile']);
  assert.deepEqual(problems({ userFilter: '(uid=x)' }), ['directory.userFilter: must contain {user}']);
  assert.deepEqual(problems({ startTls: true, url: 'ldaps://h' }), ['directory.startTls: not with an ldaps:// url (it is TLS already)']);
  assert.deepEqual(problems({ colour: 1 }), ['directory.colour: is not a known setting']);
  const file = parseGatewayConfig('directory:\n  kind: ldap\n  url: ldap://h\n  bindDn: cn=a\n  bindPassword: x\n  userBase: ou=p\n');
  assert.deepEqual(file.ok ? [] : file.problems, ['directory.groupBase: is required']);
  // A whole file with an LDAP directory: accepted, group names (LDAP cn) not looked for in the file; the rest still checked.
  const ldapFile = 'directory:\n  kind: ldap\n  url: ldap://h\n  bindDn: cn=a\n  bindPassword: x\n  userBase: ou=p\n  groupBase: ou=g\nadminGroups: [ops]\n';
  const whole = parseGatewayConfig(ldapFile + 'clients: [{id: ci, secretHash: "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", groups: [leads]}]\n');
  assert.ok(whole.ok, JSON.stringify(whole));
  assert.equal(whole.config.directory.kind, 'ldap');
  assert.deepEqual(whole.config.adminGroups, ['ops']);
  const rest = parseGatewayConfig(ldapFile + 'colour: blue\naccessTokenTtlSeconds: 1\n');
  assert.deepEqual(rest.ok ? [] : rest.problems.sort(), ['accessTokenTtlSeconds: must be >= 30', 'colour: is not a known setting']);
});

test('TLS: ldaps:// and StartTLS with a certificate made for the test (CA given by tls.caFile); an unknown CA is refused', async () => {
  const tls = await startSlapd({ seed: SEED_LDIF(), tls: true });
  try {
    for (const extra of [{ url: tls.ldapsUrl! }, { startTls: true }]) {
      const dir = new LdapDirectory(settings(tls.url, { ...extra, tls: { caFile: tls.caFile } }), []);
      try {
        assert.equal((await dir.checkPassword('alice', 'alice-pw'))?.id, 'alice', JSON.stringify(extra));
        assert.equal(await dir.checkPassword('alice', 'wrong'), undefined);
      } finally {
        await dir.close();
      }
      const untrusted = new LdapDirectory(settings(tls.url, extra), []);
      try {
        await assert.rejects(untrusted.listGroups(), DirectoryUnavailableError, 'a server certificate from an unknown CA is refused');
      } finally {
        await untrusted.close();
      }
    }
  } finally {
    await tls.stop();
    removeSlapdDir(tls);
  }
});
