/**
 * Package files on disk: `<data>/packages/<name>/<version>.fgpkg`, written durably (temporary
 * file, fsync, rename, fsync of the folder). The name is a validated package name (letters,
 * digits, `-`, `_`, at most LIMITS.nameLength characters) and the version at most 9 digits, so a
 * path never derives from caller text beyond that bounded, safe form.
 */
import { writeFileDurable } from './durableFile';

export const PACKAGES_DIR = 'packages';

export function packageFileRelPath(name: string, version: number): string {
  return `${PACKAGES_DIR}/${name}/${version}.fgpkg`;
}

/** Durable atomic write (kept under this name for the modules that use it: schedule history). */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await writeFileDurable(file, bytes);
}
