/**
 * The activity log (src/emulator/activityLog.ts) of a real emulator process: one line on stdout per
 * upload, publish, unpublish, execution start and end, fired schedule and received trap — and never
 * an input value, an output value or a trap's community.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sendTrap } from '../../src/core/snmp/sendTrap';
import { printable } from '../../src/emulator/activityLog';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, startPath, waitFor } from './helpers';

const GREET = `inputs:
  who:
    type: string
outputs:
  greeting:
    type: string
steps:
  - kind: set
    values:
      greeting: "= 'hello ' & who"
`;

const SECRET_INPUT = 'TOP-SECRET-INPUT-4711';
const COMMUNITY = 'community-Not-To-Print';

describe('activity log of the emulator process', () => {
  let gw: EmulatorProcess;
  const lines = () => gw.output().split('\n');
  const line = (re: RegExp, what: string) => waitFor(async () => lines().find((l) => re.test(l)), 10_000, `${what} (${re}) in:\n${gw.output()}`);

  before(async () => {
    gw = await startEmulatorProcess({ name: 'activity' });
  });
  after(async () => {
    await gw?.stop();
  });

  test('upload, publish, an execution, a fired schedule, a received trap, unpublish: one line each', async () => {
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await buildPackage('acts', 1, { 'demo/Greet': GREET }))).status, 201);
    await line(/^uploaded acts@1 by /, 'the upload');
    assert.equal((await call(gw, 'POST', '/api/v1/packages/acts/versions/1/publish')).status, 200);
    await line(/^published acts@1 by /, 'the publish');

    const run = await call(gw, 'POST', startPath('demo/Greet', { packageName: 'acts', packageVersion: 1 }), { inputVariables: { who: SECRET_INPUT } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const id = run.body.executionId as string;
    await line(new RegExp(`^execution ${id} started: demo/Greet \\(acts@1\\) by client `), 'the execution start');
    await line(new RegExp(`^execution ${id} ended: demo/Greet \\(acts@1\\) — Ended after \\d`), 'the execution end');

    const sched = await call(gw, 'POST', '/api/v1/packages/acts/versions/1/schedules', { name: 'every-second', flow: 'demo/Greet', expression: '*/1 * * * * *', inputs: { who: SECRET_INPUT } });
    assert.equal(sched.status, 201, JSON.stringify(sched.body));
    await line(/^schedule "every-second" fired: demo\/Greet \(acts@1\)/, 'the fired schedule');
    await line(/^execution \S+ started: demo\/Greet \(acts@1\) by schedule "every-second"/, 'the scheduled execution');
    assert.equal((await call(gw, 'DELETE', `/api/v1/packages/acts/versions/1/schedules/${sched.body.id}`)).status, 204);

    const trig = await call(gw, 'POST', '/api/v1/packages/acts/versions/1/triggers', {
      name: 'lab-traps',
      flow: 'demo/Greet',
      conditions: { deviceAddress: '*', devicePort: '*', trapOid: '1.3.6.1.4.1.8072.2.3.0.1', version: 'v2c', community: COMMUNITY },
      inputs: { who: SECRET_INPUT },
    });
    assert.equal(trig.status, 201, JSON.stringify(trig.body));
    await sendTrap({ host: '127.0.0.1', port: gw.snmpPort, version: 'v2c', community: COMMUNITY, trapOid: '1.3.6.1.4.1.8072.2.3.0.1', uptime: 4242 });
    await line(/^trap v2c from 127\.0\.0\.1:\d+ OID 1\.3\.6\.1\.4\.1\.8072\.2\.3\.0\.1 — matched "lab-traps" \(acts@1\)$/, 'the matched trap');
    await sendTrap({ host: '127.0.0.1', port: gw.snmpPort, version: 'v2c', community: COMMUNITY, trapOid: '1.3.6.1.4.1.8072.2.3.0.9', uptime: 4243 });
    await line(/^trap v2c from 127\.0\.0\.1:\d+ OID 1\.3\.6\.1\.4\.1\.8072\.2\.3\.0\.9 — matched no trigger \(of 1\)$/, 'the unmatched trap');

    assert.equal((await call(gw, 'POST', '/api/v1/packages/acts/versions/1/unpublish')).status, 200);
    await line(/^unpublished acts@1 by /, 'the unpublish');

    // A refused action says so.
    assert.equal((await call(gw, 'POST', '/api/v1/packages/acts/versions/7/publish')).status, 404);
    await line(/^published acts@7 by .* — refused \(404\)$/, 'the refused publish');

    const out = gw.output();
    assert.ok(!out.includes(SECRET_INPUT), 'an input value was printed');
    assert.ok(!out.includes('hello '), 'an output value was printed');
    assert.ok(!out.includes(COMMUNITY), 'a community was printed');
  });

  test('names from a package cannot forge lines: control characters are escaped', () => {
    assert.equal(printable('a\nexecution x ended'), 'a\\u{a}execution x ended');
    assert.equal(printable('\u202eevil'), '\\u{202e}evil');
    assert.equal(printable('x'.repeat(300)).length, 201);
  });
});
