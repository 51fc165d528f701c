/**
 * The schedules of a package draft (called from validatePackage): each names a flow of the
 * package (after the draft's replacements), has a valid cron expression and time zone, and
 * gives values that fit the flow's declared inputs. Shape problems (missing name, unknown
 * properties, wrong types) are the schema's.
 */
import type { Diagnostic, Range } from '../model/diagnostic';
import { validateScheduleSpec, type ScheduleFlowInfo } from '../schedules/spec';
import type { Workspace } from '../workspace/workspace';

/** Fields whose problems the package schema already reports. */
const SCHEMA_FIELDS = new Set(['name', 'description', 'type', 'enabled']);

export function draftScheduleDiagnostics(
  ws: Workspace,
  schedules: unknown[] | undefined,
  /** The id a flow reference ships as when the package includes it, else undefined. */
  inPackage: (flowId: string) => string | undefined,
  rangeOf: (path: (string | number)[]) => Range,
  file: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!Array.isArray(schedules)) return out;
  schedules.forEach((spec, i) => {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return;
    const s = spec as Record<string, unknown>;
    const flowRef = typeof s.flow === 'string' ? s.flow : undefined;
    const shipped = flowRef !== undefined ? inPackage(flowRef) : undefined;
    const def = shipped !== undefined ? ws.flows().get(shipped) : undefined;
    let flows: ScheduleFlowInfo[] | undefined = flowRef !== undefined && shipped === undefined ? [] : undefined;
    if (def) {
      const inputs: ScheduleFlowInfo['inputs'] = {};
      for (const [k, d] of Object.entries(def.flow.inputs ?? {})) {
        inputs[k] = { type: d.type, required: d.default === undefined && d.required !== false };
      }
      flows = [{ id: flowRef!, inputs }];
    }
    for (const p of validateScheduleSpec(spec, flows)) {
      const field = p.field.split('.')[0];
      if (SCHEMA_FIELDS.has(field) || p.message.startsWith('unknown property')) continue;
      if ((field === 'expression' || field === 'timezone' || field === 'inputs') && s[field] !== undefined && typeof s[field] !== (field === 'inputs' ? 'object' : 'string')) continue;
      if (p.message.startsWith('required:')) continue;
      const message =
        field === 'flow' && flowRef !== undefined
          ? `schedule '${String(s.name ?? i)}': flow '${flowRef}' is not in the package; add it to definitions.flows`
          : `schedule '${String(s.name ?? i)}': ${p.field} ${p.message}`;
      out.push({
        severity: 'error',
        code: field === 'flow' ? 'schedule-flow-not-in-package' : 'invalid-schedule',
        message,
        file,
        range: rangeOf(['schedules', i, ...p.field.split('.')]),
        ...(field === 'flow' && flowRef !== undefined ? { data: { path: ['schedules', i, 'flow'], part: 'value' as const, kind: 'flow' as const, id: flowRef } } : {}),
      });
    }
  });
  return out;
}
