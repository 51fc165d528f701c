/** Turning trigger specs (API bodies, package-file records) into stored triggers, with field errors. */
import { randomUUID } from 'node:crypto';
import type { ApiErrorDetail, FlowSignature } from '../../core/api/types';
import type { Trigger, TriggerSpec } from '../../core/model/trigger';
import { normalizeTriggerSpec, validateTriggerSpec, type ValidateTriggerOptions } from '../../core/triggers/validate';
import { LIMITS } from '../../core/limits';
import { ApiError, invalidPackageFile } from '../errors';

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

/**
 * The trigger quotas: at most LIMITS.triggersPerVersion per version and LIMITS.triggersPerGateway
 * on the gateway (every stored version, published or not: each received trap is evaluated against
 * all of them, so this bounds the per-trap cost and the trap log). 413 `quota-exceeded` naming
 * `field`, before anything is stored.
 */
export function checkTriggerQuota(versions: Iterable<{ triggers?: readonly unknown[] }>, adding: number, field: string, versionHas = 0): void {
  if (adding <= 0) return;
  if (versionHas + adding > LIMITS.triggersPerVersion) {
    const message = `a package version has at most ${LIMITS.triggersPerVersion} triggers (it would have ${versionHas + adding})`;
    throw new ApiError(413, 'quota-exceeded', `Quota exceeded: ${field}: ${message}`, [{ field, message }]);
  }
  let total = 0;
  for (const v of versions) total += v.triggers?.length ?? 0;
  if (total + adding > LIMITS.triggersPerGateway) {
    const message = `the gateway holds at most ${LIMITS.triggersPerGateway} triggers over all package versions (it has ${total}; this adds ${adding})`;
    throw new ApiError(413, 'quota-exceeded', `Quota exceeded: ${field}: ${message}`, [{ field, message }]);
  }
}
