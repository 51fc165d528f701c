/** Validation results shared by the extension (Problems panel), the CLI and the gateway. */

/** Zero-based line and character, as VS Code counts them. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. `yaml-syntax`, `schema`, `unknown-flow`, `missing-dependency`. */
  code: string;
  message: string;
  /** Workspace-relative file path (`/`-separated), when the problem is in a file. */
  file?: string;
  range?: Range;
  /**
   * What the problem is about, for tools that offer a fix (core/fixes): optional, so consumers
   * that only show diagnostics can ignore it.
   */
  data?: DiagnosticData;
}

/** Facts a diagnostic carries for its quick fixes (see core/fixes/quickFixes.ts). */
export interface DiagnosticData {
  /** JSON path of the node the diagnostic is about, in its file, and which part of it the range covers. */
  path?: (string | number)[];
  part?: 'key' | 'value';
  /** The definition referred to (a missing reference, a draft entry, a replacement). */
  kind?: 'flow' | 'connection';
  id?: string;
  /** A run-flow step's child flow, and the input names concerned (unknown-input, missing-input, input-type). */
  child?: string;
  inputs?: string[];
}
