/**
 * Sending a test trap with net-snmp (v1, v2c, v3 noAuthNoPriv / authNoPriv / authPriv), used by
 * `flowgate trap send` and by the extension's Send Test Trap.
 *
 * v1: the trap OID is turned into enterprise / generic / specific per RFC 3584 §3.2 (a gateway
 * turns it back per §3.1, so the receiver sees the same trap OID), unless `enterprise` is given.
 */
import * as snmp from 'net-snmp';
import type { SnmpAuthProtocol, SnmpPrivProtocol, SnmpVersion } from '../model/trigger';
import { parseIpv4, parseOid } from '../triggers/conditions';
import { enableSnmpDes } from './des';
import { TYPE_CODES, trapOidToV1 } from './pdu';
import { isPort, PORT_RULE } from '../model/port';
import { isSnmpAuthProtocol, isSnmpKey, isSnmpPrivProtocol, SNMP_AUTH_PROTOCOLS, SNMP_KEY_RULE, SNMP_PRIV_PROTOCOLS } from './users';

// DES privacy without OpenSSL's legacy provider (Node 20): see des.ts.
enableSnmpDes();

export interface TrapVarbind {
  oid: string;
  /** net-snmp type names: OctetString, Integer, OID, IpAddress, Counter, Gauge, TimeTicks, Counter64, Opaque, Null. */
  type: string;
  value: unknown;
}

export interface SendTrapOptions {
  host: string;
  /** Default 162. */
  port?: number;
  version: SnmpVersion;
  /** v1 / v2c; default `public`. */
  community?: string;
  /** v3. */
  user?: {
    name: string;
    level?: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
    authProtocol?: SnmpAuthProtocol;
    authKey?: string;
    privProtocol?: SnmpPrivProtocol;
    privKey?: string;
  };
  trapOid: string;
  varbinds?: TrapVarbind[];
  /** v1: agent-addr of the PDU (default 127.0.0.1). */
  agentAddress?: string;
  /** v1: an explicit enterprise; with `specificTrap` (and genericTrap 6 by default). */
  enterprise?: string;
  genericTrap?: number;
  specificTrap?: number;
  /** Hundredths of a second; default this process's uptime. */
  uptime?: number;
  /** Local address / port to send from. */
  sourceAddress?: string;
  sourcePort?: number;
}

export interface SendTrapResult {
  version: SnmpVersion;
  host: string;
  port: number;
  trapOid: string;
  enterprise?: string;
  genericTrap?: number;
  specificTrap?: number;
  varbinds: number;
}

export class SendTrapError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'SendTrapError';
  }
}

function encodeValue(vb: TrapVarbind, i: number): snmp.Varbind {
  const type = TYPE_CODES[vb.type];
  const where = `varbinds[${i}]`;
  if (!parseOid(vb.oid).ok) throw new SendTrapError(`${where}: '${vb.oid}' is not an OID`, where);
  if (type === undefined) throw new SendTrapError(`${where}: unknown type '${vb.type}' (expected ${Object.keys(TYPE_CODES).join(', ')})`, where);
  const v = vb.value;
  const num = (min: number, max: number) => {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new SendTrapError(`${where}: ${vb.type} needs an integer from ${min} to ${max}, got '${String(v)}'`, where);
    }
    return n;
  };
  switch (vb.type) {
    case 'Integer':
      return { oid: vb.oid, type, value: num(-2147483648, 2147483647) };
    case 'Counter':
    case 'Gauge':
    case 'TimeTicks':
      return { oid: vb.oid, type, value: num(0, 4294967295) };
    case 'Counter64': {
      let big: bigint;
      try {
        big = BigInt(typeof v === 'number' || typeof v === 'string' ? v : NaN);
      } catch {
        throw new SendTrapError(`${where}: Counter64 needs an unsigned integer, got '${String(v)}'`, where);
      }
      if (big < 0n || big > 0xffffffffffffffffn) throw new SendTrapError(`${where}: Counter64 out of range`, where);
      const buf = Buffer.alloc(8);
      buf.writeBigUInt64BE(big);
      return { oid: vb.oid, type, value: buf };
    }
    case 'OctetString':
    case 'Opaque': {
      if (typeof v !== 'string') throw new SendTrapError(`${where}: ${vb.type} needs a string`, where);
      if (/^0x([0-9a-fA-F]{2})*$/.test(v)) return { oid: vb.oid, type, value: Buffer.from(v.slice(2), 'hex') };
      return { oid: vb.oid, type, value: vb.type === 'Opaque' ? Buffer.from(v) : v };
    }
    case 'OID':
      if (typeof v !== 'string' || !parseOid(v).ok) throw new SendTrapError(`${where}: '${String(v)}' is not an OID`, where);
      return { oid: vb.oid, type, value: v.replace(/^\./, '') };
    case 'IpAddress':
      if (typeof v !== 'string' || parseIpv4(v) === undefined) throw new SendTrapError(`${where}: '${String(v)}' is not an IPv4 address`, where);
      return { oid: vb.oid, type, value: v };
    case 'Null':
      return { oid: vb.oid, type, value: null };
    default:
      throw new SendTrapError(`${where}: type ${vb.type} cannot be sent`, where);
  }
}

