/** The gateway configuration's core rules: scrypt hashes, the schema's field-naming problems, nested groups with cycles. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashSecret, scryptHashProblem, verifySecret } from '../../src/core/gatewayConfig/scrypt';
import { checkGatewayConfig, parseGatewayConfig } from '../../src/core/gatewayConfig/schema';
import { EmbeddedDirectory, mayUseVersion } from '../../src/core/gatewayConfig/directory';

test('scrypt hashes: scrypt$N$r$p$salt$hash, verified in constant time, bounded parameters', async () => {
  const h = await hashSecret('pw', { N: 1024, r: 8, p: 1 });
  assert.match(h, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
  assert.equal(await verifySecret('pw', h), true);
  assert.equal(await verifySecret('pW', h), false);
  assert.notEqual(await hashSecret('pw', { N: 1024, r: 8, p: 1 }), h, 'fresh salt');
  assert.match(scryptHashProblem(h.replace('$1024$', '$1000$'))!, /power of 2/);
  assert.match(scryptHashProblem(h.replace('$1024$', '$1048576$'))!, /power of 2 from 2 to/);
  assert.match(scryptHashProblem('bcrypt$x')!, /scrypt\$N\$r\$p/);
  assert.equal(await verifySecret('pw', h.replace('$1024$', '$1048576$')), false, 'an over-costly hash is never run');
});

test('problems name the field; defaults are filled in', async () => {
  const hash = await hashSecret('x', { N: 1024, r: 8, p: 1 });
  const bad = checkGatewayConfig({ directory: { kind: 'embedded', users: [{ name: 'a', passwordHash: hash }, { name: 'b' }], groups: [] } });
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok && bad.problems.includes('directory.users[1].passwordHash: is required'), JSON.stringify(bad));
  const good = parseGatewayConfig(`directory: {kind: embedded, users: [], groups: [{name: flowgate-admins, members: []}]}\n`);
  assert.ok(good.ok);
  assert.deepEqual(good.ok && [good.config.adminGroups, good.config.accessTokenTtlSeconds, good.config.clients], [['flowgate-admins'], 300, []]);
});

test('nested groups are resolved, cycles end the walk; Admin and version membership follow', async () => {
  const hash = await hashSecret('x', { N: 1024, r: 8, p: 1 });
  const r = checkGatewayConfig({
    directory: {
      kind: 'embedded',
      users: [{ name: 'alice', passwordHash: hash }, { name: 'bob', passwordHash: hash, groups: ['ops'] }],
      groups: [
        { name: 'admins', members: ['leads'] },
        { name: 'leads', members: ['alice', 'admins'] },
        { name: 'ops', members: ['night-shift'] },
        { name: 'night-shift', members: ['ops'] },
      ],
    },
    adminGroups: ['admins'],
    clients: [{ id: 'ci', secretHash: hash, groups: ['night-shift'] }],
  });
  assert.ok(r.ok, JSON.stringify(r));
  const d = new EmbeddedDirectory(r.config);
  const alice = d.user('alice')!;
  assert.deepEqual([...alice.groups].sort(), ['admins', 'leads']);
  assert.equal(alice.admin, true);
  const ci = d.client('ci')!;
  assert.deepEqual([...ci.groups].sort(), ['night-shift', 'ops']);
  assert.equal(ci.admin, false);
  assert.equal(d.client('nobody'), undefined);
  assert.equal(mayUseVersion(ci, []), true);
  assert.equal(mayUseVersion(undefined, []), true);
  assert.equal(mayUseVersion(undefined, ['ops']), false);
  assert.equal(mayUseVersion(ci, ['ops']), true);
  assert.equal(mayUseVersion(ci, ['admins']), false);
  assert.equal(mayUseVersion(alice, ['ops']), true, 'Admin may use any version');
});

test('a configured client may not take the id of a built-in sign-in client', async () => {
  const hash = await hashSecret('x', { N: 1024, r: 8, p: 1 });
  for (const id of ['flowgate-cli', 'flowgate-vscode']) {
    const r = checkGatewayConfig({
      directory: { kind: 'embedded', users: [], groups: [{ name: 'flowgate-admins', members: [] }] },
      clients: [{ id, secretHash: hash, groups: [] }],
    });
    assert.equal(r.ok, false, id);
    assert.ok(!r.ok && r.problems.some((p) => p.startsWith('clients[0].id:') && p.includes('built-in')), JSON.stringify(r));
  }
});
