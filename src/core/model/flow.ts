/**
 * The flow model: what a `flows/<folders>/<Name>.flow.yaml` file holds once parsed.
 *
 * Expressions: any string value that starts with `=` is a JSONata expression evaluated against
 * the flow's variables (`"= device & ':' & port"`). A string starting with `==` is the literal
 * text with one `=` removed. Expressions are never run through `eval` or `new Function`.
 */

/** Value types a flow input or output may declare. */
export type ValueType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'any';

export interface VariableDeclaration {
  type: ValueType;
  description?: string;
  /** An input is required unless it has a default or `required: false`. */
  required?: boolean;
  default?: unknown;
}

/** Fields every step may carry. */
export interface StepBase {
  kind: StepKind;
  /** Optional label, shown in logs and in error messages. */
  name?: string;
}

export interface SetStep extends StepBase {
  kind: 'set';
  /** Variable name → value (literal or `=` expression). */
  values: Record<string, unknown>;
}

export interface LogStep extends StepBase {
  kind: 'log';
  message: unknown;
  level?: 'debug' | 'info' | 'warn' | 'error';
}

export interface WaitStep extends StepBase {
  kind: 'wait';
  /** Number of seconds (literal or expression). Stoppable at any moment. */
  seconds: number | string;
}

export interface HttpStep extends StepBase {
  kind: 'http';
  /** Name of a connection definition; `path` is appended to its base URL. */
  connection?: string;
  /** Absolute URL, when no connection is used. */
  url?: string;
  path?: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  headers?: Record<string, unknown>;
  body?: unknown;
  timeoutSeconds?: number | string;
  /** Variable receiving `{ status, headers, body }`. */
  output?: string;
}

export interface RunFlowStep extends StepBase {
  kind: 'run-flow';
  /** Flow id: its path under `flows/` without the extension, e.g. `network/core/Check-Reachability`. */
  flow: string;
  inputs?: Record<string, unknown>;
  /** sync (default): wait and receive outputs; async: receive the child execution id. */
  mode?: 'sync' | 'async';
  /** Variable receiving the child's output variables (sync) or its execution id (async). */
  output?: string;
}

export interface IfStep extends StepBase {
  kind: 'if';
  condition: unknown;
  then: Step[];
  else?: Step[];
}

export interface ForEachStep extends StepBase {
  kind: 'for-each';
  items: unknown;
  /** Variable holding the current item (default `item`); `<as>Index` holds its index. */
  as?: string;
  steps: Step[];
}

export interface TryStep extends StepBase {
  kind: 'try';
  steps: Step[];
  catch?: Step[];
  /** Variable receiving `{ message, code, step }` in the catch block (default `error`). */
  errorVariable?: string;
}

export interface FailStep extends StepBase {
  kind: 'fail';
  message: unknown;
  code?: string;
}

export type Step =
  | SetStep
  | LogStep
  | WaitStep
  | HttpStep
  | RunFlowStep
  | IfStep
  | ForEachStep
  | TryStep
  | FailStep;

export type StepKind = Step['kind'];

export const STEP_KINDS: readonly StepKind[] = [
  'set',
  'log',
  'wait',
  'http',
  'run-flow',
  'if',
  'for-each',
  'try',
  'fail',
];

/** The content of a flow file. */
export interface FlowDocument {
  description?: string;
  inputs?: Record<string, VariableDeclaration>;
  outputs?: Record<string, VariableDeclaration>;
  steps: Step[];
}

/** A flow together with its identity. */
export interface FlowDefinition {
  kind: 'flow';
  /** `network/core/Restart-Service` — folders and name, `/`-separated. */
  id: string;
  /** Last segment of the id. */
  name: string;
  /** Folder part of the id (`network/core`), '' at the root. */
  folder: string;
  flow: FlowDocument;
}
