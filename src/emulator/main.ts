/**
 * Process entry of the emulator (`dist/emulator.js`, forked by the extension) and the functions
 * the CLI's `flowgate emulator` command reuses. Importing this module does nothing by itself:
 * the bundle's footer calls `main()` only when dist/emulator.js is the main module.
 */
import { GatewayStartError, startGateway, type GatewayOptions, type RunningGateway } from './gateway';
import { parseEmulatorArgs, USAGE, UsageError } from './options';

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
  const gw = await startGateway(o);
  process.stdout.write(`Flowgate emulator "${o.name}" listening on ${gw.url} (data: ${o.dataDir}; SNMP traps: udp ${o.host}:${gw.snmpPort})\n`);
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
