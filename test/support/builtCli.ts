/**
 * The built `flowgate` command (`bin/flowgate.js` → `dist/cli.js`, what `npm install -g` links) for
 * the CLI tests of promotion and remote validation. The bundle is rebuilt first when a source file
 * is newer (once per test process; concurrent test processes take turns through a lock folder, as
 * emulatorProcess.ts does for the emulator). test/cli/cli.test.ts covers installing it with npm.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBundleBuilt, REPO_ROOT } from './bundleBuild';

export const CLI_BUNDLE = path.join(REPO_ROOT, 'dist', 'cli.js');
const BIN = path.join(REPO_ROOT, 'bin', 'flowgate.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Builds dist/cli.js when src/cli, src/core or src/emulator is newer than it (once per process). */
export function ensureCliBuilt(): Promise<void> {
  return ensureBundleBuilt('cli', ['src/cli', 'src/core', 'src/emulator']);
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

/**
 * `flowgate <args>` from source (`tsx src/cli/main.ts`), as the CLI tests of single commands run it:
 * no FLOWGATE_* of the caller (only `env`'s), no colours, `input` on standard input (closed
 * otherwise), `home` as HOME when given (so no session file of the user is read), killed after 60 s.
 */
export function runCliFromSource(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; home?: string } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...(opts.home !== undefined ? { HOME: opts.home } : {}) };
  for (const k of Object.keys(env)) if (k.startsWith('FLOWGATE_')) delete env[k];
  Object.assign(env, opts.env ?? {});
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}
