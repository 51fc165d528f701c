/** The schedules a package file carries, taken into a new version at upload (ids assigned, defaults applied). */
import { randomUUID } from 'node:crypto';
import type { ApiErrorDetail, FlowSignature } from '../../core/api/types';
import type { Schedule, ScheduleSpec } from '../../core/model/schedule';
import { toSchedule, validateScheduleSpec } from '../../core/schedules/spec';
import { LIMITS } from '../../core/limits';
import { ApiError, invalidPackageFile } from '../errors';

/**
 * Valid schedules of `manifest.schedules`, or an ApiError 400 (`invalid-package-file`) naming
 * every `manifest.schedules[i].field` at fault; nothing is stored then.
 */
export function schedulesFromManifest(specs: unknown[] | undefined, flows: FlowSignature[]): Schedule[] {
  const list = specs ?? [];
  const problems: ApiErrorDetail[] = [];
  const names = new Map<string, number>();
  // The count is bounded by checkManifest (LIMITS.schedulesPerVersion); at most 100 problems are reported.
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
  if (problems.length) {
    throw invalidPackageFile(problems);
  }
  return list.map((spec) => toSchedule(spec as ScheduleSpec, randomUUID()));
}

/**
 * The schedule quotas: at most LIMITS.schedulesPerVersion per version and LIMITS.schedulesPerGateway
 * on the gateway (every stored version: publishing any of them makes node-cron tasks of its
 * schedules, and the scheduler reconciles over all of them on every change). 413
 * `quota-exceeded` naming `field`, before anything is stored.
 */
export function checkScheduleQuota(versions: Iterable<{ schedules?: readonly unknown[] }>, adding: number, field: string, versionHas = 0): void {
  if (adding <= 0) return;
  if (versionHas + adding > LIMITS.schedulesPerVersion) {
    const message = `a package version has at most ${LIMITS.schedulesPerVersion} schedules (it would have ${versionHas + adding})`;
    throw new ApiError(413, 'quota-exceeded', `Quota exceeded: ${field}: ${message}`, [{ field, message }]);
  }
  let total = 0;
  for (const v of versions) total += v.schedules?.length ?? 0;
  if (total + adding > LIMITS.schedulesPerGateway) {
    const message = `the gateway holds at most ${LIMITS.schedulesPerGateway} schedules over all package versions (it has ${total}; this adds ${adding})`;
    throw new ApiError(413, 'quota-exceeded', `Quota exceeded: ${field}: ${message}`, [{ field, message }]);
  }
}
