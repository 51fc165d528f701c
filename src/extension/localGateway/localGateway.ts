import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HealthResponse } from '../../core/api/types';
import { config } from '../shared/config';
import { gatewayClient, useEmulatorDataDir, type GatewayTimeout } from '../shared/gateway';
import { notify, showLogAction } from '../shared/errors';
import type { Logger } from '../shared/log';

export type LocalGatewayState = 'stopped' | 'starting' | 'running' | 'stopping';

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const EMULATOR_NAME = 'vscode-local';

/** Client-side URL for a bind address (0.0.0.0 / :: are reached on loopback). */
export function localUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/** Asks `/healthz` with a short timeout; undefined when nothing (or no gateway) answers. */
export async function probeHealth(url: string, timeout: GatewayTimeout = 'probe'): Promise<HealthResponse | undefined> {
  try {
    const health = await gatewayClient(url, timeout).health();
    return health && health.status === 'ok' ? health : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local gateway emulator: a child process forked from `dist/emulator.js` (or an emulator
 * already listening on the configured port, which is reused, never stopped by us).
 */
export class LocalGateway implements vscode.Disposable {
  private stateValue: LocalGatewayState = 'stopped';
  private child: ChildProcess | undefined;
  /** True when the gateway on our port was not started by this window. */
  private externalValue = false;
  private urlValue: string | undefined;
  private starting: Promise<string> | undefined;
  private readonly emitter = new vscode.EventEmitter<LocalGatewayState>();
  readonly onDidChangeState = this.emitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
  ) {
    void vscode.commands.executeCommand('setContext', 'flowgate.localGatewayRunning', false);
    // Its local-admin.json is how every client of this window authorises to it (shared/gateway.ts).
    useEmulatorDataDir(this.dataDir());
  }

  /** The data folder of the emulator this window starts (in the extension's global storage). */
  dataDir(): string {
    return path.join(this.context.globalStorageUri.fsPath, 'emulator');
  }

  get state(): LocalGatewayState {
    return this.stateValue;
  }

  get external(): boolean {
    return this.externalValue;
  }

  /** The URL a client uses, from the settings (also while stopped). */
  configuredUrl(): string {
    return localUrl(config.localHost(), config.localPort());
  }

  /** The URL of the running gateway, undefined when it is not running. */
  url(): string | undefined {
    return this.stateValue === 'running' ? this.urlValue : undefined;
  }

  isRunning(): boolean {
    return this.stateValue === 'running';
  }

  private setState(state: LocalGatewayState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    void vscode.commands.executeCommand('setContext', 'flowgate.localGatewayRunning', state === 'running');
    this.emitter.fire(state);
  }

  /** Starts (or reuses) the local gateway and returns its URL; a progress notification shows while it starts. */
  start(): Promise<string> {
    const running = this.url();
    if (running) return Promise.resolve(running);
    if (!this.starting) {
      const starting = Promise.resolve(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Flowgate: starting the local gateway…' },
          () => this.doStart(),
        ),
      ).finally(() => {
        this.starting = undefined;
      });
      this.starting = starting;
      return starting;
    }
    return this.starting;
  }

  /** The running gateway's URL, starting it when needed. */
  ensureRunning(): Promise<string> {
    return this.start();
  }

  private async doStart(): Promise<string> {
    const port = config.localPort();
    const host = config.localHost();
    const url = localUrl(host, port);
    this.setState('starting');
    try {
      const existing = await probeHealth(url);
      if (existing) return this.adopt(url, existing, 'already running');

      const script = path.join(this.context.extensionPath, 'dist', 'emulator.js');
      if (!fs.existsSync(script)) {
        throw new Error(`the emulator is missing from the extension (${script}); build it with "node scripts/build.mjs"`);
      }
      const dataDir = this.dataDir();
      await fs.promises.mkdir(dataDir, { recursive: true });

      const args = ['--port', String(port), '--host', host, '--snmp-port', String(config.localSnmpPort()), '--data', dataDir, '--name', EMULATOR_NAME];
      this.log.info(`Starting the local gateway: ${script} ${args.join(' ')}`);
      const child = fork(script, args, {
        execArgv: [],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        cwd: dataDir,
      });
      const stderrTail: string[] = [];
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.log.lines('[emulator] ', chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        this.log.lines('[emulator] ', chunk, 'warn');
        stderrTail.push(...chunk.split(/\r?\n/).filter((l) => l.trim()));
        stderrTail.splice(0, Math.max(0, stderrTail.length - 20));
      });

      let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let spawnError: Error | undefined;
      child.once('error', (err) => (spawnError = err));
      child.once('exit', (code, signal) => (exited = { code, signal }));

      const deadline = Date.now() + START_TIMEOUT_MS;
      while (true) {
        if (spawnError) throw new Error(`could not start ${script}: ${spawnError.message}`);
        if (exited) {
          // Lost a race for the port? If a gateway answers there now, use it.
          const other = await probeHealth(url);
          if (other) return this.adopt(url, other, 'already running on the port');
          const tail = stderrTail.join('\n');
          if (/EADDRINUSE|address already in use/i.test(tail)) {
            throw new Error(
              `port ${port} on ${host} is used by another program that is not a Flowgate gateway; choose another port in the setting "flowgate.localGateway.port"`,
            );
          }
          const last = stderrTail.slice(-3).join(' ');
          throw new Error(`the emulator exited during start (exit code ${exited.code ?? exited.signal})${last ? `: ${last}` : ''}`);
        }
        const health = await probeHealth(url, 'startPoll');
        if (health && !exited) {
          this.child = child;
          this.externalValue = false;
          this.urlValue = url;
          child.once('exit', (code, signal) => this.onUnexpectedExit(child, code, signal));
          this.log.info(`Local gateway "${health.name}" ${health.version} running at ${url} (pid ${child.pid}, data ${dataDir})`);
          this.setState('running');
          return url;
        }
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`the emulator did not answer ${url}/healthz within ${START_TIMEOUT_MS / 1000} s`);
        }
        await delay(150);
      }
    } catch (err) {
      this.setState('stopped');
      throw err;
    }
  }

  private adopt(url: string, health: HealthResponse, why: string): string {
    this.child = undefined;
    this.externalValue = true;
    this.urlValue = url;
    this.log.info(`A Flowgate gateway "${health.name}" (${health.version}) is ${why} at ${url}; using it.`);
    notify('info', `Flowgate: a gateway ("${health.name}") is already running at ${url} — using it instead of starting another.`);
    this.setState('running');
    return url;
  }

  private onUnexpectedExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return; // stopped on purpose, or replaced
    this.child = undefined;
    this.urlValue = undefined;
    this.setState('stopped');
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    this.log.error(`The local gateway stopped unexpectedly (${how})`);
    notify('warning', `Flowgate: the local gateway stopped unexpectedly (${how}).`, showLogAction(this.log), {
      title: 'Restart',
      run: () => vscode.commands.executeCommand('flowgate.startLocalGateway'),
    });
  }

  /**
   * Stops the emulator this window started: SIGTERM, then SIGKILL after 5 s. A gateway that was
   * already running when we came is left alone (returns false).
   */
  async stop(): Promise<boolean> {
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.stateValue !== 'running') return true;
    if (this.externalValue || !this.child) {
      return false;
    }
    const child = this.child;
    this.child = undefined;
    this.setState('stopping');
    this.log.info(`Stopping the local gateway (pid ${child.pid})`);
    await terminate(child, STOP_GRACE_MS, this.log);
    this.urlValue = undefined;
    this.setState('stopped');
    this.log.info('Local gateway stopped');
    return true;
  }

  /**
   * Re-checks the configured port: notices an emulator started elsewhere (then reuses it), or
   * that a reused one went away.
   */
  async recheck(): Promise<void> {
    if (this.stateValue === 'starting' || this.stateValue === 'stopping') return;
    if (this.stateValue === 'running' && this.child) return; // our own child reports its exit
    const url = this.configuredUrl();
    const health = await probeHealth(this.urlValue ?? url);
    if (health && this.stateValue === 'stopped') {
      this.externalValue = true;
      this.urlValue = url;
      this.log.info(`Found a Flowgate gateway "${health.name}" running at ${url}; using it.`);
      this.setState('running');
    } else if (!health && this.stateValue === 'running') {
      this.log.warn(`The gateway at ${this.urlValue} no longer answers`);
      this.urlValue = undefined;
      this.externalValue = false;
      this.setState('stopped');
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves when the process is gone. */
export function terminate(child: ChildProcess, graceMs: number, log?: Logger): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => {
      log?.warn(`The local gateway did not stop within ${graceMs / 1000} s; killing it`);
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
