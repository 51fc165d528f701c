/**
 * Durability and execution history: the JSON-lines log under <data>/executions, retention,
 * executions interrupted by a stop or a kill, torn lines, and kill -9 of a real process under load.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, startPath, waitFor } from './helpers';

const FLOWS = {
  'd/Echo': `
inputs:
  n:
    type: integer
outputs:
  n:
    type: integer
steps:
  - kind: set
    values:
      n: "= n"
`,
  'd/Wait': `
inputs:
  seconds:
    type: number
steps:
  - kind: wait
    seconds: "= seconds"
`,
};

const tmpDirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'flowgate-durability-'));
  tmpDirs.push(d);
  return d;
}

function segmentFiles(dir: string): string[] {
  return readdirSync(path.join(dir, 'executions')).filter((f) => f.endsWith('.jsonl')).sort();
}

function logLines(dir: string): string[] {
  return segmentFiles(dir).flatMap((f) => readFileSync(path.join(dir, 'executions', f), 'utf8').split('\n').filter(Boolean));
}

async function setup(gw: EmulatorProcess): Promise<void> {
  assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('dur', 1, FLOWS))).status, 201);
  assert.equal((await call(gw, 'POST', '/api/v1/packages/dur/versions/1/publish')).status, 200);
}

const echo = (gw: EmulatorProcess, n: number) => call(gw, 'POST', startPath('d/Echo', { packageName: 'dur' }), { inputVariables: { n } });
const waitAsync = async (gw: EmulatorProcess, seconds = 60): Promise<string> => {
  const r = await call(gw, 'POST', startPath('d/Wait', { packageName: 'dur', mode: 'async' }), { inputVariables: { seconds } });
  assert.equal(r.status, 202);
  return r.body.executionId;
};

describe('durability and execution history', () => {
  after(() => {
    for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
  });

  test('history is a JSON-lines log apart from store.json; detail, filters and order survive a restart', async () => {
    const dir = dataDir();
    const gw = await startEmulatorProcess({ dataDir: dir });
    await setup(gw);
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push((await echo(gw, n)).body.executionId);
    assert.equal(await gw.stop(), 0);

    assert.ok(!readFileSync(path.join(dir, 'store.json'), 'utf8').includes(ids[0]), 'no execution in the lowdb document');
    const lines = logLines(dir).map((l) => JSON.parse(l));
    assert.ok(ids.every((id) => lines.some((r) => r.id === id && r.status === 'Ended')));

    const again = await startEmulatorProcess({ dataDir: dir });
    try {
      const list = (await call(again, 'GET', '/api/v1/executions?packageName=dur&flow=echo&status=Ended')).body.executions;
      assert.deepEqual(list.map((e: any) => e.id), [...ids].reverse(), 'newest first');
      const d = (await call(again, 'GET', `/api/v1/executions/${ids[3]}`)).body;
      assert.deepEqual(d.inputs, { n: 3 });
      assert.deepEqual(d.outputs, { n: 3 });
      assert.ok(d.log.length > 0);
      assert.equal((await call(again, 'GET', '/api/v1/executions?packageVersion=2')).body.executions.length, 0);
      assert.equal((await call(again, 'GET', '/api/v1/executions?status=Running')).body.executions.length, 0);
    } finally {
      await again.stop();
    }
  });

  test('retention (--execution-retention): only the newest are kept, old segments are deleted whole', async () => {
    const dir = dataDir();
    const gw = await startEmulatorProcess({ dataDir: dir, args: ['--execution-retention', '5'] });
    await setup(gw);
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) ids.push((await echo(gw, n)).body.executionId);
    const list = (await call(gw, 'GET', '/api/v1/executions')).body.executions;
    assert.deepEqual(list.map((e: any) => e.id), ids.slice(-5).reverse());
    const gone = await call(gw, 'GET', `/api/v1/executions/${ids[0]}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'execution-not-found');
    assert.equal(await gw.stop(), 0);
    // 40 executions wrote 80 lines; whole segments beyond the retention were removed.
    assert.ok(logLines(dir).length <= 20, `${logLines(dir).length} lines left on disk`);

    // The environment variable works too, and after a restart the same five are there.
    const again = await startEmulatorProcess({ dataDir: dir, env: { FLOWGATE_EXECUTION_RETENTION: '5' } });
    try {
      const after = (await call(again, 'GET', '/api/v1/executions')).body.executions;
      assert.deepEqual(after.map((e: any) => e.id), ids.slice(-5).reverse());
      const d = (await call(again, 'GET', `/api/v1/executions/${ids[39]}`)).body;
      assert.deepEqual(d.outputs, { n: 39 });
    } finally {
      await again.stop();
    }
  });

  test('a clean stop (SIGTERM) and a kill -9 both leave running executions Stopped with gateway-stopped', async () => {
    const dir = dataDir();
    const gw = await startEmulatorProcess({ dataDir: dir });
    await setup(gw);
    const byStop = await waitAsync(gw);
    await waitFor(async () => ((await call(gw, 'GET', `/api/v1/executions/${byStop}`)).body.status === 'Running' ? true : undefined));
    assert.equal(await gw.stop(), 0);

    const second = await startEmulatorProcess({ dataDir: dir });
    const d1 = (await call(second, 'GET', `/api/v1/executions/${byStop}`)).body;
    assert.equal(d1.status, 'Stopped');
    assert.equal(d1.error.code, 'gateway-stopped');
    assert.ok(d1.endedAt);
    const byKill = await waitAsync(second);
    await new Promise((r) => setTimeout(r, 200));
    await second.kill();

    const third = await startEmulatorProcess({ dataDir: dir });
    try {
      const d2 = (await call(third, 'GET', `/api/v1/executions/${byKill}`)).body;
      assert.equal(d2.status, 'Stopped');
      assert.equal(d2.error.code, 'gateway-stopped');
      assert.match(d2.error.message, /gateway/i);
      assert.equal((await call(third, 'GET', '/api/v1/executions?status=Running')).body.executions.length, 0);
    } finally {
      await third.stop();
    }
  });

  test('a torn last line is skipped with a warning; the rest of the history loads', async () => {
    const dir = dataDir();
    const gw = await startEmulatorProcess({ dataDir: dir });
    await setup(gw);
    const kept = (await echo(gw, 7)).body.executionId;
    assert.equal(await gw.stop(), 0);
    const last = segmentFiles(dir).at(-1)!;
    appendFileSync(path.join(dir, 'executions', last), '{"id":"torn-line","status":"Run');

    const again = await startEmulatorProcess({ dataDir: dir });
    try {
      const list = (await call(again, 'GET', '/api/v1/executions')).body.executions;
      assert.ok(list.some((e: any) => e.id === kept));
      assert.ok(!list.some((e: any) => e.id === 'torn-line'));
      assert.match(again.output(), /torn last line/);
      // New executions are written after it and read back.
      const next = (await echo(again, 8)).body.executionId;
      assert.deepEqual((await call(again, 'GET', `/api/v1/executions/${next}`)).body.outputs, { n: 8 });
    } finally {
      await again.stop();
    }
  });

  test('kill -9 under load: the store loads, acknowledged publish state holds, history is readable', async () => {
    const dir = dataDir();
    let gw = await startEmulatorProcess({ dataDir: dir });
    await setup(gw);
    /** Per package: the last acknowledged published state, and whether a change was in flight. */
    const acked = new Map<string, { published: boolean; inFlight: boolean }>();
    const endedIds = new Set<string>();
    let counter = 0;

    for (let round = 0; round < 3; round++) {
      let stop = false;
      const uploads = (async () => {
        while (!stop) {
          const name = `load-${counter++}`;
          const state = { published: false, inFlight: true };
          acked.set(name, state);
          try {
            const up = await call(gw, 'POST', '/api/v1/packages', await buildPackage(name, 1, FLOWS));
            if (up.status !== 201) break;
            const pub = await call(gw, 'POST', `/api/v1/packages/${name}/versions/1/publish`);
            if (pub.status === 200) state.published = true;
            if (counter % 2 === 0) {
              const un = await call(gw, 'POST', `/api/v1/packages/${name}/versions/1/unpublish`);
              if (un.status === 200) state.published = false;
            }
            state.inFlight = false;
          } catch {
            break; // the process was killed mid-request: this one stays "in flight"
          }
        }
      })();
      const runs = (async () => {
        while (!stop) {
          try {
            const r = await echo(gw, counter);
            if (r.status === 200) endedIds.add(r.body.executionId);
            void waitAsync(gw, 30).catch(() => undefined);
          } catch {
            break;
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 500)));
      await gw.kill();
      stop = true;
      await Promise.all([uploads, runs]);

      gw = await startEmulatorProcess({ dataDir: dir });
      const health = await call(gw, 'GET', '/healthz');
      assert.equal(health.status, 200);
      const packages = (await call(gw, 'GET', '/api/v1/packages')).body.packages as any[];
      for (const [name, state] of acked) {
        if (state.inFlight) continue;
        const p = packages.find((x) => x.name === name);
        assert.ok(p, `acknowledged upload of ${name} is on disk`);
        assert.equal(p.versions[0].published, state.published, `acknowledged publish state of ${name}`);
      }
      // The history is readable: every acknowledged run is there; nothing is left Running.
      const list = (await call(gw, 'GET', '/api/v1/executions')).body.executions as any[];
      const ids = new Set(list.map((e) => e.id));
      for (const id of endedIds) assert.ok(ids.has(id), `acknowledged execution ${id} in the history`);
      assert.ok(!list.some((e) => e.status === 'Running' || e.status === 'Stopping'));
    }
    // Still fully working after the kills.
    const r = await echo(gw, 42);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.outputVariables, { n: 42 });
    await gw.stop();
  });
});
