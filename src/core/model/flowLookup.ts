/**
 * THE rule for naming a flow of a package version, wherever a flow is named to be run: a REST
 * start (`…/flows/{flow}/executions`), a run-flow step, a schedule and a trigger.
 *
 * - Leading and trailing `/` are ignored (`/network/core/X/` is `network/core/X`).
 * - The full id (`network/core/Restart-Service`) names that flow.
 * - A bare name (no `/`: `Restart-Service`) names the one flow of the version with that name (the
 *   last segment of its id); two or more such flows make it ambiguous (use the full id).
 * - Anything else names no flow.
 */

export type FlowLookup<F> =
  | { ok: true; flow: F }
  | { ok: false; code: 'flow-not-found'; message: string }
  | { ok: false; code: 'ambiguous-flow'; message: string; candidates: string[] };

/** The name of a flow: the last segment of its id. */
export function flowNameOf(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

/** A flow reference with its surrounding slashes removed (the form ids are compared in). */
export function normalizeFlowRef(ref: string): string {
  return ref.replace(/^\/+|\/+$/g, '');
}

/**
 * The flow `ref` names among `flows` (a Map by id, or a list), by the rule above. `where` says
 * where it was looked for in messages (`package P version N`).
 */
export function findFlow<F extends { id: string }>(flows: ReadonlyMap<string, F> | readonly F[], ref: string, where: string): FlowLookup<F> {
  const id = normalizeFlowRef(ref);
  const isList = Array.isArray(flows);
  const exact = isList ? (flows as readonly F[]).find((f) => f.id === id) : (flows as ReadonlyMap<string, F>).get(id);
  if (exact) return { ok: true, flow: exact };
  if (id !== '' && !id.includes('/')) {
    const list: readonly F[] = isList ? (flows as readonly F[]) : [...(flows as ReadonlyMap<string, F>).values()];
    const byName = list.filter((f) => flowNameOf(f.id) === id);
    if (byName.length === 1) return { ok: true, flow: byName[0] };
    if (byName.length > 1) {
      const candidates = byName.map((f) => f.id).sort();
      return {
        ok: false,
        code: 'ambiguous-flow',
        message: `Flow name '${id}' is ambiguous in ${where}: ${candidates.join(', ')}; use the full id`,
        candidates,
      };
    }
  }
  return { ok: false, code: 'flow-not-found', message: `Flow '${id}' does not exist in ${where}` };
}
