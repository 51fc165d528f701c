/** Trigger conditions: parsing, matching edge cases, first failing condition, spec validation; PDU normalisation. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrapPdu, Trigger } from '../../src/core/model/trigger';
import { normalizeNotification, trapOidToV1, v1TrapOid } from '../../src/core/snmp/pdu';
import { parseVarbindArg } from '../../src/core/snmp/sendTrap';
import {
  compareOids,
  matchAddress,
  matchNumber,
  matchOid,
  parseAddressCondition,
  parseCommunityCondition,
  parseOidCondition,
  parsePortCondition,
} from '../../src/core/triggers/conditions';
import { compileConditions, describeMatch, evaluateTrigger, isCurrent, matchCompiled, MATCHED, prepareTrap } from '../../src/core/triggers/evaluate';
import { validateTriggerSpec } from '../../src/core/triggers/validate';
import { withoutSchedulesAndTriggers } from '../support/sampleDraft';

const ok = <T>(p: { ok: boolean; value?: T; message?: string }): T => {
  assert.ok(p.ok, p.message);
  return p.value as T;
};
const msg = (p: { ok: boolean; message?: string }) => {
  assert.equal(p.ok, false);
  return p.message!;
};

describe('address conditions', () => {
  test('address, list, range, CIDR, * and mixes', () => {
    const c = ok(parseAddressCondition('10.0.0.1, 192.168.1.10-192.168.1.20,172.16.0.0/12'));
    for (const a of ['10.0.0.1', '192.168.1.10', '192.168.1.20', '172.16.0.0', '172.31.255.255']) assert.ok(matchAddress(c, a), a);
    for (const a of ['10.0.0.2', '192.168.1.21', '172.32.0.0', 'not-an-ip', undefined]) assert.ok(!matchAddress(c, a as string), String(a));
    assert.ok(matchAddress(c, '::ffff:10.0.0.1'));
    assert.equal(ok(parseAddressCondition('*')), null);
    assert.equal(ok(parseAddressCondition('10.0.0.1,*')), null);
    assert.ok(matchAddress(ok(parseAddressCondition('0.0.0.0/0')), '255.255.255.255'));
    assert.ok(matchAddress(ok(parseAddressCondition('10.0.0.5/32')), '10.0.0.5'));
  });
  test('refusals name the problem', () => {
    assert.equal(msg(parseAddressCondition('10.0.0.9-10.0.0.1')), "'10.0.0.9-10.0.0.1' is a range whose start is after its end");
    assert.match(msg(parseAddressCondition('10.0.0.0/33')), /prefix length/);
    assert.match(msg(parseAddressCondition('10.0.0.1/8')), /host bits.*10\.0\.0\.0\/8/);
    assert.match(msg(parseAddressCondition('256.1.1.1')), /not an IPv4/);
    assert.match(msg(parseAddressCondition('010.1.1.1')), /not an IPv4/);
    assert.match(msg(parseAddressCondition('10.0.0.1,,10.0.0.2')), /empty item/);
    assert.match(msg(parseAddressCondition('')), /must not be empty/);
    assert.match(msg(parseAddressCondition(42)), /must be a string/);
  });
});

describe('port and community conditions', () => {
  test('ports', () => {
    const c = ok(parsePortCondition('162, 1000-2000'));
    assert.ok(matchNumber(c, 162) && matchNumber(c, 1000) && matchNumber(c, 2000));
    assert.ok(!matchNumber(c, 163) && !matchNumber(c, 2001) && !matchNumber(c, undefined));
    assert.match(msg(parsePortCondition('0')), /1 to 65535/);
    assert.match(msg(parsePortCondition('65536')), /1 to 65535/);
    assert.match(msg(parsePortCondition('200-100')), /start is after its end/);
    assert.match(msg(parsePortCondition('abc')), /not a port/);
  });
  test('communities', () => {
    const c = ok(parseCommunityCondition('public, private'));
    assert.ok(c!.has('public') && c!.has('private') && !c!.has('Public'));
    assert.equal(ok(parseCommunityCondition('*')), null);
    assert.match(msg(parseCommunityCondition('a,')), /empty item/);
  });
});

describe('OID conditions', () => {
  test('component-wise order, not text order', () => {
    assert.ok(compareOids([1, 3, 6, 1, 4, 1, 9], [1, 3, 6, 1, 4, 1, 10]) < 0);
    assert.ok(compareOids([1, 3, 6, 1, 4, 1, 9], [1, 3, 6, 1, 4, 1, 9, 1]) < 0);
    const r = ok(parseOidCondition('1.3.6.1.4.1.9-1.3.6.1.4.1.10'));
    assert.ok(matchOid(r, '1.3.6.1.4.1.9'));
    assert.ok(matchOid(r, '1.3.6.1.4.1.9.1.5'));
    assert.ok(matchOid(r, '1.3.6.1.4.1.10'));
    assert.ok(!matchOid(r, '1.3.6.1.4.1.10.1'));
    assert.ok(!matchOid(r, '1.3.6.1.4.1.8.99'));
    assert.ok(!matchOid(r, '1.3.6.1.4.1.100'));
  });
  test('single OIDs match exactly; a leading dot is accepted; lists', () => {
    const c = ok(parseOidCondition('.1.3.6.1.6.3.1.1.5.3, 1.3.6.1.6.3.1.1.5.4'));
    assert.ok(matchOid(c, '1.3.6.1.6.3.1.1.5.3') && matchOid(c, '1.3.6.1.6.3.1.1.5.4'));
    assert.ok(!matchOid(c, '1.3.6.1.6.3.1.1.5.3.1') && !matchOid(c, '1.3.6.1.6.3.1.1.5'));
    assert.ok(!matchOid(c, undefined));
  });
  test('malformed OIDs and reversed ranges are refused', () => {
    assert.match(msg(parseOidCondition('1.3.6.x')), /not an OID/);
    assert.match(msg(parseOidCondition('1')), /not an OID/);
    assert.match(msg(parseOidCondition('3.1.2')), /first component/);
    assert.match(msg(parseOidCondition('1.3.6..1')), /not an OID/);
    assert.match(msg(parseOidCondition('1.3.6.1.4294967296')), /exceeds/);
    assert.match(msg(parseOidCondition('1.3.6.2-1.3.6.1.9')), /start is after its end/);
  });
});

describe('evaluateTrigger: the first failing condition, in order', () => {
  const trigger = (c: Partial<Trigger['conditions']>): Trigger => ({
    id: 't',
    name: 't',
    flow: 'f',
    inputs: {},
    enabled: true,
    conditions: { deviceAddress: '10.0.0.0/24', devicePort: '162', trapOid: '1.3.6.1.6.3.1.1.5.3', version: 'v1', community: 'public', agentAddress: '10.9.0.1', ...c },
  });
  const pdu: TrapPdu = {
    version: 'v1',
    community: 'public',
    source: { address: '10.0.0.7', port: 162 },
    agentAddress: '10.9.0.1',
    enterprise: '1.3.6.1.4.1.9',
    genericTrap: 2,
    specificTrap: 0,
    trapOid: '1.3.6.1.6.3.1.1.5.3',
    uptime: 1,
    varbinds: [],
  };
  test('matches when every condition holds', () => {
    assert.deepEqual(evaluateTrigger(trigger({}), pdu), { matched: true });
  });
  test('order: deviceAddress, devicePort, trapOid, version, community, agentAddress, users', () => {
    const everythingWrong: TrapPdu = { ...pdu, source: { address: '11.0.0.1', port: 9 }, trapOid: '1.3.6.1.6.3.1.1.5.4', community: 'x', agentAddress: '1.1.1.1' };
    assert.equal(evaluateTrigger(trigger({}), everythingWrong).failed!.condition, 'deviceAddress');
    assert.equal(evaluateTrigger(trigger({}), { ...everythingWrong, source: pdu.source }).failed!.condition, 'trapOid');
    assert.equal(evaluateTrigger(trigger({}), { ...everythingWrong, source: { address: '10.0.0.7', port: 9 } }).failed!.condition, 'devicePort');
    assert.equal(evaluateTrigger(trigger({}), { ...pdu, version: 'v2c' }).failed!.condition, 'version');
    assert.equal(evaluateTrigger(trigger({}), { ...pdu, community: 'x', agentAddress: '1.1.1.1' }).failed!.condition, 'community');
    const agent = evaluateTrigger(trigger({}), { ...pdu, agentAddress: '1.1.1.1' });
    assert.deepEqual(agent, { matched: false, failed: { condition: 'agentAddress', message: "agent address '1.1.1.1' is not in '10.9.0.1'" } });
    const v3 = trigger({ version: 'v3', users: ['a', 'b'], community: undefined, agentAddress: undefined });
    assert.equal(evaluateTrigger(v3, { ...pdu, version: 'v3', user: 'b' }).matched, true);
    assert.equal(evaluateTrigger(v3, { ...pdu, version: 'v3', user: 'c' }).failed!.condition, 'users');
  });
  test('a stored invalid condition fails with its reason instead of throwing', () => {
    const r = evaluateTrigger(trigger({ devicePort: '99999' }), pdu);
    assert.equal(r.failed!.condition, 'devicePort');
    assert.match(r.failed!.message, /invalid/);
  });
  test('community and agent address default to *', () => {
    assert.equal(evaluateTrigger(trigger({ community: undefined, agentAddress: undefined }), { ...pdu, community: 'zzz', agentAddress: '8.8.8.8' }).matched, true);
  });
});

describe('compiled matching (many triggers)', () => {
  const conditions = (c: Partial<Trigger['conditions']>): Trigger['conditions'] => ({
    deviceAddress: '10.0.0.0/24',
    devicePort: '162',
    trapOid: '1.3.6.1.6.3.1.1.5.3',
    version: 'v1',
    community: 'public',
    agentAddress: '10.9.0.1',
    ...c,
  });
  const pdu: TrapPdu = {
    version: 'v1',
    community: 'public',
    source: { address: '::ffff:10.0.0.7', port: 162 },
    agentAddress: '10.9.0.1',
    trapOid: '1.3.6.1.6.3.1.1.5.3',
    uptime: 1,
    varbinds: [],
  };
  test('compile once, prepare the trap once: the same results and messages as evaluateTrigger', () => {
    const cases: [Partial<Trigger['conditions']>, Partial<TrapPdu>][] = [
      [{}, {}],
      [{}, { source: { address: '11.0.0.1', port: 162 } }],
      [{}, { source: { address: '10.0.0.7', port: 9 } }],
      [{ trapOid: '1.3.6.1.6.3.1.1.5.1-1.3.6.1.6.3.1.1.5.9' }, { trapOid: '1.3.6.1.6.3.1.1.5.10' }],
      [{}, { trapOid: 'not-an-oid' }],
      [{ trapOid: '*' }, { trapOid: 'not-an-oid' }],
      [{}, { version: 'v2c' }],
      [{}, { community: 'private' }],
      [{}, { agentAddress: '1.1.1.1' }],
      [{ devicePort: '99999' }, {}],
      [{ version: 'v4' as never }, {}],
      [{ community: 'a,,b' }, {}],
      [{ version: 'v3', users: ['u1'], community: undefined, agentAddress: undefined }, { version: 'v3', user: 'u2' }],
      [{ version: 'v3', users: ['u1'], community: undefined, agentAddress: undefined }, { version: 'v3', user: 'u1' }],
    ];
    for (const [c, p] of cases) {
      const trap = { ...pdu, ...p };
      const k = compileConditions(conditions(c));
      const code = matchCompiled(k, prepareTrap(trap));
      assert.deepEqual(describeMatch(k, trap, code), evaluateTrigger({ conditions: conditions(c) }, trap), JSON.stringify([c, p]));
      assert.equal(code === MATCHED, evaluateTrigger({ conditions: conditions(c) }, trap).matched);
    }
  });
  test('isCurrent: a compiled matcher is stale once a condition changes (also in place)', () => {
    const c = conditions({ version: 'v3', users: ['u1'] });
    const k = compileConditions(c);
    assert.equal(isCurrent(k, c), true);
    assert.equal(isCurrent(k, { ...c }), true);
    c.users!.push('u2');
    assert.equal(isCurrent(k, c), false);
    assert.equal(isCurrent(k, { ...c, users: ['u1'], trapOid: '1.3.6.1.6.3.1.1.5.4' }), false);
    // The snapshot still describes what it was compiled from.
    assert.match(describeMatch(k, { ...pdu, version: 'v3', user: 'x' }, 6).failed!.message, /^user 'x' is not one of 'u1'$/);
  });
});

describe('validateTriggerSpec', () => {
  const flow = { id: 'f', name: 'f', inputs: { trap: { type: 'object', required: false }, n: { type: 'integer', required: true }, s: { type: 'string', required: false, default: 'x' } }, outputs: {} };
  const good = { name: 'x', flow: 'f', conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c' }, inputs: { n: 1 }, pduVariable: 'trap' };
  test('a good spec has no errors', () => {
    assert.deepEqual(validateTriggerSpec(good, flow), []);
  });
  test('each bad field is named', () => {
    const errs = validateTriggerSpec(
      { name: '', flow: 'f', extra: 1, conditions: { deviceAddress: '10.0.0.9-10.0.0.1', devicePort: '*', trapOid: '1.3', version: 'v1', agentAddress: '1.2.3.4/8', users: ['u'] }, inputs: { n: 'one', zz: 1 }, pduVariable: 's', enabled: 'yes' },
      flow,
    );
    const fields = errs.map((e) => e.field).sort();
    assert.deepEqual(fields, ['conditions.agentAddress', 'conditions.deviceAddress', 'conditions.users', 'enabled', 'extra', 'inputs.n', 'inputs.zz', 'name', 'pduVariable'].sort());
    assert.equal(errs.find((e) => e.field === 'conditions.deviceAddress')!.message, "'10.0.0.9-10.0.0.1' is a range whose start is after its end");
  });
  test('flow unknown, required inputs, v3 users', () => {
    assert.equal(validateTriggerSpec(good, null)[0].field, 'flow');
    assert.equal(validateTriggerSpec({ ...good, inputs: {} }, flow)[0].field, 'inputs.n');
    const v3 = { ...good, conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v3' } };
    assert.equal(validateTriggerSpec(v3, flow)[0].field, 'conditions.users');
    const named = { ...good, conditions: { ...v3.conditions, users: ['a', 'b'] } };
    assert.deepEqual(validateTriggerSpec(named, flow, { knownUsers: ['a'] }).map((e) => e.field), ['conditions.users[1]']);
    assert.deepEqual(validateTriggerSpec(named, flow), []);
    assert.equal(validateTriggerSpec('nope')[0].field, 'trigger');
  });
});

describe('PDU normalisation and RFC 3584', () => {
  test('v1 trap OIDs both ways', () => {
    assert.equal(v1TrapOid('1.3.6.1.4.1.9', 6, 17), '1.3.6.1.4.1.9.0.17');
    assert.equal(v1TrapOid('1.3.6.1.4.1.9', 0, 0), '1.3.6.1.6.3.1.1.5.1');
    assert.equal(v1TrapOid('1.3.6.1.4.1.9', 5, 0), '1.3.6.1.6.3.1.1.5.6');
    assert.deepEqual(trapOidToV1('1.3.6.1.4.1.9.0.17'), { enterprise: '1.3.6.1.4.1.9', generic: 6, specific: 17 });
    assert.deepEqual(trapOidToV1('1.3.6.1.4.1.9.17'), { enterprise: '1.3.6.1.4.1.9', generic: 6, specific: 17 });
    assert.deepEqual(trapOidToV1('1.3.6.1.6.3.1.1.5.3'), { enterprise: '1.3.6.1.6.3.1.1.5', generic: 2, specific: 0 });
  });
  test('v2c notification: sysUpTime and snmpTrapOID lifted out, values normalised', () => {
    const pdu = normalizeNotification({
      pdu: {
        type: 167,
        community: 'public',
        varbinds: [
          { oid: '1.3.6.1.2.1.1.3.0', type: 67, value: 500 },
          { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: '1.3.6.1.4.1.9.0.1' },
          { oid: '1.3.6.1.2.1.1.5.0', type: 4, value: Buffer.from('r1') },
          { oid: '1.3.6.1.4.1.9.1', type: 4, value: Buffer.from([0, 1, 255]) },
          { oid: '1.3.6.1.4.1.9.2', type: 70, value: Buffer.from([1, 0]) },
          { oid: '1.3.6.1.4.1.9.3', type: 5, value: null },
        ],
      },
      rinfo: { address: '::ffff:10.0.0.1', port: 4000 },
    });
    assert.deepEqual(pdu, {
      version: 'v2c',
      community: 'public',
      source: { address: '10.0.0.1', port: 4000 },
      trapOid: '1.3.6.1.4.1.9.0.1',
      uptime: 500,
      varbinds: [
        { oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'r1' },
        { oid: '1.3.6.1.4.1.9.1', type: 'OctetString', value: '0x0001ff' },
        { oid: '1.3.6.1.4.1.9.2', type: 'Counter64', value: 256 },
        { oid: '1.3.6.1.4.1.9.3', type: 'Null', value: null },
      ],
    });
    const trapOidVarbind = { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: '1.3.6.1.4.1.9.0.1' };
    assert.equal(normalizeNotification({ pdu: { type: 167, user: 'u', varbinds: [trapOidVarbind] }, rinfo: { address: '1.2.3.4', port: 1 } }).version, 'v3');
    // A v2c/v3 notification without snmpTrapOID.0 is not a trap: refused, never recorded with an empty OID.
    assert.throws(() => normalizeNotification({ pdu: { type: 167, user: 'u', varbinds: [] }, rinfo: { address: '1.2.3.4', port: 1 } }), /snmpTrapOID/);
  });
  test('varbind arguments as snmptrap takes them', () => {
    assert.deepEqual(parseVarbindArg('1.3.6.1.2.1.1.5.0=s:router=1'), { oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'router=1' });
    assert.deepEqual(parseVarbindArg('1.3.6.1.2.1.2.2.1.1.1=i:-5'), { oid: '1.3.6.1.2.1.2.2.1.1.1', type: 'Integer', value: -5 });
    assert.deepEqual(parseVarbindArg('1.3.6.1.4.1.1=x:de ad'), { oid: '1.3.6.1.4.1.1', type: 'OctetString', value: '0xdead' });
    assert.throws(() => parseVarbindArg('1.3.6=q:1'), /unknown type letter/);
    assert.throws(() => parseVarbindArg('1.3.6=a:300.1.1.1'), /IPv4/);
    assert.throws(() => parseVarbindArg('nothing'), /OID=TYPE:VALUE/);
  });
});

describe('package drafts: triggers checked by validatePackage', () => {
  test('bad conditions, a flow not in the package and wrong inputs are errors at the trigger', async () => {
    const { cp, mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { validatePackage } = await import('../../src/core/validate/validate');
    const { directorySource, loadWorkspace } = await import('../../src/core/workspace/workspace');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'flowgate-triggers-'));
    try {
      await cp(path.resolve(__dirname, '../../examples'), dir, { recursive: true });
      const draftFile = path.join(dir, 'packages', 'network-ops.package.yaml');
      const text = await readFile(draftFile, 'utf8');
      await writeFile(
        draftFile,
        `${withoutSchedulesAndTriggers(text).trimEnd()}\ntriggers:\n` +
          `  - name: good\n    flow: network/core/Restart-Service\n    conditions: { deviceAddress: "10.0.0.0/8", devicePort: "*", trapOid: "1.3.6.1.6.3.1.1.5.3", version: v2c }\n    inputs: { device: r1, service: ssh }\n` +
          `  - name: bad\n    flow: network/core/Restart-Service\n    conditions: { deviceAddress: "10.0.0.9-10.0.0.1", devicePort: "*", trapOid: "1.3.x", version: v2c }\n    inputs: { device: 5, service: ssh }\n` +
          `  - name: elsewhere\n    flow: network/Nope\n    conditions: { deviceAddress: "*", devicePort: "*", trapOid: "*", version: v2c }\n`,
      );
      const ws = await loadWorkspace(directorySource(dir));
      const result = validatePackage(ws, 'network-ops');
      const trig = result.diagnostics.filter((d) => d.code === 'invalid-trigger' || d.code === 'trigger-flow-not-in-package');
      const messages = trig.map((d) => d.message).sort();
      assert.deepEqual(messages, [
        "trigger 'bad': conditions.deviceAddress: '10.0.0.9-10.0.0.1' is a range whose start is after its end",
        "trigger 'bad': conditions.trapOid: '1.3.x' is not an OID (dotted numbers such as 1.3.6.1.6.3.1.1.5.3)",
        "trigger 'bad': inputs.device: input 'device' must be of type string, got integer",
        "trigger 'elsewhere': flow 'network/Nope' is not in the package; add it to definitions.flows",
      ]);
      assert.equal(result.ok, false);
      assert.ok(trig.every((d) => d.range && d.file === 'packages/network-ops.package.yaml'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
