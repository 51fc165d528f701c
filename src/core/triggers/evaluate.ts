/**
 * Matching a trap against a trigger's conditions. The conditions are checked in a fixed order
 * and the FIRST that fails is reported:
 *
 *   deviceAddress, devicePort, trapOid, version, community (v1/v2c), agentAddress (v1), users (v3)
 *
 * (the order DESIGN.md lists them in). A gateway checks `published` and then `enabled` before
 * these (see TriggerEvaluation.failed.condition). Conditions are compiled once per distinct text
 * and cached, so matching a trap against many triggers does not re-parse them.
 *
 * For many triggers (the gateway): `compileConditions` once per trigger (and again only when
 * `isCurrent` says its conditions changed), `prepareTrap` once per trap (address, port, OID
 * parsed once), `matchCompiled` per trigger (no allocation), and `describeMatch` to build the
 * failure message only when it is shown. `evaluateTrigger` is the three in one.
 */
import type { TrapPdu, Trigger, TriggerConditions } from '../model/trigger';
import {
  compareOids,
  matchCommunity,
  matchNumber,
  parseAddressCondition,
  parseCommunityCondition,
  parseOidCondition,
  parseIpv4,
  parseOid,
  parsePortCondition,
  type Communities,
  type NumberRanges,
  type OidRanges,
  type Parsed,
} from './conditions';

export const CONDITION_ORDER = ['deviceAddress', 'devicePort', 'trapOid', 'version', 'community', 'agentAddress', 'users'] as const;

export interface TriggerMatch {
  matched: boolean;
  failed?: { condition: keyof TriggerConditions; message: string };
}

const CACHE_LIMIT = 5000;
const cache = new Map<string, Parsed<unknown>>();

