/** Executions over HTTP: the sample flows, input checks, errors, async runs, children, stop. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, packExamples, startPath, waitFor, adminHeaders } from './helpers';

const RESTART = 'network/core/Restart-Service';

const FLOWS = {
  'lab/Sleeper': `
inputs:
  seconds:
    type: number
outputs:
  done:
    type: boolean
steps:
  - kind: log
    message: "= 'sleeping ' & $string(seconds)"
  - kind: wait
    name: Nap
    seconds: "= seconds"
  - kind: set
    values:
      done: true
`,
  'lab/Parent': `
outputs:
  childId:
    type: string
  syncDone:
    type: boolean
steps:
  - kind: run-flow
    flow: lab/Sleeper
    mode: async
    inputs:
      seconds: 30
    output: childId
  - kind: run-flow
    flow: lab/Sleeper
    inputs:
      seconds: 30
    output: syncResult
  - kind: set
    values:
      syncDone: "= syncResult.done"
`,
  'lab/Control': `
inputs:
  items:
    type: array
  count:
    type: integer
    required: false
  ratio:
    type: number
    required: false
  options:
    type: object
    required: false
outputs:
  total:
    type: number
  labels:
    type: array
  caught:
    type: object
  literal:
    type: string
  nested:
    type: object
steps:
  - kind: set
    values:
      total: 0
      labels: []
  - kind: for-each
    items: "= items"
    as: n
    steps:
      - kind: set
        values:
          total: "= total + n"
          labels: "= $append(labels, 'item' & $string(nIndex))"
  - kind: try
    errorVariable: problem
    steps:
      - kind: fail
        name: Boom
        code: boom
        message: "= 'failed at ' & $string(total)"
    catch:
      - kind: set
        values:
          caught: "= problem"
  - kind: set
    values:
      literal: "==not an expression"
      nested:
        sum: "= total"
        list: ["= total * 2", plain]
`,
  'lab/Runaway': `
outputs:
  x:
    type: number
steps:
  - kind: set
    values:
      x: "= ( $loop := function($i){ $i < 1000000000 ? $loop($i + 1) : $i }; $loop(0) )"
`,
  'lab/Deep': `
steps:
  - kind: set
    values:
      x: "= ( $f := function($i){ 1 + $f($i + 1) }; $f(0) )"
`,
  'lab/Status': `
outputs:
  name:
    type: string
  status:
    type: integer
  echoed:
    type: string
steps:
  - kind: http
    connection: self
    path: /healthz
    output: response
  - kind: http
    url: "= response.body.name = 'exec-gw' ? 'http://127.0.0.1:2/unreachable' : 'x'"
    output: never
    name: Unreachable
    timeoutSeconds: 2
  - kind: set
    values:
      name: "= response.body.name"
`,
  'lab/StatusOnly': `
outputs:
  name:
    type: string
  status:
    type: integer
  accept:
    type: string
steps:
  - kind: http
    connection: self
    path: /healthz
    output: response
  - kind: set
    values:
      name: "= response.body.name"
      status: "= response.status"
      accept: "= response.headers.\`content-type\`"
`,
  'lab/Failing': `
inputs:
  why:
    type: string
steps:
  - kind: fail
    code: child-broke
    message: "= 'child failed: ' & why"
`,
  'lab/CatchChild': `
outputs:
  caught:
    type: object
  asyncId:
    type: string
steps:
  - kind: run-flow
    flow: Failing
    mode: async
    inputs:
      why: async
    output: asyncId
  - kind: try
    steps:
      - kind: run-flow
        flow: lab/Failing
        inputs:
          why: sync
    catch:
      - kind: set
        values:
          caught: "= error"
  - kind: run-flow
    name: Bad inputs
    flow: lab/Failing
    inputs:
      because: nothing
`,
  'lab/Recurse': `
steps:
  - kind: run-flow
    flow: lab/Recurse
`,
  'a/Same': 'steps: []\n',
  'b/Same': 'steps: []\n',
};

describe('executions', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startEmulatorProcess({ name: 'exec-gw' });
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await packExamples())).status, 201);
    const connection = `baseUrl: ${gw.url}\nheaders:\n  Accept: application/json\n`;
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('lab', 1, FLOWS, { self: connection }))).status, 201);
    await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/publish');
    await call(gw, 'POST', '/api/v1/packages/lab/versions/1/publish');
  });
  after(async () => {
    await gw?.stop();
  });

  test('the sample Restart-Service flow runs over HTTP with its real outputs', async () => {
    const r = await call(gw, 'POST', startPath(RESTART, { packageName: 'network-ops', packageVersion: 1 }), {
      inputVariables: { device: '10.1.2.3', service: 'nginx' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'Ended');
    assert.equal(r.body.packageName, 'network-ops');
    assert.equal(r.body.packageVersion, 1);
    assert.equal(r.body.outputVariables.restarted, true);
    assert.equal(r.body.outputVariables.message, 'Restarted nginx on 10.1.2.3');
    assert.ok(!Number.isNaN(Date.parse(r.body.outputVariables.checkedAt)));

    // A dry run through the bare name (unique in the version), defaults applied.
    const dry = await call(gw, 'POST', startPath('Restart-Service', { packageName: 'network-ops' }), {
      inputVariables: { device: 'core-sw-1', dryRun: true },
    });
    assert.equal(dry.status, 200);
    assert.deepEqual(
      { restarted: dry.body.outputVariables.restarted, message: dry.body.outputVariables.message },
      { restarted: false, message: 'Would run: systemctl restart sshd' },
    );

    // The execution record: children with parent and root ids, log with step labels.
    const detail = (await call(gw, 'GET', `/api/v1/executions/${r.body.executionId}`)).body;
    assert.equal(detail.status, 'Ended');
    assert.equal(detail.parentId, null);
    assert.equal(detail.rootId, detail.id);
    // Who started it: the caller's client id (the tests' calls carry the local admin's token).
    assert.deepEqual(detail.initiator, { type: 'client', name: 'local-admin' });
    assert.match(detail.executingOn, /^exec-gw\.\S+ \(\d+\.\d+\.\d+\.\d+\)$/);
    assert.deepEqual(detail.inputs, { device: '10.1.2.3', service: 'nginx', dryRun: false });
    assert.deepEqual(
      detail.children.map((c: any) => c.flow),
      ['network/core/Check-Reachability', 'network/core/Run-Command'],
    );
    for (const c of detail.children) {
      assert.equal(c.parentId, detail.id);
      assert.equal(c.rootId, detail.id);
      assert.equal(c.status, 'Ended');
    }
    assert.ok(detail.log.some((l: any) => l.message === 'Restarting nginx on 10.1.2.3' && l.step === 'steps[0] log'));
    assert.ok(detail.log.some((l: any) => /run-flow "Check reachability"/.test(l.step ?? '')));
  });

  test('the unreachable branch: 500 flow-failed with the message and the execution id', async () => {
    const r = await call(gw, 'POST', startPath(RESTART, { packageName: 'network-ops' }), {
      inputVariables: { device: '192.0.2.7' },
    });
    assert.equal(r.status, 500);
    assert.equal(r.body.error.code, 'flow-failed');
    assert.equal(r.body.error.message, 'Device 192.0.2.7 is unreachable: no answer within 2 s');
    const id = r.body.error.details.find((d: any) => d.field === 'executionId').message;
    assert.equal(r.body.error.details.find((d: any) => d.field === 'errorCode').message, 'unreachable');
    const detail = (await call(gw, 'GET', `/api/v1/executions/${id}`)).body;
    assert.equal(detail.status, 'Error');
    assert.deepEqual(detail.error, {
      code: 'unreachable',
      message: 'Device 192.0.2.7 is unreachable: no answer within 2 s',
      step: 'steps[2].else[0] fail',
    });
  });

  test('bad inputs: 400 invalid-inputs listing each, and nothing starts', async () => {
    const before = (await call(gw, 'GET', '/api/v1/executions?flow=Restart-Service')).body.executions.length;
    const r = await call(gw, 'POST', startPath(RESTART, { packageName: 'network-ops' }), {
      inputVariables: { service: 42, dryRun: 'yes', color: 'blue' },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'invalid-inputs');
    const fields = r.body.error.details.map((d: any) => d.field).sort();
    assert.deepEqual(fields, ['inputVariables.color', 'inputVariables.device', 'inputVariables.dryRun', 'inputVariables.service']);
    const after = (await call(gw, 'GET', '/api/v1/executions?flow=Restart-Service')).body.executions.length;
    assert.equal(after, before);

    // integer vs number, array, object.
    const typed = await call(gw, 'POST', startPath('lab/Control', { packageName: 'lab' }), {
      inputVariables: { items: 'nope', count: 1.5, ratio: 'x', options: [1] },
    });
    assert.equal(typed.status, 400);
    assert.deepEqual(
      typed.body.error.details.map((d: any) => d.field).sort(),
      ['inputVariables.count', 'inputVariables.items', 'inputVariables.options', 'inputVariables.ratio'],
    );
    const ok = await call(gw, 'POST', startPath('lab/Control', { packageName: 'lab' }), {
      inputVariables: { items: [1, 2], count: 3, ratio: 3, options: {} },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));

    const notObject = await call(gw, 'POST', startPath(RESTART, { packageName: 'network-ops' }), { inputVariables: [1] });
    assert.equal(notObject.status, 400);
  });

  test('unknown flow 404, ambiguous bare name 400, unknown package and version 404', async () => {
    const unknown = await call(gw, 'POST', startPath('network/core/Nope', { packageName: 'network-ops' }), { inputVariables: {} });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'flow-not-found');
    const ambiguous = await call(gw, 'POST', startPath('Same', { packageName: 'lab' }), {});
    assert.equal(ambiguous.status, 400);
    assert.equal(ambiguous.body.error.code, 'ambiguous-flow');
    assert.match(ambiguous.body.error.message, /a\/Same, b\/Same/);
    const full = await call(gw, 'POST', startPath('a/Same', { packageName: 'lab' }), {});
    assert.equal(full.status, 200);
    const noPkg = await call(gw, 'POST', startPath(RESTART, { packageName: 'ghost' }), {});
    assert.equal(noPkg.status, 404);
    assert.equal(noPkg.body.error.code, 'package-not-found');
    const noVersion = await call(gw, 'POST', startPath(RESTART, { packageName: 'network-ops', packageVersion: 7 }), {});
    assert.equal(noVersion.status, 404);
    assert.equal(noVersion.body.error.code, 'version-not-found');
    // Unencoded slashes in the path work too.
    const plain = await call(gw, 'POST', `/api/default/default/flows/${RESTART}/executions?packageName=network-ops`, {
      inputVariables: { device: 'x', dryRun: true },
    });
    assert.equal(plain.status, 200);
  });

  test('an unpublished version is refused', async () => {
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('lab', 2, { 'a/Same': 'steps: []\n' }))).status, 201);
    const r = await call(gw, 'POST', startPath('a/Same', { packageName: 'lab', packageVersion: 2 }), {});
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'not-published');
  });

  test('control flow: for-each, try/catch with errorVariable, == literals, nested expressions', async () => {
    const r = await call(gw, 'POST', startPath('lab/Control', { packageName: 'lab' }), { inputVariables: { items: [1, 2, 3.5] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.outputVariables, {
      total: 6.5,
      labels: ['item0', 'item1', 'item2'],
      caught: { message: 'failed at 6.5', code: 'boom', step: 'steps[2].steps[0] fail "Boom"' },
      literal: '=not an expression',
      nested: { sum: 6.5, list: [13, 'plain'] },
    });
  });

  test('run-flow: a failing child is catchable; async gives the child id; child inputs are checked', async () => {
    const r = await call(gw, 'POST', startPath('lab/CatchChild', { packageName: 'lab' }), {});
    assert.equal(r.status, 500);
    assert.equal(r.body.error.code, 'flow-failed');
    assert.match(r.body.error.message, /Invalid inputs for lab\/Failing: missing required input 'why'.*unknown input 'because'/);
    const id = r.body.error.details.find((d: any) => d.field === 'executionId').message;
    const detail = (await call(gw, 'GET', `/api/v1/executions/${id}`)).body;
    assert.equal(detail.error.code, 'invalid-inputs');
    assert.equal(detail.error.step, 'steps[2] run-flow "Bad inputs"');
    assert.equal(detail.children.length, 2);
    const [asyncChild, syncChild] = detail.children;
    const asyncDetail = await waitFor(async () => {
      const d = (await call(gw, 'GET', `/api/v1/executions/${asyncChild.id}`)).body;
      return d.status === 'Error' ? d : undefined;
    });
    assert.equal(asyncDetail.error.message, 'child failed: async');
    assert.equal(asyncDetail.parentId, id);
    assert.equal(syncChild.status, 'Error');
    assert.ok(detail.log.some((l: any) => l.message === 'caught child-broke: child failed: sync'));
  });

  test('a flow that runs itself forever fails at the nesting limit', async () => {
    const r = await call(gw, 'POST', startPath('lab/Recurse', { packageName: 'lab' }), {});
    assert.equal(r.status, 500);
    assert.match(r.body.error.message, /nested more than 50 levels/);
  });

  test('http steps through a connection and to an unreachable URL', async () => {
    const ok = await call(gw, 'POST', startPath('lab/StatusOnly', { packageName: 'lab' }), {});
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.outputVariables, { name: 'exec-gw', status: 200, accept: 'application/json; charset=utf-8' });

    const failed = await call(gw, 'POST', startPath('lab/Status', { packageName: 'lab' }), {});
    assert.equal(failed.status, 500);
    assert.equal(failed.body.error.code, 'flow-failed');
    assert.match(failed.body.error.message, /GET http:\/\/127\.0\.0\.1:2\/unreachable failed: ECONNREFUSED/);
  });

  test('a runaway expression fails the execution, the gateway keeps answering', async () => {
    const started = Date.now();
    const r = await call(gw, 'POST', startPath('lab/Runaway', { packageName: 'lab' }), {});
    assert.equal(r.status, 500);
    assert.match(r.body.error.message, /runaway/);
    assert.ok(Date.now() - started < 10_000);
    const deep = await call(gw, 'POST', startPath('lab/Deep', { packageName: 'lab' }), {});
    assert.equal(deep.status, 500);
    assert.match(deep.body.error.message, /runaway/);
    assert.equal((await call(gw, 'GET', '/healthz')).status, 200);
  });

  test('async: 202 at once; the execution shows its children with parent and root ids; stopping stops the tree', async () => {
    const r = await call(gw, 'POST', startPath('lab/Parent', { packageName: 'lab', mode: 'async' }), {});
    assert.equal(r.status, 202);
    assert.equal(r.body.packageName, 'lab');
    const id = r.body.executionId;

    const detail = await waitFor(async () => {
      const d = (await call(gw, 'GET', `/api/v1/executions/${id}`)).body;
      return d.children.length === 2 ? d : undefined;
    }, 5000, 'two children');
    assert.equal(detail.status, 'Running');
    for (const c of detail.children) {
      assert.equal(c.parentId, id);
      assert.equal(c.rootId, id);
      assert.equal(c.flow, 'lab/Sleeper');
      assert.equal(c.status, 'Running');
      assert.deepEqual(c.initiator, { type: 'flow', executionId: id });
    }
    const running = (await call(gw, 'GET', '/api/v1/executions?status=Running&packageName=lab')).body.executions;
    assert.ok(running.length >= 3);

    const stopped = await call(gw, 'POST', `/api/v1/executions/${id}/stop`);
    assert.equal(stopped.status, 200);
    assert.equal(stopped.body.status, 'Stopped');
    for (const c of stopped.body.children) assert.equal(c.status, 'Stopped');
    assert.ok(stopped.body.durationMs < 10_000);
  });

  test('stop a waiting execution: a synchronous caller gets its answer at once', async () => {
    const pending = call(gw, 'POST', startPath('lab/Sleeper', { packageName: 'lab' }), { inputVariables: { seconds: 60 } });
    const running = await waitFor(async () => {
      const list = (await call(gw, 'GET', '/api/v1/executions?status=Running&flow=sleeper')).body.executions;
      return list.find((e: any) => e.parentId === null);
    }, 5000, 'a running Sleeper');
    const stop = await call(gw, 'POST', `/api/v1/executions/${running.id}/stop`);
    assert.equal(stop.status, 200);
    assert.equal(stop.body.status, 'Stopped');
    assert.ok(stop.body.log.some((l: any) => l.message === 'stop requested'));
    const r = await pending;
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'Stopped');
    assert.equal(r.body.executionId, running.id);

    const again = await call(gw, 'POST', `/api/v1/executions/${running.id}/stop`);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'Stopped');
  });

  test('execution events: server-sent events of starts and status changes', async () => {
    const controller = new AbortController();
    const res = await fetch(`${gw.url}/api/v1/executions/events`, { signal: controller.signal, headers: await adminHeaders(gw) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const run = await call(gw, 'POST', startPath('a/Same', { packageName: 'lab' }), {});
    assert.equal(run.status, 200);
    const id = run.body.executionId;
    const deadline = Date.now() + 5000;
    while (!new RegExp(`"id":"${id}"[^\n]*"status":"Ended"`).test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    const events = text
      .split('\n\n')
      .filter((b) => b.includes('event: execution'))
      .map((b) => JSON.parse(b.split('\n').find((l) => l.startsWith('data: '))!.slice(6)))
      .filter((e) => e.id === id);
    assert.deepEqual(events.map((e) => e.status), ['Running', 'Ended']);
    assert.equal(events[1].flow, 'a/Same');
  });

  test('list filters', async () => {
    const all = (await call(gw, 'GET', '/api/v1/executions')).body.executions;
    assert.ok(all.length > 5);
    const errors = (await call(gw, 'GET', '/api/v1/executions?status=Error')).body.executions;
    assert.ok(errors.length >= 1 && errors.every((e: any) => e.status === 'Error'));
    const v1 = (await call(gw, 'GET', '/api/v1/executions?packageName=network-ops&packageVersion=1')).body.executions;
    assert.ok(v1.length >= 1 && v1.every((e: any) => e.packageName === 'network-ops'));
    const bad = await call(gw, 'GET', '/api/v1/executions?status=Sleeping');
    assert.equal(bad.status, 400);
  });
});
