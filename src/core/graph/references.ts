/**
 * The reference graph: which flows a flow runs and which connections it uses, at any nesting
 * depth, and the transitive closure over run-flow references.
 */
import type { Definition, DefinitionKind, Reference } from '../model/definition';
import type { FlowDefinition } from '../model/flow';
import { flowPath } from '../workspace/layout';
import type { Workspace } from '../workspace/workspace';
import { isJsonObject } from '../model/jsonObject';

/** Lists of nested steps a step may hold. */
const NESTED_STEP_LISTS = ['then', 'else', 'steps', 'catch'] as const;

/**
 * The literal id a reference field names: `x` → `x`, `==x` → `=x`; an expression (`=…`) is
 * computed at run time and names nothing statically, so it gives undefined.
 */
export function literalReference(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.startsWith('==')) return value.slice(1);
  if (value.startsWith('=')) return undefined;
  return value;
}

/**
 * Every reference a definition makes: run-flow steps → flows, http steps → connections, with the
 * JSON path of the referencing value (`['steps', 2, 'then', 0, 'flow']`). Tolerates documents
 * that are not schema-valid (it only looks at what is there).
 */
export function referencesOf(def: Definition): Reference[] {
  if (def.kind !== 'flow') return [];
  const refs: Reference[] = [];
  const from = { kind: 'flow' as const, id: def.id };
  const walk = (steps: unknown, path: (string | number)[]): void => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, i) => {
      if (!step || typeof step !== 'object') return;
      const s = step as Record<string, unknown>;
      const here = [...path, i];
      if (s.kind === 'run-flow') {
        const id = literalReference(s.flow);
        if (id) refs.push({ from, to: { kind: 'flow', id }, path: [...here, 'flow'] });
      } else if (s.kind === 'http') {
        const id = literalReference(s.connection);
        if (id) refs.push({ from, to: { kind: 'connection', id }, path: [...here, 'connection'] });
      }
      for (const key of NESTED_STEP_LISTS) if (key in s) walk(s[key], [...here, key]);
    });
  };
  walk((def.flow as { steps?: unknown } | null | undefined)?.steps, ['steps']);
  return refs;
}

/**
 * The flow with this id as the workspace has it: the schema-valid definition, or — so that one
 * typo does not hide a whole dependency tree — a best-effort one read from a file that does not
 * yet pass its schema. Undefined when there is no such file.
 */
export function flowForGraph(ws: Workspace, id: string): FlowDefinition | undefined {
  const valid = ws.flows().get(id);
  if (valid) return valid;
  const file = ws.file(flowPath(id));
  if (!file || file.kind !== 'flow') return undefined;
  const value = file.yaml.value;
  const flow = (isJsonObject(value) ? value : { steps: [] }) as unknown as FlowDefinition['flow'];
  const slash = id.lastIndexOf('/');
  return { kind: 'flow', id, name: id.slice(slash + 1), folder: slash < 0 ? '' : id.slice(0, slash), flow };
}

/** References of each parsed flow file (a parsed file never changes: an edit makes a new one). */
const referencesOfFile = new WeakMap<object, Reference[]>();

/** References of the flow `id` in the workspace ([] when it does not exist). */
export function referencesOfFlow(ws: Workspace, id: string): Reference[] {
  const file = ws.file(flowPath(id));
  if (!file || file.kind !== 'flow') return [];
  let refs = referencesOfFile.get(file);
  if (!refs) {
    const def = flowForGraph(ws, id);
    refs = def ? referencesOf(def) : [];
    referencesOfFile.set(file, refs);
  }
  // A copy of the list (callers may sort or filter it); the references themselves are shared.
  return refs.slice();
}

/**
 * The given flows and every flow they run, transitively, in discovery order (the given ids
 * first). Cycles are tolerated. Flows that are referenced but do not exist in the workspace are
 * left out (validation reports them); the given ids are always kept.
 */
export function flowClosure(ws: Workspace, flowIds: Iterable<string>): string[] {
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const id of flowIds) {
    if (!seen.has(id)) {
      seen.add(id);
      queue.push(id);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    for (const ref of referencesOfFlow(ws, queue[i])) {
      if (ref.to.kind !== 'flow' || seen.has(ref.to.id) || !ws.has('flow', ref.to.id)) continue;
      seen.add(ref.to.id);
      queue.push(ref.to.id);
    }
  }
  return queue;
}

/** Connections that the given flows use directly (not through child flows), sorted, no duplicates. */
export function connectionsUsedBy(ws: Workspace, flowIds: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const id of flowIds) for (const r of referencesOfFlow(ws, id)) if (r.to.kind === 'connection') out.add(r.to.id);
  return [...out].sort();
}

/** Flows in the workspace that reference `id` directly (run it, or for a connection: use it), sorted. */
export function dependentsOf(ws: Workspace, flowId: string, kind: DefinitionKind = 'flow'): string[] {
  const out: string[] = [];
  for (const candidate of ws.ids('flow')) {
    if (referencesOfFlow(ws, candidate).some((r) => r.to.kind === kind && r.to.id === flowId)) out.push(candidate);
  }
  return out;
}
