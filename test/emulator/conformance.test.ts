/**
 * The served OpenAPI document against independent validators, and every route's real answers
 * against the document.
 *
 * - The document: @seriousme/openapi-schema-validator (the OpenAPI 3.1 meta-schema) and
 *   @hyperjump/json-schema's OpenAPI 3.1 dialect schema — neither is the ajv the gateway validates
 *   requests with, so a mistake in our schemas or in how we use ajv cannot hide itself.
 * - The answers: every operation is called on a real emulator process (success and its main error
 *   answers); each answer's status must be documented for the operation, its content type must be
 *   the documented one, its body must validate (hyperjump, OpenAPI 3.1 dialect, against the
 *   response schema inside the served document, $refs and all), an error's code must be one the
 *   operation lists, and a `Location` header must be there when documented.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { credentials, startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { signedBy, startPromotionGateway, type PromotionGateway } from '../support/promotionGateways';
import { buildPackage, call, startPath, waitFor, type HttpResult, adminHeaders } from './helpers';
import { generateKeyPairSync } from 'node:crypto';
import { keyThumbprint, signPackageFile } from '../../src/core/package/signature';

const METHODS = ['get', 'post', 'put', 'delete'] as const;
const FLOWS = {
  'x/Hello': `
inputs:
  who:
    type: string
outputs:
  greeting:
    type: string
steps:
  - kind: set
    values:
      greeting: "= 'hello ' & who"
`,
  'x/Boom': `
steps:
  - kind: fail
    message: boom
`,
  'x/Nap': `
inputs:
  seconds:
    type: number
steps:
  - kind: wait
    seconds: "= seconds"
`,
};

/** JSON pointer escaping of one segment. */
const ptr = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