function compiled<T>(kind: string, text: unknown, parse: (t: unknown) => Parsed<T>): Parsed<T> {
  if (typeof text !== 'string') return parse(text);
  const key = `${kind}\u0000${text}`;
  let hit = cache.get(key) as Parsed<T> | undefined;
  if (!hit) {
    hit = parse(text);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}

const show = (v: unknown) => (v === undefined ? '(none)' : `'${String(v)}'`);

/**
 * A trigger's conditions compiled once: the texts they were compiled from (a snapshot, so a
 * result can be described later even if the trigger changed meanwhile) and the parsed forms.
 * `isCurrent` tells whether it still matches a trigger's conditions (cache invalidation).
 */
export interface CompiledConditions {
  readonly deviceAddress: unknown;
  readonly devicePort: unknown;
  readonly trapOid: unknown;
  readonly version: unknown;
  readonly community: unknown;
  readonly agentAddress: unknown;
  readonly users: unknown;
  readonly addr: Parsed<NumberRanges>;
  readonly port: Parsed<NumberRanges>;
  readonly oid: Parsed<OidRanges>;
  /** v1/v2c only (`community ?? '*'`). */
  readonly comm: Parsed<Communities> | undefined;
  /** v1 only (`agentAddress ?? '*'`). */
  readonly agent: Parsed<NumberRanges> | undefined;
  /** v3 only. */
  readonly userSet: ReadonlySet<string> | undefined;
}

/** A trap's values parsed once, for matching it against many compiled triggers. */
export interface PreparedTrap {
  readonly pdu: TrapPdu;
  readonly address: number | undefined;
  readonly port: number | undefined;
  /** undefined: no OID or not a valid OID (matches only `*`). */
  readonly oid: number[] | undefined;
  readonly agent: number | undefined;
}

/**
 * The outcome of matching, as a small number: `MATCHED`, or the index in CONDITION_ORDER of the
 * first failing condition, plus `INVALID` when that condition itself is invalid.
 */
export type MatchCode = number;
export const MATCHED = -1;
export const INVALID = 16;

function copyUsers(users: unknown): unknown {
  return Array.isArray(users) ? [...users] : users;
}

function sameUsers(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function compileConditions(conditions: TriggerConditions | undefined): CompiledConditions {
  const c = conditions ?? ({} as TriggerConditions);
  const v1or2 = c.version === 'v1' || c.version === 'v2c';
  const users = copyUsers(c.users);
  return {
    deviceAddress: c.deviceAddress,
    devicePort: c.devicePort,
    trapOid: c.trapOid,
    version: c.version,
    community: c.community,
    agentAddress: c.agentAddress,
    users,
    addr: compiled('addr', c.deviceAddress, parseAddressCondition),
    port: compiled('port', c.devicePort, parsePortCondition),
    oid: compiled('oid', c.trapOid, parseOidCondition),
    comm: v1or2 ? compiled('comm', c.community ?? '*', parseCommunityCondition) : undefined,
    agent: c.version === 'v1' ? compiled('addr', c.agentAddress ?? '*', parseAddressCondition) : undefined,
    userSet: c.version === 'v3' ? new Set(Array.isArray(users) ? (users as string[]) : []) : undefined,
  };
}

/** Do these compiled conditions still describe `conditions` (same texts)? */
export function isCurrent(k: CompiledConditions, conditions: TriggerConditions | undefined): boolean {
  const c = conditions ?? ({} as TriggerConditions);
  return (
    k.deviceAddress === c.deviceAddress &&
    k.devicePort === c.devicePort &&
    k.trapOid === c.trapOid &&
    k.version === c.version &&
    k.community === c.community &&
    k.agentAddress === c.agentAddress &&
    sameUsers(k.users, c.users)
  );
}

function ipv4Of(address: string | undefined): number | undefined {
  if (address === undefined) return undefined;
  // IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
  return parseIpv4(address.startsWith('::ffff:') ? address.slice(7) : address);
}

export function prepareTrap(pdu: TrapPdu): PreparedTrap {
  const oid = pdu.trapOid === undefined ? undefined : parseOid(pdu.trapOid);
  return {
    pdu,
    address: ipv4Of(pdu.source?.address),
    port: pdu.source?.port,
    oid: oid && oid.ok ? oid.value : undefined,
    agent: ipv4Of(pdu.agentAddress),
  };
}

function inOidRanges(ranges: OidRanges, oid: number[] | undefined): boolean {
  if (ranges === null) return true;
  if (oid === undefined) return false;
  for (const r of ranges) if (compareOids(oid, r.lo) >= 0 && compareOids(oid, r.hi) <= 0) return true;
  return false;
}

/** Match a prepared trap against compiled conditions: MATCHED or the first failing condition's code. */
export function matchCompiled(k: CompiledConditions, t: PreparedTrap): MatchCode {
  if (!k.addr.ok) return INVALID + 0;
  if (!matchNumber(k.addr.value, t.address)) return 0;
  if (!k.port.ok) return INVALID + 1;
  if (!matchNumber(k.port.value, t.port)) return 1;
  if (!k.oid.ok) return INVALID + 2;
  if (!inOidRanges(k.oid.value, t.oid)) return 2;
  const version = k.version;
  if (version !== 'v1' && version !== 'v2c' && version !== 'v3') return INVALID + 3;
  if (t.pdu.version !== version) return 3;
  if (k.comm) {
    if (!k.comm.ok) return INVALID + 4;
    if (!matchCommunity(k.comm.value, t.pdu.community)) return 4;
  }
  if (k.agent) {
    if (!k.agent.ok) return INVALID + 5;
    if (!matchNumber(k.agent.value, t.agent)) return 5;
  }
  if (k.userSet) {
    const user = t.pdu.user;
    if (user === undefined || !k.userSet.has(user)) return 6;
  }
  return MATCHED;
}

/** The TriggerMatch a code stands for, with its message (built only when asked for). */
export function describeMatch(k: CompiledConditions, pdu: TrapPdu, code: MatchCode): TriggerMatch {
  if (code === MATCHED) return { matched: true };
  const invalid = code >= INVALID;
  const condition = CONDITION_ORDER[invalid ? code - INVALID : code];
  let message: string;
  if (invalid) {
    const parsed = condition === 'deviceAddress' ? k.addr : condition === 'devicePort' ? k.port : condition === 'trapOid' ? k.oid : condition === 'community' ? k.comm : condition === 'agentAddress' ? k.agent : undefined;
    const why = condition === 'version' ? `${show(k.version)} is not v1, v2c or v3` : parsed && !parsed.ok ? parsed.message : 'invalid';
    message = `the condition is invalid: ${why}`;
  } else {
    switch (condition) {
      case 'deviceAddress':
        message = `device address ${show(pdu.source?.address)} is not in '${k.deviceAddress}'`;
        break;
      case 'devicePort':
        message = `device port ${show(pdu.source?.port)} is not in '${k.devicePort}'`;
        break;
      case 'trapOid':
        message = `trap OID ${show(pdu.trapOid)} is not in '${k.trapOid}'`;
        break;
      case 'version':
        message = `the trap is SNMP ${pdu.version}, the trigger wants ${k.version}`;
        break;
      case 'community':
        // Communities are the devices' credentials: neither the trap's nor the trigger's are written here.
        message = pdu.community === undefined ? 'the trap carries no community' : "the trap's community is not one of the trigger's communities";
        break;
      case 'agentAddress':
        message = `agent address ${show(pdu.agentAddress)} is not in '${k.agentAddress ?? '*'}'`;
        break;
      default: {
        const users = Array.isArray(k.users) ? (k.users as string[]) : [];
        message = `user ${show(pdu.user)} is not one of ${users.length ? users.map((u) => `'${u}'`).join(', ') : '(no users)'}`;
      }
    }
  }
  return { matched: false, failed: { condition, message } };
}

export function evaluateTrigger(trigger: Pick<Trigger, 'conditions'>, pdu: TrapPdu): TriggerMatch {
  const k = compileConditions(trigger.conditions);
  return describeMatch(k, pdu, matchCompiled(k, prepareTrap(pdu)));
}
