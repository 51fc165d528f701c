/**
 * `flowgate promote <package> <version> --from <source> --to <target>`: the target pulls the version
 * from its configured source (promotion is pulled, never pushed), optionally with reference
 * replacements, and with --apply applies it when its validation passes. Exit codes a pipeline can
 * branch on: 0 done, 1 validation errors block the apply, 2 usage, 3 refused by a gateway, 4 a
 * gateway unreachable.
 */
import type { ImportDetail, SourceSummary } from '../../core/api/types';
import { GatewayError } from '../../core/client/gatewayClient';
import { isPackageName, PACKAGE_NAME_RULE } from '../../core/model/packageDraft';
import { checkGatewayUrl, flag, list, positionals, str, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { clientFor } from '../credentials';
import { EXIT_FAILED, EXIT_OK, EXIT_REFUSED, UsageError } from '../errors';
import { reportFailure } from '../failures';
import type { Output } from '../output';
import { parseReplacements, printable, printValidation, REPLACE_FORM, replacementText } from '../promotionText';

export const PROMOTION_EXIT_CODES = `Exit status (for pipelines):
  0  done (pulled; with --apply, applied — or already applied before)
  1  validation errors block the apply (the import stays OPEN: replace references and apply
     again with \`flowgate imports apply\`)
  2  usage error (a bad argument, an unknown --from)
  3  refused by the gateway: signature, rollback protection, a version conflict, an import
     already rejected or closed, credentials not allowed
  4  the gateway, or the source it pulls from, could not be reached (retry later)`;

const HELP = `Usage: flowgate promote <package> <version> --from <source> --to <target url> [options]

Promotes a package version from a source gateway to a target gateway. The target pulls it (an
Admin of the target; the target holds its own credential for the source and verifies the
version's signature against the keys it trusts for that source): the version becomes an OPEN
import there and ACCEPTED on the source. The command prints the import's id, status and its
validation against the target. With --replace, sets the import's reference replacements (the
whole list) first; with --apply, applies it when no validation error remains (APPLIED on the
target, PROMOTED on the source). Running it again changes nothing and says so.

  flowgate promote network-ops 3 --from dev --to https://qa.example:8722 \\
      --replace connection:local-gateway=inventory-prod --apply

Options:
  --from <source>        the source as the target names it (gateway.yaml promotion.sources), or
                         its URL; an unknown one is a usage error listing the configured names
  --to <url>             the target gateway (required)
  --replace <kind:from=to>
                         a reference replacement, repeatable: ${REPLACE_FORM}
  --apply                apply the import when its validation passes
  --allow-rollback       take a version lower than one the target already applied
  --credentials <file>   OAuth client credentials for the target (mode 0600). Default:
                         $FLOWGATE_CLIENT_ID and $FLOWGATE_CLIENT_SECRET, else a local
                         emulator's local-admin.json, else the session of \`flowgate login\`
  --json                 print {"ok", "target", "source", "created", "applied", "import": {...}}
  -h, --help             show this help

${PROMOTION_EXIT_CODES}`;

const sameUrl = (a: string, b: string): boolean => {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return false;
  }
};

/** `--from`: a configured source's name, or its URL mapped to that name; a usage error listing the names otherwise. */
export function resolveSource(from: string, sources: SourceSummary[], target: string): string {
  const byName = sources.find((s) => s.name === from);
  if (byName) return byName.name;
  const byUrl = sources.find((s) => sameUrl(s.url, from));
  if (byUrl) return byUrl.name;
  const names = sources.map((s) => `${s.name} (${s.url})`);
  throw new UsageError(
    names.length
      ? `--from: ${target} has no source '${from.slice(0, 200)}'; its sources are: ${names.join(', ')}`
      : `--from: ${target} has no promotion sources configured (gateway.yaml promotion.sources)`,
    'promote',
  );
}

