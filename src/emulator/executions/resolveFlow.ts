/** Finding a flow of a package version by full id (`network/core/X`) or by bare name if unique. */
import type { FlowDefinition } from '../../core/model/flow';

export type FlowLookup =
  | { ok: true; flow: FlowDefinition }
  | { ok: false; code: 'flow-not-found'; message: string }
  | { ok: false; code: 'ambiguous-flow'; message: string; candidates: string[] };

export function findFlow(flows: Map<string, FlowDefinition>, ref: string, where: string): FlowLookup {
  const id = ref.replace(/^\/+|\/+$/g, '');
  const exact = flows.get(id);
  if (exact) return { ok: true, flow: exact };
  if (!id.includes('/')) {
    const byName = [...flows.values()].filter((f) => f.name === id);
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
