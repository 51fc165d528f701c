/**
 * Package state of the gateway: uploads, versions, publish / unpublish, default package and
 * default version, the repository of definitions, and the parsed contents of each version.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readPackageFile } from '../../core/package/packageFile';
import type {
  DefinitionSummary,
  FlowSignature,
  PackageSummary,
  PackageVersionDetail,
  PackageVersionSummary,
  UploadResponse,
} from '../../core/api/types';
import type { ConnectionDefinition } from '../../core/model/connection';
import { definitionKey } from '../../core/model/definition';
import type { FlowDefinition } from '../../core/model/flow';
import { ApiError, conflict, notFound } from '../errors';
import { applyPublish, applyUnpublish, defaultVersionOf, hasPublishedVersion } from './defaults';
import { StoreDb } from './db';
import { packageFileRelPath, writeFileAtomic } from './packageFiles';
import type { StoredPackage, StoredVersion } from './schema';
import type { SnmpUserSpec } from '../../core/model/trigger';
import { isRequiredInput } from '../../core/model/inputValues';
import type { DefinitionKind } from '../../core/model/definition';
import type { Schedule } from '../../core/model/schedule';
import type { Trigger } from '../../core/model/trigger';
import { RepositoryTexts } from './repositoryTexts';
import { matchesCurrentVersion } from './versionSettings';
import { triggersFromManifest } from '../snmp/triggerSpecs';
import { schedulesFromManifest } from '../schedules/fromManifest';

export const STORE_FILE = 'store.json';

export interface StoreFileOptions {
  /** Default true: the file's definitions become the repository's current ones. */
  repository?: boolean;
  /** Settings to store instead of taking in the file's (a new version's inherited copies). */
  settings?: { schedules: Schedule[]; triggers: Trigger[] };
}
/** Names that would clash with object internals of the JSON store. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** The parsed definitions of one package version. */
export interface VersionContents {
  name: string;
  version: number;
  flows: Map<string, FlowDefinition>;
  connections: Map<string, ConnectionDefinition>;
}

export class PackageStore {
  private readonly contents = new Map<string, Promise<VersionContents>>();
  /** Serialises uploads so two uploads of one version cannot race. */
  private uploadChain: Promise<unknown> = Promise.resolve();
  private readonly changeListeners = new Set<() => void>();

  private constructor(readonly dataDir: string, private readonly db: StoreDb) {}

  static async open(dataDir: string): Promise<PackageStore> {
    await fs.mkdir(dataDir, { recursive: true });
    const db = await StoreDb.open(path.join(dataDir, STORE_FILE));
    return new PackageStore(dataDir, db);
  }

  flush(): Promise<void> {
    return this.db.flush();
  }

  /**
   * Calls `listener` after every committed change of package state or live settings (upload,
   * new version, publish, unpublish, defaults, schedules, triggers, users), once it is on disk.
   * Answers the function that unsubscribes.
   */
  onDidChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Writes the store, then tells the listeners. */
  private async commit(): Promise<void> {
    await this.db.persist();
    for (const listener of this.changeListeners) listener();
  }

  // ---- reading -------------------------------------------------------------------------------

