/**
 * Package files (`.fgpkg`): build one from definition texts, and read one back with every part
 * checked at the boundary. The format is described in `model/manifest.ts`.
 *
 * Building is deterministic: the same input (with the same `createdAt`) gives the same bytes —
 * entries in a fixed order, a fixed zip timestamp, a fixed manifest layout.
 */
import { crc32 } from 'node:zlib';
import JSZip from 'jszip';
import type { ConnectionDefinition } from '../model/connection';
import type { DefinitionKind } from '../model/definition';
import type { Diagnostic } from '../model/diagnostic';
import type { FlowDefinition } from '../model/flow';
import {
  INSTRUCTIONS_ENTRY,
  MANIFEST_ENTRY,
  PACKAGE_FORMAT,
  type ManifestDefinition,
  type PackageManifest,
} from '../model/manifest';
import { parseWorkspaceFile } from '../workspace/parseFile';
import { canonicalJson } from './canonicalJson';
import { definitionEntryPath, invalidDefinitionIdReason, workspacePathOf } from './entryPaths';
import { entryField, PackageFileError } from './errors';
import { checkManifest, checkPackageName, checkPackageVersion } from './manifestCheck';
import { sha256Hex } from './sha256';
import { readZipDirectory } from './zipDirectory';
import { LIMITS } from '../limits';
import { yamlCost } from '../yaml/parseYaml';
import { isDirectoryEntryName, unsafeEntryNameReason } from './zipPath';
import { SIGNATURE_ENTRY, verifyManifestSignature } from './signature';

export { PackageFileError } from './errors';

/** Limits that keep a hostile file (a "zip bomb") from exhausting memory. */
export const MAX_PACKAGE_ENTRIES = 5_000;
export const MAX_PACKAGE_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;

/** Every entry gets this timestamp, so that equal input gives equal bytes. */
const ZIP_ENTRY_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

export interface DefinitionSource {
  kind: DefinitionKind;
  id: string;
  /** The file's text exactly as it goes into the package. */
  text: string;
}

export interface PackageBuildInput {
  name: string;
  version: number;
  description?: string;
  createdBy: string;
  /** ISO date and time; defaults to now. Give it to get reproducible bytes. */
  createdAt?: string;
  definitions: DefinitionSource[];
  instructions?: string;
  authorisation?: { groups: string[] };
  schedules?: unknown[];
  triggers?: unknown[];
}

export interface PackageContents {
  manifest: PackageManifest;
  flows: FlowDefinition[];
  connections: ConnectionDefinition[];
  /** The definitions' texts, in manifest order — the same shape `buildPackageFile` takes. */
  sources: DefinitionSource[];
  instructions: string;
  /** Every file entry of the zip (directories left out), by entry name. */
  entries: Map<string, Uint8Array>;
  /** The verified signer's key id (only when `verifySignature` was given and the file is signed). */
  signer?: string;
  /** True when the file carries a signature entry (verified or not, see `signer`). */
  signed: boolean;
}

export interface ReadPackageOptions {
  maxEntries?: number;
  maxUncompressedBytes?: number;
  /**
   * Entry names accepted besides the manifest and the listed entries (e.g. a signature added
   * by a later format revision). They are returned in `entries` and not otherwise checked.
   */
  extraEntries?: readonly string[];
  /**
   * Verify the file's signature (signature.ts) before the manifest is even parsed: a signed file
   * whose signer is not trusted, or whose signature does not match, is refused; with `required`, so
   * is an unsigned file. Without this option a signature entry is allowed and not checked.
   */
  verifySignature?: { isTrusted: (kid: string) => boolean; required?: boolean };
}

/** What the content digest covers: the package's content, not who built it or when. */
export type ContentDigestInput = Pick<PackageManifest, 'name' | 'version' | 'authorisation' | 'schedules' | 'triggers'> & {
  definitions: Pick<ManifestDefinition, 'kind' | 'id' | 'sha256'>[];
  instructions: { sha256: string };
};

