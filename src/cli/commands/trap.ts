/** `flowgate trap send [options]`: send a test SNMP trap (v1, v2c, v3) to a gateway's trap receiver. */
import { list, positionals, str, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { CliError, EXIT_OK, UsageError } from '../errors';
import type { Output } from '../output';
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS } from '../../core/snmp/users';
import { parsePortText, PORT_RULE } from '../../core/model/port';
import { parseVarbindArg, sendTrap, SendTrapError, type SendTrapOptions, type TrapVarbind } from '../../core/snmp/sendTrap';
import { isSnmpVersion, SNMP_VERSIONS_TEXT, type SnmpAuthProtocol, type SnmpPrivProtocol } from '../../core/model/trigger';

const HELP = `Usage: flowgate trap send [options]

Sends one SNMP trap to a gateway's trap receiver (the local emulator listens on udp 1162), to
try triggers. Traps are not acknowledged: "sent" means it left this machine.

Options:
  --gateway-host <host>     where to send it (default 127.0.0.1)
  --port <n>                the trap port (default 1162)
  --version <v1|v2c|v3>     SNMP version (default v2c)
  --oid <oid>               the trap OID (snmpTrapOID.0), e.g. 1.3.6.1.4.1.8072.2.3.0.1 (required).
                            For v1 it becomes enterprise / specific-trap per RFC 3584
  --varbind <oid=t:value>   a varbind; repeatable. Types as snmptrap: s string, x hex, i integer,
                            u unsigned, c counter, C counter64, t timeticks, a IP address, o OID,
                            n null. Example: 1.3.6.1.2.1.1.5.0=s:router1
  --community <text>        v1/v2c community (default public)
  --agent-address <ip>      v1 agent address (default 127.0.0.1)
  --uptime <ticks>          sysUpTime in hundredths of a second (default: this process's uptime)
  --user <name>             v3 user
  --level <level>           v3: noAuthNoPriv, authNoPriv or authPriv (default: from the keys given)
  --auth-protocol <p>       v3: ${SNMP_AUTH_PROTOCOLS.join(', ')} (default sha)
  --auth-key <key>          v3 auth key (or $FLOWGATE_SNMP_AUTH_KEY, which keeps it out of shell history)
  --priv-protocol <p>       v3: ${SNMP_PRIV_PROTOCOLS.join(', ')} (default aes)
  --priv-key <key>          v3 privacy key (or $FLOWGATE_SNMP_PRIV_KEY)
  --source-address <ip>     local address to send from
  --source-port <n>         local port to send from
  --json                    print {"sent": true, ...} (keys are never printed)
  -h, --help                show this help

Exit status: 0 when the trap was sent, 1 when it could not be sent, 2 for a usage error.`;

