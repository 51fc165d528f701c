/** Flags and environment of the emulator process. */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { GatewayOptions } from './gateway';
import { parseEgressAllow } from './engine/egress';
import { parseHostRule, parseOrigin } from './http/browserPolicy';
import { UsageError } from '../core/usageError';
import { parsePortText, PORT_MAX } from '../core/model/port';

export const DEFAULT_PORT = 8722;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_NAME = 'flowgate-emulator';
export const DEFAULT_SNMP_PORT = 1162;
export const DEFAULT_EXECUTION_RETENTION = 10_000;

/** The emulator's flags, shared by `dist/emulator.js` and `flowgate emulator`. */
export const EMULATOR_FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  name: { type: 'string' },
  'snmp-port': { type: 'string' },
  'execution-retention': { type: 'string' },
  'allow-origin': { type: 'string' },
  'allow-host': { type: 'string' },
  'egress-allow': { type: 'string' },
  'allow-self-calls': { type: 'boolean' },
  'insecure-bind': { type: 'boolean' },
} as const;

/** Help lines of EMULATOR_FLAGS (environment variable in brackets). */
export const EMULATOR_FLAGS_HELP = `  --port <n>        TCP port, 0 picks a free one   [FLOWGATE_PORT]       default ${DEFAULT_PORT}
  --host <addr>     address to bind                [FLOWGATE_HOST]       default ${DEFAULT_HOST}
                    (loopback; any other address needs tls in gateway.yaml, or --insecure-bind)
  --data <folder>   data folder                    [FLOWGATE_DATA]       default ~/.flowgate/emulator
  --config <file>   gateway configuration (YAML: directory, Admin groups, OAuth clients)
                                                   [FLOWGATE_CONFIG]     default <data>/gateway.yaml,
                                                   created on first start
  --name <name>     gateway name                   [FLOWGATE_NAME]       default ${DEFAULT_NAME}
  --snmp-port <n>   SNMP trap port, 0 picks one    [FLOWGATE_SNMP_PORT]  default ${DEFAULT_SNMP_PORT}
  --execution-retention <count>
                    finished executions kept in the history (older ones are dropped)
                                                   [FLOWGATE_EXECUTION_RETENTION]  default ${DEFAULT_EXECUTION_RETENTION}
  --allow-origin <origins>
                    comma list of web origins (https://app.example:8443) whose pages may call
                    the gateway; any other Origin is refused (403)  [FLOWGATE_ALLOW_ORIGIN]
  --allow-host <names>
                    comma list of extra Host names (name, or name:port) the gateway answers to,
                    e.g. behind a port forward; any other Host is refused (421)  [FLOWGATE_ALLOW_HOST]
  --egress-allow <patterns>
                    comma list of hosts the http step may reach (host, host:port, *.domain),
                    besides each connection's own base URL; default * (any host but the
                    gateway itself)                                 [FLOWGATE_EGRESS_ALLOW]
  --allow-self-calls
                    let flows' http steps call this gateway's own API (counted in the calling
                    execution's tree)                               [FLOWGATE_ALLOW_SELF_CALLS=1]
`;

export const USAGE = `Usage: flowgate-emulator [options]

Runs the Flowgate local gateway emulator.

Options (environment variable in brackets):
${EMULATOR_FLAGS_HELP}  --help            show this help
`;

/** A bad flag: core's one usage error (exit code 2). */
export { UsageError };

export type ParsedArgs = { help: true } | { help: false; options: GatewayOptions };

function parsePort(raw: string, what: string): number {
  const port = parsePortText(raw.trim(), { allowZero: true });
  if (port === undefined) throw new UsageError(`${what} must be a port number from 0 to ${PORT_MAX}, got '${raw}'`);
  return port;
}

function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(os.homedir(), p.slice(2));
  return p;
}

