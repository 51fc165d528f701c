/**
 * One gateway per data folder: `<data>/gateway.lock` is created with O_EXCL and holds
 * `{"pid", "startedAt", "host"}` of the gateway that owns the folder. A second gateway on the same
 * folder is refused with the folder and the owner's pid. A lock whose pid is no longer alive (the
 * owner was killed) is stale and taken over; so is a lock file that cannot be read as one (a crash
 * between create and write). The lock is removed when the gateway closes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'gateway.lock';

export interface LockOwner {
  pid: number;
  startedAt?: string;
  host?: string;
}

/** Thrown when another live process holds the folder. */
export class DataFolderLockedError extends Error {
  constructor(readonly dataDir: string, readonly owner: LockOwner) {
    super(
      `The data folder ${dataDir} is in use by another Flowgate gateway (pid ${owner.pid}${owner.startedAt ? `, started ${owner.startedAt}` : ''}). ` +
        `Two gateways must not share a data folder: stop that one (kill ${owner.pid}, or Ctrl+C where it runs), ` +
        `or start this one with another folder (--data <folder> or FLOWGATE_DATA). ` +
        `If no such gateway runs, remove ${path.join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataFolderLockedError';
  }
}

/** True while a process with this pid exists (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    if (text.length > 4096) return undefined;
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid !== 'number' || !Number.isSafeInteger(v.pid) || v.pid <= 0) return undefined;
    return { pid: v.pid, ...(typeof v.startedAt === 'string' ? { startedAt: v.startedAt.slice(0, 64) } : {}), ...(typeof v.host === 'string' ? { host: v.host.slice(0, 256) } : {}) };
  } catch {
    return undefined;
  }
}

function youngerThan(file: string, ms: number): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs < ms;
  } catch {
    return false;
  }
}

export interface DataLock {
  file: string;
  release(): void;
}

/** Take the folder (created 0700 if missing); throws DataFolderLockedError while a live gateway holds it. */
export function lockDataFolder(dataDir: string): DataLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  const body = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), host: os.hostname() });
  for (let attempt = 0; attempt < 40; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(file);
      // Our own pid: another gateway of this process holds the folder.
      if (owner && (owner.pid === process.pid || alive(owner.pid))) throw new DataFolderLockedError(dataDir, owner);
      if (!owner && youngerThan(file, 2000)) {
        // Just created by a starting gateway that has not written its pid yet: wait for it.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        continue;
      }
      // Stale (dead owner) or unreadable for seconds: take it over.
      try {
        fs.unlinkSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      continue;
    }
    try {
      fs.writeSync(fd, body);
    } finally {
      fs.closeSync(fd);
    }
    let released = false;
    return {
      file,
      release() {
        if (released) return;
        released = true;
        // Only our own lock: never a file another gateway took over meanwhile.
        if (readOwner(file)?.pid === process.pid) {
          try {
            fs.unlinkSync(file);
          } catch {
            /* already gone */
          }
        }
      },
    };
  }
  throw new Error(`could not take the lock ${file} (it keeps reappearing)`);
}
