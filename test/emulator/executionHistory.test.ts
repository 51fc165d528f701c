/** GET /api/v1/executions over a history of finished executions: pages, the cursor, every filter. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, startPath } from './helpers';

const FLOWS = {
  'hist/Ok': `
steps:
  - kind: log
    message: fine
`,
  'hist/Boom': `
steps:
  - kind: fail
    message: boom
`,
};

const OK = 24;
const BOOM = 10;

describe('execution history: paging and filters', () => {
  let gw: EmulatorProcess;
  /** Ids in start order (oldest first), and the time between the Ok runs and the Boom runs. */
  const okIds: string[] = [];
  const boomIds: string[] = [];
  let between = '';

  const list = async (qs: string) => {
    const r = await call(gw, 'GET', `/api/v1/executions${qs ? `?${qs}` : ''}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { executions: Array<{ id: string; status: string; flow: string; startedAt: string }>; next?: string };
  };

  before(async () => {
    gw = await startEmulatorProcess();
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('hist', 1, FLOWS))).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/hist/versions/1/publish')).status, 200);
    for (let i = 0; i < OK; i++) {
      const r = await call(gw, 'POST', startPath('hist/Ok', { packageName: 'hist' }), { inputVariables: {} });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      okIds.push(r.body.executionId);
    }
    await new Promise((r) => setTimeout(r, 20));
    between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < BOOM; i++) {
      const r = await call(gw, 'POST', startPath('hist/Boom', { packageName: 'hist' }), { inputVariables: {} });
      assert.equal(r.status, 500, JSON.stringify(r.body));
      boomIds.push(r.body.error.details.find((d: { field: string }) => d.field === 'executionId').message);
    }
  });
  after(async () => {
    await gw?.stop();
  });

  test('without paging: every finished execution, newest first, no next', async () => {
    const all = await list('');
    assert.equal(all.executions.length, OK + BOOM);
    assert.equal(all.next, undefined);
    assert.deepEqual(all.executions.slice(0, BOOM).map((e) => e.flow), Array(BOOM).fill('hist/Boom'));
    const starts = all.executions.map((e) => Date.parse(e.startedAt));
    assert.deepEqual([...starts].sort((a, b) => b - a), starts, 'newest first');
    assert.deepEqual(all.executions.slice(BOOM).map((e) => e.id), [...okIds].reverse());
  });

  test('limit and the cursor walk the whole history once, page by page', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await list(`limit=10${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      assert.ok(page.executions.length <= 10);
      seen.push(...page.executions.map((e) => e.id));
      if (page.next) assert.equal(page.next, page.executions[page.executions.length - 1].id);
      after = page.next;
      pages++;
    } while (after);
    assert.equal(pages, 4);
    assert.equal(seen.length, OK + BOOM);
    assert.equal(new Set(seen).size, OK + BOOM, 'no execution twice');
    assert.deepEqual(seen, (await list('')).executions.map((e) => e.id));
  });

  test('status, flow and package filters combine with paging', async () => {
    const errors = await list('status=Error&limit=4');
    assert.deepEqual(errors.executions.map((e) => e.status), Array(4).fill('Error'));
    assert.ok(errors.next);
    const rest = await list(`status=Error&limit=100&after=${encodeURIComponent(errors.next!)}`);
    assert.equal(rest.executions.length, BOOM - 4);
    assert.equal(rest.next, undefined);
    assert.deepEqual([...errors.executions, ...rest.executions].map((e) => e.id), [...boomIds].reverse());

    assert.equal((await list('status=Ended')).executions.length, OK);
    assert.equal((await list('flow=ok')).executions.length, OK, 'flow: part of the id, any case');
    assert.equal((await list('packageName=hist&packageVersion=1')).executions.length, OK + BOOM);
    assert.equal((await list('packageName=hist&packageVersion=2')).executions.length, 0);
    assert.equal((await list('status=Running')).executions.length, 0);
  });

  test('startedAfter / startedBefore: a time range', async () => {
    const late = await list(`startedAfter=${encodeURIComponent(between)}`);
    assert.deepEqual(late.executions.map((e) => e.id), [...boomIds].reverse());
    const early = await list(`startedBefore=${encodeURIComponent(between)}&limit=5`);
    assert.deepEqual(early.executions.map((e) => e.flow), Array(5).fill('hist/Ok'));
    assert.ok(early.next);
    assert.equal((await list(`startedBefore=${encodeURIComponent(between)}&startedAfter=${encodeURIComponent(between)}`)).executions.length, 0);
    assert.equal((await list('startedAfter=2000-01-01T00:00:00Z&startedBefore=2999-01-01T00:00:00Z')).executions.length, OK + BOOM);
  });

  test('refused: a limit out of bounds, a cursor naming nothing, a time that is not one', async () => {
    for (const qs of ['limit=0', `limit=${LIMITS.executionListPage + 1}`, 'limit=ten', 'after=no-such-execution', 'startedAfter=yesterday']) {
      const r = await call(gw, 'GET', `/api/v1/executions?${qs}`);
      assert.equal(r.status, 400, `${qs}: ${JSON.stringify(r.body)}`);
      const field = qs.split('=')[0];
      assert.ok(r.body.error.details.some((d: { field: string }) => d.field === field || d.field.endsWith(field)), `${qs}: ${JSON.stringify(r.body)}`);
    }
  });
});
