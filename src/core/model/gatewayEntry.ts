/**
 * The rule of one `flowgate.gateways` entry (VS Code's Add Gateway, and anything else that writes
 * the list): a name people tell apart, a URL a client may call, an optional credentials file.
 */
import type { ApiErrorDetail } from '../api/types';
import { LIMITS } from '../limits';
import { hasControlChars } from './controlChars';

export interface GatewayEntry {
  name: string;
  url: string;
  credentialsFile?: string;
}

/** The URL as the list keeps it: origin and path, no trailing slash. */
export function normalizeGatewayEntryUrl(url: string): string {
  const u = new URL(url.trim());
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** Problems of the URL alone (for an input box's live validation); [] when it is fine. */
export function gatewayUrlProblems(url: string): ApiErrorDetail[] {
  const field = 'url';
  const text = url.trim();
  if (!text) return [{ field, message: 'is required (for example https://gateway.example.com or http://127.0.0.1:8722)' }];
  if (text.length > LIMITS.urlLength) return [{ field, message: `must be at most ${LIMITS.urlLength} characters` }];
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return [{ field, message: `"${text.slice(0, 100)}" is not a URL (for example https://gateway.example.com)` }];
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return [{ field, message: `must be http: or https:, not ${u.protocol}` }];
  if (u.username || u.password) return [{ field, message: 'must not hold a user name or password: give credentials in a credentials file' }];
  if (u.search || u.hash) return [{ field, message: 'must not have a query or fragment' }];
  return [];
}

/** Problems of an entry to add to `existing`; [] when it can be added. */
export function gatewayEntryProblems(entry: GatewayEntry, existing: readonly GatewayEntry[]): ApiErrorDetail[] {
  const problems: ApiErrorDetail[] = [];
  const name = entry.name.trim();
  if (!name) problems.push({ field: 'name', message: 'is required' });
  else if (name.length > LIMITS.nameLength) problems.push({ field: 'name', message: `must be at most ${LIMITS.nameLength} characters` });
  else if (hasControlChars(name)) problems.push({ field: 'name', message: 'must not contain control characters' });
  else if (existing.some((g) => g.name.trim().toLowerCase() === name.toLowerCase())) problems.push({ field: 'name', message: `a gateway named "${name}" is already configured` });
  const urlProblems = gatewayUrlProblems(entry.url);
  problems.push(...urlProblems);
  if (urlProblems.length === 0) {
    const url = normalizeGatewayEntryUrl(entry.url);
    const same = existing.find((g) => {
      try {
        return normalizeGatewayEntryUrl(g.url) === url;
      } catch {
        return false;
      }
    });
    if (same) problems.push({ field: 'url', message: `${url} is already configured as "${same.name}"` });
  }
  if (entry.credentialsFile !== undefined) {
    const f = entry.credentialsFile.trim();
    if (!f) problems.push({ field: 'credentialsFile', message: 'must not be empty (leave it out for none)' });
    else if (f.length > LIMITS.tlsPathLength) problems.push({ field: 'credentialsFile', message: `must be at most ${LIMITS.tlsPathLength} characters` });
    else if (hasControlChars(f)) problems.push({ field: 'credentialsFile', message: 'must not contain control characters' });
  }
  return problems;
}
