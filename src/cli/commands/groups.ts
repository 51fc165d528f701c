/** `flowgate groups [--gateway <url>]`: the groups of the gateway's directory (GET /api/v1/directory/groups, Admin). */
import { gatewayUrl, positionals, GATEWAY_OPTION, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { clientFor } from '../credentials';
import { EXIT_OK } from '../errors';
import { reportFailure } from '../failures';
import type { Output } from '../output';

const HELP = `Usage: flowgate groups [options]

Lists the groups of the gateway's directory: what \`flowgate authorisation set --group\` may
name. For the embedded directory each group's direct members (users, clients and groups) are
counted. Needs an Admin.

Options:
  -g, --gateway <url>   the gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --credentials <file>  OAuth client credentials for the gateway (a {"issuer", "client_id",
                        "client_secret"} file, mode 0600). Default: $FLOWGATE_CLIENT_ID and
                        $FLOWGATE_CLIENT_SECRET, else a local emulator's local-admin.json
  --json                print {"gateway", "groups": [{"name", "members"?}]}
  -h, --help            show this help`;

async function run(args: ParsedArgs, out: Output): Promise<number> {
  positionals('groups', args, [], 0);
  const gateway = gatewayUrl(args);
  try {
    const { groups } = await clientFor(gateway, args).listDirectoryGroups();
    const sorted = [...groups].sort((a, b) => a.name.localeCompare(b.name));
    if (out.json) {
      out.document({ gateway, groups: sorted });
      return EXIT_OK;
    }
    if (sorted.length === 0) {
      out.line(`The directory of ${gateway} has no groups.`);
      return EXIT_OK;
    }
    out.line(`${sorted.length} group${sorted.length === 1 ? '' : 's'} in the directory of ${gateway}:`);
    const width = Math.max(...sorted.map((g) => g.name.length));
    for (const g of sorted) {
      out.line(`  ${g.name.padEnd(width)}${g.members !== undefined ? `  ${g.members} member${g.members === 1 ? '' : 's'}` : ''}`);
    }
    return EXIT_OK;
  } catch (err) {
    return reportFailure(out, err, { command: 'groups', gateway });
  }
}

export const groupsCommand: Command = {
  name: 'groups',
  summary: "list the groups of a gateway's directory (for authorisation set)",
  help: HELP,
  options: { ...GATEWAY_OPTION },
  run,
};
