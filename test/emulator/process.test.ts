/** The emulator process: start, health, flags, port in use, clean stop, JSON errors. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runEmulatorToExit, startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call } from './helpers';

describe('emulator process', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startEmulatorProcess({ name: 'test-gw' });
  });
  after(async () => {
    await gw?.stop();
  });

  test('prints one ready line with the real port and data folder', () => {
    const line = gw.output().split('\n')[0];
    assert.equal(line, `Flowgate emulator "test-gw" listening on http://127.0.0.1:${gw.port} (data: ${gw.dataDir}; SNMP traps: udp 127.0.0.1:${gw.snmpPort})`);
    assert.notEqual(gw.snmpPort, 0);
    assert.notEqual(gw.port, 0);
  });

  test('GET /healthz', async () => {
    const r = await call(gw, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
    assert.equal(r.body.name, 'test-gw');
    assert.match(r.body.version, /^\d+\.\d+\.\d+/);
    assert.ok(!Number.isNaN(Date.parse(r.body.startedAt)));
  });

  test('GET /api/openapi.json is an OpenAPI 3.1 document with every served route', async () => {
    const r = await call(gw, 'GET', '/api/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, '3.1.0');
    for (const p of [
      '/healthz',
      '/api/openapi.json',
      '/api/v1/packages',
      '/api/v1/packages/{name}',
      '/api/v1/packages/{name}/default',
      '/api/v1/packages/{name}/versions/{version}',
      '/api/v1/packages/{name}/versions/{version}/file',
      '/api/v1/packages/{name}/versions/{version}/publish',
      '/api/v1/packages/{name}/versions/{version}/unpublish',
      '/api/v1/packages/{name}/versions/{version}/default',
      '/api/{tenant}/{system}/flows/{flow}/executions',
      '/api/v1/executions',
      '/api/v1/executions/events',
      '/api/v1/executions/{id}',
      '/api/v1/executions/{id}/stop',
      '/api/v1/definitions',
    ]) {
      assert.ok(r.body.paths[p], `missing ${p}`);
    }
    // Every $ref resolves.
    const text = JSON.stringify(r.body);
    for (const m of text.matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)) {
      assert.ok(r.body.components.schemas[m[1]], `dangling $ref ${m[1]}`);
    }
  });

  test('unknown routes, malformed JSON and bad parameters are JSON errors', async () => {
    const unknown = await call(gw, 'GET', '/api/v1/nothing-here');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'not-found');
    assert.match(unknown.headers.get('content-type') ?? '', /json/);

    const malformed = await call(gw, 'POST', '/api/default/default/flows/X/executions', '{"inputVariables": ', {
      'content-type': 'application/json',
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'bad-request');
    assert.doesNotMatch(JSON.stringify(malformed.body), /at .*\.js:\d+/);

    const badVersion = await call(gw, 'GET', '/api/v1/packages/x/versions/abc');
    assert.equal(badVersion.status, 400);
    assert.equal(badVersion.body.error.code, 'bad-request');

    const unknownPkg = await call(gw, 'GET', '/api/v1/packages/nope');
    assert.equal(unknownPkg.status, 404);
    assert.equal(unknownPkg.body.error.code, 'package-not-found');

    const unknownExec = await call(gw, 'GET', '/api/v1/executions/00000000-0000-0000-0000-000000000000');
    assert.equal(unknownExec.status, 404);
    assert.equal(unknownExec.body.error.code, 'execution-not-found');
  });

  test('a port already in use: one clear line, exit 1', async () => {
    const r = await runEmulatorToExit(['--port', String(gw.port), '--data', gw.dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`Port ${gw.port} on 127\\.0\\.0\\.1 is already in use`));
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('bad flag values: exit 2 with the usage', async () => {
    for (const args of [['--port', 'abc'], ['--port', '70000'], ['--bogus'], ['--snmp-port', '-1']]) {
      const r = await runEmulatorToExit(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /Usage: flowgate-emulator/);
    }
    const env = await runEmulatorToExit([], { FLOWGATE_PORT: 'nope' });
    assert.equal(env.code, 2);
    for (const args of [['--execution-retention', '0'], ['--execution-retention', 'lots']]) {
      const r = await runEmulatorToExit(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /execution-retention/);
    }
    assert.equal((await runEmulatorToExit([], { FLOWGATE_EXECUTION_RETENTION: '-5' })).code, 2);
  });

  test('--help: usage, exit 0', async () => {
    const r = await runEmulatorToExit(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--snmp-port/);
    assert.match(r.stdout, /--execution-retention <count>/);
    assert.match(r.stdout, /FLOWGATE_EXECUTION_RETENTION/);
  });

  test('environment variables configure it; SIGTERM stops it with exit 0', async () => {
    const other = await startEmulatorProcess({ env: { FLOWGATE_NAME: 'from-env' } });
    const h = await call(other, 'GET', '/healthz');
    assert.equal(h.body.name, 'from-env');
    const started = Date.now();
    assert.equal(await other.stop(), 0);
    assert.ok(Date.now() - started < 5000);
    assert.match(other.output(), /stopped \(SIGTERM\)/);
  });

  test('SIGINT stops it with exit 0', async () => {
    const other = await startEmulatorProcess();
    other.process.kill('SIGINT');
    const code = await new Promise((r) => other.process.once('exit', r));
    assert.equal(code, 0);
    await other.kill();
  });
});
