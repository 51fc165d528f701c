/**
 * SNMP triggers end to end: real traps over UDP to a real emulator process, sent with net-snmp
 * (core/snmp/sendTrap) and with Debian's `snmptrap` (v1, v2c, v3 authNoPriv / authPriv).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildPackageFile } from '../../src/core/package/packageFile';
import { sendTrap, type SendTrapOptions } from '../../src/core/snmp/sendTrap';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call, waitFor, adminHeaders } from './helpers';

const HANDLE = `description: Receives a trap.
inputs:
  trap:
    type: object
    required: false
  site:
    type: string
    default: hq
outputs:
  got:
    type: any
  siteOut:
    type: string
steps:
  - kind: set
    values:
      got: "= trap"
      siteOut: "= site"
`;
const STRICT = `inputs:
  count:
    type: integer
steps: []
`;

const AUTH_KEY = 'auth-Secret-0001';
const PRIV_KEY = 'priv-Secret-0002';
const AUTH_KEY2 = 'auth-Secret-0003';

async function pkg(name: string, version: number, triggers: unknown[] = []): Promise<Uint8Array> {
  const { bytes } = await buildPackageFile({
    name,
    version,
    createdBy: 'flowgate-tests/0.1.0',
    definitions: [
      { kind: 'flow', id: 'snmp/Handle-Trap', text: HANDLE },
      { kind: 'flow', id: 'snmp/Strict', text: STRICT },
    ],
    triggers,
  });
  return bytes;
}

function snmptrap(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/snmptrap', args, { timeout: 10_000 }, (err, _out, stderr) => (err ? reject(new Error(`snmptrap ${args.join(' ')}: ${stderr || err.message}`)) : resolve()));
  });
}

let uptimeSeq = 100_000;
/** A unique sysUpTime identifies each trap in the records. */
const nextUptime = () => ++uptimeSeq;

