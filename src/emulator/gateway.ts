/** Starting and stopping one gateway in this process: store, executions, HTTP server. */
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import { version as gatewayVersion } from '../../package.json';
import { enableSnmpDes } from '../core/snmp/des';
import { attachActivityLog, type ActivityWriter } from './activityLog';
import { ExecutionManager } from './executions/manager';
import { JsonlExecutionHistory } from './executions/historyLog';
import { DataFolderLockedError, lockDataFolder, type DataLock } from './dataLock';
import { executingOn } from './hostIdentity';
import { createApp } from './http/app';
import { closeExpressionPool } from './engine/expressionPool';
import { configureEgress, registerSelfPort, type EgressPattern } from './engine/egress';
import { PackageStore } from './store/packageStore';
import { Scheduler } from './schedules/scheduler';
import { SnmpService } from './triggers/service';
import { ConfigError, loadGatewayConfig, writeLocalAdmin } from './auth/config';
import { loadSigningKeys } from './auth/keys';
import { loadPackageSigningKeys, type PackageSigningKeys } from './signing/packageKeys';
import { packageTrust, type PackageTrust } from './signing/trust';
import { AuthService } from './auth/service';
import { AuditLog } from './store/audit';
import { SecretStore } from './secrets/store';
import { bindScope, loadTls, type TlsMaterial } from './http/tls';
import { loadSources, type PromotionSource } from './promotion/sources';
import { PromotionService } from './promotion/service';

export interface GatewayOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  dataDir: string;
  /** The gateway configuration file (`--config`); default `<dataDir>/gateway.yaml`, created on first start. */
  configFile?: string;
  name: string;
  /** UDP port of the SNMP trap receiver (on `host`); 0 picks a free port. */
  snmpPort: number;
  /** Finished executions kept in the history (default 10,000; older ones are dropped). */
  executionRetention?: number;
  /** Web origins allowed to call the gateway besides its own (`--allow-origin`). */
  allowOrigins?: string[];
  /** Extra Host names the gateway answers to (`--allow-host`: `name` or `name:port`). */
  allowHosts?: string[];
  /** Hosts the http step may reach besides connections' base URLs; undefined: any (`--egress-allow`). */
  egressAllow?: EgressPattern[];
  /** Let flows' http steps call this gateway's own API (`--allow-self-calls`). */
  allowSelfCalls?: boolean;
  /** Bind a non-loopback `host` without TLS anyway (`--insecure-bind`); otherwise such a start is refused. */
  insecureBind?: boolean;
  /** Where the activity log's lines go (activityLog.ts; the process entry prints them on stdout); unset: nowhere. */
  activity?: ActivityWriter;
}

export interface RunningGateway {
  url: string;
  port: number;
  host: string;
  name: string;
  dataDir: string;
  /** The real UDP port of the SNMP trap receiver. */
  snmpPort: number;
  /** The address the HTTP server really bound (`127.0.0.1`, `0.0.0.0`, `::`, …). */
  boundAddress: string;
  /** Every URL the gateway can be reached at (`url` first). */
  urls: string[];
  /** True when the bound address is not loopback: other machines can reach the gateway. */
  exposed: boolean;
  /** True when the gateway serves HTTPS (gateway.yaml `tls`). */
  tls: boolean;
  /** Stop accepting requests, stop running executions (marked Stopped), flush the store. */
  close(): Promise<void>;
}

/** Thrown when the gateway cannot start; `exitCode` is what a process entry should exit with. */
export class GatewayStartError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'GatewayStartError';
  }
}

// SNMPv3 DES privacy on Node 20 (OpenSSL 3 has DES-CBC only in its legacy provider): core/snmp/des.ts.
enableSnmpDes();

