/**
 * Quick fixes: for one diagnostic of `validateFile` / `WorkspaceValidation`, the edits that make
 * it go away, when there is an obvious one. Pure: diagnostic + workspace → fixes; the caller
 * applies them (VS Code: a WorkspaceEdit; tests: to real files). Which codes have fixes, and why
 * the others have none, is listed in CONTRIBUTING.md ("Quick fixes").
 *
 * Every fix is checked by test/core/fixes.test.ts: applied to real files in a temp workspace, the
 * workspace revalidated, the diagnostic gone and no new error.
 */
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import type { Document } from 'yaml';
import { LIMITS } from '../limits';
import type { DefinitionKind } from '../model/definition';
import type { Diagnostic, Range } from '../model/diagnostic';
import { STEP_KINDS } from '../model/flow';
import { valueAt } from '../model/valueAt';
import { referencesOfFlow } from '../graph/references';
import { addFlowsToDraft, setReplacement } from '../draft/editDraft';
import { closestMatch, boundedEditDistance, MAX_WORD_LENGTH } from '../schema/closestMatch';
import { connectionPath, definitionPath, flowPath, ID_SEGMENT_PATTERN } from '../workspace/layout';
import type { ParsedFile } from '../workspace/parseFile';
import type { Workspace } from '../workspace/workspace';
import { insertIntoBlockMap, minimalEdit, nodeAt, offsetAt, positionAt, yamlScalar, type TextEdit } from './textEdits';

export type { TextEdit } from './textEdits';

/** A file the fix creates (it must not exist yet). */
export interface NewFile {
  file: string;
  text: string;
}

export interface QuickFix {
  title: string;
  /** Edits of existing files, at most one per file. */
  edits: TextEdit[];
  newFiles: NewFile[];
  /** The best fix for the diagnostic (VS Code's "auto fix", shown first). */
  isPreferred: boolean;
  /** A file to show after applying (a created file). */
  open?: string;
}

const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The quick fixes of one diagnostic ([] when it has no obvious fix or no longer applies). */
export function quickFixes(ws: Workspace, diagnostic: Diagnostic): QuickFix[] {
  const file = diagnostic.file ? ws.file(diagnostic.file) : undefined;
  if (!file) return [];
  try {
    const fixes = fixesOf(ws, file, diagnostic);
    // One preferred at most: the first that says so.
    let preferred = false;
    return fixes.map((f) => {
      const isPreferred = f.isPreferred && !preferred;
      if (isPreferred) preferred = true;
      return { ...f, isPreferred };
    });
  } catch {
    // A file that changed under the diagnostic (or cannot be edited as YAML): no fix rather than a wrong one.
    return [];
  }
}

function fixesOf(ws: Workspace, file: ParsedFile, d: Diagnostic): QuickFix[] {
  const data = d.data ?? {};
  switch (d.code) {
    case 'schema':
      return schemaFixes(file, d);
    case 'unknown-flow':
    case 'unknown-connection':
      if (!data.kind || data.id === undefined || !data.path) return [];
      return [...changeReference(ws, file, data.path, data.kind, data.id), ...createDefinition(ws, file, data.path, data.kind, data.id)];
    case 'unknown-input':
      return unknownInputFixes(ws, file, d);
    case 'missing-input':
      return missingInputFixes(ws, file, d);
    case 'name-mismatch':
      return data.path ? [replaceValue(file, data.path, file.id, `Change the name to '${file.id}' (the file's name)`, true)].filter(isFix) : [];
    case 'unknown-definition':
      if (!data.kind || data.id === undefined || !data.path) return [];
      return [...changeReference(ws, file, data.path, data.kind, data.id), ...draftEdit(file, `Remove ${data.kind} '${data.id}' from the package`, false, (doc) => deleteAt(doc, data.path!))];
    case 'duplicate-entry':
      if (!data.path) return [];
      return draftEdit(file, `Remove the second '${data.id}' entry`, true, (doc) => deleteAt(doc, data.path!));
    case 'missing-dependency':
    case 'missing-reference':
      return missingInPackage(ws, file, d);
    case 'unused-replacement':
      if (!data.kind || data.id === undefined) return [];
      return [draftTextFix(file, `Remove the replacement of ${data.kind} '${data.id}'`, true, setReplacement(ws, file.id, data.kind, data.id, undefined).text)].filter(isFix);
    case 'unknown-replacement-target': {
      if (!data.kind || data.id === undefined || !data.path) return [];
      const from = valueAt(file.yaml.value, [...data.path.slice(0, -1), 'from']);
      if (typeof from !== 'string') return [];
      const kind = data.kind;
      return closestMatches(data.id, ws.ids(kind).filter((id) => id !== from)).map((to, i) =>
        draftTextFix(file, `Replace with ${kind} '${to}'`, i === 0, setReplacement(ws, file.id, kind, from, to).text),
      ).filter(isFix);
    }
    case 'schedule-flow-not-in-package':
    case 'trigger-flow-not-in-package': {
      if (data.id === undefined || !ws.has('flow', data.id)) return [];
      return [draftTextFix(file, `Add flow '${data.id}' (and what it runs) to the package`, true, addFlowsToDraft(ws, file.id, [data.id]).text)].filter(isFix);
    }
    default:
      return [];
  }
}