  listPackages(): PackageSummary[] {
    return Object.values(this.db.data.packages)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => this.summary(p));
  }

  getPackage(name: string): PackageSummary {
    return this.summary(this.pkg(name));
  }

  getVersion(name: string, version: number): PackageVersionDetail {
    const pkg = this.pkg(name);
    const v = this.ver(pkg, version);
    const m = v.manifest;
    return {
      ...this.versionSummary(pkg, v),
      name: pkg.name,
      ...(m.description !== undefined ? { description: m.description } : {}),
      createdAt: m.createdAt,
      createdBy: m.createdBy,
      definitions: m.definitions,
      instructions: m.instructions,
      authorisation: v.authorisation,
      flows: v.flows,
    };
  }

  versionFilePath(name: string, version: number): string {
    const v = this.ver(this.pkg(name), version);
    return path.join(this.dataDir, v.file);
  }

  listDefinitions(): DefinitionSummary[] {
    return Object.values(this.db.data.definitions)
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id))
      .map(({ kind, id, name, folder, sha256, source }) => ({ kind, id, name, folder, sha256, source }));
  }

  // ---- upload --------------------------------------------------------------------------------

  upload(bytes: Uint8Array): Promise<UploadResponse> {
    return this.exclusive(() => this.storeFile(bytes));
  }

  /** Run `fn` alone among uploads and new versions (they decide version numbers and conflicts). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.uploadChain.then(fn);
    this.uploadChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Store a package file as an upload does (call it inside `exclusive`). A new version built by
   * the gateway passes `repository: false` (its definitions are already the repository's or
   * older) and the exact `settings` it inherits.
   */
  async storeFile(bytes: Uint8Array, opts: StoreFileOptions = {}): Promise<UploadResponse> {
    let parsed: Awaited<ReturnType<typeof readPackageFile>>;
    try {
      parsed = await readPackageFile(bytes);
    } catch (err) {
      const e = err as { field?: unknown; message?: unknown };
      if (err && typeof e.field === 'string') {
        const message = String(e.message ?? 'invalid');
        throw new ApiError(400, 'invalid-package-file', `Invalid package file: ${e.field}: ${message}`, [
          { field: e.field, message },
        ]);
      }
      throw new ApiError(400, 'invalid-package-file', `Invalid package file: ${(err as Error)?.message ?? String(err)}`);
    }
    const { manifest } = parsed;
    if (RESERVED_NAMES.has(manifest.name)) {
      throw new ApiError(400, 'invalid-package-file', `Invalid package file: manifest.name: '${manifest.name}' is a reserved name`, [
        { field: 'manifest.name', message: 'reserved name' },
      ]);
    }
    const existingPkg = Object.prototype.hasOwnProperty.call(this.db.data.packages, manifest.name)
      ? this.db.data.packages[manifest.name]
      : undefined;
    const existing = existingPkg?.versions[String(manifest.version)];
    if (existing) {
      // Identical: as uploaded, or as an export of it carries its current settings.
      if (matchesCurrentVersion(manifest.name, existing, manifest, parsed.flows.map(flowSignature))) {
        return { name: manifest.name, version: manifest.version, created: false };
      }
      throw conflict(
        'version-conflict',
        `Package ${manifest.name} version ${manifest.version} already exists on this gateway with different content; versions are immutable — create a new version`,
        [{ field: 'manifest.contentDigest', message: `existing ${existing.contentDigest}, uploaded ${manifest.contentDigest}` }],
      );
    }

    const triggers = opts.settings?.triggers ?? triggersFromManifest(manifest.triggers, parsed.flows.map(flowSignature));
    const schedules = opts.settings?.schedules ?? schedulesFromManifest(manifest.schedules, parsed.flows.map(flowSignature));
    const rel = packageFileRelPath(manifest.name, manifest.version);
    await writeFileAtomic(path.join(this.dataDir, rel), bytes);
    // The repository keeps each definition's current text (checked against its hash when read).
    if (opts.repository !== false) {
      const texts = new RepositoryTexts(this.dataDir);
      for (const src of parsed.sources) await texts.write(src.kind, src.id, src.text);
    }

    const now = new Date().toISOString();
    const pkg: StoredPackage =
      existingPkg ?? (this.db.data.packages[manifest.name] = { name: manifest.name, explicitDefaultVersion: null, versions: {} });
    if (manifest.description !== undefined) pkg.description = manifest.description;
    const flows = parsed.flows.map(flowSignature).sort((a, b) => a.id.localeCompare(b.id));
    pkg.versions[String(manifest.version)] = {
      version: manifest.version,
      published: false,
      status: 'SUBMITTED',
      uploadedAt: now,
      contentDigest: manifest.contentDigest,
      publishSeq: null,
      publishedAt: null,
      unpublishedAt: null,
      file: rel,
      manifest: {
        ...(manifest.description !== undefined ? { description: manifest.description } : {}),
        createdAt: manifest.createdAt,
        createdBy: manifest.createdBy,
        definitions: manifest.definitions,
        instructions: parsed.instructions,
      },
      flows,
      authorisation: { groups: [...(manifest.authorisation?.groups ?? [])] },
      // Schedules and triggers of the file, checked and given ids by their own modules.
      schedules,
      triggers,
    };
    // The repository: the version's definitions are inserted or updated, folders as in their ids.
    for (const d of opts.repository === false ? [] : manifest.definitions) {
      const name = d.id.split('/').pop() ?? d.id;
      const folder = d.id.includes('/') ? d.id.slice(0, d.id.lastIndexOf('/')) : '';
      this.db.data.definitions[definitionKey(d.kind, d.id)] = {
        kind: d.kind,
        id: d.id,
        name,
        folder,
        sha256: d.sha256,
        source: { packageName: manifest.name, version: manifest.version },
        updatedAt: now,
      };
    }
    this.contents.set(
      contentsKey(manifest.name, manifest.version),
      Promise.resolve(toContents(manifest.name, manifest.version, parsed.flows, parsed.connections)),
    );
    await this.commit();
    return { name: manifest.name, version: manifest.version, created: true };
  }

  // ---- publish and defaults ------------------------------------------------------------------

  async publish(name: string, version: number): Promise<PackageSummary> {
    const pkg = this.pkg(name);
    this.ver(pkg, version);
    const data = this.db.data;
    if (applyPublish(pkg, version, data.publishCounter + 1, new Date().toISOString())) {
      data.publishCounter += 1;
      await this.commit();
    }
    return this.summary(pkg);
  }

  async unpublish(name: string, version: number): Promise<PackageSummary> {
    const pkg = this.pkg(name);
    this.ver(pkg, version);
    if (applyUnpublish(pkg, version, new Date().toISOString())) await this.commit();
    return this.summary(pkg);
  }

  async setDefaultVersion(name: string, version: number): Promise<PackageSummary> {
    const pkg = this.pkg(name);
    const v = this.ver(pkg, version);
    if (!v.published) {
      throw conflict('not-published', `Version ${version} of package ${name} is not published; only a published version can be made the default`);
    }
    if (pkg.explicitDefaultVersion !== version) {
      pkg.explicitDefaultVersion = version;
      await this.commit();
    }
    return this.summary(pkg);
  }

  async setDefaultPackage(name: string): Promise<PackageSummary> {
    const pkg = this.pkg(name);
    if (!hasPublishedVersion(pkg)) {
      throw conflict('not-published', `Package ${name} has no published version; only a package with a published version can be made the default package`);
    }
    if (this.db.data.defaultPackage !== name) {
      this.db.data.defaultPackage = name;
      await this.commit();
    }
    return this.summary(pkg);
  }

  /**
   * Which package version a request runs: the named one, or the defaults. Refuses an unknown or
   * unpublished version with a clear error.
   */
  resolveExecutable(packageName: string | undefined, version: number | undefined): { name: string; version: number } {
    let name = packageName;
    if (name === undefined) {
      const dp = this.db.data.defaultPackage;
      if (!dp) throw conflict('no-default-package', 'No package was named and this gateway has no default package; pass ?packageName=');
      if (!this.db.data.packages[dp]) throw conflict('no-default-package', `The default package ${dp} no longer exists on this gateway`);
      name = dp;
    }
    const pkg = this.pkg(name);
    let v: number;
    if (version === undefined) {
      const state = defaultVersionOf(pkg);
      if (state.defaultVersion === null) {
        const why = state.defaultIsExplicit
          ? `its explicit default version ${pkg.explicitDefaultVersion} is not published`
          : 'none of its versions is published';
        throw conflict('no-default-version', `Package ${name} has no default version (${why}); pass ?packageVersion=`);
      }
      v = state.defaultVersion;
    } else {
      v = version;
    }
    const stored = this.ver(pkg, v);
    if (!stored.published) {
      throw conflict('not-published', `Version ${v} of package ${name} is not published; publish it before running its flows`);
    }
    return { name, version: v };
  }

  // ---- contents ------------------------------------------------------------------------------

  /** The parsed definitions of a version, read from its package file once and cached. */
  versionContents(name: string, version: number): Promise<VersionContents> {
    const key = contentsKey(name, version);
    let p = this.contents.get(key);
    if (!p) {
      const file = this.versionFilePath(name, version);
      p = fs
        .readFile(file)
        .then((bytes) => readPackageFile(new Uint8Array(bytes)))
        .then((c) => toContents(name, version, c.flows, c.connections));
      p.catch(() => this.contents.delete(key));
      this.contents.set(key, p);
    }
    return p;
  }

  /** The current text of a repository definition: the repository copy, else the package file that wrote it. */
  async repositoryText(kind: DefinitionKind, id: string): Promise<{ text: string; sha256: string } | undefined> {
    const key = definitionKey(kind, id);
    const d = Object.prototype.hasOwnProperty.call(this.db.data.definitions, key) ? this.db.data.definitions[key] : undefined;
    if (!d) return undefined;
    const text = await new RepositoryTexts(this.dataDir).read(kind, id, d.sha256);
    if (text !== undefined) return { text, sha256: d.sha256 };
    const bytes = await fs.readFile(this.versionFilePath(d.source.packageName, d.source.version)).catch(() => undefined);
    if (!bytes) return undefined;
    const src = (await readPackageFile(new Uint8Array(bytes))).sources.find((s) => s.kind === kind && s.id === id);
    return src ? { text: src.text, sha256: d.sha256 } : undefined;
  }

  /** A connection from the repository (the version that last wrote it), for flows whose package lacks it. */
  async repositoryConnection(id: string): Promise<ConnectionDefinition | undefined> {
    const d = this.db.data.definitions[definitionKey('connection', id)];
    if (!d) return undefined;
    const c = await this.versionContents(d.source.packageName, d.source.version).catch(() => undefined);
    return c?.connections.get(id);
  }

  // ---- live settings: SNMP triggers and users (src/emulator/snmp) ---------------------------

  /** The stored version, for the module that owns a live setting (change it, then `persistSettings()`). */
  storedVersion(name: string, version: number): StoredVersion {
    return this.ver(this.pkg(name), version);
  }

  /** Every stored version with its package name, packages and versions in order. */
  storedVersions(): { packageName: string; version: StoredVersion }[] {
    return Object.values(this.db.data.packages)
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((p) => Object.values(p.versions).sort((a, b) => a.version - b.version).map((version) => ({ packageName: p.name, version })));
  }

  /** SNMPv3 users with their keys: never answer or log them. */
  snmpUsers(): Record<string, SnmpUserSpec> {
    return (this.db.data.snmpUsers ??= {});
  }

  /** Resolve once live-setting changes made before the call are on disk. */
  persistSettings(): Promise<void> {
    return this.commit();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private pkg(name: string): StoredPackage {
    const p = Object.prototype.hasOwnProperty.call(this.db.data.packages, name) ? this.db.data.packages[name] : undefined;
    if (!p) throw notFound('package-not-found', `Package ${name} does not exist on this gateway`);
    return p;
  }

  private ver(pkg: StoredPackage, version: number): StoredVersion {
    const v = pkg.versions[String(version)];
    if (!v) throw notFound('version-not-found', `Package ${pkg.name} has no version ${version} on this gateway`);
    return v;
  }

  private summary(pkg: StoredPackage): PackageSummary {
    const state = defaultVersionOf(pkg);
    return {
      name: pkg.name,
      ...(pkg.description !== undefined ? { description: pkg.description } : {}),
      isDefault: this.db.data.defaultPackage === pkg.name,
      defaultVersion: state.defaultVersion,
      defaultIsExplicit: state.defaultIsExplicit,
      versions: Object.values(pkg.versions)
        .sort((a, b) => a.version - b.version)
        .map((v) => this.versionSummary(pkg, v, state.defaultVersion)),
    };
  }

  private versionSummary(pkg: StoredPackage, v: StoredVersion, defaultVersion = defaultVersionOf(pkg).defaultVersion): PackageVersionSummary {
    return {
      version: v.version,
      published: v.published,
      status: v.status,
      isDefault: defaultVersion === v.version,
      uploadedAt: v.uploadedAt,
      contentDigest: v.contentDigest,
    };
  }
}

function contentsKey(name: string, version: number): string {
  return `${name}@${version}`;
}

function toContents(name: string, version: number, flows: FlowDefinition[], connections: ConnectionDefinition[]): VersionContents {
  return {
    name,
    version,
    flows: new Map(flows.map((f) => [f.id, f])),
    connections: new Map(connections.map((c) => [c.id, c])),
  };
}

export function flowSignature(def: FlowDefinition): FlowSignature {
  const inputs: FlowSignature['inputs'] = {};
  for (const [k, d] of Object.entries(def.flow.inputs ?? {})) {
    inputs[k] = {
      type: d.type,
      required: isRequiredInput(d),
      ...(d.default !== undefined ? { default: d.default } : {}),
      ...(d.description !== undefined ? { description: d.description } : {}),
    };
  }
  const outputs: FlowSignature['outputs'] = {};
  for (const [k, d] of Object.entries(def.flow.outputs ?? {})) {
    outputs[k] = { type: d.type, ...(d.description !== undefined ? { description: d.description } : {}) };
  }
  return {
    id: def.id,
    name: def.name,
    ...(def.flow.description !== undefined ? { description: def.flow.description } : {}),
    inputs,
    outputs,
  };
}