/** Gateways running in this process (tests and the CLI may run several). */
let openGateways = 0;

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  // One gateway per data folder (dataLock.ts); released on close and on every failed start below.
  let lock: DataLock;
  try {
    lock = lockDataFolder(options.dataDir);
  } catch (err) {
    if (err instanceof DataFolderLockedError) {
      // A second start of the same gateway (same folder, same port): say that first, it is the likelier mistake.
      if (options.port > 0 && (await portInUse(options.host, options.port))) {
        const other = await probeRunningGateway(options.host, [options.port]);
        throw new GatewayStartError(`${portTaken(options, other)} It also holds the data folder ${options.dataDir} (pid ${err.owner.pid}).`, 1);
      }
      throw new GatewayStartError(err.message, 1);
    }
    throw new GatewayStartError(`Cannot open the data folder ${options.dataDir}: ${(err as Error).message}`, 1);
  }
  try {
    return await startLocked(options, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function startLocked(options: GatewayOptions, lock: DataLock): Promise<RunningGateway> {
  let store: PackageStore;
  try {
    store = await PackageStore.open(options.dataDir);
  } catch (err) {
    throw new GatewayStartError(`Cannot open the data folder ${options.dataDir}: ${(err as Error).message}`, 1);
  }
  let secrets: SecretStore;
  try {
    secrets = await SecretStore.open(options.dataDir);
  } catch (err) {
    await store.flush().catch(() => undefined);
    throw new GatewayStartError(`Cannot open the connection secrets in ${options.dataDir}: ${(err as Error).message}`, 1);
  }
  const audit = new AuditLog(options.dataDir);
  // Identity and access: the configuration file (a bad one refuses the start with exit code 2), the signing key.
  let auth: AuthService;
  let localAdminSecret: string;
  let tls: TlsMaterial | undefined;
  let packageKeys: PackageSigningKeys;
  let sources: PromotionSource[];
  let trust: PackageTrust;
  try {
    const loaded = await loadGatewayConfig(options.dataDir, options.configFile);
    localAdminSecret = loaded.localAdminSecret;
    // HTTPS: the certificate and key are read and checked now (a bad one refuses the start, exit code 2).
    if (loaded.config.tls) {
      try {
        tls = await loadTls(loaded.file, loaded.config.tls);
      } catch (err) {
        if (err instanceof ConfigError) throw new ConfigError(`Gateway configuration ${loaded.file}: ${err.message}`);
        throw err;
      }
    }
    // Beyond loopback, tokens, secrets and flow data would cross the network in the clear: refused unless forced.
    if (!tls && !options.insecureBind) {
      const scope = await bindScope(options.host);
      if (scope === 'unresolved') throw new GatewayStartError(`Cannot listen on host ${options.host}: address not available (the name does not resolve)`, 1);
      if (scope === 'other') throw new ConfigError(insecureBindRefusal(options.host, loaded.file));
    }
    auth = new AuthService(loaded.config, await loadSigningKeys(options.dataDir), options.dataDir, audit);
    // The package-signing key (issue 10): separate from the token-signing key; a damaged file refuses the start.
    packageKeys = await loadPackageSigningKeys(options.dataDir);
    // Promotion sources: their secret and CA files are read now (an unreadable one refuses the start, exit code 2).
    sources = await loadSources(loaded.config, loaded.file);
    // Whom uploads' signatures are checked against (own keys, promotion sources' trustedKeys); unsigned uploads are signed with the current key.
    trust = packageTrust(packageKeys, loaded.config.promotion);
    store.useTrust(trust);
  } catch (err) {
    await store.flush().catch(() => undefined);
    if (err instanceof ConfigError) throw new GatewayStartError(err.message, err.exitCode);
    if (err instanceof GatewayStartError) throw err;
    throw new GatewayStartError(`Cannot set up identity and access in ${options.dataDir}: ${(err as Error).message}`, 1);
  }
  let history: JsonlExecutionHistory;
  try {
    history = await JsonlExecutionHistory.open(options.dataDir, { retention: options.executionRetention });
  } catch (err) {
    throw new GatewayStartError(`Cannot open the execution history in ${options.dataDir}: ${(err as Error).message}`, 1);
  }
  const executions = new ExecutionManager(store, history, executingOn(options.name), secrets);
  const snmp = new SnmpService(store, executions);
  let snmpPort: number;
  try {
    snmpPort = await snmp.start({ port: options.snmpPort, host: options.host });
  } catch (err) {
    await history.close().catch(() => undefined);
    await store.flush().catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      const other = await probeRunningGateway(options.host, [options.port, DEFAULT_HTTP_PORT], (h) => h.snmpPort === options.snmpPort);
      if (other) throw new GatewayStartError(`SNMP trap port ${options.snmpPort} (udp) on ${options.host} is already in use: ${alreadyRunning(other)}`, 1);
    }
    const why = e.code === 'EADDRINUSE' ? 'is already in use by another program (EADDRINUSE)' : e.code === 'EACCES' ? 'needs more permission (EACCES)' : `cannot be used: ${e.message}`;
    throw new GatewayStartError(`SNMP trap port ${options.snmpPort} (udp) on ${options.host} ${why}; choose another with --snmp-port or FLOWGATE_SNMP_PORT`, 1);
  }
  const detachActivity = options.activity ? attachActivityLog({ executions, audit, snmp }, options.activity) : () => undefined;
  const scheduler = await Scheduler.open(store, executions, options.dataDir);
  const promotion = new PromotionService({ store, dataDir: options.dataDir, gatewayName: options.name, sources, hasSecret: (n) => secrets.summary(n) !== undefined });
  const app = createApp({
    name: options.name,
    version: gatewayVersion,
    startedAt: new Date().toISOString(),
    store,
    executions,
    snmp,
    scheduler,
    auth,
    audit,
    secrets,
    packageKeys,
    promotion,
    trust,
  }, { bindHost: options.host, allowHosts: options.allowHosts, allowOrigins: options.allowOrigins });
  configureEgress({ allow: options.egressAllow, allowSelfCalls: options.allowSelfCalls === true });
  // Requests wait until the gateway is ready: its issuer (which names the port) is set and
  // local-admin.json is written, so a client that sees the port answer finds its credentials.
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const handler: http.RequestListener = (req, res) => void ready.then(() => app(req, res));
  // With tls: HTTPS only on this port (a plain-HTTP request gets no answer but a closed connection).
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handler) : http.createServer(handler);
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        probeRunningGateway(options.host, [options.port]).then((other) => reject(new GatewayStartError(portTaken(options, other), 1)));
      } else if (err.code === 'EACCES') {
        reject(new GatewayStartError(`No permission to listen on ${options.host}:${options.port}`, 1));
      } else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
        reject(new GatewayStartError(`Cannot listen on host ${options.host}: address not available`, 1));
      } else {
        reject(new GatewayStartError(`Cannot listen on ${options.host}:${options.port}: ${err.message}`, 1));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  }).catch(async (err) => {
    await snmp.close();
    await store.flush().catch(() => undefined);
    throw err;
  });

  const { port, address: boundAddress } = server.address() as AddressInfo;
  const reach = reachableUrls(options.host, boundAddress, port, tls ? 'https' : 'http');
  auth.start(reach.urls[0]);
  try {
    await writeLocalAdmin(options.dataDir, auth.issuer, localAdminSecret);
  } catch (err) {
    server.close();
    await snmp.close();
    await store.flush().catch(() => undefined);
    throw new GatewayStartError(`Cannot write ${options.dataDir}/local-admin.json: ${(err as Error).message}`, 1);
  }
  // Before any request: import files no import names go (a pull writes its file before its record);
  // notices left in the outbox are delivered (in the background).
  await promotion.start().catch((err) => console.error(`Flowgate emulator: promotion: ${String((err as Error)?.message ?? err)}`));
  markReady();
  scheduler.start();
  const unregisterSelf = registerSelfPort(port);
  let closing: Promise<void> | undefined;

  openGateways++;
  const close = () =>
    (closing ??= (async () => {
      unregisterSelf();
      await scheduler.stop(); // no firing from here on; tasks destroyed, history written
      await promotion.close(); // no delivery from here on (waiting notices stay in the outbox)
      await snmp.close();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Running executions are stopped and marked; synchronous callers get their answer.
      await executions.stopAll();
      detachActivity();
      await history.close();
      await store.flush();
      await auth.close();
      // The expression processes are shared by the gateways of this process: the last one closes them.
      if (--openGateways === 0) closeExpressionPool();
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      force.unref();
      await serverClosed;
      clearTimeout(force);
      lock.release();
    })());

  return { url: reach.urls[0], urls: reach.urls, exposed: reach.exposed, tls: tls !== undefined, boundAddress, port, snmpPort, host: options.host, name: options.name, dataDir: options.dataDir, close };
}