function parseVersion(raw: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new UsageError(`<version> must be a whole number from 1 to 999999999, got '${raw.slice(0, 50)}'`, 'promote');
  return Number(raw);
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [name, rawVersion] = positionals('promote', args, ['package', 'version'], 2);
  if (!isPackageName(name)) throw new UsageError(`<package> must be a package name (${PACKAGE_NAME_RULE}), got '${String(name).slice(0, 100)}'`, 'promote');
  const version = parseVersion(rawVersion);
  const from = str(args, 'from');
  if (from === undefined || from === '') throw new UsageError('missing --from <source>', 'promote');
  const rawTo = str(args, 'to');
  if (rawTo === undefined) throw new UsageError('missing --to <target url>', 'promote');
  const to = checkGatewayUrl(rawTo, '--to');
  const replacements = parseReplacements(list(args, 'replace'), 'promote');
  const apply = flag(args, 'apply');
  const allowRollback = flag(args, 'allow-rollback');

  const client = clientFor(to, args);
  let detail: ImportDetail | undefined;
  try {
    const source = resolveSource(from, (await client.listSources()).sources, to);
    const pulled = await client.createImport({ source, name, version, ...(allowRollback ? { allowRollback: true } : {}) });
    const created = pulled.created;
    detail = pulled;
    const label = out.style('bold', `${name} v${version}`);
    out.line(
      created
        ? `${out.style('green', '✓')} ${to} pulled ${label} from ${source}: import ${detail.id}, ${detail.status}`
        : `${out.style('green', '✓')} ${label} from ${source} was already pulled by ${to}: import ${detail.id}, ${detail.status} (nothing changed)`,
    );
    out.line(`  signed by ${detail.signer}`);

    const doc = (ok: boolean, applied: boolean, extra: Record<string, unknown> = {}) => ({ ok, target: to, source, created, applied, ...extra, import: detail });

    if (detail.status === 'REJECTED') {
      const reason = detail.reason ? `: ${detail.reason}` : '';
      // JSON: the whole document (error() then writes nothing more); text: the error on stderr.
      out.document(doc(false, false, { error: { code: 'import-closed', message: `import ${detail.id} was rejected${reason}` } }));
      out.error({ code: 'import-closed', message: `import ${detail.id} was rejected on ${to}${printable(reason)}; the source must submit a new version` });
      return EXIT_REFUSED;
    }
    if (detail.status === 'APPLIED') {
      out.line(`${out.style('green', '✓')} already applied on ${to} (${detail.appliedAt ?? ''}); nothing changed`);
      out.document(doc(true, true, { changed: false }));
      return EXIT_OK;
    }
    if (replacements.length) {
      detail = await client.putReplacements(detail.id, replacements);
      out.line(`  replacements: ${replacements.map(replacementText).join(', ')}`);
    }
    printValidation(out, detail.validation);
    if (!apply) {
      out.line(`  review it with \`flowgate imports show ${detail.id} --gateway ${to}\`; apply with \`flowgate imports apply ${detail.id} --gateway ${to}\``);
      out.document(doc(true, false));
      return EXIT_OK;
    }
    try {
      const applied = await client.applyImport(detail.id, allowRollback ? { allowRollback: true } : {});
      detail = applied;
      out.line(`${out.style('green', '✓')} applied ${label} on ${to}: ${applied.status}${applied.changed ? '' : ' (it already was; nothing changed)'}; ${source} is told PROMOTED${applied.sourceNotified ? '' : ' (on its way, through the outbox)'}`);
      out.document(doc(true, true, { changed: applied.changed }));
      return EXIT_OK;
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'validation-failed') throw err;
      // Blocked: the import stays OPEN; say what blocks it (the gateway's validation, as it stands now).
      detail = await client.getImport(detail.id).catch(() => detail!);
      out.document(doc(false, false, { error: { code: 'validation-failed', message: err.message } }));
      out.error(
        { code: 'validation-failed', message: `${name} v${version} is not applied on ${to}: validation errors remain` },
        [`Replace references (flowgate imports replace ${detail.id} kind:from=to … --gateway ${to}), then apply again.`],
      );
      return EXIT_FAILED;
    }
  } catch (err) {
    return reportFailure(out, err, { command: 'promote', gateway: to, promotionExitCodes: true });
  }
}

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'promote a package version: the target gateway pulls it from its source (--apply: and applies it)',
  help: HELP,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    replace: { type: 'string', multiple: true },
    apply: { type: 'boolean' },
    'allow-rollback': { type: 'boolean' },
    credentials: { type: 'string' },
  },
  run,
};
