/**
 * The SNMP receiver under attack, over real UDP: ~4,400 malformed datagrams from a seeded
 * generator (random bytes, truncations and byte flips of valid traps, wrong and huge lengths, deep
 * nesting, wrong versions, v3 with bogus engine ids / users / auth parameters, oversize varbind
 * lists, OIDs with huge sub-identifiers, huge communities, malformed v1 traps, informs and gets),
 * then a valid trap must still start its trigger's execution. Also: the trap log is paged and
 * never shows a community in clear, and an attempt to hold 16,000 triggers is refused by the
 * gateway's quota while traps against ~10,000 triggers keep the gateway responsive. Throughout,
 * /healthz answers within a second and the process stays alive; refusals are logged at most once
 * a second.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { buildPackageFile } from '../../src/core/package/packageFile';
import { waitFor } from '../emulator/helpers';
import type { EmulatorProcess } from '../support/emulatorProcess';
import { assertRefused, call, sendAll, startTarget, whileServing } from './harness';

// ---- a small BER encoder (SNMP messages built byte by byte, so they can be broken on purpose) ----
const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(content.length), content]);
const intBytes = (v: number): Buffer => {
  const out: number[] = [];
  let x = v;
  do {
    out.unshift(((x % 256) + 256) % 256);
    x = Math.floor(x / 256);
  } while (x !== 0 && x !== -1);
  if (v >= 0 && out[0] & 0x80) out.unshift(0);
  if (v < 0 && !(out[0] & 0x80)) out.unshift(0xff);
  return Buffer.from(out);
};
const int = (v: number) => tlv(0x02, intBytes(v));
const str = (s: string | Buffer) => tlv(0x04, typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
const subId = (n: number): number[] => {
  const out = [n & 0x7f];
  for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) out.unshift(0x80 | (v & 0x7f));
  return out;
};
const oidBody = (text: string): Buffer => {
  const p = text.split('.').map(Number);
  return Buffer.from([p[0] * 40 + p[1], ...p.slice(2).flatMap(subId)]);
};
const oid = (text: string) => tlv(0x06, oidBody(text));
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const timeticks = (v: number) => tlv(0x43, intBytes(v));
const nul = () => Buffer.from([0x05, 0x00]);
const varbind = (o: string | Buffer, value: Buffer) => seq(typeof o === 'string' ? oid(o) : o, value);
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';

function v2cTrap(community: string | Buffer, trapOid: string, uptime: number, extra: Buffer[] = [], pduTag = 0xa7, version = 1): Buffer {
  const vbs = seq(varbind(SYS_UPTIME, timeticks(uptime)), varbind(SNMP_TRAP_OID, oid(trapOid)), ...extra);
  return seq(int(version), str(community), tlv(pduTag, Buffer.concat([int(uptime % 100000), int(0), int(0), vbs])));
}

function v1Trap(community: string, enterprise: Buffer, agent: Buffer, generic: number, specific: number): Buffer {
  return seq(int(0), str(community), tlv(0xa4, Buffer.concat([enterprise, agent, int(generic), int(specific), timeticks(5), seq(varbind('1.3.6.1.2.1.1.5.0', str('x')))])));
}

function v3Message(o: { engineId: Buffer; user: Buffer; authParams: Buffer; privParams: Buffer; flags: number; secModel?: number; boots?: number; time?: number; pdu?: Buffer }): Buffer {
  const usm = seq(str(o.engineId), int(o.boots ?? 1), int(o.time ?? 1), str(o.user), str(o.authParams), str(o.privParams));
  const scoped = o.flags & 2 ? str(o.pdu ?? Buffer.alloc(40, 7)) : seq(str(o.engineId), str(''), o.pdu ?? tlv(0xa7, Buffer.concat([int(1), int(0), int(0), seq()])));
  return seq(int(3), seq(int(1234), int(65507), str(Buffer.from([o.flags])), int(o.secModel ?? 3)), str(usm), scoped);
}

/** A seeded PRNG (mulberry32): the same corpus every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ~4,400 malformed datagrams, by kind. */
function malformedCorpus(): { kind: string; data: Buffer }[] {
  const r = rng(7);
  const n = (max: number) => Math.floor(r() * max);
  const bytes = (k: number) => Buffer.from(Array.from({ length: k }, () => n(256)));
  const out: { kind: string; data: Buffer }[] = [];
  const add = (kind: string, data: Buffer) => out.push({ kind, data });
  const valid = [
    v2cTrap('public', '1.3.6.1.6.3.1.1.5.3', 1000, [varbind('1.3.6.1.2.1.2.2.1.1.1', int(3))]),
    v2cTrap('private', '1.3.6.1.4.1.8072.2.3.0.1', 2000, [varbind('1.3.6.1.2.1.1.5.0', str('router1')), varbind('1.3.6.1.4.1.1.1', tlv(0x46, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9])))]),
    v1Trap('public', oid('1.3.6.1.4.1.8072.2.3'), tlv(0x40, Buffer.from([10, 1, 2, 3])), 6, 17),
  ];
  for (let i = 0; i < 1000; i++) add('random bytes', bytes(n(1500)));
  for (const v of valid) for (let cut = 0; cut < v.length; cut++) add('truncated', v.subarray(0, cut));
  for (let i = 0; i < 1200; i++) {
    const v = Buffer.from(valid[i % valid.length]);
    for (let k = 0; k <= n(3); k++) v[n(v.length)] = n(256);
    add('byte flips', v);
  }
  for (let i = 0; i < 300; i++) {
    const v = Buffer.from(valid[i % valid.length]);
    const body = v.subarray(2);
    const lengths = [Buffer.from([0x84, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]), Buffer.from([0x80]), Buffer.from([n(128)]), Buffer.from([0x82, 0xff, 0xff])];
    add('wrong lengths', Buffer.concat([Buffer.from([0x30]), lengths[i % lengths.length], body]));
  }
  for (let i = 0; i < 50; i++) {
    const depth = 200 + i * 60;
    let inner: Buffer = nul();
    for (let d = 0; d < depth && inner.length < 30_000; d++) inner = seq(inner);
    add('deep nesting', i % 2 ? inner : Buffer.concat([Buffer.alloc(depth, 0x30).map((_, k) => (k % 2 ? 0x80 : 0x30)), Buffer.alloc(64)]));
  }
  for (let i = 0; i < 100; i++) {
    const versions = [int(2), int(-1), tlv(0x02, Buffer.alloc(9, 0x7f)), str('one'), int(3), int(0x7fffffff), tlv(0x02, Buffer.alloc(0))];
    add('wrong versions', seq(versions[i % versions.length], str('public'), tlv(0xa7, Buffer.concat([int(1), int(0), int(0), seq()]))));
  }
  for (let i = 0; i < 600; i++) {
    const engineIds = [Buffer.alloc(0), Buffer.alloc(1024, 0x80), bytes(5 + n(27)), Buffer.from('8000000001020304', 'hex')];
    const users = [Buffer.alloc(0), Buffer.from('nobody'), Buffer.alloc(5000, 0x41), bytes(n(40))];
    const authParams = [Buffer.alloc(0), Buffer.alloc(12), bytes(n(64)), Buffer.alloc(300, 1)];
    add(
      'v3 bogus',
      v3Message({
        engineId: engineIds[i % 4],
        user: users[Math.floor(i / 4) % 4],
        authParams: authParams[Math.floor(i / 16) % 4],
        privParams: bytes(n(16)),
        flags: [0, 1, 3, 4, 5, 7, 2, 0xff][i % 8],
        secModel: i % 13 === 0 ? 99 : 3,
        boots: i % 7 === 0 ? -5 : 1,
        time: i % 11 === 0 ? 0x7fffffff : 1,
      }),
    );
  }
  for (let i = 0; i < 60; i++) {
    const count = i % 2 ? LIMITS.varbinds + 1 + n(500) : 3500; // over the count, or over the datagram bound
    add('oversize varbind lists', v2cTrap('public', '1.3.6.1.6.3.1.1.5.3', 3000 + i, Array.from({ length: count }, (_, k) => varbind(`1.3.6.1.4.1.1.${k}`, nul()))));
  }
  for (let i = 0; i < 300; i++) {
    const huge = Buffer.concat([Buffer.from([0x2b]), Buffer.alloc(10 + n(40), 0xff), Buffer.from([0x7f])]);
    const long = Array.from({ length: 150 + n(300) }, () => String(n(100000))).join('.');
    const forms = [
      v2cTrap('public', '1.3.6.1.6.3.1.1.5.3', 4000, [varbind(tlv(0x06, huge), nul())]),
      v2cTrap('public', `1.3.${long}`, 4000),
      v2cTrap('public', '1.3.6.1.6.3.1.1.5.3', 4000, [varbind(`1.3.${long}`, nul())]),
      v2cTrap('public', '1.3.6.1.6.3.1.1.5.3', 4000, [varbind('1.3.6.1.4.1.1', tlv(0x06, huge))]),
      seq(int(1), str('public'), tlv(0xa7, Buffer.concat([int(1), int(0), int(0), seq(varbind(SYS_UPTIME, timeticks(1)), varbind(SNMP_TRAP_OID, tlv(0x06, huge)))]))),
    ];
    add('huge OIDs', forms[i % forms.length]);
  }
  for (let i = 0; i < 100; i++) add('huge communities', v2cTrap(Buffer.alloc(300 + n(20_000), 0x61), '1.3.6.1.6.3.1.1.5.3', 5000));
  for (let i = 0; i < 300; i++) {
    const forms = [
      v1Trap('public', str('not an oid'), tlv(0x40, Buffer.from([10, 1, 2, 3])), 6, 17),
      v1Trap('public', oid('1.3.6.1.4.1.8072'), tlv(0x40, Buffer.from([10, 1])), 6, 17),
      v1Trap('public', oid('1.3.6.1.4.1.8072'), tlv(0x40, Buffer.from([10, 1, 2, 3])), -1, 2 ** 40),
      v1Trap('public', oid('1.3.6.1.4.1.8072'), tlv(0x40, Buffer.alloc(4000, 1)), 99, -3),
    ];
    add('malformed v1', forms[i % forms.length]);
  }
  for (let i = 0; i < 100; i++) {
    add('informs and gets', v2cTrap('public', '1.3.6.1.6.3.1.1.5.3', 6000 + i, [], [0xa6, 0xa0, 0xa1, 0xa3, 0xa2, 0xa5][i % 6]));
  }
  return out.filter((d) => d.data.length <= 65_000);
}

