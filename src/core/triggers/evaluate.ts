/**
 * Matching a trap against a trigger's conditions. The conditions are checked in a fixed order
 * and the FIRST that fails is reported:
 *
 *   deviceAddress, devicePort, trapOid, version, community (v1/v2c), agentAddress (v1), users (v3)
 *
 * (the order DESIGN.md lists them in). A gateway checks `published` and then `enabled` before
 * these (see TriggerEvaluation.failed.condition). Conditions are compiled once per distinct text
 * and cached, so matching a trap against many triggers does not re-parse them.
 */
import type { TrapPdu, Trigger, TriggerConditions } from '../model/trigger';
import {
  matchAddress,
  matchCommunity,
  matchNumber,
  matchOid,
  parseAddressCondition,
  parseCommunityCondition,
  parseOidCondition,
  parsePortCondition,
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

export function evaluateTrigger(trigger: Pick<Trigger, 'conditions'>, pdu: TrapPdu): TriggerMatch {
  const c = trigger.conditions ?? ({} as TriggerConditions);
  const no = (condition: keyof TriggerConditions, message: string): TriggerMatch => ({ matched: false, failed: { condition, message } });
  const bad = (condition: keyof TriggerConditions, message: string) => no(condition, `the condition is invalid: ${message}`);

  const addr = compiled('addr', c.deviceAddress, parseAddressCondition);
  if (!addr.ok) return bad('deviceAddress', addr.message);
  if (!matchAddress(addr.value, pdu.source?.address)) {
    return no('deviceAddress', `device address ${show(pdu.source?.address)} is not in '${c.deviceAddress}'`);
  }
  const port = compiled('port', c.devicePort, parsePortCondition);
  if (!port.ok) return bad('devicePort', port.message);
  if (!matchNumber(port.value, pdu.source?.port)) {
    return no('devicePort', `device port ${show(pdu.source?.port)} is not in '${c.devicePort}'`);
  }
  const oid = compiled('oid', c.trapOid, parseOidCondition);
  if (!oid.ok) return bad('trapOid', oid.message);
  if (!matchOid(oid.value, pdu.trapOid)) {
    return no('trapOid', `trap OID ${show(pdu.trapOid)} is not in '${c.trapOid}'`);
  }
  if (c.version !== 'v1' && c.version !== 'v2c' && c.version !== 'v3') {
    return bad('version', `${show(c.version)} is not v1, v2c or v3`);
  }
  if (pdu.version !== c.version) {
    return no('version', `the trap is SNMP ${pdu.version}, the trigger wants ${c.version}`);
  }
  if (c.version === 'v1' || c.version === 'v2c') {
    const text = c.community ?? '*';
    const comm = compiled('comm', text, parseCommunityCondition);
    if (!comm.ok) return bad('community', comm.message);
    if (!matchCommunity(comm.value, pdu.community)) {
      return no('community', `community ${show(pdu.community)} is not in '${text}'`);
    }
  }
  if (c.version === 'v1') {
    const text = c.agentAddress ?? '*';
    const agent = compiled('addr', text, parseAddressCondition);
    if (!agent.ok) return bad('agentAddress', agent.message);
    if (!matchAddress(agent.value, pdu.agentAddress)) {
      return no('agentAddress', `agent address ${show(pdu.agentAddress)} is not in '${text}'`);
    }
  }
  if (c.version === 'v3') {
    const users = Array.isArray(c.users) ? c.users : [];
    if (pdu.user === undefined || !users.includes(pdu.user)) {
      return no('users', `user ${show(pdu.user)} is not one of ${users.length ? users.map((u) => `'${u}'`).join(', ') : '(no users)'}`);
    }
  }
  return { matched: true };
}
