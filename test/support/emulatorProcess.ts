/**
 * Runs the built emulator (`dist/emulator.js`) as a real process for tests (emulator, CLI and
 * VS Code tests share it). The bundle is rebuilt first when a source file is newer than it
 * (once per test process; concurrent test processes take turns through a lock folder).
 *
 *   const gw = await startEmulatorProcess();          // free port, fresh temp data folder
 *   await fetch(`${gw.url}/healthz`);
 *   await gw.stop();                                   // SIGTERM, waits for exit, removes the temp folder
 */
import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBundleBuilt, REPO_ROOT } from './bundleBuild';

export { REPO_ROOT };
export const EMULATOR_BUNDLE = path.join(REPO_ROOT, 'dist', 'emulator.js');

export interface EmulatorProcessOptions {
  /** Data folder; default a fresh temp folder, removed by stop()/kill(). */
  dataDir?: string;
  /** Default 0: the emulator picks a free port and reports it. */
  port?: number;
  /** Gateway name (--name). */
  name?: string;
  /** Extra environment (merged over process.env, FLOWGATE_* of the caller removed). */
  env?: NodeJS.ProcessEnv;
  /** Extra command-line flags. */
  args?: string[];
  /** How long to wait for the ready line and /healthz (default 10 s). */
  timeoutMs?: number;
  /** Flags for node itself, before the bundle (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** PEM of the CA to trust when the emulator serves HTTPS (gateway.yaml `tls`), for the /healthz wait. */
  ca?: string;
  /** Another emulator bundle to run (e.g. the one in an unpacked .vsix) instead of dist/emulator.js, which is then not rebuilt. */
  bundle?: string;
}

export interface EmulatorProcess {
  url: string;
  port: number;
  /** The real UDP port of the SNMP trap receiver (from /healthz). */
  snmpPort: number;
  dataDir: string;
  process: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, wait for the exit (SIGKILL after 5 s); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, wait for the exit. */
  kill(): Promise<void>;
  /**
   * A client-credentials access token of the emulator's local admin client (`<dataDir>/local-admin.json`), got from
   * the token endpoint named by discovery; cached and fetched again shortly before it expires.
   */
  adminToken(): Promise<string>;
}

/** The local admin credential an emulator writes into its data folder on first start. */
export interface EmulatorCredentials {
  issuer: string;
  client_id: string;
  client_secret: string;
}

/** Reads `<dataDir>/local-admin.json` (written by the emulator on first start). */
export function credentials(dataDir: string): EmulatorCredentials {
  return JSON.parse(readFileSync(path.join(dataDir, 'local-admin.json'), 'utf8')) as EmulatorCredentials;
}

/**
 * A client-credentials grant against the token endpoint of `issuer`'s discovery document (client_secret_basic),
 * written against the RFCs rather than the gateway's code.
 */
async function clientCredentialsToken(c: EmulatorCredentials): Promise<{ token: string; expiresAt: number }> {
  const disc = await fetch(`${c.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!disc.ok) throw new Error(`discovery of ${c.issuer} answered ${disc.status}`);
  const { token_endpoint } = (await disc.json()) as { token_endpoint: string };
  const basic = Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret)}`).toString('base64');
  const res = await fetch(token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: string; expires_in?: number };
  if (!res.ok || !body.access_token) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  return { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 60) * 1000 };
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** Build dist/emulator.js if any source is newer (once per process). */
export function ensureEmulatorBuilt(): Promise<void> {
  return ensureBundleBuilt('emulator', ['src/emulator', 'src/core']);
}

export async function startEmulatorProcess(opts: EmulatorProcessOptions = {}): Promise<EmulatorProcess> {
  if (!opts.bundle) await ensureEmulatorBuilt();
  const ownData = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'flowgate-emulator-test-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('FLOWGATE_')) delete env[k];
  Object.assign(env, opts.env ?? {});
  const args = [...(opts.nodeArgs ?? []), opts.bundle ?? EMULATOR_BUNDLE, '--port', String(opts.port ?? 0), '--data', dataDir];
  if (opts.name) args.push('--name', opts.name);
  // A free SNMP trap port too, unless the caller chose one (the default 1162 would clash between tests).
  if (!(opts.args ?? []).includes('--snmp-port') && opts.env?.FLOWGATE_SNMP_PORT === undefined) args.push('--snmp-port', '0');
  args.push(...(opts.args ?? []));

  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });

  const cleanup = () => {
    if (ownData) rmSync(dataDir, { recursive: true, force: true });
  };
  const waitExit = async (signal: NodeJS.Signals, graceMs: number): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  const timeoutMs = opts.timeoutMs ?? 10_000;
  let url: string;
  let snmpPort = 0;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`emulator did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      const onData = () => {
        const m = /listening on (https?:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve(m[1]);
        }
      };
      child.stdout!.on('data', onData);
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`emulator exited with code ${code} before it was ready:\n${out}`));
      });
    });
    snmpPort = (await waitForHealth(url, timeoutMs, opts.ca)).snmpPort ?? 0;
  } catch (err) {
    await waitExit('SIGKILL', 1000);
    cleanup();
    throw err;
  }

  let cached: { token: string; expiresAt: number } | undefined;
  return {
    url,
    port: Number(new URL(url).port),
    snmpPort,
    dataDir,
    process: child,
    output: () => out,
    stop: async () => {
      const code = await waitExit('SIGTERM', 5000);
      cleanup();
      return code;
    },
    kill: async () => {
      await waitExit('SIGKILL', 1000);
      cleanup();
    },
    adminToken: async () => {
      if (!cached || cached.expiresAt - Date.now() < 30_000) cached = await clientCredentialsToken(credentials(dataDir));
      return cached.token;
    },
  };
}

/** GET over HTTPS trusting `ca` (the global fetch trusts only the system's CAs and NODE_EXTRA_CA_CERTS). */
export function httpsGet(url: string, ca: string): Promise<{ ok: boolean; status: number; json(): Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ ok: (res.statusCode ?? 0) < 300, status: res.statusCode ?? 0, json: async () => JSON.parse(text) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function waitForHealth(url: string, timeoutMs: number, ca?: string): Promise<{ snmpPort?: number }> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = ca && url.startsWith('https:') ? await httpsGet(`${url}/healthz`, ca) : await fetch(`${url}/healthz`);
      if (res.ok) return (await res.json()) as { snmpPort?: number };
      last = new Error(`HTTP ${res.status}`);
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url}/healthz did not answer: ${String(last)}`);
}

/** Run the emulator bundle to completion (for flag and exit-code tests). */
export async function runEmulatorToExit(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 10_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  await ensureEmulatorBuilt();
  const e: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(e)) if (k.startsWith('FLOWGATE_')) delete e[k];
  Object.assign(e, env);
  const child = spawn(process.execPath, [EMULATOR_BUNDLE, ...args], { cwd: REPO_ROOT, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  live.delete(child);
  return { code, stdout, stderr };
}