/** `52428800` → `50 MB (52428800 bytes)`. */
function sizeText(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB (${bytes} bytes)`;
}

function compareKeys(a: { kind: DefinitionKind; id: string }, b: { kind: DefinitionKind; id: string }): number {
  // Flows before connections, then by id in code-unit order (never locale-dependent).
  if (a.kind !== b.kind) return a.kind === 'flow' ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * SHA-256 (hex) over the canonical JSON of name, version, the definitions' kind/id/sha256
 * sorted by kind and id, the instructions' hash, authorisation (groups sorted, without
 * duplicates), schedules and triggers. createdAt, createdBy and description are left out.
 */
export function computeContentDigest(manifest: ContentDigestInput): string {
  const canonical = {
    name: manifest.name,
    version: manifest.version,
    definitions: manifest.definitions
      .map(({ kind, id, sha256 }) => ({ kind, id, sha256 }))
      .sort(compareKeys),
    instructions: manifest.instructions.sha256,
    authorisation: { groups: normaliseGroups(manifest.authorisation.groups) },
    schedules: manifest.schedules,
    triggers: manifest.triggers,
  };
  return sha256Hex(canonicalJson(canonical));
}

function normaliseGroups(groups: string[]): string[] {
  return [...new Set(groups)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function errorsOf(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

function describeDiagnostics(errors: Diagnostic[]): string {
  const first = errors[0];
  const where = first.range ? `line ${first.range.start.line + 1}: ` : '';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `${where}${first.message}${more}`;
}

/** Parses a definition text as the workspace would; throws when it has errors. */
function parseDefinition(kind: DefinitionKind, id: string, text: string, field: string): FlowDefinition | ConnectionDefinition {
  const parsed = parseWorkspaceFile(workspacePathOf(kind, id), text);
  const errors = errorsOf(parsed.diagnostics);
  if (errors.length > 0) {
    const label = kind === 'flow' ? 'Flow' : 'Connection';
    throw new PackageFileError(field, `${label} "${id}" is not valid: ${describeDiagnostics(errors)}.`, errors);
  }
  const definition = parsed.definition;
  if (!definition || definition.kind !== kind || definition.id !== id) {
    throw new PackageFileError(field, `${kind === 'flow' ? 'Flow' : 'Connection'} "${id}" could not be read as a ${kind}.`);
  }
  return definition;
}

function checkJsonRecords(list: unknown, field: string): unknown[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new PackageFileError(field, `${field} must be an array.`);
  return list.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new PackageFileError(`${field}[${index}]`, `${field}[${index}] must be an object.`);
    }
    try {
      // A JSON copy: what goes into the manifest is exactly what a reader gets back.
      return JSON.parse(canonicalJson(item)) as unknown;
    } catch (error) {
      throw new PackageFileError(`${field}[${index}]`, `${field}[${index}] cannot be written as JSON: ${(error as Error).message}`);
    }
  });
}

/** Builds a package file. Refuses (PackageFileError, `field` under `input.`) input it could not read back. */
export async function buildPackageFile(input: PackageBuildInput): Promise<{ bytes: Uint8Array; manifest: PackageManifest }> {
  const name = checkPackageName(input.name, 'input.name');
  const version = checkPackageVersion(input.version, 'input.version');
  if (typeof input.createdBy !== 'string' || input.createdBy.trim() === '') {
    throw new PackageFileError('input.createdBy', 'input.createdBy must name who builds the package.');
  }
  const createdAt = input.createdAt ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(createdAt))) throw new PackageFileError('input.createdAt', 'input.createdAt must be an ISO date and time.');
  if (input.description !== undefined && typeof input.description !== 'string') {
    throw new PackageFileError('input.description', 'input.description must be a string.');
  }
  const groups = input.authorisation?.groups ?? [];
  if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string' || g === '')) {
    throw new PackageFileError('input.authorisation', 'input.authorisation.groups must be a list of group names.');
  }
  const instructions = input.instructions ?? '';
  if (typeof instructions !== 'string') throw new PackageFileError('input.instructions', 'input.instructions must be a string.');
  const schedules = checkJsonRecords(input.schedules, 'input.schedules');
  const triggers = checkJsonRecords(input.triggers, 'input.triggers');

  const seen = new Set<string>();
  const files: { definition: ManifestDefinition; bytes: Uint8Array }[] = [];
  input.definitions.forEach((source, index) => {
    const field = `input.definitions[${index}]`;
    if (source.kind !== 'flow' && source.kind !== 'connection') {
      throw new PackageFileError(`${field}.kind`, `${field}.kind must be 'flow' or 'connection'.`);
    }
    if (typeof source.id !== 'string') throw new PackageFileError(`${field}.id`, `${field}.id must be a string.`);
    const badId = invalidDefinitionIdReason(source.kind, source.id);
    if (badId) throw new PackageFileError(`${field}.id`, `${field}.id is not usable: ${badId}.`);
    const key = `${source.kind}:${source.id}`;
    if (seen.has(key)) throw new PackageFileError(`${field}.id`, `${source.kind} "${source.id}" is listed twice.`);
    seen.add(key);
    if (typeof source.text !== 'string') throw new PackageFileError(`${field}.text`, `${field}.text must be a string.`);
    parseDefinition(source.kind, source.id, source.text, field);
    const bytes = encoder.encode(source.text);
    files.push({
      definition: { kind: source.kind, id: source.id, file: definitionEntryPath(source.kind, source.id), sha256: sha256Hex(bytes) },
      bytes,
    });
  });
  files.sort((a, b) => compareKeys(a.definition, b.definition));

  const instructionBytes = encoder.encode(instructions);
  const withoutDigest = {
    name,
    version,
    definitions: files.map((f) => f.definition),
    instructions: { file: INSTRUCTIONS_ENTRY, sha256: sha256Hex(instructionBytes) },
    authorisation: { groups: normaliseGroups(groups) },
    schedules,
    triggers,
  };
  // Fixed key order: the manifest text is part of the bytes.
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    name,
    version,
    ...(input.description !== undefined ? { description: input.description } : {}),
    createdAt,
    createdBy: input.createdBy,
    definitions: withoutDigest.definitions,
    instructions: withoutDigest.instructions,
    authorisation: withoutDigest.authorisation,
    schedules,
    triggers,
    contentDigest: computeContentDigest(withoutDigest),
  };

  const manifestBytes = encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`);
  const total = manifestBytes.length + instructionBytes.length + files.reduce((sum, f) => sum + f.bytes.length, 0);
  if (total > MAX_PACKAGE_UNCOMPRESSED_BYTES) {
    throw new PackageFileError('input', `The package would hold ${sizeText(total)}; at most ${sizeText(MAX_PACKAGE_UNCOMPRESSED_BYTES)} are accepted.`);
  }
  if (files.length + 2 > MAX_PACKAGE_ENTRIES) {
    throw new PackageFileError('input.definitions', `The package would have ${files.length + 2} entries; at most ${MAX_PACKAGE_ENTRIES} are accepted.`);
  }

  const zip = new JSZip();
  const entryOptions = { date: ZIP_ENTRY_DATE, createFolders: false, binary: true } as const;
  zip.file(MANIFEST_ENTRY, manifestBytes, entryOptions);
  for (const file of files) zip.file(file.definition.file, file.bytes, entryOptions);
  zip.file(INSTRUCTIONS_ENTRY, instructionBytes, entryOptions);
  const bytes = await zip.generateAsync({
    type: 'uint8array',
    compression: 'DEFLATE',
    compressionOptions: { level: 9 },
    platform: 'UNIX',
  });
  return { bytes, manifest };
}