/** Why a non-loopback bind without TLS is refused, and the three ways on. */
function insecureBindRefusal(host: string, configFile: string): string {
  return (
    `Refusing to bind to ${host}: it is not a loopback address, and the gateway has no TLS configured, so access tokens, ` +
    `client secrets, Basic passwords and flow data would cross the network unencrypted. ` +
    `Either add a certificate to ${configFile}:\n  tls:\n    certFile: /path/to/gateway.crt\n    keyFile: /path/to/gateway.key\n` +
    `or bind to loopback (--host 127.0.0.1, the default), ` +
    `or, on a network you trust, force plain HTTP with --insecure-bind (FLOWGATE_INSECURE_BIND=1).`
  );
}

/** The emulator's default HTTP port (options.ts), probed when the SNMP port is taken. */
const DEFAULT_HTTP_PORT = 8722;

interface RunningElsewhere {
  url: string;
  name?: string;
  version?: string;
  snmpPort?: number;
}

/**
 * A gateway already answering `/healthz` on `host` at one of `ports` (1 s per probe), or undefined.
 * Only an answer shaped like Flowgate's health document counts.
 */
export async function probeRunningGateway(host: string, ports: number[], accept: (h: RunningElsewhere) => boolean = () => true): Promise<RunningElsewhere | undefined> {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  for (const port of [...new Set(ports)].filter((p) => p > 0)) {
    const url = `http://${net.isIP(h) === 6 ? `[${h}]` : h}:${port}`;
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000), redirect: 'error' });
      const text = res.ok ? await firstBytes(res, 4096) : '';
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      if (body?.status !== 'ok') continue;
      const found: RunningElsewhere = {
        url,
        ...(typeof body.name === 'string' ? { name: body.name.slice(0, 128) } : {}),
        ...(typeof body.version === 'string' ? { version: body.version.slice(0, 64) } : {}),
        ...(typeof body.snmpPort === 'number' ? { snmpPort: body.snmpPort } : {}),
      };
      if (accept(found)) return found;
    } catch {
      /* nothing there, or not a gateway */
    }
  }
  return undefined;
}