/**
 * A varbind as `snmptrap` takes it, `OID=TYPE:VALUE` with snmptrap's type letters:
 * s (string), x (hex), i (integer), u (unsigned / Gauge), c (Counter), C (Counter64), t (TimeTicks),
 * a (IP address), o (OID), n (null). `1.3.6.1.2.1.1.5.0=s:router1`.
 */
export function parseVarbindArg(text: string): TrapVarbind {
  const m = /^([^=]+)=([a-zA-Z]):(.*)$/s.exec(text);
  if (!m) throw new SendTrapError(`'${text}' is not a varbind OID=TYPE:VALUE (e.g. 1.3.6.1.2.1.1.5.0=s:router1)`);
  const [, oid, letter, value] = m;
  if (!parseOid(oid.trim()).ok) throw new SendTrapError(`'${text}': '${oid}' is not an OID`);
  const types: Record<string, string> = { s: 'OctetString', x: 'OctetString', i: 'Integer', u: 'Gauge', c: 'Counter', C: 'Counter64', t: 'TimeTicks', a: 'IpAddress', o: 'OID', n: 'Null' };
  const type = types[letter];
  if (!type) throw new SendTrapError(`'${text}': unknown type letter '${letter}' (s, x, i, u, c, C, t, a, o, n)`);
  let v: unknown = value;
  if (letter === 'x') {
    const hexText = value.replace(/[\s:]/g, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(hexText)) throw new SendTrapError(`'${text}': '${value}' is not hex bytes`);
    v = `0x${hexText}`;
  } else if ('iuct'.includes(letter)) {
    if (!/^-?\d+$/.test(value)) throw new SendTrapError(`'${text}': '${value}' is not an integer`);
    v = Number(value);
  } else if (letter === 'C') {
    if (!/^\d+$/.test(value)) throw new SendTrapError(`'${text}': '${value}' is not an unsigned integer`);
  } else if (letter === 'n') {
    v = null;
  }
  const vb = { oid: oid.trim().replace(/^\./, ''), type, value: v };
  encodeValue(vb, 0); // refuse what cannot be sent now, with the argument in the message
  return vb;
}