type StreamHelper = JSZip.JSZipStreamHelper<Uint8Array> & { pause(): unknown };

/** Inflates one entry, refusing it as soon as it grows past `budget` bytes. */
function inflateEntry(file: JSZip.JSZipObject, name: string, budget: number, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    let done = false;
    const stream = (file as unknown as { internalStream(type: 'uint8array'): StreamHelper }).internalStream('uint8array');
    stream
      .on('data', (chunk) => {
        if (done) return;
        length += chunk.length;
        if (length > budget) {
          done = true;
          stream.pause();
          reject(new PackageFileError('file', `The package file inflates to more than ${sizeText(limit)}, the most that is accepted.`));
          return;
        }
        chunks.push(chunk);
      })
      .on('error', (error) => {
        if (done) return;
        done = true;
        reject(new PackageFileError(entryField(name), `Entry "${name}" cannot be extracted; the zip is damaged (${error.message}).`));
      })
      .on('end', () => {
        if (done) return;
        done = true;
        const data = new Uint8Array(length);
        let at = 0;
        for (const chunk of chunks) {
          data.set(chunk, at);
          at += chunk.length;
        }
        resolve(data);
      })
      .resume();
  });
}

/** Whether JSON text nests `[`/`{` deeper than `max` (strings skipped, escapes honoured): one pass, no parsing. */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

function decodeText(bytes: Uint8Array, field: string, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new PackageFileError(field, `${what} is not valid UTF-8 text.`);
  }
}

