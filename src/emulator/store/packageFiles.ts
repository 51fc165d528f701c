/** Package files on disk: `<data>/packages/<name>/<version>.fgpkg`, written atomically. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export function packageFileRelPath(name: string, version: number): string {
  return `packages/${name}/${version}.fgpkg`;
}

/** Write to a temporary file in the same folder, then rename over the target. */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
