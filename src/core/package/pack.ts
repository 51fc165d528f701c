/**
 * Packing a package draft (`packages/<Name>.package.yaml`) from the workspace into a package
 * file: the "submit" of the package lifecycle. The draft is validated first (the same
 * `validatePackage` that VS Code and the CLI show), then the definitions' texts are taken from
 * the workspace, the draft's reference replacements are applied to them, and the file is built.
 *
 * What a replacement `from → to` does (what an author who writes "replace connection crm-dev
 * by crm-prod" expects to ship):
 *   - every literal reference to `from` in the packed flows (run-flow `flow:`, http
 *     `connection:`) is rewritten to `to`, in place, keeping comments and formatting; so are
 *     the `flow` fields of the draft's schedules and triggers;
 *   - `to` takes `from`'s place in the package: `from` is left out when it was listed and no
 *     packed flow references it any more (shipping it would install on the target the very
 *     definition the replacement avoids), and `to` is packed instead when the workspace has it
 *     — for a flow together with the flows it runs. When `from` was not listed, it was expected
 *     on the target gateway, and so is `to` (validatePackage warns when nothing has it);
 *   - replacements are not chained: `a → b` and `b → c` send `a` to `b`. When several name the
 *     same `from`, the first wins, as in validatePackage.
 */
import type { DefinitionKind } from '../model/definition';
import { definitionKey } from '../model/definition';
import type { Diagnostic } from '../model/diagnostic';
import type { PackageManifest } from '../model/manifest';
import type { PackageDraftDocument, ReferenceReplacement } from '../model/packageDraft';
import { flowClosure, referencesOf } from '../graph/references';
import { validatePackage } from '../validate/validate';
import { definitionPath, draftPath } from '../workspace/layout';
import type { Workspace } from '../workspace/workspace';
import { PackageFileError } from './errors';
import { buildPackageFile, type DefinitionSource, type PackageBuildInput } from './packageFile';
import { rewriteReferences, type ReferenceMapping } from './rewriteReferences';

/** The draft has validation errors; nothing was packed. */
export class PackageValidationError extends Error {
  override readonly name = 'PackageValidationError';
  /** Everything validation reported (errors, and warnings for context). */
  readonly diagnostics: Diagnostic[];

  constructor(draftName: string, diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const where = first?.file ? `${first.file}${first.range ? `:${first.range.start.line + 1}` : ''}: ` : '';
    super(
      `Package '${draftName}' has ${errors.length} validation error${errors.length === 1 ? '' : 's'}` +
        (first ? `; the first: ${where}${first.message}` : ''),
    );
    this.diagnostics = diagnostics;
  }

  get errors(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.severity === 'error');
  }
}

export interface PackOptions {
  /** Who builds it: `flowgate-cli/0.1.0`, `flowgate-vscode/0.1.0`. */
  createdBy: string;
  /** The build time written into the manifest (default: now). */
  now?: Date;
}

export interface PackResult {
  bytes: Uint8Array;
  manifest: PackageManifest;
  /** `<name>-<version>.fgpkg` */
  fileName: string;
  /** Validation warnings (the pack went ahead). */
  warnings: Diagnostic[];
}

export function packageFileName(name: string, version: number): string {
  return `${name}-${version}.fgpkg`;
}

interface Selection {
  flows: string[];
  connections: string[];
  mapping: ReferenceMapping;
}

/** Which definitions go into the package once the replacements are taken into account. */
function selectDefinitions(ws: Workspace, listed: { flows: string[]; connections: string[] }, replacements: ReferenceReplacement[]): Selection {
  const mapping: ReferenceMapping = (kind, id) => replacements.find((r) => r.kind === kind && r.from === id && r.to !== id)?.to;
  const effective = replacements.filter((r, i) => r.from !== r.to && replacements.findIndex((x) => x.kind === r.kind && x.from === r.from) === i);

  const flows = new Set(listed.flows);
  const connections = new Set(listed.connections);
  const setOf = (kind: DefinitionKind) => (kind === 'flow' ? flows : connections);

  // The target takes the source's place when the source was listed.
  for (const r of effective) {
    if (!setOf(r.kind).has(r.from) || !ws.has(r.kind, r.to)) continue;
    if (r.kind === 'flow') for (const id of flowClosure(ws, [r.to])) flows.add(id);
    else connections.add(r.to);
  }

  // A listed source is left out when nothing packed references it after the rewrite.
  const referencedAfter = new Set<string>();
  for (const id of flows) {
    const flow = ws.flows().get(id);
    if (!flow) continue;
    for (const ref of referencesOf(flow)) {
      referencedAfter.add(definitionKey(ref.to.kind, mapping(ref.to.kind, ref.to.id) ?? ref.to.id));
    }
  }
  for (const r of effective) {
    if (!referencedAfter.has(definitionKey(r.kind, r.from))) setOf(r.kind).delete(r.from);
  }
  return { flows: [...flows], connections: [...connections], mapping };
}

