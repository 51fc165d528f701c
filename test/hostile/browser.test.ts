/**
 * What a web page in the developer's browser can make the browser send to the gateway: cross-site
 * "simple" POSTs (text/plain, no preflight) to upload, publish and run; DNS rebinding (a foreign
 * Host); foreign and opaque Origins. Each is refused before any route reads it, the state does not
 * change and no execution starts; the gateway's own origin and Node clients (no Origin) keep
 * working. Also: binding beyond loopback prints the true addresses and a warning.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { buildPackage, packExamples, startPath } from '../emulator/helpers';
import { runEmulatorToExit, startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { assertRefused, call, snapshot, startTarget, whileServing, type HttpResult } from './harness';

/** A request with any headers (fetch will not send a forged Host). */
/** One request with exactly these headers, plus the admin's token unless `authorization` is given ('' = none). */
async function raw(gw: EmulatorProcess, method: string, path: string, given: Record<string, string>, body?: string | Uint8Array): Promise<HttpResult> {
  const headers: Record<string, string> = { authorization: `Bearer ${await gw.adminToken()}`, ...given };
  if (headers.authorization === '') delete headers.authorization;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: gw.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        if (String(res.headers['content-type'] ?? '').includes('json') && text) parsed = JSON.parse(text);
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: h });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const EVIL = 'https://evil.example';

