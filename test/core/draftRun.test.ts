/** core/draft/draftRun.ts: what a draft run sends (draftRunPaths) and how the gateway checks it (checkDraftRun). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkDraftRun, draftRunPaths } from '../../src/core/draft/draftRun';
import { LIMITS } from '../../src/core/limits';
import { Workspace } from '../../src/core/workspace/workspace';

const PARENT = 'steps:\n  - kind: run-flow\n    flow: a/Child\n    inputs: {}\n  - kind: http\n    connection: api\n    path: /x\n';
const CHILD = 'steps:\n  - kind: log\n    message: hi\n';
const API = 'baseUrl: http://127.0.0.1:1\n';
const DRAFT = 'name: pkg\nversion: 4\ndefinitions:\n  flows: [a/Parent, a/Child]\n  connections: [api]\n';

const files = (): Record<string, string> => ({
  'flows/a/Parent.flow.yaml': PARENT,
  'flows/a/Child.flow.yaml': CHILD,
  'flows/b/Other.flow.yaml': CHILD,
  'connections/api.connection.yaml': API,
  'connections/unused.connection.yaml': API,
  'packages/pkg.package.yaml': DRAFT,
  'packages/else.package.yaml': 'name: else\nversion: 1\ndefinitions:\n  flows: [b/Other]\n',
});

describe('draft runs (core)', () => {
  test('draftRunPaths: the flow, its children, the connections they use and the drafts that hold it', () => {
    const ws = new Workspace();
    for (const [p, t] of Object.entries(files())) ws.setFile(p, t);
    assert.deepEqual(draftRunPaths(ws, 'a/Parent'), ['connections/api.connection.yaml', 'flows/a/Child.flow.yaml', 'flows/a/Parent.flow.yaml', 'packages/pkg.package.yaml']);
    assert.deepEqual(draftRunPaths(ws, 'b/Other'), ['flows/b/Other.flow.yaml', 'packages/else.package.yaml']);
  });

  test('checkDraftRun: the flow (by id or bare name), its closure, its connections and its package draft', () => {
    for (const ref of ['a/Parent', 'Parent', '/a/Parent/']) {
      const c = checkDraftRun(files(), ref);
      assert.ok(c.ok, JSON.stringify(c));
      assert.equal(c.flow.id, 'a/Parent');
      assert.deepEqual([...c.flows.keys()].sort(), ['a/Child', 'a/Parent']);
      assert.deepEqual([...c.connections.keys()], ['api']);
      assert.deepEqual(c.package, { name: 'pkg', version: 4 });
    }
    const alone = checkDraftRun({ 'flows/a/Child.flow.yaml': CHILD }, 'Child');
    assert.ok(alone.ok);
    assert.equal(alone.package, undefined);
  });

  test('errors in the flow or what it needs name the file and line; errors elsewhere do not matter', () => {
    const f = files();
    f['flows/a/Child.flow.yaml'] = 'steps:\n  - kind: nap\n';
    f['flows/b/Other.flow.yaml'] = 'not: [valid';
    const c = checkDraftRun(f, 'a/Parent');
    assert.ok(!c.ok);
    assert.equal(c.code, 'validation-failed');
    assert.deepEqual([...new Set(c.problems.map((p) => p.field))], ['files["flows/a/Child.flow.yaml"]']);
    assert.match(c.problems[0].message, /^line 2: /);
    const g = files();
    delete g['connections/api.connection.yaml'];
    const d = checkDraftRun(g, 'a/Parent');
    assert.ok(!d.ok);
    assert.ok(d.problems.some((p) => p.field === 'files["flows/a/Parent.flow.yaml"]' && p.message.includes("connection 'api' does not exist")), JSON.stringify(d.problems));
    const other = files();
    other['flows/b/Other.flow.yaml'] = 'not: [valid';
    assert.ok(checkDraftRun(other, 'a/Parent').ok, 'an unrelated broken file refused the run');
  });

  test('paths, counts and sizes are bounded; unknown and ambiguous flows are named', () => {
    const bad = checkDraftRun({ 'flows/../x.flow.yaml': CHILD }, 'x');
    assert.ok(!bad.ok && bad.code === 'bad-request' && bad.problems[0].field === 'files["flows/../x.flow.yaml"]');
    const many: Record<string, string> = {};
    for (let i = 0; i <= LIMITS.draftRunFiles; i++) many[`flows/m/F${i}.flow.yaml`] = CHILD;
    const tooMany = checkDraftRun(many, 'F1');
    assert.ok(!tooMany.ok && tooMany.problems[0].field === 'files');
    const big = 'x'.repeat(LIMITS.draftRunBytes / 2 + 1);
    const tooBig = checkDraftRun({ 'flows/a/A.flow.yaml': big, 'flows/a/B.flow.yaml': big }, 'A');
    assert.ok(!tooBig.ok && tooBig.problems[0].field === 'files');
    const none = checkDraftRun(files(), 'a/Nope');
    assert.ok(!none.ok && none.code === 'flow-not-found');
    const twice = checkDraftRun({ 'flows/a/X.flow.yaml': CHILD, 'flows/b/X.flow.yaml': CHILD }, 'X');
    assert.ok(!twice.ok && twice.code === 'ambiguous-flow');
    assert.deepEqual(twice.problems.map((p) => p.message), ['a/X', 'b/X']);
    const empty = checkDraftRun({}, 'X');
    assert.ok(!empty.ok && empty.problems[0].field === 'files');
  });
});