function port(raw: string | undefined, name: string, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  const n = parsePortText(raw);
  if (n === undefined) throw new UsageError(`--${name} must be ${PORT_RULE}, got '${raw}'`, 'trap');
  return n;
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [sub] = positionals('trap', args, ['subcommand'], 1);
  if (sub !== 'send') throw new UsageError(`unknown subcommand '${sub}' (expected: send)`, 'trap');
  const version = str(args, 'version') ?? 'v2c';
  if (!isSnmpVersion(version)) throw new UsageError(`--version must be ${SNMP_VERSIONS_TEXT}, got '${version}'`, 'trap');
  const trapOid = str(args, 'oid');
  if (!trapOid) throw new UsageError('missing --oid <trap OID>', 'trap');
  let varbinds: TrapVarbind[];
  try {
    varbinds = list(args, 'varbind').map(parseVarbindArg);
  } catch (err) {
    throw new UsageError(`--varbind ${(err as Error).message}`, 'trap');
  }
  const rawUptime = str(args, 'uptime');
  if (rawUptime !== undefined && !/^\d+$/.test(rawUptime)) throw new UsageError(`--uptime must be a number of hundredths of a second, got '${rawUptime}'`, 'trap');
  const level = str(args, 'level');
  if (level !== undefined && !['noAuthNoPriv', 'authNoPriv', 'authPriv'].includes(level)) {
    throw new UsageError(`--level must be noAuthNoPriv, authNoPriv or authPriv, got '${level}'`, 'trap');
  }
  const userName = str(args, 'user');
  if (version === 'v3' && !userName) throw new UsageError('a v3 trap needs --user', 'trap');
  if (version !== 'v3' && userName) throw new UsageError('--user applies to --version v3 only', 'trap');
  const options: SendTrapOptions = {
    host: str(args, 'gateway-host') ?? '127.0.0.1',
    port: port(str(args, 'port'), 'port', 1162),
    version,
    trapOid,
    varbinds,
    ...(str(args, 'community') !== undefined ? { community: str(args, 'community') } : {}),
    ...(str(args, 'agent-address') !== undefined ? { agentAddress: str(args, 'agent-address') } : {}),
    ...(rawUptime !== undefined ? { uptime: Number(rawUptime) } : {}),
    ...(str(args, 'source-address') !== undefined ? { sourceAddress: str(args, 'source-address') } : {}),
    ...(str(args, 'source-port') !== undefined ? { sourcePort: port(str(args, 'source-port'), 'source-port') } : {}),
  };
  if (version === 'v3') {
    const authKey = str(args, 'auth-key') ?? (process.env.FLOWGATE_SNMP_AUTH_KEY || undefined);
    const privKey = str(args, 'priv-key') ?? (process.env.FLOWGATE_SNMP_PRIV_KEY || undefined);
    options.user = {
      name: userName!,
      ...(level ? { level: level as 'noAuthNoPriv' | 'authNoPriv' | 'authPriv' } : {}),
      ...(str(args, 'auth-protocol') ? { authProtocol: str(args, 'auth-protocol') as SnmpAuthProtocol } : {}),
      ...(authKey ? { authKey } : {}),
      ...(str(args, 'priv-protocol') ? { privProtocol: str(args, 'priv-protocol') as SnmpPrivProtocol } : {}),
      ...(privKey ? { privKey } : {}),
    };
  }
  let result;
  try {
    result = await sendTrap(options);
  } catch (err) {
    if (err instanceof SendTrapError && err.field) throw new UsageError(err.message, 'trap');
    throw new CliError('trap-not-sent', (err as Error).message);
  }
  const who = version === 'v3' ? `user ${userName}` : `community ${options.community ?? 'public'}`;
  if (out.json) {
    out.document({ sent: true, ...result, ...(version === 'v3' ? { user: userName } : { community: options.community ?? 'public' }) });
  } else {
    out.line(`${out.style('green', '✓')} sent SNMP ${version} trap ${out.style('bold', result.trapOid)} to ${result.host}:${result.port} (${who}, ${result.varbinds} varbind${result.varbinds === 1 ? '' : 's'})`);
    if (result.enterprise !== undefined) out.line(`  v1: enterprise ${result.enterprise}, generic ${result.genericTrap}, specific ${result.specificTrap}`);
  }
  return EXIT_OK;
}

export const trapCommand: Command = {
  name: 'trap',
  summary: 'send a test SNMP trap to a gateway (trap send)',
  help: HELP,
  options: {
    'gateway-host': { type: 'string' },
    port: { type: 'string' },
    version: { type: 'string' },
    oid: { type: 'string' },
    varbind: { type: 'string', multiple: true },
    community: { type: 'string' },
    'agent-address': { type: 'string' },
    uptime: { type: 'string' },
    user: { type: 'string' },
    level: { type: 'string' },
    'auth-protocol': { type: 'string' },
    'auth-key': { type: 'string' },
    'priv-protocol': { type: 'string' },
    'priv-key': { type: 'string' },
    'source-address': { type: 'string' },
    'source-port': { type: 'string' },
  },
  run,
};
