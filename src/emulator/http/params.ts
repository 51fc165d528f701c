/** Parsing path and query parameters with API errors. */
import { badRequest } from '../errors';

export function parseVersion(raw: unknown, field = 'version'): number {
  const s = String(raw ?? '');
  if (!/^[1-9][0-9]{0,8}$/.test(s)) throw badRequest(`${field} must be a positive integer, got '${s}'`, [{ field, message: 'not a positive integer' }]);
  return Number(s);
}

/** A single optional string query value (repeated values are refused). */
export function queryString(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw badRequest(`Query parameter ${name} must be given once`, [{ field: name, message: 'repeated or malformed' }]);
  return v;
}
