import { confirmRemoveDefinition } from '../gatewayActions/confirmations';
import * as vscode from 'vscode';
import { addFlowsToDraft, addReferencedDefinitions, draftReferences, newDraftText, removeFromDraft, setReplacement } from '../../core/draft/editDraft';
import type { DefinitionKind } from '../../core/model/definition';
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
import { instructionsUri } from '../promotion/instructionsDocument';

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
export async function removeFromPackage(s: Services, arg?: unknown, options?: unknown): Promise<boolean> {
  const ws = await s.model.get();
  // From the palette: which draft, then which of its definitions.
  if (!isDefinitionArg(arg)) arg = await pickDefinition(s, ws, arg);
  if (!isDefinitionArg(arg)) throw new Error('choose a flow or connection of a package in the Packages view');
  // A schedule or trigger of the draft runs it: ask first, naming them (`{ confirmed: true }` skips).
  await confirmRemoveDefinition(ws, arg.draftName, arg.kind, arg.id, options);
  await saveFlowgateDocuments(s.model);
  const { text } = removeFromDraft(ws, arg.draftName, arg.kind, arg.id);
  await writeWorkspaceFile(s.model, draftPath(arg.draftName), text);
  s.log.info(`Removed ${arg.kind} ${arg.id} from ${arg.draftName}`);
  s.refreshPackages();
  return true;
}

