/**
 * Test processes build a bundle (`dist/emulator.js`, `dist/cli.js`) before running it when a source
 * file is newer than it — once per test process; concurrent test processes take turns through a
 * lock folder in dist/ (a lock older than two minutes is taken as abandoned).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function newestMtime(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

const built = new Set<string>();
const LOCK_STALE_MS = 120_000;

/**
 * Builds `dist/<target>.js` (scripts/build.mjs --only=<target>) when any file under `sources`
 * (relative to the repository), or the build script, is newer than it.
 */
export async function ensureBundleBuilt(target: 'emulator' | 'cli', sources: readonly string[]): Promise<void> {
  if (built.has(target)) return;
  const bundle = path.join(REPO_ROOT, 'dist', `${target}.js`);
  const lock = path.join(REPO_ROOT, 'dist', `.${target}-build.lock`);
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const newest = Math.max(...[...sources, 'scripts/build.mjs'].map((s) => newestMtime(path.join(REPO_ROOT, s))));
    const have = newestMtime(bundle);
    if (!have || newest > have) {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs'), `--only=${target}`], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    built.add(target);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