const isFix = (f: QuickFix | undefined): f is QuickFix => f !== undefined;

// ---- did you mean ---------------------------------------------------------------------------------

/**
 * Up to LIMITS.quickFixChoices candidates near `word`, nearest first (the first is `closestMatch`'s
 * answer, so the preferred fix and the "did you mean" of the message agree).
 */
export function closestMatches(word: string, candidates: readonly string[], max: number = LIMITS.quickFixChoices, distance?: number): string[] {
  if (typeof word !== 'string' || word.length > MAX_WORD_LENGTH) return [];
  // With an explicit `distance` (short closed lists: step kinds), candidates up to it; else closestMatch's rule.
  const first = distance === undefined ? closestMatch(word, candidates) : undefined;
  if (!first && distance === undefined) return [];
  const limit = distance ?? Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  const lower = word.toLowerCase();
  const scored: { c: string; score: number }[] = [];
  let work = 0;
  for (const c of candidates) {
    if (work > 2_000_000 || scored.length >= 1000) break;
    if (c === word || c === first || c.length > MAX_WORD_LENGTH * 2) continue;
    work += (Math.min(lower.length, c.length) + 1) * (2 * limit + 1);
    const score = boundedEditDistance(lower, c.toLowerCase(), limit);
    if (score <= limit) scored.push({ c, score });
  }
  scored.sort((a, b) => a.score - b.score || (a.c < b.c ? -1 : 1));
  return [...(first ? [first] : []), ...scored.map((s) => s.c)].slice(0, max);
}

// ---- replacing a value or key ---------------------------------------------------------------------

function rangeAt(file: ParsedFile, path: readonly (string | number)[], part: 'key' | 'value'): Range | undefined {
  return file.yaml.rangeOf(path, part);
}

/** Replaces the scalar at `path` (its value, or its key) by `to`, keeping a quoted scalar quoted. */
function replaceScalar(file: ParsedFile, path: readonly (string | number)[], part: 'key' | 'value', to: string, title: string, isPreferred: boolean): QuickFix | undefined {
  const range = rangeAt(file, path, part);
  if (!range || range.start.line !== range.end.line) return undefined;
  const old = file.text.slice(offsetAt(file.text, range.start), offsetAt(file.text, range.end));
  if (/[\n{}[\]]/.test(old)) return undefined;
  const quote = old[0] === '"' || old[0] === "'" ? old[0] : '';
  const newText = quote === '"' ? JSON.stringify(to) : quote === "'" ? `'${to.replace(/'/g, "''")}'` : yamlScalar(to);
  return { title, edits: [{ file: file.relPath, range, newText }], newFiles: [], isPreferred };
}

function replaceValue(file: ParsedFile, path: readonly (string | number)[], to: string, title: string, isPreferred: boolean): QuickFix | undefined {
  return replaceScalar(file, path, 'value', to, title, isPreferred);
}

/** "Change to 'X'" for each existing definition near a missing one. */
function changeReference(ws: Workspace, file: ParsedFile, path: readonly (string | number)[], kind: DefinitionKind, id: string): QuickFix[] {
  return closestMatches(id, ws.ids(kind))
    .map((to, i) => replaceValue(file, path, to, `Change to ${kind} '${to}'`, i === 0))
    .filter(isFix);
}

