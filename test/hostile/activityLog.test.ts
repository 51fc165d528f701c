/**
 * Forging the gateway's activity log (src/emulator/activityLog.ts; VS Code's "Flowgate Gateway"
 * output): names an Admin or a package may choose reach its lines, so a schedule or trigger named
 * with a line separator, NEL or a bidi override must not start a line of its own or reorder what a
 * reader sees. Each is escaped (`\u{2028}`); one event stays one line; the gateway keeps serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sendTrap } from '../../src/core/snmp/sendTrap';
import { call, startTarget, whileServing } from './harness';
import type { EmulatorProcess } from '../support/emulatorProcess';

const FORGED = 'execution 00000000-forged ended';

describe('hostile: forging activity log lines', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startTarget();
  });
  after(async () => {
    await gw?.stop();
  });

  const waitForLine = async (re: RegExp) => {
    const end = Date.now() + 15_000;
    for (;;) {
      const line = gw.output().split('\n').find((l) => re.test(l));
      if (line) return line;
      if (Date.now() > end) throw new Error(`no line ${re} in:\n${gw.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  test('a schedule and a trigger named with U+2028, NEL and U+202E: escaped, one line each, no forged line', async () => {
    const schedName = `tick\u2028${FORGED}\u0085\u202eok`;
    await whileServing(gw, async () => {
      const s = await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/schedules', {
        name: schedName,
        flow: 'network/inventory/Get-Gateway-Status',
        expression: '*/1 * * * * *',
      });
      assert.equal(s.status, 201, JSON.stringify(s.body));
      const fired = await waitForLine(/^schedule "tick/);
      assert.ok(fired.includes('tick\\u{2028}execution 00000000-forged'), fired);
      assert.ok(fired.includes('\\u{85}') && fired.includes('\\u{202e}'), fired);
      assert.equal((await call(gw, 'DELETE', `/api/v1/packages/network-ops/versions/1/schedules/${s.body.id}`)).status, 204);

      const t = await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/triggers', {
        name: `trap\u2028${FORGED}`,
        flow: 'network/inventory/Get-Gateway-Status',
        conditions: { deviceAddress: '*', devicePort: '*', trapOid: '1.3.6.1.4.1.99999.1', version: 'v2c' },
      });
      assert.equal(t.status, 201, JSON.stringify(t.body));
      await sendTrap({ host: '127.0.0.1', port: gw.snmpPort, version: 'v2c', trapOid: '1.3.6.1.4.1.99999.1', uptime: 7 });
      const trap = await waitForLine(/OID 1\.3\.6\.1\.4\.1\.99999\.1 — matched/);
      assert.ok(trap.includes('"trap\\u{2028}execution 00000000-forged'), trap);
    });
    // Nothing printed a raw separator, and no line starts with the forged text.
    const out = gw.output();
    assert.ok(!/[\u2028\u2029\u0085\u202e]/.test(out), 'a raw separator or override reached the output');
    assert.ok(!out.split('\n').some((l) => l.startsWith('execution 00000000-forged')), 'a forged line was printed');
  });
});
