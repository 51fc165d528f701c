/**
 * Received notifications (net-snmp's receiver callback data) → `TrapPdu`, the object triggers
 * match and flows receive.
 *
 * - version: v3 when the notification names a user, v1 for a v1 Trap-PDU, else v2c.
 * - v1: `trapOid` per RFC 3584 §3.1: generic 0–5 → `1.3.6.1.6.3.1.1.5.<generic+1>`;
 *   enterpriseSpecific (6) → `<enterprise>.0.<specific>`. `uptime` is the PDU's time-stamp.
 * - v2c/v3: `trapOid` = snmpTrapOID.0, `uptime` = sysUpTime.0; those two varbinds are not repeated
 *   in `varbinds`. `enterprise` = snmpTrapEnterprise.0 when the trap carries it.
 * - varbinds: `{ oid, type, value }` with net-snmp's type names (`OctetString`, `Integer`, `OID`,
 *   `IpAddress`, `Counter`, `Gauge`, `TimeTicks`, `Counter64`, `Opaque`, `Null`, …). Values:
 *   numbers for the integer types (Counter64 beyond 2^53 as a decimal string); OctetString as
 *   text when it is printable UTF-8, otherwise `0x` and its bytes in hex; OIDs and IP addresses as
 *   dotted strings; Null / NoSuchObject / NoSuchInstance / EndOfMibView as null.
 */
import { LIMITS } from '../limits';
import type { SnmpVersion, TrapPdu } from '../model/trigger';

export const SYS_UPTIME_OID = '1.3.6.1.2.1.1.3.0';
export const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
export const SNMP_TRAP_ENTERPRISE_OID = '1.3.6.1.6.3.1.1.4.3.0';
/** snmpTraps: the generic traps' OIDs are `1.3.6.1.6.3.1.1.5.<generic + 1>`. */
export const SNMP_TRAPS_PREFIX = '1.3.6.1.6.3.1.1.5';

const TYPE_NAMES: Record<number, string> = {
  1: 'Boolean',
  2: 'Integer',
  3: 'BitString',
  4: 'OctetString',
  5: 'Null',
  6: 'OID',
  64: 'IpAddress',
  65: 'Counter',
  66: 'Gauge',
  67: 'TimeTicks',
  68: 'Opaque',
  70: 'Counter64',
  128: 'NoSuchObject',
  129: 'NoSuchInstance',
  130: 'EndOfMibView',
};

export const TYPE_CODES: Record<string, number> = Object.fromEntries(Object.entries(TYPE_NAMES).map(([k, v]) => [v, Number(k)]));

const V1_TRAP_PDU = 164;

/** RFC 3584 §3.1 (3): the snmpTrapOID.0 of a v1 trap. */
export function v1TrapOid(enterprise: string, generic: number, specific: number): string {
  if (generic >= 0 && generic <= 5) return `${SNMP_TRAPS_PREFIX}.${generic + 1}`;
  return `${enterprise.replace(/^\./, '')}.0.${specific}`;
}

/** RFC 3584 §3.2: the v1 enterprise / generic-trap / specific-trap of a v2 notification OID. */
export function trapOidToV1(trapOid: string): { enterprise: string; generic: number; specific: number } {
  const oid = trapOid.replace(/^\./, '');
  const parts = oid.split('.');
  const prefix = `${SNMP_TRAPS_PREFIX}.`;
  if (oid.startsWith(prefix) && parts.length === 10) {
    const n = Number(parts[9]);
    if (n >= 1 && n <= 6) return { enterprise: SNMP_TRAPS_PREFIX, generic: n - 1, specific: 0 };
  }
  const specific = Number(parts[parts.length - 1]);
  const cut = parts.length >= 3 && parts[parts.length - 2] === '0' ? 2 : 1;
  return { enterprise: parts.slice(0, parts.length - cut).join('.'), generic: 6, specific };
}

