/** Checking a flow's input variables against its declarations, and applying defaults. */
import type { ApiErrorDetail } from '../../core/api/types';
import type { ValueType, VariableDeclaration } from '../../core/model/flow';

/** An input is required unless it has a default or `required: false`. */
export function isRequired(d: VariableDeclaration): boolean {
  return d.default === undefined && d.required !== false;
}

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function matchesType(value: unknown, type: ValueType): boolean {
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
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    default:
      return false;
  }
}

export interface InputCheck {
  values: Record<string, unknown>;
  /** One entry per bad input, `field` = `<prefix><name>`. Empty when the inputs are valid. */
  problems: ApiErrorDetail[];
}

/**
 * Missing required, undeclared (extra) and wrongly typed inputs are reported, each once; declared
 * inputs that were not given get their default.
 */
export function checkInputs(
  decls: Record<string, VariableDeclaration> | undefined,
  given: Record<string, unknown>,
  prefix = 'inputVariables.',
): InputCheck {
  const declared = decls ?? {};
  const problems: ApiErrorDetail[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(declared)) {
    const has = Object.prototype.hasOwnProperty.call(given, name) && given[name] !== undefined;
    if (!has) {
      if (d.default !== undefined) values[name] = structuredClone(d.default);
      else if (isRequired(d)) problems.push({ field: prefix + name, message: `missing required input '${name}' (${d.type})` });
      continue;
    }
    const v = given[name];
    if (!matchesType(v, d.type)) {
      problems.push({ field: prefix + name, message: `input '${name}' must be of type ${d.type}, got ${typeOf(v)}` });
      continue;
    }
    values[name] = v;
  }
  for (const name of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(declared, name)) {
      const known = Object.keys(declared);
      problems.push({
        field: prefix + name,
        message: `unknown input '${name}' (the flow declares ${known.length ? known.join(', ') : 'no inputs'})`,
      });
    }
  }
  return { values, problems };
}
