/**
 * Boundary check of a package file's `manifest.json`: every field is checked for type and
 * shape, and the first problem is thrown as a PackageFileError naming the field.
 */
import type { DefinitionKind } from '../model/definition';
import { INSTRUCTIONS_ENTRY, PACKAGE_FORMAT, type ManifestDefinition, type PackageManifest } from '../model/manifest';
import { isPackageName } from '../model/packageDraft';
import { isReservedName } from '../model/reservedNames';
import { isJsonObject } from '../model/jsonObject';
import { definitionEntryPath, invalidDefinitionIdReason } from './entryPaths';
import { PackageFileError } from './errors';
import { SHA256_HEX_PATTERN } from './sha256';
import { LIMITS } from '../limits';

const MANIFEST_KEYS = new Set([
  'format',
  'name',
  'version',
  'description',
  'createdAt',
  'createdBy',
  'definitions',
  'instructions',
  'authorisation',
  'schedules',
  'triggers',
  'contentDigest',
]);

function fail(field: string, message: string): never {
  throw new PackageFileError(field, message);
}

function requireString(record: Record<string, unknown>, key: string, field: string): string {
  const value = record[key];
  if (typeof value !== 'string') fail(field, `${field} must be a string (found ${describe(value)}).`);
  return value;
}

function requireSha(record: Record<string, unknown>, key: string, field: string): string {
  const value = requireString(record, key, field);
  if (!SHA256_HEX_PATTERN.test(value)) fail(field, `${field} must be a SHA-256 in lower-case hex (64 characters).`);
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return `a ${typeof value}`;
}

export function checkPackageName(name: unknown, field: string): string {
  if (typeof name === 'string' && name.length > LIMITS.nameLength) fail(field, `${field} is ${name.length} characters long; a package name has at most ${LIMITS.nameLength}.`);
  if (typeof name === 'string' && isReservedName(name)) fail(field, `${field}: '${name}' is a reserved name`);
  if (!isPackageName(name)) {
    fail(field, `${field} must be a package name of letters, digits, '-' and '_' only (found ${describe(name)}).`);
  }
  return name;
}

export function checkPackageVersion(version: unknown, field: string): number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1 || version > LIMITS.maxVersion) {
    fail(field, `${field} must be a positive integer of at most ${LIMITS.maxVersion} (found ${describe(version)}).`);
  }
  return version;
}

/** A string of at most `max` characters (checked before anything looks at its content). */
function boundedString(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') fail(field, `${field} must be a string (found ${describe(value)}).`);
  if (value.length > max) fail(field, `${field} is ${value.length} characters long; at most ${max} are accepted.`);
  return value;
}

/**
 * Whether a JSON value nests deeper than `max` or holds more than `maxNodes` values: one
 * iterative walk that stops at the first excess, so its cost is O(min(size, maxNodes)).
 */
export function jsonBoundsExceeded(value: unknown, max: number, maxNodes: number): 'depth' | 'size' | undefined {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 1 }];
  let nodes = 0;
  while (stack.length) {
    const { v, d } = stack.pop()!;
    if (++nodes > maxNodes) return 'size';
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return 'depth';
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) stack.push({ v: child, d: d + 1 });
  }
  return undefined;
}

function checkDefinitions(value: unknown): ManifestDefinition[] {
  if (!Array.isArray(value)) fail('manifest.definitions', `manifest.definitions must be an array (found ${describe(value)}).`);
  if (value.length > LIMITS.definitionsPerVersion) {
    fail('manifest.definitions', `manifest.definitions lists ${value.length} definitions; at most ${LIMITS.definitionsPerVersion} are accepted.`);
  }
  const seen = new Set<string>();
  return value.map((item, index) => {
    const field = `manifest.definitions[${index}]`;
    if (!isJsonObject(item)) fail(field, `${field} must be an object (found ${describe(item)}).`);
    for (const key of Object.keys(item)) {
      if (!['kind', 'id', 'file', 'sha256'].includes(key)) fail(`${field}.${key}`, `${field} has an unknown property '${key}'.`);
    }
    const kind = item.kind;
    if (kind !== 'flow' && kind !== 'connection') {
      fail(`${field}.kind`, `${field}.kind must be 'flow' or 'connection' (found ${describe(kind)}).`);
    }
    const id = boundedString(item.id, `${field}.id`, LIMITS.definitionIdLength);
    const badId = invalidDefinitionIdReason(kind as DefinitionKind, id);
    if (badId) fail(`${field}.id`, `${field}.id is not usable: ${badId}.`);
    const key = `${kind}:${id}`;
    if (seen.has(key)) fail(`${field}.id`, `${field} lists ${kind} "${id}" a second time.`);
    seen.add(key);
    const file = boundedString(item.file, `${field}.file`, LIMITS.definitionIdLength + 64);
    const expected = definitionEntryPath(kind as DefinitionKind, id);
    if (file !== expected) fail(`${field}.file`, `${field}.file must be "${expected}" for ${kind} "${id}" (found "${file}").`);
    const sha256 = requireSha(item, 'sha256', `${field}.sha256`);
    return { kind: kind as DefinitionKind, id, file, sha256 };
  });
}