export function parseEmulatorArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { ...EMULATOR_FLAGS, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { help: true };
  const list = (flag: string, envName: string, parse: (item: string) => string | void): string[] | undefined => {
    const raw = pick(flag, envName);
    if (raw === undefined) return undefined;
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length > 256) throw new UsageError(`${flag}: at most 256 entries`);
    return items.map((item) => {
      try {
        return parse(item) ?? item;
      } catch (err) {
        throw new UsageError(`${flag}: ${(err as Error).message}`);
      }
    });
  };
  const pick = (flag: string, envName: string): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    const e = env[envName];
    return e !== undefined && e !== '' ? e : undefined;
  };
  const rawPort = pick('port', 'FLOWGATE_PORT');
  const rawSnmp = pick('snmp-port', 'FLOWGATE_SNMP_PORT');
  const rawRetention = pick('execution-retention', 'FLOWGATE_EXECUTION_RETENTION');
  if (rawRetention !== undefined && (!/^\d{1,9}$/.test(rawRetention.trim()) || Number(rawRetention) < 1)) {
    throw new UsageError(`execution-retention must be a whole number of executions from 1 to 999999999, got '${rawRetention}'`);
  }
  const host = pick('host', 'FLOWGATE_HOST') ?? DEFAULT_HOST;
  const name = pick('name', 'FLOWGATE_NAME') ?? DEFAULT_NAME;
  const data = pick('data', 'FLOWGATE_DATA');
  const config = pick('config', 'FLOWGATE_CONFIG');
  if (!host.trim()) throw new UsageError('host must not be empty');
  let egressAllow: GatewayOptions['egressAllow'];
  const rawEgress = pick('egress-allow', 'FLOWGATE_EGRESS_ALLOW');
  if (rawEgress !== undefined) {
    try {
      egressAllow = parseEgressAllow(rawEgress);
    } catch (err) {
      throw new UsageError(`egress-allow: ${(err as Error).message}`);
    }
  }
  const allowOrigins = list('allow-origin', 'FLOWGATE_ALLOW_ORIGIN', parseOrigin);
  const allowHosts = list('allow-host', 'FLOWGATE_ALLOW_HOST', (h) => void parseHostRule(h));
  let allowSelfCalls = values['allow-self-calls'] === true;
  const rawSelf = env.FLOWGATE_ALLOW_SELF_CALLS;
  if (!allowSelfCalls && rawSelf !== undefined && rawSelf !== '') {
    if (/^(1|true|yes)$/i.test(rawSelf)) allowSelfCalls = true;
    else if (!/^(0|false|no)$/i.test(rawSelf)) throw new UsageError(`FLOWGATE_ALLOW_SELF_CALLS must be 1 or 0, got '${rawSelf}'`);
  }
  let insecureBind = values['insecure-bind'] === true;
  const rawInsecure = env.FLOWGATE_INSECURE_BIND;
  if (!insecureBind && rawInsecure !== undefined && rawInsecure !== '') {
    if (/^(1|true|yes)$/i.test(rawInsecure)) insecureBind = true;
    else if (!/^(0|false|no)$/i.test(rawInsecure)) throw new UsageError(`FLOWGATE_INSECURE_BIND must be 1 or 0, got '${rawInsecure}'`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`name may hold letters, digits, '.', '-' and '_' only, got '${name}'`);
  return {
    help: false,
    options: {
      port: rawPort === undefined ? DEFAULT_PORT : parsePort(rawPort, 'port'),
      host,
      name,
      dataDir: path.resolve(expandHome(data ?? path.join(os.homedir(), '.flowgate', 'emulator'))),
      ...(config !== undefined ? { configFile: path.resolve(expandHome(config)) } : {}),
      snmpPort: rawSnmp === undefined ? DEFAULT_SNMP_PORT : parsePort(rawSnmp, 'snmp-port'),
      executionRetention: rawRetention === undefined ? DEFAULT_EXECUTION_RETENTION : Number(rawRetention),
      ...(allowOrigins ? { allowOrigins } : {}),
      ...(allowHosts ? { allowHosts } : {}),
      ...(egressAllow ? { egressAllow } : {}),
      allowSelfCalls,
      ...(insecureBind ? { insecureBind } : {}),
    },
  };
}
