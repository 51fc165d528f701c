/**
 * One flow-lookup rule for every way a flow is started (ExecutionManager.startFlow): the same
 * forms of a flow id — full id, bare unique name, surrounding slashes — answer the same in a REST
 * start, a schedule, a trigger (a real v2c trap) and a run-flow step; an ambiguous bare name and
 * an unknown flow are refused the same way everywhere. Also: a duplicate trigger name is 409
 * `already-exists`, like a duplicate schedule name.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sendTrap } from '../../src/core/snmp/sendTrap';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, startPath, waitFor } from './helpers';

const ECHO = 'tools/net/Echo';
const FORMS = [ECHO, 'Echo', `/${ECHO}/`];

const FLOWS: Record<string, string> = {
  [ECHO]: `
inputs:
  word:
    type: string
    required: false
    default: trap
outputs:
  said:
    type: string
steps:
  - kind: set
    values:
      said: "= word"
`,
  'a/Twin': 'steps: []\n',
  'b/Twin': 'steps: []\n',
  'tools/CallBare': `
outputs:
  said:
    type: string
steps:
  - kind: run-flow
    flow: Echo
    inputs:
      word: bare
    output: r
  - kind: set
    values:
      said: "= r.said"
`,
  'tools/CallSlashes': `
outputs:
  said:
    type: string
steps:
  - kind: run-flow
    flow: /tools/net/Echo/
    inputs:
      word: slashes
    output: r
  - kind: set
    values:
      said: "= r.said"
`,
  'tools/CallTwin': `
steps:
  - kind: run-flow
    flow: Twin
`,
  'tools/CallNope': `
steps:
  - kind: run-flow
    flow: Nope
`,
};

const BASE = '/api/v1/packages/look/versions/1';
const schedule = (flow: string, name: string) => ({ name, flow, expression: '0 0 1 1 *', inputs: { word: 'scheduled' } });
const trigger = (flow: string, name: string, trapOid = '1.3.6.1.4.1.8072.2.3.0.1') => ({
  name,
  flow,
  conditions: { deviceAddress: '*', devicePort: '*', trapOid, version: 'v2c', community: '*' },
});

describe('one flow-lookup rule', () => {
  let gw: EmulatorProcess;
  const finished = (id: string) =>
    waitFor(async () => {
      const r = await call(gw, 'GET', `/api/v1/executions/${id}`);
      return r.status === 200 && r.body.status !== 'Running' ? r.body : undefined;
    }, 10_000, `execution ${id}`);

  before(async () => {
    gw = await startEmulatorProcess({ name: 'lookup-gw' });
    const up = await call(gw, 'POST', '/api/v1/packages', await buildPackage('look', 1, FLOWS));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal((await call(gw, 'POST', `${BASE}/publish`)).status, 200);
  });
  after(() => gw?.stop());

  test('REST starts: full id, bare name and slashes run the same flow', async () => {
    for (const form of FORMS) {
      const r = await call(gw, 'POST', startPath(form, { packageName: 'look' }), { inputVariables: { word: form } });
      assert.equal(r.status, 200, `${form}: ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body.outputVariables, { said: form });
      assert.equal((await finished(r.body.executionId)).flow, ECHO, form);
    }
  });

  test('schedules: each form is stored as the full id and run now starts that flow', async () => {
    for (const [i, form] of FORMS.entries()) {
      const created = await call(gw, 'POST', `${BASE}/schedules`, schedule(form, `s${i}`));
      assert.equal(created.status, 201, `${form}: ${JSON.stringify(created.body)}`);
      assert.equal(created.body.flow, ECHO, form);
      const run = await call(gw, 'POST', `${BASE}/schedules/${created.body.id}/run`);
      assert.equal(run.status, 202, JSON.stringify(run.body));
      const ended = await finished(run.body.executionId);
      assert.equal(ended.flow, ECHO);
      assert.equal(ended.status, 'Ended');
      assert.deepEqual(ended.outputs, { said: 'scheduled' });
    }
  });

  test('triggers: each form is stored as the full id and a received trap starts that flow', async () => {
    const ids: string[] = [];
    for (const [i, form] of FORMS.entries()) {
      const created = await call(gw, 'POST', `${BASE}/triggers`, trigger(form, `t${i}`, `1.3.6.1.4.1.8072.2.3.0.${i + 1}`));
      assert.equal(created.status, 201, `${form}: ${JSON.stringify(created.body)}`);
      assert.equal(created.body.flow, ECHO, form);
      ids.push(created.body.id);
    }
    for (const [i] of FORMS.entries()) {
      const uptime = 1000 + i;
      await sendTrap({ host: '127.0.0.1', port: gw.snmpPort, uptime, version: 'v2c', trapOid: `1.3.6.1.4.1.8072.2.3.0.${i + 1}` });
      const evaluation = await waitFor(async () => {
        const traps = (await call(gw, 'GET', '/api/v1/snmp/traps')).body.traps as any[];
        const t = traps.find((x) => x.pdu.uptime === uptime);
        const e = t?.evaluations.find((x: any) => x.triggerId === ids[i]);
        return e && (e.executionId || e.error) ? e : undefined;
      }, 10_000, `trap ${i}`);
      assert.equal(evaluation.matched, true);
      assert.equal(evaluation.error, undefined);
      const ended = await finished(evaluation.executionId);
      assert.equal(ended.flow, ECHO);
      assert.deepEqual(ended.outputs, { said: 'trap' });
    }
  });

  test('run-flow steps: a bare name and slashes start the same flow as its id', async () => {
    for (const [caller, said] of [['tools/CallBare', 'bare'], ['tools/CallSlashes', 'slashes']]) {
      const r = await call(gw, 'POST', startPath(caller, { packageName: 'look' }), {});
      assert.equal(r.status, 200, `${caller}: ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body.outputVariables, { said });
      const parent = await finished(r.body.executionId);
      assert.equal(parent.children.length, 1);
      assert.equal(parent.children[0].flow, ECHO);
    }
  });

  test('an ambiguous bare name is refused the same way by every caller', async () => {
    const rest = await call(gw, 'POST', startPath('Twin', { packageName: 'look' }), {});
    assert.equal(rest.status, 400);
    assert.equal(rest.body.error.code, 'ambiguous-flow');
    assert.match(rest.body.error.message, /a\/Twin, b\/Twin/);

    const before = (await call(gw, 'GET', `${BASE}/schedules`)).body.schedules.length;
    const s = await call(gw, 'POST', `${BASE}/schedules`, schedule('Twin', 'twin'));
    assert.equal(s.status, 400);
    assert.deepEqual(s.body.error.details.map((d: any) => d.field), ['flow']);
    assert.match(s.body.error.details[0].message, /ambiguous.*a\/Twin, b\/Twin/);
    assert.equal((await call(gw, 'GET', `${BASE}/schedules`)).body.schedules.length, before, 'nothing stored');

    const t = await call(gw, 'POST', `${BASE}/triggers`, trigger('Twin', 'twin'));
    assert.equal(t.status, 400);
    assert.deepEqual(t.body.error.details.map((d: any) => d.field), ['flow']);
    assert.match(t.body.error.details[0].message, /ambiguous.*a\/Twin, b\/Twin/);

    const child = await call(gw, 'POST', startPath('tools/CallTwin', { packageName: 'look' }), {});
    assert.equal(child.status, 500);
    assert.equal(child.body.error.code, 'flow-failed');
    const errorCode = child.body.error.details.find((d: any) => d.field === 'errorCode');
    assert.equal(errorCode.message, 'ambiguous-flow');
    assert.match(child.body.error.message, /a\/Twin, b\/Twin/);
  });

  test('an unknown flow is refused by every caller', async () => {
    const rest = await call(gw, 'POST', startPath('Nope', { packageName: 'look' }), {});
    assert.equal(rest.status, 404);
    assert.equal(rest.body.error.code, 'flow-not-found');
    for (const [kind, body] of [['schedules', schedule('Nope', 'nope')], ['triggers', trigger('Nope', 'nope')]] as const) {
      const r = await call(gw, 'POST', `${BASE}/${kind}`, body);
      assert.equal(r.status, 400, kind);
      assert.ok(r.body.error.details.some((d: any) => d.field === 'flow'), `${kind}: ${JSON.stringify(r.body)}`);
    }
    const child = await call(gw, 'POST', startPath('tools/CallNope', { packageName: 'look' }), {});
    assert.equal(child.status, 500);
    assert.equal(child.body.error.details.find((d: any) => d.field === 'errorCode').message, 'flow-not-found');
  });

  test('a duplicate trigger name is 409 already-exists, like a duplicate schedule name; nothing changes', async () => {
    const first = await call(gw, 'POST', `${BASE}/triggers`, trigger(ECHO, 'dup'));
    assert.equal(first.status, 201);
    const listed = (await call(gw, 'GET', `${BASE}/triggers`)).body.triggers;
    const again = await call(gw, 'POST', `${BASE}/triggers`, trigger(ECHO, 'dup'));
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already-exists');
    assert.deepEqual(again.body.error.details.map((d: any) => d.field), ['name']);
    const other = await call(gw, 'POST', `${BASE}/triggers`, trigger(ECHO, 'other'));
    assert.equal(other.status, 201);
    const renamed = await call(gw, 'PUT', `${BASE}/triggers/${other.body.id}`, trigger(ECHO, 'dup'));
    assert.equal(renamed.status, 409);
    assert.equal(renamed.body.error.code, 'already-exists');
    const now = (await call(gw, 'GET', `${BASE}/triggers`)).body.triggers;
    assert.deepEqual(now.filter((t: any) => t.id !== other.body.id), listed, 'the refused changes left the triggers as they were');
    assert.equal(now.find((t: any) => t.id === other.body.id).name, 'other');

    const s1 = await call(gw, 'POST', `${BASE}/schedules`, schedule(ECHO, 'dup'));
    assert.equal(s1.status, 201);
    const s2 = await call(gw, 'POST', `${BASE}/schedules`, schedule(ECHO, 'dup'));
    assert.equal(s2.status, 409);
    assert.equal(s2.body.error.code, 'already-exists');
  });
});
