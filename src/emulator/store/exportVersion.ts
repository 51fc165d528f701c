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
 *
 * Signatures (issue 10): the file served always carries one. A stored signed file (signed here
 * on upload, or by the source it was promoted from) is served as stored; a stored unsigned file
 * (stored before signing existed) and a rebuilt file are signed by this gateway's current key on
 * the way out (`sign`; absent — an app built without keys — they go out unsigned).
 */
import { promises as fs } from 'node:fs';
import { buildPackageFile, MAX_PACKAGE_ENTRIES, readPackageFile } from '../../core/package/packageFile';
import { SIGNATURE_ENTRY } from '../../core/package/signature';
import { readZipDirectory } from '../../core/package/zipDirectory';
import type { PackageStore } from './packageStore';
import { currentContentDigest, fileSettings } from './versionSettings';

export async function exportVersion(
  store: PackageStore,
  gatewayName: string,
  name: string,
  version: number,
  sign?: (bytes: Uint8Array) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const v = store.storedVersion(name, version); // 404s
  const stored = new Uint8Array(await fs.readFile(store.versionFilePath(name, version)));
  if (currentContentDigest(name, v) === v.contentDigest) {
    const signed = readZipDirectory(stored, MAX_PACKAGE_ENTRIES).some((e) => e.name === SIGNATURE_ENTRY);
    return signed || !sign ? stored : sign(stored);
  }
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
  return sign ? sign(bytes) : bytes;
}