/** Reads the zip's entries after checking the raw names, count and sizes. */
async function extractEntries(bytes: Uint8Array, options: ReadPackageOptions): Promise<Map<string, Uint8Array>> {
  const maxEntries = options.maxEntries ?? MAX_PACKAGE_ENTRIES;
  const maxBytes = options.maxUncompressedBytes ?? MAX_PACKAGE_UNCOMPRESSED_BYTES;
  const raw = readZipDirectory(bytes, maxEntries);

  const names = new Set<string>();
  let declared = 0;
  for (const entry of raw) {
    const unsafe = unsafeEntryNameReason(entry.name);
    if (unsafe) throw new PackageFileError(entryField(entry.name), `Entry "${entry.name}" is refused: ${unsafe}.`);
    if (names.has(entry.name)) throw new PackageFileError(entryField(entry.name), `Entry "${entry.name}" appears more than once.`);
    if (entry.name === SIGNATURE_ENTRY && entry.uncompressedSize > LIMITS.signatureEntryBytes) {
      throw new PackageFileError('signature', `${SIGNATURE_ENTRY} declares ${entry.uncompressedSize} bytes; a signature has at most ${LIMITS.signatureEntryBytes}.`);
    }
    if (isDirectoryEntryName(entry.name) && entry.uncompressedSize > 0) {
      throw new PackageFileError(entryField(entry.name), `Entry "${entry.name}" is a folder with content.`);
    }
    names.add(entry.name);
    declared += entry.uncompressedSize;
  }
  if (declared > maxBytes) {
    throw new PackageFileError('file', `The package file inflates to ${sizeText(declared)}; at most ${sizeText(maxBytes)} are accepted.`);
  }

  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false, createFolders: false });
  } catch (error) {
    throw new PackageFileError('file', `This is not a package file: the zip cannot be read (${(error as Error).message}).`);
  }
  const loaded = Object.values(zip.files);
  if (loaded.length !== raw.length || loaded.some((f) => (f.unsafeOriginalName ?? f.name) !== f.name || !names.has(f.name))) {
    throw new PackageFileError('file', 'This is not a package file: its entries cannot be read consistently.');
  }

  const entries = new Map<string, Uint8Array>();
  let inflated = 0;
  for (const entry of raw) {
    if (isDirectoryEntryName(entry.name)) continue;
    // A signature entry inflates at most to its own bound (one that lies about its size stops there).
    const data =
      entry.name === SIGNATURE_ENTRY
        ? await inflateEntry(zip.files[entry.name], entry.name, Math.min(LIMITS.signatureEntryBytes, maxBytes - inflated), maxBytes).catch((e: unknown) => {
            throw e instanceof PackageFileError && e.field === 'file' ? new PackageFileError('signature', `${SIGNATURE_ENTRY} inflates to more than ${LIMITS.signatureEntryBytes} bytes, the most a signature has.`) : e;
          })
        : await inflateEntry(zip.files[entry.name], entry.name, maxBytes - inflated, maxBytes);
    inflated += data.length;
    if (data.length !== entry.uncompressedSize || crc32(data) !== entry.crc32) {
      throw new PackageFileError(entryField(entry.name), `Entry "${entry.name}" is damaged: its content does not match its zip header (size or CRC-32).`);
    }
    entries.set(entry.name, data);
  }
  return entries;
}

/**
 * Reads and checks a package file: raw entry names (no path escaping the package folder),
 * entry count and size, manifest, that the entries are exactly those listed, their SHA-256,
 * the content digest, and that every definition parses and passes its schema exactly as the
 * same file would in the workspace. Throws PackageFileError at the first problem.
 */