describe('hostile browser: default policy', () => {
  let gw: EmulatorProcess;
  let zip: Uint8Array;
  before(async () => {
    gw = await startTarget();
    zip = await buildPackage('bro', 1, { 'b/Hello': 'steps: []\n' });
  });
  after(async () => {
    await gw?.stop();
  });

  const executionCount = async () => (await call(gw, 'GET', '/api/v1/executions')).body.executions.length as number;

  test('a cross-site text/plain POST cannot upload, publish, unpublish, run or change defaults', async () => {
    const before = await snapshot(gw);
    const runs = await executionCount();
    const run = JSON.stringify({ inputVariables: { device: '10.0.0.1', service: 'sshd' } });
    const attacks: Array<[string, string, string | Uint8Array | undefined]> = [
      ['POST', '/api/v1/packages', zip],
      ['POST', '/api/v1/packages/network-ops/versions/1/unpublish', undefined],
      ['POST', '/api/v1/packages/network-ops/versions/1/default', undefined],
      ['POST', '/api/v1/packages/network-ops/default', undefined],
      ['POST', startPath('network/core/Restart-Service', { packageName: 'network-ops' }), run],
      ['POST', startPath('network/core/Restart-Service', { packageName: 'network-ops', mode: 'async' }), run],
      ['POST', '/api/v1/packages/network-ops/versions/1/schedules', JSON.stringify({ name: 's', flow: 'network/core/Restart-Service', expression: '* * * * *' })],
      ['POST', '/api/v1/packages/network-ops/versions/1/new-version', JSON.stringify({ add: [], remove: [], update: [] })],
      ['DELETE', '/api/v1/packages/network-ops', undefined],
      ['POST', '/api/v1/executions/stop', JSON.stringify({ ids: [] })],
    ];
    const origins = [EVIL, 'null', `http://127.0.0.1:${gw.port}.evil.example`, `http://127.0.0.1:${gw.port + 1}`, `https://127.0.0.1:${gw.port}`, `http://localhost:${gw.port + 1}`, 'vscode-webview://1234abcd'];
    await whileServing(gw, async () => {
      for (const origin of origins) {
        for (const [method, path, body] of attacks) {
          for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json']) {
            const r = await raw(gw, method, path, { origin, 'content-type': type, 'sec-fetch-site': 'cross-site' }, body);
            assertRefused(r, 403, 'headers.origin', 'forbidden-origin');
          }
        }
      }
      // No Origin but the browser says the request comes from another site (an <img>, a <script>, a navigation).
      for (const site of ['cross-site', 'same-site']) {
        assertRefused(await raw(gw, 'GET', '/api/v1/packages', { 'sec-fetch-site': site }), 403, 'headers.sec-fetch-site', 'forbidden-origin');
        assertRefused(await raw(gw, 'GET', '/api/v1/executions/events', { 'sec-fetch-site': site }), 403, 'headers.sec-fetch-site', 'forbidden-origin');
      }
    });
    assert.deepEqual(await snapshot(gw), before);
    assert.equal(await executionCount(), runs, 'no execution started');
  });

  test('DNS rebinding: a Host the gateway does not serve is 421, on every route', async () => {
    const before = await snapshot(gw);
    const runs = await executionCount();
    const hosts = ['evil.example', `evil.example:${gw.port}`, `127.0.0.1.nip.io:${gw.port}`, `localhost:${gw.port + 1}`, `127.0.0.1:${gw.port + 1}`, `attacker.localhost.evil.example:${gw.port}`, `[::2]:${gw.port}`];
    await whileServing(gw, async () => {
      for (const host of hosts) {
        assertRefused(await raw(gw, 'GET', '/healthz', { host }), 421, 'headers.host', 'misdirected-request');
        assertRefused(await raw(gw, 'GET', '/api/v1/packages', { host }), 421, 'headers.host', 'misdirected-request');
        assertRefused(await raw(gw, 'GET', '/api/openapi.json', { host }), 421, 'headers.host', 'misdirected-request');
        const r = await raw(gw, 'POST', startPath('network/core/Restart-Service', { packageName: 'network-ops' }), { host, 'content-type': 'application/json' }, JSON.stringify({ inputVariables: { device: '10.0.0.1' } }));
        assertRefused(r, 421, 'headers.host', 'misdirected-request');
        assertRefused(await raw(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish', { host, origin: `http://${host}` }), 421, 'headers.host');
      }
    });
    assert.deepEqual(await snapshot(gw), before);
    assert.equal(await executionCount(), runs, 'no execution started');
  });

  test('the gateway\'s own origin, its loopback names and Node clients keep working', async () => {
    const own = [`http://127.0.0.1:${gw.port}`, `http://localhost:${gw.port}`];
    for (const origin of own) {
      const r = await raw(gw, 'GET', '/api/v1/packages', { origin, 'sec-fetch-site': 'same-origin' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.headers.get('access-control-allow-origin'), null, 'same-origin needs no CORS answer');
    }
    for (const host of [`127.0.0.1:${gw.port}`, `localhost:${gw.port}`, `LOCALHOST:${gw.port}`, `[::1]:${gw.port}`]) {
      assert.equal((await raw(gw, 'GET', '/healthz', { host })).status, 200, host);
    }
    // Typed in the address bar: no Origin, Sec-Fetch-Site none.
    assert.equal((await raw(gw, 'GET', '/api/v1/packages', { 'sec-fetch-site': 'none' })).status, 200);
    // Node's fetch (the CLI, the extension host, these tests): no Origin.
    const up = await call(gw, 'POST', '/api/v1/packages', zip);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const pub = await raw(gw, 'POST', '/api/v1/packages/bro/versions/1/publish', { origin: `http://localhost:${gw.port}` });
    assert.equal(pub.status, 200, JSON.stringify(pub.body));
    const ran = await raw(gw, 'POST', startPath('b/Hello', { packageName: 'bro' }), { origin: `http://127.0.0.1:${gw.port}`, 'content-type': 'application/json' }, '{}');
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
  });
});

describe('hostile browser: --allow-origin and --allow-host', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startTarget({ args: ['--allow-origin', 'https://dash.example, http://localhost:3000', '--allow-host', 'gw.example,tunnel.example:9000'] });
  });
  after(async () => {
    await gw?.stop();
  });

  test('an allowed origin gets CORS answers and its preflight; others stay refused', async () => {
    const r = await raw(gw, 'GET', '/api/v1/packages', { origin: 'https://dash.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://dash.example');
    const pre = await raw(gw, 'OPTIONS', '/api/v1/packages/network-ops/versions/1/publish', {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal(pre.headers.get('access-control-allow-headers'), 'content-type');
    const before = await snapshot(gw);
    await whileServing(gw, async () => {
      assertRefused(await raw(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish', { origin: 'https://dash.example.evil.example' }), 403, 'headers.origin');
      assertRefused(await raw(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish', { origin: 'http://dash.example' }), 403, 'headers.origin');
      assertRefused(await raw(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish', { origin: 'http://localhost:3001' }), 403, 'headers.origin');
    });
    assert.deepEqual(await snapshot(gw), before);
  });

  test('allowed Host names: any port without one, only that port with one', async () => {
    assert.equal((await raw(gw, 'GET', '/healthz', { host: 'gw.example:1234' })).status, 200);
    assert.equal((await raw(gw, 'GET', '/healthz', { host: 'GW.example' })).status, 200);
    assert.equal((await raw(gw, 'GET', '/healthz', { host: 'tunnel.example:9000' })).status, 200);
    assertRefused(await raw(gw, 'GET', '/healthz', { host: 'tunnel.example:9001' }), 421, 'headers.host');
    assertRefused(await raw(gw, 'GET', '/healthz', { host: 'evil.gw.example' }), 421, 'headers.host');
  });

  test('bad policy flags are usage errors', async () => {
    for (const args of [['--allow-origin', 'https://x.example/path'], ['--allow-origin', 'null'], ['--allow-host', 'http://x.example'], ['--egress-allow', 'http://x.example/']]) {
      const r = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', gw.dataDir + '-unused', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(args[0].slice(2)));
    }
  });
});

describe('binding beyond loopback', () => {
  test('--host 0.0.0.0 --insecure-bind prints the true addresses and a loud warning; each address answers', async () => {
    const gw = await startEmulatorProcess({ args: ['--host', '0.0.0.0', '--insecure-bind'] });
    try {
      const out = gw.output();
      assert.match(out, /WARNING: --insecure-bind: the Flowgate emulator is bound to 0\.0\.0\.0:\d+/);
      assert.match(out, /reachable from OTHER MACHINES/);
      assert.match(out, /WARNING: --insecure-bind/);
      assert.match(out, /PLAIN HTTP \(no tls in gateway\.yaml\)/);
      assert.match(out, new RegExp(`bound to 0\\.0\\.0\\.0:${gw.port}; reachable at http://127\\.0\\.0\\.1:${gw.port}`));
      assert.ok(!/listening on http:\/\/0\.0\.0\.0/.test(out), 'the ready line names an address one can call');
      const external = Object.values(os.networkInterfaces())
        .flatMap((l) => l ?? [])
        .filter((a) => !a.internal && a.family === 'IPv4')
        .map((a) => a.address);
      for (const addr of ['127.0.0.1', ...external]) {
        const url = `http://${addr}:${gw.port}`;
        assert.ok(out.includes(url), `${url} is printed`);
        const r = await fetch(`${url}/healthz`);
        assert.equal(r.status, 200, `${url}/healthz`);
      }
      for (const addr of external) assert.ok(out.slice(out.indexOf('WARNING')).includes(`http://${addr}:${gw.port}`), 'the warning names the exposed address');
    } finally {
      await gw.stop();
    }
  });

  test('the default (loopback) bind prints no warning', async () => {
    const gw = await startEmulatorProcess({ args: ['--host', '127.0.0.1'] });
    try {
      assert.match(gw.output(), new RegExp(`listening on http://127\\.0\\.0\\.1:${gw.port}`));
      assert.ok(!gw.output().includes('WARNING'), gw.output());
      // The sample still uploads: loopback callers are unaffected.
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await packExamples())).status, 201);
    } finally {
      await gw.stop();
    }
  });
});
