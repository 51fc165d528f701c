import { execFile, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HealthResponse } from '../../core/api/types';
import { commandOf, freePort, portFree, portOwner } from '../../core/net/portOwner';
import { config } from '../shared/config';
import { gatewayClient, useEmulatorDataDir, type GatewayTimeout } from '../shared/gateway';
import { Cancelled, notify } from '../shared/errors';
import type { Logger } from '../shared/log';

export type LocalGatewayState = 'stopped' | 'starting' | 'running' | 'stopping';

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const EMULATOR_NAME = 'vscode-local';
/** The oldest Node the emulator runs on (package.json engines.node). */
export const MIN_NODE = [20, 19] as const;

/** A fix a start failure offers (a button of its message). */
export interface StartFix {
  title: string;
  run(): unknown;
}

/**
 * Why the local gateway could not start, said exactly (port taken — by what —, data folder locked,
 * Node missing or too old), with the fixes it offers. LocalGateway shows it once, with its buttons;
 * it is a Cancelled so the command that needed the gateway ends quietly instead of saying it twice.
 */
export class StartFailure extends Cancelled {
  constructor(
    readonly reason: 'port-taken' | 'data-folder-locked' | 'node',
    readonly text: string,
    readonly fixes: StartFix[],
  ) {
    super();
    this.message = text;
  }
}

/** `v20.19.1` → [20, 19, 1]; undefined for anything else. */
export function parseNodeVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** True for a Node version the emulator runs on (>= 20.19). */
export function nodeVersionOk(v: readonly number[]): boolean {
  return v[0] > MIN_NODE[0] || (v[0] === MIN_NODE[0] && v[1] >= MIN_NODE[1]);
}