function schemaFixes(file: ParsedFile, d: Diagnostic): QuickFix[] {
  const path = d.data?.path;
  if (!path) return [];
  const part = d.data?.part ?? 'value';
  const meant = /did you mean '([^']+)'\?/.exec(d.message)?.[1];
  if (meant) {
    const fix = replaceScalar(file, path, part, meant, `Change to '${meant}'`, true);
    return fix ? [fix] : [];
  }
  // An unknown step kind: the message lists them all; offer the nearest.
  const value = valueAt(file.yaml.value, path);
  if (file.kind === 'flow' && path[path.length - 1] === 'kind' && typeof value === 'string' && /^unknown step kind/.test(d.message)) {
    // Step kinds are few and short: a swap of two letters (`lgo`) is two edits.
    return closestMatches(value, STEP_KINDS, LIMITS.quickFixChoices, 2)
      .map((k, i) => replaceScalar(file, path, 'value', k, `Change to '${k}'`, i === 0))
      .filter(isFix);
  }
  return [];
}

// ---- creating a missing definition ----------------------------------------------------------------

function validNewId(kind: DefinitionKind, id: string): boolean {
  if (id.length === 0 || id.length > LIMITS.definitionIdLength) return false;
  const segments = id.split('/');
  if (kind === 'connection' && segments.length !== 1) return false;
  return segments.every((s) => ID_SEGMENT_PATTERN.test(s) && s !== '.' && s !== '..');
}

export function connectionTemplate(id: string): string {
  return [
    `description: Connection ${id} (created by a quick fix; set its base URL)`,
    'baseUrl: https://example.invalid',
    'headers:',
    '  Accept: application/json',
    'timeoutSeconds: 30',
    '',
  ].join('\n');
}

/** The type a literal input value suggests (`any` for an expression or an empty value). */
export function inferredType(value: unknown): string {
  if (typeof value === 'string') return value.startsWith('=') && !value.startsWith('==') ? 'any' : 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (value && typeof value === 'object') return 'object';
  return 'any';
}

export function flowTemplate(id: string, inputs: Record<string, string>): string {
  const lines = [`description: Flow ${id} (created by a quick fix)`];
  const names = Object.keys(inputs);
  if (names.length) {
    lines.push('inputs:');
    for (const n of names) lines.push(`  ${yamlScalar(n)}:`, `    type: ${inputs[n]}`);
  }
  lines.push('steps:', '  - kind: log', `    message: ${JSON.stringify(`${id}: not written yet`)}`, '');
  return lines.join('\n');
}

function createDefinition(ws: Workspace, file: ParsedFile, path: readonly (string | number)[], kind: DefinitionKind, id: string): QuickFix[] {
  if (!validNewId(kind, id) || ws.has(kind, id)) return [];
  const preferred = closestMatches(id, ws.ids(kind)).length === 0;
  if (kind === 'connection') {
    const rel = connectionPath(id);
    return [{ title: `Create connection '${id}' (${rel})`, edits: [], newFiles: [{ file: rel, text: connectionTemplate(id) }], isPreferred: preferred, open: rel }];
  }
  const step = valueAt(file.yaml.value, path.slice(0, -1)) as { inputs?: unknown } | undefined;
  const given = step && typeof step === 'object' && step.inputs && typeof step.inputs === 'object' && !Array.isArray(step.inputs) ? (step.inputs as Record<string, unknown>) : {};
  const inputs: Record<string, string> = {};
  for (const [n, v] of Object.entries(given).slice(0, LIMITS.flowSteps)) if (validInputName(n)) inputs[n] = inferredType(v);
  const rel = flowPath(id);
  return [{ title: `Create flow '${id}' (${rel})`, edits: [], newFiles: [{ file: rel, text: flowTemplate(id, inputs) }], isPreferred: preferred, open: rel }];
}

const validInputName = (n: string) => n.length > 0 && n.length <= LIMITS.nameLength && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n);

// ---- inputs of a run-flow step --------------------------------------------------------------------

/** Flows calling `childId` with a run-flow step (through cached references), bounded. */
function callSites(ws: Workspace, childId: string): { file: ParsedFile; stepPath: (string | number)[] }[] {
  const out: { file: ParsedFile; stepPath: (string | number)[] }[] = [];
  let looked = 0;
  for (const f of ws.files()) {
    if (f.kind !== 'flow') continue;
    if (++looked > LIMITS.quickFixFlowsScanned) break;
    for (const ref of referencesOfFlow(ws, f.id)) {
      if (ref.to.kind === 'flow' && ref.to.id === childId) out.push({ file: f, stepPath: ref.path.slice(0, -1) });
    }
  }
  return out;
}

