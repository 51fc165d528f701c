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
}
