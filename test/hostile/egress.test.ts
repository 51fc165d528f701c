/**
 * Hostile flows against the egress policy of the http step: calls to the gateway itself by every
 * address form, non-http schemes, redirects to the gateway, oversized and compressed-bomb
 * answers, credentials in URLs and connection secrets echoed back. Each attack: the execution's
 * clear error, /healthz within 1 s throughout, the state unchanged, and no secret in the error
 * body, the execution record or the emulator's output.
 */
import assert from 'node:assert/strict';
import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { parseEgressAllow, redactUrl } from '../../src/emulator/engine/egress';
import { buildPackage, startPath } from '../emulator/helpers';
import type { EmulatorProcess } from '../support/emulatorProcess';
import { call, snapshot, startTarget, whileServing } from './harness';

const TOKEN = 'tok-7Hq9-bearer-secret-Zx31';
const PASS = 'basic-pw-Qm2v8-secret';
const URL_PASS = 'url-pw-K4p1-secret';

const FLOWS: Record<string, string> = {
  'x/Get': `
inputs:
  url:
    type: string
outputs:
  result:
    type: object
steps:
  - kind: http
    url: "= url"
    output: response
    timeoutSeconds: 5
  - kind: set
    values:
      result: "= response"
`,
  'x/Post': `
inputs:
  url:
    type: string
outputs:
  result:
    type: object
steps:
  - kind: http
    url: "= url"
    method: POST
    body:
      evil: true
    output: response
    timeoutSeconds: 5
  - kind: set
    values:
      result: "= response"
`,
  'x/Conn': `
inputs:
  path:
    type: string
  connection:
    type: string
outputs:
  result:
    type: object
steps:
  - kind: http
    connection: "= connection"
    path: "= path"
    output: response
    timeoutSeconds: 5
  - kind: set
    values:
      result: "= response"
`,
  'x/GetQuick': `
inputs:
  url:
    type: string
steps:
  - kind: http
    url: "= url"
    timeoutSeconds: 1
`,
  'x/StartSelf': `
inputs:
  url:
    type: string
outputs:
  result:
    type: object
steps:
  - kind: http
    url: "= url"
    method: POST
    body:
      inputVariables:
        url: "= url"
    output: response
    timeoutSeconds: 60
  - kind: set
    values:
      result: "= response"
`,
  'x/Leaf': `
inputs:
  url:
    type: string
outputs:
  ok:
    type: boolean
steps:
  - kind: set
    values:
      ok: true
`,
  'x/Sleeper': `
inputs:
  url:
    type: string
steps:
  - kind: wait
    seconds: 60
`,
  'x/StartThenWait': `
inputs:
  url:
    type: string
steps:
  - kind: http
    url: "= url"
    method: POST
    body:
      inputVariables:
        url: "= url"
  - kind: wait
    seconds: 60
`,
};

