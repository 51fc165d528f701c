/**
 * Promotion, source side (issue 10): what targets did with this gateway's versions, and withdraw.
 *
 * A target reports each step it takes with a version it pulled from here — ACCEPTED (pulled),
 * PROMOTED (applied), REJECTED (with a reason) — through its durable outbox, which may deliver a
 * notice more than once (a crash between the source's answer and the target's bookkeeping). Each
 * event carries an id chosen by the target: an id already recorded changes nothing (`recorded:
 * false`), so the effect is exactly once. The version's status follows the latest event; the
 * history keeps every event per target (who, when, which target, reason), oldest first.
 *
 * Withdraw: an Admin of this gateway takes back a SUBMITTED version no target has pulled; it is no
 * longer offered (status OPEN, as a draft being worked on) and the history records WITHDRAWN.
 */
import { randomBytes } from 'node:crypto';
import type { HistoryEntry, PackageStatus, RecordEventRequest, RecordEventResponse, TargetState, VersionHistoryResponse } from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import { ApiError, conflict, notFound } from '../errors';
import type { StoreData, StoredVersion } from '../store/schema';
import type { PackageStore } from '../store/packageStore';
import { currentContentDigest } from '../store/versionSettings';

/** The version record in the store's data (404s as the package routes do). */
function versionIn(data: StoreData, name: string, version: number): StoredVersion {
  const pkg = Object.prototype.hasOwnProperty.call(data.packages, name) ? data.packages[name] : undefined;
  if (!pkg) throw notFound('package-not-found', `Package ${name} does not exist on this gateway`);
  const v = Object.prototype.hasOwnProperty.call(pkg.versions, String(version)) ? pkg.versions[String(version)] : undefined;
  if (!v) throw notFound('version-not-found', `Package ${name} has no version ${version} on this gateway`);
  return v;
}

/** The latest state per target (WITHDRAWN is this gateway's own event, not a target's). */
export function targetStates(history: readonly HistoryEntry[]): TargetState[] {
  const latest = new Map<string, TargetState>();
  for (const e of history) {
    if (e.event === 'WITHDRAWN') continue;
    latest.set(e.target, { target: e.target, status: e.event, at: e.at, ...(e.reason !== undefined ? { reason: e.reason } : {}) });
  }
  return [...latest.values()].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

/** Whether any target has pulled the version (an ACCEPTED, PROMOTED or REJECTED event). */
export function wasPulled(v: Pick<StoredVersion, 'history'>): boolean {
  return (v.history ?? []).some((e) => e.event !== 'WITHDRAWN');
}

export function versionHistory(store: PackageStore, name: string, version: number): VersionHistoryResponse {
  const v = versionIn(store.state as StoreData, name, version);
  const history = [...(v.history ?? [])];
  return { name, version, status: v.status, targets: targetStates(history), history };
}

/**
 * Records a target's event (idempotent by its id). The event must be about the content this
 * version holds — as stored, or as its export carries it now (settings changed on this gateway
 * give the export another digest) — or it is 409 version-conflict.
 */
export function recordEvent(store: PackageStore, name: string, version: number, event: RecordEventRequest): Promise<RecordEventResponse> {
  return store.mutate((data) => {
    const v = versionIn(data, name, version);
    const history = (v.history ??= []);
    if (history.some((e) => e.id === event.id)) return { recorded: false, status: v.status };
    if (event.contentDigest !== v.contentDigest && event.contentDigest !== currentContentDigest(name, v)) {
      throw conflict('version-conflict', `The event is about other content than version ${version} of package ${name} holds on this gateway`, [
        { field: 'contentDigest', message: `this gateway holds ${v.contentDigest}` },
      ]);
    }
    if (Number.isNaN(Date.parse(event.at))) throw new ApiError(400, 'bad-request', 'at must be an ISO date and time', [{ field: 'at', message: 'not a date and time' }]);
    if (event.event === 'REJECTED' && event.reason === undefined) {
      throw new ApiError(400, 'bad-request', 'A REJECTED event needs its reason', [{ field: 'reason', message: 'required for REJECTED' }]);
    }
    if (history.length >= LIMITS.historyEntriesPerVersion) {
      throw new ApiError(507, 'quota-exceeded', `Version ${version} of package ${name} holds ${LIMITS.historyEntriesPerVersion} history events, the most it keeps`, [
        { field: 'id', message: `history beyond ${LIMITS.historyEntriesPerVersion} events` },
      ]);
    }
    const targets = new Set(history.map((e) => e.target));
    if (!targets.has(event.target) && targets.size >= LIMITS.promotionTargets) {
      throw new ApiError(507, 'quota-exceeded', `Version ${version} of package ${name} has events from ${LIMITS.promotionTargets} targets, the most it keeps`, [
        { field: 'target', message: `a target beyond ${LIMITS.promotionTargets}` },
      ]);
    }
    history.push({
      id: event.id,
      event: event.event,
      target: event.target,
      at: event.at,
      by: event.by,
      ...(event.reason !== undefined ? { reason: event.reason } : {}),
      recordedAt: new Date().toISOString(),
    });
    // The status follows the latest event a target reported.
    v.status = event.event satisfies PackageStatus;
    return { recorded: true, status: v.status };
  });
}

/** Withdraws a SUBMITTED version no target has pulled: status OPEN, no longer offered, WITHDRAWN in its history. */
export function withdraw(store: PackageStore, gatewayName: string, name: string, version: number, by: string): Promise<void> {
  return store.mutate((data) => {
    const v = versionIn(data, name, version);
    if (wasPulled(v)) {
      const targets = targetStates(v.history ?? []).map((t) => `${t.target} (${t.status})`);
      throw conflict('already-pulled', `Version ${version} of package ${name} was already pulled by ${targets.join(', ')}; it cannot be withdrawn`, [
        { field: 'version', message: 'pulled by a target' },
      ]);
    }
    if (v.status !== 'SUBMITTED') {
      throw conflict('not-submitted', `Version ${version} of package ${name} is ${v.status}, not SUBMITTED; only a submitted version can be withdrawn`, [
        { field: 'version', message: v.status },
      ]);
    }
    const history = (v.history ??= []);
    const now = new Date().toISOString();
    history.push({ id: `withdrawn-${randomBytes(9).toString('base64url')}`, event: 'WITHDRAWN', target: gatewayName, at: now, by, recordedAt: now });
    v.status = 'OPEN';
  });
}
