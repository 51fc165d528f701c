/**
 * `flowgate keys show [--gateway <url>] [--json]`: the gateway's public package-signing keys
 * (GET /api/v1/gateway/keys, public: no credentials needed), so an admin can paste a key id into
 * another gateway's `promotion.sources[].trustedKeys`.
 */
import { gatewayUrl, positionals, GATEWAY_OPTION, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { clientFor } from '../credentials';
import { EXIT_OK, UsageError } from '../errors';
import { reportFailure } from '../failures';
import type { Output } from '../output';

const COMMAND = 'keys';

const HELP = `Usage: flowgate keys show [options]

Prints the package-signing keys of a gateway: each key's id (the RFC 7638 thumbprint of its
Ed25519 public key) and its public JWK, the current one marked. Every package file the gateway
serves is signed with its current key; older keys are listed after a rotation. To let another
gateway take this one's versions (promotion, or an uploaded export), add the key id to that
gateway's gateway.yaml:

  promotion:
    sources:
      - name: dev
        url: https://dev.example:8722
        clientId: ...
        clientSecretFile: dev.secret
        trustedKeys: [<key id>]

The keys are public: no credentials are needed. Compare the id with what the gateway's admin
reads from its own data folder before trusting it.

Options:
  -g, --gateway <url>   the gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --json                print {"gateway", "current", "keys": [{"kid", "jwk", "current", "createdAt"}]}
  -h, --help            show this help

Exit status: 0 done, 1 the gateway did not answer, 2 usage error.`;

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [sub] = positionals(COMMAND, args, ['show'], 1);
  if (sub !== 'show') throw new UsageError(`unknown subcommand '${sub.slice(0, 40)}' (expected: show)`, COMMAND);
  const gateway = gatewayUrl(args);
  try {
    const { keys } = await clientFor(gateway, args).gatewayKeys();
    const current = keys.find((k) => k.current)?.kid;
    // The current key first, then the others newest first.
    const sorted = [...keys].sort((a, b) => Number(b.current) - Number(a.current) || b.createdAt.localeCompare(a.createdAt));
    if (out.json) {
      out.document({ gateway, current, keys: sorted });
      return EXIT_OK;
    }
    out.line(`Package-signing keys of ${gateway} (${keys.length}):`);
    for (const k of sorted) {
      out.line(`  ${k.current ? out.style('green', '*') : ' '} ${out.style('bold', k.kid)}${k.current ? '  (current)' : ''}  created ${k.createdAt}`);
      out.line(`      ${JSON.stringify(k.jwk)}`);
    }
    if (current) out.line(`To trust it on another gateway: promotion.sources[].trustedKeys: [${current}]`);
    return EXIT_OK;
  } catch (err) {
    return reportFailure(out, err, { command: COMMAND, gateway });
  }
}

export const keysCommand: Command = {
  name: 'keys',
  summary: "show a gateway's package-signing key ids (for another gateway's trustedKeys)",
  help: HELP,
  options: { ...GATEWAY_OPTION },
  run,
};
