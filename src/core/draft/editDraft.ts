/**
 * Edits of a package draft's YAML text that keep its comments, ordering and styles (the `yaml`
 * Document API). Every function returns the new text; the caller writes it.
 */
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import type { Document } from 'yaml';
import type { DefinitionKind } from '../model/definition';
import { isPackageName, PACKAGE_NAME_RULE } from '../model/packageDraft';
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
