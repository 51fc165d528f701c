/**
 * Create New Version on the gateway: from any stored version, add definitions from the
 * repository, remove some, update some to the repository's current text. The gateway builds a
 * real package file (createdBy = the gateway's name) numbered highest + 1, stores it like an upload
 * (SUBMITTED, unpublished; the repository is left as it is) with deep copies of the source
 * version's authorisation, schedules and triggers.
 *
 * Refusals (400 bad-request, one detail per field at fault): a malformed entry, a definition in two
 * lists, adding one the version has or the repository lacks, removing or updating one the version
 * lacks, removing a flow that a flow staying in the version runs (naming those flows) or that a
 * schedule or trigger runs, a flow that runs one that is nowhere, and an empty result. Flows that
 * an added or updated flow runs are added from the repository when the version lacks them.
 */
import { promises as fs } from 'node:fs';
import type { ApiErrorDetail, NewVersionRequest, PackageVersionDetail } from '../../core/api/types';
import { referencesOf } from '../../core/graph/references';
import type { DefinitionKind } from '../../core/model/definition';
import { definitionKey } from '../../core/model/definition';
import { buildPackageFile, PackageFileError, readPackageFile, type DefinitionSource } from '../../core/package/packageFile';
import { definitionPath } from '../../core/workspace/layout';
import { parseWorkspaceFile } from '../../core/workspace/parseFile';
import { ApiError, badRequest } from '../errors';
import type { PackageStore } from './packageStore';
import { fileSettings, inheritedSettings } from './versionSettings';

type Ref = { kind: DefinitionKind; id: string };
type ListName = 'add' | 'remove' | 'update';
const LISTS: ListName[] = ['add', 'remove', 'update'];
const MAX_ENTRIES = 5000;

/** Checks the body's shape: `{add?, remove?, update?}`, each a list of `{kind, id}`. */
export function parseNewVersionRequest(body: unknown): Required<NewVersionRequest> {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) {
    return { add: [], remove: [], update: [] };
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The body must be a JSON object {"add": [...], "remove": [...], "update": [...]}', [{ field: 'body', message: 'not an object' }]);
  }
  const problems: ApiErrorDetail[] = [];
  for (const k of Object.keys(body)) {
    if (!(LISTS as string[]).includes(k)) problems.push({ field: k, message: `not allowed (expected add, remove or update)` });
  }
  const out: Required<NewVersionRequest> = { add: [], remove: [], update: [] };
  for (const list of LISTS) {
    const raw = (body as Record<string, unknown>)[list];
    if (raw === undefined) continue;
    if (!Array.isArray(raw)) {
      problems.push({ field: list, message: 'must be a list of {"kind": "flow" | "connection", "id": "..."}' });
      continue;
    }
    if (raw.length > MAX_ENTRIES) {
      problems.push({ field: list, message: `at most ${MAX_ENTRIES} entries` });
      continue;
    }
    raw.forEach((item, i) => {
      const field = `${list}[${i}]`;
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        problems.push({ field, message: 'must be an object {"kind", "id"}' });
        return;
      }
      const it = item as Record<string, unknown>;
      for (const k of Object.keys(it)) if (k !== 'kind' && k !== 'id') problems.push({ field: `${field}.${k}`, message: 'not allowed' });
      if (it.kind !== 'flow' && it.kind !== 'connection') {
        problems.push({ field: `${field}.kind`, message: `must be 'flow' or 'connection', got ${JSON.stringify(it.kind)}` });
        return;
      }
      if (typeof it.id !== 'string' || it.id.trim() === '') {
        problems.push({ field: `${field}.id`, message: 'must be a definition id (a non-empty string)' });
        return;
      }
      out[list].push({ kind: it.kind, id: it.id });
    });
  }
  if (problems.length) throw refuse(problems);
  return out;
}

