import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { GatewayClient, GatewayError } from '../../src/core/client/gatewayClient';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type Reply = (req: Seen, res: http.ServerResponse) => void;

const TOKEN = 'tok-3f9a8b7c6d5e4f3a2b1c';
const seen: Seen[] = [];
const replies = new Map<string, Reply>();
let server: http.Server;
let baseUrl: string;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The reply for `METHOD /path` (query ignored); default: 200 with what was asked. */
function on(method: string, path: string, reply: Reply): void {
  replies.set(`${method} ${path}`, reply);
}

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      const reply = replies.get(`${s.method} ${s.url.split('?')[0]}`);
      if (reply) reply(s, res);
      else json(res, 200, { method: s.method, url: s.url });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function last(): Seen {
  return seen[seen.length - 1];
}

async function gatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded');
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('every route: method, path, query, headers and body', async () => {
  const client = new GatewayClient(`${baseUrl}/`, { token: TOKEN });
  const calls: [() => Promise<unknown>, string, string][] = [
    [() => client.health(), 'GET', '/healthz'],
    [() => client.openapi(), 'GET', '/api/openapi.json'],
    [() => client.listPackages(), 'GET', '/api/v1/packages'],
    [() => client.getPackage('net ops'), 'GET', '/api/v1/packages/net%20ops'],
    [() => client.getVersion('network-ops', 2), 'GET', '/api/v1/packages/network-ops/versions/2'],
    [() => client.publish('network-ops', 2), 'POST', '/api/v1/packages/network-ops/versions/2/publish'],
    [() => client.unpublish('network-ops', 2), 'POST', '/api/v1/packages/network-ops/versions/2/unpublish'],
    [() => client.setDefaultVersion('network-ops', 2), 'POST', '/api/v1/packages/network-ops/versions/2/default'],
    [() => client.setDefaultPackage('network-ops'), 'POST', '/api/v1/packages/network-ops/default'],
    [() => client.listExecutions(), 'GET', '/api/v1/executions'],
    [() => client.listExecutions({ status: 'Running', packageName: 'network-ops', packageVersion: 2, flow: 'a/B' }), 'GET', '/api/v1/executions?status=Running&packageName=network-ops&packageVersion=2&flow=a%2FB'],
    [
      () => client.listExecutions({ status: 'Ended', startedAfter: '2026-01-01T00:00:00Z', startedBefore: '2026-02-01T00:00:00Z', limit: 50, after: 'abc' }),
      'GET',
      '/api/v1/executions?status=Ended&startedAfter=2026-01-01T00%3A00%3A00Z&startedBefore=2026-02-01T00%3A00%3A00Z&limit=50&after=abc',
    ],
    [() => client.getExecution('ex-1'), 'GET', '/api/v1/executions/ex-1'],
    [() => client.stopExecution('ex-1'), 'POST', '/api/v1/executions/ex-1/stop'],
    [() => client.listDefinitions(), 'GET', '/api/v1/definitions'],
  ];
  for (const [call, method, url] of calls) {
    const answer = await call();
    assert.deepEqual(answer, { method, url }, url);
    assert.equal(last().method, method);
    assert.equal(last().url, url);
    assert.equal(last().headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(last().headers.accept, 'application/json');
  }

  const anonymous = new GatewayClient(baseUrl);
  await anonymous.health();
  assert.equal(last().headers.authorization, undefined);

  const prefixed = new GatewayClient(`${baseUrl}/gw/`);
  assert.equal(prefixed.baseUrl, `${baseUrl}/gw`);
  await prefixed.health();
  assert.equal(last().url, '/gw/healthz');
});

test('upload and download of package files', async () => {
  const file = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3, 255]);
  on('POST', '/api/v1/packages', (s, res) => json(res, 201, { name: 'network-ops', version: 2, created: true, size: s.body.length }));
  on('GET', '/api/v1/packages/network-ops/versions/2/file', (_s, res) => {
    res.writeHead(200, { 'Content-Type': 'application/zip' });
    res.end(Buffer.from(file));
  });
  const client = new GatewayClient(baseUrl, { token: TOKEN });
  const uploaded = await client.uploadPackage(file);
  assert.deepEqual(uploaded, { name: 'network-ops', version: 2, created: true, size: file.length });
  assert.equal(last().headers['content-type'], 'application/zip');
  assert.deepEqual(new Uint8Array(last().body), file);

  const downloaded = await client.downloadVersion('network-ops', 2);
  assert.ok(downloaded instanceof Uint8Array);
  assert.deepEqual(downloaded, file);
});