/** The emulator's own message for a locked data folder (src/emulator/dataLock.ts DataFolderLockedError): the owner's pid. */
const LOCKED = /is in use by another Flowgate gateway \(pid (\d+)/;

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
  /** "Flowgate Gateway": what the emulator process prints (its activity log, its warnings), apart from the extension's own "Flowgate" log. */
  readonly gatewayLog: vscode.LogOutputChannel;
  private readonly configWatch: vscode.Disposable;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
  ) {
    this.gatewayLog = vscode.window.createOutputChannel('Flowgate Gateway', { log: true });
    void vscode.commands.executeCommand('setContext', 'flowgate.localGatewayRunning', false);
    // Its local-admin.json is how every client of this window authorises to it (shared/gateway.ts).
    useEmulatorDataDir(this.dataDir());
    this.configWatch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flowgate.localGateway.dataFolder') && this.stateValue === 'stopped') useEmulatorDataDir(this.dataDir());
    });
  }

  /** The data folder of the emulator this window starts: `flowgate.localGateway.dataFolder`, else the extension's global storage. */
  dataDir(): string {
    return config.localDataFolder() ?? path.join(this.context.globalStorageUri.fsPath, 'emulator');
  }

  /** Shows the "Flowgate Gateway" output channel. */
  showGatewayLog(): void {
    this.gatewayLog.show(true);
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

  /**
   * Starts (or reuses) the local gateway and returns its URL; a progress notification shows while it
   * starts. A start that fails for a known reason shows it once with its fixes and rejects with a
   * StartFailure (a Cancelled: callers end quietly).
   */
  start(): Promise<string> {
    const running = this.url();
    if (running) return Promise.resolve(running);
    if (!this.starting) {
      const starting = Promise.resolve(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Flowgate: starting the local gateway…' },
          () => this.doStart(),
        ),
      )
        .catch((err: unknown) => {
          if (err instanceof StartFailure) {
            this.log.error(`The local gateway could not start: ${err.text}`);
            notify('error', `Flowgate: the local gateway could not start: ${err.text}`, ...err.fixes);
          }
          throw err;
        })
        .finally(() => {
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

      // Something else on the port: say what, and offer another port.
      if (!(await portFree(host, port))) throw await this.portTaken(host, port);

      const script = path.join(this.context.extensionPath, 'dist', 'emulator.js');
      if (!fs.existsSync(script)) {
        throw new Error(`the emulator is missing from the extension (${script}); build it with "node scripts/build.mjs"`);
      }
      const execPath = await this.nodeRuntime();
      const dataDir = this.dataDir();
      useEmulatorDataDir(dataDir);
      await fs.promises.mkdir(dataDir, { recursive: true });

      const args = ['--port', String(port), '--host', host, '--snmp-port', String(config.localSnmpPort()), '--data', dataDir, '--name', EMULATOR_NAME];
      this.log.info(`Starting the local gateway: ${execPath ?? 'VS Code\'s Node'} ${script} ${args.join(' ')}`);
      this.gatewayLog.info(`Starting the local gateway on ${url} (data ${dataDir})`);
      const child = fork(script, args, {
        execArgv: [],
        ...(execPath ? { execPath } : {}),
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        cwd: dataDir,
      });
      const stderrTail: string[] = [];
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => lines(this.gatewayLog, chunk, 'info'));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        lines(this.gatewayLog, chunk, 'warn');
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
          if (/EADDRINUSE|address already in use|already in use/i.test(tail) && /port/i.test(tail) && !LOCKED.test(tail)) {
            if (!(await portFree(host, port))) throw await this.portTaken(host, port);
          }
          const locked = LOCKED.exec(tail);
          if (locked) throw this.dataFolderLocked(dataDir, Number(locked[1]));
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

  /**
   * A Flowgate gateway already answers on the port: use it (what the user wants when another window
   * or a terminal started it), and say which one, offering to start this window's own on another port.
   */
  private adopt(url: string, health: HealthResponse, why: string): string {
    this.child = undefined;
    this.externalValue = true;
    this.urlValue = url;
    this.log.info(`A Flowgate gateway "${health.name}" (${health.version}) is ${why} at ${url}; using it.`);
    const port = Number(new URL(url).port);
    void portOwner(port).then((owner) => {
      const who = owner ? ` (pid ${owner.pid})` : '';
      notify('info', `Flowgate: port ${port} is taken by the Flowgate gateway "${health.name}" ${health.version}${who}, already running at ${url} — using it.`, {
        title: 'Use Another Port',
        run: () => this.useAnotherPort(),
      });
    });
    this.setState('running');
    return url;
  }

  /** The port is taken by a program that is not a Flowgate gateway: which one, and the fix. */
  private async portTaken(host: string, port: number): Promise<StartFailure> {
    const owner = await portOwner(port);
    const who = owner ? `pid ${owner.pid}${owner.command ? ` (${owner.command})` : ''}` : 'another program';
    return new StartFailure('port-taken', `port ${port} on ${host} is taken by ${who}, which is not a Flowgate gateway.`, [
      { title: 'Use Another Port', run: () => this.useAnotherPort() },
      { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'flowgate.localGateway.port') },
    ]);
  }

  private dataFolderLocked(dataDir: string, pid: number): StartFailure {
    const command = commandOf(pid);
    return new StartFailure('data-folder-locked', `the data folder ${dataDir} is locked by another Flowgate gateway (pid ${pid}${command ? `: ${command}` : ''}). Two gateways cannot share a data folder.`, [
      { title: 'Show Log', run: () => this.showGatewayLog() },
      { title: 'Use Another Data Folder', run: () => this.useAnotherDataFolder() },
    ]);
  }

  /**
   * The Node the emulator runs on: undefined for VS Code's own runtime (the default, always there),
   * else `flowgate.localGateway.nodePath` once it is found and new enough.
   */
  private async nodeRuntime(): Promise<string | undefined> {
    const nodePath = config.localNodePath();
    if (!nodePath) return undefined;
    const fixes: StartFix[] = [
      { title: "Use VS Code's Node", run: () => this.useVsCodeNode() },
      { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'flowgate.localGateway.nodePath') },
    ];
    if (!fs.existsSync(nodePath)) throw new StartFailure('node', `Node was not found at ${nodePath} (the setting "flowgate.localGateway.nodePath").`, fixes);
    const version = await new Promise<string | undefined>((resolve) =>
      execFile(nodePath, ['--version'], { timeout: 5000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, stdout) => resolve(err ? undefined : stdout)),
    );
    const v = version ? parseNodeVersion(version) : undefined;
    if (!v) throw new StartFailure('node', `${nodePath} (the setting "flowgate.localGateway.nodePath") did not answer "--version" as Node does.`, fixes);
    if (!nodeVersionOk(v)) {
      throw new StartFailure('node', `${nodePath} is Node ${v.join('.')}; the local gateway needs Node ${MIN_NODE.join('.')} or newer (the setting "flowgate.localGateway.nodePath").`, fixes);
    }
    return nodePath;
  }

  /** The configuration target a setting's current value comes from (so a fix changes the value in effect). */
  private targetOf(key: string): vscode.ConfigurationTarget {
    const i = vscode.workspace.getConfiguration('flowgate').inspect(key);
    if (i?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
    if (i?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
    return vscode.ConfigurationTarget.Global;
  }

  /** "Use Another Port": a free port into `flowgate.localGateway.port`, then start this window's own gateway there. */
  async useAnotherPort(): Promise<string | undefined> {
    const port = await freePort(config.localHost());
    await vscode.workspace.getConfiguration('flowgate').update('localGateway.port', port, this.targetOf('localGateway.port'));
    this.log.info(`flowgate.localGateway.port is now ${port}`);
    if (this.stateValue === 'running' && this.externalValue) {
      this.urlValue = undefined;
      this.externalValue = false;
      this.setState('stopped');
    }
    return this.start().catch(() => undefined);
  }

  /** "Use Another Data Folder": a folder the user picks into `flowgate.localGateway.dataFolder`, then start. */
  async useAnotherDataFolder(): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use This Data Folder', title: 'A data folder for the local gateway' });
    if (!picked?.[0]) return undefined;
    await vscode.workspace.getConfiguration('flowgate').update('localGateway.dataFolder', picked[0].fsPath, vscode.ConfigurationTarget.Global);
    return this.start().catch(() => undefined);
  }

  /** "Use VS Code's Node": clears `flowgate.localGateway.nodePath`, then start. */
  async useVsCodeNode(): Promise<string | undefined> {
    await vscode.workspace.getConfiguration('flowgate').update('localGateway.nodePath', undefined, this.targetOf('localGateway.nodePath'));
    return this.start().catch(() => undefined);
  }

  /** Executions running on the local gateway now (stopping it stops them): a count, undefined when it cannot be asked. */
  async runningExecutions(): Promise<number | undefined> {
    const url = this.url();
    if (!url) return 0;
    try {
      const page = await gatewayClient(url, 'picker').listExecutions({ status: 'Running' });
      return page.executions.length;
    } catch {
      return undefined;
    }
  }

  private onUnexpectedExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return; // stopped on purpose, or replaced
    this.child = undefined;
    this.urlValue = undefined;
    this.setState('stopped');
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    this.log.error(`The local gateway stopped unexpectedly (${how})`);
    notify('warning', `Flowgate: the local gateway stopped unexpectedly (${how}).`, { title: 'Show Gateway Log', run: () => this.showGatewayLog() }, {
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
   * Stops this window's emulator and starts it again (with the settings as they are now). A gateway
   * this window did not start is not restarted: that is said, and nothing changes.
   */
  async restart(): Promise<string> {
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.stateValue === 'running' && (this.externalValue || !this.child)) {
      throw new Error(`the gateway at ${this.urlValue} was not started by this window; restart it where it was started`);
    }
    await this.stop();
    return this.start();
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
    this.configWatch.dispose();
    this.emitter.dispose();
    this.gatewayLog.dispose();
  }
}

/** Text lines of the emulator's output into the gateway channel. */
function lines(channel: vscode.LogOutputChannel, text: string, level: 'info' | 'warn'): void {
  for (const line of text.split(/\r?\n/)) if (line.trim() !== '') channel[level](line);
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