function unknownInputFixes(ws: Workspace, file: ParsedFile, d: Diagnostic): QuickFix[] {
  const { child, inputs, path } = d.data ?? {};
  const name = inputs?.[0];
  if (!child || !name || !path) return [];
  const childFile = ws.file(flowPath(child));
  const def = ws.flows().get(child);
  if (!childFile || !def) return [];
  const fixes: QuickFix[] = [];
  const declared = Object.keys(def.flow.inputs ?? {});
  const near = closestMatches(name, declared.filter((n) => !(n in ((valueAt(file.yaml.value, path.slice(0, -1)) as object) ?? {}))));
  near.forEach((n, i) => {
    const f = replaceScalar(file, path, 'key', n, `Change to input '${n}' of flow '${child}'`, i === 0);
    if (f) fixes.push(f);
  });
  if (validInputName(name)) {
    const type = inferredType(valueAt(file.yaml.value, path));
    // Required only when every call passes it: declaring it must not break the other callers.
    const everyCallPasses = callSites(ws, child).every(({ file: f, stepPath }) => {
      const given = valueAt(f.yaml.value, [...stepPath, 'inputs']);
      return !!given && typeof given === 'object' && name in (given as object);
    });
    const body = `type: ${type}${everyCallPasses ? '' : '\nrequired: false'}`;
    const fix = insertEntry(childFile, ['inputs'], name, body, `Declare input '${name}' (${type}) in flow '${child}'`, near.length === 0, ['outputs', 'steps']);
    if (fix) fixes.push(fix);
  }
  return fixes;
}

/** A placeholder literal of a declared type. */
function placeholder(type: string): string {
  switch (type) {
    case 'string':
      return '""';
    case 'number':
    case 'integer':
      return '0';
    case 'boolean':
      return 'false';
    case 'object':
      return '{}';
    case 'array':
      return '[]';
    default:
      return 'null';
  }
}

function missingInputFixes(ws: Workspace, file: ParsedFile, d: Diagnostic): QuickFix[] {
  const { child, inputs } = d.data ?? {};
  const def = child ? ws.flows().get(child) : undefined;
  if (!def || !inputs?.length || !d.data?.path) return [];
  // The step: the path is [...step, 'inputs'] or [...step, 'flow'].
  const stepPath = d.data.path.slice(0, -1);
  const declared = def.flow.inputs ?? {};
  const lines = inputs.filter((n) => declared[n] && validInputName(n)).map((n) => `${n}: ${placeholder(declared[n].type)}`);
  if (!lines.length) return [];
  const title = `Add input${lines.length > 1 ? 's' : ''} ${inputs.map((n) => `'${n}'`).join(', ')} to the call of '${child}'`;
  const given = valueAt(file.yaml.value, [...stepPath, 'inputs']);
  if (given && typeof given === 'object' && !Array.isArray(given) && Object.keys(given).length) {
    const doc = parseDocument(file.text);
    const edit = insertIntoBlockMap(file.relPath, file.text, doc, [...stepPath, 'inputs'], lines.join('\n'));
    if (edit) return [{ title, edits: [edit], newFiles: [], isPreferred: true }];
  }
  return wholeDocument(file, title, true, (doc) => {
    const step = nodeAt(doc, stepPath)?.node;
    if (!isMap(step)) return false;
    const map = new YAMLMap();
    for (const n of inputs) if (declared[n]) map.set(n, doc.createNode(JSON.parse(placeholder(declared[n].type))));
    step.set('inputs', map);
    return true;
  });
}

/**
 * Adds `name:` with the `body` lines under the top-level mapping `mapPath` of `file`: inserted
 * as text when that mapping is a non-empty block, else created before the first of `before`
 * top-level keys (or at the end); a whole-document edit as the last resort.
 */
