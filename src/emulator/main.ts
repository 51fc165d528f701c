/**
 * Process entry of the emulator (`dist/emulator.js`, forked by the extension) and the functions
 * the CLI's `flowgate emulator` command reuses. Importing this module does nothing by itself:
 * the bundle's footer calls `main()` only when dist/emulator.js is the main module.
 */
import os from 'node:os';
import { GatewayStartError, startGateway, type GatewayOptions, type RunningGateway } from './gateway';
import { parseEmulatorArgs, USAGE, UsageError } from './options';
import { secretMask } from './secrets/mask';

export { startGateway, GatewayStartError, UsageError, USAGE, parseEmulatorArgs };
export type { GatewayOptions, RunningGateway };

/** Thrown by runEmulator for `--help` (the usage was printed; exit 0). */
export class HelpShown extends Error {
  readonly exitCode = 0;
  constructor() {
    super('help shown');
  }
}

/**
 * Parse flags and environment, start the gateway, print the ready line, and stop cleanly on
 * SIGINT / SIGTERM (and when a forking parent disconnects): exit 0. Errors carry `exitCode`
 * (2 for bad flags — UsageError, 1 for a port in use — GatewayStartError).
 */
export async function runEmulator(argv: string[]): Promise<RunningGateway> {
  const parsed = parseEmulatorArgs(argv);
  if (parsed.help) {
    process.stdout.write(USAGE);
    throw new HelpShown();
  }
  const o = parsed.options;
  // Files the gateway creates are private (0600, folders 0700): the data folder holds keys and secrets.
  process.umask(0o077);
  // The activity log (uploads, publishes, executions, fired schedules, received traps): one line each on stdout.
  const gw = await startGateway({ ...o, activity: (line) => process.stdout.write(`${line}\n`) });
  installSafetyNet();
  process.stdout.write(`Flowgate emulator "${o.name}" listening on ${gw.url} (data: ${o.dataDir}; SNMP traps: udp ${o.host.includes(':') ? `[${o.host}]` : o.host}:${gw.snmpPort})\n`);
  if (gw.exposed) {
    const where = gw.boundAddress.includes(':') ? `[${gw.boundAddress}]:${gw.port}` : `${gw.boundAddress}:${gw.port}`;
    process.stdout.write(`Flowgate emulator "${o.name}" bound to ${where}; reachable at ${gw.urls.join(', ')}\n`);
    const external = gw.urls.filter((u) => !/\/\/(127\.|\[::1\]|localhost)/.test(u)).join(', ') || gw.urls.join(', ');
    process.stderr.write(
      gw.tls
        ? `\nNOTE: the Flowgate emulator is bound to ${where} (--host ${o.host}), not to loopback: it is reachable from other machines\n` +
            `at ${external} (HTTPS) and on udp port ${gw.snmpPort} (SNMP traps). The flows of versions with no groups can be run\n` +
            `by anyone who can reach it. Callers that use a DNS name other than '${os.hostname()}' must be allowed with\n` +
            `--allow-host <name> (any other Host is refused, 421), and must trust its certificate (NODE_EXTRA_CA_CERTS=<ca.pem>).\n\n`
        : `\nWARNING: --insecure-bind: the Flowgate emulator is bound to ${where} (--host ${o.host}), not to loopback: it is reachable from OTHER MACHINES\n` +
            `at ${external} (HTTP) and on udp port ${gw.snmpPort} (SNMP traps).\n` +
            `It serves PLAIN HTTP (no tls in gateway.yaml): access tokens, client secrets and flow data cross the network UNENCRYPTED,\n` +
            `and the flows of versions with no groups can be run by anyone who can reach it.\n` +
            `Configure tls (certFile, keyFile) in gateway.yaml, or use --host 127.0.0.1 (the default), unless this network is trusted.\n` +
            `Callers that use a DNS name other than '${os.hostname()}' must be allowed with --allow-host <name> (any other Host is refused, 421).\n\n`,
    );
  }
  if (process.send) {
    process.send({ type: 'ready', url: gw.url, port: gw.port, snmpPort: gw.snmpPort, name: o.name, dataDir: o.dataDir });
  }
  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    const hard = setTimeout(() => {
      process.stderr.write('Flowgate emulator: shutdown took too long, exiting\n');
      process.exit(1);
    }, 10_000);
    hard.unref();
    gw.close().then(
      () => {
        process.stdout.write(`Flowgate emulator "${o.name}" stopped (${why})\n`);
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`Flowgate emulator: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  if (process.send) process.once('disconnect', () => shutdown('parent disconnected'));
  return gw;
}

let netInstalled = false;
/** Errors logged by the safety net in the current minute (the rest are counted, not printed). */
let netLogged = 0;
let netSuppressed = 0;
const NET_LOG_PER_MINUTE = 20;

/** Text of an error for stderr: message and stack, credentials in URLs and the secret store's values (secrets/mask.ts) masked, bounded. */
export function describeForLog(err: unknown): string {
  let text: string;
  if (err instanceof Error) text = err.stack ?? `${err.name}: ${err.message}`;
  else {
    try {
      text = typeof err === 'string' ? err : JSON.stringify(err) ?? String(err);
    } catch {
      text = String(err);
    }
  }
  text = text.replace(/\/\/[^/@\s]*@/g, '//***@').replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***');
  text = secretMask.text(text);
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

/**
 * The process-level net: an error nothing handled is logged (masked, at most 20 a minute) and the
 * gateway keeps serving. Every promise of the gateway is meant to be handled; this only keeps one
 * that was not from taking every route down with it.
 */
export function installSafetyNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  const timer = setInterval(() => {
    if (netSuppressed) process.stderr.write(`Flowgate emulator: ${netSuppressed} more unhandled errors in the last minute (not shown)\n`);
    netLogged = 0;
    netSuppressed = 0;
  }, 60_000);
  timer.unref();
  const log = (what: string, err: unknown) => {
    if (netLogged >= NET_LOG_PER_MINUTE) {
      netSuppressed++;
      return;
    }
    netLogged++;
    try {
      process.stderr.write(`Flowgate emulator: ${what} (the gateway keeps serving): ${describeForLog(err)}\n`);
    } catch {
      /* stderr gone: nothing more to do */
    }
  };
  process.on('unhandledRejection', (reason) => log('unhandled promise rejection', reason));
  process.on('uncaughtException', (err, origin) => log(origin === 'unhandledRejection' ? 'unhandled promise rejection' : 'uncaught exception', err));
}

/** Run as a process: exit codes 0 (help), 1 (cannot start), 2 (bad flags). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  try {
    await runEmulator(argv);
  } catch (err) {
    if (err instanceof HelpShown) process.exit(0);
    if (err instanceof UsageError) {
      process.stderr.write(`flowgate-emulator: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof GatewayStartError) {
      process.stderr.write(`flowgate-emulator: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`flowgate-emulator: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  }
}
