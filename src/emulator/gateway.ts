/** Starting and stopping one gateway in this process: store, executions, HTTP server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { version as gatewayVersion } from '../../package.json';
import { ExecutionManager } from './executions/manager';
import { InMemoryExecutionHistory } from './executions/history';
import { executingOn } from './hostIdentity';
import { createApp } from './http/app';
import { PackageStore } from './store/packageStore';

export interface GatewayOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  dataDir: string;
  name: string;
  /** Parsed and kept; the SNMP trap receiver comes in a later issue. */
  snmpPort: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  host: string;
  name: string;
  dataDir: string;
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
  const history = new InMemoryExecutionHistory();
  const executions = new ExecutionManager(store, history, executingOn(options.name));
  const app = createApp({
    name: options.name,
    version: gatewayVersion,
    startedAt: new Date().toISOString(),
    store,
    executions,
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
    await store.flush().catch(() => undefined);
    throw err;
  });

  const port = (server.address() as AddressInfo).port;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  let closing: Promise<void> | undefined;

  const close = () =>
    (closing ??= (async () => {
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

  return { url: `http://${urlHost}:${port}`, port, host: options.host, name: options.name, dataDir: options.dataDir, close };
}
