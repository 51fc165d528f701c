/** Stopping executions: several at once, whole trees; unpublishing lets running executions finish. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, startPath, waitFor } from './helpers';

const FLOWS = {
  'w/Wait': `
inputs:
  seconds:
    type: number
outputs:
  waited:
    type: number
steps:
  - kind: wait
    seconds: "= seconds"
  - kind: set
    values:
      waited: "= seconds"
`,
  // Parent → Middle (sync) → Wait (sync, long): a three-level tree.
  'w/Middle': `
steps:
  - kind: run-flow
    flow: w/Wait
    inputs:
      seconds: 120
`,
  'w/Parent': `
steps:
  - kind: run-flow
    flow: w/Middle
`,
};

describe('stop', () => {
  let gw: EmulatorProcess;
  const start = async (flow: string, inputs: Record<string, unknown> = {}) => {
    const r = await call(gw, 'POST', startPath(flow, { packageName: 'waits', mode: 'async' }), { inputVariables: inputs });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return r.body.executionId as string;
  };
  const get = async (id: string) => (await call(gw, 'GET', `/api/v1/executions/${id}`)).body;

  before(async () => {
    gw = await startEmulatorProcess();
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('waits', 1, FLOWS))).status, 201);
    await call(gw, 'POST', '/api/v1/packages/waits/versions/1/publish');
  });
  after(async () => {
    await gw?.stop();
  });

  test('POST /api/v1/executions/stop: several at once; a parent takes its whole tree; unknown ids reported', async () => {
    const parent = await start('w/Parent');
    const lone = await start('w/Wait', { seconds: 120 });
    // Wait for the grandchild (the waiting leaf) to run.
    const leaf = await waitFor(async () => {
      const all = (await call(gw, 'GET', '/api/v1/executions?status=Running&flow=w/Wait')).body.executions;
      return all.find((e: any) => e.rootId === parent && e.parentId !== parent);
    }, 5000, 'the grandchild');
    const middle = leaf.parentId;
    assert.equal((await get(middle)).parentId, parent);

    const r = await call(gw, 'POST', '/api/v1/executions/stop', { ids: [parent, 'no-such-id', lone] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.executions.map((e: any) => e.id), [parent, lone], 'in the order asked');
    assert.deepEqual(r.body.notFound, ['no-such-id']);
    for (const e of r.body.executions) assert.equal(e.status, 'Stopped');
    for (const id of [middle, leaf.id]) assert.equal((await get(id)).status, 'Stopped', `descendant ${id}`);
    assert.ok((await get(leaf.id)).log.some((l: any) => /stop requested/.test(l.message)));
  });

  test('stopping a middle execution stops its descendants, not its parent\'s other work', async () => {
    const parent = await start('w/Parent');
    const leaf = await waitFor(async () => {
      const all = (await call(gw, 'GET', '/api/v1/executions?status=Running&flow=w/Wait')).body.executions;
      return all.find((e: any) => e.rootId === parent && e.parentId !== parent);
    }, 5000, 'the grandchild');
    const r = await call(gw, 'POST', '/api/v1/executions/stop', { ids: [leaf.parentId] });
    assert.equal(r.body.executions[0].status, 'Stopped');
    assert.equal((await get(leaf.id)).status, 'Stopped');
    // The parent sees its child stopped: the child-stopped error ends it.
    const p = await waitFor(async () => {
      const d = await get(parent);
      return d.status === 'Running' ? undefined : d;
    }, 5000, 'the parent to end');
    assert.equal(p.status, 'Error');
    assert.equal(p.error.code, 'child-stopped');
  });

  test('bad stop bodies: 400 naming the field', async () => {
    const empty = await call(gw, 'POST', '/api/v1/executions/stop', { ids: [] });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.details[0].field, 'ids');
    const wrong = await call(gw, 'POST', '/api/v1/executions/stop', { ids: ['a', 7] });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.details[0].field, 'ids[1]');
    const extra = await call(gw, 'POST', '/api/v1/executions/stop', { ids: ['a'], force: true });
    assert.equal(extra.body.error.details[0].field, 'force');
  });

  test('unpublishing lets a running (async) execution finish with its outputs; new ones are refused', async () => {
    const id = await start('w/Wait', { seconds: 1 });
    const un = await call(gw, 'POST', '/api/v1/packages/waits/versions/1/unpublish');
    assert.equal(un.status, 200);
    assert.equal(un.body.versions[0].published, false);
    assert.equal((await get(id)).status, 'Running');
    const refused = await call(gw, 'POST', startPath('w/Wait', { packageName: 'waits', packageVersion: 1 }), { inputVariables: { seconds: 0 } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'not-published');
    const ended = await waitFor(async () => {
      const d = await get(id);
      return d.status === 'Running' ? undefined : d;
    }, 10_000, 'the execution to end');
    assert.equal(ended.status, 'Ended');
    assert.deepEqual(ended.outputs, { waited: 1 });
    await call(gw, 'POST', '/api/v1/packages/waits/versions/1/publish');
  });
});
