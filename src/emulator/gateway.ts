/** Starting and stopping one gateway in this process: store, executions, HTTP server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { version as gatewayVersion } from '../../package.json';
import { ExecutionManager } from './executions/manager';
import { JsonlExecutionHistory } from './executions/historyLog';
import { executingOn } from './hostIdentity';
import { createApp } from './http/app';
import { PackageStore } from './store/packageStore';
import { Scheduler } from './schedules/scheduler';
import { SnmpService } from './snmp/service';

export interface GatewayOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  dataDir: string;
  name: string;
  /** UDP port of the SNMP trap receiver (on `host`); 0 picks a free port. */
  snmpPort: number;
  /** Finished executions kept in the history (default 10,000; older ones are dropped). */
  executionRetention?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  host: string;
  name: string;
  dataDir: string;
  /** The real UDP port of the SNMP trap receiver. */
  snmpPort: number;
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

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  let store: PackageStore;
  try {
    store = await PackageStore.open(options.dataDir);
  } catch (err) {
    throw new GatewayStartError(`Cannot open the data folder ${options.dataDir}: ${(err as Error).message}`, 1);
  }
  let history: JsonlExecutionHistory;
  try {
    history = await JsonlExecutionHistory.open(options.dataDir, { retention: options.executionRetention });
  } catch (err) {
    throw new GatewayStartError(`Cannot open the execution history in ${options.dataDir}: ${(err as Error).message}`, 1);
  }
  const executions = new ExecutionManager(store, history, executingOn(options.name));
  const snmp = new SnmpService(store, executions);
  let snmpPort: number;
  try {
    snmpPort = await snmp.start({ port: options.snmpPort, host: options.host });
  } catch (err) {
    await history.close().catch(() => undefined);
    await store.flush().catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? 'is already in use (EADDRINUSE)' : e.code === 'EACCES' ? 'needs more permission (EACCES)' : `cannot be used: ${e.message}`;
    throw new GatewayStartError(`SNMP trap port ${options.snmpPort} (udp) on ${options.host} ${why}; choose another with --snmp-port or FLOWGATE_SNMP_PORT`, 1);
  }
  const scheduler = await Scheduler.open(store, executions, options.dataDir);
  const app = createApp({
    name: options.name,
    version: gatewayVersion,
    startedAt: new Date().toISOString(),
    store,
    executions,
    snmp,
    scheduler,
  });
  const server = http.createServer(app);
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new GatewayStartError(`Port ${options.port} on ${options.host} is already in use (EADDRINUSE); choose another with --port or FLOWGATE_PORT`, 1));
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

  scheduler.start();
  const port = (server.address() as AddressInfo).port;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  let closing: Promise<void> | undefined;

  const close = () =>
    (closing ??= (async () => {
      await scheduler.stop(); // no firing from here on; tasks destroyed, history written
      await snmp.close();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Running executions are stopped and marked; synchronous callers get their answer.
      await executions.stopAll();
      await history.close();
      await store.flush();
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      force.unref();
      await serverClosed;
      clearTimeout(force);
    })());

  return { url: `http://${urlHost}:${port}`, port, snmpPort, host: options.host, name: options.name, dataDir: options.dataDir, close };
}
