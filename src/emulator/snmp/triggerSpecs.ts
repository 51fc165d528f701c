/** Turning trigger specs (API bodies, package-file records) into stored triggers, with field errors. */
import { randomUUID } from 'node:crypto';
import type { ApiErrorDetail, FlowSignature } from '../../core/api/types';
import type { Trigger, TriggerSpec } from '../../core/model/trigger';
import { normalizeTriggerSpec, validateTriggerSpec, type ValidateTriggerOptions } from '../../core/triggers/validate';
import { invalidPackageFile } from '../errors';

/** Field errors of `spec` against the version's flows (prefix names where it sits, e.g. `manifest.triggers[0].`). */
export function triggerErrors(spec: unknown, flows: readonly FlowSignature[], prefix = '', opts: ValidateTriggerOptions = {}): ApiErrorDetail[] {
  const flowId = (spec as { flow?: unknown } | null)?.flow;
  const signature = typeof flowId === 'string' ? (flows.find((f) => f.id === flowId) ?? null) : undefined;
  return validateTriggerSpec(spec, signature, opts).map((e) => ({ field: `${prefix}${e.field}`, message: e.message }));
}

export function toTrigger(spec: TriggerSpec, id: string = randomUUID()): Trigger {
  return { id, ...normalizeTriggerSpec(spec) };
}

/**
 * The triggers a package file carries, as the version stores them (new ids, defaults applied).
 * Invalid ones refuse the upload (400 naming `manifest.triggers[i].<field>`). SNMPv3 users they
 * name need not exist yet: they are gateway configuration, set up separately.
 */
export function triggersFromManifest(records: readonly unknown[] | undefined, flows: readonly FlowSignature[]): Trigger[] {
  const list = records ?? [];
  const details: ApiErrorDetail[] = [];
  // Linear: names seen in a Set; the count is bounded by checkManifest (LIMITS.triggersPerVersion);
  // at most 100 problems are reported.
  const names = new Set<string>();
  for (let i = 0; i < list.length && details.length < 100; i++) {
    const r = list[i];
    details.push(...triggerErrors(r, flows, `manifest.triggers[${i}].`));
    const name = (r as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && names.has(name)) {
      details.push({ field: `manifest.triggers[${i}].name`, message: `a trigger named '${name.slice(0, 100)}' comes earlier in the list` });
    }
    if (typeof name === 'string') names.add(name);
  }
  if (details.length) {
    throw invalidPackageFile(details);
  }
  return list.map((r) => toTrigger(r as TriggerSpec));
}
