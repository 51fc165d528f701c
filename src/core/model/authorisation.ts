/**
 * A package version's authorisation as the clients present it (the command line's `flowgate
 * authorisation`, the VS Code Authorisation page): what a list of groups means, and the checks of
 * a list of group names before it is sent (the gateway checks them again and names the groups its
 * directory lacks as `groups[i]`). One text and one rule for both clients.
 */
import type { ApiErrorDetail } from '../api/types';
import { LIMITS } from '../limits';
import { hasControlChars } from './controlChars';

/** What a version with no groups means. */
export const OPEN_AUTHORISATION_TEXT = "No groups: anyone may execute this version's flows";
/** What a version with groups means. */
export const GUARDED_AUTHORISATION_TEXT = 'Members of these groups and Admins may execute';

/** One line saying who may execute a version with these groups. */
export function authorisationMeaning(groups: readonly string[]): string {
  return groups.length === 0 ? OPEN_AUTHORISATION_TEXT : `${GUARDED_AUTHORISATION_TEXT} this version's flows`;
}

/**
 * Problems of a list of group names (field `groups[i]`, or `groups` for the list): each a non-empty
 * string of at most LIMITS.directoryNameLength characters without control characters, no name
 * twice, at most LIMITS.authorisationGroups of them. `field` renames the list (`--group`).
 */
export function groupListProblems(groups: unknown, field = 'groups'): ApiErrorDetail[] {
  if (!Array.isArray(groups)) return [{ field, message: 'must be a list of group names' }];
  if (groups.length > LIMITS.authorisationGroups) return [{ field, message: `at most ${LIMITS.authorisationGroups} groups (got ${groups.length})` }];
  const out: ApiErrorDetail[] = [];
  const seen = new Set<string>();
  groups.forEach((g: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof g !== 'string') out.push({ field: at, message: `must be a group name (a string), got ${g === null ? 'null' : typeof g}` });
    else if (g.trim() === '') out.push({ field: at, message: 'must not be empty' });
    else if (g.length > LIMITS.directoryNameLength) out.push({ field: at, message: `at most ${LIMITS.directoryNameLength} characters (got ${g.length})` });
    else if (hasControlChars(g)) out.push({ field: at, message: 'must not contain control characters (newlines, tabs, NUL)' });
    else if (seen.has(g)) out.push({ field: at, message: `'${g}' is listed twice` });
    else seen.add(g);
  });
  return out.slice(0, 50);
}

/** A group name as a gateway may answer it: 1 to LIMITS.directoryNameLength characters, no control characters. */
function isGroupName(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= LIMITS.directoryNameLength && !hasControlChars(v);
}

/**
 * What is wrong with a gateway's answer `{"groups": [name, …]}` (GET/PUT …/authorisation), or
 * undefined when it is one. A client checks it before showing it: names with control characters
 * (terminal escapes) or an unbounded list are refused, whoever answered.
 */
export function authorisationAnswerProblem(body: unknown): string | undefined {
  const groups = (body as { groups?: unknown } | null)?.groups;
  if (!body || typeof body !== 'object' || !Array.isArray(groups)) return 'not {"groups": [...]}';
  if (groups.length > LIMITS.authorisationGroups) return `more than ${LIMITS.authorisationGroups} groups`;
  const bad = groups.findIndex((g) => !isGroupName(g));
  return bad >= 0 ? `groups[${bad}] is not a group name (1 to ${LIMITS.directoryNameLength} characters, no control characters)` : undefined;
}

/** The same for GET /api/v1/directory/groups: `{"groups": [{"name", "members"?}, …]}`. */
export function directoryGroupsAnswerProblem(body: unknown): string | undefined {
  const groups = (body as { groups?: unknown } | null)?.groups;
  if (!body || typeof body !== 'object' || !Array.isArray(groups)) return 'not {"groups": [...]}';
  if (groups.length > LIMITS.directoryGroups) return `more than ${LIMITS.directoryGroups} groups`;
  const bad = groups.findIndex((g) => {
    const o = g as { name?: unknown; members?: unknown } | null;
    return !o || typeof o !== 'object' || !isGroupName(o.name) || (o.members !== undefined && !(Number.isSafeInteger(o.members) && (o.members as number) >= 0));
  });
  return bad >= 0 ? `groups[${bad}] is not {"name", "members"?} with a group name (1 to ${LIMITS.directoryNameLength} characters, no control characters)` : undefined;
}
