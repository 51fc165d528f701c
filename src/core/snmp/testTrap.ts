/**
 * A test trap as a person describes it (the Triggers page's "Send Test Trap" form): the one check of
 * that description, used by the page as the user types and by the extension before it sends or
 * evaluates, and the one conversion of its typed varbind values.
 */
import type { ApiErrorDetail } from '../api/types';
import { LIMITS } from '../limits';
import { isPort, PORT_RULE } from '../model/port';
import { isSnmpVersion, SNMP_VERSIONS_TEXT, type SnmpVersion, type TrapPdu } from '../model/trigger';
import { parseIpv4, parseOid } from '../triggers/conditions';

/** A test trap as the page describes it. `value`s are text; `testTrapVarbinds` converts them. */
export interface TestTrap {
  version: SnmpVersion;
  /** v1 / v2c. */
  community?: string;
  /** v1: agent-addr of the PDU (empty: 127.0.0.1). */
  agentAddress?: string;
  /** v3: a user of the gateway (its level and protocols come from the gateway's list). */
  user?: string;
  /**
   * v3, sending only: keys for this one send (never stored by the extension or the page). Left out
   * for a gateway user: the extension asks for them in a password input box.
   */
  keys?: { authKey?: string; privKey?: string };
  trapOid: string;
  varbinds: { oid: string; type: string; value: string }[];
  /** Local IPv4 address to send from (a loopback such as 127.0.0.2 exercises address conditions). */
  source: string;
  /** Local port to send from (default: any); Evaluate uses it as the source port (default 49152). */
  sourcePort?: number;
}

/** Varbind types a test trap can carry (net-snmp names, as src/core/snmp/sendTrap.ts takes them). */
export const VARBIND_TYPES = ['OctetString', 'Integer', 'OID', 'IpAddress', 'Counter', 'Gauge', 'TimeTicks', 'Counter64', 'Opaque', 'Null'] as const;

/** Varbind types whose typed value is a whole number. */
const WHOLE_NUMBER_TYPES = new Set(['Integer', 'Counter', 'Gauge', 'TimeTicks', 'Counter64']);
/** Those sent as a JavaScript number (Counter64 stays text: it may exceed 2^53). */
const NUMBER_TYPES = new Set(['Integer', 'Counter', 'Gauge', 'TimeTicks']);

/**
 * Every problem of the described trap, each naming its form field (`trapOid`, `source`,
 * `varbinds[1]`…). `users`: the gateway's SNMPv3 user names, when known (a v3 trap must name one).
 */
export function testTrapProblems(t: TestTrap, users?: readonly string[]): ApiErrorDetail[] {
  const out: ApiErrorDetail[] = [];
  const err = (field: string, message: string) => out.push({ field, message });
  if (!isSnmpVersion(t.version)) err('version', `must be ${SNMP_VERSIONS_TEXT}`);
  const oid = parseOid(String(t.trapOid ?? '').trim());
  if (!oid.ok) err('trapOid', oid.message);
  const source = typeof t.source === 'string' ? t.source.trim() : '';
  if (parseIpv4(source) === undefined) {
    err('source', `'${String(t.source ?? '')}' is not an IPv4 address (127.0.0.1, or another loopback such as 127.0.0.2)`);
  }
  if (t.sourcePort !== undefined && !isPort(t.sourcePort)) {
    err('sourcePort', `must be ${PORT_RULE}, or empty for any`);
  }
  if (t.version === 'v1') {
    const agent = typeof t.agentAddress === 'string' ? t.agentAddress.trim() : '';
    if (agent !== '' && parseIpv4(agent) === undefined) err('agentAddress', `'${String(t.agentAddress)}' is not an IPv4 address`);
  }
  if (t.version !== 'v3' && t.community !== undefined && (typeof t.community !== 'string' || t.community.length > LIMITS.shortStringLength)) {
    err('community', `must be text of at most ${LIMITS.shortStringLength} characters`);
  }
  if (t.version === 'v3') {
    if (!t.user) err('user', 'a v3 trap is sent as one of the gateway’s SNMPv3 users: add one to the gateway first');
    else if (users && !users.includes(t.user)) err('user', `there is no SNMPv3 user '${t.user}' on this gateway`);
  }
  const varbinds = Array.isArray(t.varbinds) ? t.varbinds : [];
  if (varbinds.length > LIMITS.varbinds) err('varbinds', `at most ${LIMITS.varbinds} varbinds`);
  varbinds.slice(0, LIMITS.varbinds).forEach((vb, i) => {
    const field = `varbinds[${i}]`;
    const p = parseOid(String(vb?.oid ?? '').trim());
    const value = String(vb?.value ?? '').trim();
    if (!p.ok) err(field, `OID: ${p.message}`);
    else if (!(VARBIND_TYPES as readonly string[]).includes(vb.type)) err(field, `unknown type '${String(vb.type)}' (${VARBIND_TYPES.join(', ')})`);
    else if (WHOLE_NUMBER_TYPES.has(vb.type) && !/^-?\d+$/.test(value)) err(field, `${vb.type} needs an integer, got '${String(vb.value)}'`);
    else if (vb.type === 'IpAddress' && parseIpv4(value) === undefined) err(field, `'${String(vb.value)}' is not an IPv4 address`);
    else if (vb.type === 'OID' && !parseOid(value).ok) err(field, `'${String(vb.value)}' is not an OID`);
  });
  return out;
}

/** The described varbinds as a PDU carries them (numbers for the numeric types, null for Null). */
export function testTrapVarbinds(t: TestTrap): TrapPdu['varbinds'] {
  return (t.varbinds ?? []).map((vb) => ({
    oid: vb.oid.trim().replace(/^\./, ''),
    type: vb.type,
    value: vb.type === 'Null' ? null : NUMBER_TYPES.has(vb.type) ? Number(String(vb.value).trim()) : vb.value,
  }));
}
