/**
 * Export of a version as a package file that re-imports on any gateway as the same name and
 * version, carrying the version's current authorisation, schedules and triggers (never a secret:
 * SNMPv3 keys are gateway configuration, not part of a version).
 *
 * While the settings are those the stored file carries, the stored bytes are returned unchanged
 * (whoever built them, their digest). Once they were changed on this gateway the file is rebuilt
 * from the stored definitions and instructions with the current settings, createdBy = this
 * gateway. Either way, uploading the export here again is the identical no-op (see
 * versionSettings.ts: an upload equal to the version's current content is "the same version").
 */
import { promises as fs } from 'node:fs';
import { buildPackageFile, readPackageFile } from '../../core/package/packageFile';
import type { PackageStore } from './packageStore';
import { currentContentDigest, fileSettings } from './versionSettings';

export async function exportVersion(store: PackageStore, gatewayName: string, name: string, version: number): Promise<Uint8Array> {
  const v = store.storedVersion(name, version); // 404s
  const stored = new Uint8Array(await fs.readFile(store.versionFilePath(name, version)));
  if (currentContentDigest(name, v) === v.contentDigest) return stored;
  const file = await readPackageFile(stored);
  const { bytes } = await buildPackageFile({
    name,
    version,
    ...(file.manifest.description !== undefined ? { description: file.manifest.description } : {}),
    createdBy: gatewayName,
    definitions: file.sources,
    instructions: file.instructions,
    ...fileSettings(v),
  });
  return bytes;
}
