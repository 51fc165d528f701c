/**
 * Binding: loopback by default; a non-loopback --host without tls in gateway.yaml is refused at
 * start (exit 2) saying why and how on (tls, loopback, or --insecure-bind); forced with
 * --insecure-bind (or FLOWGATE_INSECURE_BIND=1) it starts with a loud warning. The TLS case is in
 * tls.test.ts; the wildcard bind's addresses in test/hostile/browser.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runEmulatorToExit, startEmulatorProcess } from '../support/emulatorProcess';
import { externalAddress } from '../support/tlsFiles';

let dir: string;
before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-bind-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a non-loopback bind without TLS', () => {
  test('is refused (exit 2) for --host <address>, --host 0.0.0.0 and FLOWGATE_HOST, naming the reason and the ways on', async () => {
    const ext = externalAddress();
    const runs: [string[], NodeJS.ProcessEnv, string][] = [
      [['--host', ext], {}, ext],
      [['--host', '0.0.0.0'], {}, '0.0.0.0'],
      [['--host', '::'], {}, '::'],
      [[], { FLOWGATE_HOST: ext }, ext],
      [['--host', ext], { FLOWGATE_INSECURE_BIND: '0' }, ext],
    ];
    for (const [i, [args, env, host]] of runs.entries()) {
      const r = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', path.join(dir, `refused-${i}`), ...args], env);
      assert.equal(r.code, 2, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stdout}${r.stderr}`);
      assert.ok(r.stderr.includes(`Refusing to bind to ${host}: it is not a loopback address`), r.stderr);
      assert.match(r.stderr, /no TLS configured/);
      assert.match(r.stderr, /unencrypted/);
      assert.match(r.stderr, /tls:\n\s+certFile: .*\n\s+keyFile: /, 'shows the tls block to add');
      assert.match(r.stderr, /--host 127\.0\.0\.1/);
      assert.match(r.stderr, /--insecure-bind/);
      assert.ok(!r.stdout.includes('listening'), 'nothing listened');
    }
  });

  test('a name that does not resolve is refused (exit 1) before anything listens', async () => {
    const r = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', path.join(dir, 'unresolved'), '--host', 'no-such-host.invalid']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /Cannot listen on host no-such-host\.invalid: address not available/);
  });

  test('a bad FLOWGATE_INSECURE_BIND is a usage error', async () => {
    const r = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', path.join(dir, 'bad-env')], { FLOWGATE_INSECURE_BIND: 'maybe' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /FLOWGATE_INSECURE_BIND must be 1 or 0, got 'maybe'/);
  });

  test('forced with FLOWGATE_INSECURE_BIND=1 it starts on the address, with a loud warning', async () => {
    const ext = externalAddress();
    const gw = await startEmulatorProcess({ args: ['--host', ext], env: { FLOWGATE_INSECURE_BIND: '1' } });
    try {
      assert.equal(gw.url, `http://${ext}:${gw.port}`);
      assert.match(gw.output(), /WARNING: --insecure-bind: the Flowgate emulator is bound to/);
      assert.match(gw.output(), /UNENCRYPTED/);
      assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
      // HTTP Basic from a non-loopback address over plain HTTP is refused before any password is checked.
      const basic = await fetch(`${gw.url}/api/default/default/flows/x%2FRun/executions`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('someone:some-password').toString('base64')}`, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(basic.status, 401);
      assert.match(((await basic.json()) as { error: { message: string } }).error.message, /over TLS or loopback only/);
    } finally {
      assert.equal(await gw.stop(), 0);
    }
  });
});

describe('loopback binds need nothing', () => {
  test('localhost and ::1 start without TLS and without a warning', async () => {
    for (const host of ['localhost', '::1']) {
      const gw = await startEmulatorProcess({ args: ['--host', host] });
      try {
        assert.ok(!gw.output().includes('WARNING'), gw.output());
        assert.ok(!gw.output().includes('Refusing'), gw.output());
      } finally {
        await gw.stop();
      }
    }
  });
});
