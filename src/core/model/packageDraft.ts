/**
 * A package draft: `packages/<Name>.package.yaml` in the workspace. It is the OPEN package; the
 * definitions' contents are read from the workspace only when the draft is packed (submitted).
 */
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

export const PACKAGE_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