describe('SNMP triggers (real traps to a real emulator)', () => {
  let gw: EmulatorProcess;
  const ids: Record<string, string> = {};

  async function trapWith(uptime: number): Promise<any> {
    return waitFor(async () => {
      const r = await call(gw, 'GET', '/api/v1/snmp/traps');
      return r.body.traps.find((t: any) => t.pdu.uptime === uptime);
    }, 10_000, `trap with uptime ${uptime}`);
  }
  const evalOf = (record: any, trigger: string) => {
    const e = record.evaluations.find((x: any) => x.triggerName === trigger);
    assert.ok(e, `no evaluation of ${trigger} in ${JSON.stringify(record.evaluations)}`);
    return e;
  };
  const send = async (o: Omit<SendTrapOptions, 'host' | 'port' | 'uptime'>) => {
    const uptime = nextUptime();
    await sendTrap({ host: '127.0.0.1', port: gw.snmpPort, uptime, ...o });
    return trapWith(uptime);
  };
  const execution = (id: string) =>
    waitFor(async () => {
      const r = await call(gw, 'GET', `/api/v1/executions/${id}`);
      return r.status === 200 && r.body.status !== 'Running' ? r.body : undefined;
    }, 10_000, `execution ${id}`);

  before(async () => {
    gw = await startEmulatorProcess();
    assert.ok(gw.snmpPort > 0);
    assert.equal((await call(gw, 'POST', '/api/v1/packages', await pkg('snmplab', 1))).status, 201);
    assert.equal((await call(gw, 'POST', '/api/v1/packages/snmplab/versions/1/publish')).status, 200);
    // Version 2 carries a trigger in its package file and stays unpublished.
    const v2 = await pkg('snmplab', 2, [
      { name: 'from-file', flow: 'snmp/Handle-Trap', conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c' } },
    ]);
    assert.equal((await call(gw, 'POST', '/api/v1/packages', v2)).status, 201);

    for (const u of [
      { name: 'opsAuth', level: 'authNoPriv', authProtocol: 'sha', authKey: AUTH_KEY },
      { name: 'opsPriv', level: 'authPriv', authProtocol: 'sha256', authKey: AUTH_KEY, privProtocol: 'aes', privKey: PRIV_KEY },
      { name: 'stranger', level: 'authNoPriv', authProtocol: 'md5', authKey: AUTH_KEY2 },
    ]) {
      const r = await call(gw, 'POST', '/api/v1/snmp/users', u);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const triggers = [
      {
        name: 'v2c-range',
        flow: 'snmp/Handle-Trap',
        conditions: { deviceAddress: '127.0.0.1-127.0.0.5', devicePort: '*', trapOid: '1.3.6.1.4.1.8072.2.3.0.1-1.3.6.1.4.1.8072.2.3.0.9', version: 'v2c', community: 'public,private' },
        inputs: { site: 'lab', trap: { overridden: true } },
        pduVariable: 'trap',
      },
      {
        name: 'v1-agent',
        flow: 'snmp/Handle-Trap',
        conditions: { deviceAddress: '127.0.0.0/8', devicePort: '*', trapOid: '1.3.6.1.4.1.8072.2.3.0.17,1.3.6.1.4.1.8072.2.3.0.18', version: 'v1', community: 'public', agentAddress: '10.1.2.0/24' },
        pduVariable: 'trap',
      },
      {
        name: 'v3-users',
        flow: 'snmp/Handle-Trap',
        conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v3', users: ['opsAuth', 'opsPriv'] },
        pduVariable: 'trap',
      },
      {
        name: 'port-list',
        flow: 'snmp/Handle-Trap',
        conditions: { deviceAddress: '127.0.0.7', devicePort: '47001,47010-47020', trapOid: '1.3.6.1.6.3.1.1.5.3', version: 'v2c', community: '*' },
      },
      {
        name: 'disabled',
        flow: 'snmp/Handle-Trap',
        conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c' },
        enabled: false,
      },
    ];
    for (const t of triggers) {
      const r = await call(gw, 'POST', '/api/v1/packages/snmplab/versions/1/triggers', t);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.ok(r.body.id);
      ids[t.name] = r.body.id;
    }
  });
  after(async () => {
    await gw?.stop();
  });

  test('healthz reports the real SNMP port; the package file\'s triggers were taken in with ids', async () => {
    const h = await call(gw, 'GET', '/healthz');
    assert.equal(h.body.snmpPort, gw.snmpPort);
    const r = await call(gw, 'GET', '/api/v1/packages/snmplab/versions/2/triggers');
    assert.equal(r.status, 200);
    assert.equal(r.body.triggers.length, 1);
    assert.equal(r.body.triggers[0].name, 'from-file');
    assert.equal(r.body.triggers[0].enabled, true);
    assert.equal(r.body.triggers[0].conditions.community, '*');
    assert.match(r.body.triggers[0].id, /\S/);
  });

  test('v2c from net-snmp: range/list/CIDR matched, PDU in the flow, failed conditions for the others', async () => {
    const rec = await send({
      version: 'v2c',
      community: 'private',
      trapOid: '1.3.6.1.4.1.8072.2.3.0.1',
      varbinds: [
        { oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'router1' },
        { oid: '1.3.6.1.2.1.2.2.1.1.1', type: 'Integer', value: -5 },
        { oid: '1.3.6.1.2.1.4.20.1.1.1', type: 'IpAddress', value: '10.0.0.1' },
        { oid: '1.3.6.1.2.1.1.2.0', type: 'OID', value: '1.3.6.1.4.1.1' },
        { oid: '1.3.6.1.2.1.2.2.1.10.1', type: 'Counter', value: 12345 },
        { oid: '1.3.6.1.2.1.2.2.1.5.1', type: 'Gauge', value: 7 },
        { oid: '1.3.6.1.2.1.31.1.1.1.6.1', type: 'Counter64', value: '9007199254740993' },
        { oid: '1.3.6.1.4.1.1.1', type: 'OctetString', value: '0xdeadbeef' },
        { oid: '1.3.6.1.4.1.1.2', type: 'TimeTicks', value: 99 },
      ],
    });
    const pdu = rec.pdu;
    assert.equal(pdu.version, 'v2c');
    // Communities are the devices' credentials: the log shows them masked, and whether a trigger lists them.
    assert.equal(pdu.community, '***');
    assert.equal(rec.communityMatched, true);
    assert.ok(!JSON.stringify(rec).includes('private'), 'the community appears in clear in the trap log');
    assert.equal(pdu.source.address, '127.0.0.1');
    assert.ok(pdu.source.port > 0);
    assert.equal(pdu.trapOid, '1.3.6.1.4.1.8072.2.3.0.1');
    assert.deepEqual(pdu.varbinds, [
      { oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'router1' },
      { oid: '1.3.6.1.2.1.2.2.1.1.1', type: 'Integer', value: -5 },
      { oid: '1.3.6.1.2.1.4.20.1.1.1', type: 'IpAddress', value: '10.0.0.1' },
      { oid: '1.3.6.1.2.1.1.2.0', type: 'OID', value: '1.3.6.1.4.1.1' },
      { oid: '1.3.6.1.2.1.2.2.1.10.1', type: 'Counter', value: 12345 },
      { oid: '1.3.6.1.2.1.2.2.1.5.1', type: 'Gauge', value: 7 },
      { oid: '1.3.6.1.2.1.31.1.1.1.6.1', type: 'Counter64', value: '9007199254740993' },
      { oid: '1.3.6.1.4.1.1.1', type: 'OctetString', value: '0xdeadbeef' },
      { oid: '1.3.6.1.4.1.1.2', type: 'TimeTicks', value: 99 },
    ]);
    const m = evalOf(rec, 'v2c-range');
    assert.equal(m.matched, true);
    assert.equal(m.failed, undefined);
    assert.deepEqual(evalOf(rec, 'v1-agent').failed.condition, 'trapOid');
    assert.equal(evalOf(rec, 'v3-users').failed.condition, 'version');
    assert.equal(evalOf(rec, 'port-list').failed.condition, 'deviceAddress');
    assert.match(evalOf(rec, 'port-list').failed.message, /127\.0\.0\.1/);
    assert.equal(evalOf(rec, 'disabled').failed.condition, 'enabled');
    assert.equal(evalOf(rec, 'from-file').failed.condition, 'published');

    const withId = await waitFor(async () => {
      const r = await call(gw, 'GET', '/api/v1/snmp/traps');
      const e = r.body.traps.find((t: any) => t.id === rec.id).evaluations.find((x: any) => x.triggerName === 'v2c-range');
      return e.executionId ? e : undefined;
    }, 10_000, 'executionId');
    const ex = await execution(withId.executionId);
    assert.equal(ex.status, 'Ended');
    assert.deepEqual(ex.initiator, { type: 'trigger', name: 'v2c-range', id: ids['v2c-range'] });
    assert.equal(ex.outputs.siteOut, 'lab');
    // The PDU variable overrides the trigger's static value for `trap`.
    assert.deepEqual(ex.outputs.got, pdu);
  });

  test('v2c from snmptrap: an unknown community is still recorded, failing on community', async () => {
    const uptime = nextUptime();
    await snmptrap(['-v', '2c', '-c', 'nobody-knows', `127.0.0.1:${gw.snmpPort}`, String(uptime), '1.3.6.1.4.1.8072.2.3.0.2', '1.3.6.1.2.1.1.5.0', 's', 'sw9']);
    const rec = await trapWith(uptime);
    assert.equal(rec.pdu.community, '***');
    assert.equal(rec.communityMatched, false);
    assert.ok(!JSON.stringify(rec).includes('nobody-knows'), 'the community appears in clear in the trap log');
    assert.equal(rec.pdu.trapOid, '1.3.6.1.4.1.8072.2.3.0.2');
    assert.deepEqual(rec.pdu.varbinds, [{ oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'sw9' }]);
    const e = evalOf(rec, 'v2c-range');
    assert.equal(e.matched, false);
    assert.equal(e.failed.condition, 'community');
    assert.doesNotMatch(e.failed.message, /nobody-knows|public|private/); // neither the trap's nor the trigger's communities
    assert.ok(rec.evaluations.every((x: any) => x.matched === false));
  });

  test('v2c from snmptrap: OID outside the range, and a source outside the address range', async () => {
    const uptime = nextUptime();
    await snmptrap(['-v', '2c', '-c', 'public', `127.0.0.1:${gw.snmpPort}`, String(uptime), '1.3.6.1.4.1.8072.2.3.0.10']);
    assert.equal(evalOf(await trapWith(uptime), 'v2c-range').failed.condition, 'trapOid');
    const uptime2 = nextUptime();
    await snmptrap(['--clientaddr=127.0.0.9', '-v', '2c', '-c', 'public', `127.0.0.1:${gw.snmpPort}`, String(uptime2), '1.3.6.1.4.1.8072.2.3.0.1']);
    const rec = await trapWith(uptime2);
    assert.equal(rec.pdu.source.address, '127.0.0.9');
    assert.equal(evalOf(rec, 'v2c-range').failed.condition, 'deviceAddress');
  });

  test('device port list and range, from a chosen source address and port', async () => {
    const hit = await send({ version: 'v2c', community: 'anything', trapOid: '1.3.6.1.6.3.1.1.5.3', sourceAddress: '127.0.0.7', sourcePort: 47015 });
    assert.deepEqual(hit.pdu.source, { address: '127.0.0.7', port: 47015 });
    assert.equal(evalOf(hit, 'port-list').matched, true);
    const uptime = nextUptime();
    await snmptrap(['--clientaddr=127.0.0.7:47005', '--clientaddrUsesPort=yes', '-v', '2c', '-c', 'public', `127.0.0.1:${gw.snmpPort}`, String(uptime), '1.3.6.1.6.3.1.1.5.3']);
    const miss = await trapWith(uptime);
    assert.equal(miss.pdu.source.port, 47005);
    assert.equal(evalOf(miss, 'port-list').failed.condition, 'devicePort');
    assert.match(evalOf(miss, 'port-list').failed.message, /47005/);
  });

  test('v1 from snmptrap: enterprise, agent address, generic/specific, trap OID per RFC 3584', async () => {
    const uptime = nextUptime();
    await snmptrap(['-v', '1', '-c', 'public', `127.0.0.1:${gw.snmpPort}`, '1.3.6.1.4.1.8072.2.3', '10.1.2.3', '6', '17', String(uptime), '1.3.6.1.2.1.1.5.0', 's', 'router1', '1.3.6.1.2.1.2.2.1.1.1', 'i', '5']);
    const rec = await trapWith(uptime);
    assert.deepEqual(
      { ...rec.pdu, source: { address: rec.pdu.source.address } },
      {
        version: 'v1',
        community: '***', // masked in the log
        source: { address: '127.0.0.1' },
        agentAddress: '10.1.2.3',
        enterprise: '1.3.6.1.4.1.8072.2.3',
        genericTrap: 6,
        specificTrap: 17,
        trapOid: '1.3.6.1.4.1.8072.2.3.0.17',
        uptime,
        varbinds: [
          { oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'router1' },
          { oid: '1.3.6.1.2.1.2.2.1.1.1', type: 'Integer', value: 5 },
        ],
      },
    );
    assert.equal(evalOf(rec, 'v1-agent').matched, true);
    assert.equal(evalOf(rec, 'v2c-range').failed.condition, 'trapOid');

    // A generic trap (linkDown) and an agent outside the subnet.
    const u2 = nextUptime();
    await snmptrap(['-v', '1', '-c', 'public', `127.0.0.1:${gw.snmpPort}`, '1.3.6.1.4.1.8072.2.3', '10.9.9.9', '2', '0', String(u2)]);
    const gen = await trapWith(u2);
    assert.equal(gen.pdu.trapOid, '1.3.6.1.6.3.1.1.5.3');
    assert.equal(gen.pdu.genericTrap, 2);
    assert.equal(evalOf(gen, 'v1-agent').failed.condition, 'trapOid');
    const u3 = nextUptime();
    await snmptrap(['-v', '1', '-c', 'public', `127.0.0.1:${gw.snmpPort}`, '1.3.6.1.4.1.8072.2.3', '10.9.9.9', '6', '18', String(u3)]);
    const agentMiss = await trapWith(u3);
    assert.equal(evalOf(agentMiss, 'v1-agent').failed.condition, 'agentAddress');
    assert.match(evalOf(agentMiss, 'v1-agent').failed.message, /10\.9\.9\.9/);
  });

  test('v1 from net-snmp: the trap OID round-trips through enterprise/specific; the flow gets the PDU', async () => {
    const rec = await send({ version: 'v1', community: 'public', trapOid: '1.3.6.1.4.1.8072.2.3.0.18', agentAddress: '10.1.2.200' });
    assert.equal(rec.pdu.enterprise, '1.3.6.1.4.1.8072.2.3');
    assert.equal(rec.pdu.specificTrap, 18);
    assert.equal(rec.pdu.trapOid, '1.3.6.1.4.1.8072.2.3.0.18');
    assert.equal(rec.pdu.agentAddress, '10.1.2.200');
    const e = await waitFor(async () => {
      const r = await call(gw, 'GET', '/api/v1/snmp/traps');
      const x = r.body.traps.find((t: any) => t.id === rec.id).evaluations.find((y: any) => y.triggerName === 'v1-agent');
      return x.executionId ? x : undefined;
    }, 10_000, 'v1 execution');
    const ex = await execution(e.executionId);
    assert.equal(ex.outputs.got.agentAddress, '10.1.2.200');
    assert.equal(ex.outputs.siteOut, 'hq');
  });

  test('v3 from snmptrap: authNoPriv and authPriv users match; another user fails on users', async () => {
    const u1 = nextUptime();
    await snmptrap(['-v', '3', '-u', 'opsAuth', '-l', 'authNoPriv', '-a', 'SHA', '-A', AUTH_KEY, `127.0.0.1:${gw.snmpPort}`, String(u1), '1.3.6.1.4.1.8072.2.3.0.5', '1.3.6.1.2.1.1.5.0', 's', 'v3box']);
    const a = await trapWith(u1);
    assert.equal(a.pdu.version, 'v3');
    assert.equal(a.pdu.user, 'opsAuth');
    assert.equal(a.pdu.community, undefined);
    assert.deepEqual(a.pdu.varbinds, [{ oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'v3box' }]);
    assert.equal(evalOf(a, 'v3-users').matched, true);

    const u2 = nextUptime();
    await snmptrap(['-v', '3', '-u', 'opsPriv', '-l', 'authPriv', '-a', 'SHA-256', '-A', AUTH_KEY, '-x', 'AES', '-X', PRIV_KEY, `127.0.0.1:${gw.snmpPort}`, String(u2), '1.3.6.1.4.1.8072.2.3.0.6']);
    const b = await trapWith(u2);
    assert.equal(b.pdu.user, 'opsPriv');
    assert.equal(evalOf(b, 'v3-users').matched, true);

    const u3 = nextUptime();
    await snmptrap(['-v', '3', '-u', 'stranger', '-l', 'authNoPriv', '-a', 'MD5', '-A', AUTH_KEY2, `127.0.0.1:${gw.snmpPort}`, String(u3), '1.3.6.1.4.1.8072.2.3.0.6']);
    const c = await trapWith(u3);
    assert.equal(evalOf(c, 'v3-users').failed.condition, 'users');
    assert.match(evalOf(c, 'v3-users').failed.message, /stranger/);
  });

  test('v3 from net-snmp (authPriv) matches; wrong keys are refused and never recorded', async () => {
    const bad = nextUptime();
    await sendTrap({ host: '127.0.0.1', port: gw.snmpPort, uptime: bad, version: 'v3', trapOid: '1.3.6.1.4.1.8072.2.3.0.7', user: { name: 'opsPriv', level: 'authPriv', authProtocol: 'sha256', authKey: 'wrong-key-123', privProtocol: 'aes', privKey: PRIV_KEY } });
    const rec = await send({ version: 'v3', trapOid: '1.3.6.1.4.1.8072.2.3.0.7', user: { name: 'opsPriv', level: 'authPriv', authProtocol: 'sha256', authKey: AUTH_KEY, privProtocol: 'aes', privKey: PRIV_KEY } });
    assert.equal(rec.pdu.user, 'opsPriv');
    assert.equal(evalOf(rec, 'v3-users').matched, true);
    const all = await call(gw, 'GET', '/api/v1/snmp/traps');
    assert.equal(all.body.traps.filter((t: any) => t.pdu.uptime === bad).length, 0);
  });

  test('evaluate: a described trap gets evaluations and starts nothing', async () => {
    const before = await call(gw, 'GET', '/api/v1/snmp/traps');
    const execsBefore = (await call(gw, 'GET', '/api/v1/executions')).body;
    const r = await call(gw, 'POST', '/api/v1/snmp/evaluate', {
      version: 'v1',
      community: 'public',
      source: { address: '127.0.0.2', port: 5000 },
      agentAddress: '10.1.2.9',
      enterprise: '1.3.6.1.4.1.8072.2.3',
      genericTrap: 6,
      specificTrap: 17,
      trapOid: '1.3.6.1.4.1.8072.2.3.0.17',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const v1 = r.body.evaluations.find((e: any) => e.triggerName === 'v1-agent');
    assert.equal(v1.matched, true);
    assert.equal(v1.executionId, undefined);
    assert.equal(r.body.evaluations.find((e: any) => e.triggerName === 'v2c-range').failed.condition, 'trapOid');
    const after = await call(gw, 'GET', '/api/v1/snmp/traps');
    assert.equal(after.body.traps.length, before.body.traps.length);
    const execsAfter = (await call(gw, 'GET', '/api/v1/executions')).body;
    assert.equal(JSON.stringify(execsAfter).match(/"id"/g)?.length ?? 0, JSON.stringify(execsBefore).match(/"id"/g)?.length ?? 0);

    const bad = await call(gw, 'POST', '/api/v1/snmp/evaluate', { version: 'v4', source: { address: 'x', port: 0 }, trapOid: '1.3.x' });
    assert.equal(bad.status, 400);
    const fields = bad.body.error.details.map((d: any) => d.field);
    assert.deepEqual(fields.sort(), ['source.address', 'source.port', 'trapOid', 'version']);
  });

  test('users: CRUD, and keys are never answered or logged', async () => {
    const list = await call(gw, 'GET', '/api/v1/snmp/users');
    assert.deepEqual(list.body.users.map((u: any) => u.name), ['opsAuth', 'opsPriv', 'stranger']);
    assert.deepEqual(list.body.users[1], { name: 'opsPriv', level: 'authPriv', authProtocol: 'sha256', privProtocol: 'aes' });
    const one = await call(gw, 'GET', '/api/v1/snmp/users/opsAuth');
    assert.deepEqual(one.body, { name: 'opsAuth', level: 'authNoPriv', authProtocol: 'sha' });
    const dup = await call(gw, 'POST', '/api/v1/snmp/users', { name: 'opsAuth', level: 'authNoPriv', authProtocol: 'sha', authKey: AUTH_KEY });
    assert.equal(dup.status, 409);
    const created = await call(gw, 'PUT', '/api/v1/snmp/users/temp', { level: 'authPriv', authProtocol: 'sha512', authKey: 'temp-auth-key-1', privProtocol: 'aes256b', privKey: 'temp-priv-key-1' });
    assert.equal(created.status, 201);
    // Replacing without keys keeps them when the protocols stay.
    const replaced = await call(gw, 'PUT', '/api/v1/snmp/users/temp', { level: 'authPriv', authProtocol: 'sha512', privProtocol: 'aes256b' });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    const invalid = await call(gw, 'PUT', '/api/v1/snmp/users/temp', { level: 'authPriv', authProtocol: 'sha1', authKey: 'short', privProtocol: 'aes' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body.error.details.map((d: any) => d.field).sort(), ['authKey', 'authProtocol', 'privKey']);
    assert.equal((await call(gw, 'DELETE', '/api/v1/snmp/users/temp')).status, 204);
    assert.equal((await call(gw, 'GET', '/api/v1/snmp/users/temp')).status, 404);
    assert.equal((await call(gw, 'DELETE', '/api/v1/snmp/users/temp')).status, 404);

    const everything = [list, one, dup, created, replaced, invalid, await call(gw, 'GET', '/api/v1/snmp/traps'), await call(gw, 'GET', '/api/openapi.json')]
      .map((r) => JSON.stringify(r.body))
      .join('\n');
    for (const key of [AUTH_KEY, PRIV_KEY, AUTH_KEY2, 'temp-auth-key-1', 'temp-priv-key-1']) {
      assert.ok(!everything.includes(key), `a response holds key ${key}`);
      assert.ok(!gw.output().includes(key), `the emulator log holds key ${key}`);
    }
    // The version's package file holds no keys either.
    const file = await fetch(`${gw.url}/api/v1/packages/snmplab/versions/1/file`, { headers: await adminHeaders(gw) });
    const bytes = Buffer.from(await file.arrayBuffer()).toString('latin1');
    assert.ok(!bytes.includes(AUTH_KEY) && !bytes.includes(PRIV_KEY));
  });

  test('triggers: invalid conditions are refused naming each field; get, replace, delete', async () => {
    const base = '/api/v1/packages/snmplab/versions/1/triggers';
    const bad = await call(gw, 'POST', base, {
      name: 'bad',
      flow: 'snmp/Handle-Trap',
      conditions: { deviceAddress: '10.0.0.9-10.0.0.1', devicePort: '70000', trapOid: '1.3.6.x', version: 'v3', users: ['nobody'], community: 'public' },
      pduVariable: 'site',
      inputs: { nope: 1 },
    });
    assert.equal(bad.status, 400);
    const byField = Object.fromEntries(bad.body.error.details.map((d: any) => [d.field, d.message]));
    assert.equal(byField['conditions.deviceAddress'], "'10.0.0.9-10.0.0.1' is a range whose start is after its end");
    assert.match(byField['conditions.devicePort'], /70000/);
    assert.match(byField['conditions.trapOid'], /1\.3\.6\.x/);
    assert.match(byField['conditions.users[0]'], /nobody/);
    assert.match(byField['conditions.community'], /v1 and v2c/);
    assert.match(byField['pduVariable'], /string/);
    assert.match(byField['inputs.nope'], /unknown input 'nope' \(flow 'snmp\/Handle-Trap' declares trap, site\)/);
    const cidr = await call(gw, 'POST', base, { name: 'c', flow: 'snmp/Handle-Trap', conditions: { deviceAddress: '10.0.0.0/33', devicePort: '*', trapOid: '*', version: 'v2c' } });
    assert.equal(cidr.status, 400);
    assert.equal(cidr.body.error.details[0].field, 'conditions.deviceAddress');
    const noFlow = await call(gw, 'POST', base, { name: 'f', flow: 'snmp/Nope', conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c' } });
    assert.equal(noFlow.body.error.details[0].field, 'flow');
    const missing = await call(gw, 'POST', base, { name: 'm', flow: 'snmp/Strict', conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c' } });
    assert.equal(missing.body.error.details[0].field, 'inputs.count');

    const id = ids['port-list'];
    const got = await call(gw, 'GET', `${base}/${id}`);
    assert.equal(got.body.name, 'port-list');
    const put = await call(gw, 'PUT', `${base}/${id}`, { ...got.body, conditions: { ...got.body.conditions, devicePort: '1-0' } });
    assert.equal(put.status, 400);
    assert.equal(put.body.error.details[0].field, 'conditions.devicePort');
    const ok = await call(gw, 'PUT', `${base}/${id}`, { ...got.body, description: 'changed' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.description, 'changed');
    assert.equal(ok.body.id, id);
    const tmp = await call(gw, 'POST', base, { name: 'temp', flow: 'snmp/Handle-Trap', conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v1' } });
    assert.equal(tmp.body.conditions.agentAddress, '*');
    assert.equal((await call(gw, 'DELETE', `${base}/${tmp.body.id}`)).status, 204);
    assert.equal((await call(gw, 'GET', `${base}/${tmp.body.id}`)).status, 404);
    assert.equal((await call(gw, 'GET', '/api/v1/packages/snmplab/versions/9/triggers')).status, 404);
  });

  test('upload: invalid manifest triggers are refused naming manifest.triggers[i]', async () => {
    const bytes = await pkg('snmpbad', 1, [
      { name: 'ok', flow: 'snmp/Handle-Trap', conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c' } },
      { name: 'bad', flow: 'snmp/Handle-Trap', conditions: { deviceAddress: '*', devicePort: '*', trapOid: '1.3..6', version: 'v2c' } },
    ]);
    const r = await call(gw, 'POST', '/api/v1/packages', bytes);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.details[0].field, 'manifest.triggers[1].conditions.trapOid');
    assert.equal((await call(gw, 'GET', '/api/v1/packages/snmpbad')).status, 404);
  });
});

describe('SNMP triggers: a trap for a flow whose inputs fail', () => {
  test('records the error on the evaluation and keeps running', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-snmp-test-'));
    let gw = await startEmulatorProcess({ dataDir });
    try {
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await pkg('broken', 1))).status, 201);
      assert.equal((await call(gw, 'POST', '/api/v1/packages/broken/versions/1/publish')).status, 200);
      await gw.stop();
    } catch (err) {
      await gw.kill();
      throw err;
    }
    // A stored trigger the API would refuse (an integer input given as text), as an old or
    // hand-edited store may hold.
    const file = path.join(dataDir, 'store.json');
    const store = JSON.parse(readFileSync(file, 'utf8'));
    store.packages.broken.versions['1'].triggers = [
      { id: 't1', name: 'strict', flow: 'snmp/Strict', enabled: true, inputs: { count: 'many' }, conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c', community: '*' } },
    ];
    writeFileSync(file, JSON.stringify(store));
    gw = await startEmulatorProcess({ dataDir });
    try {
      const uptime = nextUptime();
      await sendTrap({ host: '127.0.0.1', port: gw.snmpPort, version: 'v2c', trapOid: '1.3.6.1.4.1.8072.2.3.0.1', uptime });
      const e = await waitFor(async () => {
        const r = await call(gw, 'GET', '/api/v1/snmp/traps');
        const ev = r.body.traps.find((t: any) => t.pdu.uptime === uptime)?.evaluations[0];
        return ev?.error ? ev : undefined;
      }, 10_000, 'evaluation error');
      assert.equal(e.matched, true);
      assert.match(e.error, /count/);
      assert.equal(e.executionId, undefined);
      assert.equal((await call(gw, 'GET', '/healthz')).status, 200);
    } finally {
      await gw.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
