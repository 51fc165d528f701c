/**
 * HTTP Basic credentials on the start route, against a real emulator process with an embedded
 * directory (scrypt): a member of the version's group (through a nested group) 200 and recorded as
 * the initiator, a non-member 403, a wrong password and an unknown user the same 401 (offering Basic
 * and Bearer), malformed credentials 401, Basic on a management route 401 naming Bearer, and
 * repeated failures for one user 429 with Retry-After (even with the right password), other users
 * unaffected.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWithGatewayConfig, type ConfiguredEmulator } from '../support/gatewayConfigFixture';
import { hashSecret } from '../../src/core/gatewayConfig/scrypt';
import { buildPackage, call, startPath } from './helpers';

const FLOW = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('HTTP Basic on the start route', () => {
  let gw: ConfiguredEmulator;
  before(async () => {
    gw = await startWithGatewayConfig([
      'directory:',
      '  kind: embedded',
      '  users:',
      `    - {name: alice, passwordHash: "${await hashSecret('alice-pw')}"}`,
      `    - {name: bob, passwordHash: "${await hashSecret('bob-pw')}"}`,
      `    - {name: mallory, passwordHash: "${await hashSecret('mallory-pw')}"}`,
      '  groups:',
      '    - {name: flowgate-admins, members: []}',
      '    - {name: operators, members: [night-shift]}',
      '    - {name: night-shift, members: [alice]}',
      '    - {name: others, members: [bob, mallory]}',
    ]);
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('guarded', 1, { 'x/Run': FLOW }))).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/guarded/versions/1/publish')).status, 200);
    assert.equal((await call(gw, 'PUT', '/api/v1/packages/guarded/versions/1/authorisation', { groups: ['operators'] })).status, 200);
  });
  after(async () => {
    await gw?.stop();
  });
  const run = (headers: Record<string, string>) => call(gw.url, 'POST', startPath('x/Run', { packageName: 'guarded' }), {}, headers);

  test('a member (nested group) 200 and recorded; a non-member 403; wrong password and unknown user the same 401', async () => {
    const ok = await run(basic('alice', 'alice-pw'));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const again = await run(basic('alice', 'alice-pw'));
    assert.equal(again.status, 200, 'served again (from the short cache)');
    const list = await call(gw, 'GET', '/api/v1/executions');
    assert.ok(JSON.stringify(list.body).includes('"alice"'), 'the execution records alice as who started it');
    assert.deepEqual((await call(gw, 'GET', `/api/v1/executions/${ok.body.executionId}`)).body.initiator, { type: 'user', name: 'alice' });
    const other = await run(basic('bob', 'bob-pw'));
    assert.equal(other.status, 403);
    assert.equal(other.body.error.code, 'forbidden');
    const wrong = await run(basic('alice', 'nope'));
    const unknown = await run(basic('nobody', 'nope'));
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, unknown.body, 'a wrong password and an unknown user answer alike');
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic realm="flowgate"/);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /Bearer realm="flowgate"/);
    const bad = await run({ authorization: 'Basic !!!' });
    assert.equal(bad.status, 401);
    assert.match(bad.body.error.message, /Malformed HTTP Basic/);
    assert.equal((await run({ authorization: `Basic ${Buffer.from('alice').toString('base64')}` })).status, 401, 'no colon');
  });

  test('Basic on a management route: 401 naming Bearer, even with right credentials', async () => {
    for (const [method, p] of [['GET', '/api/v1/packages'], ['GET', '/api/v1/executions'], ['PUT', '/api/v1/packages/guarded/versions/1/authorisation']] as const) {
      const r = await call(gw.url, method, p, method === 'PUT' ? { groups: [] } : undefined, basic('alice', 'alice-pw'));
      assert.equal(r.status, 401, `${method} ${p}`);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="flowgate"');
      assert.match(r.body.error.message, /start route only.*Bearer/);
    }
  });

  test('repeated failures for one user: 429 with Retry-After, even with the right password; other users unaffected', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await run(basic('mallory', `guess-${i}`))).status, 401);
    const limited = await run(basic('mallory', 'mallory-pw'));
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'too-many-attempts');
    const after = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(after) && after > 0 && after <= 300, String(after));
    assert.equal((await run(basic('alice', 'alice-pw'))).status, 200, 'another user is not limited by mallory');
  });
});