/** A hostile "external" server in the test process. */
async function startHelper(): Promise<{ url: string; port: number; seen: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    const u = new URL(req.url ?? '/', 'http://helper');
    if (u.pathname === '/echo') {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-echo-authorization', String(req.headers.authorization ?? ''));
      res.end(JSON.stringify({ headers: req.headers, url: req.url }));
    } else if (u.pathname === '/redirect') {
      res.statusCode = Number(u.searchParams.get('status') ?? 302);
      res.setHeader('location', u.searchParams.get('to') ?? '/');
      res.end();
    } else if (u.pathname === '/loop') {
      res.statusCode = 302;
      res.setHeader('location', '/loop');
      res.end();
    } else if (u.pathname === '/big') {
      res.setHeader('content-type', 'text/plain');
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < LIMITS.httpResponseBytes + 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    } else if (u.pathname === '/hang') {
      // Never answers.
    } else if (u.pathname === '/drip') {
      res.setHeader('content-type', 'text/plain');
      const timer = setInterval(() => res.write('.'), 100);
      res.on('close', () => clearInterval(timer));
    } else if (u.pathname === '/bomb') {
      res.setHeader('content-type', 'text/plain');
      res.setHeader('content-encoding', 'gzip');
      res.end(bomb);
    } else {
      res.statusCode = 404;
      res.end('no');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function upload(gw: EmulatorProcess, helperUrl: string): Promise<void> {
  const connections = {
    crm: `baseUrl: ${helperUrl}\nauth:\n  type: bearer\n  secret: CRM_TOKEN\n`,
    crmb: `baseUrl: ${helperUrl}\nauth:\n  type: basic\n  username: ops\n  secret: CRM_PASS\n`,
  };
  // URLs with credentials written in the flow itself (an input would be recorded as the caller sent it).
  const literal = (url: string) => `
outputs:
  result:
    type: object
steps:
  - kind: http
    url: "${url}"
    output: response
    timeoutSeconds: 5
  - kind: set
    values:
      result: "= response"
`;
  const helperPort = new URL(helperUrl).port;
  const flows = {
    ...FLOWS,
    'x/CredDown': literal(`http://u:${URL_PASS}@127.0.0.1:2/x?api_key=${URL_PASS}`),
    'x/CredSelf': literal(`http://u:${URL_PASS}@127.0.0.1:${gw.port}/api/v1/packages`),
    'x/CredEcho': literal(`http://u:${URL_PASS}@127.0.0.1:${helperPort}/echo`),
  };
  const up = await call(gw, 'POST', '/api/v1/packages', await buildPackage('egress', 1, flows, connections));
  assert.equal(up.status, 201, JSON.stringify(up.body));
  assert.equal((await call(gw, 'POST', '/api/v1/packages/egress/versions/1/publish')).status, 200);
  // The connections' secrets, from the gateway's secret store, granted to these connections of this package.
  const token = await call(gw, 'PUT', '/api/v1/secrets/CRM_TOKEN', { value: TOKEN, grants: [{ package: 'egress', connection: 'crm' }] });
  assert.equal(token.status, 201, JSON.stringify(token.body));
  const pass = await call(gw, 'PUT', '/api/v1/secrets/CRM_PASS', { value: PASS, grants: [{ package: 'egress', connection: 'crmb' }] });
  assert.equal(pass.status, 201, JSON.stringify(pass.body));
}

const run = (gw: EmulatorProcess, flow: string, inputVariables: Record<string, unknown>) =>
  call(gw, 'POST', startPath(flow, { packageName: 'egress' }), { inputVariables });

/** The execution failed with this error code; returns the message. */
function assertFailed(res: { status: number; body: any }, code: string, what: string): string {
  assert.equal(res.status, 500, `${what}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, 'flow-failed', what);
  const errorCode = res.body.error.details.find((d: { field: string }) => d.field === 'errorCode')?.message;
  assert.equal(errorCode, code, `${what}: ${JSON.stringify(res.body)}`);
  return res.body.error.message as string;
}

function executionIdOf(res: { body: any }): string {
  return res.body.executionId ?? res.body.error.details.find((d: { field: string }) => d.field === 'executionId').message;
}

const SECRETS = [TOKEN, PASS, URL_PASS, Buffer.from(`ops:${PASS}`).toString('base64'), Buffer.from(`u:${URL_PASS}`).toString('base64')];

function assertNoSecret(text: string, where: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${where} contains a secret (${s.slice(0, 6)}…): ${text.slice(0, 500)}`);
}

describe('hostile egress: default policy', () => {
  let gw: EmulatorProcess;
  let helper: Awaited<ReturnType<typeof startHelper>>;
  let port: number;
  before(async () => {
    helper = await startHelper();
    gw = await startTarget();
    port = gw.port;
    await upload(gw, helper.url);
  });
  after(async () => {
    const out = gw?.output() ?? '';
    await gw?.stop();
    await helper?.close();
    assertNoSecret(out, 'the emulator output');
  });

  test('the gateway itself, by every address form, is refused and nothing changes', async () => {
    const before = await snapshot(gw);
    const forms = [
      `http://127.0.0.1:${port}`,
      `http://localhost:${port}`,
      `http://LocalHost:${port}`,
      `http://127.0.0.2:${port}`,
      `http://127.1:${port}`,
      `http://2130706433:${port}`,
      `http://0x7f000001:${port}`,
      `http://0x7f.0.0.1:${port}`,
      `http://0177.0.0.1:${port}`,
      `http://0:${port}`,
      `http://0.0.0.0:${port}`,
      `http://[::1]:${port}`,
      `http://[::]:${port}`,
      `http://[::ffff:127.0.0.1]:${port}`,
      `http://[0:0:0:0:0:ffff:7f00:1]:${port}`,
      `http://[::127.0.0.1]:${port}`,
      `https://127.0.0.1:${port}`,
      `http://evil.example@127.0.0.1:${port}`,
    ];
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') forms.push(`http://${a.address}:${port}`);
    }
    // This machine's name, when it resolves (to loopback or an interface: both are the gateway).
    const own = await dns.promises.lookup(os.hostname()).catch(() => undefined);
    if (own) forms.push(`http://${os.hostname()}:${port}`);

    await whileServing(gw, async () => {
      for (const base of forms) {
        const unpublish = await run(gw, 'x/Post', { url: `${base}/api/v1/packages/network-ops/versions/1/unpublish` });
        assert.match(assertFailed(unpublish, 'egress-refused', base), /gateway's own address/);
        const list = await run(gw, 'x/Get', { url: `${base}/api/v1/packages` });
        assertFailed(list, 'egress-refused', base);
        const loop = await run(gw, 'x/Post', { url: `${base}${startPath('x/Post', { packageName: 'egress' })}` });
        assertFailed(loop, 'egress-refused', base);
      }
    });
    assert.deepEqual(await snapshot(gw), before);
    // Only the executions the test started: no self-call started one.
    const all = await call(gw, 'GET', '/api/v1/executions?packageName=egress');
    assert.equal(all.body.executions.length, forms.length * 3);
  });

  test('the gateway\'s own health may be read (the sample flow does), nothing else', async () => {
    const ok = await run(gw, 'x/Get', { url: `http://localhost:${port}/healthz` });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.outputVariables.result.status, 200);
    assert.equal(ok.body.outputVariables.result.body.status, 'ok');
    assertFailed(await run(gw, 'x/Post', { url: `http://localhost:${port}/healthz` }), 'egress-refused', 'POST /healthz');
    assertFailed(await run(gw, 'x/Get', { url: `http://localhost:${port}/healthz/../api/v1/packages` }), 'egress-refused', 'dot segments');
  });

  test('link-local addresses (cloud metadata services) are refused by default', async () => {
    await whileServing(gw, async () => {
      for (const url of ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'http://[fe80::1]/x', 'http://2852039166/latest/meta-data/', 'http://[::ffff:169.254.169.254]/']) {
        assert.match(assertFailed(await run(gw, 'x/Get', { url }), 'egress-refused', url), /link-local/);
      }
    });
  });

  test('data:, file:, blob: and other schemes are refused', async () => {
    const before = await snapshot(gw);
    await whileServing(gw, async () => {
      for (const url of ['data:text/plain,hello', 'data:application/json,{"a":1}', 'file:///etc/passwd', `blob:http://127.0.0.1:${port}/x`, 'ftp://127.0.0.1/x', 'javascript:alert(1)', 'gopher://127.0.0.1:25/x']) {
        const r = await run(gw, 'x/Get', { url });
        assert.match(assertFailed(r, 'egress-refused', url), /only http and https/);
        assert.ok(!JSON.stringify(r.body).includes('passwd'), 'the refused URL is not echoed in full');
      }
    });
    assert.deepEqual(await snapshot(gw), before);
  });

  test('redirects are followed by hand and each hop is checked', async () => {
    const before = await snapshot(gw);
    const to = (target: string, status = 302) => `${helper.url}/redirect?status=${status}&to=${encodeURIComponent(target)}`;
    await whileServing(gw, async () => {
      for (const [status, target] of [
        [307, `http://127.0.0.1:${port}/api/v1/packages/network-ops/versions/1/unpublish`],
        [308, `http://localhost:${port}/api/v1/packages/network-ops/versions/1/unpublish`],
        [307, `http://2130706433:${port}${startPath('x/Post', { packageName: 'egress' })}`],
        [302, 'data:text/plain,hello'],
        [302, 'file:///etc/passwd'],
      ] as const) {
        const r = await run(gw, 'x/Post', { url: to(target, status) });
        assertFailed(r, 'egress-refused', `${status} → ${target}`);
      }
      // Two hops: helper → helper → gateway.
      const twice = await run(gw, 'x/Post', { url: to(to(`http://[::1]:${port}/api/v1/packages/network-ops/versions/1/unpublish`, 307), 307) });
      assertFailed(twice, 'egress-refused', 'two hops');
      const loop = await run(gw, 'x/Get', { url: `${helper.url}/loop` });
      assert.match(assertFailed(loop, 'http-error', 'redirect loop'), new RegExp(`more than ${LIMITS.httpRedirects} redirects`));
    });
    assert.deepEqual(await snapshot(gw), before);
    // A redirect elsewhere is followed; 303 turns the POST into a GET.
    const ok = await run(gw, 'x/Post', { url: to(`${helper.url}/echo?after=redirect`, 303) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.outputVariables.result.body.url, '/echo?after=redirect');
  });

  test('oversized and compressed-bomb answers fail the execution, not the gateway', async () => {
    await whileServing(gw, async () => {
      const big = await run(gw, 'x/Get', { url: `${helper.url}/big` });
      assert.match(assertFailed(big, 'http-response-too-large', 'big'), new RegExp(`larger than ${LIMITS.httpResponseBytes} bytes`));
      const bomb = await run(gw, 'x/Get', { url: `${helper.url}/bomb` });
      assertFailed(bomb, 'http-response-too-large', 'gzip bomb');
    });
  });

  test('a server that never answers, or drips its body forever, times the step out', async () => {
    await whileServing(gw, async () => {
      for (const p of ['/hang', '/drip']) {
        const r = await run(gw, 'x/GetQuick', { url: `${helper.url}${p}` });
        assert.match(assertFailed(r, 'http-timeout', p), /timed out after 1 s/);
      }
    });
  });

  test('credentials in URLs never appear in errors, records or logs', async () => {
    await whileServing(gw, async () => {
      // Unreachable: the error names the URL without its user, password or key.
      const down = await run(gw, 'x/CredDown', {});
      const message = assertFailed(down, 'http-error', 'unreachable');
      assert.equal(message, 'GET http://127.0.0.1:2/x?api_key=*** failed: ECONNREFUSED');
      assertNoSecret(JSON.stringify(down.body), 'the error body');
      const record = await call(gw, 'GET', `/api/v1/executions/${executionIdOf(down)}`);
      assert.equal(record.status, 200);
      assertNoSecret(JSON.stringify(record.body), 'the execution record');

      // Refused (the gateway itself): same.
      const self = await run(gw, 'x/CredSelf', {});
      assertFailed(self, 'egress-refused', 'self with credentials');
      assertNoSecret(JSON.stringify(self.body), 'the refusal');
      assertNoSecret(JSON.stringify((await call(gw, 'GET', `/api/v1/executions/${executionIdOf(self)}`)).body), 'the refused record');

      // Reachable: sent as Basic auth, and a server that echoes it back does not leak it into the record.
      const echoed = await run(gw, 'x/CredEcho', {});
      assert.equal(echoed.status, 200, JSON.stringify(echoed.body));
      assert.equal(helper.seen.at(-1)?.authorization, `Basic ${Buffer.from(`u:${URL_PASS}`).toString('base64')}`);
      assert.equal(echoed.body.outputVariables.result.body.headers.authorization, 'Basic ***');
      assertNoSecret(JSON.stringify(echoed.body), 'the outputs');
      assertNoSecret(JSON.stringify((await call(gw, 'GET', `/api/v1/executions/${echoed.body.executionId}`)).body), 'the record');
    });
  });

  test('connection secrets reach the server and nothing else; a redirect elsewhere drops them', async () => {
    const bearer = await run(gw, 'x/Conn', { connection: 'crm', path: '/echo' });
    assert.equal(bearer.status, 200, JSON.stringify(bearer.body));
    assert.equal(helper.seen.at(-1)?.authorization, `Bearer ${TOKEN}`);
    assert.equal(bearer.body.outputVariables.result.body.headers.authorization, 'Bearer ***');
    assert.equal(bearer.body.outputVariables.result.headers['x-echo-authorization'], 'Bearer ***');
    const basic = await run(gw, 'x/Conn', { connection: 'crmb', path: '/echo' });
    assert.equal(basic.status, 200, JSON.stringify(basic.body));
    assert.equal(helper.seen.at(-1)?.authorization, `Basic ${Buffer.from(`ops:${PASS}`).toString('base64')}`);
    for (const r of [bearer, basic]) {
      assertNoSecret(JSON.stringify(r.body), 'the outputs');
      assertNoSecret(JSON.stringify((await call(gw, 'GET', `/api/v1/executions/${r.body.executionId}`)).body), 'the record');
    }
    // 127.0.0.1 → localhost is another origin: the Authorization header stays behind.
    const away = await run(gw, 'x/Conn', { connection: 'crm', path: `/redirect?to=${encodeURIComponent(`http://localhost:${helper.port}/echo`)}` });
    assert.equal(away.status, 200, JSON.stringify(away.body));
    assert.equal(helper.seen.at(-1)?.authorization, undefined);
    // No tree header leaves for hosts other than the gateway itself.
    assert.ok(helper.seen.every((h) => Object.keys(h).every((k) => !/^(x-)?flowgate-/.test(k))));
  });
});

describe('hostile egress: --egress-allow and --allow-self-calls', () => {
  let gw: EmulatorProcess;
  let helper: Awaited<ReturnType<typeof startHelper>>;
  before(async () => {
    helper = await startHelper();
    gw = await startTarget({ args: ['--allow-self-calls', '--egress-allow', 'only.example,*.trusted.example:443'] });
    await upload(gw, helper.url);
  });
  after(async () => {
    const out = gw?.output() ?? '';
    await gw?.stop();
    await helper?.close();
    assertNoSecret(out, 'the emulator output');
  });

  test('a URL outside the allow-list is refused; the connection\'s own base URL is allowed', async () => {
    await whileServing(gw, async () => {
      const direct = await run(gw, 'x/Get', { url: `${helper.url}/echo` });
      assert.match(assertFailed(direct, 'egress-refused', 'not allowed'), /egress allow-list/);
      const viaConnection = await run(gw, 'x/Conn', { connection: 'crm', path: '/echo' });
      assert.equal(viaConnection.status, 200, JSON.stringify(viaConnection.body));
      // A redirect from the connection's origin to elsewhere is checked against the list too.
      const away = await run(gw, 'x/Conn', { connection: 'crm', path: `/redirect?to=${encodeURIComponent(`http://localhost:${helper.port}/echo`)}` });
      assertFailed(away, 'egress-refused', 'redirect off the connection');
      for (const url of ['data:text/plain,x', 'file:///etc/hosts']) assertFailed(await run(gw, 'x/Get', { url }), 'egress-refused', url);
    });
  });

  test('self-calls are allowed when configured', async () => {
    const self = await run(gw, 'x/Get', { url: `http://localhost:${gw.port}/api/openapi.json` });
    assert.equal(self.status, 200, JSON.stringify(self.body));
    assert.equal(self.body.outputVariables.result.status, 200);
    assert.equal(self.body.outputVariables.result.body.info.title, 'Flowgate gateway API');
    // A self-call carries no credentials of its own: management routes answer it like any caller without a token.
    const management = await run(gw, 'x/Get', { url: `http://localhost:${gw.port}/api/v1/packages/egress` });
    assert.equal(management.status, 200, JSON.stringify(management.body));
    assert.equal(management.body.outputVariables.result.status, 401);
  });

  test('an execution a self-call starts joins the caller\'s tree', async () => {
    const url = `${gw.url}${startPath('x/Leaf', { packageName: 'egress' })}`;
    const caller = await run(gw, 'x/StartSelf', { url });
    assert.equal(caller.status, 200, JSON.stringify(caller.body));
    const childId = caller.body.outputVariables.result.body.executionId;
    assert.equal(typeof childId, 'string', JSON.stringify(caller.body));
    const child = await call(gw, 'GET', `/api/v1/executions/${childId}`);
    assert.equal(child.body.parentId, caller.body.executionId);
    assert.equal(child.body.rootId, caller.body.executionId);
  });

  test('a flow that starts itself over HTTP is bounded by the tree, and the gateway keeps serving', async () => {
    const url = `${gw.url}${startPath('x/StartSelf', { packageName: 'egress' })}`;
    const root = await whileServing(gw, () => run(gw, 'x/StartSelf', { url }));
    assert.equal(root.status, 200, JSON.stringify(root.body).slice(0, 500));
    // Somewhere down the chain a start was refused (depth or tree size), and the chain unwound.
    const list = await call(gw, 'GET', '/api/v1/executions?flow=x/StartSelf');
    const tree = list.body.executions.filter((e: { rootId: string }) => e.rootId === root.body.executionId);
    assert.ok(tree.length > 1 && tree.length <= 52, `the tree holds ${tree.length} executions`);
    assert.ok(tree.every((e: { status: string }) => e.status !== 'Running'), 'nothing left running');
  });

  test('stopping the root stops what its self-calls started', async () => {
    const url = `${gw.url}${startPath('x/Sleeper', { packageName: 'egress', mode: 'async' })}`;
    const root = await call(gw, 'POST', startPath('x/StartThenWait', { packageName: 'egress', mode: 'async' }), { inputVariables: { url } });
    assert.equal(root.status, 202, JSON.stringify(root.body));
    const rootId = root.body.executionId;
    let sleeper: { id: string } | undefined;
    for (let i = 0; i < 100 && !sleeper; i++) {
      const list = await call(gw, 'GET', '/api/v1/executions?flow=x/Sleeper&status=Running');
      sleeper = list.body.executions.find((e: { rootId: string }) => e.rootId === rootId);
      if (!sleeper) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(sleeper, 'the self-call started x/Sleeper in the root\'s tree');
    const stop = await call(gw, 'POST', `/api/v1/executions/${rootId}/stop`);
    assert.equal(stop.status, 200, JSON.stringify(stop.body));
    const after = await call(gw, 'GET', `/api/v1/executions/${sleeper.id}`);
    assert.equal(after.body.status, 'Stopped');
  });
});

describe('egress policy units', () => {
  test('allow-list patterns and URL redaction', () => {
    assert.equal(parseEgressAllow('*'), undefined);
    assert.deepEqual(parseEgressAllow('API.example.com, *.corp.example:8443,[::1]:80'), [
      { host: 'api.example.com', wildcard: false, port: undefined },
      { host: 'corp.example', wildcard: true, port: 8443 },
      { host: '::1', wildcard: false, port: 80 },
    ]);
    assert.throws(() => parseEgressAllow('http://x.example/'), /not a host/);
    assert.throws(() => parseEgressAllow('x.example:70000'), /port/);
    assert.equal(redactUrl('https://u:p@h.example/x?token=abc&q=1'), 'https://***@h.example/x?token=***&q=1');
    assert.equal(redactUrl('data:text/plain,secret'), 'data:…');
  });
});
