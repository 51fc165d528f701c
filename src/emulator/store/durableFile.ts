/**
 * Durable, private files in the data folder. Every file the store writes goes through here:
 *
 * - `writeFileDurable`: a temporary file in the same folder (created 0600, short random name —
 *   never derived from caller text), written and fsync'ed, renamed over the target, then the
 *   folder fsync'ed. A crash leaves the old or the new file; once the promise resolves, power loss
 *   cannot undo the write.
 * - `appendDurable`: append a line and fsync (audit records).
 * - `removeDurable`: unlink and fsync the folder.
 * - `privateDir` / `tightenTree`: the data folder is 0700, every folder in it 0700 and every file
 *   0600 (existing folders are tightened when the store opens). Symbolic links are never followed.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { LOCK_FILE } from '../dataLock';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
/** Temporary files of `writeFileDurable`: `.fg-<hex>.tmp` in the target's folder. */
export const TEMP_FILE_PATTERN = /^\.fg-[0-9a-f]{16}\.tmp$/;

/** fsync a folder so a rename or unlink in it survives power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
    await handle.sync();
  } catch (err) {
    // Some file systems refuse fsync on folders (EINVAL, EISDIR on a few platforms): nothing more can be done there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Create `dir` (and its parents inside the data folder) with mode 0700. */
export async function privateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
}

/** Write to a temporary file in the same folder, fsync, rename over the target, fsync the folder. */
export async function writeFileDurable(file: string, bytes: Uint8Array | string): Promise<void> {
  const dir = path.dirname(file);
  await privateDir(dir);
  const tmp = path.join(dir, `.fg-${randomBytes(8).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx', FILE_MODE);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Append `text` to `file` (created 0600) and fsync it. */
export async function appendDurable(file: string, text: string): Promise<void> {
  const created = !(await exists(file));
  const handle = await fs.open(file, 'a', FILE_MODE);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (created) await fsyncDir(path.dirname(file));
}

/** Remove a file (absent is fine) and fsync its folder. */
export async function removeDurable(file: string): Promise<void> {
  await fs.rm(file, { force: true });
  await fsyncDir(path.dirname(file));
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The data folder and what the gateway keeps in it private: folders 0700, files 0600. Only the
 * entries named in `ours` (top level) are walked, and the folder itself is changed only when it is
 * a Flowgate data folder (it holds one of `markers` — store.json, secret.key —, or nothing yet) — pointing `--data` at a home or
 * shared folder never changes anything else in it. Symbolic links are neither followed nor
 * changed. Leftover temporary files of interrupted writes are removed.
 */
export async function tightenTree(root: string, ours: ReadonlySet<string>, markers: readonly string[]): Promise<void> {
  const top = await fs.readdir(root).catch(() => [] as string[]);
  // A new folder holds nothing yet but the gateway's lock (dataLock.ts).
  if (top.every((n) => n === LOCK_FILE) || markers.some((m) => top.includes(m))) await fs.chmod(root, DIR_MODE);
  else console.error(`Flowgate emulator: ${root} holds other files than a data folder's; its own mode is left as it is`);
  const visit = async (p: string, name: string): Promise<void> => {
    const st = await fs.lstat(p).catch(() => undefined);
    if (!st || st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      await fs.chmod(p, DIR_MODE).catch(() => undefined);
      const entries = await fs.readdir(p).catch(() => [] as string[]);
      for (const e of entries) await visit(path.join(p, e), e);
    } else if (st.isFile()) {
      if (TEMP_FILE_PATTERN.test(name)) {
        await fs.rm(p, { force: true }).catch(() => undefined);
        return;
      }
      await fs.chmod(p, FILE_MODE).catch(() => undefined);
    }
  };
  for (const name of top) {
    // lowdb's own temporary file (format 1: `.store.json.tmp`) may hold SNMPv3 keys in clear.
    if (markers.some((m) => name === `.${m}.tmp`)) await fs.rm(path.join(root, name), { force: true }).catch(() => undefined);
    else if (ours.has(name) || TEMP_FILE_PATTERN.test(name)) await visit(path.join(root, name), name);
  }
}
