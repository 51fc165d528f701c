/**
 * `flowgate authorisation get|set --package <name> --version <n>`: the directory groups whose
 * members may execute a package version's flows (none: anyone may), read and changed through the
 * gateway's API (GET/PUT …/versions/{v}/authorisation, Admin).
 */
import { GatewayError } from '../../core/client/gatewayClient';
import { LIMITS } from '../../core/limits';
import { authorisationMeaning, groupListProblems } from '../../core/model/authorisation';
import { isPackageName, PACKAGE_NAME_RULE } from '../../core/model/packageDraft';
import { flag, gatewayUrl, list, positionals, str, GATEWAY_OPTION, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { clientFor } from '../credentials';
import { CliError, EXIT_OK, UsageError } from '../errors';
import { reportFailure } from '../failures';
import type { Output } from '../output';

const HELP = `Usage: flowgate authorisation get --package <name> --version <n> [options]
       flowgate authorisation set --package <name> --version <n> --group <g> [--group <g2> ...]
       flowgate authorisation set --package <name> --version <n> --none

Reads or changes who may execute a package version's flows: the groups of the gateway's
directory whose members (and Admins) may run them. A version with no groups lets anyone run
them. New versions inherit their source version's groups, and package files carry them.
Changing them needs an Admin; \`flowgate groups\` lists the directory's groups.

Options:
  -p, --package <name>  the package (required)
  --version <n>         the package version (required)
  --group <name>        set: a group of the gateway's directory; repeatable (the list replaces
                        the version's groups)
  --none                set: remove every group (anyone may execute the version's flows)
  -g, --gateway <url>   the gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --credentials <file>  OAuth client credentials for the gateway (a {"issuer", "client_id",
                        "client_secret"} file, mode 0600). Default: $FLOWGATE_CLIENT_ID and
                        $FLOWGATE_CLIENT_SECRET, else a local emulator's local-admin.json
  --json                print {"gateway", "package", "version", "groups"}
  -h, --help            show this help

Exit status: 0 done, 1 the gateway refused (a group its directory lacks is named), 2 usage error.`;

const COMMAND = 'authorisation';

/** `--package` and `--version`, checked. */
function versionArgs(args: ParsedArgs): { packageName: string; version: number } {
  const packageName = str(args, 'package');
  if (packageName === undefined) throw new UsageError('missing --package <name>', COMMAND);
  if (!isPackageName(packageName)) throw new UsageError(`--package: '${String(packageName).slice(0, 120)}' is not a package name (${PACKAGE_NAME_RULE})`, COMMAND);
  const raw = str(args, 'version');
  if (raw === undefined) throw new UsageError('missing --version <n>', COMMAND);
  if (!/^[1-9]\d{0,8}$/.test(raw) || Number(raw) > LIMITS.maxVersion) throw new UsageError(`--version must be a whole number from 1 to ${LIMITS.maxVersion}, got '${raw.slice(0, 40)}'`, COMMAND);
  return { packageName, version: Number(raw) };
}

/** `--group …` or `--none`: exactly one of them, every name checked. */
function groupArgs(args: ParsedArgs): string[] {
  const groups = list(args, 'group');
  const none = flag(args, 'none');
  if (none && groups.length) throw new UsageError('give --group <name> (one or more) or --none, not both', COMMAND);
  if (!none && groups.length === 0) throw new UsageError('missing --group <name> (repeatable) or --none (anyone may execute)', COMMAND);
  const problems = groupListProblems(groups, '--group');
  if (problems.length) {
    const first = problems[0];
    const at = /\[(\d+)\]$/.exec(first.field);
    throw new UsageError(`--group${at ? ` (the ${ordinal(Number(at[1]) + 1)})` : ''}: ${first.message}`, COMMAND);
  }
  return groups;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

function print(out: Output, gateway: string, packageName: string, version: number, groups: string[], verb: string): void {
  if (out.json) {
    out.document({ gateway, package: packageName, version, groups });
    return;
  }
  const label = out.style('bold', `${packageName} v${version}`);
  out.line(`${verb ? `${out.style('green', '✓')} ${verb} ` : ''}${label} on ${gateway}: ${groups.length ? `groups ${groups.join(', ')}` : 'no groups'}`);
  out.line(`  ${authorisationMeaning(groups)}.`);
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [sub] = positionals(COMMAND, args, ['get | set'], 1);
  if (sub !== 'get' && sub !== 'set') throw new UsageError(`unknown subcommand '${sub.slice(0, 40)}' (expected: get or set)`, COMMAND);
  const { packageName, version } = versionArgs(args);
  if (sub === 'get' && (list(args, 'group').length || flag(args, 'none'))) throw new UsageError('--group and --none belong to `authorisation set`', COMMAND);
  const groups = sub === 'set' ? groupArgs(args) : [];
  const gateway = gatewayUrl(args);
  try {
    const client = clientFor(gateway, args);
    if (sub === 'get') {
      const now = await client.getAuthorisation(packageName, version);
      print(out, gateway, packageName, version, now.groups, '');
    } else {
      const now = await client.setAuthorisation(packageName, version, groups);
      print(out, gateway, packageName, version, now.groups, 'set the groups of');
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof GatewayError && err.status === 400 && err.details.some((d) => /^groups\[\d+\]$/.test(d.field))) {
      // The gateway names the list's items; on the command line they are the --group values.
      const details = err.details.map((d) => {
        const at = /^groups\[(\d+)\]$/.exec(d.field);
        return at ? { field: `--group ${groups[Number(at[1])] ?? ''}`.trim(), message: d.message } : d;
      });
      return reportFailure(
        out,
        new CliError('unknown-group', `The gateway at ${gateway} refused the groups of ${packageName} v${version}`, {
          details,
          hint: 'Run `flowgate groups` for the groups of the gateway\'s directory.',
          extra: { status: err.status },
        }),
        { command: COMMAND },
      );
    }
    return reportFailure(out, err, { command: COMMAND, gateway });
  }
}

export const authorisationCommand: Command = {
  name: COMMAND,
  summary: "read or change which directory groups may execute a package version (get, set)",
  help: HELP,
  options: {
    ...GATEWAY_OPTION,
    package: { type: 'string', short: 'p' },
    version: { type: 'string' },
    group: { type: 'string', multiple: true },
    none: { type: 'boolean' },
  },
  run,
};
