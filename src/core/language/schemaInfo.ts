/**
 * What the JSON Schemas of the workspace files (src/core/schema) allow at a path: the keys a
 * mapping may have and the values an enum allows. Completion offers exactly these, so it never
 * proposes what validation refuses. A step's schema is chosen by its `kind`, as the schema's own
 * `if`/`then` branches do.
 */
import { SCHEMAS, type SchemaKind } from '../schema/checkSchema';
import { valueAt } from '../model/valueAt';
import { isJsonObject } from '../model/jsonObject';

type Schema = Record<string, unknown>;

function resolveRef(root: Schema, s: unknown): Schema | undefined {
  let schema = s as Schema | undefined;
  for (let i = 0; i < 16 && schema && typeof schema.$ref === 'string'; i++) {
    const ref = schema.$ref as string;
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) node = isJsonObject(node) ? (node as Schema)[part] : undefined;
    schema = node as Schema | undefined;
  }
  return isJsonObject(schema) ? schema : undefined;
}

/** A schema with `allOf: [{ if: {properties: {kind: {const}}}, then }]` narrowed by the value's kind. */
function narrow(root: Schema, schema: Schema, value: unknown): Schema {
  if (!Array.isArray(schema.allOf) || !isJsonObject(value)) return schema;
  const kind = (value as Record<string, unknown>).kind;
  for (const branch of schema.allOf as Schema[]) {
    const cond = (branch.if as Schema | undefined)?.properties as Record<string, Schema> | undefined;
    if (cond?.kind && cond.kind.const === kind) {
      const then = resolveRef(root, branch.then);
      if (then) return then;
    }
  }
  return schema;
}

/**
 * The schema of the value at `path` of a `kind` file whose parsed value is `doc` (undefined when
 * the schema says nothing there). Free-form values (`additionalProperties: true`, `{}`) give `{}`.
 */
export function schemaAt(kind: SchemaKind, doc: unknown, path: readonly (string | number)[]): Schema | undefined {
  const root = SCHEMAS[kind] as unknown as Schema;
  let schema: Schema | undefined = root;
  for (let i = 0; i <= path.length && schema; i++) {
    schema = resolveRef(root, schema);
    if (!schema) return undefined;
    schema = narrow(root, schema, valueAt(doc, path.slice(0, i) as (string | number)[]));
    if (i === path.length) break;
    const seg = path[i];
    if (typeof seg === 'number' || /^\d+$/.test(String(seg))) {
      if (schema.items !== undefined) {
        schema = schema.items as Schema;
        continue;
      }
    }
    const props = schema.properties as Record<string, Schema> | undefined;
    if (props && Object.prototype.hasOwnProperty.call(props, String(seg))) schema = props[String(seg)];
    else if (isJsonObject(schema.additionalProperties)) schema = schema.additionalProperties as Schema;
    else if (schema.additionalProperties === false) return undefined;
    else return {};
  }
  return schema ? resolveRef(root, schema) : undefined;
}

export interface KeyInfo {
  name: string;
  description?: string;
  required: boolean;
}

/** The keys the schema names for the mapping at `path` (empty for free-form mappings). */
export function keysAt(kind: SchemaKind, doc: unknown, path: readonly (string | number)[]): KeyInfo[] {
  const schema = schemaAt(kind, doc, path);
  const props = schema?.properties as Record<string, Schema> | undefined;
  if (!props) return [];
  const required = new Set(Array.isArray(schema!.required) ? (schema!.required as string[]) : []);
  const root = SCHEMAS[kind] as unknown as Schema;
  return Object.entries(props).map(([name, s]) => {
    const r = resolveRef(root, s);
    return { name, description: typeof r?.description === 'string' ? r.description : undefined, required: required.has(name) };
  });
}

/** The values an enum (or const) at `path` allows; [] when the value is free. */
export function enumAt(kind: SchemaKind, doc: unknown, path: readonly (string | number)[]): string[] {
  const schema = schemaAt(kind, doc, path);
  if (!schema) return [];
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).filter((v): v is string => typeof v === 'string');
  if (typeof schema.const === 'string') return [schema.const];
  return [];
}

/** Whether the schema at `path` describes a mapping (so an empty value there is a mapping being written). */
export function isObjectAt(kind: SchemaKind, doc: unknown, path: readonly (string | number)[]): boolean {
  const schema = schemaAt(kind, doc, path);
  return !!schema && (schema.type === 'object' || isJsonObject(schema.properties));
}
