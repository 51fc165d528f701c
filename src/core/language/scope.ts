/**
 * Which variables a flow expression can read at a given place: the one scope rule of the flow
 * language, shared by completion (and by anything else that needs to know, e.g. a future
 * "unknown variable" check). It follows what the engine does (src/emulator/engine/runFlow.ts):
 * one flat set of variables per execution; inputs first; each step sets its variables when it
 * runs, so a step sees what earlier steps set (nested ones included: they may have run); a set
 * step's values see the values before them in the same step; inside a for-each body its item
 * variable (`as`, default `item`) and `<as>Index`; inside a catch block the error variable
 * (`errorVariable`, default `error`) and whatever the try block may have set.
 *
 * Tolerant of documents that are not schema-valid: it only looks at what is there.
 */
import { LIMITS } from '../limits';
import { isJsonObject } from '../model/jsonObject';

export type VariableSource = 'input' | 'set' | 'output' | 'loop-item' | 'loop-index' | 'error';

export interface VariableField {
  name: string;
  type?: string;
  description?: string;
}

export interface ScopeVariable {
  name: string;
  source: VariableSource;
  /** Declared type (inputs), or what the engine stores (`object` for http/error, `integer` for a loop index). */
  type?: string;
  description?: string;
  /** JSON path of what defines it: `['inputs', name]` or the defining step's path. */
  definedAt: (string | number)[];
  /** Known fields of its value: a child flow's declared outputs, an http response, a caught error. */
  fields?: VariableField[];
  /** For a run-flow output: the child flow's id. */
  childFlow?: string;
}

/** What the scope needs to know of another flow: its declared outputs (for a run-flow output's fields). */
export type ChildOutputs = (flowId: string) => Record<string, { type?: unknown; description?: unknown }> | undefined;

const NESTED = ['then', 'else', 'steps', 'catch'] as const;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const HTTP_FIELDS: VariableField[] = [
  { name: 'status', type: 'integer', description: 'HTTP status code of the response' },
  { name: 'headers', type: 'object', description: 'response headers (lower-case names)' },
  { name: 'body', type: 'any', description: 'response body: parsed JSON when the response is JSON, else text' },
];
const ERROR_FIELDS: VariableField[] = [
  { name: 'message', type: 'string', description: 'what went wrong' },
  { name: 'code', type: 'string', description: "the error's code (a fail step's `code`, or e.g. `http-error`)" },
  { name: 'step', type: 'string', description: 'the step that failed' },
];

/**
 * The variables in scope at `path` (the JSON path of a value inside the flow document, e.g.
 * `['steps', 2, 'then', 0, 'values', 'x']`), in the order they become defined; a name defined
 * twice is listed once, with what its latest definition says. Bounded by
 * LIMITS.languageScopeVariables names and by the steps the document holds.
 */
