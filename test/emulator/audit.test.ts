/**
 * The audit log, the directory's groups and brute force at the token endpoint, against real
 * emulator processes: every management action leaves one record (who, what and its target, when,
 * from where, outcome — also for refused ones) and no secret; GET /api/v1/audit pages newest first
 * with filters; GET /api/v1/directory/groups lists the embedded directory's groups with member
 * counts; wrong client secrets are limited per client id and per address (429 with Retry-After
 * before the secret is checked), recorded as auth-failure without the secret.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulatorProcess, credentials, type EmulatorProcess } from '../support/emulatorProcess';
import { hashSecret } from '../../src/core/gatewayConfig/scrypt';
import { LIMITS } from '../../src/core/limits';
import { buildPackage, call } from './helpers';

const FLOW = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
const SNMP_KEY = 'audit-Known-Key-77';
const WRONG_SECRET = 'wrong-Secret-Guess-4242';

const records = (dir: string) =>
  readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

async function configFile(dir: string): Promise<string> {
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    [
      'directory:',
      '  kind: embedded',
      `  users: [{name: ann, passwordHash: "${await hashSecret('ann-pass')}", groups: [operators]}]`,
      '  groups:',
      '    - {name: flowgate-admins, members: []}',
      '    - {name: operators, members: [night-shift]}',
      '    - {name: night-shift, members: []}',
      'clients:',
      `  - {id: ops-ci, secretHash: "${await hashSecret('ops-secret')}", groups: [night-shift]}`,
      `  - {id: other-ci, secretHash: "${await hashSecret('other-secret')}", groups: [night-shift]}`,
      '',
    ].join('\n'),
  );
  return file;
}

/** A raw client-credentials POST to the token endpoint (Basic), from a chosen local address. */
function tokenRequest(gw: EmulatorProcess, id: string, secret: string, localAddress = '127.0.0.1'): Promise<{ status: number; retryAfter?: string; body: any }> {
  const url = new URL(`${credentials(gw.dataDir).issuer}/token`);
  const form = 'grant_type=client_credentials';
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(form.length),
          accept: 'application/json',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          const ra = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, ...(typeof ra === 'string' ? { retryAfter: ra } : {}), body });
        });
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}