const TRAP_OID = '1.3.6.1.4.1.99999.1';
const COMMUNITY = 'secret-comm-7';
const P = '/api/v1/packages/network-ops/versions/1';

describe('hostile SNMP', () => {
  let gw: EmulatorProcess;
  let triggerId: string;

  before(async () => {
    gw = await startTarget();
    const t = await call(gw, 'POST', `${P}/triggers`, {
      name: 'hostile-target',
      flow: 'network/core/Restart-Service',
      conditions: { deviceAddress: '127.0.0.1', devicePort: '*', trapOid: TRAP_OID, version: 'v2c', community: `public,${COMMUNITY}` },
      inputs: { device: '10.0.0.1', dryRun: true },
    });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    triggerId = t.body.id;
  });
  after(async () => {
    await gw?.stop();
  });

  /**
   * Sends a valid trap and returns its record once the log has it. Sent again each second until
   * recorded (at most 15 times): right after a flood the receiver's budget may still drop it while
   * the kernel buffer drains — by design; a device's next trap gets through.
   */
  async function validTrap(uptime: number): Promise<any> {
    const find = async () => (await call(gw, 'GET', '/api/v1/snmp/traps?limit=50')).body.traps?.find((t: any) => t.pdu.uptime === uptime);
    for (let attempt = 0; attempt < 15; attempt++) {
      await sendAll(gw.snmpPort, [v2cTrap(COMMUNITY, TRAP_OID, uptime, [varbind('1.3.6.1.2.1.1.5.0', str('router1'))])]);
      try {
        return await waitFor(find, 1000, `the trap with uptime ${uptime}`);
      } catch {
        /* not recorded yet: send it again */
      }
    }
    throw new Error(`the trap with uptime ${uptime} was never recorded`);
  }

  test('~4,400 malformed datagrams: none crashes or stalls the receiver, refusals are logged at most once a second, then a valid trap runs its flow', async () => {
    const corpus = malformedCorpus();
    assert.ok(corpus.length >= 4000, `${corpus.length} datagrams`);
    const kinds = new Set(corpus.map((d) => d.kind));
    assert.equal(kinds.size, 12, [...kinds].join(', '));
    const outputBefore = gw.output().length;
    const t0 = Date.now();
    await whileServing(gw, () => sendAll(gw.snmpPort, corpus.map((d) => d.data)));
    await new Promise((r) => setTimeout(r, 1100)); // the receiver drains its buffer; a new budget second starts
    const seconds = (Date.now() - t0) / 1000;
    const lines = gw.output().slice(outputBefore).split('\n').filter((l) => /SNMP message.*refused/.test(l));
    assert.ok(lines.length >= 1, 'no refusal was logged');
    assert.ok(lines.length <= Math.ceil(seconds) + 2, `${lines.length} refusal lines in ${seconds.toFixed(1)} s`);
    assert.ok(lines.every((l) => l.length < 400), 'a refusal line is unbounded');
    if (process.env.FLOWGATE_TEST_VERBOSE) process.stdout.write(`${lines.join('\n')}\n`);
    assert.doesNotMatch(gw.output().slice(outputBefore), /uncaught|unhandled|TypeError|RangeError/i);

    const rec = await whileServing(gw, () => validTrap(424242));
    const e = rec.evaluations.find((x: any) => x.triggerId === triggerId);
    assert.equal(e.matched, true, JSON.stringify(e));
    const started = await waitFor(async () => {
      const r = await call(gw, 'GET', '/api/v1/snmp/traps?limit=50');
      const ev = r.body.traps.find((t: any) => t.id === rec.id)?.evaluations.find((x: any) => x.triggerId === triggerId);
      return ev?.executionId ? ev : undefined;
    }, 10_000, 'executionId');
    const ex = await call(gw, 'GET', `/api/v1/executions/${started.executionId}`);
    assert.equal(ex.status, 200);
    assert.deepEqual(ex.body.initiator, { type: 'trigger', name: 'hostile-target', id: triggerId });
    assert.equal(gw.process.exitCode, null);
  });

  test('v3 messages naming a real user with 3,000 different engine ids: the key work is budgeted, a valid trap still runs', async () => {
    const user = { name: 'ops-v3', level: 'authNoPriv', authProtocol: 'sha', authKey: 'ops-v3-auth-key' };
    assert.equal((await call(gw, 'POST', '/api/v1/snmp/users', user)).status, 201);
    const r = rng(11);
    const flood = Array.from({ length: 3000 }, () =>
      v3Message({
        engineId: Buffer.from(Array.from({ length: 12 }, () => Math.floor(r() * 256))),
        user: Buffer.from(user.name),
        authParams: Buffer.from(Array.from({ length: 12 }, () => Math.floor(r() * 256))),
        privParams: Buffer.alloc(0),
        flags: 1,
        pdu: tlv(0xa7, Buffer.concat([int(1), int(0), int(0), seq(varbind(SYS_UPTIME, timeticks(1)), varbind(SNMP_TRAP_OID, oid(TRAP_OID)))])),
      }),
    );
    const outputBefore = gw.output().length;
    await whileServing(gw, () => sendAll(gw.snmpPort, flood));
    await new Promise((r2) => setTimeout(r2, 1100));
    if (process.env.FLOWGATE_TEST_VERBOSE) process.stdout.write(`${gw.output().slice(outputBefore)}\n`);
    assert.doesNotMatch(gw.output().slice(outputBefore), /uncaught|unhandled|TypeError|RangeError/i);
    const rec = await whileServing(gw, () => validTrap(434343));
    assert.equal(rec.evaluations.find((x: any) => x.triggerId === triggerId).matched, true);
    assert.equal(gw.process.exitCode, null);
  });

  test('SNMPv3 users are bounded by the gateway quota', async () => {
    const existing = (await call(gw, 'GET', '/api/v1/snmp/users')).body.users.length;
    const statuses: number[] = [];
    await whileServing(gw, async () => {
      const names = Array.from({ length: LIMITS.snmpUsers - existing + 3 }, (_, i) => `q${i}`);
      for (let i = 0; i < names.length; i += 16) {
        const batch = names.slice(i, i + 16).map((name) => call(gw, 'POST', '/api/v1/snmp/users', { name, level: 'authNoPriv', authProtocol: 'sha', authKey: `key-of-${name}` }));
        for (const res of await Promise.all(batch)) {
          statuses.push(res.status);
          if (res.status !== 201) assertRefused(res, 413, 'body', 'quota-exceeded');
        }
      }
    });
    assert.equal(statuses.filter((x) => x === 201).length, LIMITS.snmpUsers - existing);
    assert.equal(statuses.filter((x) => x === 413).length, 3);
    assert.equal((await call(gw, 'GET', '/api/v1/snmp/users')).body.users.length, LIMITS.snmpUsers);
  });

  test('the trap log is paged and never shows a community in clear', async () => {
    for (let i = 0; i < 5; i++) await validTrap(500_000 + i);
    const first = await call(gw, 'GET', '/api/v1/snmp/traps?limit=2');
    assert.equal(first.status, 200);
    assert.equal(first.body.traps.length, 2);
    assert.equal(typeof first.body.next, 'string');
    assert.equal(first.body.next, first.body.traps[1].id);
    const second = await call(gw, 'GET', `/api/v1/snmp/traps?limit=2&after=${encodeURIComponent(first.body.next)}`);
    assert.equal(second.status, 200);
    assert.equal(second.body.traps.length, 2);
    assert.ok(second.body.traps.every((t: any) => !first.body.traps.some((f: any) => f.id === t.id)), 'pages overlap');
    assert.ok(first.body.traps[1].receivedAt >= second.body.traps[0].receivedAt, 'not newest first');

    const all = await call(gw, 'GET', '/api/v1/snmp/traps');
    const text = JSON.stringify(all.body);
    assert.ok(!text.includes(COMMUNITY), 'a community appears in clear in the trap log');
    const mine = all.body.traps.filter((t: any) => t.pdu.trapOid === TRAP_OID);
    assert.ok(mine.length >= 6);
    for (const t of mine) {
      assert.equal(t.pdu.community, '***');
      assert.equal(t.communityMatched, true);
    }
    // The flow got the PDU masked too: its execution record holds no community in clear.
    const ev = mine.flatMap((t: any) => t.evaluations).find((x: any) => x.triggerId === triggerId && x.executionId);
    assert.ok(ev, 'no execution was started by the trigger');
    const ex = await call(gw, 'GET', `/api/v1/executions/${ev.executionId}`);
    assert.equal(ex.status, 200);
    assert.ok(!JSON.stringify(ex.body).includes(COMMUNITY), 'the community appears in an execution record');

    assertRefused(await call(gw, 'GET', '/api/v1/snmp/traps?limit=0'), 400, 'limit');
    assertRefused(await call(gw, 'GET', `/api/v1/snmp/traps?limit=${LIMITS.trapPageSize + 1}`), 400, 'limit');
    assertRefused(await call(gw, 'GET', '/api/v1/snmp/traps?after=no-such-trap'), 400, 'after');
  });

  test('16,000 triggers are refused by the gateway quota; traps against ~10,000 triggers keep the gateway serving, and a log page stays bounded', async () => {
    const triggersOf = (pkg: number) =>
      Array.from({ length: LIMITS.triggersPerVersion }, (_, i) => ({
        name: `t${pkg}-${i}`,
        flow: 'hostile/Handle',
        conditions: { deviceAddress: `10.${pkg}.${Math.floor(i / 250)}.0/24,127.0.0.2`, devicePort: '*', trapOid: `1.3.6.1.4.1.${pkg}.${i}`, version: 'v2c', community: `c${i},d${i}` },
      }));
    const statuses: number[] = [];
    await whileServing(gw, async () => {
      for (let pkg = 0; pkg < 16; pkg++) {
        const { bytes } = await buildPackageFile({
          name: `many-triggers-${pkg}`,
          version: 1,
          createdBy: 'hostile-tests',
          definitions: [{ kind: 'flow', id: 'hostile/Handle', text: 'steps:\n  - kind: log\n    message: trap\n' }],
          triggers: triggersOf(pkg),
        });
        const res = await call(gw, 'POST', '/api/v1/packages', bytes);
        statuses.push(res.status);
        if (res.status !== 201) assertRefused(res, 413, 'manifest.triggers', 'quota-exceeded');
      }
    });
    const accepted = statuses.filter((s) => s === 201).length;
    assert.equal(accepted, Math.floor((LIMITS.triggersPerGateway - 2) / LIMITS.triggersPerVersion), statuses.join(','));
    assert.ok(statuses.slice(accepted).every((s) => s === 413), statuses.join(','));
    // The API refuses a trigger past the version quota too (a version already holding 1,000).
    const over = await call(gw, 'POST', '/api/v1/packages/many-triggers-0/versions/1/triggers', {
      name: 'one-more',
      flow: 'hostile/Handle',
      conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v2c' },
    });
    assertRefused(over, 413, 'body', 'quota-exceeded');

    // A burst of traps against ~9,000 triggers: some are dropped by the evaluation budget, the gateway keeps serving.
    const burst = Array.from({ length: 1500 }, (_, i) => v2cTrap(COMMUNITY, TRAP_OID, 700_000 + i));
    await whileServing(gw, () => sendAll(gw.snmpPort, burst));
    await new Promise((r) => setTimeout(r, 1100));
    // Three more, one at a time (the budget may have dropped much of the burst): each evaluated against every trigger.
    for (let i = 0; i < 3; i++) await whileServing(gw, () => validTrap(800_000 + i));
    const page = await whileServing(gw, () => call(gw, 'GET', '/api/v1/snmp/traps'));
    assert.equal(page.status, 200);
    const evaluations = page.body.traps.reduce((n: number, t: any) => n + t.evaluations.length, 0);
    assert.ok(page.body.traps.length >= 1 && evaluations <= LIMITS.trapEvaluationsPerPage, `${page.body.traps.length} traps, ${evaluations} evaluations`);
    assert.ok(page.body.traps[0].evaluations.length > 9000, String(page.body.traps[0].evaluations.length));
    assert.equal(typeof page.body.next, 'string');
    assert.equal(gw.process.exitCode, null);
  });
});
