/**
 * LEAK TESTS: a long random connection secret is granted to connection `crm` of package `leaky`,
 * whose flows try every way to get it out through the gateway — as an output, in a variable and a
 * log line, base64-encoded, in a URL and a header of a failing http step, in a thrown error, caught
 * and re-thrown, as a run-flow child's input (sync and async), asynchronously. (The flows obtain
 * the value as a hostile endpoint would hand it back: the connection's listener returns the
 * Authorization header it received in two halves, which the flow joins.)
 *
 * Then EVERYTHING is searched for the value (as is, percent-encoded and in base64): every API
 * answer (execution answers, list, details of every execution and child, the event stream, audit,
 * secrets list and details, the package's exported file and its unzipped entries), the
 * emulator's stdout and stderr, and every file of the data folder (raw bytes). Zero occurrences.
 *
 * Meanwhile package `borrower` names `crm` (leaky's connection) and package `other` declares its
 * own `crm` naming the same secret: neither resolves it, and other's listener never receives it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readPackageFile } from '../../src/core/package/packageFile';
import { adminHeaders, buildPackage, startPath } from '../emulator/helpers';
import type { EmulatorProcess } from '../support/emulatorProcess';
import { call, startTarget, whileServing } from './harness';

const VALUE = `leak-${randomBytes(36).toString('base64url')}`;
const FORMS = [VALUE, encodeURIComponent(VALUE), Buffer.from(VALUE).toString('base64').replace(/=+$/, ''), Buffer.from(VALUE).toString('base64url')];
const NAME = 'LEAK_TOKEN';

function occurrences(text: string): string[] {
  return FORMS.filter((f) => text.includes(f));
}
function assertClean(text: string, where: string): void {
  const found = occurrences(text);
  assert.deepEqual(found.map((f) => (f === VALUE ? 'the value' : 'an encoding of the value')), [], `${where} holds the secret: …${text.slice(Math.max(0, text.indexOf(found[0] ?? '') - 200), text.indexOf(found[0] ?? '') + 60)}`);
}

/** The connection's endpoint: answers `/split` with the bearer token it received, in two halves. */
async function endpoint(): Promise<{ url: string; auths: (string | undefined)[]; close(): Promise<void> }> {
  const auths: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization;
    auths.push(auth);
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : '';
    const half = Math.floor(token.length / 2);
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/fail')) res.statusCode = 500;
    res.end(JSON.stringify({ a: token.slice(0, half), b: token.slice(half), whole: token, header: auth ?? null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auths,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** Steps that put the secret into variable `s` (and the raw echoed answer into `raw`). */
const OBTAIN = `
  - kind: http
    connection: crm
    path: /split
    output: raw
  - kind: set
    values:
      s: "= raw.body.a & raw.body.b"
`;

function flows(closedPort: number): Record<string, string> {
  const out = (decl: string, steps: string, inputs = '') => `${inputs}outputs:\n${decl}steps:${OBTAIN}${steps}`;
  return {
    'leak/Output': out('  v:\n    type: string\n  raw:\n    type: object\n  b64:\n    type: string\n', `
  - kind: set
    values:
      v: "= s"
      b64: "= $base64encode(s)"
`),
    'leak/Log': out('  n:\n    type: number\n', `
  - kind: set
    values:
      kept: "= 'kept ' & s"
      n: 1
  - kind: log
    message: "= 'the secret is ' & s & ' and ' & kept"
  - kind: log
    level: error
    message: "= $base64encode(s)"
`),
    'leak/Url': out('  n:\n    type: number\n', `
  - kind: http
    url: "= 'http://127.0.0.1:${closedPort}/' & s & '?token=' & s"
    headers:
      X-Leak: "= s"
    timeoutSeconds: 3
`),
    'leak/HeaderThenFail': out('  n:\n    type: number\n', `
  - kind: http
    connection: crm
    path: "= '/fail/' & s"
    headers:
      X-Leak: "= s"
    output: failed
  - kind: fail
    code: leaked
    message: "= 'status ' & $string(failed.status) & ' for ' & s"
`),
    'leak/Throw': out('  n:\n    type: number\n', `
  - kind: try
    steps:
      - kind: fail
        message: "= 'inner ' & s"
    catch:
      - kind: log
        message: "= 'caught: ' & error.message"
      - kind: fail
        message: "= 'rethrown: ' & error.message & ' / ' & s"
`),
    'leak/Expression': out('  n:\n    type: number\n', `
  - kind: set
    values:
      n: "= $error('expression error ' & s)"
`),
    'leak/Child': out('  child:\n    type: object\n', `
  - kind: run-flow
    flow: leak/Echo
    inputs:
      v: "= s"
    output: child
  - kind: run-flow
    flow: leak/Echo
    mode: async
    inputs:
      v: "= s"
  - kind: run-flow
    flow: leak/Boom
    inputs:
      v: "= s"
`),
    'leak/Echo': `inputs:\n  v:\n    type: string\noutputs:\n  v:\n    type: string\nsteps:\n  - kind: log\n    message: "= 'child got ' & v"\n  - kind: set\n    values:\n      v: "= v"\n`,
    'leak/Boom': `inputs:\n  v:\n    type: string\nsteps:\n  - kind: fail\n    message: "= 'child fails with ' & v"\n`,
  };
}

const CRM = (url: string) => `baseUrl: ${url}\nauth:\n  type: bearer\n  secret: ${NAME}\n`;

describe('hostile: connection secrets never leak', () => {
  let gw: EmulatorProcess;
  let crm: Awaited<ReturnType<typeof endpoint>>;
  let evil: Awaited<ReturnType<typeof endpoint>>;
  const answers: string[] = [];
  // A data folder of the test's own: searched after the emulator stopped.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-leaks-'));
  let events = '';
  let stopEvents: AbortController;
  let eventsDone: Promise<void>;

  before(async () => {
    crm = await endpoint();
    evil = await endpoint();
    gw = await startTarget({ dataDir });
    // A port nothing listens on (the http step there fails with a message naming the URL).
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const up = await call(gw, 'POST', '/api/v1/packages', await buildPackage('leaky', 1, flows(closedPort), { crm: CRM(crm.url) }));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal((await call(gw, 'POST', '/api/v1/packages/leaky/versions/1/publish')).status, 200);
    const other = await buildPackage(
      'other',
      1,
      {
        'steal/SameName': `outputs:\n  v:\n    type: object\nsteps:\n  - kind: http\n    connection: crm\n    path: /split\n    output: v\n`,
      },
      { crm: CRM(evil.url) },
    );
    assert.equal((await call(gw, 'POST', '/api/v1/packages', other)).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/other/versions/1/publish')).status, 200);
    // A package with no connection of its own names leaky's `crm` (by an expression: a literal name is refused at upload).
    const borrower = await buildPackage('borrower', 1, { 'steal/Borrow': `outputs:\n  v:\n    type: object\nsteps:\n  - kind: http\n    connection: "= 'crm'"\n    path: /split\n    output: v\n` });
    assert.equal((await call(gw, 'POST', '/api/v1/packages', borrower)).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/borrower/versions/1/publish')).status, 200);

    const set = await call(gw, 'PUT', `/api/v1/secrets/${NAME}`, { value: VALUE, grants: [{ package: 'leaky', connection: 'crm' }] });
    assert.equal(set.status, 201, JSON.stringify(set.body));
    answers.push(JSON.stringify(set.body));

    stopEvents = new AbortController();
    const res = await fetch(`${gw.url}/api/v1/executions/events`, { signal: stopEvents.signal, headers: await adminHeaders(gw) });
    assert.equal(res.status, 200);
    eventsDone = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) events += decoder.decode(chunk, { stream: true });
      } catch {
        /* aborted */
      }
    })();
  });

  after(async () => {
    stopEvents?.abort();
    await gw?.stop();
    await crm?.close();
    await evil?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every leaking flow runs; the endpoint did receive the value (the secret works)', async () => {
    const ran: Record<string, { status: number; body: any }> = {};
    await whileServing(gw, async () => {
      for (const flow of Object.keys(flows(1)).filter((f) => f !== 'leak/Echo' && f !== 'leak/Boom')) {
        const r = await call(gw, 'POST', startPath(flow, { packageName: 'leaky' }), {});
        ran[flow] = r;
        answers.push(JSON.stringify(r.body));
      }
      const async = await call(gw, 'POST', startPath('leak/Output', { packageName: 'leaky', mode: 'async' }), {});
      assert.equal(async.status, 202);
      answers.push(JSON.stringify(async.body));
    });
    assert.ok(crm.auths.includes(`Bearer ${VALUE}`), 'the granted connection sent the secret');
    // The flows did get hold of the value: what they tried to leak is masked, not missing.
    assert.equal(ran['leak/Output'].status, 200, JSON.stringify(ran['leak/Output'].body));
    assert.equal(ran['leak/Output'].body.outputVariables.v, '***');
    assert.equal(ran['leak/Output'].body.outputVariables.b64, '***');
    assert.equal(ran['leak/Throw'].status, 500);
    assert.match(ran['leak/Throw'].body.error.message, /^rethrown: inner \*\*\* \/ \*\*\*$/);
    assert.match(ran['leak/Url'].body.error.message, /\*\*\*/);
    assert.match(ran['leak/HeaderThenFail'].body.error.message, /^status 500 for \*\*\*$/);
    assert.match(ran['leak/Child'].body.error.message, /child fails with \*\*\*/);
    assert.match(ran['leak/Expression'].body.error.message, /expression error \*\*\*/);
  });

  test('another package gets nothing: naming the connection of leaky, or declaring its own of the same name', async () => {
    const before = crm.auths.length;
    const borrow = await call(gw, 'POST', startPath('steal/Borrow', { packageName: 'borrower' }), {});
    answers.push(JSON.stringify(borrow.body));
    assert.equal(borrow.status, 500);
    assert.match(borrow.body.error.message, /Connection 'crm' is not in package borrower version 1/);
    assert.equal(crm.auths.length, before, "leaky's endpoint was not called for another package");
    const same = await call(gw, 'POST', startPath('steal/SameName', { packageName: 'other' }), {});
    answers.push(JSON.stringify(same.body));
    assert.equal(same.status, 500);
    assert.ok(same.body.error.details.some((d: { field: string; message: string }) => d.field === 'errorCode' && d.message === 'secret-not-granted'), JSON.stringify(same.body));
    assert.deepEqual(evil.auths, [], "the other package's endpoint received nothing");
  });

  test('no API answer, event, export, log line or file of the data folder holds the value', async () => {
    // Every execution, its details and its children (until the async ones ended).
    const ids = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const list = await call(gw, 'GET', '/api/v1/executions?limit=1000');
      answers.push(JSON.stringify(list.body));
      if (list.body.executions.every((e: { status: string }) => e.status !== 'Running' && e.status !== 'Stopping')) {
        for (const e of list.body.executions) ids.add(e.id);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(ids.size >= 10, `executions seen: ${ids.size}`);
    for (const id of ids) {
      const d = await call(gw, 'GET', `/api/v1/executions/${id}`);
      assert.equal(d.status, 200);
      answers.push(JSON.stringify(d.body));
      for (const c of d.body.children ?? []) ids.add(c.id);
    }
    const childInputs = [...ids].length;
    assert.ok(childInputs > 0);
    for (const p of ['/api/v1/audit?limit=500', '/api/v1/secrets', `/api/v1/secrets/${NAME}`, '/api/v1/packages', '/api/v1/definitions', '/api/v1/packages/leaky/versions/1']) {
      const r = await call(gw, 'GET', p);
      assert.equal(r.status, 200, p);
      answers.push(JSON.stringify(r.body));
    }
    // The exported package file: raw bytes and every entry unzipped.
    const file = await fetch(`${gw.url}/api/v1/packages/leaky/versions/1/file`, { headers: await adminHeaders(gw) });
    assert.equal(file.status, 200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    assertClean(Buffer.from(bytes).toString('latin1'), 'the package file');
    const unzipped = await readPackageFile(bytes);
    for (const s of unzipped.sources) assertClean(s.text, `package entry ${s.id}`);
    assertClean(JSON.stringify(unzipped.manifest), 'the manifest');

    stopEvents.abort();
    await eventsDone;
    assert.match(events, /event: execution/);
    assertClean(events, 'the event stream');
    answers.forEach((a, i) => assertClean(a, `API answer ${i}`));
    assert.ok(answers.join('').includes('***'), 'masked values are shown as ***');

    // The process's stdout and stderr, after a clean stop (everything flushed).
    assert.equal(await gw.stop(), 0);
    assertClean(gw.output(), "the emulator's stdout/stderr");

    // Every file of the data folder, raw bytes (the sealed store included).
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await fs.readdir(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile()) files.push(p);
      }
    };
    await walk(gw.dataDir);
    assert.ok(files.some((f) => f.endsWith('secrets.json')), 'the secret store is in the data folder');
    assert.ok(files.some((f) => f.includes(`${path.sep}executions${path.sep}`)), 'the execution history is in the data folder');
    for (const f of files) assertClean((await fs.readFile(f)).toString('latin1'), path.relative(gw.dataDir, f));
  });
});