/** Quick picks of a draft (or `arg`'s) and one of its definitions, as a definition node. */
async function pickDefinition(s: Services, ws: Workspace, arg: unknown) {
  const draftName = await resolveDraft(s.model, ws, arg, 'Remove from which package?');
  const draft = ws.drafts().get(draftName)!.draft;
  const items = [
    ...(draft.definitions.flows ?? []).map((id) => ({ label: `$(symbol-event) ${id}`, description: 'flow', defKind: 'flow' as DefinitionKind, id })),
    ...(draft.definitions.connections ?? []).map((id) => ({ label: `$(plug) ${id}`, description: 'connection', defKind: 'connection' as DefinitionKind, id })),
  ];
  if (items.length === 0) throw new Error(`${draftName} lists no definitions`);
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Remove which definition from ${draftName}?`, ignoreFocusOut: true, matchOnDescription: true });
  if (!picked) throw new Cancelled();
  return { type: 'definition' as const, draftName, kind: picked.defKind, id: picked.id };
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

// ---- promotion edits of a draft (issue 10) ---------------------------------------------------------

export interface ReplaceReferenceResult {
  draftName: string;
  kind: DefinitionKind;
  from: string;
  /** undefined: the replacement was removed. */
  to: string | undefined;
  changed: boolean;
}

/** `{ kind, from, to }` (to: null removes the replacement) — what Replace Reference… writes, nothing asked. */
function isReplaceRequest(arg: unknown): arg is { kind: DefinitionKind; from: string; to: string | null } {
  const a = arg as { kind?: unknown; from?: unknown; to?: unknown } | undefined;
  return !!a && typeof a === 'object' && (a.kind === 'flow' || a.kind === 'connection') && typeof a.from === 'string' && (typeof a.to === 'string' || a.to === null);
}

/**
 * `flowgate.replaceReference [draft] [{ kind, from, to }]` — pick a reference the draft's flows
 * make, then its replacement among the workspace's definitions of that kind (or remove the
 * replacement it has); written into the draft's `replacements` (one per reference).
 */
export async function replaceReference(s: Services, arg?: unknown, requestArg?: unknown): Promise<ReplaceReferenceResult> {
  const ws = await s.model.get();
  const draftName = await resolveDraft(s.model, ws, arg, 'Replace a reference of which package?');
  await saveFlowgateDocuments(s.model);
  const refs = draftReferences(ws, draftName);
  let kind: DefinitionKind;
  let from: string;
  let to: string | undefined;
  if (isReplaceRequest(requestArg)) {
    ({ kind, from } = requestArg);
    to = requestArg.to ?? undefined;
    if (!refs.some((r) => r.kind === kind && r.id === from)) throw new Error(`from: the flows of ${draftName} make no reference to ${kind} '${from}'`);
    if (to !== undefined && !ws.has(kind, to)) throw new Error(`to: the workspace has no ${kind} '${to}'`);
  } else {
    if (refs.length === 0) throw new Error(`the flows of ${draftName} reference no other flow or connection: there is nothing to replace`);
    const pickedRef = await vscode.window.showQuickPick(
      refs.map((r) => ({
        label: `$(${r.kind === 'flow' ? 'symbol-event' : 'plug'}) ${r.id}`,
        description: `${r.kind}${r.replacedBy ? ` → ${r.replacedBy}` : ''}`,
        detail: `referenced by ${r.referencedBy.map((f) => splitId(f).name).join(', ')}`,
        r,
      })),
      { title: `Replace Reference in ${draftName}`, placeHolder: 'Which reference? (e.g. the connection a flow uses on this gateway)', ignoreFocusOut: true, matchOnDescription: true },
    );
    if (!pickedRef) throw new Cancelled();
    ({ kind, id: from } = pickedRef.r);
    const candidates = ws.ids(kind).filter((id) => id !== from).sort();
    const items: (vscode.QuickPickItem & { to: string | undefined })[] = [
      ...(pickedRef.r.replacedBy ? [{ label: '$(discard) Remove the replacement', description: `keep ${from}`, to: undefined }] : []),
      ...candidates.map((id) => ({ label: id, description: id === pickedRef.r.replacedBy ? 'current replacement' : kind, to: id })),
    ];
    if (items.length === 0) throw new Error(`the workspace has no other ${kind} to replace '${from}' by; create it first`);
    const pickedTo = await vscode.window.showQuickPick(items, {
      title: `Replace Reference in ${draftName}`,
      placeHolder: `Replace ${kind} '${from}' by which ${kind}? (the packed definitions name it instead)`,
      ignoreFocusOut: true,
    });
    if (!pickedTo) throw new Cancelled();
    to = pickedTo.to;
  }
  const { text, changed } = setReplacement(ws, draftName, kind, from, to);
  if (changed) await writeWorkspaceFile(s.model, draftPath(draftName), text);
  s.log.info(`${draftName}: ${to === undefined ? `no replacement of ${kind} ${from}` : `${kind} ${from} → ${to}`}${changed ? '' : ' (already so)'}`);
  s.refreshPackages();
  notify(
    'info',
    to === undefined
      ? `${draftName}: ${kind} '${from}' is no longer replaced.`
      : `${draftName}: ${kind} '${from}' is replaced by '${to}' when the package is packed${changed ? '' : ' (it already was)'}.`,
  );
  return { draftName, kind, from, to, changed };
}

/**
 * `flowgate.editInstructions [draft]` — opens the draft's instructions (Markdown shown to the
 * administrator who imports the package) in an editor of their own; saving writes them into the
 * draft. Answers the document's URI (as a string).
 */
export async function editInstructions(s: Services, arg?: unknown): Promise<string> {
  const ws = await s.model.get();
  const draftName = await resolveDraft(s.model, ws, arg, 'Edit the instructions of which package?');
  await saveFlowgateDocuments(s.model);
  const uri = instructionsUri(draftName);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'markdown') await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.window.showTextDocument(doc, { preview: false });
  s.log.info(`Editing the instructions of ${draftName} (${uri.toString()})`);
  return uri.toString();
}

/**
 * `flowgate.addReferencedDefinitions [draft]` — adds every flow and connection the draft's flows
 * reference (transitively, after its replacements) that it does not carry, in one edit.
 */
export async function addReferencedDefinitionsCommand(s: Services, arg?: unknown) {
  const ws = await s.model.get();
  const draftName = await resolveDraft(s.model, ws, arg, 'Add the referenced definitions of which package?');
  await saveFlowgateDocuments(s.model);
  const result = addReferencedDefinitions(ws, draftName);
  const added = [...result.addedFlows, ...result.addedConnections];
  if (added.length) await writeWorkspaceFile(s.model, draftPath(draftName), result.text);
  s.log.info(`${draftName}: added ${added.join(', ') || 'nothing'}${result.absent.length ? `; not in the workspace: ${result.absent.map((a) => `${a.kind} ${a.id}`).join(', ')}` : ''}`);
  s.refreshPackages();
  const absent = result.absent.length
    ? ` Not in the workspace (left out): ${result.absent.map((a) => `${a.kind} '${a.id}'`).join(', ')}.`
    : '';
  const parts = [
    result.addedFlows.length ? `flow${result.addedFlows.length === 1 ? '' : 's'} ${result.addedFlows.map((f) => splitId(f).name).join(', ')}` : '',
    result.addedConnections.length ? `connection${result.addedConnections.length === 1 ? '' : 's'} ${result.addedConnections.join(', ')}` : '',
  ].filter(Boolean);
  notify(result.absent.length ? 'warning' : 'info', `${draftName}: ${parts.length ? `added ${parts.join(' and ')}` : 'it already carries everything its flows reference'}.${absent}`);
  return { draftName, addedFlows: result.addedFlows, addedConnections: result.addedConnections, absent: result.absent };
}
