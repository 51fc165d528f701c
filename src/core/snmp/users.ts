/**
 * SNMPv3 users: the protocol lists and the rules a user must meet, once for the gateway's users API,
 * its schema, the Triggers page's user form and sending a v3 trap (extension, `flowgate trap send`).
 */
import type { ApiErrorDetail } from '../api/types';
import { LIMITS } from '../limits';
import { isReservedName } from '../model/reservedNames';

/** Authentication protocols (net-snmp's names). */
export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
/** Privacy protocols (net-snmp's names). */
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;
/** Security levels of a gateway user (a gateway user always authenticates). */
export const SNMP_USER_LEVELS = ['authNoPriv', 'authPriv'] as const;

export type SnmpAuthProtocol = (typeof SNMP_AUTH_PROTOCOLS)[number];
export type SnmpPrivProtocol = (typeof SNMP_PRIV_PROTOCOLS)[number];
export type SnmpUserLevel = (typeof SNMP_USER_LEVELS)[number];

/** User names: 1 to 32 letters, digits, `.`, `-`, `_` (as JSON Schema `pattern`, and as a RegExp). */
export const SNMP_USER_NAME_PATTERN = '^[A-Za-z0-9._-]+$';
export const SNMP_USER_NAME_MAX = 32;
/** Keys: at least 8 characters (RFC 3414's minimum password length), at most LIMITS.shortStringLength. */
export const SNMP_KEY_MIN = 8;
export const SNMP_KEY_MAX = LIMITS.shortStringLength;

const NAME = new RegExp(SNMP_USER_NAME_PATTERN);

export const isSnmpAuthProtocol = (v: unknown): v is SnmpAuthProtocol => (SNMP_AUTH_PROTOCOLS as readonly unknown[]).includes(v);
export const isSnmpPrivProtocol = (v: unknown): v is SnmpPrivProtocol => (SNMP_PRIV_PROTOCOLS as readonly unknown[]).includes(v);

/** Whether `name` may name an SNMPv3 user of a gateway. */
export function isSnmpUserName(name: unknown): name is string {
  return typeof name === 'string' && name.length >= 1 && name.length <= SNMP_USER_NAME_MAX && NAME.test(name) && !isReservedName(name);
}

/** Whether `key` is usable as an auth or privacy key. */
export function isSnmpKey(key: unknown): key is string {
  return typeof key === 'string' && key.length >= SNMP_KEY_MIN && key.length <= SNMP_KEY_MAX;
}

export const SNMP_USER_NAME_RULE = `must be 1 to ${SNMP_USER_NAME_MAX} letters, digits, ".", "-" or "_"`;
export const SNMP_KEY_RULE = `must be a string of at least ${SNMP_KEY_MIN} characters (at most ${SNMP_KEY_MAX})`;

/** A user as checked: keys already resolved (a replacement that keeps a key passes the kept one). */
export interface SnmpUserCandidate {
  name?: unknown;
  level?: unknown;
  authProtocol?: unknown;
  authKey?: unknown;
  privProtocol?: unknown;
  privKey?: unknown;
}

/**
 * Every problem of a gateway user, one per field (`name`, `level`, `authProtocol`, `authKey`,
 * `privProtocol`, `privKey`, prefixed by `prefix`). No message holds a key's value.
 */
export function snmpUserProblems(u: SnmpUserCandidate, prefix = ''): ApiErrorDetail[] {
  const out: ApiErrorDetail[] = [];
  const err = (field: string, message: string) => out.push({ field: prefix + field, message });
  if (!isSnmpUserName(u.name)) err('name', SNMP_USER_NAME_RULE);
  if (u.level !== 'authNoPriv' && u.level !== 'authPriv') err('level', 'must be authNoPriv or authPriv');
  if (!isSnmpAuthProtocol(u.authProtocol)) err('authProtocol', `must be one of ${SNMP_AUTH_PROTOCOLS.join(', ')}`);
  if (!isSnmpKey(u.authKey)) err('authKey', SNMP_KEY_RULE);
  if (u.level === 'authPriv') {
    if (!isSnmpPrivProtocol(u.privProtocol)) err('privProtocol', `must be one of ${SNMP_PRIV_PROTOCOLS.join(', ')}`);
    if (!isSnmpKey(u.privKey)) err('privKey', SNMP_KEY_RULE);
  } else {
    if (u.privProtocol !== undefined) err('privProtocol', 'applies to authPriv only');
    if (u.privKey !== undefined) err('privKey', 'applies to authPriv only');
  }
  return out;
}
