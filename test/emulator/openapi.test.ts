/**
 * The OpenAPI document against what is served: every Express route is documented, every
 * documented operation is served, and every error response names stable codes that the gateway
 * really answers with (JSON {"error": {"code", "message"}} naming the field or object at fault).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_ERROR_CODES } from '../../src/core/api/schemas/errors';
import { API_OPERATIONS, COMMON_ERRORS, errorsOf } from '../../src/core/api/schemas/operations';
import { createApp } from '../../src/emulator/http/app';
import type { GatewayContext } from '../../src/emulator/routes/context';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { adminHeaders, buildPackage, call, startPath } from './helpers';

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

/** A stand-in for anything a route module may touch while it is being built. */
function stub(): any {
  const fn: any = function () {
    return proxy;
  };
  const proxy: any = new Proxy(fn, {
    get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : p === Symbol.iterator ? [][Symbol.iterator] : proxy),
    apply: () => proxy,
    construct: () => proxy,
  });
  return proxy;
}

/** Every (method, path) the Express app routes, with paths in OpenAPI form. */
function expressRoutes(): { method: string; path: string }[] {
  const ctx = { name: 'walk', version: '0.0.0', startedAt: '', store: stub(), executions: stub(), snmp: stub(), scheduler: stub() } as GatewayContext;
  const app = createApp(ctx) as any;
  const out: { method: string; path: string }[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) {
          if (m === '_all') continue;
          const p = String(layer.route.path).replace(/[:*]([A-Za-z_]+)/g, '{$1}');
          out.push({ method: m.toLowerCase(), path: p });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(app.router.stack);
  return out;
}

describe('openapi', () => {
  let gw: EmulatorProcess;
  let doc: any;
  before(async () => {
    gw = await startEmulatorProcess();
    doc = (await call(gw, 'GET', '/api/openapi.json')).body;
    await call(gw, 'POST', '/api/v1/packages', await buildPackage('docs', 1, { 'x/Hello': 'inputs:\n  who:\n    type: string\nsteps: []\n' }));
  });
  after(async () => {
    await gw?.stop();
  });

  test('every route the Express router serves is in the document', () => {
    const routes = expressRoutes();
    assert.ok(routes.length >= 20, `found ${routes.length} routes`);
    // Path templates match by shape: parameter names may differ ({id} in Express, {triggerId} in the document).
    const shape = (p: string) => p.replace(/\{[^}]+\}/g, '{}');
    const documented = new Set(
      Object.entries<any>(doc.paths).flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m} ${shape(p)}`)),
    );
    const missing = routes.filter((r) => !documented.has(`${r.method} ${shape(r.path)}`)).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    assert.deepEqual(missing, [], `undocumented routes: ${missing.join(', ')}`);
    for (const p of ['/api/v1/packages/{name}/versions/{version}/new-version', '/api/v1/executions/stop']) {
      assert.ok(doc.paths[p]?.post, `missing ${p}`);
    }
  });

  test('every documented operation is served (no generic 404 for it)', async () => {
    // DELETE of a package or version would remove `docs`, which later tests use: an unknown name proves the route is served too.
    const fill = (p: string, m = 'get') =>
      p.replace('{tenant}', 'default').replace('{system}', 'default').replace('{name}', m === 'delete' ? 'zz-unknown' : 'docs').replace('{version}', '1').replace(/\{[a-z]+\}/gi, 'zz-unknown');
    for (const [p, item] of Object.entries<any>(doc.paths)) {
      for (const m of METHODS) {
        if (!item[m]) continue;
        const ac = new AbortController();
        const res = await fetch(gw.url + fill(p, m), {
          method: m.toUpperCase(),
          signal: ac.signal,
          headers: { ...(await adminHeaders(gw)), ...(m === 'get' || m === 'delete' ? {} : { 'content-type': 'application/json' }) },
          ...(m === 'get' || m === 'delete' ? {} : { body: '{}' }),
        });
        if ((res.headers.get('content-type') ?? '').includes('event-stream')) {
          ac.abort();
          continue;
        }
        const text = await res.text();
        assert.ok(!/No route /.test(text), `${m.toUpperCase()} ${p} is documented but not served`);
      }
    }
  });

  test('every error response names its codes, all in the ApiError list', () => {
    const all: string[] = doc.components.schemas.ApiError.properties.error.properties.code.enum;
    for (const [p, item] of Object.entries<any>(doc.paths)) {
      for (const m of METHODS) {
        for (const [status, resp] of Object.entries<any>(item[m]?.responses ?? {})) {
          if (Number(status) < 400) continue;
          const codes = resp['x-error-codes'];
          assert.ok(Array.isArray(codes) && codes.length > 0, `${m} ${p} ${status} names no error code`);
          for (const c of codes) assert.ok(all.includes(c), `${m} ${p} ${status}: ${c} not in ApiError`);
        }
      }
    }
  });

  test('the document is generated from the typed operations: each route lists exactly its declared codes, all from API_ERROR_CODES', () => {
    assert.deepEqual(doc.components.schemas.ApiError.properties.error.properties.code.enum, [...API_ERROR_CODES]);
    const ops = Object.entries(API_OPERATIONS);
    assert.equal(Object.values<any>(doc.paths).reduce((n, item) => n + METHODS.filter((m) => item[m]).length, 0), ops.length);
    for (const [id, op] of ops) {
      const documented = doc.paths[op.path]?.[op.method];
      assert.equal(documented?.operationId, id, `${id} is documented at ${op.method} ${op.path}`);
      const all = errorsOf(op);
      if ('changesState' in op && op.changesState) assert.deepEqual(documented.responses['507']?.['x-error-codes'], ['quota-exceeded'], `${id} changes state, so a full disk is documented`);
      for (const status of Object.keys(all)) {
        const declared = new Set(all[Number(status)]);
        for (const code of COMMON_ERRORS[Number(status)] ?? []) assert.ok(declared.has(code), `${id} ${status} has the common ${code}`);
        assert.deepEqual(new Set(documented.responses[status]['x-error-codes']), declared, `${id} ${status}`);
        assert.deepEqual(new Set(documented.responses[status].content['application/json'].schema.allOf[1].properties.error.properties.code.enum), declared);
      }
    }
  });

  test('errors the gateway answers are documented for their route, with a code and a message naming the field', async () => {
    const zip = new TextEncoder().encode('not a zip');
    const cases: [string, string, string, unknown, string | null][] = [
      // method, concrete path, documented path, body, field expected in details (null: message only)
      ['POST', '/api/v1/packages', '/api/v1/packages', zip, 'file'],
      ['GET', '/api/v1/packages/nope', '/api/v1/packages/{name}', undefined, null],
      ['POST', '/api/v1/packages/docs/default', '/api/v1/packages/{name}/default', undefined, null],
      ['GET', '/api/v1/packages/docs/versions/x', '/api/v1/packages/{name}/versions/{version}', undefined, 'version'],
      ['GET', '/api/v1/packages/docs/versions/9', '/api/v1/packages/{name}/versions/{version}', undefined, null],
      ['GET', '/api/v1/packages/docs/versions/9/file', '/api/v1/packages/{name}/versions/{version}/file', undefined, null],
      ['POST', '/api/v1/packages/docs/versions/9/publish', '/api/v1/packages/{name}/versions/{version}/publish', undefined, null],
      ['POST', '/api/v1/packages/docs/versions/1/default', '/api/v1/packages/{name}/versions/{version}/default', undefined, null],
      ['POST', '/api/v1/packages/docs/versions/1/new-version', '/api/v1/packages/{name}/versions/{version}/new-version', { add: [{ kind: 'flow', id: 'no/Such' }] }, 'add[0]'],
      ['POST', '/api/v1/packages/docs/versions/5/new-version', '/api/v1/packages/{name}/versions/{version}/new-version', {}, null],
      ['POST', startPath('x/Hello', { packageName: 'docs', packageVersion: 1 }), '/api/{tenant}/{system}/flows/{flow}/executions', {}, null],
      ['POST', startPath('x/Hello'), '/api/{tenant}/{system}/flows/{flow}/executions', {}, null],
      ['POST', startPath('x/Hello', { mode: 'later' }), '/api/{tenant}/{system}/flows/{flow}/executions', {}, 'mode'],
      ['GET', '/api/v1/executions?status=Sleeping', '/api/v1/executions', undefined, 'status'],
      ['GET', '/api/v1/executions/nope', '/api/v1/executions/{id}', undefined, null],
      ['POST', '/api/v1/executions/nope/stop', '/api/v1/executions/{id}/stop', undefined, null],
      ['POST', '/api/v1/executions/stop', '/api/v1/executions/stop', { ids: 'all' }, 'ids'],
    ];
    for (const [method, concrete, documented, body, field] of cases) {
      const r = await call(gw, method, concrete, body);
      const where = `${method} ${concrete}`;
      assert.ok(r.status >= 400, `${where} answered ${r.status}`);
      assert.equal(typeof r.body?.error?.code, 'string', `${where}: JSON error body`);
      assert.ok(r.body.error.message.length > 10, `${where}: a message`);
      const op = doc.paths[documented]?.[method.toLowerCase()];
      const resp = op?.responses?.[String(r.status)];
      assert.ok(resp, `${where}: status ${r.status} (${r.body.error.code}) not documented for ${documented}`);
      assert.ok(resp['x-error-codes'].includes(r.body.error.code), `${where}: code ${r.body.error.code} not documented for ${r.status}`);
      if (field) assert.ok(r.body.error.details?.some((d: any) => d.field === field), `${where}: details name ${field}: ${JSON.stringify(r.body.error)}`);
    }
  });
});