/** Send one trap; resolves once it left this host (traps are not acknowledged). */
export async function sendTrap(o: SendTrapOptions): Promise<SendTrapResult> {
  const port = o.port ?? 162;
  if (!isPort(port)) throw new SendTrapError(`port must be ${PORT_RULE}, got ${port}`, 'port');
  const oid = parseOid(o.trapOid);
  if (!oid.ok) throw new SendTrapError(`trapOid: ${oid.message}`, 'trapOid');
  const trapOid = oid.value.join('.');
  const varbinds = (o.varbinds ?? []).map(encodeValue);
  const sessionOptions: snmp.SessionOptions = {
    port,
    trapPort: port,
    retries: 0,
    timeout: 2000,
    ...(o.sourceAddress ? { sourceAddress: o.sourceAddress } : {}),
    ...(o.sourcePort ? { sourcePort: o.sourcePort } : {}),
  };
  let session: snmp.Session;
  let typeOrOid: string | number = trapOid;
  const result: SendTrapResult = { version: o.version, host: o.host, port, trapOid, varbinds: varbinds.length };
  const options: { agentAddr?: string; upTime?: number } = { ...(o.uptime !== undefined ? { upTime: o.uptime } : {}) };
  if (o.version === 'v3') {
    const u = o.user;
    if (!u || !u.name) throw new SendTrapError('a v3 trap needs a user', 'user');
    const level = u.level ?? (u.privKey ? 'authPriv' : u.authKey ? 'authNoPriv' : 'noAuthNoPriv');
    const user: snmp.V3User = { name: u.name, level: snmp.SecurityLevel[level] };
    if (level !== 'noAuthNoPriv') {
      const ap = u.authProtocol ?? 'sha';
      if (!isSnmpAuthProtocol(ap)) throw new SendTrapError(`unknown auth protocol '${ap}' (${SNMP_AUTH_PROTOCOLS.join(', ')})`, 'user.authProtocol');
      if (!isSnmpKey(u.authKey)) throw new SendTrapError(`the auth key ${SNMP_KEY_RULE}`, 'user.authKey');
      user.authProtocol = snmp.AuthProtocols[ap];
      user.authKey = u.authKey;
    }
    if (level === 'authPriv') {
      const pp = u.privProtocol ?? 'aes';
      if (!isSnmpPrivProtocol(pp)) throw new SendTrapError(`unknown privacy protocol '${pp}' (${SNMP_PRIV_PROTOCOLS.join(', ')})`, 'user.privProtocol');
      if (!isSnmpKey(u.privKey)) throw new SendTrapError(`the privacy key ${SNMP_KEY_RULE}`, 'user.privKey');
      user.privProtocol = snmp.PrivProtocols[pp];
      user.privKey = u.privKey;
    }
    session = snmp.createV3Session(o.host, user, { ...sessionOptions, version: snmp.Version3 });
  } else {
    session = snmp.createSession(o.host, o.community ?? 'public', {
      ...sessionOptions,
      version: o.version === 'v1' ? snmp.Version1 : snmp.Version2c,
    });
    if (o.version === 'v1') {
      const agent = o.agentAddress ?? '127.0.0.1';
      if (parseIpv4(agent) === undefined) throw new SendTrapError(`agentAddress: '${agent}' is not an IPv4 address`, 'agentAddress');
      options.agentAddr = agent;
      let v1: { enterprise: string; generic: number; specific: number };
      if (o.enterprise !== undefined) {
        const e = parseOid(o.enterprise);
        if (!e.ok) throw new SendTrapError(`enterprise: ${e.message}`, 'enterprise');
        v1 = { enterprise: e.value.join('.'), generic: o.genericTrap ?? 6, specific: o.specificTrap ?? 0 };
      } else {
        v1 = trapOidToV1(trapOid);
      }
      // net-snmp: a number is a generic trap (enterprise 1.3.6.1.4.1); a string is
      // `<enterprise>.<specific>` with generic 6.
      if (v1.generic !== 6) typeOrOid = v1.generic;
      else typeOrOid = `${v1.enterprise}.${v1.specific}`;
      Object.assign(result, {
        enterprise: v1.generic !== 6 ? '1.3.6.1.4.1' : v1.enterprise,
        genericTrap: v1.generic,
        specificTrap: v1.generic !== 6 ? 0 : v1.specific,
      });
    }
  }
  try {
    await new Promise<void>((resolve, reject) => {
      session.on('error', (err) => reject(err as Error));
      try {
        session.trap(typeOrOid, varbinds, options, (err) => (err ? reject(err) : resolve()));
      } catch (err) {
        reject(err as Error);
      }
    });
  } catch (err) {
    throw new SendTrapError(`could not send the trap to ${o.host}:${port}: ${(err as Error).message}`);
  } finally {
    try {
      session.close();
    } catch {
      /* closed */
    }
  }
  return result;
}
