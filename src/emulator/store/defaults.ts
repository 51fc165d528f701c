/**
 * The default-version rules of DESIGN.md ("Publishing and defaults"), as pure functions over a
 * stored package. Publishing and unpublishing go through here so every rule holds in one place.
 */
import type { StoredPackage, StoredVersion } from './schema';

export interface DefaultVersionState {
  defaultVersion: number | null;
  defaultIsExplicit: boolean;
}

function versionsOf(pkg: StoredPackage): StoredVersion[] {
  return Object.values(pkg.versions);
}

export function hasPublishedVersion(pkg: StoredPackage): boolean {
  return versionsOf(pkg).some((v) => v.published);
}

/** Rules 1–2: the most recently published version that is still published. */
export function implicitDefault(pkg: StoredPackage): number | null {
  let best: StoredVersion | null = null;
  for (const v of versionsOf(pkg)) {
    if (!v.published) continue;
    if (!best || (v.publishSeq ?? 0) > (best.publishSeq ?? 0)) best = v;
  }
  return best ? best.version : null;
}

/** Rules 3–5: an explicit default wins while published; unpublished, there is no default at all. */
export function defaultVersionOf(pkg: StoredPackage): DefaultVersionState {
  if (pkg.explicitDefaultVersion != null) {
    const v = pkg.versions[String(pkg.explicitDefaultVersion)];
    return { defaultVersion: v && v.published ? v.version : null, defaultIsExplicit: true };
  }
  return { defaultVersion: implicitDefault(pkg), defaultIsExplicit: false };
}

/** Publish a version (no-op when already published). `seq` is the next publish counter value. */
export function applyPublish(pkg: StoredPackage, version: number, seq: number, now: string): boolean {
  const v = pkg.versions[String(version)];
  if (!v || v.published) return false;
  // Rule 6: when nothing was published, the republished version becomes the implicit default,
  // even if it was the explicit one before.
  if (!hasPublishedVersion(pkg)) pkg.explicitDefaultVersion = null;
  v.published = true;
  v.publishSeq = seq;
  v.publishedAt = now;
  return true;
}

/** Unpublish a version (no-op when not published). The explicit default setting is kept (rules 4–5). */
export function applyUnpublish(pkg: StoredPackage, version: number, now: string): boolean {
  const v = pkg.versions[String(version)];
  if (!v || !v.published) return false;
  v.published = false;
  v.unpublishedAt = now;
  return true;
}
