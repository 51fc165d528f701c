/**
 * Go to definition and find references for flows and connections. The references a flow makes
 * come from core's reference finder (graph/references.ts `referencesOf`), so navigation agrees
 * with validation and packing; a package draft's references (its entries, replacements,
 * schedules and triggers) from `draftReferenceSites`.
 */
import { referencesOf } from '../graph/references';
import { LIMITS } from '../limits';
import type { DefinitionKind } from '../model/definition';
import type { Position, Range } from '../model/diagnostic';
import type { FlowDefinition } from '../model/flow';
import { isJsonObject } from '../model/jsonObject';
import { valueAt } from '../model/valueAt';
import { definitionPath } from '../workspace/layout';
import type { ParsedFile } from '../workspace/parseFile';
import type { Workspace } from '../workspace/workspace';
import { LineIndex } from './locate';
import { currentFile, draftReferenceSites, isIndex, isStepPath, referenceAtSpot, requestContext, type LanguageDocument, type ReferenceSite } from './context';

export interface Location {
  relPath: string;
  range: Range;
}

const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Every reference a file makes, whatever its kind (tolerant of schema problems). */
export function referenceSitesOf(file: ParsedFile): ReferenceSite[] {
  if (file.kind === 'package') return draftReferenceSites(file);
  if (file.kind !== 'flow') return [];
  const value = file.yaml.value;
  const def: FlowDefinition = { kind: 'flow', id: file.id, name: file.id, folder: '', flow: (isJsonObject(value) ? value : { steps: [] }) as unknown as FlowDefinition['flow'] };
  return referencesOf(def).map((r) => ({ kind: r.to.kind, id: r.to.id, path: r.path }));
}

const lineIndexes = new WeakMap<ParsedFile, LineIndex>();

function linesOf(file: ParsedFile): LineIndex {
  let lines = lineIndexes.get(file);
  if (!lines) lineIndexes.set(file, (lines = new LineIndex(file.text)));
  return lines;
}

/** The content range of a scalar value (inside its quotes; its first line when it spans several). */
export function contentRangeOf(file: ParsedFile, path: (string | number)[]): Range {
  let r = file.yaml.rangeOf(path) ?? file.yaml.nearestRangeOf(path);
  const lineText = linesOf(file).line(r.start.line);
  if (r.end.line !== r.start.line) r = { start: r.start, end: { line: r.start.line, character: Math.max(r.start.character, lineText.length) } };
  const open = lineText[r.start.character];
  if ((open === '"' || open === "'") && r.end.character - r.start.character >= 2 && lineText[r.end.character - 1] === open) {
    return { start: { line: r.start.line, character: r.start.character + 1 }, end: { line: r.end.line, character: r.end.character - 1 } };
  }
  return r;
}

/** Where a definition is: its file, at its start. */
function definitionLocation(ws: Workspace, kind: DefinitionKind, id: string): Location | undefined {
  return ws.has(kind, id) ? { relPath: definitionPath(kind, id), range: START } : undefined;
}

/**
 * Go to definition: from a reference to the flow or connection file; from a key of a run-flow
 * step's `inputs` to the child flow's declaration of that input.
 */
export function definition(ws: Workspace, doc: LanguageDocument, pos: Position): Location[] {
  try {
    const ctx = requestContext(ws, doc, pos);
    if (!ctx) return [];
    const { file, spot } = ctx;
    const ref = referenceAtSpot(file, spot);
    if (ref) {
      const loc = definitionLocation(ws, ref.kind, ref.id);
      return loc ? [loc] : [];
    }
    if (file.kind === 'flow' && spot.kind === 'key' && spot.key && spot.mapPath[spot.mapPath.length - 1] === 'inputs' && isStepPath(spot.mapPath.slice(0, -1))) {
      const step = valueAt(file.yaml.value, spot.mapPath.slice(0, -1).map((s) => (isIndex(s) ? Number(s) : s)));
      const flowId = isJsonObject(step) ? (step as Record<string, unknown>).flow : undefined;
      if ((step as Record<string, unknown>)?.kind !== 'run-flow' || typeof flowId !== 'string') return [];
      const child = ws.file(definitionPath('flow', flowId));
      if (!child) return [];
      const r = child.yaml.rangeOf(['inputs', spot.key], 'key');
      return [{ relPath: child.relPath, range: r ?? START }];
    }
    return [];
  } catch {
    return [];
  }
}

/**
 * What find-references is about at the cursor: the reference under it, else — in a flow or a
 * connection file — that file's own definition.
 */
export function referenceTarget(ws: Workspace, doc: LanguageDocument, pos: Position): { kind: DefinitionKind; id: string } | undefined {
  const ctx = requestContext(ws, doc, pos);
  if (!ctx) return undefined;
  const ref = referenceAtSpot(ctx.file, ctx.spot);
  if (ref) return { kind: ref.kind, id: ref.id };
  if (ctx.file.kind === 'flow' || ctx.file.kind === 'connection') return { kind: ctx.file.kind, id: ctx.file.id };
  return undefined;
}

/**
 * Every place in the workspace that names `kind` `id`: run-flow steps and http steps of every
 * flow, entries, replacements, schedules and triggers of every package draft. `current` (the
 * editor's text of one file) replaces the model's copy of that file. At most
 * LIMITS.languageLocations; `truncated` when there were more.
 */
export function findReferences(ws: Workspace, kind: DefinitionKind, id: string, current?: LanguageDocument): { locations: Location[]; truncated: boolean } {
  const out: Location[] = [];
  const cur = current ? currentFile(ws, current) : undefined;
  for (const f of ws.files()) {
    const file = cur && cur.relPath === f.relPath ? cur : f;
    for (const site of referenceSitesOf(file)) {
      if (site.kind !== kind || site.id !== id) continue;
      if (out.length >= LIMITS.languageLocations) return { locations: out, truncated: true };
      out.push({ relPath: file.relPath, range: contentRangeOf(file, site.path) });
    }
  }
  // The current file may be new (not yet in the model).
  if (cur && !ws.file(cur.relPath)) {
    for (const site of referenceSitesOf(cur)) {
      if (site.kind === kind && site.id === id && out.length < LIMITS.languageLocations) out.push({ relPath: cur.relPath, range: contentRangeOf(cur, site.path) });
    }
  }
  return { locations: out, truncated: false };
}

/** Find references at the cursor; with `includeDeclaration`, the definition's file first. */
export function references(ws: Workspace, doc: LanguageDocument, pos: Position, includeDeclaration = true): Location[] {
  try {
    const target = referenceTarget(ws, doc, pos);
    if (!target) return [];
    const { locations } = findReferences(ws, target.kind, target.id, doc);
    const decl = includeDeclaration ? definitionLocation(ws, target.kind, target.id) : undefined;
    return decl ? [decl, ...locations] : locations;
  } catch {
    return [];
  }
}