export async function readPackageFile(bytes: Uint8Array, options: ReadPackageOptions = {}): Promise<PackageContents> {
  if (!(bytes instanceof Uint8Array)) throw new PackageFileError('file', 'A package file must be given as bytes.');
  const entries = await extractEntries(bytes, options);

  const manifestBytes = entries.get(MANIFEST_ENTRY);
  if (!manifestBytes) throw new PackageFileError('manifest', `This is not a package file: it has no ${MANIFEST_ENTRY}.`);
  if (manifestBytes.length > LIMITS.manifestBytes) {
    throw new PackageFileError('manifest', `${MANIFEST_ENTRY} is ${sizeText(manifestBytes.length)}; at most ${sizeText(LIMITS.manifestBytes)} are accepted.`);
  }
  // The signature first: nothing of a file whose signer is not trusted is parsed.
  const signatureBytes = entries.get(SIGNATURE_ENTRY);
  let signer: string | undefined;
  if (options.verifySignature) {
    if (signatureBytes) signer = (await verifyManifestSignature(manifestBytes, signatureBytes, options.verifySignature.isTrusted)).kid;
    else if (options.verifySignature.required) throw new PackageFileError('signature', `The package file is not signed (it has no ${SIGNATURE_ENTRY}); a signed file is required here.`);
  }
  let manifestValue: unknown;
  try {
    const manifestText = decodeText(manifestBytes, 'manifest', MANIFEST_ENTRY);
    // JSON.parse takes ~0.6 s for 2 MB of `[[[[…`: nesting is measured first, in one pass.
    if (jsonNestingExceeds(manifestText, LIMITS.jsonDepth)) {
      throw new PackageFileError('manifest', `${MANIFEST_ENTRY} nests deeper than ${LIMITS.jsonDepth} levels.`);
    }
    manifestValue = JSON.parse(manifestText);
  } catch (error) {
    if (error instanceof PackageFileError) throw error;
    throw new PackageFileError('manifest', `${MANIFEST_ENTRY} is not valid JSON (${(error as Error).message}).`);
  }
  const manifest = checkManifest(manifestValue);

  const listed = new Map<string, string>(manifest.definitions.map((d) => [d.file, d.sha256]));
  listed.set(manifest.instructions.file, manifest.instructions.sha256);
  for (const [file, sha256] of listed) {
    const data = entries.get(file);
    if (!data) throw new PackageFileError(entryField(file), `Entry "${file}" is listed in the manifest but missing from the file.`);
    if (sha256Hex(data) !== sha256) {
      throw new PackageFileError(entryField(file), `Entry "${file}" has been changed: its SHA-256 differs from the manifest's.`);
    }
  }
  const extra = new Set(options.extraEntries ?? []);
  for (const name of entries.keys()) {
    if (name !== MANIFEST_ENTRY && name !== SIGNATURE_ENTRY && !listed.has(name) && !extra.has(name)) {
      throw new PackageFileError(entryField(name), `Entry "${name}" is not listed in the manifest.`);
    }
  }
  if (computeContentDigest(manifest) !== manifest.contentDigest) {
    throw new PackageFileError('manifest.contentDigest', 'The manifest has been changed: its content digest does not match its content.');
  }

  // Cost bound, before any parsing: each text within LIMITS.definitionTextBytes, the instructions
  // within LIMITS.instructionsLength, and the YAML of all definitions together within
  // LIMITS.packageYamlNodes (a one-pass upper bound; each file alone is bounded by parseYaml).
  const instructionsData = entries.get(manifest.instructions.file)!;
  if (instructionsData.length > LIMITS.instructionsLength) {
    throw new PackageFileError(entryField(INSTRUCTIONS_ENTRY), `${INSTRUCTIONS_ENTRY} is ${sizeText(instructionsData.length)}; at most ${sizeText(LIMITS.instructionsLength)} are accepted.`);
  }
  const texts = new Map<string, { text: string; cost: number }>();
  let nodes = 0;
  let lines = 0;
  for (const item of manifest.definitions) {
    const field = entryField(item.file);
    const data = entries.get(item.file)!;
    if (data.length > LIMITS.definitionTextBytes) {
      throw new PackageFileError(field, `Entry "${item.file}" is ${sizeText(data.length)}; a definition file has at most ${sizeText(LIMITS.definitionTextBytes)}.`);
    }
    const text = decodeText(data, field, `Entry "${item.file}"`);
    const cost = yamlCost(text);
    nodes += cost.nodes;
    lines += cost.lines;
    if (nodes > LIMITS.packageYamlNodes || lines > LIMITS.packageYamlLines) {
      const what = nodes > LIMITS.packageYamlNodes ? `${LIMITS.packageYamlNodes} YAML keys and list items` : `${LIMITS.packageYamlLines} lines`;
      throw new PackageFileError(field, `The definitions hold more than ${what} together (reached at "${item.file}"); at most that many are accepted.`);
    }
    // ~10 µs per node, ~3 µs per line, and the scan itself: the turn given back below is paced by this.
    texts.set(item.file, { text, cost: cost.nodes * 10 + cost.lines * 3 + text.length / 100 });
  }

  const flows: FlowDefinition[] = [];
  const connections: ConnectionDefinition[] = [];
  const sources: DefinitionSource[] = [];
  let parsedCost = 0;
  for (const item of manifest.definitions) {
    const field = entryField(item.file);
    const { text, cost } = texts.get(item.file)!;
    // Give the event loop a turn every ~200 ms of estimated parsing.
    parsedCost += cost;
    if (parsedCost > 200_000) {
      parsedCost = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const definition = parseDefinition(item.kind, item.id, text, field);
    if (definition.kind === 'flow') flows.push(definition);
    else connections.push(definition);
    sources.push({ kind: item.kind, id: item.id, text });
  }
  const instructions = decodeText(instructionsData, entryField(INSTRUCTIONS_ENTRY), INSTRUCTIONS_ENTRY);
  return { manifest, flows, connections, sources, instructions, entries, signed: signatureBytes !== undefined, ...(signer ? { signer } : {}) };
}
