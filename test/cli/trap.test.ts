/** `flowgate trap send`: real traps from the command line to a real emulator, --help, --json, exit codes. */
import assert from 'node:assert/strict';
import { runCliFromSource, type CliRun } from '../support/builtCli';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call, waitFor } from '../emulator/helpers';

function flowgate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCliFromSource(args, { env });
}

describe('flowgate trap send', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startEmulatorProcess();
    const r = await call(gw, 'PUT', '/api/v1/snmp/users/cliUser', { level: 'authPriv', authProtocol: 'sha', authKey: 'cli-auth-key-1', privProtocol: 'aes', privKey: 'cli-priv-key-1' });
    assert.equal(r.status, 201);
  });
  after(async () => {
    await gw?.stop();
  });
  const trapWith = (uptime: number) =>
    waitFor(async () => (await call(gw, 'GET', '/api/v1/snmp/traps')).body.traps.find((t: any) => t.pdu.uptime === uptime), 10_000, `trap ${uptime}`);

  test('--help describes the command; the top-level help lists it', async () => {
    const h = await flowgate(['trap', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /Usage: flowgate trap send/);
    assert.match(h.stdout, /--varbind <oid=t:value>/);
    const top = await flowgate(['--help']);
    assert.match(top.stdout, /trap\s+send a test SNMP trap/);
  });

  test('v2c with varbinds arrives with every field (--json)', async () => {
    const r = await flowgate([
      'trap', 'send', '--gateway-host', '127.0.0.1', '--port', String(gw.snmpPort), '--version', 'v2c', '--community', 'public',
      '--oid', '1.3.6.1.4.1.8072.2.3.0.1', '--varbind', '1.3.6.1.2.1.1.5.0=s:router1', '--varbind', '1.3.6.1.2.1.2.2.1.1.1=i:3',
      '--uptime', '777001', '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.sent, true);
    assert.equal(doc.trapOid, '1.3.6.1.4.1.8072.2.3.0.1');
    assert.equal(doc.varbinds, 2);
    const rec = await trapWith(777001);
    assert.equal(rec.pdu.version, 'v2c');
    assert.equal(rec.pdu.community, '***'); // the log masks communities (the devices' credentials)
    assert.deepEqual(rec.pdu.varbinds, [
      { oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'router1' },
      { oid: '1.3.6.1.2.1.2.2.1.1.1', type: 'Integer', value: 3 },
    ]);
  });

  test('v1 with an agent address, and v3 authPriv with keys from the environment (never printed)', async () => {
    const v1 = await flowgate(['trap', 'send', '--port', String(gw.snmpPort), '--version', 'v1', '--oid', '1.3.6.1.4.1.8072.2.3.0.17', '--agent-address', '10.1.2.3', '--uptime', '777002']);
    assert.equal(v1.code, 0, v1.stderr);
    assert.match(v1.stdout, /sent SNMP v1 trap 1\.3\.6\.1\.4\.1\.8072\.2\.3\.0\.17/);
    assert.match(v1.stdout, /enterprise 1\.3\.6\.1\.4\.1\.8072\.2\.3, generic 6, specific 17/);
    const rec1 = await trapWith(777002);
    assert.equal(rec1.pdu.agentAddress, '10.1.2.3');
    assert.equal(rec1.pdu.trapOid, '1.3.6.1.4.1.8072.2.3.0.17');

    const v3 = await flowgate(
      ['trap', 'send', '--port', String(gw.snmpPort), '--version', 'v3', '--user', 'cliUser', '--level', 'authPriv', '--oid', '1.3.6.1.6.3.1.1.5.3', '--uptime', '777003', '--json'],
      { FLOWGATE_SNMP_AUTH_KEY: 'cli-auth-key-1', FLOWGATE_SNMP_PRIV_KEY: 'cli-priv-key-1' },
    );
    assert.equal(v3.code, 0, v3.stderr);
    assert.equal(JSON.parse(v3.stdout).user, 'cliUser');
    assert.ok(!v3.stdout.includes('cli-auth-key-1') && !v3.stdout.includes('cli-priv-key-1'));
    const rec3 = await trapWith(777003);
    assert.equal(rec3.pdu.version, 'v3');
    assert.equal(rec3.pdu.user, 'cliUser');
  });

  test('usage errors exit 2; a trap that cannot be sent exits 1', async () => {
    const noOid = await flowgate(['trap', 'send', '--port', String(gw.snmpPort)]);
    assert.equal(noOid.code, 2);
    assert.match(noOid.stderr, /--oid/);
    const badVb = await flowgate(['trap', 'send', '--oid', '1.3.6.1.6.3.1.1.5.3', '--varbind', '1.3.6=q:1', '--json']);
    assert.equal(badVb.code, 2);
    assert.equal(JSON.parse(badVb.stdout).error.code, 'usage');
    const badVersion = await flowgate(['trap', 'send', '--oid', '1.3.6.1.6.3.1.1.5.3', '--version', 'v4']);
    assert.equal(badVersion.code, 2);
    const noUser = await flowgate(['trap', 'send', '--oid', '1.3.6.1.6.3.1.1.5.3', '--version', 'v3']);
    assert.equal(noUser.code, 2);
    const sub = await flowgate(['trap', 'receive']);
    assert.equal(sub.code, 2);
    const unreachable = await flowgate(['trap', 'send', '--gateway-host', 'no-such-host.invalid', '--oid', '1.3.6.1.6.3.1.1.5.3', '--json']);
    assert.equal(unreachable.code, 1);
    assert.equal(JSON.parse(unreachable.stdout).error.code, 'trap-not-sent');
  });
});
