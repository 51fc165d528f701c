/** The schedules a package file carries, taken into a new version at upload (ids assigned, defaults applied). */
import { randomUUID } from 'node:crypto';
import type { ApiErrorDetail, FlowSignature } from '../../core/api/types';
import type { Schedule, ScheduleSpec } from '../../core/model/schedule';
import { toSchedule, validateScheduleSpec } from '../../core/schedules/spec';
import { invalidPackageFile } from '../errors';

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