function isPrintableUtf8(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  // Printable: no control characters except tab, CR, LF.
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

function hex(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function asBytes(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  // A Buffer serialised to JSON.
  if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return Uint8Array.from((v as { data: number[] }).data);
  }
  return undefined;
}

export function varbindValue(type: number, value: unknown): unknown {
  const bytes = asBytes(value);
  switch (type) {
    case 4: // OctetString
      if (bytes) return isPrintableUtf8(bytes) ?? hex(bytes);
      return value === undefined ? null : value;
    case 68: // Opaque
    case 3: // BitString
      return bytes ? hex(bytes) : (value ?? null);
    case 70: {
      // Counter64: big-endian bytes
      if (!bytes) return typeof value === 'number' ? value : String(value);
      let n = 0n;
      for (const b of bytes) n = (n << 8n) | BigInt(b);
      return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
    }
    case 5:
    case 128:
    case 129:
    case 130:
      return null;
    default:
      if (bytes) return hex(bytes);
      return value === undefined ? null : value;
  }
}

export interface RawNotification {
  pdu: {
    type: number;
    enterprise?: string;
    agentAddr?: string;
    generic?: number;
    specific?: number;
    upTime?: number;
    varbinds?: { oid: string; type: number; value: unknown }[];
    community?: string;
    user?: string;
  };
  rinfo: { address: string; port: number };
}

/** A received trap the gateway does not take (too many varbinds, over-long OIDs or names, missing fields). */
export class RefusedTrapError extends Error {
  override readonly name = 'RefusedTrapError';
}

const MAX_OID_CHARS = LIMITS.shortStringLength;

/**
 * A net-snmp receiver notification (with `includeAuthentication`) as a TrapPdu. Bounded before any
 * per-varbind work: more than LIMITS.varbinds varbinds, an OID or name over
 * LIMITS.shortStringLength characters, a v2c/v3 trap without snmpTrapOID.0, or numbers outside
 * their SNMP ranges are refused (RefusedTrapError), so a recorded PDU always fits the API's schema.
 */
export function normalizeNotification(n: RawNotification): TrapPdu {
  const pdu = checkRaw(n);
  const { rinfo } = n;
  const raw = pdu.varbinds ?? [];
  const varbinds = (list: typeof raw) => list.map((v) => ({ oid: v.oid, type: TYPE_NAMES[v.type] ?? String(v.type), value: varbindValue(v.type, v.value) }));
  const address = rinfo.address.startsWith('::ffff:') ? rinfo.address.slice(7) : rinfo.address;
  const source = { address, port: rinfo.port };
  if (pdu.type === V1_TRAP_PDU && pdu.user === undefined) {
    const enterprise = String(pdu.enterprise ?? '');
    const generic = Number(pdu.generic ?? 0);
    const specific = Number(pdu.specific ?? 0);
    return {
      version: 'v1',
      ...(pdu.community !== undefined ? { community: pdu.community } : {}),
      source,
      agentAddress: String(pdu.agentAddr ?? ''),
      enterprise,
      genericTrap: generic,
      specificTrap: specific,
      trapOid: v1TrapOid(enterprise, generic, specific),
      uptime: Number(pdu.upTime ?? 0),
      varbinds: varbinds(raw),
    };
  }
  const version: SnmpVersion = pdu.user !== undefined ? 'v3' : 'v2c';
  const find = (oid: string) => raw.find((v) => v.oid === oid);
  const uptime = find(SYS_UPTIME_OID);
  const trapOid = find(SNMP_TRAP_OID);
  const enterprise = find(SNMP_TRAP_ENTERPRISE_OID);
  return {
    version,
    ...(version === 'v3' ? { user: pdu.user } : pdu.community !== undefined ? { community: pdu.community } : {}),
    source,
    ...(enterprise ? { enterprise: String(enterprise.value) } : {}),
    trapOid: trapOid ? String(trapOid.value) : '',
    uptime: uptime ? Number(uptime.value) : 0,
    varbinds: varbinds(raw.filter((v) => v !== uptime && v !== trapOid)),
  };
}

function checkRaw(n: RawNotification): RawNotification['pdu'] {
  const refuse = (message: string): never => {
    throw new RefusedTrapError(message);
  };
  const pdu = n?.pdu;
  if (!pdu || typeof pdu !== 'object') refuse('no PDU');
  const list = pdu.varbinds ?? [];
  if (!Array.isArray(list)) refuse('varbinds are not a list');
  if (list.length > LIMITS.varbinds) refuse(`${list.length} varbinds; at most ${LIMITS.varbinds} are accepted`);
  for (const v of list) {
    if (!v || typeof v.oid !== 'string' || v.oid.length > MAX_OID_CHARS) refuse(`a varbind OID longer than ${MAX_OID_CHARS} characters, or none`);
    if (v.type === 6 && typeof v.value === 'string' && v.value.length > MAX_OID_CHARS) refuse(`an OID value longer than ${MAX_OID_CHARS} characters`);
  }
  for (const [what, value] of [['community', pdu.community], ['user', pdu.user], ['enterprise', pdu.enterprise], ['agent address', pdu.agentAddr]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length > MAX_OID_CHARS)) refuse(`the ${what} is longer than ${MAX_OID_CHARS} characters`);
  }
  const u32 = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
  if (!u32(pdu.upTime) || !u32(pdu.specific) || !(pdu.generic === undefined || (u32(pdu.generic) && (pdu.generic as number) < 2 ** 31))) refuse('a number outside its SNMP range');
  if (pdu.type === V1_TRAP_PDU && pdu.user === undefined) {
    if (typeof pdu.enterprise !== 'string' || pdu.enterprise === '') refuse('a v1 trap without an enterprise OID');
  } else {
    const trapOid = list.find((v) => v.oid === SNMP_TRAP_OID);
    if (!trapOid || typeof trapOid.value !== 'string' || trapOid.value === '' || trapOid.value.length > MAX_OID_CHARS) refuse('a v2c/v3 trap without snmpTrapOID.0');
    const uptime = list.find((v) => v.oid === SYS_UPTIME_OID);
    if (uptime && !u32(uptime.value)) refuse('sysUpTime.0 outside 0 to 4294967295');
    const enterprise = list.find((v) => v.oid === SNMP_TRAP_ENTERPRISE_OID);
    if (enterprise && String(enterprise.value).length > MAX_OID_CHARS) refuse(`snmpTrapEnterprise.0 longer than ${MAX_OID_CHARS} characters`);
  }
  return pdu;
}
