/**
 * Hostile queries of the execution history (GET /api/v1/executions): huge and malformed limits,
 * bad cursors, malformed times, and a time range over all history asked many times at once. Each is
 * refused with a 400 naming the parameter, or answered within the page bound, while the gateway
 * keeps answering /healthz within a second and its state is unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { buildPackage, startPath } from '../emulator/helpers';
import type { EmulatorProcess } from '../support/emulatorProcess';
import { assertRefused, call, snapshot, startTarget, whileServing } from './harness';

const RUNS = 120;

describe('hostile execution history queries', () => {
  let gw: EmulatorProcess;
  let before0: unknown;

  before(async () => {
    gw = await startTarget();
    const flows = { 'h/Quick': 'steps:\n  - kind: log\n    message: quick\n' };
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('hist', 1, flows))).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/hist/versions/1/publish')).status, 200);
    for (let i = 0; i < RUNS; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, () => call(gw, 'POST', startPath('h/Quick', { packageName: 'hist' }), { inputVariables: {} })),
      );
      for (const r of batch) assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    before0 = await snapshot(gw);
  });
  after(async () => {
    await gw?.stop();
  });

  test('limits out of bounds are refused, naming limit', async () => {
    for (const limit of ['0', '-1', '1e3', '1.5', String(LIMITS.executionListPage + 1), '999999999', '9'.repeat(40), 'x'.repeat(10_000), '']) {
      const res = await whileServing(gw, () => call(gw, 'GET', `/api/v1/executions?limit=${encodeURIComponent(limit)}`));
      if (limit === '') {
        assert.equal(res.status, 200, 'an empty limit is no limit');
        assert.ok(res.body.executions.length <= LIMITS.executionListPage);
        continue;
      }
      assertRefused(res, 400, 'limit');
    }
    assertRefused(await whileServing(gw, () => call(gw, 'GET', '/api/v1/executions?limit=5&limit=6')), 400, 'limit');
    assert.deepEqual(await snapshot(gw), before0);
  });

  test('bad cursors are refused, naming after', async () => {
    const cursors = ['no-such-execution', 'x'.repeat(100_000), 'a\u0000b', '\u202e' + 'x'.repeat(50), '../../etc/passwd', '__proto__'];
    for (const cursor of cursors) {
      const res = await whileServing(gw, () => call(gw, 'GET', `/api/v1/executions?after=${encodeURIComponent(cursor)}`));
      assert.ok(res.status === 400 || res.status === 414 || res.status === 431, `cursor ${cursor.slice(0, 20)}: ${res.status}`);
      if (res.status === 400) assertRefused(res, 400, 'after');
    }
    assertRefused(await whileServing(gw, () => call(gw, 'GET', '/api/v1/executions?after=a&after=b')), 400, 'after');
    assert.deepEqual(await snapshot(gw), before0);
  });

  test('malformed times are refused, naming the parameter', async () => {
    for (const key of ['startedAfter', 'startedBefore']) {
      for (const value of ['yesterday', '2026-13-45T99:99:99Z', '1e308', '9'.repeat(1000), '2026-01-01T00:00:00Z'.repeat(10)]) {
        assertRefused(await whileServing(gw, () => call(gw, 'GET', `/api/v1/executions?${key}=${encodeURIComponent(value)}`)), 400, key);
      }
    }
    assert.deepEqual(await snapshot(gw), before0);
  });

  test('a time range over all history, asked 40 times at once: each answer bounded by the page, the gateway keeps serving', async () => {
    const range = 'startedAfter=0001-01-01T00:00:00Z&startedBefore=9999-12-31T23:59:59Z';
    const answers = await whileServing(gw, () =>
      Promise.all(Array.from({ length: 40 }, (_, i) => call(gw, 'GET', `/api/v1/executions?${range}${i % 2 ? '&limit=7' : ''}`))),
    );
    for (const [i, res] of answers.entries()) {
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
      const max = i % 2 ? 7 : LIMITS.executionListPage;
      assert.ok(res.body.executions.length <= max, `${res.body.executions.length} > ${max}`);
      if (i % 2) {
        assert.equal(res.body.executions.length, 7);
        assert.equal(typeof res.body.next, 'string', 'more match: a cursor');
      } else {
        assert.equal(res.body.executions.length, RUNS);
      }
    }
    assert.deepEqual(await snapshot(gw), before0);
  });
});
