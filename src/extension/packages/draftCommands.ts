import * as vscode from 'vscode';
import { addFlowsToDraft, newDraftText, removeFromDraft } from '../../core/draft/editDraft';
import { isPackageName, PACKAGE_NAME_RULE } from '../../core/model/packageDraft';
import type { Diagnostic } from '../../core/model/diagnostic';
import { packDraft, PackageValidationError, type PackResult } from '../../core/package/pack';
import type { Workspace } from '../../core/workspace/workspace';
import { draftPath, splitId } from '../../core/workspace/layout';
import { countText } from '../diagnostics/convert';
import { createdBy } from '../shared/config';
import { Cancelled, errorText, notify, showProblemsAction } from '../shared/errors';
import { saveFlowgateDocuments, writeWorkspaceFile } from '../shared/files';
import type { Services } from '../shared/services';
import { isDefinitionArg, isDraftArg } from './nodes';
import { flowIdOf, pickFlows, resolveDraft } from './pickers';

/**
 * `flowgate.createPackage [name?]` — asks for a name (letters, digits, `-`, `_`; not taken),
 * writes `packages/<name>.package.yaml` and opens it. Returns the draft's relative path.
 */
export async function createPackage(s: Services, nameArg?: unknown): Promise<string | undefined> {
  const ws = await s.model.get();
  const taken = (name: string) => ws.files().some((f) => f.kind === 'package' && f.id.toLowerCase() === name.toLowerCase());
  const check = (value: string): string | undefined => {
    const name = value.trim();
    if (!name) return 'Enter a package name';
    if (!isPackageName(name)) return `Use ${PACKAGE_NAME_RULE}`;
    if (taken(name)) return `A package draft named '${name}' already exists`;
    return undefined;
  };
  let name = typeof nameArg === 'string' ? nameArg.trim() : undefined;
  if (name !== undefined) {
    const problem = check(name);
    if (problem) throw new Error(`cannot create package '${name}': ${problem}`);
  } else {
    name = (
      await vscode.window.showInputBox({
        title: 'Flowgate: Create Package',
        prompt: 'Name of the new package (letters, digits, "-" and "_")',
        placeHolder: 'network-ops',
        ignoreFocusOut: true,
        validateInput: check,
      })
    )?.trim();
    if (!name) throw new Cancelled();
  }
  const rel = draftPath(name);
  const uri = s.model.uri(rel);
  try {
    await vscode.workspace.fs.stat(uri);
    throw new Error(`${rel} already exists`);
  } catch (err) {
    if (!(err instanceof vscode.FileSystemError)) throw err;
  }
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  const text = newDraftText(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await s.model.setText(rel, text);
  s.log.info(`Created package draft ${rel}`);
  await vscode.window.showTextDocument(uri, { preview: false });
  notify('info', `Created package '${name}'. Add flows with "Flowgate: Add Flow to Package".`);
  return rel;
}

/**
 * `flowgate.addFlowToPackage` — arguments, any of:
 * - `(uri, uris?)` from the explorer / editor: the flow file(s); the draft is picked;
 * - `(draftNode)` from the Packages view: flows are picked;
 * - `({ draftName, flowIds })`: no prompt;
 * - nothing: pick a draft, then flows.
 * Adds the flows with every flow they run and the connections they use (core `addFlowsToDraft`).
 * Returns `{ draftName, added }` (ids added, `flow:`/`connection:` keys).
 */
export async function addFlowToPackage(s: Services, arg?: unknown, uris?: unknown): Promise<{ draftName: string; added: string[] } | undefined> {
  const ws = await s.model.get();
  let draftName: string;
  let flowIds: string[];
  if (arg instanceof vscode.Uri) {
    const list = Array.isArray(uris) && uris.every((u) => u instanceof vscode.Uri) && uris.length > 0 ? (uris as vscode.Uri[]) : [arg];
    flowIds = list.map((u) => flowIdOf(s.model, u));
    draftName = await resolveDraft(s.model, ws, undefined, `Add ${flowIds.map((id) => splitId(id).name).join(', ')} to which package?`);
  } else if (isFlowsRequest(arg)) {
    draftName = await resolveDraft(s.model, ws, arg.draftName, '');
    flowIds = arg.flowIds;
  } else {
    draftName = await resolveDraft(s.model, ws, isDraftArg(arg) ? arg : undefined, 'Add flows to which package?');
    const current = new Set(ws.drafts().get(draftName)!.draft.definitions.flows ?? []);
    flowIds = await pickFlows(ws, current, `Flows to add to ${draftName}`);
  }
  for (const id of flowIds) {
    if (!ws.has('flow', id)) throw new Error(`flow '${id}' does not exist in the workspace`);
  }
  await saveFlowgateDocuments(s.model);
  const before = listed(ws, draftName);
  const { text } = addFlowsToDraft(ws, draftName, flowIds);
  await writeWorkspaceFile(s.model, draftPath(draftName), text);
  const after = listed(ws, draftName);
  const added = [...after].filter((k) => !before.has(k));
  s.log.info(`Added to ${draftName}: ${added.join(', ') || 'nothing (already there)'}`);

  const requested = new Set(flowIds.map((id) => `flow:${id}`));
  const asked = added.filter((k) => requested.has(k)).map(shortName);
  const alongside = added.filter((k) => !requested.has(k));
  if (added.length === 0) {
    notify('info', `${flowIds.map((id) => splitId(id).name).join(', ')} ${flowIds.length === 1 ? 'is' : 'are'} already in ${draftName}.`);
  } else {
    const depFlows = alongside.filter((k) => k.startsWith('flow:')).map(shortName);
    const depConnections = alongside.filter((k) => k.startsWith('connection:')).map(shortName);
    const one = flowIds.length === 1;
    let message = asked.length ? `Added ${asked.join(', ')} to ${draftName}` : `Added to ${draftName}`;
    if (depFlows.length) {
      message += `, with the flow${depFlows.length > 1 ? 's' : ''} ${depFlows.join(', ')} that ${one ? 'it runs' : 'they run'}` +
        ` (${depFlows.length > 1 ? 'they' : 'it'} cannot be left out)`;
    }
    if (depConnections.length) {
      message += `${depFlows.length ? ' and' : ', with'} the connection${depConnections.length > 1 ? 's' : ''} ${depConnections.join(', ')} that ${one ? 'it uses' : 'they use'}`;
    }
    message += '.';
    notify('info', message);
  }
  s.refreshPackages();
  return { draftName, added };
}

/** `{ draftName, flowIds }`: what to add, with nothing asked. */
function isFlowsRequest(arg: unknown): arg is { draftName: string; flowIds: string[] } {
  const a = arg as { draftName?: unknown; flowIds?: unknown };
  return (
    !!a &&
    typeof a === 'object' &&
    !isDefinitionArg(arg) &&
    typeof a.draftName === 'string' &&
    Array.isArray(a.flowIds) &&
    a.flowIds.length > 0 &&
    a.flowIds.every((id) => typeof id === 'string')
  );
}

function listed(ws: Awaited<ReturnType<Services['model']['get']>>, draftName: string): Set<string> {
  const d = ws.drafts().get(draftName)?.draft.definitions;
  return new Set([...(d?.flows ?? []).map((id) => `flow:${id}`), ...(d?.connections ?? []).map((id) => `connection:${id}`)]);
}

function shortName(key: string): string {
  const id = key.slice(key.indexOf(':') + 1);
  return splitId(id).name;
}

/**
 * `flowgate.removeFromPackage(node)` — node `{ type: 'definition', draftName, kind, id }`.
 * A flow that another included flow runs is refused with core's message (shown as an error).
 */
export async function removeFromPackage(s: Services, arg?: unknown): Promise<boolean> {
  if (!isDefinitionArg(arg)) throw new Error('choose a flow or connection of a package in the Packages view');
  const ws = await s.model.get();
  await saveFlowgateDocuments(s.model);
  const { text } = removeFromDraft(ws, arg.draftName, arg.kind, arg.id);
  await writeWorkspaceFile(s.model, draftPath(arg.draftName), text);
  s.log.info(`Removed ${arg.kind} ${arg.id} from ${arg.draftName}`);
  s.refreshPackages();
  return true;
}

/**
 * `flowgate.validatePackage [draft]` — local validation; results go to the Problems panel and a
 * message says "<name>: valid" or lists the counts. Returns core's PackageValidation.
 */
export async function validatePackageCommand(s: Services, arg?: unknown) {
  const ws = await s.model.get();
  const name = await resolveDraft(s.model, ws, arg, 'Validate which package?');
  const result = s.model.packageValidation(ws, name);
  s.diagnostics.showPackage(ws, name);
  reportValidation(s, name, result.diagnostics);
  return result;
}

/** The message after a validation: info when clean, warning or error with "Show Problems" otherwise. */
/**
 * Packs the draft; when it has validation errors, shows them (Problems panel and a message) and
 * answers undefined. Other failures are thrown, naming the package.
 */
export async function packOrReport(s: Services, ws: Workspace, name: string): Promise<PackResult | undefined> {
  try {
    return await packDraft(ws, name, { createdBy: createdBy(s.context) });
  } catch (err) {
    if (err instanceof PackageValidationError) {
      s.diagnostics.showPackage(ws, name);
      reportValidation(s, name, err.diagnostics);
      return undefined;
    }
    throw new Error(`could not pack ${name}: ${errorText(err)}`);
  }
}

export function reportValidation(s: Services, name: string, diagnostics: Diagnostic[]): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  for (const d of diagnostics) s.log.info(`${name}: ${d.severity} ${d.code}: ${d.message}${d.file ? ` (${d.file}${d.range ? `:${d.range.start.line + 1}` : ''})` : ''}`);
  if (errors.length === 0 && warnings.length === 0) {
    s.log.info(`${name}: valid`);
    notify('info', `${name}: valid`);
    return;
  }
  const listed = (errors.length ? errors : warnings).slice(0, 3).map((d) => d.message);
  const more = (errors.length ? errors : warnings).length - listed.length;
  const text = `${name}: ${errors.length ? '' : 'valid, with '}${countText(diagnostics)} — ${listed.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
  notify(errors.length ? 'error' : 'warning', text, showProblemsAction());
}

/**
 * `flowgate.packPackage [draft] [targetUri]` — saves open Flowgate editors, packs the draft
 * (refuses with the validation errors), asks where to save (`<name>-<version>.fgpkg`), writes it.
 * Returns the written file's URI.
 */
export async function packPackage(s: Services, arg?: unknown, target?: unknown): Promise<vscode.Uri | undefined> {
  const ws = await s.model.get();
  const name = await resolveDraft(s.model, ws, arg, 'Pack which package?');
  await saveFlowgateDocuments(s.model);
  const packed = await packOrReport(s, ws, name);
  if (!packed) return undefined;
  let uri = target instanceof vscode.Uri ? target : undefined;
  if (!uri) {
    uri = await vscode.window.showSaveDialog({
      title: `Save package ${name} ${packed.manifest.version}`,
      defaultUri: s.model.uri(packed.fileName),
      filters: { 'Flowgate package': ['fgpkg'] },
      saveLabel: 'Save Package',
    });
    if (!uri) throw new Cancelled();
  }
  await vscode.workspace.fs.writeFile(uri, packed.bytes);
  s.log.info(`Packed ${name} ${packed.manifest.version} (${packed.manifest.definitions.length} definitions, ${packed.bytes.byteLength} bytes) to ${uri.fsPath}`);
  notify('info', `Packed ${name} ${packed.manifest.version} to ${vscode.workspace.asRelativePath(uri)}.`);
  return uri;
}
