/**
 * Hostile requests at the API boundary: wrong content types on every JSON route, deep nesting,
 * huge strings / arrays / objects, unaddressable versions, overlong names, repeated query
 * parameters, prototype-pollution keys, NUL bytes and invalid UTF-8. Each is refused with a 4xx
 * naming the field, while the gateway keeps answering /healthz within a second, and the state a
 * user relies on is unchanged afterwards. Large inputs are generated here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_OPERATIONS, type ApiOperation } from '../../src/core/api/schemas/operations';
import { startPath } from '../emulator/helpers';
import type { EmulatorProcess } from '../support/emulatorProcess';
import { assertRefused, call, snapshot, startTarget, whileServing, type HttpResult } from './harness';

const P = '/api/v1/packages/network-ops/versions/1';
const FLOW = 'network/core/Restart-Service';
const START = startPath(FLOW, { packageName: 'network-ops', packageVersion: 1 });
const SCHEDULE = { name: 'hostile', flow: FLOW, expression: '0 3 * * *', inputs: { device: '10.0.0.1' } };
const TRIGGER = { name: 'hostile', flow: FLOW, conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c' }, inputs: { device: '10.0.0.1' } };
const USER = { name: 'hostile', level: 'authNoPriv', authProtocol: 'sha', authKey: 'hostile-key-1' };

/** Sends raw bytes with exactly these headers (no content type unless given) and the admin's token (unless `authorization` is given; '' = none). */
async function send(gw: EmulatorProcess, method: string, path: string, body: string | Uint8Array | undefined, given: Record<string, string> = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { authorization: `Bearer ${await gw.adminToken()}`, ...given };
  if (headers.authorization === '') delete headers.authorization;
  const res = await fetch(gw.url + path, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? new TextEncoder().encode(body) : (body as Uint8Array<ArrayBuffer>) }) });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: res.status, body: parsed, headers: res.headers };
}
const json = { 'content-type': 'application/json' };