/**
 * The manifest, checked; throws PackageFileError at the first problem. Cost bound: every list is
 * counted and every string measured against LIMITS before any per-item work (so 200,000
 * schedules are refused by one length check, not validated one by one), and schedules and
 * triggers — free JSON until the gateway checks them — are walked once, iteratively, for depth
 * and size before anything recursive (the content digest) sees them.
 */
export function checkManifest(value: unknown): PackageManifest {
  if (!isJsonObject(value)) fail('manifest', `manifest.json must hold a JSON object (found ${describe(value)}).`);
  for (const key of Object.keys(value)) {
    if (!MANIFEST_KEYS.has(key)) fail(`manifest.${key.slice(0, 100)}`, `manifest.json has an unknown property '${key.slice(0, 100)}'.`);
  }
  const limits: [string, number, string][] = [
    ['definitions', LIMITS.definitionsPerVersion, 'definitions'],
    ['schedules', LIMITS.schedulesPerVersion, 'schedules'],
    ['triggers', LIMITS.triggersPerVersion, 'triggers'],
  ];
  for (const [key, max, what] of limits) {
    const list = value[key];
    if (Array.isArray(list) && list.length > max) fail(`manifest.${key}`, `manifest.${key} lists ${list.length} ${what}; at most ${max} are accepted per package version.`);
  }
  for (const key of ['schedules', 'triggers'] as const) {
    const list = value[key];
    if (!Array.isArray(list)) continue;
    // Per item: a schedule or trigger is a small record (its inputs at most LIMITS.objectKeys values).
    const exceeded = jsonBoundsExceeded(list, LIMITS.jsonDepth, list.length * (LIMITS.objectKeys + 64) + 1);
    if (exceeded) {
      fail(`manifest.${key}`, exceeded === 'depth' ? `manifest.${key} nests deeper than ${LIMITS.jsonDepth} levels.` : `manifest.${key} holds too many values.`);
    }
  }
  if (value.format !== PACKAGE_FORMAT) {
    fail('manifest.format', `manifest.format must be "${PACKAGE_FORMAT}" (found ${describe(value.format)}); this is not a Flowgate package file or it is from a newer version.`);
  }
  const name = checkPackageName(value.name, 'manifest.name');
  const version = checkPackageVersion(value.version, 'manifest.version');
  if (value.description !== undefined) boundedString(value.description, 'manifest.description', LIMITS.textLength);
  const createdAt = boundedString(value.createdAt, 'manifest.createdAt', LIMITS.shortStringLength);
  if (Number.isNaN(Date.parse(createdAt))) fail('manifest.createdAt', 'manifest.createdAt must be an ISO date and time.');
  const createdBy = boundedString(value.createdBy, 'manifest.createdBy', LIMITS.shortStringLength);
  if (createdBy.trim() === '') fail('manifest.createdBy', 'manifest.createdBy must not be empty.');
  const definitions = checkDefinitions(value.definitions);

  const instructions = value.instructions;
  if (!isJsonObject(instructions)) fail('manifest.instructions', `manifest.instructions must be an object (found ${describe(instructions)}).`);
  if (instructions.file !== INSTRUCTIONS_ENTRY) {
    fail('manifest.instructions.file', `manifest.instructions.file must be "${INSTRUCTIONS_ENTRY}" (found ${describe(instructions.file)}).`);
  }
  const instructionsSha = requireSha(instructions, 'sha256', 'manifest.instructions.sha256');

  const authorisation = value.authorisation;
  if (isJsonObject(authorisation) && Array.isArray(authorisation.groups) && authorisation.groups.length > LIMITS.authorisationGroups) {
    fail('manifest.authorisation.groups', `manifest.authorisation.groups lists ${authorisation.groups.length} groups; at most ${LIMITS.authorisationGroups} are accepted.`);
  }
  if (!isJsonObject(authorisation) || !Array.isArray(authorisation.groups) || authorisation.groups.some((g) => typeof g !== 'string' || g === '')) {
    fail('manifest.authorisation', 'manifest.authorisation must be {"groups": [...]} with non-empty group names.');
  }
  (authorisation.groups as string[]).forEach((g, i) => boundedString(g, `manifest.authorisation.groups[${i}]`, LIMITS.shortStringLength));
  for (const key of ['schedules', 'triggers'] as const) {
    const list = value[key];
    if (!Array.isArray(list) || list.some((item) => !isJsonObject(item))) {
      fail(`manifest.${key}`, `manifest.${key} must be an array of objects (found ${describe(list)}).`);
    }
  }
  const contentDigest = requireSha(value, 'contentDigest', 'manifest.contentDigest');

  return {
    format: PACKAGE_FORMAT,
    name,
    version,
    ...(value.description !== undefined ? { description: value.description as string } : {}),
    createdAt,
    createdBy,
    definitions,
    instructions: { file: INSTRUCTIONS_ENTRY, sha256: instructionsSha },
    authorisation: { groups: [...(authorisation.groups as string[])] },
    schedules: value.schedules as unknown[],
    triggers: value.triggers as unknown[],
    contentDigest,
  };
}
