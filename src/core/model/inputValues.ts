/**
 * Values for a flow's inputs, checked against its declarations. One rule set for every place
 * that supplies inputs: starting an execution, a schedule's and a trigger's input values, and a
 * run-flow step's literal inputs — so what VS Code accepts, the gateway accepts.
 */
import type { ApiErrorDetail } from '../api/types';
import { isJsonObject } from './jsonObject';

/** What the checks need of a declaration (a VariableDeclaration or a FlowSignature input fits). */
export interface InputDeclarationLike {
  type: string;
  required?: boolean;
  default?: unknown;
}

/** The type of a value in the words of ValueType (`integer` for whole numbers, `null`). */
export function valueTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether `value` is of the declared `type` (an integer is also a number). */
export function matchesValueType(value: unknown, type: string): boolean {
  switch (type) {
    case 'any':
      return value !== undefined;
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isJsonObject(value);
    case 'array':
      return Array.isArray(value);
    default:
      return false;
  }
}

/** An input is required unless it has a default or `required: false`. */
export function isRequiredInput(d: InputDeclarationLike): boolean {
  return d.default === undefined && d.required !== false;
}

export interface InputCheckOptions {
  /** Prepended to each input name in `field` (default `inputs.`). */
  prefix?: string;
  /** Named in messages: `flow 'network/core/X' declares …`. */
  flowId?: string;
  /** Inputs supplied another way and so not missing (a trigger's PDU variable). */
  provided?: readonly string[];
}

/** Missing required, undeclared and wrongly typed inputs of `given`, one problem each (field `<prefix><name>`). */
export function inputProblems(
  declared: Record<string, InputDeclarationLike>,
  given: Record<string, unknown>,
  options: InputCheckOptions = {},
): ApiErrorDetail[] {
  const prefix = options.prefix ?? 'inputs.';
  const provided = new Set(options.provided ?? []);
  const problems: ApiErrorDetail[] = [];
  const has = (name: string) => Object.prototype.hasOwnProperty.call(given, name) && given[name] !== undefined;
  for (const [name, d] of Object.entries(declared)) {
    if (!has(name)) {
      if (isRequiredInput(d) && !provided.has(name)) {
        problems.push({ field: prefix + name, message: `missing required input '${name}' (${d.type})` });
      }
    } else if (!matchesValueType(given[name], d.type)) {
      problems.push({ field: prefix + name, message: `input '${name}' must be of type ${d.type}, got ${valueTypeOf(given[name])}` });
    }
  }
  const known = Object.keys(declared);
  const who = options.flowId ? `flow '${options.flowId}'` : 'the flow';
  for (const name of Object.keys(given)) {
    if (Object.prototype.hasOwnProperty.call(declared, name)) continue;
    problems.push({
      field: prefix + name,
      message: `unknown input '${name}' (${who} declares ${known.length ? known.join(', ') : 'no inputs'})`,
    });
  }
  return problems;
}
