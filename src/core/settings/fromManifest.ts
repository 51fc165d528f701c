/**
 * A package version's live settings — schedules and SNMP triggers — as a gateway stores them:
 * taken from a package file's manifest or an API body (ids assigned, defaults applied), and their
 * quotas. Pure functions of core: they answer problems (`{field, message}`), the gateway turns
 * them into its errors (400 `invalid-package-file`, 413 `quota-exceeded`).
 */
import { randomUUID } from 'node:crypto';
import type { ApiErrorDetail, FlowSignature } from '../api/types';
import { LIMITS } from '../limits';
import type { Schedule, ScheduleSpec } from '../model/schedule';
import type { Trigger, TriggerSpec } from '../model/trigger';
import { findFlow } from '../model/flowLookup';
import { toSchedule, validateScheduleSpec } from '../schedules/spec';
import { normalizeTriggerSpec, validateTriggerSpec, type ValidateTriggerOptions } from '../triggers/validate';

/** Settings of a manifest: the stored list, or every problem (at most 100), each naming `manifest.<kind>[i].<field>`. */
export type FromManifest<T> = { ok: true; value: T[] } | { ok: false; problems: ApiErrorDetail[] };

/**
 * The schedules of `manifest.schedules` as stored (new ids, defaults applied), or their problems.
 * The count is bounded by the manifest check (LIMITS.schedulesPerVersion).
 */
export function schedulesFromManifest(specs: readonly unknown[] | undefined, flows: readonly FlowSignature[]): FromManifest<Schedule> {
  const list = specs ?? [];
  const problems: ApiErrorDetail[] = [];
  const names = new Map<string, number>();
  list.forEach((spec, i) => {
    if (problems.length >= 100) return;
    const prefix = `manifest.schedules[${i}].`;
    problems.push(...validateScheduleSpec(spec, flows, prefix));
    const name = (spec as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && name.trim()) {
      const first = names.get(name.trim());
      if (first !== undefined) problems.push({ field: `${prefix}name`, message: `'${name}' is also the name of manifest.schedules[${first}]; names are unique per version` });
      else names.set(name.trim(), i);
    }
  });
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: list.map((spec) => toSchedule(spec as ScheduleSpec, randomUUID())) };
}

/** Field problems of a trigger `spec` against the version's flows (prefix names where it sits, e.g. `manifest.triggers[0].`). */
export function triggerProblems(spec: unknown, flows: readonly FlowSignature[], prefix = '', opts: ValidateTriggerOptions = {}): ApiErrorDetail[] {
  const flowId = (spec as { flow?: unknown } | null)?.flow;
  const signature = typeof flowId === 'string' ? (flows.find((f) => f.id === flowId) ?? null) : undefined;
  return validateTriggerSpec(spec, signature, opts).map((e) => ({ field: `${prefix}${e.field}`, message: e.message }));
}

/** A valid trigger spec as stored (defaults applied). */
export function toTrigger(spec: TriggerSpec, id: string = randomUUID()): Trigger {
  return { id, ...normalizeTriggerSpec(spec) };
}

/**
 * The triggers of `manifest.triggers` as stored (new ids, defaults applied), or their problems.
 * SNMPv3 users they name need not exist yet (gateway configuration, set up separately).
 */
export function triggersFromManifest(records: readonly unknown[] | undefined, flows: readonly FlowSignature[]): FromManifest<Trigger> {
  const list = records ?? [];
  const problems: ApiErrorDetail[] = [];
  // Linear: names seen in a Set; the count is bounded by the manifest check (LIMITS.triggersPerVersion).
  const names = new Set<string>();
  for (let i = 0; i < list.length && problems.length < 100; i++) {
    const r = list[i];
    problems.push(...triggerProblems(r, flows, `manifest.triggers[${i}].`));
    const name = (r as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && names.has(name)) {
      problems.push({ field: `manifest.triggers[${i}].name`, message: `a trigger named '${name.slice(0, 100)}' comes earlier in the list` });
    }
    if (typeof name === 'string') names.add(name);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: list.map((r) => toTrigger(r as TriggerSpec)) };
}

/**
 * A settings body's `flow` written by the one flow-lookup rule (core/model/flowLookup: a bare
 * unique name, surrounding slashes) as the full id the gateway stores; a body whose flow names
 * no flow, or is not a string, is answered as it is (its validation names the problem). An
 * ambiguous name is a problem on `flow`.
 */
export function withFlowId<B>(body: B, flows: readonly FlowSignature[], where: string): { body: B; problems: ApiErrorDetail[] } {
  const flow = (body as { flow?: unknown } | null)?.flow;
  if (typeof flow !== 'string' || typeof body !== 'object' || body === null || Array.isArray(body) || flow.length > LIMITS.definitionIdLength) return { body, problems: [] };
  const found = findFlow(flows, flow, where);
  if (found.ok) return { body: found.flow.id === flow ? body : { ...body, flow: found.flow.id }, problems: [] };
  if (found.code === 'ambiguous-flow') return { body, problems: [{ field: 'flow', message: found.message }] };
  return { body, problems: [] };
}

export type SettingKind = 'schedules' | 'triggers';

const QUOTAS: Record<SettingKind, { perVersion: number; perGateway: number; word: string }> = {
  schedules: { perVersion: LIMITS.schedulesPerVersion, perGateway: LIMITS.schedulesPerGateway, word: 'schedules' },
  triggers: { perVersion: LIMITS.triggersPerVersion, perGateway: LIMITS.triggersPerGateway, word: 'triggers' },
};

/**
 * The quota problem of adding `adding` schedules or triggers to a version holding `versionHas`,
 * on a gateway whose versions are `versions` — or undefined. At most LIMITS.schedulesPerVersion /
 * triggersPerVersion per version and schedulesPerGateway / triggersPerGateway over every stored
 * version (published or not: publishing makes node-cron tasks; every trap is evaluated against
 * every trigger).
 */
export function settingsQuotaProblem(
  kind: SettingKind,
  versions: Iterable<{ schedules?: readonly unknown[]; triggers?: readonly unknown[] }>,
  adding: number,
  field: string,
  versionHas = 0,
): ApiErrorDetail | undefined {
  if (adding <= 0) return undefined;
  const q = QUOTAS[kind];
  if (versionHas + adding > q.perVersion) {
    return { field, message: `a package version has at most ${q.perVersion} ${q.word} (it would have ${versionHas + adding})` };
  }
  let total = 0;
  for (const v of versions) total += v[kind]?.length ?? 0;
  if (total + adding > q.perGateway) {
    return { field, message: `the gateway holds at most ${q.perGateway} ${q.word} over all package versions (it has ${total}; this adds ${adding})` };
  }
  return undefined;
}
