/**
 * Connection secrets on a gateway: the rules for a secret's name, its value and its grants, once for
 * the gateway's secrets API, its schema, the CLI (`flowgate secret`) and the extension.
 *
 * A secret is granted to connections of named packages — `{package, connection}` pairs (`PKG/CONN`
 * on the command line) — never to a bare connection name: a connection name is not unique across
 * packages, so another package declaring a connection of the same name gets nothing.
 */
import type { ApiErrorDetail } from '../api/types';
import { LIMITS } from '../limits';
import { hasControlChars } from '../model/controlChars';
import { isPackageName } from '../model/packageDraft';
import { isReservedName } from '../model/reservedNames';

/** Secret names: what a connection's `auth.secret` may name (connection.schema.json's `secretName`). */
export const SECRET_NAME_PATTERN = '^[A-Za-z0-9_.-]+$';
export const SECRET_NAME_MAX = 256;
const NAME = new RegExp(SECRET_NAME_PATTERN);

export interface SecretGrant {
  /** The package whose connection may use the secret. */
  package: string;
  /** The connection's id in that package (`crm` or `folder/crm`). */
  connection: string;
}

export function isSecretName(name: unknown): name is string {
  return typeof name === 'string' && name.length >= 1 && name.length <= SECRET_NAME_MAX && NAME.test(name) && !isReservedName(name);
}

/** What a secret name must be, in words (errors build on it). */
export const SECRET_NAME_RULE = `1 to ${SECRET_NAME_MAX} letters, digits, '.', '-' and '_'`;
export const SECRET_VALUE_RULE = `${LIMITS.secretValueMin} to ${LIMITS.secretValueLength} characters`;

/** Problems of a value (never quoting it). */
export function secretValueProblems(value: unknown, field = 'value'): ApiErrorDetail[] {
  if (typeof value !== 'string') return [{ field, message: 'must be a string' }];
  if (value.length < LIMITS.secretValueMin || value.length > LIMITS.secretValueLength) return [{ field, message: `must be ${SECRET_VALUE_RULE}` }];
  return [];
}

const isConnectionId = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= LIMITS.definitionIdLength && !hasControlChars(v) && !v.startsWith('/') && !v.endsWith('/');

/** Problems of a grant list (`field[i].package`, `field[i].connection`), duplicates included. */
export function secretGrantProblems(grants: unknown, field = 'grants'): ApiErrorDetail[] {
  if (!Array.isArray(grants)) return [{ field, message: 'must be a list of {package, connection}' }];
  if (grants.length > LIMITS.secretGrants) return [{ field, message: `at most ${LIMITS.secretGrants} grants` }];
  const out: ApiErrorDetail[] = [];
  const seen = new Set<string>();
  grants.forEach((g, i) => {
    const at = `${field}[${i}]`;
    if (!g || typeof g !== 'object' || Array.isArray(g)) return void out.push({ field: at, message: 'must be {package, connection}' });
    const r = g as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'package' && k !== 'connection') out.push({ field: `${at}.${k}`, message: `unknown property '${k}'` });
    if (!isPackageName(r.package)) out.push({ field: `${at}.package`, message: 'must be a package name (letters, digits, - and _)' });
    if (!isConnectionId(r.connection)) out.push({ field: `${at}.connection`, message: 'must be a connection id (folders and name)' });
    const key = grantKey(r as unknown as SecretGrant);
    if (seen.has(key)) out.push({ field: at, message: `${key} is listed twice` });
    seen.add(key);
  });
  return out;
}

/** `PKG/CONN`: how a grant is written on the command line, in audit records and messages. */
export const grantKey = (g: SecretGrant): string => `${String(g.package)}/${String(g.connection)}`;

/** `PKG/CONN` (the first `/` ends the package name: package names have none) → a grant, or undefined. */
export function parseGrant(text: string): SecretGrant | undefined {
  const i = text.indexOf('/');
  if (i <= 0 || i === text.length - 1) return undefined;
  const g = { package: text.slice(0, i), connection: text.slice(i + 1) };
  return secretGrantProblems([g]).length ? undefined : g;
}