test('startExecution: 200 is a result, 202 is a start', async () => {
  on('POST', '/api/default/default/flows/network%2Fcore%2FRestart-Service/executions', (s, res) => {
    const async = new URL(s.url, 'http://x').searchParams.get('mode') === 'async';
    if (async) json(res, 202, { executionId: 'ex-2', packageName: 'network-ops', packageVersion: 2 });
    else json(res, 200, { executionId: 'ex-1', status: 'Ended', outputVariables: { restarted: true }, packageName: 'network-ops', packageVersion: 2 });
  });
  const client = new GatewayClient(baseUrl);
  const sync = await client.startExecution('network/core/Restart-Service', { inputVariables: { device: 'r1' } });
  assert.deepEqual(sync, {
    kind: 'result',
    result: { executionId: 'ex-1', status: 'Ended', outputVariables: { restarted: true }, packageName: 'network-ops', packageVersion: 2 },
  });
  assert.equal(last().url, '/api/default/default/flows/network%2Fcore%2FRestart-Service/executions');
  assert.equal(last().headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(last().body.toString()), { inputVariables: { device: 'r1' } });

  const started = await client.startExecution('network/core/Restart-Service', { packageName: 'network-ops', packageVersion: 2, mode: 'async' });
  assert.deepEqual(started, { kind: 'started', started: { executionId: 'ex-2', packageName: 'network-ops', packageVersion: 2 } });
  assert.equal(last().url, '/api/default/default/flows/network%2Fcore%2FRestart-Service/executions?packageName=network-ops&packageVersion=2&mode=async');
  assert.deepEqual(JSON.parse(last().body.toString()), { inputVariables: {} });
});

test('error bodies become GatewayError with status, code, message and details', async () => {
  on('GET', '/api/v1/packages/missing', (_s, res) => json(res, 404, { error: { code: 'package-not-found', message: "No package 'missing'" } }));
  on('POST', '/api/default/default/flows/Bad/executions', (_s, res) =>
    json(res, 400, {
      error: { code: 'invalid-inputs', message: 'Invalid inputs for Bad', details: [{ field: 'inputVariables.device', message: 'required' }] },
    }),
  );
  on('POST', '/api/v1/packages/dup/versions/1/publish', (_s, res) => json(res, 409, { error: { message: 'no code given' } }));
  const client = new GatewayClient(baseUrl);

  const missing = await gatewayError(client.getPackage('missing'));
  assert.equal(missing.status, 404);
  assert.equal(missing.code, 'package-not-found');
  assert.equal(missing.message, "No package 'missing'");
  assert.deepEqual(missing.details, []);

  const inputs = await gatewayError(client.startExecution('Bad'));
  assert.equal(inputs.status, 400);
  assert.equal(inputs.code, 'invalid-inputs');
  assert.deepEqual(inputs.details, [{ field: 'inputVariables.device', message: 'required' }]);

  const conflict = await gatewayError(client.publish('dup', 1));
  assert.equal(conflict.status, 409);
  assert.equal(conflict.code, 'version-conflict');
  assert.equal(conflict.message, 'no code given');
});

