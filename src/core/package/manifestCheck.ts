/**
 * Boundary check of a package file's `manifest.json`: every field is checked for type and
 * shape, and the first problem is thrown as a PackageFileError naming the field.
 */
import type { DefinitionKind } from '../model/definition';
import { INSTRUCTIONS_ENTRY, PACKAGE_FORMAT, type ManifestDefinition, type PackageManifest } from '../model/manifest';
import { PACKAGE_NAME_PATTERN } from '../model/packageDraft';
import { definitionEntryPath, invalidDefinitionIdReason } from './entryPaths';
import { PackageFileError } from './errors';
import { SHA256_HEX_PATTERN } from './sha256';

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
  if (typeof name !== 'string' || !PACKAGE_NAME_PATTERN.test(name)) {
    fail(field, `${field} must be a package name of letters, digits, '-' and '_' only (found ${describe(name)}).`);
  }
  return name;
}

export function checkPackageVersion(version: unknown, field: string): number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    fail(field, `${field} must be a positive integer (found ${describe(version)}).`);
  }
  return version;
}

function checkDefinitions(value: unknown): ManifestDefinition[] {
  if (!Array.isArray(value)) fail('manifest.definitions', `manifest.definitions must be an array (found ${describe(value)}).`);
  const seen = new Set<string>();
  return value.map((item, index) => {
    const field = `manifest.definitions[${index}]`;
    if (!isRecord(item)) fail(field, `${field} must be an object (found ${describe(item)}).`);
    for (const key of Object.keys(item)) {
      if (!['kind', 'id', 'file', 'sha256'].includes(key)) fail(`${field}.${key}`, `${field} has an unknown property '${key}'.`);
    }
    const kind = item.kind;
    if (kind !== 'flow' && kind !== 'connection') {
      fail(`${field}.kind`, `${field}.kind must be 'flow' or 'connection' (found ${describe(kind)}).`);
    }
    const id = requireString(item, 'id', `${field}.id`);
    const badId = invalidDefinitionIdReason(kind as DefinitionKind, id);
    if (badId) fail(`${field}.id`, `${field}.id is not usable: ${badId}.`);
    const key = `${kind}:${id}`;
    if (seen.has(key)) fail(`${field}.id`, `${field} lists ${kind} "${id}" a second time.`);
    seen.add(key);
    const file = requireString(item, 'file', `${field}.file`);
    const expected = definitionEntryPath(kind as DefinitionKind, id);
    if (file !== expected) fail(`${field}.file`, `${field}.file must be "${expected}" for ${kind} "${id}" (found "${file}").`);
    const sha256 = requireSha(item, 'sha256', `${field}.sha256`);
    return { kind: kind as DefinitionKind, id, file, sha256 };
  });
}

/** The manifest, checked; throws PackageFileError at the first problem. */
export function checkManifest(value: unknown): PackageManifest {
  if (!isRecord(value)) fail('manifest', `manifest.json must hold a JSON object (found ${describe(value)}).`);
  for (const key of Object.keys(value)) {
    if (!MANIFEST_KEYS.has(key)) fail(`manifest.${key}`, `manifest.json has an unknown property '${key}'.`);
  }
  if (value.format !== PACKAGE_FORMAT) {
    fail('manifest.format', `manifest.format must be "${PACKAGE_FORMAT}" (found ${describe(value.format)}); this is not a Flowgate package file or it is from a newer version.`);
  }
  const name = checkPackageName(value.name, 'manifest.name');
  const version = checkPackageVersion(value.version, 'manifest.version');
  if (value.description !== undefined && typeof value.description !== 'string') {
    fail('manifest.description', `manifest.description must be a string (found ${describe(value.description)}).`);
  }
  const createdAt = requireString(value, 'createdAt', 'manifest.createdAt');
  if (Number.isNaN(Date.parse(createdAt))) fail('manifest.createdAt', 'manifest.createdAt must be an ISO date and time.');
  const createdBy = requireString(value, 'createdBy', 'manifest.createdBy');
  if (createdBy.trim() === '') fail('manifest.createdBy', 'manifest.createdBy must not be empty.');
  const definitions = checkDefinitions(value.definitions);

  const instructions = value.instructions;
  if (!isRecord(instructions)) fail('manifest.instructions', `manifest.instructions must be an object (found ${describe(instructions)}).`);
  if (instructions.file !== INSTRUCTIONS_ENTRY) {
    fail('manifest.instructions.file', `manifest.instructions.file must be "${INSTRUCTIONS_ENTRY}" (found ${describe(instructions.file)}).`);
  }
  const instructionsSha = requireSha(instructions, 'sha256', 'manifest.instructions.sha256');

  const authorisation = value.authorisation;
  if (!isRecord(authorisation) || !Array.isArray(authorisation.groups) || authorisation.groups.some((g) => typeof g !== 'string' || g === '')) {
    fail('manifest.authorisation', 'manifest.authorisation must be {"groups": [...]} with non-empty group names.');
  }
  for (const key of ['schedules', 'triggers'] as const) {
    const list = value[key];
    if (!Array.isArray(list) || list.some((item) => !isRecord(item))) {
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