describe('conformance: the served OpenAPI document and every route answer', () => {
  let gw: EmulatorProcess;
  let doc: any;
  let tmp: string;
  let docUrl: string;
  let hyper: typeof import('@hyperjump/json-schema/openapi-3-1');
  /** operationId → statuses seen. */
  const seen = new Map<string, Set<number>>();
  /** The gateway `conform` calls (the promotion target for the target side's routes). */
  let on: Pick<EmulatorProcess, 'url' | 'adminToken'> | undefined;
  let target: PromotionGateway | undefined;

  before(async () => {
    gw = await startEmulatorProcess();
    doc = (await call(gw, 'GET', '/api/openapi.json')).body;
    tmp = mkdtempSync(path.join(os.tmpdir(), 'flowgate-conformance-'));
    const file = path.join(tmp, 'served.openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    docUrl = pathToFileURL(file).href;
    hyper = await import('@hyperjump/json-schema/openapi-3-1');
  });
  after(async () => {
    await target?.stop();
    await gw?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const validators = new Map<string, (v: unknown) => { valid: boolean; errors?: unknown[] }>();
  async function validateAt(pointer: string, value: unknown): Promise<{ valid: boolean; errors?: unknown[] }> {
    let v = validators.get(pointer);
    if (!v) {
      const compiled = await hyper.validate(`${docUrl}#${pointer}`);
      v = (x: unknown) => compiled(x as any, 'BASIC') as { valid: boolean; errors?: unknown[] };
      validators.set(pointer, v);
    }
    return v(value);
  }

  /** Calls a route and checks the answer against the document; returns it for further asserts. */
  async function conform(method: string, template: string, concrete: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
    const op = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${template} is not in the document`);
    const r = await call(on ?? gw, method, concrete, body, headers);
    const where = `${method} ${concrete} → ${r.status}`;
    const resp = op.responses[String(r.status)];
    assert.ok(resp, `${where}: status not documented for ${template}: ${JSON.stringify(r.body).slice(0, 300)}`);
    const status = String(r.status);
    const types = Object.keys(resp.content ?? {});
    const got = (r.headers.get('content-type') ?? '').split(';')[0].trim();
    if (types.length === 0) {
      assert.equal(typeof r.body === 'string' ? r.body : JSON.stringify(r.body), '', `${where}: documented without a body`);
    } else {
      assert.ok(types.includes(got), `${where}: content type ${got} is not one of ${types.join(', ')}`);
      if (got === 'application/json') {
        const pointer = `/paths/${ptr(template)}/${method.toLowerCase()}/responses/${status}/content/${ptr('application/json')}/schema`;
        const out = await validateAt(pointer, r.body);
        assert.ok(out.valid, `${where}: the body does not conform to the document: ${String(JSON.stringify(out.errors)).slice(0, 1500)}\n${JSON.stringify(r.body).slice(0, 800)}`);
      }
    }
    if (r.status >= 400) assert.ok(resp['x-error-codes'].includes(r.body?.error?.code), `${where}: code ${r.body?.error?.code} not listed`);
    if (resp.headers?.Location?.required) assert.ok(r.headers.get('location'), `${where}: no Location header`);
    const set = seen.get(op.operationId) ?? new Set<number>();
    set.add(r.status);
    seen.set(op.operationId, set);
    return r;
  }

  test('the served document is valid OpenAPI 3.1 for two independent validators', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 3000));
    assert.equal(doc.openapi, '3.1.0');
    const meta = await hyper.validate('https://spec.openapis.org/oas/3.1/schema-base', doc, 'BASIC');
    assert.equal(meta.valid, true, String(JSON.stringify((meta as any).errors)).slice(0, 3000));
  });

  test('the document states issue 8: /healthz snmpPort, Location headers, a flow id in several segments', () => {
    assert.ok(doc.components.schemas.HealthResponse.properties.snmpPort, 'healthz documents snmpPort');
    const start = doc.paths['/api/{tenant}/{system}/flows/{flow}/executions'].post;
    assert.ok(start.responses['202'].headers.Location, 'async start documents Location');
    assert.match(start.description, /several plain path segments/);
    assert.ok(doc.paths['/api/v1/packages'].post.responses['201'].headers.Location, 'upload documents Location');
  });

  test('every route answers as documented: success and its main errors', async () => {
    const v = (p: string) => `/api/v1/packages/{name}/versions/{version}${p}`;
    const zip = await buildPackage('conf', 1, FLOWS);
    await conform('GET', '/healthz', '/healthz');
    await conform('GET', '/api/openapi.json', '/api/openapi.json');

    // Packages
    await conform('POST', '/api/v1/packages', '/api/v1/packages', zip);
    await conform('POST', '/api/v1/packages', '/api/v1/packages', zip);
    await conform('POST', '/api/v1/packages', '/api/v1/packages', new TextEncoder().encode('not a zip'));
    await conform('POST', '/api/v1/packages', '/api/v1/packages', 'PK', { 'content-type': 'text/plain' });
    // Signing (issue 10): the public keys; a file signed by a key this gateway does not trust; a bad query.
    const keys = await conform('GET', '/api/v1/gateway/keys', '/api/v1/gateway/keys', undefined, { authorization: '' });
    assert.equal(keys.body.keys.filter((k: { current: boolean }) => k.current).length, 1);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const stranger = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: (publicKey.export({ format: 'jwk' }) as { x: string }).x };
    const strangerSigned = await signPackageFile(await buildPackage('conf-stranger', 1, FLOWS), { kid: await keyThumbprint(stranger), publicJwk: stranger, privateKey });
    assert.equal((await conform('POST', '/api/v1/packages', '/api/v1/packages', strangerSigned)).body.error.code, 'untrusted-signer');
    assert.equal((await conform('POST', '/api/v1/packages', '/api/v1/packages?allowUnsigned=maybe', zip)).body.error.code, 'bad-request');
    await conform('GET', '/api/v1/packages', '/api/v1/packages');
    await conform('GET', '/api/v1/packages/{name}', '/api/v1/packages/conf');
    await conform('GET', '/api/v1/packages/{name}', '/api/v1/packages/nope');
    await conform('GET', '/api/v1/packages/{name}', `/api/v1/packages/${'n'.repeat(300)}`);
    await conform('POST', '/api/v1/packages/{name}/default', '/api/v1/packages/conf/default');
    await conform('GET', v(''), '/api/v1/packages/conf/versions/1');
    await conform('GET', v(''), '/api/v1/packages/conf/versions/9');
    await conform('GET', v(''), '/api/v1/packages/conf/versions/x');
    await conform('GET', v('/file'), '/api/v1/packages/conf/versions/1/file');
    await conform('GET', v('/file'), '/api/v1/packages/conf/versions/7/file');
    await conform('POST', v('/publish'), '/api/v1/packages/conf/versions/1/publish');
    await conform('POST', v('/publish'), '/api/v1/packages/conf/versions/9/publish');
    await conform('POST', v('/default'), '/api/v1/packages/conf/versions/1/default');
    await conform('POST', '/api/v1/packages/{name}/default', '/api/v1/packages/conf/default');
    await conform('POST', v('/new-version'), '/api/v1/packages/conf/versions/1/new-version', {});
    await conform('POST', v('/new-version'), '/api/v1/packages/conf/versions/1/new-version', { add: [{ kind: 'flow', id: 'no/Such' }] });
    await conform('POST', v('/new-version'), '/api/v1/packages/conf/versions/1/new-version', '{}', { 'content-type': 'text/plain' });
    await conform('POST', v('/publish'), '/api/v1/packages/conf/versions/2/publish');
    await conform('POST', v('/unpublish'), '/api/v1/packages/conf/versions/2/unpublish');
    await conform('POST', v('/unpublish'), '/api/v1/packages/conf/versions/x/unpublish');
    await conform('POST', v('/default'), '/api/v1/packages/conf/versions/2/default');
    await conform('GET', v('/authorisation'), '/api/v1/packages/conf/versions/1/authorisation');
    await conform('GET', v('/authorisation'), '/api/v1/packages/conf/versions/9/authorisation');
    await conform('PUT', v('/authorisation'), '/api/v1/packages/conf/versions/1/authorisation', { groups: ['flowgate-admins'] });
    await conform('PUT', v('/authorisation'), '/api/v1/packages/conf/versions/1/authorisation', { groups: ['no-such-group'] });
    await conform('PUT', v('/authorisation'), '/api/v1/packages/conf/versions/1/authorisation', { groups: 'all' });
    await conform('PUT', v('/authorisation'), '/api/v1/packages/conf/versions/1/authorisation', '{}', { 'content-type': 'text/plain' });
    await conform('PUT', v('/authorisation'), '/api/v1/packages/conf/versions/1/authorisation', { groups: [] });

    // Schedules and the cron preview
    const schedule = { name: 'nightly', flow: 'x/Hello', expression: '0 3 * * *', inputs: { who: 'cron' } };
    await conform('GET', v('/schedules'), '/api/v1/packages/conf/versions/1/schedules');
    const created = await conform('POST', v('/schedules'), '/api/v1/packages/conf/versions/1/schedules', schedule);
    assert.equal(created.status, 201);
    const sid = created.body.id;
    await conform('POST', v('/schedules'), '/api/v1/packages/conf/versions/1/schedules', schedule);
    await conform('POST', v('/schedules'), '/api/v1/packages/conf/versions/1/schedules', { ...schedule, name: '', expression: '61 * * * *' });
    await conform('POST', v('/schedules'), '/api/v1/packages/nope/versions/1/schedules', schedule);
    await conform('GET', v('/schedules/{id}'), `/api/v1/packages/conf/versions/1/schedules/${sid}`);
    await conform('GET', v('/schedules/{id}'), '/api/v1/packages/conf/versions/1/schedules/nope');
    await conform('PUT', v('/schedules/{id}'), `/api/v1/packages/conf/versions/1/schedules/${sid}`, { ...schedule, enabled: false });
    await conform('POST', v('/schedules/{id}/run'), `/api/v1/packages/conf/versions/1/schedules/${sid}/run`);
    await conform('POST', v('/schedules/{id}/run'), `/api/v1/packages/conf/versions/2/schedules/nope/run`);
    await conform('DELETE', v('/schedules/{id}'), `/api/v1/packages/conf/versions/1/schedules/${sid}`);
    await conform('DELETE', v('/schedules/{id}'), `/api/v1/packages/conf/versions/1/schedules/${sid}`);
    await conform('POST', '/api/v1/cron/preview', '/api/v1/cron/preview', { expression: '0 0 13 * 5', timezone: 'Europe/London', count: 3 });
    await conform('POST', '/api/v1/cron/preview', '/api/v1/cron/preview', { expression: '* * 32 * *', count: 0 });

    // SNMPv3 users
    const user = { name: 'ops', level: 'authPriv', authProtocol: 'sha256', authKey: 'auth-key-0001', privProtocol: 'aes', privKey: 'priv-key-0001' };
    await conform('POST', '/api/v1/snmp/users', '/api/v1/snmp/users', user);
    await conform('POST', '/api/v1/snmp/users', '/api/v1/snmp/users', user);
    await conform('POST', '/api/v1/snmp/users', '/api/v1/snmp/users', { ...user, name: 'x', authKey: 'short' });
    await conform('GET', '/api/v1/snmp/users', '/api/v1/snmp/users');
    await conform('GET', '/api/v1/snmp/users/{name}', '/api/v1/snmp/users/ops');
    await conform('GET', '/api/v1/snmp/users/{name}', '/api/v1/snmp/users/nobody');
    await conform('PUT', '/api/v1/snmp/users/{name}', '/api/v1/snmp/users/ops', { level: 'authNoPriv', authProtocol: 'sha', authKey: 'auth-key-0002' });
    await conform('PUT', '/api/v1/snmp/users/{name}', '/api/v1/snmp/users/temp', { level: 'authNoPriv', authProtocol: 'sha', authKey: 'auth-key-0003' });
    await conform('DELETE', '/api/v1/snmp/users/{name}', '/api/v1/snmp/users/temp');
    await conform('DELETE', '/api/v1/snmp/users/{name}', '/api/v1/snmp/users/temp');

    // Connection secrets (values write-only)
    const secret = { value: 'conformance-secret-0001', grants: [{ package: 'conf', connection: 'crm' }] };
    await conform('PUT', '/api/v1/secrets/{name}', '/api/v1/secrets/CRM_TOKEN', secret);
    await conform('PUT', '/api/v1/secrets/{name}', '/api/v1/secrets/CRM_TOKEN', { value: 'conformance-secret-0002' });
    await conform('PUT', '/api/v1/secrets/{name}', '/api/v1/secrets/CRM_TOKEN', { value: 'abc', grants: [{ package: 'a b', connection: '' }] });
    await conform('GET', '/api/v1/secrets', '/api/v1/secrets');
    await conform('GET', '/api/v1/secrets/{name}', '/api/v1/secrets/CRM_TOKEN');
    await conform('GET', '/api/v1/secrets/{name}', '/api/v1/secrets/NOPE');
    await conform('PUT', '/api/v1/secrets/{name}/grants', '/api/v1/secrets/CRM_TOKEN/grants', { grants: [] });
    await conform('PUT', '/api/v1/secrets/{name}/grants', '/api/v1/secrets/NOPE/grants', { grants: [] });
    await conform('DELETE', '/api/v1/secrets/{name}', '/api/v1/secrets/CRM_TOKEN');
    await conform('DELETE', '/api/v1/secrets/{name}', '/api/v1/secrets/CRM_TOKEN');

    // Triggers, traps, evaluate
    const trigger = { name: 'any', flow: 'x/Hello', conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c' }, inputs: { who: 'trap' } };
    await conform('GET', v('/triggers'), '/api/v1/packages/conf/versions/1/triggers');
    const trig = await conform('POST', v('/triggers'), '/api/v1/packages/conf/versions/1/triggers', trigger);
    assert.equal(trig.status, 201);
    await conform('POST', v('/triggers'), '/api/v1/packages/conf/versions/1/triggers', { ...trigger, name: 'bad', conditions: { ...trigger.conditions, devicePort: '70000' } });
    await conform('GET', v('/triggers/{id}'), `/api/v1/packages/conf/versions/1/triggers/${trig.body.id}`);
    await conform('GET', v('/triggers/{id}'), '/api/v1/packages/conf/versions/1/triggers/nope');
    await conform('PUT', v('/triggers/{id}'), `/api/v1/packages/conf/versions/1/triggers/${trig.body.id}`, { ...trig.body, description: 'changed' });
    await conform('POST', '/api/v1/snmp/evaluate', '/api/v1/snmp/evaluate', { version: 'v2c', community: 'public', source: { address: '10.0.0.1', port: 162 }, trapOid: '1.3.6.1.6.3.1.1.5.3' });
    await conform('POST', '/api/v1/snmp/evaluate', '/api/v1/snmp/evaluate', { version: 'v4', source: { address: 'x', port: 0 }, trapOid: '1.3.x' });
    await conform('GET', '/api/v1/snmp/traps', '/api/v1/snmp/traps');
    await conform('DELETE', v('/triggers/{id}'), `/api/v1/packages/conf/versions/1/triggers/${trig.body.id}`);
    await conform('DELETE', v('/triggers/{id}'), `/api/v1/packages/conf/versions/1/triggers/${trig.body.id}`);

    // Executions
    const start = '/api/{tenant}/{system}/flows/{flow}/executions';
    const q = { packageName: 'conf', packageVersion: 1 };
    const sync = await conform('POST', start, startPath('x/Hello', q), { inputVariables: { who: 'you' } });
    assert.equal(sync.status, 200);
    await conform('POST', start, startPath('x/Hello', q), { inputVariables: { who: 5 } });
    await conform('POST', start, startPath('x/Nope', q), {});
    await conform('POST', start, startPath('x/Boom', q), {});
    await conform('POST', start, startPath('x/Hello', { ...q, packageVersion: 9 }), { inputVariables: { who: 'a' } });
    await conform('POST', start, startPath('x/Hello', q), '{"inputVariables":{}}', { 'content-type': 'text/plain' });
    const nap = await conform('POST', start, startPath('x/Nap', { ...q, mode: 'async' }), { inputVariables: { seconds: 30 } });
    assert.equal(nap.status, 202);
    await conform('GET', '/api/v1/executions', '/api/v1/executions?packageName=conf');
    await conform('GET', '/api/v1/executions', '/api/v1/executions?status=Sleeping');
    await conform('GET', '/api/v1/executions/{id}', `/api/v1/executions/${sync.body.executionId}`);
    await conform('GET', '/api/v1/executions/{id}', '/api/v1/executions/nope');
    await conform('POST', '/api/v1/executions/{id}/stop', `/api/v1/executions/${nap.body.executionId}/stop`);
    await conform('POST', '/api/v1/executions/{id}/stop', '/api/v1/executions/nope/stop');
    await conform('POST', '/api/v1/executions/stop', '/api/v1/executions/stop', { ids: [nap.body.executionId, 'nope'] });
    await conform('POST', '/api/v1/executions/stop', '/api/v1/executions/stop', { ids: 'all' });
    await waitFor(async () => ((await call(gw, 'GET', `/api/v1/executions/${nap.body.executionId}`)).body.status === 'Stopped' ? true : undefined), 10_000, 'the nap to stop');
    await conform('GET', '/api/v1/definitions', '/api/v1/definitions');
    // Remote validation of a draft's outside references and secrets.
    const rv = await conform('POST', '/api/v1/validate', '/api/v1/validate', { references: [{ kind: 'flow', id: 'x/Hello' }, { kind: 'flow', id: 'x/Nope' }], secrets: [{ connection: 'crm', secret: 'NOPE' }], package: 'conf' });
    assert.deepEqual(rv.body.missing, [{ kind: 'flow', id: 'x/Nope' }, { kind: 'secret', id: 'NOPE', connection: 'crm' }]);
    await conform('POST', '/api/v1/validate', '/api/v1/validate', { references: 'all' });
    await conform('POST', '/api/v1/validate', '/api/v1/validate', '{}', { 'content-type': 'text/plain' });
    // Draft runs: workspace files as they are (200, 202, 400 validation, 400 inputs, 404 flow, 500 flow-failed, 415).
    const dr = '/api/v1/draft-runs';
    const files = { 'flows/x/Hello.flow.yaml': FLOWS['x/Hello'], 'flows/x/Boom.flow.yaml': FLOWS['x/Boom'], 'flows/x/Nap.flow.yaml': FLOWS['x/Nap'] };
    const drOk = await conform('POST', dr, dr, { files, flow: 'x/Hello', inputVariables: { who: 'draft' } });
    assert.equal(drOk.status, 200);
    assert.equal(drOk.body.outputVariables.greeting, 'hello draft');
    assert.equal(drOk.body.draft, true);
    const drExec = await conform('GET', '/api/v1/executions/{id}', `/api/v1/executions/${drOk.body.executionId}`);
    assert.equal(drExec.body.draft, true);
    assert.equal((await conform('POST', dr, dr, { files, flow: 'Nap', inputVariables: { seconds: 0 }, mode: 'async' })).status, 202);
    assert.equal((await conform('POST', dr, dr, { files: { 'flows/x/Hello.flow.yaml': 'steps: 5' }, flow: 'x/Hello' })).status, 400);
    assert.equal((await conform('POST', dr, dr, { files, flow: 'x/Hello', inputVariables: { who: 5 } })).status, 400);
    assert.equal((await conform('POST', dr, dr, { files, flow: 'x/Nope' })).status, 404);
    assert.equal((await conform('POST', dr, dr, { files, flow: 'x/Boom' })).status, 500);
    await conform('POST', dr, dr, '{}', { 'content-type': 'text/plain' });

    // The event stream: documented content type.
    const ac = new AbortController();
    const events = await fetch(`${gw.url}/api/v1/executions/events`, { signal: ac.signal, headers: await adminHeaders(gw) });
    assert.equal(events.status, 200);
    assert.ok(Object.keys(doc.paths['/api/v1/executions/events'].get.responses['200'].content).includes((events.headers.get('content-type') ?? '').split(';')[0]));
    ac.abort();
    seen.set('executionEvents', new Set([200]));

    // Identity and access: a version's groups, the directory's groups, the audit log (every action above is in it).
    await conform('GET', '/api/v1/directory/groups', '/api/v1/directory/groups');
    const audit = await conform('GET', '/api/v1/audit', '/api/v1/audit?limit=5');
    assert.equal(audit.body.records.length, 5);
    await conform('GET', '/api/v1/audit', '/api/v1/audit?limit=0');
    await conform('GET', '/api/v1/audit', '/api/v1/audit?action=publish&package=conf');

    // Promotion, source side: a target's event (recorded once), the history, withdraw.
    const digest1 = (await call(gw, 'GET', '/api/v1/packages/conf/versions/1')).body.contentDigest as string;
    const event = { id: 'conformance-event-1', event: 'ACCEPTED', target: 'qa', at: new Date().toISOString(), by: 'qa-admin', contentDigest: digest1 };
    await conform('POST', v('/history'), '/api/v1/packages/conf/versions/1/history', event);
    await conform('POST', v('/history'), '/api/v1/packages/conf/versions/1/history', event);
    await conform('POST', v('/history'), '/api/v1/packages/conf/versions/1/history', { ...event, id: 'conformance-event-2', contentDigest: '0'.repeat(64) });
    await conform('POST', v('/history'), '/api/v1/packages/conf/versions/1/history', { ...event, event: 'DONE' });
    await conform('GET', v('/history'), '/api/v1/packages/conf/versions/1/history');
    await conform('GET', v('/history'), '/api/v1/packages/conf/versions/9/history');
    await conform('POST', v('/withdraw'), '/api/v1/packages/conf/versions/1/withdraw');
    await conform('POST', v('/withdraw'), '/api/v1/packages/conf/versions/2/withdraw');
    await conform('POST', v('/withdraw'), '/api/v1/packages/conf/versions/2/withdraw');
    await conform('POST', v('/withdraw'), '/api/v1/packages/nope/versions/2/withdraw');

    // Promotion, target side: a second gateway with this one as its source `src`.
    const promo = await signedBy(gw, await buildPackage('promo', 1, { 'p/Main': 'steps:\n  - kind: run-flow\n    flow: p/Missing\n' }));
    assert.equal((await call(gw, 'POST', '/api/v1/packages', promo)).status, 201);
    const kid = ((await call(gw, 'GET', '/api/v1/gateway/keys')).body.keys as { kid: string; current: boolean }[]).find((k) => k.current)!.kid;
    const cred = credentials(gw.dataDir);
    target = await startPromotionGateway(tmp, 'target', { sources: [{ name: 'src', url: gw.url, clientId: cred.client_id, clientSecret: cred.client_secret, trustedKeys: [kid] }] });
    on = target;
    try {
      await conform('GET', '/api/v1/sources', '/api/v1/sources');
      await conform('GET', '/api/v1/sources/{source}/packages', '/api/v1/sources/src/packages');
      await conform('GET', '/api/v1/sources/{source}/packages', '/api/v1/sources/nope/packages');
      const pulled = await conform('POST', '/api/v1/imports', '/api/v1/imports', { source: 'src', name: 'promo', version: 1 });
      await conform('POST', '/api/v1/imports', '/api/v1/imports', { source: 'src', name: 'promo', version: 1 });
      await conform('POST', '/api/v1/imports', '/api/v1/imports', { source: 'src', name: 'promo', version: 7 });
      await conform('POST', '/api/v1/imports', '/api/v1/imports', { source: 'nope', name: 'promo', version: 1 });
      const id = pulled.body.id as string;
      await conform('GET', '/api/v1/imports', '/api/v1/imports');
      await conform('GET', '/api/v1/imports/{id}', `/api/v1/imports/${id}`);
      await conform('GET', '/api/v1/imports/{id}', '/api/v1/imports/imp-nope');
      await conform('GET', '/api/v1/imports/{id}/preview', `/api/v1/imports/${id}/preview`);
      await conform('POST', '/api/v1/imports/{id}/apply', `/api/v1/imports/${id}/apply`, {});
      await conform('PUT', '/api/v1/imports/{id}/replacements', `/api/v1/imports/${id}/replacements`, { replacements: [{ kind: 'flow', from: 'p/Missing', to: 'p/Main' }] });
      await conform('PUT', '/api/v1/imports/{id}/replacements', `/api/v1/imports/${id}/replacements`, { replacements: [{ kind: 'nope', from: 'a', to: 'b' }] });
      await conform('POST', '/api/v1/imports/{id}/apply', `/api/v1/imports/${id}/apply`, {});
      await conform('POST', '/api/v1/imports/{id}/apply', `/api/v1/imports/${id}/apply`);
      await conform('POST', '/api/v1/imports/{id}/reject', `/api/v1/imports/${id}/reject`, { reason: 'applied already' });
      await conform('PUT', '/api/v1/imports/{id}/replacements', `/api/v1/imports/${id}/replacements`, { replacements: [] });
      const promo2 = await signedBy(gw, await buildPackage('promo', 2, { 'p/Main': 'steps:\n  - kind: log\n    message: two\n' }));
      assert.equal((await call(gw, 'POST', '/api/v1/packages', promo2)).status, 201);
      const second = await conform('POST', '/api/v1/imports', '/api/v1/imports', { source: 'src', name: 'promo', version: 2 });
      await conform('POST', '/api/v1/imports/{id}/reject', `/api/v1/imports/${second.body.id}/reject`, { reason: 'not now' });
      await conform('POST', '/api/v1/imports/{id}/reject', `/api/v1/imports/${second.body.id}/reject`, { reason: 'not now' });
      await conform('POST', '/api/v1/imports/{id}/reject', `/api/v1/imports/${second.body.id}/reject`, {});
    } finally {
      on = undefined;
    }

    // Deleting: a published version is refused; an unpublished one goes; then the package (after unpublishing).
    await conform('DELETE', v(''), '/api/v1/packages/conf/versions/1');
    await conform('DELETE', v(''), '/api/v1/packages/conf/versions/2');
    await conform('DELETE', v(''), '/api/v1/packages/conf/versions/2');
    await conform('DELETE', '/api/v1/packages/{name}', '/api/v1/packages/conf');
    await conform('POST', v('/unpublish'), '/api/v1/packages/conf/versions/1/unpublish');
    await conform('DELETE', '/api/v1/packages/{name}', '/api/v1/packages/conf');
    await conform('DELETE', '/api/v1/packages/{name}', '/api/v1/packages/conf');

    // Every documented operation was called and answered with success at least once.
    const ops = Object.values<any>(doc.paths).flatMap((item) => METHODS.filter((m) => item[m]).map((m) => item[m]));
    const missing = ops.filter((o) => ![...(seen.get(o.operationId) ?? [])].some((s) => s < 300)).map((o) => o.operationId);
    assert.deepEqual(missing, [], `operations never answered with success: ${missing.join(', ')}`);
  });
});