describe('hostile requests', () => {
  let gw: EmulatorProcess;
  let scheduleId: string;
  let triggerId: string;
  let before0: unknown;

  before(async () => {
    gw = await startTarget();
    const s = await call(gw, 'POST', `${P}/schedules`, SCHEDULE);
    assert.equal(s.status, 201, JSON.stringify(s.body));
    scheduleId = s.body.id;
    const t = await call(gw, 'POST', `${P}/triggers`, TRIGGER);
    assert.equal(t.status, 201, JSON.stringify(t.body));
    triggerId = t.body.id;
    assert.equal((await call(gw, 'POST', '/api/v1/snmp/users', USER)).status, 201);
    before0 = await snapshot(gw);
  });
  after(async () => {
    await gw?.stop();
  });

  /** Runs the attacks while probing health, then checks the state did not move. */
  async function attack(run: () => Promise<void>): Promise<void> {
    await whileServing(gw, run);
    assert.deepEqual(await snapshot(gw), before0, 'the state changed');
  }

  /** Every operation with a JSON body: method, documented path, a concrete path, a valid body. */
  const jsonRoutes = (): [string, string, string, unknown][] => [
    ['POST', '/api/{tenant}/{system}/flows/{flow}/executions', START, { inputVariables: { device: '10.0.0.1' } }],
    ['POST', '/api/v1/executions/stop', '/api/v1/executions/stop', { ids: ['x'] }],
    ['POST', '/api/v1/packages/{name}/versions/{version}/new-version', `${P}/new-version`, {}],
    ['POST', '/api/v1/packages/{name}/versions/{version}/schedules', `${P}/schedules`, { ...SCHEDULE, name: 'other' }],
    ['PUT', '/api/v1/packages/{name}/versions/{version}/schedules/{id}', `${P}/schedules/${scheduleId}`, { ...SCHEDULE, enabled: false }],
    ['POST', '/api/v1/cron/preview', '/api/v1/cron/preview', { expression: '* * * * *' }],
    ['POST', '/api/v1/packages/{name}/versions/{version}/triggers', `${P}/triggers`, { ...TRIGGER, name: 'other' }],
    ['PUT', '/api/v1/packages/{name}/versions/{version}/triggers/{id}', `${P}/triggers/${triggerId}`, { ...TRIGGER, enabled: false }],
    ['POST', '/api/v1/snmp/evaluate', '/api/v1/snmp/evaluate', { version: 'v2c', source: { address: '10.0.0.1', port: 162 }, trapOid: '1.3.6.1.6.3.1.1.5.3' }],
    ['POST', '/api/v1/snmp/users', '/api/v1/snmp/users', { ...USER, name: 'other' }],
    ['PUT', '/api/v1/snmp/users/{name}', '/api/v1/snmp/users/hostile', USER],
    ['PUT', '/api/v1/packages/{name}/versions/{version}/authorisation', `${P}/authorisation`, { groups: ['flowgate-admins'] }],
    ['PUT', '/api/v1/secrets/{name}', '/api/v1/secrets/HOSTILE', { value: 'hostile-secret-value', grants: [{ package: 'network-ops', connection: 'local-gateway' }] }],
    ['PUT', '/api/v1/secrets/{name}/grants', '/api/v1/secrets/HOSTILE/grants', { grants: [] }],
    ['POST', '/api/v1/validate', '/api/v1/validate', { references: [{ kind: 'flow', id: FLOW }], secrets: [{ connection: 'local-gateway', secret: 'HOSTILE' }], package: 'network-ops' }],
    ['POST', '/api/v1/packages/{name}/versions/{version}/history', `${P}/history`, { id: 'hostile-event-1', event: 'ACCEPTED', target: 'qa', at: '2026-01-01T00:00:00Z', by: 'x', contentDigest: '0'.repeat(64) }],
    ['POST', '/api/v1/imports', '/api/v1/imports', { source: 'nowhere', name: 'network-ops', version: 1 }],
    ['PUT', '/api/v1/imports/{id}/replacements', '/api/v1/imports/imp-hostile/replacements', { replacements: [{ kind: 'flow', from: 'a/B', to: 'a/C' }] }],
    ['POST', '/api/v1/imports/{id}/apply', '/api/v1/imports/imp-hostile/apply', {}],
    ['POST', '/api/v1/imports/{id}/reject', '/api/v1/imports/imp-hostile/reject', { reason: 'hostile' }],
    ['POST', '/api/v1/draft-runs', '/api/v1/draft-runs', { files: { 'flows/x/Hostile.flow.yaml': 'steps: []\n' }, flow: 'x/Hostile' }],
  ];

  test('the attacks below cover every operation that takes a JSON body', () => {
    const withBody = Object.values<ApiOperation>(API_OPERATIONS).filter((o) => o.body).map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    assert.deepEqual(jsonRoutes().map(([m, t]) => `${m} ${t}`).sort(), withBody);
  });

  test('wrong content types on every JSON route: 415 naming content-type, nothing changes', async () => {
    const types = ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1'];
    await attack(async () => {
      for (const [method, , path, body] of jsonRoutes()) {
        for (const type of types) assertRefused(await send(gw, method, path, JSON.stringify(body), { 'content-type': type }), 415, 'content-type', 'unsupported-media-type');
        assertRefused(await send(gw, method, path, JSON.stringify(body)), 415, 'content-type', 'unsupported-media-type');
      }
      // Routes that take no body: one sent as a form or text is refused too.
      for (const path of [`${P}/publish`, `${P}/unpublish`, `${P}/default`, '/api/v1/packages/network-ops/default', `${P}/schedules/${scheduleId}/run`, '/api/v1/executions/x/stop']) {
        assertRefused(await send(gw, 'POST', path, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'content-type');
        assertRefused(await send(gw, 'POST', path, 'hello', { 'content-type': 'text/plain' }), 415, 'content-type');
      }
      // A package upload takes only application/zip or application/octet-stream.
      for (const type of ['text/plain', 'application/json', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
        assertRefused(await send(gw, 'POST', '/api/v1/packages', 'PK\u0003\u0004', { 'content-type': type }), 415, 'content-type');
      }
    });
    // The JSON types are accepted: application/json with charset and a +json type.
    const ok = await send(gw, 'POST', '/api/v1/cron/preview', JSON.stringify({ expression: '* * * * *' }), { 'content-type': 'application/merge-patch+json; charset=utf-8' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test('deep nesting is a 400 naming the field, checked before parsing', async () => {
    const deep = (n: number, leaf = '1') => '{"a":'.repeat(n) + leaf + '}'.repeat(n);
    await attack(async () => {
      assertRefused(await send(gw, 'POST', START, `{"inputVariables":{"device":${deep(10_000)}}}`, json), 400, 'inputVariables.device');
      assertRefused(await send(gw, 'POST', `${P}/schedules`, `{"name":"d","flow":"${FLOW}","expression":"* * * * *","inputs":{"device":${deep(100)}}}`, json), 400, 'inputs.device');
      assertRefused(await send(gw, 'POST', '/api/v1/snmp/evaluate', `{"version":"v2c","varbinds":[{"oid":"1.3","type":"x","value":${deep(65)}}]}`, json), 400, 'varbinds[0].value');
      // 4.9 MB of '[': parsing that alone would block the event loop for about a second.
      assertRefused(await send(gw, 'POST', '/api/v1/executions/stop', '['.repeat(4_900_000), json), 400, 'body');
      assertRefused(await send(gw, 'POST', START, `{"inputVariables":{"x":${'['.repeat(2_000_000)}}}`, json), 400, 'inputVariables.x');
    });
    // At the limit it is still accepted (depth 64 counts every level, the body's own included).
    const fine = await call(gw, 'POST', '/api/v1/cron/preview', { expression: '* * * * *' });
    assert.equal(fine.status, 200);
  });

  test('huge strings, arrays, objects and bodies: 400/413 naming the field', async () => {
    const big = 'x'.repeat(1_000_000);
    await attack(async () => {
      assertRefused(await send(gw, 'POST', START, `{"inputVariables":{"device":"${'y'.repeat(6 * 1024 * 1024)}"}}`, json), 413, 'body', 'payload-too-large');
      assertRefused(await call(gw, 'POST', `${P}/schedules`, { ...SCHEDULE, name: big }), 400, 'name');
      assertRefused(await call(gw, 'POST', `${P}/schedules`, { ...SCHEDULE, name: 'tz', timezone: 'Europe/'.padEnd(300_000, 'x') }), 400, 'timezone');
      assertRefused(await call(gw, 'POST', '/api/v1/cron/preview', { expression: '* * * * *', timezone: 'A'.repeat(300_000) }), 400, 'timezone');
      assertRefused(await call(gw, 'POST', '/api/v1/cron/preview', { expression: '* '.repeat(100_000) }), 400, 'expression');
      assertRefused(await call(gw, 'POST', '/api/v1/cron/preview', { expression: '* * * * *', count: 1e9 }), 400, 'count');
      assertRefused(await call(gw, 'POST', '/api/v1/executions/stop', { ids: Array.from({ length: 150_000 }, (_, i) => `e${i}`) }), 400, 'ids');
      assertRefused(await call(gw, 'POST', '/api/v1/executions/stop', { ids: ['x'.repeat(10_000)] }), 400, 'ids[0]');
      assertRefused(await call(gw, 'POST', START, { inputVariables: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) }), 400, 'inputVariables', 'invalid-inputs');
      assertRefused(await call(gw, 'POST', `${P}/triggers`, { ...TRIGGER, name: 'big', conditions: { ...TRIGGER.conditions, deviceAddress: '10.0.0.1,'.repeat(20_000) } }), 400, 'conditions.deviceAddress');
      assertRefused(await call(gw, 'POST', '/api/v1/snmp/evaluate', { version: 'v2c', source: { address: '10.0.0.1', port: 162 }, trapOid: '1.3.6.1', varbinds: Array.from({ length: 5000 }, () => ({ oid: '1.3', type: 'Integer', value: 1 })) }), 400, 'varbinds');
      assertRefused(await call(gw, 'POST', `${P}/new-version`, { add: Array.from({ length: 50_000 }, (_, i) => ({ kind: 'flow', id: `f/${i}` })) }), 400, 'add');
      assertRefused(await call(gw, 'PUT', '/api/v1/snmp/users/hostile', { ...USER, authKey: 'k'.repeat(100_000) }), 400, 'authKey');
      assertRefused(await call(gw, 'POST', '/api/v1/snmp/evaluate', { version: 'v2c', source: { address: '10.0.0.1', port: 1e12 }, trapOid: '1.3' }), 400, 'source.port');
      // A version's groups: a list over its bound, an over-long or control-character name, an unknown group.
      assertRefused(await call(gw, 'PUT', `${P}/authorisation`, { groups: Array.from({ length: 100_000 }, (_, i) => `g${i}`) }), 400, 'groups');
      assertRefused(await call(gw, 'PUT', `${P}/authorisation`, { groups: ['g'.repeat(100_000)] }), 400, 'groups[0]');
      assertRefused(await call(gw, 'PUT', `${P}/authorisation`, { groups: ['ops\u0000admins'] }), 400, 'groups[0]');
      assertRefused(await call(gw, 'PUT', `${P}/authorisation`, { groups: ['flowgate-admins', 'no-such-group'] }), 400, 'groups[1]');
      assertRefused(await call(gw, 'PUT', `${P}/authorisation`, { groups: ['flowgate-admins'], everyone: true }), 400, 'everyone');
      // Connection secrets: a value, a grant list or a connection id over its bound.
      assertRefused(await call(gw, 'PUT', '/api/v1/secrets/HOSTILE', { value: 'v'.repeat(1_000_000) }), 400, 'value');
      assertRefused(await call(gw, 'PUT', '/api/v1/secrets/HOSTILE', { value: 'hostile-value', grants: Array.from({ length: 50_000 }, (_, i) => ({ package: 'p', connection: `c${i}` })) }), 400, 'grants');
      assertRefused(await call(gw, 'PUT', '/api/v1/secrets/HOSTILE', { value: 'hostile-value', grants: [{ package: 'p', connection: 'c'.repeat(100_000) }] }), 400, 'grants[0].connection');
      // Remote validation: a reference list, an id or a secret name over its bound; a package name that is a path.
      assertRefused(await call(gw, 'POST', '/api/v1/validate', { references: Array.from({ length: 100_000 }, (_, i) => ({ kind: 'flow', id: `f/${i}` })) }), 400, 'references');
      assertRefused(await call(gw, 'POST', '/api/v1/validate', { references: [{ kind: 'flow', id: 'f'.repeat(100_000) }] }), 400, 'references[0].id');
      assertRefused(await call(gw, 'POST', '/api/v1/validate', { references: [], secrets: Array.from({ length: 100_000 }, () => ({ connection: 'c', secret: 'S' })) }), 400, 'secrets');
      assertRefused(await call(gw, 'POST', '/api/v1/validate', { references: [], secrets: [{ connection: 'c', secret: 'S'.repeat(100_000) }] }), 400, 'secrets[0].secret');
      assertRefused(await call(gw, 'POST', '/api/v1/validate', { references: [], package: '../../etc/passwd' }), 400, 'package');
    });
  });

  test('versions beyond 9 digits, 2^53-1 and non-numbers: 400 naming version / packageVersion', async () => {
    await attack(async () => {
      for (const v of ['9007199254740991', '1234567890', '0', '-1', '1e3', '01', '1.0', ' 1']) {
        const e = encodeURIComponent(v);
        assertRefused(await call(gw, 'GET', `/api/v1/packages/network-ops/versions/${e}`), 400, 'version');
        assertRefused(await call(gw, 'POST', `/api/v1/packages/network-ops/versions/${e}/publish`), 400, 'version');
        assertRefused(await call(gw, 'GET', `/api/v1/packages/network-ops/versions/${e}/schedules`), 400, 'version');
        assertRefused(await call(gw, 'GET', `/api/v1/packages/network-ops/versions/${e}/triggers`), 400, 'version');
        assertRefused(await call(gw, 'POST', `/api/v1/packages/network-ops/versions/${e}/new-version`, {}), 400, 'version');
        assertRefused(await call(gw, 'POST', startPath(FLOW, { packageName: 'network-ops', packageVersion: v }), {}), 400, 'packageVersion');
        assertRefused(await call(gw, 'GET', `/api/v1/executions?packageVersion=${e}`), 400, 'packageVersion');
      }
    });
  });

  test('names of 256+ characters, and NUL bytes: 400 naming the field, no orphan state', async () => {
    const long = 'n'.repeat(300);
    await attack(async () => {
      assertRefused(await call(gw, 'GET', `/api/v1/packages/${long}`), 400, 'name');
      assertRefused(await call(gw, 'POST', `/api/v1/packages/${long}/default`), 400, 'name');
      assertRefused(await call(gw, 'GET', `/api/v1/packages/${long}/versions/1/schedules`), 400, 'name');
      assertRefused(await call(gw, 'POST', `/api/v1/packages/${long}/versions/1/triggers`, TRIGGER), 400, 'name');
      assertRefused(await call(gw, 'POST', startPath(FLOW, { packageName: long }), {}), 400, 'packageName');
      assertRefused(await call(gw, 'POST', startPath('f'.repeat(300), { packageName: 'network-ops' }), {}), 400, 'flow');
      assertRefused(await call(gw, 'POST', `${P}/schedules`, { ...SCHEDULE, name: 's'.repeat(256) }), 400, 'name');
      assertRefused(await call(gw, 'POST', `${P}/triggers`, { ...TRIGGER, name: 't'.repeat(256) }), 400, 'name');
      assertRefused(await call(gw, 'PUT', `/api/v1/snmp/users/${long}`, USER), 400, 'name');
      assertRefused(await call(gw, 'GET', `/api/v1/snmp/users/${long}`), 400, 'name');
      assertRefused(await call(gw, 'PUT', `/api/v1/secrets/${long}`, { value: 'hostile-value' }), 400, 'name');
      assertRefused(await call(gw, 'GET', `/api/v1/secrets/${long}`), 400, 'name');
      assertRefused(await call(gw, 'PUT', '/api/v1/secrets/a%00b', { value: 'hostile-value' }), 400, 'name');
      assertRefused(await call(gw, 'PUT', '/api/v1/secrets/OK', { value: 'hostile-value', grants: [{ package: 'p', connection: 'a\u0000b' }] }), 400, 'grants[0].connection');
      assertRefused(await call(gw, 'GET', `/api/v1/executions/${long}`), 400, 'id');
      // NUL and other control characters.
      assertRefused(await call(gw, 'POST', `${P}/schedules`, { ...SCHEDULE, name: 'a\u0000b' }), 400, 'name');
      assertRefused(await call(gw, 'POST', `${P}/triggers`, { ...TRIGGER, name: 'a\u0000b' }), 400, 'name');
      assertRefused(await call(gw, 'POST', startPath('network/core/Restart\u0000Service', { packageName: 'network-ops' }), {}), 400, 'flow');
      assertRefused(await call(gw, 'PUT', '/api/v1/snmp/users/a%00b', USER), 400, 'name');
      assertRefused(await call(gw, 'POST', `${P}/schedules`, { ...SCHEDULE, name: 'tz', timezone: 'UTC\u0000' }), 400, 'timezone');
      assertRefused(await send(gw, 'POST', '/api/v1/cron/preview', '{"expression":"* * * * *"\u0000}', json), 400, 'body');
    });
  });

  test('repeated query parameters: 400 naming the parameter', async () => {
    await attack(async () => {
      const base = `/api/default/default/flows/${encodeURIComponent(FLOW)}/executions`;
      assertRefused(await call(gw, 'POST', `${base}?packageName=network-ops&packageName=other`, {}), 400, 'packageName');
      assertRefused(await call(gw, 'POST', `${base}?packageName=network-ops&packageVersion=1&packageVersion=1`, {}), 400, 'packageVersion');
      assertRefused(await call(gw, 'POST', `${base}?packageName=network-ops&mode=async&mode=sync`, {}), 400, 'mode');
      assertRefused(await call(gw, 'POST', `${base}?packageName[x]=network-ops`, {}), 400, 'packageName[x]');
      assertRefused(await call(gw, 'GET', '/api/v1/executions?status=Running&status=Ended'), 400, 'status');
      assertRefused(await call(gw, 'GET', '/api/v1/executions?flow=a&flow=b'), 400, 'flow');
      assertRefused(await call(gw, 'GET', `/api/v1/executions?flow=${'f'.repeat(300)}`), 400, 'flow');
    });
  });

  test('prototype-pollution keys in bodies and inputs: 400 naming the field, nothing polluted', async () => {
    await attack(async () => {
      assertRefused(await send(gw, 'POST', START, '{"__proto__":{"polluted":true},"inputVariables":{"device":"10.0.0.1"}}', json), 400, '__proto__');
      assertRefused(await send(gw, 'POST', START, '{"inputVariables":{"device":"10.0.0.1","constructor":{"prototype":{"polluted":true}}}}', json), 400, 'inputVariables.constructor');
      assertRefused(await send(gw, 'POST', `${P}/schedules`, JSON.stringify(SCHEDULE).replace('"inputs":{', '"inputs":{"__proto__":{"isAdmin":true},'), json), 400, 'inputs.__proto__');
      assertRefused(await send(gw, 'POST', `${P}/triggers`, JSON.stringify(TRIGGER).replace('"conditions":{', '"conditions":{"__proto__":{"version":"v1"},'), json), 400, 'conditions.__proto__');
      assertRefused(await send(gw, 'PUT', '/api/v1/snmp/users/hostile', JSON.stringify(USER).replace('{', '{"__proto__":{"authKey":"x"},'), json), 400, '__proto__');
      assertRefused(await send(gw, 'POST', '/api/v1/snmp/evaluate', '{"version":"v2c","source":{"address":"10.0.0.1","port":162},"trapOid":"1.3","varbinds":[{"oid":"1.3","type":"x","value":{"prototype":1}}]}', json), 400, 'varbinds[0].value.prototype');
      assertRefused(await call(gw, 'PUT', '/api/v1/snmp/users/__proto__', USER), 400, 'name');
      assertRefused(await call(gw, 'PUT', '/api/v1/secrets/__proto__', { value: 'hostile-value' }), 400, 'name');
      assertRefused(await send(gw, 'PUT', '/api/v1/secrets/HOSTILE', '{"value":"hostile-value","__proto__":{"grants":[]}}', json), 400, '__proto__');
      assertRefused(await send(gw, 'PUT', '/api/v1/secrets/HOSTILE', '{"value":"hostile-value","grants":[{"package":"p","connection":"c","__proto__":{}}]}', json), 400, 'grants[0].__proto__');
      // Spelled with JSON escapes, the key is the same key.
      assertRefused(await send(gw, 'POST', START, '{"inputVariables":{"device":"10.0.0.1","\\u005f_proto__":{"polluted":true}}}', json), 400, 'inputVariables.__proto__');
    });
    // Nothing leaked into other objects of the gateway: a normal run still validates its inputs strictly.
    const bad = await call(gw, 'POST', START, { inputVariables: { device: '10.0.0.1', polluted: true } });
    assertRefused(bad, 400, 'inputVariables.polluted', 'invalid-inputs');
  });

  test('invalid UTF-8 and malformed JSON: 400 naming the body', async () => {
    await attack(async () => {
      assertRefused(await send(gw, 'POST', '/api/v1/cron/preview', new Uint8Array([0x7b, 0x22, 0x65, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), json), 400, 'body');
      assertRefused(await send(gw, 'POST', START, new Uint8Array([0x7b, 0x22, 0x69, 0x6e, 0xc3, 0x28, 0x22, 0x3a, 0x7b, 0x7d, 0x7d]), json), 400, 'body');
      assertRefused(await send(gw, 'POST', `${P}/schedules`, '{"name": ', json), 400, 'body');
      assertRefused(await send(gw, 'POST', `${P}/schedules`, '[]', json), 400, 'body');
      assertRefused(await send(gw, 'POST', START, '"just a string"', json), 400, 'body');
    });
  });
});