describe('audit log and directory groups', () => {
  let gw: EmulatorProcess;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-audit-'));
    gw = await startEmulatorProcess({ args: ['--config', await configFile(dir)] });
  });
  after(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every management action leaves one record: who, what and its target, when, from where, outcome; never a key', async () => {
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('alpha', 1, { 'x/Run': FLOW }))).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('beta', 1, { 'x/Run': FLOW }))).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('beta', 1, { 'x/Run': FLOW }))).status, 200);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/alpha/versions/1/publish')).status, 200);
    assert.equal((await call(gw, 'PUT', '/api/v1/packages/alpha/versions/1/authorisation', { groups: ['operators'] })).status, 200);
    assert.equal((await call(gw, 'PUT', '/api/v1/packages/alpha/versions/1/authorisation', { groups: ['nobody'] })).status, 400);
    const sched = await call(gw, 'POST', '/api/v1/packages/alpha/versions/1/schedules', { name: 'nightly', flow: 'x/Run', expression: '0 3 * * *', enabled: false });
    assert.equal(sched.status, 201, JSON.stringify(sched.body));
    const user = await call(gw, 'POST', '/api/v1/snmp/users', { name: 'opsAuth', level: 'authNoPriv', authProtocol: 'sha', authKey: SNMP_KEY });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    assert.equal((await call(gw, 'PUT', '/api/v1/snmp/users/opsAuth', { name: 'opsAuth', level: 'authNoPriv', authProtocol: 'sha', authKey: `${SNMP_KEY}x` })).status, 200);
    assert.equal((await call(gw, 'DELETE', '/api/v1/snmp/users/opsAuth')).status, 204);
    assert.equal((await call(gw, 'POST', '/api/v1/executions/stop', { ids: ['no-such-execution'] })).status, 200);
    assert.equal((await call(gw, 'DELETE', '/api/v1/packages/beta/versions/1')).status, 200);
    // Reads leave nothing.
    assert.equal((await call(gw, 'GET', '/api/v1/packages')).status, 200);

    const all = records(gw.dataDir);
    const find = (action: string, status: number) => all.find((r) => r.action === action && r.status === status);
    for (const r of all) {
      assert.equal(r.by, 'local-admin', JSON.stringify(r));
      assert.match(r.address, /127\.0\.0\.1/);
      assert.ok(!Number.isNaN(Date.parse(r.at)));
    }
    assert.deepEqual(all.map((r) => r.action), [
      'upload-package', 'upload-package', 'upload-package', 'publish', 'set-authorisation', 'set-authorisation', 'create-schedule',
      'create-snmp-user', 'put-snmp-user', 'delete-snmp-user', 'stop-executions', 'delete-version',
    ]);
    assert.deepEqual(find('upload-package', 201).versions, [1]);
    // The same file again: a no-op (200), recorded with what it named.
    const again = find('upload-package', 200);
    assert.deepEqual([again.package, again.versions], ['beta', [1]]);
    assert.equal(find('publish', 200).package, 'alpha');
    assert.deepEqual(find('set-authorisation', 200).groups, ['operators']);
    assert.ok(find('set-authorisation', 400), 'a refused action is recorded with its status');
    assert.equal(find('create-schedule', 201).schedule, sched.body.id);
    assert.equal(find('create-schedule', 201).package, 'alpha');
    assert.equal(find('create-snmp-user', 201).snmpUser, 'opsAuth');
    assert.equal(find('delete-snmp-user', 204).snmpUser, 'opsAuth');
    assert.equal(find('stop-executions', 200).executions, 1);
    assert.deepEqual(find('delete-version', 200).versions, [1]);
    assert.equal(find('delete-version', 200).operation, 'deleteVersion');
    const text = readFileSync(path.join(gw.dataDir, 'audit.jsonl'), 'utf8');
    assert.ok(!text.includes(SNMP_KEY), 'the SNMP key never reaches the audit log');
  });

  test('GET /api/v1/audit: newest first, paged with next, filtered by action, package and since; bounds named', async () => {
    const all = records(gw.dataDir);
    const first = await call(gw, 'GET', '/api/v1/audit?limit=4');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.records, all.slice(-4).reverse());
    assert.ok(first.body.next);
    const seen = [...first.body.records];
    let next = first.body.next;
    while (next) {
      const page = await call(gw, 'GET', `/api/v1/audit?limit=4&after=${next}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.records.length <= 4);
      seen.push(...page.body.records);
      next = page.body.next;
    }
    assert.deepEqual(seen, [...all].reverse());

    const uploads = await call(gw, 'GET', '/api/v1/audit?action=upload-package');
    assert.deepEqual(uploads.body.records.map((r: any) => r.package), ['beta', 'beta', 'alpha']);
    assert.equal((await call(gw, 'GET', '/api/v1/audit?action=uploadPackage')).body.records.length, 3);
    const beta = await call(gw, 'GET', '/api/v1/audit?package=beta');
    assert.deepEqual(beta.body.records.map((r: any) => r.action), ['delete-version', 'upload-package', 'upload-package']);
    const since = await call(gw, 'GET', `/api/v1/audit?since=${encodeURIComponent(all.at(-1).at)}`);
    assert.ok(since.body.records.length >= 1 && since.body.records.every((r: any) => r.at >= all.at(-1).at));
    assert.equal((await call(gw, 'GET', '/api/v1/audit?since=2999-01-01T00:00:00Z')).body.records.length, 0);

    const big = await call(gw, 'GET', `/api/v1/audit?limit=${LIMITS.auditPageSize + 1}`);
    assert.equal(big.status, 400);
    assert.ok(big.body.error.details.some((d: any) => /limit/.test(d.field)), JSON.stringify(big.body));
    const far = await call(gw, 'GET', '/api/v1/audit?after=999999999');
    assert.equal(far.status, 400);
    assert.ok(far.body.error.details.some((d: any) => /after/.test(d.field)), JSON.stringify(far.body));
    const odd = await call(gw, 'GET', '/api/v1/audit?since=yesterday');
    assert.equal(odd.status, 400);
    assert.ok(odd.body.error.details.some((d: any) => /since/.test(d.field)), JSON.stringify(odd.body));
  });

  test('GET /api/v1/directory/groups: the embedded directory\'s groups with direct member counts', async () => {
    const r = await call(gw, 'GET', '/api/v1/directory/groups');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.groups, [
      { name: 'flowgate-admins', members: 1 }, // the local admin client
      { name: 'night-shift', members: 2 }, // ops-ci, other-ci
      { name: 'operators', members: 2 }, // night-shift, ann
    ]);
  });
});

describe('brute force at the token endpoint', () => {
  let gw: EmulatorProcess;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-brute-'));
    gw = await startEmulatorProcess({ args: ['--config', await configFile(dir)] });
    await gw.adminToken(); // cached for reading the log afterwards
  });
  after(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('wrong secrets limited per client id and per address (429, Retry-After, before the secret is checked); successes do not count; recorded without the secret', async () => {
    for (let i = 0; i < LIMITS.authFailuresPerWindow + 5; i++) assert.equal((await tokenRequest(gw, 'ops-ci', 'ops-secret')).status, 200);
    for (let i = 0; i < LIMITS.authFailuresPerWindow; i++) {
      const r = await tokenRequest(gw, 'ops-ci', WRONG_SECRET);
      assert.equal(r.status, 401, JSON.stringify(r.body));
      assert.equal(r.body.error, 'invalid_client');
    }
    // Over the limit: refused before the secret is looked at — the right one too.
    const limited = await tokenRequest(gw, 'ops-ci', 'ops-secret');
    assert.equal(limited.status, 429, JSON.stringify(limited.body));
    assert.equal(limited.body.error, 'too_many_requests');
    assert.ok(Number(limited.retryAfter) >= 1 && Number(limited.retryAfter) <= LIMITS.authFailureWindowSeconds, String(limited.retryAfter));
    // Per address: another client from the same address is refused too.
    assert.equal((await tokenRequest(gw, 'other-ci', 'other-secret')).status, 429);
    // Per client id: from another address, this client is refused, another client is served.
    const elsewhere = await tokenRequest(gw, 'ops-ci', 'ops-secret', '127.0.0.2');
    assert.equal(elsewhere.status, 429, JSON.stringify(elsewhere.body));
    assert.ok(elsewhere.retryAfter);
    assert.equal((await tokenRequest(gw, 'other-ci', 'other-secret', '127.0.0.2')).status, 200);

    // Guessing client ids counts against the address too.
    for (let i = 0; i < LIMITS.authFailuresPerWindow; i++) assert.equal((await tokenRequest(gw, `ghost-${i}`, WRONG_SECRET, '127.0.0.3')).status, 401);
    assert.equal((await tokenRequest(gw, 'other-ci', 'other-secret', '127.0.0.3')).status, 429);

    const all = (await call(gw, 'GET', '/api/v1/audit?action=auth-failure')).body.records;
    assert.equal(all.filter((f: any) => f.client === 'ghost-0' && f.address.endsWith('127.0.0.3')).length, 1, JSON.stringify(all));
    const failures = all.filter((f: any) => f.client === 'ops-ci');
    assert.equal(failures.length, LIMITS.authFailuresPerWindow);
    for (const f of failures) {
      assert.equal(f.client, 'ops-ci');
      assert.match(f.address, /127\.0\.0\.1/);
    }
    assert.ok(!readFileSync(path.join(gw.dataDir, 'audit.jsonl'), 'utf8').includes(WRONG_SECRET), 'the presented secret is never recorded');
  });
});

describe('a big audit log', () => {
  let gw: EmulatorProcess;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-bigaudit-'));
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    const lines: string[] = [];
    const count = Math.ceil((LIMITS.auditScanBytes * 1.5) / 130);
    for (let i = 0; i < count; i++) lines.push(JSON.stringify({ at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), action: 'publish', operation: 'publish', status: 200, package: `p${i}`, versions: [1], address: '127.0.0.1', by: 'local-admin' }));
    // The last line torn (a crash mid-append): not a record.
    writeFileSync(path.join(dataDir, 'audit.jsonl'), `${lines.join('\n')}\n{"at":"2026-01-0`, { mode: 0o600 });
    gw = await startEmulatorProcess({ dataDir });
  });
  after(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('each request reads a bounded part: a filter that matches nothing ends a page early with next, and the pages reach the start', async () => {
    const newest = await call(gw, 'GET', '/api/v1/audit?limit=1');
    assert.equal(newest.status, 200);
    assert.equal(newest.body.records.length, 1);
    assert.match(newest.body.records[0].package, /^p\d+$/);
    const first = await call(gw, 'GET', '/api/v1/audit?package=none-such');
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.records, []);
    assert.ok(first.body.next, 'stopped at the scan budget with a cursor');
    const second = await call(gw, 'GET', `/api/v1/audit?package=none-such&after=${first.body.next}`);
    assert.deepEqual(second.body.records, []);
    assert.equal(second.body.next, undefined, 'the rest fits the budget: the start of the log is reached');
    const oldest = await call(gw, 'GET', `/api/v1/audit?package=p0`);
    assert.equal(oldest.body.records.length, 0, 'beyond one request\'s budget');
    const via = await call(gw, 'GET', `/api/v1/audit?package=p0&after=${first.body.next}`);
    assert.equal(via.body.records[0].package, 'p0');
  });
});
