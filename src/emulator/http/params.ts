/** Parsing path and query parameters with API errors. */
import { LIMITS } from '../../core/limits';
import { badRequest } from '../errors';

export function parseVersion(raw: unknown, field = 'version'): number {
  const s = String(raw ?? '');
  if (!/^[1-9][0-9]{0,8}$/.test(s)) {
    const shown = s.length > 20 ? `${s.slice(0, 20)}…` : s;
    throw badRequest(`${field} must be an integer from 1 to ${LIMITS.maxVersion}, got '${shown}'`, [{ field, message: `not an integer from 1 to ${LIMITS.maxVersion}` }]);
  }
  return Number(s);
}

/** A single optional string query value (repeated values are refused). */
export function queryString(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw badRequest(`Query parameter ${name} must be given once`, [{ field: name, message: 'given more than once' }]);
  return v;
}
