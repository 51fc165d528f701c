/**
 * A hostile caller of the source side's history route (it holds an Admin credential, e.g. a
 * compromised target): it cannot grow a version's history without bound, cannot invent targets
 * without bound, cannot smuggle control characters or path tricks into names, and cannot rewrite
 * what was recorded under an existing event id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call } from '../emulator/helpers';

const H = '/api/v1/packages/hist/versions/1/history';

describe('hostile: the source side history route', () => {
  let gw: EmulatorProcess;
  let digest: string;
  const ev = (i: number | string, over: Record<string, unknown> = {}) => ({
    id: `flood-${i}-xxxxxxxx`,
    event: 'ACCEPTED',
    target: 'qa',
    at: '2026-11-26T00:00:00Z',
    by: 'x',
    contentDigest: digest,
    ...over,
  });

  before(async () => {
    gw = await startEmulatorProcess();
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('hist', 1, { H: 'steps:\n  - kind: log\n    message: h\n' }))).status, 201);
    digest = (await call(gw, 'GET', '/api/v1/packages/hist/versions/1')).body.contentDigest;
  });
  after(() => gw?.stop());

  test('names with control characters, path tricks or beyond their length are 400 naming the field', async () => {
    for (const [field, value] of [
      ['target', '../../etc'],
      ['target', 'qa\nINJECTED'],
      ['target', 'q'.repeat(LIMITS.nameLength + 1)],
      ['by', 'a\u0000b'],
      ['reason', 'x'.repeat(LIMITS.rejectReasonLength + 1)],
      ['id', 'short'],
      ['id', '../../../x-xxxxxxxx'],
      ['at', 'yesterday'],
    ] as const) {
      const r = await call(gw, 'POST', H, ev('bad', { [field]: value, ...(field === 'reason' ? { event: 'REJECTED' } : {}) }));
      assert.equal(r.status, 400, `${field}=${JSON.stringify(value).slice(0, 40)}: ${JSON.stringify(r.body).slice(0, 200)}`);
      assert.ok(JSON.stringify(r.body.error.details).includes(field), JSON.stringify(r.body.error));
    }
    assert.deepEqual((await call(gw, 'GET', H)).body.history, []);
  });

  test('an existing event id cannot be rewritten: a second notice with other fields is the same no-op', async () => {
    assert.equal((await call(gw, 'POST', H, ev('fixed'))).body.recorded, true);
    const forged = await call(gw, 'POST', H, ev('fixed', { event: 'REJECTED', reason: 'forged', target: 'prod' }));
    assert.deepEqual(forged.body, { recorded: false, status: 'ACCEPTED' });
    const h = (await call(gw, 'GET', H)).body;
    assert.deepEqual(h.history.map((e: { event: string; target: string }) => [e.event, e.target]), [['ACCEPTED', 'qa']]);
  });

  test(`a flood of events stops at ${LIMITS.promotionTargets} targets and ${LIMITS.historyEntriesPerVersion} events (507, nothing more kept)`, async () => {
    let targets = 1;
    let refusedTarget: { status: number; body: any } | undefined;
    for (let i = 0; i < LIMITS.promotionTargets + 1; i++) {
      const r = await call(gw, 'POST', H, ev(`t${i}`, { target: `target-${i}` }));
      if (r.status !== 200) {
        refusedTarget = r;
        break;
      }
      targets++;
    }
    assert.equal(targets, LIMITS.promotionTargets);
    assert.equal(refusedTarget?.status, 507);
    assert.equal(refusedTarget?.body.error.details[0].field, 'target');
    let refused: { status: number; body: any } | undefined;
    for (let i = 0; i < LIMITS.historyEntriesPerVersion + 1; i++) {
      const r = await call(gw, 'POST', H, ev(`e${i}`));
      if (r.status !== 200) {
        refused = r;
        break;
      }
    }
    assert.equal(refused?.status, 507);
    assert.equal(refused?.body.error.code, 'quota-exceeded');
    const h = (await call(gw, 'GET', H)).body;
    assert.equal(h.history.length, LIMITS.historyEntriesPerVersion);
    assert.equal(h.targets.length, LIMITS.promotionTargets);
    // The gateway still answers everything else.
    assert.equal((await call(gw, 'GET', '/healthz')).status, 200);
  });
});
