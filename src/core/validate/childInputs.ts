/**
 * run-flow steps against the child flow's declared inputs: a gateway refuses (400) an execution
 * with an undeclared, missing or wrongly typed input, so say so while the flow is being written.
 */
import type { Diagnostic } from '../model/diagnostic';
import type { FlowDefinition, ValueType, VariableDeclaration } from '../model/flow';
import type { Reference } from '../model/definition';
import { isRequiredInput, valueTypeOf } from '../model/inputValues';
import { valueAt } from '../model/valueAt';
import { isJsonObject } from '../model/jsonObject';

export interface ChildInputProblem {
  severity: Diagnostic['severity'];
  code: 'unknown-input' | 'missing-input' | 'input-type';
  message: string;
  path: (string | number)[];
  part: 'key' | 'value';
  /** The input names concerned. */
  inputs: string[];
}

/** Problems of one run-flow reference (`ref.path` ends with `'flow'`) against the child flow. */
export function checkChildInputs(parent: unknown, ref: Reference, child: FlowDefinition): ChildInputProblem[] {
  const stepPath = ref.path.slice(0, -1);
  const step = valueAt(parent, stepPath) as { inputs?: unknown } | undefined;
  if (!step || typeof step !== 'object') return [];
  const given = isJsonObject(step.inputs) ? step.inputs : {};
  const declared: Record<string, VariableDeclaration> = child.flow.inputs ?? {};
  const out: ChildInputProblem[] = [];
  const names = Object.keys(declared);
  for (const [name, value] of Object.entries(given)) {
    const decl = declared[name];
    if (!decl) {
      out.push({
        severity: 'error',
        code: 'unknown-input',
        message: `flow '${child.id}' has no input '${name}'${names.length ? ` (its inputs: ${names.join(', ')})` : ' (it declares no inputs)'}`,
        path: [...stepPath, 'inputs', name],
        part: 'key',
        inputs: [name],
      });
      continue;
    }
    const wrong = literalTypeMismatch(decl.type, value);
    if (wrong) {
      out.push({
        severity: 'error',
        code: 'input-type',
        message: `input '${name}' of flow '${child.id}' must be ${article(decl.type)}, not ${wrong}`,
        path: [...stepPath, 'inputs', name],
        part: 'value',
        inputs: [name],
      });
    }
  }
  const missing = names.filter((n) => isRequiredInput(declared[n]) && !(n in given));
  if (missing.length) {
    out.push({
      severity: 'error',
      code: 'missing-input',
      message: `flow '${child.id}' needs input${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')}`,
      path: 'inputs' in (step as object) ? [...stepPath, 'inputs'] : ref.path,
      part: 'inputs' in (step as object) ? 'key' : 'value',
      inputs: missing,
    });
  }
  return out;
}

/** For a literal (not an expression), a description of its type when it does not fit `type`. */
function literalTypeMismatch(type: ValueType, value: unknown): string | undefined {
  if (type === 'any') return undefined;
  if (typeof value === 'string' && value.startsWith('=') && !value.startsWith('==')) return undefined;
  const actual = valueTypeOf(value);
  const fits =
    (type === 'number' && (actual === 'number' || actual === 'integer')) ||
    (type === 'integer' && actual === 'integer') ||
    (type === actual);
  if (fits) return undefined;
  return actual === 'null' ? 'empty' : article(actual === 'integer' ? 'number' : (actual as ValueType));
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