function refuse(problems: ApiErrorDetail[]): ApiError {
  const shown = problems.slice(0, 5).map((p) => `${p.field}: ${p.message}`).join('; ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  return badRequest(`Cannot create the new version: ${shown}${more}`, problems.slice(0, 100));
}

const label = (r: Ref) => `${r.kind} ${r.id}`;

/** Flow ids a flow text runs (literal run-flow references). */
function flowsRunBy(src: DefinitionSource): string[] {
  return referencedBy(src, 'flow');
}

/** The ids a flow's text names literally, of one kind (flows it runs, connections it uses). */
function referencedBy(src: DefinitionSource, kind: DefinitionKind): string[] {
  if (src.kind !== 'flow') return [];
  const parsed = parseWorkspaceFile(definitionPath('flow', src.id), src.text);
  if (!parsed.definition) return [];
  return referencesOf(parsed.definition)
    .filter((r) => r.to.kind === kind)
    .map((r) => r.to.id);
}

export async function createNewVersion(
  store: PackageStore,
  gatewayName: string,
  name: string,
  version: number,
  request: Required<NewVersionRequest>,
): Promise<PackageVersionDetail> {
  return store.exclusive(async () => {
    const source = store.storedVersion(name, version); // 404 package-not-found / version-not-found
    const where = `version ${version} of package ${name}`;
    const file = await readPackageFile(new Uint8Array(await fs.readFile(store.versionFilePath(name, version))));

    const result = new Map<string, DefinitionSource>(file.sources.map((s) => [definitionKey(s.kind, s.id), { ...s }]));
    const problems: ApiErrorDetail[] = [];
    const seen = new Map<string, string>();
    const repo = new Map<string, string>();
    const fromRepository = async (r: Ref): Promise<string | undefined> => {
      const key = definitionKey(r.kind, r.id);
      if (!repo.has(key)) {
        const t = await store.repositoryText(r.kind, r.id);
        if (t) repo.set(key, t.text);
      }
      return repo.get(key);
    };

    for (const list of LISTS) {
      for (const [i, r] of request[list].entries()) {
        const field = `${list}[${i}]`;
        const key = definitionKey(r.kind, r.id);
        const earlier = seen.get(key);
        if (earlier) {
          problems.push({ field, message: `${label(r)} is already named at ${earlier}` });
          continue;
        }
        seen.set(key, field);
        const inVersion = result.has(key);
        if (list === 'remove') {
          if (!inVersion) problems.push({ field, message: `${label(r)} is not in ${where}` });
          continue;
        }
        if (list === 'update' && !inVersion) {
          problems.push({ field, message: `${label(r)} is not in ${where}; use add` });
          continue;
        }
        if (list === 'add' && inVersion) {
          problems.push({ field, message: `${label(r)} is already in ${where}; use update to take the repository's current text` });
          continue;
        }
        if ((await fromRepository(r)) === undefined) {
          problems.push({ field, message: `${label(r)} does not exist in this gateway's repository` });
        }
      }
    }
    if (problems.length) throw refuse(problems);

    for (const r of request.remove) result.delete(definitionKey(r.kind, r.id));
    for (const r of [...request.update, ...request.add]) {
      result.set(definitionKey(r.kind, r.id), { kind: r.kind, id: r.id, text: repo.get(definitionKey(r.kind, r.id))! });
    }

    // Flows that added or updated flows run come along from the repository (DESIGN: adding a flow
    // adds the flows it depends on); a removed flow that something still runs is refused below.
    const removed = new Map(request.remove.map((r, i) => [definitionKey(r.kind, r.id), i]));
    const fieldOf = new Map<string, string>();
    request.add.forEach((r, i) => fieldOf.set(definitionKey(r.kind, r.id), `add[${i}]`));
    request.update.forEach((r, i) => fieldOf.set(definitionKey(r.kind, r.id), `update[${i}]`));
    const queue = [...request.add, ...request.update].filter((r) => r.kind === 'flow').map((r) => r.id);
    while (queue.length) {
      const id = queue.shift()!;
      const src = result.get(definitionKey('flow', id));
      if (!src) continue;
      for (const target of flowsRunBy(src)) {
        const key = definitionKey('flow', target);
        if (result.has(key) || removed.has(key)) continue;
        const text = await fromRepository({ kind: 'flow', id: target });
        if (text === undefined) {
          problems.push({
            field: fieldOf.get(definitionKey('flow', id)) ?? 'add',
            message: `flow ${id} runs flow ${target}, which is neither in ${where} nor in the repository`,
          });
          continue;
        }
        result.set(key, { kind: 'flow', id: target, text });
        fieldOf.set(key, fieldOf.get(definitionKey('flow', id)) ?? 'add');
        queue.push(target);
      }
    }

    // A removed flow that a staying flow, a schedule or a trigger runs cannot go.
    for (const i of removed.values()) {
      const r = request.remove[i];
      if (r.kind !== 'flow') continue;
      const dependents = [...result.values()].filter((s) => flowsRunBy(s).includes(r.id)).map((s) => s.id).sort();
      if (dependents.length) {
        problems.push({
          field: `remove[${i}]`,
          message: `flow ${r.id} is run by ${dependents.length > 1 ? 'flows' : 'flow'} ${dependents.join(', ')}, which ${dependents.length > 1 ? 'stay' : 'stays'} in the new version; remove ${dependents.length > 1 ? 'them' : 'it'} too, or update ${dependents.length > 1 ? 'them' : 'it'} first`,
        });
      }
      const settings = [
        ...(source.schedules ?? []).filter((s) => s.flow === r.id).map((s) => `schedule '${s.name}'`),
        ...(source.triggers ?? []).filter((t) => t.flow === r.id).map((t) => `trigger '${t.name}'`),
      ];
      if (settings.length) {
        problems.push({
          field: `remove[${i}]`,
          message: `flow ${r.id} is run by ${settings.join(', ')} of ${where}, which the new version inherits; change or delete ${settings.length > 1 ? 'them' : 'it'} first`,
        });
      }
    }
    // A package uses only its own connections: each one a flow of the new version uses must be in it.
    for (const src of result.values()) {
      for (const c of new Set(referencedBy(src, 'connection'))) {
        const key = definitionKey('connection', c);
        if (result.has(key)) continue;
        const at = removed.get(key);
        problems.push({
          field: at !== undefined ? `remove[${at}]` : (fieldOf.get(definitionKey('flow', src.id)) ?? 'add'),
          message:
            at !== undefined
              ? `connection ${c} is used by flow ${src.id}, which stays in the new version; a package uses only its own connections`
              : `flow ${src.id} uses connection ${c}, which the new version would not carry; add it too (a package uses only its own connections)`,
        });
      }
    }
    if (!result.size) problems.push({ field: 'remove', message: 'the new version would hold no definitions' });
    if (problems.length) throw refuse(problems);

    const next = Math.max(...(await store.getPackage(name)).versions.map((v) => v.version)) + 1;
    const inherited = inheritedSettings(source);
    let bytes: Uint8Array;
    try {
      ({ bytes } = await buildPackageFile({
        name,
        version: next,
        ...(file.manifest.description !== undefined ? { description: file.manifest.description } : {}),
        createdBy: gatewayName,
        definitions: [...result.values()],
        instructions: file.instructions,
        ...fileSettings(inherited),
      }));
    } catch (err) {
      if (err instanceof PackageFileError) {
        const id = /\["?definitions\/(?:flows|connections)\/(.+?)\.(?:flow|connection)\.yaml/.exec(err.field)?.[1];
        const field = (id && fieldOf.get(definitionKey('flow', id))) || err.field;
        throw badRequest(`Cannot build the new version: ${err.field}: ${err.message}`, [{ field, message: err.message }]);
      }
      throw err;
    }
    await store.storeFile(bytes, { repository: false, settings: { schedules: inherited.schedules, triggers: inherited.triggers } });
    return store.getVersion(name, next);
  });
}
