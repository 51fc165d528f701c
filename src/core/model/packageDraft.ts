/**
 * A package draft: `packages/<Name>.package.yaml` in the workspace. It is the OPEN package; the
 * definitions' contents are read from the workspace only when the draft is packed (submitted).
 */
import { LIMITS } from '../limits';
import { isReservedName, RESERVED_NAMES } from './reservedNames';

export interface PackageDraftDocument {
  /** Letters, digits, `-` and `_` only. Must equal the file name without `.package.yaml`. */
  name: string;
  description?: string;
  /** The version the next pack / submit creates (a positive integer). */
  version: number;
  definitions: {
    flows?: string[];
    connections?: string[];
  };
  /** Reference replacements applied to the packed definitions (e.g. connection crm-dev → crm-prod). */
  replacements?: ReferenceReplacement[];
  /** Markdown shown to the administrator who imports the package. */
  instructions?: string;
  /** Directory groups whose members may execute the package's flows. */
  authorisation?: { groups: string[] };
  /** Later issues: schedules and triggers carried by the version. Kept as opaque records here. */
  schedules?: unknown[];
  triggers?: unknown[];
}

export interface ReferenceReplacement {
  kind: 'flow' | 'connection';
  from: string;
  to: string;
}

/**
 * Package names: 1 to LIMITS.nameLength letters, digits, `-` and `_`, not a reserved name
 * (`__proto__`, …) — the one rule for drafts, manifests, the API's schema (`PACKAGE_NAME_SOURCE` is
 * its `pattern`) and the store's folders.
 */
export const PACKAGE_NAME_SOURCE = '^[A-Za-z0-9_-]+$';
export const PACKAGE_NAME_PATTERN = new RegExp(PACKAGE_NAME_SOURCE);
export const PACKAGE_NAME_RULE = `letters, digits, '-' and '_' only, at most ${LIMITS.nameLength} characters, not ${[...RESERVED_NAMES].join(', ')}`;

/** Whether `name` may name a package. */
export function isPackageName(name: unknown): name is string {
  return typeof name === 'string' && name.length >= 1 && name.length <= LIMITS.nameLength && PACKAGE_NAME_PATTERN.test(name) && !isReservedName(name);
}
