/** `flowgate validate [<workspace dir | draft.package.yaml>]` */
import path from 'node:path';
import type { Diagnostic } from '../../core/model/diagnostic';
import { validateFile, validatePackage, validateWorkspace } from '../../core/validate/validate';
import { validateAgainstGateway } from '../../core/validate/remoteValidate';
import { connectionPath, flowPath } from '../../core/workspace/layout';
import type { Workspace } from '../../core/workspace/workspace';
import { checkGatewayUrl, positionals, str, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { countBySeverity, dedupe, diagnosticToJson, formatDiagnostic, plural, sortDiagnostics } from '../diagnostics';
import { clientFor } from '../credentials';
import { CliError, EXIT_FAILED, EXIT_OK, UsageError } from '../errors';
import { reportFailure } from '../failures';
import type { Output } from '../output';
import { assertWorkspaceDir, locateDraft, openWorkspace, statOrUndefined } from '../workspace';

const HELP = `Usage: flowgate validate [<workspace dir | packages/<Name>.package.yaml>] [--json]
       flowgate validate packages/<Name>.package.yaml --against <gateway url> [--json]

Validates a workspace: every flow, connection and package draft file (YAML syntax, schema,
references), and every package draft against the workspace. Given one draft, validates that
draft and the files of the definitions it includes. Default: the current folder.

With --against, validates the draft against that gateway instead of the workspace alone (remote
validate): every reference of the package's flows, after the draft's replacements, that is
neither in the package nor in the gateway's repository is an error at the referencing step
("flow 'Notify-Ops' is not in the package and not on gateway qa"); a secret of the package's
connections that the gateway does not hold for that connection of the package is a warning. The
gateway is asked with the command line's credentials (Admin on it); secret values never travel.

Diagnostics are printed as  file:line:col: severity code: message

Options:
  --against <url>       validate one draft against this gateway (remote validate)
  --credentials <file>  OAuth client credentials for that gateway (mode 0600). Default:
                        $FLOWGATE_CLIENT_ID and $FLOWGATE_CLIENT_SECRET, else a local
                        emulator's local-admin.json, else the session of \`flowgate login\`
  --json                print {"ok", "errors", "warnings", "diagnostics": [...]} instead
                        (with --against also "gateway": {"url", "name"})
  -h, --help            show this help

Exit status: 0 when there are no errors (warnings allowed), 1 when there are errors or the
gateway could not be asked, 2 usage error.`;

interface Scope {
  root: string;
  files: string[];
  drafts: string[];
  diagnostics: Diagnostic[];
}

function validateAll(ws: Workspace, root: string): Scope {
  const diagnostics = [...validateWorkspace(ws)];
  // Package validation needs a schema-valid draft; an invalid one already has its file diagnostics.
  for (const name of ws.drafts().keys()) diagnostics.push(...validatePackage(ws, name).diagnostics);
  const drafts = ws.files().filter((f) => f.kind === 'package').map((f) => f.id);
  return { root, files: ws.files().map(fileRelPath), drafts, diagnostics };
}

function validateOneDraft(ws: Workspace, root: string, relPath: string, name: string): Scope {
  const files = new Set<string>([relPath]);
  const draft = ws.drafts().get(name)?.draft;
  for (const id of draft?.definitions?.flows ?? []) files.add(flowPath(id));
  for (const id of draft?.definitions?.connections ?? []) files.add(connectionPath(id));
  const diagnostics: Diagnostic[] = [];
  const existing = new Set(ws.files().map(fileRelPath));
  for (const f of files) if (existing.has(f)) diagnostics.push(...validateFile(ws, f));
  if (draft) diagnostics.push(...validatePackage(ws, name).diagnostics);
  return { root, files: [...files].filter((f) => existing.has(f)), drafts: [name], diagnostics };
}

function fileRelPath(f: { relPath: string }): string {
  return f.relPath;
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [target = '.'] = positionals('validate', args, ['workspace dir or draft'], 0);
  const rawAgainst = str(args, 'against');
  const against = rawAgainst === undefined ? undefined : checkGatewayUrl(rawAgainst, '--against');
  if (against === undefined && str(args, 'credentials') !== undefined) throw new UsageError('--credentials applies to --against', 'validate');
  let scope: Scope;
  let remote: { url: string; name: string } | undefined;
  try {
    const st = await statOrUndefined(target);
    if (!st) throw new CliError('not-found', `${target}: no such file or folder`);
    if (st.isDirectory()) {
      if (against !== undefined) throw new UsageError('--against validates one package draft: give packages/<Name>.package.yaml', 'validate');
      const root = path.resolve(target);
      await assertWorkspaceDir(root);
      scope = validateAll(await openWorkspace(root), root);
    } else {
      const loc = await locateDraft(target);
      const ws = await openWorkspace(loc.root);
      scope = validateOneDraft(ws, loc.root, loc.relPath, loc.name);
      if (against !== undefined) {
        // Remote validate (core/validate/remoteValidate.ts): the draft's package validation, with
        // references outside the package answered by the gateway.
        const client = clientFor(against, args);
        const result = await validateAgainstGateway(ws, loc.name, (request) => client.remoteValidate(request));
        scope.diagnostics = result.diagnostics;
        remote = { url: against, name: result.gateway ?? '' };
      }
    }
  } catch (err) {
    return reportFailure(out, err, { command: 'validate', ...(against ? { gateway: against } : {}) });
  }

  const diagnostics = sortDiagnostics(dedupe(scope.diagnostics));
  const { errors, warnings } = countBySeverity(diagnostics);
  const ok = errors === 0;
  if (out.json) {
    out.document({
      ok,
      root: scope.root,
      files: scope.files.length,
      drafts: scope.drafts,
      errors,
      warnings,
      diagnostics: diagnostics.map(diagnosticToJson),
      ...(remote ? { gateway: remote } : {}),
    });
  } else {
    for (const d of diagnostics) out.line(formatDiagnostic(out, scope.root, d));
    if (diagnostics.length) out.line();
    const checked = `${plural(scope.files.length, 'file')}, ${plural(scope.drafts.length, 'package draft')} checked${remote ? ` against gateway ${remote.name || remote.url}` : ''}`;
    if (ok) {
      out.line(`${out.style('green', '✓')} ${warnings ? `no errors, ${plural(warnings, 'warning')}` : 'no problems'} (${checked})`);
    } else {
      out.line(`${out.style('red', '✗')} ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (${checked})`);
    }
  }
  return ok ? EXIT_OK : EXIT_FAILED;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'validate the flows, connections and package drafts of a workspace (--against: on a gateway)',
  help: HELP,
  options: { against: { type: 'string' }, credentials: { type: 'string' } },
  run,
};
