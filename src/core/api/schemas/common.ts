/**
 * Building blocks of the API schemas: every string, array, object and number carries a bound from
 * LIMITS, so a schema is also the list of limits a caller meets at the boundary.
 *
 * Why TypeBox: a TypeBox schema is a value that IS JSON Schema, so one declaration gives the runtime
 * validator (ajv compiles it as it is), the TypeScript type (`Static<typeof X>`) and the served
 * OpenAPI document. Ajv's `JSONSchemaType<T>` would need the type written by hand beside it.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { NO_CONTROL_CHARS } from '../../model/controlChars';
import { PACKAGE_NAME_SOURCE } from '../../model/packageDraft';

/** Equal<A, B> is true only when A and B are the same type (used to tie model types to schemas). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Fails to compile unless its argument is `true`. */
export const assertType = <T extends true>(_ok?: T): void => undefined;

export { NO_CONTROL_CHARS };

/** A bounded string; `max` defaults to LIMITS.shortStringLength. */
export const Str = (opts: { max?: number; min?: number; pattern?: string; description?: string; format?: string } = {}) =>
  Type.String({
    maxLength: opts.max ?? LIMITS.shortStringLength,
    ...(opts.min !== undefined ? { minLength: opts.min } : {}),
    ...(opts.pattern ? { pattern: opts.pattern } : {}),
    ...(opts.format ? { format: opts.format } : {}),
    ...(opts.description ? { description: opts.description } : {}),
  });

/** Free text: descriptions, messages. */
export const Text = (description?: string) => Str({ max: LIMITS.textLength, ...(description ? { description } : {}) });
/** An ISO instant. */
export const Instant = (description?: string) => Str({ max: 64, format: 'date-time', ...(description ? { description } : {}) });
/** A bounded list. */
export const List = <T extends TSchema>(items: T, max: number, opts: { min?: number; description?: string } = {}) =>
  Type.Array(items, { maxItems: max, ...(opts.min !== undefined ? { minItems: opts.min } : {}), ...(opts.description ? { description: opts.description } : {}) });
/** A free-form JSON object (flow inputs and outputs): bounded key count; depth is checked on the raw body. */
export const JsonObject = (description?: string) =>
  Type.Record(Type.String({ maxLength: LIMITS.shortStringLength }), Type.Unknown(), {
    maxProperties: LIMITS.objectKeys,
    ...(description ? { description } : {}),
  });
export const Int = (min: number, max: number, description?: string) =>
  Type.Integer({ minimum: min, maximum: max, ...(description ? { description } : {}) });

/** Package names: core's one rule (src/core/model/packageDraft.ts, `isPackageName`). */
export const PackageName = Str({ min: 1, max: LIMITS.nameLength, pattern: PACKAGE_NAME_SOURCE, description: 'Package name: letters, digits, - and _' });
export const Version = Int(1, LIMITS.maxVersion, 'Package version');
export const DefinitionKind = Type.Union([Type.Literal('flow'), Type.Literal('connection')]);
/** A definition id: `network/core/Restart-Service`. */
export const DefinitionId = Str({ min: 1, max: LIMITS.definitionIdLength, pattern: NO_CONTROL_CHARS, description: 'Definition id: folders and name' });
export const Sha256 = Str({ max: 64, pattern: '^[0-9a-f]{64}$' });
/** Execution, schedule and trigger ids. */
export const Id = Str({ min: 1, max: LIMITS.shortStringLength, pattern: NO_CONTROL_CHARS });
/** A name a person gives (schedules, triggers): no control characters. */
export const Name = (max: number = LIMITS.nameLength) => Str({ min: 1, max, pattern: NO_CONTROL_CHARS });
/** One of these strings (a union of literals: `enum` in the document). */
export const Enum = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {});
