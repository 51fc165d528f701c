/**
 * Promotion's version rules on the target: rollback protection (a version lower than the highest this
 * gateway applied of the package is refused unless allowed) and immutability (name@version already
 * here with other content is refused).
 */
import { conflict } from '../errors';
import type { StoreData } from '../store/schema';

function versionsOf(state: Readonly<StoreData>, name: string) {
  const pkgs = state.packages;
  return Object.prototype.hasOwnProperty.call(pkgs, name) ? pkgs[name].versions : undefined;
}

/** The highest version of `name` applied here from an import (its status may have moved on since: PROMOTED when a further target applied it). */
export function highestApplied(state: Readonly<StoreData>, name: string): number | undefined {
  const applied = Object.values(versionsOf(state, name) ?? {}).filter((v) => v.origin !== undefined || v.status === 'APPLIED').map((v) => v.version);
  return applied.length ? Math.max(...applied) : undefined;
}

/**
 * Why name@version cannot come from content `digest` here (it exists with other content, or — for
 * an import's apply, `importId` — exists at all unless that import applied it), or undefined.
 */
export function versionConflict(state: Readonly<StoreData>, name: string, version: number, digest: string, importId?: string): string | undefined {
  const versions = versionsOf(state, name);
  const v = versions && Object.prototype.hasOwnProperty.call(versions, String(version)) ? versions[String(version)] : undefined;
  if (!v) return undefined;
  if (importId !== undefined && v.origin?.importId === importId) return undefined;
  const existing = v.origin?.sourceDigest ?? v.contentDigest;
  if (existing === digest && importId === undefined) return undefined;
  return existing === digest
    ? `package ${name} version ${version} already exists on this gateway (${v.origin ? `applied from import ${v.origin.importId}` : 'uploaded here'}); versions are immutable`
    : `package ${name} version ${version} already exists on this gateway with other content (${existing}); versions are immutable — the source must submit a new version`;
}

/** 409 rollback-refused for a version lower than the highest applied, unless `allow`. */
export function checkRollback(state: Readonly<StoreData>, name: string, version: number, allow: boolean | undefined): void {
  const highest = highestApplied(state, name);
  if (highest !== undefined && version < highest && !allow) {
    throw conflict('rollback-refused', `Version ${version} of ${name} is lower than version ${highest} this gateway already applied (rollback protection); pass allowRollback: true to take it anyway`, [
      { field: 'version', message: `lower than the applied version ${highest}` },
    ]);
  }
}
