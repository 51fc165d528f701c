/**
 * Edits of a package draft's YAML text that keep its comments, ordering and styles (the `yaml`
 * Document API). Every function returns the new text; the caller writes it.
 */
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import type { Document, Scalar } from 'yaml';
import type { DefinitionKind } from '../model/definition';
import { LIMITS } from '../limits';
import { isPackageName, PACKAGE_NAME_RULE, type ReferenceReplacement } from '../model/packageDraft';
import { connectionsUsedBy, flowClosure, referencesOfFlow } from '../graph/references';
import { draftPath } from '../workspace/layout';
import type { Workspace } from '../workspace/workspace';

const LIST_KEY = { flow: 'flows', connection: 'connections' } as const;
const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The text of a new, empty package draft. Throws when the name is not a valid package name. */
export function newDraftText(name: string, description?: string): string {
  if (!isPackageName(name)) {
    throw new Error(`invalid package name '${name}': use ${PACKAGE_NAME_RULE}`);
  }
  const doc = parseDocument('{}');
  const map = new YAMLMap();
  map.flow = false;
  doc.contents = map as never;
  doc.set('name', name);
  if (description !== undefined && description !== '') doc.set('description', description);
  doc.set('version', 1);
  const flows = doc.createNode([]) as YAMLSeq;
  const connections = doc.createNode([]) as YAMLSeq;
  flows.flow = true;
  connections.flow = true;
  const definitions = new YAMLMap();
  definitions.set('flows', flows);
  definitions.set('connections', connections);
  doc.set('definitions', definitions);
  doc.set('instructions', '');
  const groups = doc.createNode([]) as YAMLSeq;
  groups.flow = true;
  const authorisation = new YAMLMap();
  authorisation.set('groups', groups);
  doc.set('authorisation', authorisation);
  return doc.toString(TO_STRING);
}

/**
 * Adds flows to a draft, with every flow they run (transitively) and the connections those flows
 * use. Entries already in the draft are skipped. `added` lists the ids actually added: the flows
 * first, then the connections (`addedFlows` / `addedConnections` separate them).
 * Throws when the draft is missing or not parseable, or a given flow does not exist.
 */
export function addFlowsToDraft(
  ws: Workspace,
  draftName: string,
  flowIds: string[],
): { text: string; added: string[]; addedFlows: string[]; addedConnections: string[] } {
  const doc = openDraft(ws, draftName);
  const unknown = flowIds.filter((id) => !ws.has('flow', id));
  if (unknown.length) throw new Error(`no such flow in the workspace: ${unknown.map((id) => `'${id}'`).join(', ')}`);
  const flows = flowClosure(ws, flowIds);
  const connections = connectionsUsedBy(ws, flows).filter((id) => ws.has('connection', id));
  const addedFlows = appendMissing(doc, 'flow', flows);
  const addedConnections = appendMissing(doc, 'connection', connections);
  return { text: doc.toString(TO_STRING), added: [...addedFlows, ...addedConnections], addedFlows, addedConnections };
}

/**
 * Removes one definition from a draft. Refuses (throws, naming them) to remove a flow that other
 * flows of the package run. Throws when the definition is not in the draft.
 */
export function removeFromDraft(ws: Workspace, draftName: string, kind: DefinitionKind, id: string): { text: string } {
  const doc = openDraft(ws, draftName);
  const seq = doc.getIn(['definitions', LIST_KEY[kind]], true);
  const index = isSeq(seq) ? seq.items.findIndex((item) => (isScalar(item) ? item.value : item) === id) : -1;
  if (!isSeq(seq) || index < 0) throw new Error(`${kind} '${id}' is not in package '${draftName}'`);
  if (kind === 'flow') {
    const others = seq.items.map((item) => String(isScalar(item) ? item.value : item)).filter((other) => other !== id);
    const dependents = others.filter((other) => referencesOfFlow(ws, other).some((r) => r.to.kind === 'flow' && r.to.id === id));
    if (dependents.length) {
      throw new Error(
        `cannot remove flow '${id}' from package '${draftName}': ${dependents.map((d) => `'${d}'`).join(', ')} ` +
          `${dependents.length === 1 ? 'runs' : 'run'} it. Remove ${dependents.length === 1 ? 'that flow' : 'those flows'} first.`,
      );
    }
  }
  seq.items.splice(index, 1);
  if (seq.items.length === 0) seq.flow = true;
  return { text: doc.toString(TO_STRING) };
}

