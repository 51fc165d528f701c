/** `flowgate run <flow> [--package P] [--version N] [--input k=v ...] [--inputs-json '{...}'] [--async]` */
import { flag, gatewayUrl, list, positionals, str, GATEWAY_OPTION, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { GatewayError } from '../../core/client/gatewayClient';
import { CliError, EXIT_OK, UsageError } from '../errors';
import { reportFailure } from '../failures';
import { parseInputs } from '../inputs';
import type { Output } from '../output';
import { clientFor } from '../publishing';

const HELP = `Usage: flowgate run <flow> [options]

Runs a published flow on a gateway and prints its output variables. Without --package and
--version the gateway's default package and that package's default version are used.

Options:
  -p, --package <name>      the package holding the flow
  --version <n>             the package version (default: the package's default version)
  -i, --input <name=value>  an input variable; repeatable. The value is parsed as JSON when it
                            parses (42, true, {"a":1}, [1,2]), otherwise taken as text
  --inputs-json <json>      all input variables as one JSON object (--input entries win)
  --async                   start the execution and print its id without waiting
  --timeout <seconds>       how long to wait for a synchronous run (default 300; 0: no limit)
  -g, --gateway <url>       the gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --credentials <file>      OAuth client credentials for the gateway (a {"issuer", "client_id",
                            "client_secret"} file, mode 0600). Default: $FLOWGATE_CLIENT_ID and
                            $FLOWGATE_CLIENT_SECRET, else a local emulator's local-admin.json.
                            A version with no groups runs without any
  --json                    print the gateway's answer ({"executionId", "status", "outputVariables"})
  -h, --help                show this help

Exit status: 0 when the flow ended, 1 when it failed (HTTP 500) or the gateway refused the
inputs (HTTP 400, every refused input listed), 2 for a usage error.`;

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [flow] = positionals('run', args, ['flow'], 1);
  const gateway = gatewayUrl(args);
  const packageName = str(args, 'package');
  const rawVersion = str(args, 'version');
  let packageVersion: number | undefined;
  if (rawVersion !== undefined) {
    if (!/^[1-9]\d*$/.test(rawVersion)) throw new UsageError(`--version must be a positive integer, got '${rawVersion}'`, 'run');
    packageVersion = Number(rawVersion);
  }
  const inputVariables = parseInputs('run', list(args, 'input'), str(args, 'inputs-json'));
  const mode = flag(args, 'async') ? 'async' : 'sync';
  const rawTimeout = str(args, 'timeout') ?? '300';
  if (!/^\d+$/.test(rawTimeout)) throw new UsageError(`--timeout must be a number of seconds, got '${rawTimeout}'`, 'run');
  const timeoutSeconds = Number(rawTimeout);
  try {
    const client = clientFor(gateway, args);
    const timeoutMs = timeoutSeconds === 0 ? 2_147_483_647 : timeoutSeconds * 1000;
    const answer = await client.startExecution(flow, { inputVariables, packageName, packageVersion, mode, timeoutMs });
    if (answer.kind === 'started') {
      const started = answer.started;
      if (out.json) out.document(started);
      else out.line(`${out.style('green', '✓')} started ${out.style('bold', flow)} (${started.packageName} v${started.packageVersion}): execution ${started.executionId}`);
      return EXIT_OK;
    }
    const result = answer.result;
    if (out.json) {
      out.document(result);
      return EXIT_OK;
    }
    const where = `${result.packageName} v${result.packageVersion}`;
    out.line(`${out.style('green', '✓')} ${out.style('bold', flow)} (${where}) ${result.status}: execution ${result.executionId}`);
    const entries = Object.entries(result.outputVariables ?? {});
    if (entries.length === 0) out.line('  (no output variables)');
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    for (const [k, v] of entries) out.line(`  ${k.padEnd(width)} = ${formatValue(v)}`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'no-default-package' && packageName === undefined) {
      // The gateway's own message speaks HTTP (?packageName=); on the command line it is --package.
      const cliErr = new CliError('no-default-package', `No package was named and the gateway at ${gateway} has no default package`, {
        hint: 'Name the package with --package <name> (and --version <n>), or make one the default package (`flowgate emulator --publish <folder> --set-default`, or Set As Default Package in VS Code).',
        extra: { status: err.status },
      });
      return reportFailure(out, cliErr, { command: 'run', gateway });
    }
    return reportFailure(out, err, { command: 'run', gateway });
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a published flow on a gateway and print its outputs',
  help: HELP,
  options: {
    ...GATEWAY_OPTION,
    package: { type: 'string', short: 'p' },
    version: { type: 'string' },
    input: { type: 'string', short: 'i', multiple: true },
    'inputs-json': { type: 'string' },
    async: { type: 'boolean' },
    timeout: { type: 'string' },
  },
  run,
};
