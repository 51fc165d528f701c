/**
 * `flowgate imports list | show | validate | replace | diff | apply | reject`: the imports of a
 * target gateway (versions it pulled from its sources), for an Admin reviewing them — or a CI job,
 * unattended with client credentials. Exit codes as `flowgate promote`'s.
 */
import type { ImportDetail } from '../../core/api/types';
import { GatewayError } from '../../core/client/gatewayClient';
import { LIMITS } from '../../core/limits';
import { hasControlChars } from '../../core/model/controlChars';
import { flag, gatewayUrl, positionals, str, GATEWAY_OPTION, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { clientFor } from '../credentials';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors';
import { reportFailure } from '../failures';
import type { Output } from '../output';
import { parseReplacements, printImport, printPreview, printValidation, REPLACE_FORM, replacementText, summaryLine } from '../promotionText';
import { PROMOTION_EXIT_CODES } from './promote';

const SUBCOMMANDS = ['list', 'show', 'validate', 'replace', 'diff', 'apply', 'reject'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

const HELP = `Usage: flowgate imports <subcommand> [ID] [options]

The imports of a target gateway: package versions it pulled from its sources (\`flowgate
promote\`), OPEN until an Admin applies or rejects them. Every subcommand talks to --gateway.

  flowgate imports list                         every import, newest first: id, status, version, source
  flowgate imports show ID                      status, signer, instructions, definitions,
                                                replacements and validation
  flowgate imports validate ID                  its validation against this gateway (exit 1 on errors)
  flowgate imports replace ID kind:from=to ...  set its reference replacements (the whole list;
                                                --clear for none), then print the validation
  flowgate imports diff ID [--definition ID]    the apply preview: per definition new, changed or
                                                unchanged, and the unified diff of each changed one
  flowgate imports apply ID [--allow-rollback]  insert or update its definitions: APPLIED here,
                                                PROMOTED on the source (refused while validation
                                                errors remain: exit 1)
  flowgate imports reject ID --reason TEXT      REJECTED here and on the source, with the reason

Replacements: ${REPLACE_FORM}.
Applying or rejecting twice changes nothing the second time and says so.

Options:
  -g, --gateway <url>     the target gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --credentials <file>    OAuth client credentials for it (mode 0600). Default: $FLOWGATE_CLIENT_ID
                          and $FLOWGATE_CLIENT_SECRET, else a local emulator's local-admin.json,
                          else the session of \`flowgate login\`
  --definition <id>       diff: only this definition
  --allow-rollback        apply: take a version lower than one this gateway already applied
  --reason <text>         reject: why (one line, at most ${LIMITS.rejectReasonLength} characters; the source sees it)
  --clear                 replace: remove every replacement
  --json                  print the gateway's JSON answer: {"gateway", "imports"} (list), the import
                          (show, replace), {"ok", "id", "validation"} (validate), the preview (diff),
                          the import with "changed" (apply, reject)
  -h, --help              show this help

${PROMOTION_EXIT_CODES}`;

function usage(message: string): never {
  throw new UsageError(message, 'imports');
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [rawSub, id, ...rest] = args.positionals;
  if (rawSub === undefined) usage('missing subcommand (expected: list, show, validate, replace, diff, apply, reject)');
  if (!(SUBCOMMANDS as readonly string[]).includes(rawSub)) usage(`unknown subcommand '${rawSub.slice(0, 50)}' (expected: ${SUBCOMMANDS.join(', ')})`);
  const sub = rawSub as Sub;
  if (sub === 'list') positionals('imports', args, ['subcommand'], 1);
  else if (sub !== 'replace') positionals('imports', args, ['subcommand', 'ID'], 2);
  else if (id === undefined) usage('missing argument <ID>');
  if (id !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(id)) usage(`ID must be an import id (letters, digits, '-' and '_'), got '${id.slice(0, 80)}'`);
  // Options that belong to one subcommand only.
  const only: [string, Sub][] = [['definition', 'diff'], ['allow-rollback', 'apply'], ['reason', 'reject'], ['clear', 'replace']];
  for (const [opt, owner] of only) if (args.values[opt] !== undefined && sub !== owner) usage(`--${opt} applies to \`imports ${owner}\``);
  const reason = str(args, 'reason');
  if (sub === 'reject') {
    if (reason === undefined || reason.trim() === '') usage('missing --reason <text>');
    if (reason.length > LIMITS.rejectReasonLength || hasControlChars(reason)) usage(`--reason must be one line of at most ${LIMITS.rejectReasonLength} characters`);
  }
  const replacements = sub === 'replace' ? parseReplacements(rest, 'imports') : [];
  if (sub === 'replace' && !replacements.length && !flag(args, 'clear')) usage(`give the replacements (${REPLACE_FORM}), or --clear to remove them all`);
  if (sub === 'replace' && replacements.length && flag(args, 'clear')) usage('--clear takes no replacements');

  const gateway = gatewayUrl(args);
  const client = clientFor(gateway, args);
  try {
    switch (sub) {
      case 'list': {
        const { imports } = await client.listImports();
        if (out.json) out.document({ gateway, imports });
        else if (!imports.length) out.line(`no imports on ${gateway}`);
        else for (const i of imports) out.line(summaryLine(out, i));
        return EXIT_OK;
      }
      case 'show': {
        const d = await client.getImport(id!);
        if (out.json) out.document(d);
        else printImport(out, d);
        return EXIT_OK;
      }
      case 'validate': {
        const d = await client.getImport(id!);
        const ok = d.validation.ok;
        if (out.json) out.document({ ok, id: d.id, status: d.status, validation: d.validation });
        else {
          out.line(`${out.style('bold', `${d.name} v${d.version}`)}  import ${d.id}  ${d.status}  on ${gateway}`);
          printValidation(out, d.validation);
        }
        return ok ? EXIT_OK : EXIT_FAILED;
      }
      case 'replace': {
        const d = await client.putReplacements(id!, replacements);
        if (out.json) out.document(d);
        else {
          out.line(`${out.style('green', '✓')} import ${d.id}: ${d.replacements.length ? d.replacements.map(replacementText).join(', ') : 'no replacements'}`);
          printValidation(out, d.validation);
        }
        return EXIT_OK;
      }
      case 'diff': {
        const p = await client.importPreview(id!);
        const only = str(args, 'definition');
        if (only !== undefined) {
          const entries = p.definitions.filter((d) => d.id === only);
          if (!entries.length) usage(`import ${p.id} has no definition '${only.slice(0, 200)}'; it has: ${p.definitions.map((d) => d.id).join(', ').slice(0, 2000)}`);
          p.definitions = entries;
        }
        if (out.json) out.document(p);
        else printPreview(out, p);
        return EXIT_OK;
      }
      case 'apply': {
        try {
          const d = await client.applyImport(id!, flag(args, 'allow-rollback') ? { allowRollback: true } : {});
          if (out.json) out.document(d);
          else out.line(`${out.style('green', '✓')} import ${d.id}: ${d.name} v${d.version} ${d.changed ? 'applied' : 'was already applied; nothing changed'} on ${gateway}; ${d.source} is told PROMOTED${d.sourceNotified ? '' : ' (on its way, through the outbox)'}`);
          return EXIT_OK;
        } catch (err) {
          if (!(err instanceof GatewayError) || err.code !== 'validation-failed') throw err;
          const d: ImportDetail | undefined = await client.getImport(id!).catch(() => undefined);
          if (out.json) out.document({ ok: false, error: { code: err.code, message: err.message }, ...(d ? { import: d } : {}) });
          out.error({ code: err.code, message: `import ${id} is not applied on ${gateway}: validation errors remain` }, [`Replace references (flowgate imports replace ${id} kind:from=to …), then apply again.`]);
          if (d) printValidation(out, d.validation);
          return EXIT_FAILED;
        }
      }
      case 'reject': {
        const d = await client.rejectImport(id!, reason!);
        if (out.json) out.document(d);
        else out.line(`${out.style('green', '✓')} import ${d.id}: ${d.name} v${d.version} ${d.changed ? 'rejected' : 'was already rejected; nothing changed'} on ${gateway}; ${d.source} is told REJECTED${d.sourceNotified ? '' : ' (on its way, through the outbox)'}`);
        return EXIT_OK;
      }
    }
  } catch (err) {
    return reportFailure(out, err, { command: 'imports', gateway, promotionExitCodes: true });
  }
}

export const importsCommand: Command = {
  name: 'imports',
  summary: "list, show, validate, replace references in, diff, apply or reject a target gateway's imports",
  help: HELP,
  options: {
    ...GATEWAY_OPTION,
    definition: { type: 'string' },
    'allow-rollback': { type: 'boolean' },
    reason: { type: 'string' },
    clear: { type: 'boolean' },
  },
  run,
};