function openDraft(ws: Workspace, draftName: string): Document.Parsed {
  const relPath = draftPath(draftName);
  const file = ws.file(relPath);
  if (!file) throw new Error(`there is no package draft '${draftName}' (expected ${relPath})`);
  const doc = parseDocument(file.text);
  if (doc.errors.length) throw new Error(`${relPath} has YAML syntax errors; fix them first: ${doc.errors[0].message.split('\n')[0]}`);
  if (!isMap(doc.contents)) throw new Error(`${relPath} is not a package draft (expected a YAML mapping)`);
  return doc;
}

/** Appends the ids not yet listed under definitions.<list>; returns those appended. */
function appendMissing(doc: Document.Parsed, kind: DefinitionKind, ids: string[]): string[] {
  const key = LIST_KEY[kind];
  let definitions = doc.get('definitions', true);
  if (!isMap(definitions)) {
    definitions = new YAMLMap();
    doc.set('definitions', definitions);
  }
  const defs = definitions as YAMLMap;
  const existing: unknown = defs.get(key, true);
  let list: YAMLSeq;
  if (isSeq(existing)) list = existing;
  else {
    list = new YAMLSeq();
    defs.set(key, list);
  }
  const present = new Set(list.items.map((item) => String(isScalar(item) ? item.value : item)));
  const added = ids.filter((id) => !present.has(id));
  if (!added.length) return [];
  if (list.items.length === 0) list.flow = false;
  for (const id of added) list.add(doc.createNode(id));
  defs.flow = false;
  return added;
}

// ---- promotion edits of a draft (issue 10): replacements, instructions, referenced definitions ----

/** A reference the draft's flows make (`kind` `id`), with the flows that make it and the replacement it has, if any. */
export interface DraftReference {
  kind: DefinitionKind;
  id: string;
  /** Flows of the draft (or flows they run) whose text names it. */
  referencedBy: string[];
  /** The draft's replacement of it (`to`), when it has one. */
  replacedBy?: string;
}

function listedIds(doc: Document.Parsed, kind: DefinitionKind): string[] {
  const seq = doc.getIn(['definitions', LIST_KEY[kind]], true);
  return isSeq(seq) ? seq.items.map((item) => String(isScalar(item) ? item.value : item)) : [];
}

function replacementsOf(doc: Document.Parsed): ReferenceReplacement[] {
  const seq = doc.get('replacements', true);
  if (!isSeq(seq)) return [];
  const out: ReferenceReplacement[] = [];
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    const kind = item.get('kind');
    const from = item.get('from');
    const to = item.get('to');
    if ((kind === 'flow' || kind === 'connection') && typeof from === 'string' && typeof to === 'string') out.push({ kind, from, to });
  }
  return out;
}

/**
 * Every reference the draft's flows make, walking the flows they run (after the draft's
 * replacements, as pack does), sorted by kind then id. References to definitions the draft
 * carries are included: replacing one is how a package is fitted to another gateway.
 */
export function draftReferences(ws: Workspace, draftName: string): DraftReference[] {
  const doc = openDraft(ws, draftName);
  const replacements = replacementsOf(doc);
  const replaced = (kind: DefinitionKind, id: string) => replacements.find((r) => r.kind === kind && r.from === id)?.to;
  const found = new Map<string, DraftReference>();
  const seen = new Set<string>();
  const queue = [...listedIds(doc, 'flow')];
  for (let i = 0; i < queue.length; i++) {
    const flow = queue[i];
    if (seen.has(flow)) continue;
    seen.add(flow);
    for (const ref of referencesOfFlow(ws, flow)) {
      const key = `${ref.to.kind}:${ref.to.id}`;
      const entry = found.get(key) ?? { kind: ref.to.kind, id: ref.to.id, referencedBy: [] };
      if (!entry.referencedBy.includes(flow)) entry.referencedBy.push(flow);
      const to = replaced(ref.to.kind, ref.to.id);
      if (to !== undefined) entry.replacedBy = to;
      found.set(key, entry);
      if (ref.to.kind === 'flow') queue.push(to ?? ref.to.id);
    }
  }
  return [...found.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}

/**
 * Sets the draft's replacement of `kind` `from` to `to` (an existing replacement of the same
 * reference is changed in place, so there is only ever one), or removes it when `to` is
 * undefined. `changed` is false when the draft already said exactly that.
 */
export function setReplacement(ws: Workspace, draftName: string, kind: DefinitionKind, from: string, to: string | undefined): { text: string; changed: boolean } {
  checkReferenceId('from', from);
  if (to !== undefined) {
    checkReferenceId('to', to);
    if (to === from) throw new Error(`a replacement of ${kind} '${from}' by itself replaces nothing`);
  }
  const doc = openDraft(ws, draftName);
  let seq = doc.get('replacements', true);
  if (seq !== undefined && !isSeq(seq)) throw new Error(`${draftPath(draftName)}: 'replacements' is not a list; fix it first`);
  const index = isSeq(seq) ? seq.items.findIndex((item) => isMap(item) && item.get('kind') === kind && item.get('from') === from) : -1;
  if (to === undefined) {
    if (index < 0) return { text: doc.toString(TO_STRING), changed: false };
    const list = seq as YAMLSeq;
    list.items.splice(index, 1);
    if (list.items.length === 0) doc.delete('replacements');
    return { text: doc.toString(TO_STRING), changed: true };
  }
  if (index >= 0) {
    const item = (seq as YAMLSeq).items[index] as YAMLMap;
    if (item.get('to') === to) return { text: doc.toString(TO_STRING), changed: false };
    item.set('to', to);
    return { text: doc.toString(TO_STRING), changed: true };
  }
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set('replacements', seq);
  }
  const list = seq as YAMLSeq;
  const entry = new YAMLMap();
  entry.set('kind', kind);
  entry.set('from', from);
  entry.set('to', to);
  list.flow = false;
  list.add(entry);
  return { text: doc.toString(TO_STRING), changed: true };
}

