/**
 * Promotion, source side, on a real emulator process: the events targets report (idempotent by id,
 * the status following the latest), the per-target history, withdraw, and what survives a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call } from './helpers';

const FLOW = { 'p/Hello': 'steps:\n  - kind: log\n    message: hello\n' };
const V = (n: number) => `/api/v1/packages/prom/versions/${n}`;

describe('promotion: source side (history, events, withdraw)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-promotion-source-'));
  let gw: EmulatorProcess;
  let digest1: string;
  const event = (over: Record<string, unknown> = {}) => ({
    id: `evt-${Math.random().toString(36).slice(2, 12)}`,
    event: 'ACCEPTED',
    target: 'qa',
    at: '2026-11-26T10:00:00.000Z',
    by: 'qa-admin',
    contentDigest: digest1,
    ...over,
  });
  const status = async (n: number) => (await call(gw, 'GET', '/api/v1/packages/prom')).body.versions.find((v: { version: number }) => v.version === n)?.status;

  before(async () => {
    gw = await startEmulatorProcess({ dataDir });
    for (const n of [1, 2, 3]) assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('prom', n, FLOW, {}, `v${n}`))).status, 201);
    digest1 = (await call(gw, 'GET', V(1))).body.contentDigest;
  });
  after(async () => {
    await gw?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('an uploaded version is SUBMITTED with an empty history', async () => {
    assert.equal(await status(1), 'SUBMITTED');
    const h = await call(gw, 'GET', `${V(1)}/history`);
    assert.equal(h.status, 200);
    assert.deepEqual(h.body, { name: 'prom', version: 1, status: 'SUBMITTED', targets: [], history: [] });
  });

  test('targets report ACCEPTED, then PROMOTED or REJECTED: the status follows, each event is recorded once', async () => {
    const accepted = event();
    const r1 = await call(gw, 'POST', `${V(1)}/history`, accepted);
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.deepEqual(r1.body, { recorded: true, status: 'ACCEPTED' });
    assert.equal(await status(1), 'ACCEPTED');
    // The same notice again (an outbox retry): nothing changes, and the answer says so.
    const again = await call(gw, 'POST', `${V(1)}/history`, accepted);
    assert.deepEqual(again.body, { recorded: false, status: 'ACCEPTED' });
    const promoted = event({ event: 'PROMOTED', at: '2026-11-26T10:05:00.000Z', by: 'qa-lead' });
    assert.deepEqual((await call(gw, 'POST', `${V(1)}/history`, promoted)).body, { recorded: true, status: 'PROMOTED' });
    const h = (await call(gw, 'GET', `${V(1)}/history`)).body;
    assert.equal(h.status, 'PROMOTED');
    assert.deepEqual(h.history.map((e: { event: string; id: string }) => [e.event, e.id]), [['ACCEPTED', accepted.id], ['PROMOTED', promoted.id]]);
    assert.deepEqual(h.targets, [{ target: 'qa', status: 'PROMOTED', at: promoted.at }]);
    assert.equal(h.history[1].by, 'qa-lead');
    assert.ok(!Number.isNaN(Date.parse(h.history[1].recordedAt)));

    const rejected = event({ event: 'REJECTED', target: 'prod', reason: 'uses the dev CRM', contentDigest: (await call(gw, 'GET', V(2))).body.contentDigest });
    assert.deepEqual((await call(gw, 'POST', `${V(2)}/history`, { ...rejected, event: 'ACCEPTED', id: 'prod-accepted-2' })).body.status, 'ACCEPTED');
    assert.deepEqual((await call(gw, 'POST', `${V(2)}/history`, rejected)).body, { recorded: true, status: 'REJECTED' });
    const h2 = (await call(gw, 'GET', `${V(2)}/history`)).body;
    assert.deepEqual(h2.targets, [{ target: 'prod', status: 'REJECTED', at: rejected.at, reason: 'uses the dev CRM' }]);
  });

  test('an event about other content, a REJECTED without reason, or a bad body is refused and changes nothing', async () => {
    const before = (await call(gw, 'GET', `${V(3)}/history`)).body;
    const other = await call(gw, 'POST', `${V(3)}/history`, event({ contentDigest: 'a'.repeat(64) }));
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'version-conflict');
    assert.equal(other.body.error.details[0].field, 'contentDigest');
    const noReason = await call(gw, 'POST', `${V(3)}/history`, event({ event: 'REJECTED', contentDigest: (await call(gw, 'GET', V(3))).body.contentDigest }));
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.details[0].field, 'reason');
    const badKind = await call(gw, 'POST', `${V(3)}/history`, event({ event: 'WITHDRAWN' }));
    assert.equal(badKind.status, 400);
    assert.match(JSON.stringify(badKind.body.error.details), /event/);
    const missing = await call(gw, 'POST', '/api/v1/packages/prom/versions/77/history', event());
    assert.equal(missing.status, 404);
    assert.deepEqual((await call(gw, 'GET', `${V(3)}/history`)).body, before);
  });

  test('withdraw: only a SUBMITTED version no target pulled; it becomes OPEN with WITHDRAWN in its history', async () => {
    const pulled = await call(gw, 'POST', `${V(1)}/withdraw`);
    assert.equal(pulled.status, 409);
    assert.equal(pulled.body.error.code, 'already-pulled');
    assert.match(pulled.body.error.message, /qa \(PROMOTED\)/);
    const ok = await call(gw, 'POST', `${V(3)}/withdraw`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.versions.find((v: { version: number }) => v.version === 3).status, 'OPEN');
    const h = (await call(gw, 'GET', `${V(3)}/history`)).body;
    assert.equal(h.history.length, 1);
    assert.equal(h.history[0].event, 'WITHDRAWN');
    assert.equal(h.history[0].by, 'local-admin');
    assert.deepEqual(h.targets, []);
    const twice = await call(gw, 'POST', `${V(3)}/withdraw`);
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'not-submitted');
    // Withdraw and events are management actions: in the audit log, with who.
    const audit = (await call(gw, 'GET', '/api/v1/audit?action=withdraw-version')).body.records;
    assert.ok(audit.some((r: { status: number; by: string; versions?: number[] }) => r.status === 200 && r.by === 'local-admin'), JSON.stringify(audit));
    const events = (await call(gw, 'GET', '/api/v1/audit?action=record-version-event')).body.records;
    assert.ok(events.some((r: { event?: string; target?: string; recorded?: boolean }) => r.event === 'PROMOTED' && r.target === 'qa' && r.recorded === true), JSON.stringify(events));
  });

  test('histories and statuses survive kill -9', async () => {
    const before = await Promise.all([1, 2, 3].map(async (n) => (await call(gw, 'GET', `${V(n)}/history`)).body));
    await gw.kill();
    gw = await startEmulatorProcess({ dataDir });
    const afterRestart = await Promise.all([1, 2, 3].map(async (n) => (await call(gw, 'GET', `${V(n)}/history`)).body));
    assert.deepEqual(afterRestart, before);
    assert.deepEqual([await status(1), await status(2), await status(3)], ['PROMOTED', 'REJECTED', 'OPEN']);
  });
});
