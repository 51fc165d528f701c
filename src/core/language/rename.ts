/**
 * Rename a flow across the workspace: its file moves to the new id's path
 * (`flows/<new id>.flow.yaml`) and every reference follows — run-flow steps of every flow (the
 * renamed one included), and the entries, replacements, schedules and triggers of every package
 * draft. Only the characters of each referencing value change, in the quoting style it had.
 * An invalid new id, or one another flow already has, is refused with a message saying why.
 */
import { isScalar, Scalar } from 'yaml';
import type { Node } from 'yaml';
import { LIMITS } from '../limits';
import type { Position, Range } from '../model/diagnostic';
import { isReservedName } from '../model/reservedNames';
import { classifyPath, flowPath, ID_SEGMENT_PATTERN } from '../workspace/layout';
import type { ParsedFile } from '../workspace/parseFile';
import type { Workspace } from '../workspace/workspace';
import { currentFile, referenceAtSpot, requestContext, type LanguageDocument } from './context';
import { LineIndex } from './locate';
import { referenceSitesOf } from './navigation';

export class RenameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenameError';
  }
}

export interface TextEdit {
  relPath: string;
  range: Range;
  newText: string;
}

export interface RenameResult {
  /** Text edits, to apply before the file renames (they address the files by their old paths). */
  edits: TextEdit[];
  fileRenames: { from: string; to: string }[];
}

/**
 * Where a rename can start: on a flow reference (a run-flow step's `flow`, a draft's flow entry,
 * a flow replacement's `from`/`to`, a schedule's or trigger's `flow`). Returns the range of the
 * id and the id, or throws RenameError saying what can be renamed.
 */
export function prepareRename(ws: Workspace, doc: LanguageDocument, pos: Position): { range: Range; id: string } {
  const ctx = requestContext(ws, doc, pos);
  const ref = ctx ? referenceAtSpot(ctx.file, ctx.spot) : undefined;
  if (!ctx || !ref || ctx.spot.kind !== 'value') {
    throw new RenameError("Put the cursor on a flow's name — a run-flow step's 'flow', or a flow entry, replacement, schedule or trigger of a package draft — to rename the flow.");
  }
  if (ref.kind !== 'flow') throw new RenameError('Only flows can be renamed here; rename a connection by renaming its file.');
  if (!ws.has('flow', ref.id)) throw new RenameError(`flow '${ref.id}' does not exist in the workspace; there is nothing to rename`);
  return { range: ctx.spot.range, id: ref.id };
}

/** Why `id` cannot name a flow, or undefined when it can. */
export function flowIdProblem(id: string): string | undefined {
  if (id.trim() === '') return 'a flow name cannot be empty';
  if (id.length > LIMITS.definitionIdLength) return `a flow id has at most ${LIMITS.definitionIdLength} characters (this one has ${id.length})`;
  for (const seg of id.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return `'${id}' has an empty, '.' or '..' folder or name; write folders/Name, e.g. network/core/Restart-Service`;
    if (!ID_SEGMENT_PATTERN.test(seg)) return `'${seg}' may only contain letters, digits, '.', '-' and '_'`;
    if (seg.length > LIMITS.nameLength) return `'${seg.slice(0, 20)}…' is longer than ${LIMITS.nameLength} characters`;
    if (isReservedName(seg)) return `'${seg}' is a reserved name`;
  }
  if (!classifyPath(flowPath(id))) return `'${id}' does not make a flow file path`;
  return undefined;
}

const SAFE_PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

/** YAML source for `value` replacing the scalar `node`, in its quoting style where that is safe. */
function scalarSource(value: string, node: Node | undefined): string {
  const type = isScalar(node) ? node.type : undefined;
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if ((type === Scalar.PLAIN || type === undefined) && SAFE_PLAIN.test(value)) return value;
  return JSON.stringify(value);
}

/** The edits renaming flow `oldId` to `newId`. `current` (the editor's text of one file) replaces the model's copy. */
export function renameFlow(ws: Workspace, oldId: string, newIdRaw: string, current?: LanguageDocument): RenameResult {
  const newId = newIdRaw.trim();
  const problem = flowIdProblem(newId);
  if (problem) throw new RenameError(`Cannot rename flow '${oldId}' to '${newId}': ${problem}.`);
  if (newId === oldId) throw new RenameError(`flow '${oldId}' already has that name.`);
  if (!ws.has('flow', oldId)) throw new RenameError(`flow '${oldId}' does not exist in the workspace; there is nothing to rename.`);
  const clash = ws.ids('flow').find((id) => id !== oldId && id.toLowerCase() === newId.toLowerCase());
  if (clash) throw new RenameError(`Cannot rename flow '${oldId}' to '${newId}': flow '${clash}' already exists (${flowPath(clash)}).`);

  const cur = current ? currentFile(ws, current) : undefined;
  const edits: TextEdit[] = [];
  for (const f of ws.files()) {
    const file: ParsedFile = cur && cur.relPath === f.relPath ? cur : f;
    const sites = referenceSitesOf(file).filter((s) => s.kind === 'flow' && s.id === oldId);
    if (sites.length === 0) continue;
    const lines = new LineIndex(file.text);
    for (const site of sites) {
      const node = file.yaml.document.getIn(site.path, true) as Node | undefined;
      if (!node?.range) throw new RenameError(`Cannot rename: the reference at ${site.path.join('.')} of ${file.relPath} could not be located; fix the file's YAML first.`);
      const [start, valueEnd] = node.range;
      const end = start + file.text.slice(start, valueEnd).trimEnd().length;
      if (edits.length >= LIMITS.languageLocations) {
        throw new RenameError(`Renaming flow '${oldId}' would change more than ${LIMITS.languageLocations} places; rename it in smaller steps.`);
      }
      edits.push({ relPath: file.relPath, range: lines.range(start, end), newText: scalarSource(newId, node) });
    }
  }
  return { edits, fileRenames: [{ from: flowPath(oldId), to: flowPath(newId) }] };
}
