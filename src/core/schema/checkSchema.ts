/**
 * Schema checks for the three workspace file formats, with messages a person can act on.
 * One ajv instance, each schema compiled once.
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import flowSchema from './flow.schema.json';
import connectionSchema from './connection.schema.json';
import packageSchema from './package.schema.json';
import { STEP_KINDS } from '../model/flow';
import { closestMatch } from './closestMatch';
import { valueAt } from '../model/valueAt';

export type SchemaKind = 'flow' | 'connection' | 'package';

export interface SchemaProblem {
  /** JSON path of the value the problem is about (for a missing property: the object missing it). */
  path: (string | number)[];
  message: string;
  /**
   * Where to show it: `'key'` for a property that is not allowed or a missing property (the
   * key of the object missing it), `'value'` otherwise. Optional; `'value'` when absent.
   */
  part?: 'key' | 'value';
}

export const SCHEMAS = {
  flow: flowSchema,
  connection: connectionSchema,
  package: packageSchema,
} as const;

let compiled: Record<SchemaKind, ValidateFunction> | undefined;

function validators(): Record<SchemaKind, ValidateFunction> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    // `errorMessage` holds the human message for a pattern / alternatives; VS Code's JSON and
    // YAML tooling also show it.
    ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
    compiled = {
      flow: ajv.compile(flowSchema),
      connection: ajv.compile(connectionSchema),
      package: ajv.compile(packageSchema),
    };
  }
  return compiled;
}

/** Checks `value` against the schema of `kind`. An empty array means valid. */
export function checkSchema(kind: SchemaKind, value: unknown): SchemaProblem[] {
  const validate = validators()[kind];
  if (validate(value)) return [];
  // Bounded: a file can hold ~30,000 keys (parseYaml), each of which could be an error; a person
  // reads the first ones, and each problem is later placed in the text (a walk per problem).
  return toProblems(kind, value, (validate.errors ?? []).slice(0, MAX_ERRORS_READ)).slice(0, MAX_PROBLEMS);
}

/** Schema errors turned into problems, and problems returned, per check. */
export const MAX_ERRORS_READ = 1000;
export const MAX_PROBLEMS = 100;

function toProblems(kind: SchemaKind, root: unknown, errors: ErrorObject[]): SchemaProblem[] {
  // Alternatives (anyOf/oneOf) explain themselves with one message; drop their branches' noise.
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const isBranchNoise = (e: ErrorObject) =>
    alternatives.some((a) => a !== e && e.schemaPath.startsWith(a.schemaPath + '/') && e.instancePath.startsWith(a.instancePath));

  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const push = (p: SchemaProblem) => {
    const key = JSON.stringify([p.path, p.message]);
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(p);
  };

  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    if (isBranchNoise(e)) continue;
    const path = pointerToPath(e.instancePath, root);
    const custom = typeof e.parentSchema?.errorMessage === 'string' ? (e.parentSchema.errorMessage as string) : undefined;
    const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
    if (propertyName !== undefined) {
      push({ path: [...path, propertyName], part: 'key', message: `'${propertyName}': ${custom ?? e.message ?? 'is not a valid name'}` });
      continue;
    }
    const value = valueAt(root, path);
    const field = describe(path);
    switch (e.keyword) {
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        const isStep = kind === 'flow' && isStepPath(path);
        if (isStep && missing === 'kind') {
          push({ path, part: 'key', message: `step is missing 'kind' (one of: ${STEP_KINDS.join(', ')})` });
        } else if (isStep) {
          const stepKind = (value as { kind?: unknown })?.kind;
          push({ path, part: 'key', message: `missing required property '${missing}' in '${String(stepKind)}' step` });
        } else {
          push({ path, part: 'key', message: `missing required property '${missing}'${path.length ? ` in ${field}` : ''}` });
        }
        break;
      }
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
        const near = closestMatch(extra, allowed);
        const where =
          kind === 'flow' && isStepPath(path) ? ` in a '${String((value as { kind?: unknown })?.kind)}' step` : path.length ? ` in ${field}` : '';
        const hint = near ? ` (did you mean '${near}'?)` : allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
        push({ path: [...path, extra], part: 'key', message: `property '${extra}' is not allowed${where}${hint}` });
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
        if (kind === 'flow' && path[path.length - 1] === 'kind' && isStepPath(path.slice(0, -1))) {
          push({
            path,
            message:
              value === null || value === undefined || value === ''
                ? `step kind is empty; expected one of: ${allowed.join(', ')}`
                : `unknown step kind ${quote(value)}; expected one of: ${allowed.join(', ')}`,
          });
        } else {
          const near = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
          push({
            path,
            message: `${field} must be one of: ${allowed.join(', ')} (got ${quote(value)})${near ? `; did you mean '${near}'?` : ''}`,
          });
        }
        break;
      }
      case 'const':
        push({ path, message: `${field} must be ${quote((e.params as { allowedValue: unknown }).allowedValue)}` });
        break;
      case 'type': {
        const expected = String((e.params as { type: string }).type).split(',');
        if (path.length === 0) {
          push({
            path,
            message:
              root === null || root === undefined
                ? `the file is empty; expected a ${kind === 'package' ? 'package draft' : kind} (a YAML mapping of key: value pairs)`
                : 'the file must be a YAML mapping (key: value pairs)',
          });
        } else {
          push({ path, message: `${field} must be ${expected.map(typeName).join(' or ')} (got ${jsonType(value)})` });
        }
        break;
      }
      case 'anyOf':
      case 'oneOf':
        push({ path, part: path.length && isStepPath(path) ? 'key' : 'value', message: `${isStepPath(path) && kind === 'flow' ? `'${String((value as { kind?: unknown })?.kind)}' step` : field} ${custom ?? 'does not match any allowed form'}` });
        break;
      case 'pattern':
        push({ path, message: `${field} ${custom ?? `must match the pattern ${(e.params as { pattern: string }).pattern}`} (got ${quote(value)})` });
        break;
      case 'minimum':
      case 'exclusiveMinimum':
      case 'maximum':
      case 'exclusiveMaximum': {
        const p = e.params as { comparison: string; limit: number };
        push({ path, message: `${field} must be ${p.comparison} ${p.limit} (got ${quote(value)})` });
        break;
      }
      case 'minLength':
        push({ path, message: `${field} must not be empty` });
        break;
      default:
        push({ path, message: `${field} ${custom ?? e.message ?? 'is not valid'}` });
    }
  }
  return problems;
}

function isStepPath(path: (string | number)[]): boolean {
  if (path.length < 2 || typeof path[path.length - 1] !== 'number') return false;
  const list = path[path.length - 2];
  return list === 'steps' || list === 'then' || list === 'else' || list === 'catch';
}

function describe(path: (string | number)[]): string {
  if (path.length === 0) return 'the document';
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const parent = path.length > 1 ? String(path[path.length - 2]) : 'list';
    return `'${parent}[${last}]'`;
  }
  return `'${last}'`;
}

function typeName(t: string): string {
  switch (t) {
    case 'object':
      return 'a mapping (key: value)';
    case 'array':
      return 'a list';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'empty';
    default:
      return t;
  }
}

function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  if (typeof v === 'string') return `the string ${quote(v)}`;
  return String(v);
}

function quote(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 60 ? v.slice(0, 57) + '...' : v}'`;
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'object') return Array.isArray(v) ? 'a list' : 'a mapping';
  return String(v);
}

/** `/steps/0/kind` → ['steps', 0, 'kind'], numbers only where the parent is an array. */
export function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  if (!pointer) return [];
  const out: (string | number)[] = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

