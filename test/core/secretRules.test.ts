/** Core's rules for connection secrets (src/core/secrets/rules.ts): names, values, grants, PKG/CONN. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { grantKey, isSecretName, parseGrant, secretGrantProblems, secretValueProblems } from '../../src/core/secrets/rules';

test('secret names: what a connection may name, nothing reserved', () => {
  for (const ok of ['CRM_TOKEN', 'crm.token-2', 'a', 'x'.repeat(256)]) assert.ok(isSecretName(ok), ok);
  for (const bad of ['', 'a b', 'a/b', 'x'.repeat(257), '__proto__', 'constructor', 'a\u0000', 42, undefined]) assert.ok(!isSecretName(bad), String(bad));
});

test('secret values: bounded, and a problem never quotes the value', () => {
  assert.deepEqual(secretValueProblems('abcd'), []);
  assert.deepEqual(secretValueProblems('x'.repeat(LIMITS.secretValueLength)), []);
  const short = secretValueProblems('abc');
  assert.equal(short[0].field, 'value');
  assert.ok(!short[0].message.includes('abc'));
  assert.equal(secretValueProblems('y'.repeat(LIMITS.secretValueLength + 1)).length, 1);
  assert.equal(secretValueProblems(42, 'v')[0].field, 'v');
});

test('grants: {package, connection} pairs, each field named; PKG/CONN both ways', () => {
  assert.deepEqual(secretGrantProblems([{ package: 'network-ops', connection: 'folder/crm' }]), []);
  assert.deepEqual(
    secretGrantProblems([{ package: 'a b', connection: '' }, { package: 'p', connection: 'c', extra: 1 }, { package: 'p', connection: 'c' }]).map((p) => p.field),
    ['grants[0].package', 'grants[0].connection', 'grants[1].extra', 'grants[2]'],
  );
  assert.equal(secretGrantProblems('p/c')[0].field, 'grants');
  assert.equal(secretGrantProblems(Array.from({ length: LIMITS.secretGrants + 1 }, (_, i) => ({ package: 'p', connection: `c${i}` })))[0].field, 'grants');
  assert.deepEqual(parseGrant('network-ops/folder/crm'), { package: 'network-ops', connection: 'folder/crm' });
  for (const bad of ['crm', '/crm', 'pkg/', 'a b/crm', 'pkg//crm']) assert.equal(parseGrant(bad), undefined, bad);
  assert.equal(grantKey({ package: 'p', connection: 'f/c' }), 'p/f/c');
});