export function variablesInScope(flow: unknown, path: readonly (string | number)[], childOutputs?: ChildOutputs): ScopeVariable[] {
  const vars = new Map<string, ScopeVariable>();
  const add = (v: ScopeVariable) => {
    if (!VAR_NAME.test(v.name)) return;
    if (!vars.has(v.name) && vars.size >= LIMITS.languageScopeVariables) return;
    vars.set(v.name, v);
  };
  if (!isJsonObject(flow)) return [];
  const doc = flow as Record<string, unknown>;
  if (isJsonObject(doc.inputs)) {
    for (const [name, decl] of Object.entries(doc.inputs as Record<string, unknown>)) {
      const d = isJsonObject(decl) ? (decl as Record<string, unknown>) : {};
      add({
        name,
        source: 'input',
        type: typeof d.type === 'string' ? d.type : undefined,
        description: typeof d.description === 'string' ? d.description : undefined,
        definedAt: ['inputs', name],
      });
    }
  }
  if (path[0] !== 'steps') return [...vars.values()];

  const defineStep = (step: Record<string, unknown>, at: (string | number)[]) => {
    switch (step.kind) {
      case 'set':
        if (isJsonObject(step.values)) for (const name of Object.keys(step.values as object)) add({ name, source: 'set', definedAt: at });
        break;
      case 'http':
        if (typeof step.output === 'string') add({ name: step.output, source: 'output', type: 'object', description: 'the response of the http step', definedAt: at, fields: HTTP_FIELDS });
        break;
      case 'run-flow':
        if (typeof step.output === 'string') add(runFlowOutput(step, at, childOutputs));
        break;
      case 'for-each': {
        const as = typeof step.as === 'string' ? step.as : 'item';
        add({ name: as, source: 'loop-item', description: 'the current item of the for-each loop', definedAt: at });
        add({ name: `${as}Index`, source: 'loop-index', type: 'integer', description: 'the index of the current item (from 0)', definedAt: at });
        break;
      }
      case '$error':
        addError(step, at);
        break;
    }
  };
  /** Every variable the given steps (and the steps nested in them) may set, in document order. Iterative and bounded. */
  const defineDeep = (roots: { step: unknown; at: (string | number)[] }[]) => {
    const stack = [...roots].reverse();
    let budget = LIMITS.languageSymbols * 10;
    while (stack.length && budget-- > 0) {
      const { step, at } = stack.pop()!;
      if (!isJsonObject(step)) continue;
      const s = step as Record<string, unknown>;
      defineStep(s, at);
      const children: { step: unknown; at: (string | number)[] }[] = [];
      for (const key of NESTED) {
        const list = s[key];
        if (Array.isArray(list)) list.forEach((child, i) => children.push({ step: child, at: [...at, key, i] }));
        if (s.kind === 'try' && key === 'steps') children.push({ step: { kind: '$error', errorVariable: s.errorVariable }, at });
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  };
  const stepsOf = (list: unknown, at: (string | number)[], count = Infinity) =>
    Array.isArray(list) ? list.slice(0, count).map((step, i) => ({ step, at: [...at, i] })) : [];
  const addError = (s: Record<string, unknown>, at: (string | number)[]) => {
    const name = typeof s.errorVariable === 'string' ? s.errorVariable : 'error';
    add({ name, source: 'error', type: 'object', description: 'the error caught by the try step', definedAt: at, fields: ERROR_FIELDS });
  };

  let list: unknown = doc.steps;
  let listPath: (string | number)[] = ['steps'];
  let rest = path.slice(1);
  for (let depth = 0; depth <= LIMITS.jsonDepth && Array.isArray(list); depth++) {
    const index = typeof rest[0] === 'number' ? rest[0] : /^\d+$/.test(String(rest[0])) ? Number(rest[0]) : -1;
    if (index < 0) break;
    const steps = list as unknown[];
    defineDeep(stepsOf(steps, listPath, index));
    const step = steps[index];
    if (!isJsonObject(step)) break;
    const s = step as Record<string, unknown>;
    const stepPath = [...listPath, index];
    const field = rest[1];
    if (s.kind === 'set' && field === 'values' && rest.length > 2 && isJsonObject(s.values)) {
      for (const name of Object.keys(s.values as object)) {
        if (name === String(rest[2])) break;
        add({ name, source: 'set', definedAt: stepPath });
      }
      break;
    }
    if (typeof field !== 'string' || !(NESTED as readonly string[]).includes(field) || rest.length < 3) break;
    if (s.kind === 'for-each' && field === 'steps') defineStep(s, stepPath);
    if (s.kind === 'try' && field === 'catch') {
      defineDeep(stepsOf(s.steps, [...stepPath, 'steps']));
      addError(s, stepPath);
    }
    list = s[field];
    listPath = [...stepPath, field];
    rest = rest.slice(2);
  }
  return [...vars.values()];
}

function runFlowOutput(step: Record<string, unknown>, at: (string | number)[], childOutputs?: ChildOutputs): ScopeVariable {
  const name = step.output as string;
  const flowId = typeof step.flow === 'string' && !step.flow.startsWith('=') ? step.flow : undefined;
  if (step.mode === 'async') {
    return { name, source: 'output', type: 'string', description: `the execution id of the child flow${flowId ? ` '${flowId}'` : ''} (async)`, definedAt: at, childFlow: flowId };
  }
  const outputs = flowId && childOutputs ? childOutputs(flowId) : undefined;
  const fields = outputs
    ? Object.entries(outputs).map(([n, d]) => ({ name: n, type: typeof d?.type === 'string' ? d.type : undefined, description: typeof d?.description === 'string' ? d.description : undefined }))
    : undefined;
  return { name, source: 'output', type: 'object', description: `the outputs of the child flow${flowId ? ` '${flowId}'` : ''}`, definedAt: at, fields, childFlow: flowId };
}
