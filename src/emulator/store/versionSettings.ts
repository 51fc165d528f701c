/**
 * A version's operational settings — authorisation, schedules, triggers — as a package file
 * carries them (no ids, never a secret: SNMPv3 keys live in the gateway's user list, which no
 * file carries), as a new version inherits them (deep copies, fresh ids), and the digests that
 * decide when an upload is "the same version".
 *
 * The same version (an upload that is a no-op) is: the same definitions and instructions, and
 * settings equal either to those the version was uploaded with (the original content digest) or
 * to its current settings (what an export of it carries now).
 */
import { randomUUID } from 'node:crypto';
import type { FlowSignature } from '../../core/api/types';
import type { PackageManifest } from '../../core/model/manifest';
import type { Schedule } from '../../core/model/schedule';
import type { Trigger } from '../../core/model/trigger';
import { canonicalJson } from '../../core/package/canonicalJson';
import { computeContentDigest } from '../../core/package/packageFile';
import { schedulesFromManifest, triggersFromManifest } from '../../core/settings/fromManifest';
import type { ReadonlyVersion } from './schema';

export interface FileSettings {
  authorisation: { groups: string[] };
  schedules: Record<string, unknown>[];
  triggers: Record<string, unknown>[];
}

function withoutId<T extends { id: string }>(item: T): Record<string, unknown> {
  const { id: _id, ...rest } = structuredClone(item);
  return rest;
}

function groupsOf(groups: readonly string[] | undefined): string[] {
  return [...new Set(groups ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The settings as a package file of this version carries them now. */
export function fileSettings(v: Pick<ReadonlyVersion, 'authorisation' | 'schedules' | 'triggers'>): FileSettings {
  return {
    authorisation: { groups: groupsOf(v.authorisation?.groups) },
    schedules: (v.schedules ?? []).map(withoutId),
    triggers: (v.triggers ?? []).map(withoutId),
  };
}

/** What a new version inherits: deep copies, schedules and triggers with fresh ids. */
export function inheritedSettings(v: ReadonlyVersion): { authorisation: { groups: string[] }; schedules: Schedule[]; triggers: Trigger[] } {
  return {
    authorisation: { groups: [...(v.authorisation?.groups ?? [])] },
    schedules: (v.schedules ?? []).map((s) => ({ ...structuredClone(s), id: randomUUID() })),
    triggers: (v.triggers ?? []).map((t) => ({ ...structuredClone(t), id: randomUUID() })),
  };
}

/** Content digest of the stored version with its current settings: an export's digest. */
export function currentContentDigest(packageName: string, v: ReadonlyVersion): string {
  return computeContentDigest({
    name: packageName,
    version: v.version,
    definitions: v.manifest.definitions,
    instructions: { sha256: v.manifest.instructionsSha256 },
    ...fileSettings(v),
  });
}

/** Definitions and instructions only. */
function definitionsDigest(name: string, version: number, definitions: PackageManifest['definitions'], instructionsSha: string): string {
  return computeContentDigest({
    name,
    version,
    definitions,
    instructions: { sha256: instructionsSha },
    authorisation: { groups: [] },
    schedules: [],
    triggers: [],
  });
}

/**
 * Whether an uploaded file is the stored version as it is now: same definitions and
 * instructions, and settings that — taken in as an upload takes them in — equal the current ones.
 */
export function matchesCurrentVersion(
  packageName: string,
  existing: ReadonlyVersion,
  manifest: PackageManifest,
  flows: FlowSignature[],
): boolean {
  if (manifest.contentDigest === existing.contentDigest) return true;
  if (manifest.contentDigest === currentContentDigest(packageName, existing)) return true;
  const stored = definitionsDigest(packageName, existing.version, existing.manifest.definitions, existing.manifest.instructionsSha256);
  const uploaded = definitionsDigest(manifest.name, manifest.version, manifest.definitions, manifest.instructions.sha256);
  if (stored !== uploaded) return false;
  const schedules = schedulesFromManifest(manifest.schedules, flows);
  const triggers = triggersFromManifest(manifest.triggers, flows);
  if (!schedules.ok || !triggers.ok) return false;
  const taken: FileSettings = fileSettings({ authorisation: manifest.authorisation, schedules: schedules.value, triggers: triggers.value });
  return canonicalJson(taken) === canonicalJson(fileSettings(existing));
}