test('answers that are not the API: non-JSON errors, empty errors, non-JSON success', async () => {
  on('GET', '/api/v1/definitions', (_s, res) => {
    res.writeHead(502, 'Bad Gateway', { 'Content-Type': 'text/plain' });
    res.end('upstream   connect error\nor disconnect');
  });
  on('GET', '/api/v1/executions/html', (_s, res) => {
    res.writeHead(500, { 'Content-Type': 'text/html' });
    res.end('<html><body>Internal <b>error</b></body></html>');
  });
  on('GET', '/api/v1/executions/empty', (_s, res) => {
    res.writeHead(401);
    res.end();
  });
  on('GET', '/api/v1/packages', (_s, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<html>a login page</html>');
  });
  const client = new GatewayClient(baseUrl);

  const plain = await gatewayError(client.listDefinitions());
  assert.equal(plain.status, 502);
  assert.equal(plain.code, 'internal');
  assert.equal(plain.message, `The gateway at ${baseUrl} answered 502 Bad Gateway to GET /api/v1/definitions: upstream connect error or disconnect`);

  const html = await gatewayError(client.getExecution('html'));
  assert.equal(html.status, 500);
  assert.equal(html.code, 'internal');
  assert.equal(html.message, `The gateway at ${baseUrl} answered 500 Internal Server Error to GET /api/v1/executions/html`);

  const empty = await gatewayError(client.getExecution('empty'));
  assert.equal(empty.status, 401);
  assert.equal(empty.code, 'unauthorized');

  const notJson = await gatewayError(client.listPackages());
  assert.equal(notJson.status, 200);
  assert.equal(notJson.code, 'bad-response');
  assert.match(notJson.message, /not JSON \(text\/html\); is this a Flowgate gateway\?/);
});

test('the token never appears in an error', async () => {
  on('GET', '/api/v1/executions/echo', (s, res) =>
    json(res, 403, { error: { code: 'forbidden', message: `Token ${s.headers.authorization} is not allowed`, details: [{ field: s.headers.authorization, message: `${s.headers.authorization}` }] } }),
  );
  const client = new GatewayClient(baseUrl, { token: TOKEN });
  const error = await gatewayError(client.getExecution('echo'));
  assert.equal(error.status, 403);
  assert.equal(error.message, 'Token Bearer *** is not allowed');
  assert.ok(!JSON.stringify({ ...error, message: error.message, stack: error.stack }).includes(TOKEN));

  const port = await closedPort();
  const unreachable = await gatewayError(new GatewayClient(`http://127.0.0.1:${port}`, { token: TOKEN }).health());
  assert.ok(!`${unreachable.message} ${unreachable.stack}`.includes(TOKEN));
});

test('a refused connection is "unreachable", naming the URL', async () => {
  const port = await closedPort();
  const error = await gatewayError(new GatewayClient(`http://127.0.0.1:${port}`).listPackages());
  assert.equal(error.status, 0);
  assert.equal(error.code, 'unreachable');
  assert.equal(error.message, `No gateway answers at http://127.0.0.1:${port} — is it running?`);

  const withCredentials = await gatewayError(new GatewayClient(`http://admin:secret@127.0.0.1:${port}/`).health());
  assert.equal(withCredentials.message, `No gateway answers at http://127.0.0.1:${port} — is it running?`);

  // A name that cannot resolve (RFC 2606 `.invalid`). Without any resolver the lookup may hang
  // instead of failing, which the timeout then reports — still status 0, still naming the URL.
  const unknownHost = await gatewayError(new GatewayClient('http://no-such-gateway.invalid:8722', { timeoutMs: 5_000 }).health());
  assert.equal(unknownHost.status, 0);
  if (unknownHost.code === 'unreachable') {
    assert.equal(unknownHost.message, "No gateway answers at http://no-such-gateway.invalid:8722 — the host 'no-such-gateway.invalid' cannot be found.");
  } else {
    assert.equal(unknownHost.code, 'timeout');
    assert.match(unknownHost.message, /^The gateway at http:\/\/no-such-gateway\.invalid:8722 did not answer/);
  }
});