/** True when `host:port` (TCP) cannot be bound because something listens there. */
function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE'));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

/** The message for a start refused because the HTTP port is taken (by a gateway, when `other` says so). */
function portTaken(options: GatewayOptions, other: RunningElsewhere | undefined): string {
  const head = `Port ${options.port} on ${options.host} is already in use`;
  return other ? `${head}: ${alreadyRunning(other)}` : `${head} by another program (EADDRINUSE); choose another with --port or FLOWGATE_PORT`;
}

/** At most `max` bytes of an answer's body, as text (whatever else is already running on that port may send more). */
async function firstBytes(res: Response, max: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/** The message for a start refused because a gateway already holds the address. */
function alreadyRunning(other: RunningElsewhere): string {
  return (
    `a Flowgate gateway${other.name ? ` "${other.name}"` : ''}${other.version ? ` (version ${other.version})` : ''} is already running at ${other.url}` +
    `${other.snmpPort ? ` (SNMP traps: udp ${other.snmpPort})` : ''}. ` +
    `Use that one (e.g. \`npx flowgate run <flow> --gateway ${other.url}\`, or open ${other.url}/healthz), ` +
    `or stop it first (Ctrl+C in the terminal that runs it, or "Flowgate: Stop Local Gateway" in VS Code). ` +
    `To run a second gateway beside it, give this one other ports: --port <n> --snmp-port <n> (0 picks free ones).`
  );
}

const isLoopback = (ip: string) => (net.isIP(ip) === 4 && ip.startsWith('127.')) || ip === '::1' || ip.startsWith('::ffff:127.');

/**
 * True URLs of a listening gateway: for a wildcard bind (0.0.0.0, ::) loopback first, then every
 * interface address of the bound family (both for ::, which is dual-stack on the platforms we run);
 * otherwise the address as asked (a name stays a name).
 */
export function reachableUrls(askedHost: string, boundAddress: string, port: number, scheme: 'http' | 'https' = 'http'): { urls: string[]; exposed: boolean } {
  const url = (h: string) => `${scheme}://${net.isIP(h) === 6 ? `[${h}]` : h}:${port}`;
  if (boundAddress === '0.0.0.0' || boundAddress === '::') {
    const urls = [url('127.0.0.1')];
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) {
        if (a.internal || (boundAddress === '0.0.0.0' && a.family !== 'IPv4') || a.address.includes('%')) continue;
        if (a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:')) continue;
        urls.push(url(a.address));
      }
    }
    return { urls: [...new Set(urls)], exposed: true };
  }
  const asked = askedHost.replace(/^\[|\]$/g, '');
  return { urls: [url(net.isIP(asked) ? boundAddress : asked)], exposed: !isLoopback(boundAddress) };
}
