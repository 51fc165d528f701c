/**
 * One gateway per data folder: `<data>/gateway.lock` is created with O_EXCL and holds
 * `{"pid", "startedAt", "host", "procStart"}` of the gateway that owns the folder. A second gateway on the same
 * folder is refused with the folder and the owner's pid. A lock whose pid is no longer alive (the
 * owner was killed), or on Linux is now another process (its start time differs), is stale and taken over; so is a lock file that cannot be read as one (a crash
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
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat field 22), to tell a reused pid. */
  procStart?: string;
}

/** The start time of a process from /proc (Linux), or undefined where there is no /proc. */
function procStartOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = rest[19];
    return start && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
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

/**
 * True while the lock's process exists (EPERM: it exists but belongs to someone else) and — where
 * /proc tells — is the same process, not a later one that was given the same pid.
 */
function alive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.procStart === undefined) return true;
  const now = procStartOf(owner.pid);
  return now === undefined || now === owner.procStart;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    if (text.length > 4096) return undefined;
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid !== 'number' || !Number.isSafeInteger(v.pid) || v.pid <= 0) return undefined;
    return {
      pid: v.pid,
      ...(typeof v.startedAt === 'string' ? { startedAt: v.startedAt.slice(0, 64) } : {}),
      ...(typeof v.host === 'string' ? { host: v.host.slice(0, 256) } : {}),
      ...(typeof v.procStart === 'string' && /^\d{1,20}$/.test(v.procStart) ? { procStart: v.procStart } : {}),
    };
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
  const procStart = procStartOf(process.pid);
  const body = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), host: os.hostname(), ...(procStart ? { procStart } : {}) });
  for (let attempt = 0; attempt < 40; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(file);
      // Our own pid: another gateway of this process holds the folder.
      if (owner && (owner.pid === process.pid || alive(owner))) throw new DataFolderLockedError(dataDir, owner);
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