test('a gateway that does not answer in time is a "timeout"', async () => {
  on('GET', '/api/v1/executions/slow', () => {
    // never answers
  });
  const client = new GatewayClient(baseUrl, { timeoutMs: 150 });
  const started = Date.now();
  const error = await gatewayError(client.getExecution('slow'));
  assert.ok(Date.now() - started < 5_000);
  assert.equal(error.status, 0);
  assert.equal(error.code, 'timeout');
  assert.equal(error.message, `The gateway at ${baseUrl} did not answer GET /api/v1/executions/slow within 0.2 s.`);

  on('POST', '/api/default/default/flows/Slow/executions', () => undefined);
  const sync = await gatewayError(new GatewayClient(baseUrl).startExecution('Slow', { timeoutMs: 100 }));
  assert.equal(sync.code, 'timeout');
});

test('bad base URLs and blocked ports are refused clearly', async () => {
  for (const url of ['not a url', 'ftp://example.com', '']) {
    assert.throws(() => new GatewayClient(url), (error: unknown) => error instanceof GatewayError && error.code === 'invalid-url' && error.status === 0);
  }
  const blocked = await gatewayError(new GatewayClient('http://127.0.0.1:6000').health());
  assert.equal(blocked.code, 'invalid-url');
  assert.match(blocked.message, /port 6000/);
});

test('a given fetch is used', async () => {
  const asked: string[] = [];
  const fake: typeof fetch = async (input, init) => {
    asked.push(`${init?.method} ${String(input)}`);
    return new Response(JSON.stringify({ status: 'ok', name: 'fake', version: '0', startedAt: 'now' }), { status: 200 });
  };
  const health = await new GatewayClient('https://gw.example.com', { fetch: fake }).health();
  assert.equal(health.name, 'fake');
  assert.deepEqual(asked, ['GET https://gw.example.com/healthz']);
});

test('execution events arrive as parsed server-sent events', async () => {
  on('GET', '/api/v1/executions/events', (_s, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(': keep-alive\n\n');
    res.write('event: execution\nid: 1\ndata: {"id":"ex-1",');
    setTimeout(() => {
      res.write('"status":"Running"}\r\n\r\n');
      res.write('data: plain text\ndata: second line\n\n');
      res.end();
    }, 20);
  });
  const client = new GatewayClient(baseUrl, { token: TOKEN });
  const events = [];
  for await (const event of client.executionEvents()) events.push(event);
  assert.equal(last().headers.accept, 'text/event-stream');
  assert.equal(last().headers.authorization, `Bearer ${TOKEN}`);
  assert.deepEqual(events, [
    { event: 'execution', id: '1', data: { id: 'ex-1', status: 'Running' } },
    { event: 'message', data: 'plain text\nsecond line' },
  ]);
});

test('listTraps pages the trap log: limit and after go in the query, only when given', async () => {
  on('GET', '/api/v1/snmp/traps', (_s, res) => json(res, 200, { traps: [], next: 'trap-9' }));
  const client = new GatewayClient(baseUrl, { token: TOKEN });
  assert.deepEqual(await client.listTraps(), { traps: [], next: 'trap-9' });
  assert.equal(last().url, '/api/v1/snmp/traps');
  await client.listTraps({ limit: 20, after: 'trap-9' });
  assert.equal(last().url, '/api/v1/snmp/traps?limit=20&after=trap-9');
});

test('a hostile gateway cannot exhaust the client: answers over the bounds are refused while reading', async () => {
  // Declared too long: refused from the header, before any of it is read.
  on('GET', '/api/v1/packages/huge/versions/1/file', (_s, res) => {
    res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': String(60 * 1024 * 1024) });
    res.write(Buffer.alloc(1024));
    setTimeout(() => res.destroy(), 200);
  });
  // Chunked and endless in effect: reading stops past the JSON bound.
  on('GET', '/api/v1/packages', (_s, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 80 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  const client = new GatewayClient(baseUrl, { token: TOKEN });
  await assert.rejects(client.downloadVersion('huge', 1), (e: unknown) => e instanceof GatewayError && e.code === 'bad-response' && /more than 52428800 bytes/.test(e.message));
  await assert.rejects(client.listPackages(), (e: unknown) => e instanceof GatewayError && e.code === 'bad-response' && /more than 67108864 bytes/.test(e.message));
});