/** Builds the file; what the builder refuses (e.g. a schedule that is not an object) is a validation error of the draft. */
async function buildFromDraft(draftName: string, input: PackageBuildInput): Promise<{ bytes: Uint8Array; manifest: PackageManifest }> {
  try {
    return await buildPackageFile(input);
  } catch (error) {
    if (!(error instanceof PackageFileError)) throw error;
    const field = error.field.replace(/^input\./, '');
    throw new PackageValidationError(draftName, [
      ...error.diagnostics,
      { severity: 'error', code: 'invalid-package-content', message: `${field}: ${error.message}`, file: draftPath(draftName) },
    ]);
  }
}

function rewriteRecordFlows(records: unknown[] | undefined, mapping: ReferenceMapping): unknown[] {
  return (records ?? []).map((record) => {
    if (!record || typeof record !== 'object' || Array.isArray(record)) return record;
    const flow = (record as { flow?: unknown }).flow;
    const to = typeof flow === 'string' ? mapping('flow', flow) : undefined;
    return to === undefined ? record : { ...record, flow: to };
  });
}

/**
 * The definitions a pack of the draft writes, with the text it writes for each (references
 * rewritten by the draft's replacements) — what the manifest's content hashes are computed over.
 * Throws PackageValidationError when a listed definition is missing or not valid.
 */
export function packedSources(ws: Workspace, draftName: string, draft: PackageDraftDocument): { sources: DefinitionSource[]; selection: Selection } {
  const selection = selectDefinitions(
    ws,
    { flows: draft.definitions.flows ?? [], connections: draft.definitions.connections ?? [] },
    draft.replacements ?? [],
  );
  const sources: DefinitionSource[] = [];
  const textOf = (kind: DefinitionKind, id: string): string => {
    const file = ws.file(definitionPath(kind, id));
    if (!file) throw new PackageValidationError(draftName, [{ severity: 'error', code: 'unknown-definition', message: `${kind} '${id}' does not exist in the workspace` }]);
    return file.text;
  };
  for (const id of selection.flows) {
    const flow = ws.flows().get(id);
    if (!flow) {
      throw new PackageValidationError(draftName, [
        { severity: 'error', code: 'invalid-definition', message: `flow '${id}' is not valid`, file: definitionPath('flow', id) },
      ]);
    }
    sources.push({ kind: 'flow', id, text: rewriteReferences(textOf('flow', id), flow, selection.mapping).text });
  }
  for (const id of selection.connections) sources.push({ kind: 'connection', id, text: textOf('connection', id) });
  return { sources, selection };
}

/**
 * Validates the draft `draftName` locally and packs it. Throws PackageValidationError when
 * validation reports errors.
 */
export async function packDraft(ws: Workspace, draftName: string, opts: PackOptions): Promise<PackResult> {
  const validation = validatePackage(ws, draftName);
  if (!validation.ok) throw new PackageValidationError(draftName, validation.diagnostics);
  const entry = ws.drafts().get(draftName);
  if (!entry) {
    throw new PackageValidationError(draftName, [
      { severity: 'error', code: 'unknown-package', message: `there is no valid package draft '${draftName}'`, file: draftPath(draftName) },
    ]);
  }
  const draft = entry.draft;
  const { sources, selection } = packedSources(ws, draftName, draft);

  const { bytes, manifest } = await buildFromDraft(draftName, {
    name: draft.name,
    version: draft.version,
    ...(draft.description !== undefined ? { description: draft.description } : {}),
    createdBy: opts.createdBy,
    createdAt: (opts.now ?? new Date()).toISOString(),
    definitions: sources,
    instructions: draft.instructions ?? '',
    authorisation: { groups: draft.authorisation?.groups ?? [] },
    schedules: rewriteRecordFlows(draft.schedules, selection.mapping),
    triggers: rewriteRecordFlows(draft.triggers, selection.mapping),
  });
  return {
    bytes,
    manifest,
    fileName: packageFileName(manifest.name, manifest.version),
    warnings: validation.diagnostics.filter((d) => d.severity !== 'error'),
  };
}
