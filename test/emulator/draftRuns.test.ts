/**
 * POST /api/v1/draft-runs on a real emulator process: the workspace files as they are run, not the
 * published version; the execution is recorded as a draft (record, list, events, audit); the
 * repository and the published version are untouched; files with errors are refused naming the
 * file; children and connections come from the files only; a draft run can be stopped.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { adminHeaders, call, EXAMPLES, packExamples, startPath, waitFor } from './helpers';

const DR = '/api/v1/draft-runs';
const RESTART = 'flows/network/core/Restart-Service.flow.yaml';

/** Every file of examples/ as the extension sends them: workspace-relative path → text. */
function exampleFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(EXAMPLES, rel))) {
      const child = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(EXAMPLES, child)).isDirectory()) walk(child);
      else if (name.endsWith('.yaml')) out[child] = readFileSync(path.join(EXAMPLES, child), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('draft runs', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startEmulatorProcess();
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await packExamples())).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/publish')).status, 200);
  });
  after(async () => {
    await gw?.stop();
  });

  test('an edited flow runs as edited, recorded as a draft of the package draft; the published version still runs the old text', async () => {
    const files = exampleFiles();
    files[RESTART] = files[RESTART].replace("'Would run: ' & result.command", "'DRAFT would run: ' & result.command");
    assert.ok(files[RESTART].includes('DRAFT'), 'the sample changed: the edit did not apply');
    const definitionsBefore = (await call(gw, 'GET', '/api/v1/definitions')).body;
    const versionBefore = (await call(gw, 'GET', '/api/v1/packages/network-ops/versions/1')).body;

    const r = await call(gw, 'POST', DR, { files, flow: 'network/core/Restart-Service', inputVariables: { device: '10.0.0.1', dryRun: true } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.draft, true);
    assert.equal(r.body.flow, 'network/core/Restart-Service');
    assert.equal(r.body.outputVariables.message, 'DRAFT would run: systemctl restart sshd');

    const detail = (await call(gw, 'GET', `/api/v1/executions/${r.body.executionId}`)).body;
    assert.equal(detail.draft, true);
    assert.equal(detail.packageName, 'network-ops');
    assert.equal(detail.packageVersion, 1);
    assert.equal(detail.children.length, 2, 'the two run-flow children');
    for (const c of detail.children) assert.equal(c.draft, true, `child ${c.flow} is not marked draft`);
    assert.match(detail.log[0].message, /draft run/);

    const list = (await call(gw, 'GET', '/api/v1/executions?flow=Restart-Service')).body.executions;
    assert.equal(list.find((e: { id: string }) => e.id === r.body.executionId)?.draft, true);

    // The published version runs its own text, and nothing was stored.
    const published = await call(gw, 'POST', startPath('network/core/Restart-Service', { packageName: 'network-ops' }), { inputVariables: { device: '10.0.0.1', dryRun: true } });
    assert.equal(published.status, 200);
    assert.equal(published.body.outputVariables.message, 'Would run: systemctl restart sshd');
    assert.equal((await call(gw, 'GET', `/api/v1/executions/${published.body.executionId}`)).body.draft, undefined);
    assert.deepEqual((await call(gw, 'GET', '/api/v1/definitions')).body, definitionsBefore);
    assert.deepEqual((await call(gw, 'GET', '/api/v1/packages/network-ops/versions/1')).body, versionBefore);

    // The audit log records the draft run with its execution and package draft.
    const audit = (await call(gw, 'GET', '/api/v1/audit?action=draft-run')).body.records;
    const rec = audit.find((a: { execution?: string }) => a.execution === r.body.executionId);
    assert.ok(rec, JSON.stringify(audit));
    assert.equal(rec.package, 'network-ops');
    assert.equal(rec.status, 200);
  });

  test('a flow in no package draft runs as `workspace` 1; the event stream announces it as a draft', async () => {
    const ac = new AbortController();
    const events = await fetch(`${gw.url}/api/v1/executions/events`, { signal: ac.signal, headers: await adminHeaders(gw) });
    const reader = events.body!.getReader();
    let text = '';
    const r = await call(gw, 'POST', DR, { files: { 'flows/a/Solo.flow.yaml': 'outputs:\n  n:\n    type: number\nsteps:\n  - kind: set\n    values:\n      n: "= 6 * 7"\n' }, flow: 'Solo' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.outputVariables.n, 42);
    await waitFor(async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return text.includes(r.body.executionId) && text.includes('"status":"Ended"') ? true : undefined;
    }, 10_000, 'the draft run on the event stream');
    ac.abort();
    const line = text.split('\n').find((l) => l.startsWith('data:') && l.includes(r.body.executionId))!;
    const event = JSON.parse(line.slice(5));
    assert.equal(event.draft, true);
    assert.equal(event.packageName, 'workspace');
    assert.equal(event.packageVersion, 1);
  });

  test('files with errors are refused naming the file and line; nothing runs', async () => {
    const before = (await call(gw, 'GET', '/api/v1/executions')).body.executions.length;
    const files = exampleFiles();
    files['flows/network/core/Run-Command.flow.yaml'] = files['flows/network/core/Run-Command.flow.yaml'].replace('kind: wait', 'kind: snooze');
    const r = await call(gw, 'POST', DR, { files, flow: 'network/core/Restart-Service', inputVariables: { device: 'x' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'validation-failed');
    assert.ok(r.body.error.details.some((d: { field: string; message: string }) => d.field === 'files["flows/network/core/Run-Command.flow.yaml"]' && /^line \d+:/.test(d.message)), JSON.stringify(r.body));
    // A missing child (only in the repository, not in the files) is an error too: children come from the files only.
    const alone = { [RESTART]: exampleFiles()[RESTART] };
    const r2 = await call(gw, 'POST', DR, { files: alone, flow: 'network/core/Restart-Service', inputVariables: { device: 'x' } });
    assert.equal(r2.status, 400);
    assert.ok(r2.body.error.details.some((d: { field: string; message: string }) => d.field === `files["${RESTART}"]` && d.message.includes("'network/core/Check-Reachability' does not exist")), JSON.stringify(r2.body));
    // Inputs are checked as for a start.
    const r3 = await call(gw, 'POST', DR, { files: exampleFiles(), flow: 'network/core/Restart-Service', inputVariables: { device: 5 } });
    assert.equal(r3.status, 400);
    assert.equal(r3.body.error.code, 'invalid-inputs');
    assert.equal(r3.body.error.details[0].field, 'inputVariables.device');
    const r4 = await call(gw, 'POST', DR, { files: exampleFiles(), flow: 'network/core/Nope' });
    assert.equal(r4.status, 404);
    assert.equal(r4.body.error.code, 'flow-not-found');
    assert.equal((await call(gw, 'GET', '/api/v1/executions')).body.executions.length, before, 'an execution started');
  });

  test('a failing draft is a 500 flow-failed with the execution; an async draft run can be stopped', async () => {
    const fail = await call(gw, 'POST', DR, { files: { 'flows/a/Boom.flow.yaml': 'steps:\n  - kind: fail\n    message: draft boom\n' }, flow: 'a/Boom' });
    assert.equal(fail.status, 500);
    assert.equal(fail.body.error.code, 'flow-failed');
    assert.equal(fail.body.error.message, 'draft boom');
    const id = fail.body.error.details.find((d: { field: string }) => d.field === 'executionId').message;
    assert.equal((await call(gw, 'GET', `/api/v1/executions/${id}`)).body.status, 'Error');

    const nap = await call(gw, 'POST', DR, { files: { 'flows/a/Nap.flow.yaml': 'steps:\n  - kind: wait\n    seconds: 60\n' }, flow: 'a/Nap', mode: 'async' });
    assert.equal(nap.status, 202);
    assert.equal(nap.headers.get('location'), `/api/v1/executions/${nap.body.executionId}`);
    const stopped = await call(gw, 'POST', `/api/v1/executions/${nap.body.executionId}/stop`);
    assert.equal(stopped.status, 200);
    assert.equal(stopped.body.status, 'Stopped');
    assert.equal(stopped.body.draft, true);
  });
});
