/**
 * The built `flowgate` command (`bin/flowgate.js` → `dist/cli.js`, what `npm install -g` links) for
 * the CLI tests of promotion and remote validation. The bundle is rebuilt first when a source file
 * is newer (once per test process; concurrent test processes take turns through a lock folder, as
 * emulatorProcess.ts does for the emulator). test/cli/cli.test.ts covers installing it with npm.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './emulatorProcess';

export const CLI_BUNDLE = path.join(REPO_ROOT, 'dist', 'cli.js');
const BIN = path.join(REPO_ROOT, 'bin', 'flowgate.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function newestMtime(p: string): number {
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

let built = false;

/** Builds dist/cli.js when src/cli or src/core is newer than it (once per process). */
export async function ensureCliBuilt(): Promise<void> {
  if (built) return;
  const lock = path.join(REPO_ROOT, 'dist', '.cli-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const sources = Math.max(newestMtime(path.join(REPO_ROOT, 'src', 'cli')), newestMtime(path.join(REPO_ROOT, 'src', 'core')), newestMtime(path.join(REPO_ROOT, 'src', 'emulator')));
    if (newestMtime(CLI_BUNDLE) < sources) {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs'), '--only=cli'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    built = true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * `flowgate <args>` as a CI job runs it: the built bundle, no FLOWGATE_* of the caller (only
 * `env`'s), no colours, standard input closed.
 */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('FLOWGATE_') || k === 'FORCE_COLOR') delete env[k];
  Object.assign(env, { NO_COLOR: '1' }, opts.env ?? {});
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? REPO_ROOT, env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end();
  });
}
