/**
 * The SNMP triggers of a package draft (called from validatePackage): each names a flow of the
 * package (after the draft's replacements), has valid conditions (the same parser as gateways:
 * core/triggers), and gives inputs / a pduVariable that fit the flow's declared inputs. Shape
 * problems (missing name, unknown properties, wrong types) are the schema's.
 */
import type { FlowSignature } from '../api/types';
import type { Diagnostic, Range } from '../model/diagnostic';
import { validateTriggerSpec } from '../triggers/validate';
import type { Workspace } from '../workspace/workspace';

const SCHEMA_FIELDS = new Set(['name', 'description', 'enabled', 'trigger']);

function fieldPath(field: string): (string | number)[] {
  return field.split('.').flatMap((part) => {
    const m = /^([^[]+)\[(\d+)\]$/.exec(part);
    return m ? [m[1], Number(m[2])] : [part];
  });
}

export function draftTriggerDiagnostics(
  ws: Workspace,
  triggers: unknown[] | undefined,
  /** The id a flow reference ships as when the package includes it, else undefined. */
  inPackage: (flowId: string) => string | undefined,
  rangeOf: (path: (string | number)[]) => Range,
  file: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!Array.isArray(triggers)) return out;
  triggers.forEach((spec, i) => {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return;
    const t = spec as Record<string, unknown>;
    const flowRef = typeof t.flow === 'string' ? t.flow : undefined;
    const shipped = flowRef !== undefined ? inPackage(flowRef) : undefined;
    const def = shipped !== undefined ? ws.flows().get(shipped) : undefined;
    let signature: FlowSignature | null | undefined = flowRef !== undefined && shipped === undefined ? null : undefined;
    if (def) {
      const inputs: FlowSignature['inputs'] = {};
      for (const [k, d] of Object.entries(def.flow.inputs ?? {})) inputs[k] = { type: d.type, required: d.default === undefined && d.required !== false };
      signature = { id: flowRef!, name: def.name, inputs, outputs: {} };
    }
    for (const p of validateTriggerSpec(spec, signature)) {
      const top = p.field.split(/[.[]/)[0];
      if (SCHEMA_FIELDS.has(top) || p.message.startsWith('unknown ')) continue;
      if (top === 'conditions' && (typeof t.conditions !== 'object' || t.conditions === null)) continue;
      if (top === 'flow' && flowRef === undefined) continue;
      const name = String(t.name ?? i);
      out.push({
        severity: 'error',
        code: top === 'flow' ? 'trigger-flow-not-in-package' : 'invalid-trigger',
        message: top === 'flow' ? `trigger '${name}': flow '${flowRef}' is not in the package; add it to definitions.flows` : `trigger '${name}': ${p.field}: ${p.message}`,
        file,
        range: rangeOf(['triggers', i, ...fieldPath(p.field)]),
        ...(top === 'flow' && flowRef !== undefined ? { data: { path: ['triggers', i, 'flow'], part: 'value' as const, kind: 'flow' as const, id: flowRef } } : {}),
      });
    }
  });
  return out;
}