function checkReferenceId(field: string, id: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > LIMITS.definitionIdLength || /[\u0000-\u001f\u007f]/.test(id)) {
    throw new Error(`${field}: a definition id of 1 to ${LIMITS.definitionIdLength} characters without control characters`);
  }
}

/** The draft's instructions ('' when it has none). */
export function draftInstructions(ws: Workspace, draftName: string): string {
  const value = openDraft(ws, draftName).get('instructions');
  return typeof value === 'string' ? value : '';
}

/** Sets the draft's instructions (a block scalar when it has several lines); `changed` is false when they were already these. */
export function setInstructions(ws: Workspace, draftName: string, instructions: string): { text: string; changed: boolean } {
  if (typeof instructions !== 'string') throw new Error('instructions: must be text');
  if (instructions.length > LIMITS.instructionsLength) throw new Error(`instructions: at most ${LIMITS.instructionsLength} characters`);
  const doc = openDraft(ws, draftName);
  if (doc.get('instructions') === instructions) return { text: doc.toString(TO_STRING), changed: false };
  const node = doc.createNode(instructions) as Scalar;
  if (instructions.includes('\n')) node.type = 'BLOCK_LITERAL';
  doc.set('instructions', node);
  return { text: doc.toString(TO_STRING), changed: true };
}

/**
 * Adds to the draft every definition its flows reference (after its replacements) that it does
 * not carry, transitively through the flows it runs: one edit. References to definitions the
 * workspace does not have are left out and listed in `absent` (validation reports them).
 */
export function addReferencedDefinitions(
  ws: Workspace,
  draftName: string,
): { text: string; addedFlows: string[]; addedConnections: string[]; absent: { kind: DefinitionKind; id: string }[] } {
  const doc = openDraft(ws, draftName);
  const replacements = replacementsOf(doc);
  const replaced = (kind: DefinitionKind, id: string) => replacements.find((r) => r.kind === kind && r.from === id)?.to ?? id;
  const flows: string[] = [];
  const connections: string[] = [];
  const absent = new Map<string, { kind: DefinitionKind; id: string }>();
  const seen = new Set<string>();
  const queue = listedIds(doc, 'flow').filter((id) => ws.has('flow', id));
  for (let i = 0; i < queue.length; i++) {
    const flow = queue[i];
    if (seen.has(flow)) continue;
    seen.add(flow);
    for (const ref of referencesOfFlow(ws, flow)) {
      const id = replaced(ref.to.kind, ref.to.id);
      if (!ws.has(ref.to.kind, id)) {
        absent.set(`${ref.to.kind}:${id}`, { kind: ref.to.kind, id });
        continue;
      }
      if (ref.to.kind === 'flow') {
        if (!flows.includes(id)) flows.push(id);
        queue.push(id);
      } else if (!connections.includes(id)) connections.push(id);
    }
  }
  const addedFlows = appendMissing(doc, 'flow', flows);
  const addedConnections = appendMissing(doc, 'connection', connections.sort());
  return { text: doc.toString(TO_STRING), addedFlows, addedConnections, absent: [...absent.values()] };
}
