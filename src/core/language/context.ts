/**
 * What every language feature starts from: the file being edited, parsed from the editor's
 * current text (the workspace model may lag a keystroke behind), the spot under the cursor, and
 * what that spot means — a reference to a flow or a connection, a step, a run-flow step's inputs.
 */
import type { DefinitionKind } from '../model/definition';
import type { Position } from '../model/diagnostic';
import { isJsonObject } from '../model/jsonObject';
import { valueAt } from '../model/valueAt';
import { literalReference } from '../graph/references';
import { classifyPath, normalizeRelPath } from '../workspace/layout';
import { parseWorkspaceFile, type ParsedFile } from '../workspace/parseFile';
import type { Workspace } from '../workspace/workspace';
import { LineIndex, locate, type Spot } from './locate';

/** The document a request is about: its workspace-relative path and its current text. */
export interface LanguageDocument {
  relPath: string;
  text: string;
}

export interface RequestContext {
  ws: Workspace;
  file: ParsedFile;
  lines: LineIndex;
  spot: Spot;
}

/** The file as the editor has it: the model's parse when the texts agree, else parsed here. Undefined for a path that is not a Flowgate file. */
export function currentFile(ws: Workspace, doc: LanguageDocument): ParsedFile | undefined {
  const rel = normalizeRelPath(doc.relPath);
  if (!classifyPath(rel)) return undefined;
  const known = ws.file(rel);
  if (known && known.text === doc.text) return known;
  return parseWorkspaceFile(rel, doc.text);
}

export function requestContext(ws: Workspace, doc: LanguageDocument, pos: Position): RequestContext | undefined {
  const file = currentFile(ws, doc);
  if (!file) return undefined;
  const lines = new LineIndex(file.text);
  return { ws, file, lines, spot: locate(file.text, pos, file.yaml, lines) };
}

/** Nested step lists of a step (as in graph/references.ts). */
export const NESTED_STEP_LISTS = ['then', 'else', 'steps', 'catch'] as const;

/** Whether `path` is the path of a step in a flow document: `steps, i, (then|else|steps|catch, j)*`. */
export function isStepPath(path: readonly (string | number)[]): boolean {
  if (path.length < 2 || path.length % 2 !== 0 || path[0] !== 'steps') return false;
  for (let i = 0; i < path.length; i += 2) {
    if (i > 0 && !(NESTED_STEP_LISTS as readonly string[]).includes(String(path[i]))) return false;
    if (!isIndex(path[i + 1])) return false;
  }
  return true;
}

export const isIndex = (seg: unknown) => typeof seg === 'number' || (typeof seg === 'string' && /^\d+$/.test(seg));

/** The step (a mapping) at `path` in a flow document, if there is one. */
export function stepAt(doc: unknown, path: readonly (string | number)[]): Record<string, unknown> | undefined {
  if (!isStepPath(path)) return undefined;
  const v = valueAt(doc, path.map((s) => (isIndex(s) ? Number(s) : s)));
  return isJsonObject(v) ? (v as Record<string, unknown>) : undefined;
}

export interface ReferenceSite {
  kind: DefinitionKind;
  /** The id as written (a literal; expressions name nothing). */
  id: string;
  /** JSON path of the referencing value. */
  path: (string | number)[];
}

/**
 * What the value at `path` of a file refers to, if it is a reference: a run-flow step's `flow`, an
 * http step's `connection` (flows); an entry of `definitions.flows` / `definitions.connections`, a
 * replacement's `from` or `to`, a schedule's or trigger's `flow` (package drafts).
 */
export function referenceKindAt(file: ParsedFile, path: readonly (string | number)[]): DefinitionKind | undefined {
  const doc = file.yaml.value;
  const last = path[path.length - 1];
  if (file.kind === 'flow') {
    const step = stepAt(doc, path.slice(0, -1));
    if (step?.kind === 'run-flow' && last === 'flow') return 'flow';
    if (step?.kind === 'http' && last === 'connection') return 'connection';
    return undefined;
  }
  if (file.kind === 'package') {
    if (path.length === 3 && path[0] === 'definitions' && isIndex(path[2])) {
      return path[1] === 'flows' ? 'flow' : path[1] === 'connections' ? 'connection' : undefined;
    }
    if (path.length === 3 && (path[0] === 'schedules' || path[0] === 'triggers') && isIndex(path[1]) && last === 'flow') return 'flow';
    if (path.length === 3 && path[0] === 'replacements' && isIndex(path[1]) && (last === 'from' || last === 'to')) {
      const k = valueAt(doc, ['replacements', Number(path[1]), 'kind']);
      return k === 'flow' || k === 'connection' ? k : undefined;
    }
  }
  return undefined;
}

/** The reference under the cursor, when the cursor is on a literal reference value. */
export function referenceAtSpot(file: ParsedFile, spot: Spot): ReferenceSite | undefined {
  if (spot.kind !== 'value') return undefined;
  const kind = referenceKindAt(file, spot.path);
  if (!kind) return undefined;
  const id = file.kind === 'flow' ? literalReference(spot.value) : typeof spot.value === 'string' && spot.value ? spot.value : undefined;
  return id ? { kind, id, path: [...spot.path] } : undefined;
}

/** Every reference a package draft's text makes (entries, replacements, schedules, triggers), tolerant of schema problems. */
export function draftReferenceSites(file: ParsedFile): ReferenceSite[] {
  if (file.kind !== 'package') return [];
  const doc = file.yaml.value;
  if (!isJsonObject(doc)) return [];
  const d = doc as Record<string, unknown>;
  const out: ReferenceSite[] = [];
  const defs = isJsonObject(d.definitions) ? (d.definitions as Record<string, unknown>) : {};
  for (const [list, kind] of [['flows', 'flow'], ['connections', 'connection']] as const) {
    const items = defs[list];
    if (Array.isArray(items)) items.forEach((id, i) => typeof id === 'string' && id && out.push({ kind, id, path: ['definitions', list, i] }));
  }
  if (Array.isArray(d.replacements)) {
    d.replacements.forEach((r, i) => {
      if (!isJsonObject(r)) return;
      const x = r as Record<string, unknown>;
      if (x.kind !== 'flow' && x.kind !== 'connection') return;
      for (const end of ['from', 'to'] as const) if (typeof x[end] === 'string' && x[end]) out.push({ kind: x.kind, id: x[end] as string, path: ['replacements', i, end] });
    });
  }
  for (const list of ['schedules', 'triggers'] as const) {
    const items = d[list];
    if (Array.isArray(items)) {
      items.forEach((s, i) => {
        const flow = isJsonObject(s) ? (s as Record<string, unknown>).flow : undefined;
        if (typeof flow === 'string' && flow) out.push({ kind: 'flow', id: flow, path: [list, i, 'flow'] });
      });
    }
  }
  return out;
}

/** Whether the end of `before` is inside a '…' or "…" literal of the expression. */
export function insideStringLiteral(before: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
  }
  return quote !== undefined;
}