function insertEntry(file: ParsedFile, mapPath: string[], name: string, body: string, title: string, isPreferred: boolean, before: string[]): QuickFix | undefined {
  const doc = parseDocument(file.text);
  if (doc.errors.length || !isMap(doc.contents)) return undefined;
  const entry = `${yamlScalar(name)}:\n${body.split('\n').map((l) => `  ${l}`).join('\n')}`;
  const edit = insertIntoBlockMap(file.relPath, file.text, doc, mapPath, entry);
  if (edit) return { title, edits: [edit], newFiles: [], isPreferred };
  if (mapPath.length === 1 && nodeAt(doc, mapPath) === undefined) {
    // No such key yet: a new top-level block before `before`.
    const block = `${mapPath[0]}:\n${entry.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
    const top = doc.contents as YAMLMap;
    const next = top.items.find((p) => isScalar(p.key) && before.includes(String(p.key.value)));
    const keyStart = next && isScalar(next.key) ? next.key.range?.[0] : undefined;
    if (keyStart !== undefined && (keyStart === 0 || file.text[keyStart - 1] === '\n')) {
      const pos = positionAt(file.text, keyStart);
      return { title, edits: [{ file: file.relPath, range: { start: pos, end: pos }, newText: block }], newFiles: [], isPreferred };
    }
  }
  return wholeDocument(file, title, isPreferred, (d) => {
    const parsed = parseDocument(entry).toJS() as Record<string, unknown>;
    const existing = nodeAt(d, mapPath)?.node;
    if (isMap(existing)) existing.set(name, d.createNode(parsed[name]));
    else if (existing === undefined || existing === null || (isScalar(existing) && existing.value === null)) {
      // Missing, or `inputs:` with nothing after it: a new block mapping.
      const map = new YAMLMap();
      map.set(name, d.createNode(parsed[name]));
      d.setIn(mapPath, map);
    } else return false;
    return true;
  })[0];
}

/** A fix that edits the parsed document (`edit` returns false when it cannot) and rewrites only what changed. */
function wholeDocument(file: ParsedFile, title: string, isPreferred: boolean, edit: (doc: Document.Parsed) => boolean): QuickFix[] {
  const doc = parseDocument(file.text);
  if (doc.errors.length || !isMap(doc.contents)) return [];
  if (!edit(doc)) return [];
  const after = doc.toString(TO_STRING);
  if (after === file.text) return [];
  return [{ title, edits: [minimalEdit(file.relPath, file.text, after)], newFiles: [], isPreferred }];
}

// ---- package drafts -------------------------------------------------------------------------------

function draftTextFix(file: ParsedFile, title: string, isPreferred: boolean, after: string): QuickFix | undefined {
  if (after === file.text) return undefined;
  return { title, edits: [minimalEdit(file.relPath, file.text, after)], newFiles: [], isPreferred };
}

function draftEdit(file: ParsedFile, title: string, isPreferred: boolean, edit: (doc: Document.Parsed) => boolean): QuickFix[] {
  return wholeDocument(file, title, isPreferred, edit);
}

function deleteAt(doc: Document.Parsed, path: readonly (string | number)[]): boolean {
  const parent = nodeAt(doc, path.slice(0, -1))?.node;
  const last = path[path.length - 1];
  if (isSeq(parent) && typeof last === 'number' && last < parent.items.length) {
    parent.items.splice(last, 1);
    if (parent.items.length === 0) (parent as YAMLSeq).flow = true;
    return true;
  }
  return false;
}

/** missing-dependency / missing-reference: add the definition (and what it needs) to the package. */
function missingInPackage(ws: Workspace, file: ParsedFile, d: Diagnostic): QuickFix[] {
  const { kind, id } = d.data ?? {};
  if (!kind || id === undefined || file.kind !== 'package') return [];
  if (kind === 'flow') {
    if (!ws.has('flow', id)) return []; // the flow file that runs it has the fix (unknown-flow)
    const r = addFlowsToDraft(ws, file.id, [id]);
    const more = r.added.length > 1 ? ` and ${r.added.length - 1} more it needs` : '';
    return [draftTextFix(file, `Add flow '${id}'${more} to the package`, true, r.text)].filter(isFix);
  }
  const add = (title: string, extra: Partial<QuickFix>) =>
    wholeDocument(file, title, true, (doc) => appendToList(doc, 'connections', id)).map((f) => ({ ...f, ...extra, newFiles: extra.newFiles ?? [] }));
  if (ws.has('connection', id)) return add(`Add connection '${id}' to the package`, {});
  if (!validNewId('connection', id)) return [];
  const rel = definitionPath('connection', id);
  return add(`Create connection '${id}' (${rel}) and add it to the package`, { newFiles: [{ file: rel, text: connectionTemplate(id) }], open: rel });
}

function appendToList(doc: Document.Parsed, key: 'flows' | 'connections', id: string): boolean {
  let defs = doc.get('definitions', true);
  if (!isMap(defs)) {
    defs = new YAMLMap();
    doc.set('definitions', defs);
  }
  const map = defs as YAMLMap;
  const existing: unknown = map.get(key, true);
  let seq: YAMLSeq;
  if (isSeq(existing)) seq = existing;
  else {
    seq = new YAMLSeq();
    map.set(key, seq);
  }
  if (seq.items.some((i) => (isScalar(i) ? i.value : i) === id)) return false;
  seq.flow = false;
  map.flow = false;
  seq.add(doc.createNode(id));
  return true;
}
