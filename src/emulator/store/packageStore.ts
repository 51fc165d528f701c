/**
 * Package state of the gateway: uploads, versions, publish / unpublish, default package and
 * default version, deletion, the repository of definitions, and the parsed contents of each version.
 *
 * The data folder (0700, files 0600): `store.json` (state, db.ts), `content/<sha256>` (texts,
 * contentStore.ts), `packages/<name>/<version>.fgpkg`, `secret.key` (secrets.ts), `audit.jsonl`
 * (audit.ts). Order of writes: content and package files first (durable), then the state that
 * names them; files no state names (a failed upload, a crash, a deletion) are removed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LIMITS } from '../../core/limits';
import { readPackageFile } from '../../core/package/packageFile';
import { isUntrustedSigner } from '../../core/package/signature';
import type { PackageTrust } from '../signing/trust';
import type {
  ApiErrorDetail,
  DefinitionSummary,
  FlowSignature,
  PackageStatus,
  PackageSummary,
  PackageVersionDetail,
  PackageVersionSummary,
  UploadResponse,
} from '../../core/api/types';
import type { ConnectionDefinition } from '../../core/model/connection';
import { definitionKey } from '../../core/model/definition';
import type { FlowDefinition } from '../../core/model/flow';
import { ApiError, conflict, invalidPackageFile, notFound } from '../errors';
import { applyPublish, applyUnpublish, defaultVersionOf, hasPublishedVersion } from './defaults';
import { StoreDb, writeFailure } from './db';
import { storeCodec, LEGACY_REPOSITORY_DIR } from './codec';
import { CONTENT_DIR, ContentStore } from './contentStore';
import { fsyncDir, privateDir, TEMP_FILE_PATTERN, tightenTree, writeFileDurable } from './durableFile';
import { AUDIT_FILE } from './audit';
import { packageFileRelPath, PACKAGES_DIR } from './packageFiles';
import { checkDeclaredSizes, checkPackageTotal, checkVersionRecord, checkVersionTexts } from './quotas';
import { SECRET_KEY_FILE, SecretBox } from './secrets';
import { emptyStore, type ReadonlyVersion, type StoreData, type StoredPackage, type StoredVersion } from './schema';
export type { ReadonlyVersion } from './schema';
import type { SnmpUserSpec } from '../../core/model/trigger';
import { isRequiredInput } from '../../core/model/inputValues';
import type { DefinitionKind } from '../../core/model/definition';
import type { Schedule } from '../../core/model/schedule';
import type { Trigger } from '../../core/model/trigger';
import { definitionPath } from '../../core/workspace/layout';
import { referencesOf } from '../../core/graph/references';
import { isPackageName } from '../../core/model/packageDraft';
import { isReservedName } from '../../core/model/reservedNames';
import { matchesCurrentVersion } from './versionSettings';
import { schedulesFromManifest, settingsQuotaProblem, triggersFromManifest, type SettingKind } from '../../core/settings/fromManifest';

export const STORE_FILE = 'store.json';
/** What the gateway keeps at the top of its data folder (tightened to 0600 / 0700 on open). */
const DATA_ENTRIES: ReadonlySet<string> = new Set([
  STORE_FILE,
  SECRET_KEY_FILE,
  AUDIT_FILE,
  CONTENT_DIR,
  PACKAGES_DIR,
  'executions',
  'schedule-history.json',
  'local-admin.json',
  'gateway.yaml',
  'oauth',
  'signing',
  'imports',
  'secrets.json',
]);

export interface StoreFileOptions {
  /** Default true: the file's definitions become the repository's current ones. */
  repository?: boolean;
  /** Settings to store instead of taking in the file's (a new version's inherited copies). */
  settings?: { schedules: Schedule[]; triggers: Trigger[] };
  /** The version's status (default SUBMITTED: an upload; APPLIED: an import applied). */
  status?: PackageStatus;
  /** Extra fields of the version record (signer, origin), written with it. */
  record?: Pick<StoredVersion, 'signer' | 'origin'>;
  /**
   * Signatures (issue 10). Absent (an upload, a new version built by the gateway): a file that
   * carries `signature.jws` is verified against the store's trust (`useTrust`: this gateway's keys
   * and every promotion source's trusted keys) before anything else is read — 400
   * `untrusted-signer` or `invalid-signature` — and is stored as it is, `signer` = its key id; an
   * unsigned file is a submission: the gateway signs it with its current key and stores the
   * signed bytes, `signer` = the current key id.
   * `{ signer }`: the caller (promotion's apply) already verified these very bytes against the
   * trust it needs (`trustedForSource`): they are stored as given, not verified or signed again,
   * and the record's `signer` is this one.
   */
  verified?: { signer: string };
  /** Further changes of the store written in the same atomic write as the version (an import's status, an outbox notice). */
  alsoWrite?: (data: StoreData) => void;
}

/** The parsed definitions of one package version. */
export interface VersionContents {
  name: string;
  version: number;
  flows: Map<string, FlowDefinition>;
  connections: Map<string, ConnectionDefinition>;
}

export class PackageStore {
  /** Parsed versions, least recently used first, bounded by LIMITS.parsedVersionsCacheBytes (their texts' bytes). */
  private readonly contents = new Map<string, Promise<VersionContents>>();
  private readonly contentsBytes = new Map<string, number>();
  private contentsTotal = 0;
  /** Serialises uploads so two uploads of one version cannot race. */
  private uploadChain: Promise<unknown> = Promise.resolve();
  private readonly changeListeners = new Set<() => void>();
  /** Whom signatures are checked against and who signs (gateway.ts sets it before serving; absent: neither, as in store-only tests). */
  private trust?: PackageTrust;

  private constructor(
    readonly dataDir: string,
    private readonly db: StoreDb,
    private readonly content: ContentStore,
  ) {
    // A failed write rolled memory back to the disk's state: whatever derived state from it
    // (scheduler, SNMP users, parsed contents) reads it again.
    db.onRollback(() => {
      for (const key of [...this.contents.keys()]) {
        const [name, v] = splitContentsKey(key);
        if (!this.hasVersion(name, v)) this.forgetContents(key);
      }
      this.notify();
    });
  }

  static async open(dataDir: string): Promise<PackageStore> {
    await privateDir(dataDir);
    await tightenTree(dataDir, DATA_ENTRIES, [STORE_FILE, SECRET_KEY_FILE]);
    const secrets = await SecretBox.open(dataDir);
    const content = new ContentStore(dataDir);
    await privateDir(content.dir);
    const codec = storeCodec(secrets, content, dataDir);
    const db = await StoreDb.open(path.join(dataDir, STORE_FILE), codec, emptyStore);
    // Format 1's repository texts are content files now (the migrated document is on disk).
    if (codec.migratedFormat1) await fs.rm(path.join(dataDir, LEGACY_REPOSITORY_DIR), { recursive: true, force: true });
    const store = new PackageStore(dataDir, db, content);
    // Files no state names are removed — unless there was no state to read: then they are kept
    // (a data folder whose store.json went missing is not emptied).
    if (!db.created) await store.sweep();
    return store;
  }

  flush(): Promise<void> {
    return this.db.flush();
  }

  /** Verify uploads' signatures against `trust` and sign unsigned ones with its key (see StoreFileOptions.verified). */
  useTrust(trust: PackageTrust): void {
    this.trust = trust;
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

  /** Writes the store, then tells the listeners. A failed write was rolled back (db.ts) and throws. */
  private async commit(): Promise<void> {
    await this.db.persist();
    this.notify();
  }

  private notify(): void {
    for (const listener of this.changeListeners) {
      try {
        listener();
      } catch (err) {
        console.error(`Flowgate emulator: a store listener failed: ${String(err)}`);
      }
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  /**
   * Every package, descriptions cut to LIMITS.listDescriptionLength (the whole one is in
   * `getPackage`), read one at a time: the answer stays bounded however many packages there are.
   */
  async listPackages(): Promise<PackageSummary[]> {
    const packages = Object.values(this.db.data.packages).sort((a, b) => a.name.localeCompare(b.name));
    const out: PackageSummary[] = [];
    for (const p of packages) out.push(await this.summary(p, LIMITS.listDescriptionLength));
    return out;
  }

  getPackage(name: string): Promise<PackageSummary> {
    return this.summary(this.pkg(name));
  }

  async getVersion(name: string, version: number): Promise<PackageVersionDetail> {
    const pkg = this.pkg(name);
    const v = this.ver(pkg, version);
    const m = v.manifest;
    const summary = this.versionSummary(pkg, v);
    const description = m.descriptionSha256 !== undefined ? await this.text(m.descriptionSha256) : undefined;
    const instructions = (await this.text(m.instructionsSha256)) ?? '';
    return {
      ...summary,
      name: pkg.name,
      ...(description !== undefined ? { description } : {}),
      createdAt: m.createdAt,
      createdBy: m.createdBy,
      definitions: m.definitions,
      instructions,
      authorisation: v.authorisation,
      flows: v.flows,
    };
  }

  /** A content text; a missing or damaged one is reported on stderr and read as absent. */
  private async text(sha256: string): Promise<string | undefined> {
    const t = await this.content.get(sha256);
    if (t === undefined) console.error(`Flowgate emulator: content ${sha256} is missing or damaged in ${this.content.dir}`);
    return t;
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
    // Quotas from the declared sizes first: nothing is inflated or parsed beyond them.
    checkDeclaredSizes(bytes);
    let parsed: Awaited<ReturnType<typeof readPackageFile>>;
    try {
      // Declared sizes passed the quotas; an entry that inflates beyond what it declared stops at the version's quota.
      // The signature first (unless the caller verified these bytes): nothing of a file whose signer is not trusted is parsed.
      const trust = opts.verified ? undefined : this.trust;
      parsed = await readPackageFile(bytes, {
        maxUncompressedBytes: LIMITS.versionContentBytes + LIMITS.manifestBytes + LIMITS.signatureEntryBytes,
        ...(trust ? { verifySignature: { isTrusted: trust.trustedForUpload } } : {}),
      });
    } catch (err) {
      const e = err as { field?: unknown; message?: unknown };
      if (isUntrustedSigner(err)) {
        throw new ApiError(400, 'untrusted-signer', `Untrusted signer: ${String(e.message)} Trust it by adding its key id to promotion.sources[].trustedKeys in gateway.yaml (flowgate keys show on the gateway that signed it).`, [
          { field: 'signature', message: 'signed by a key this gateway does not trust' },
        ]);
      }
      if (e?.field === 'signature') {
        throw new ApiError(400, 'invalid-signature', `Invalid signature: ${String(e.message)}`, [{ field: 'signature', message: String(e.message) }]);
      }
      if (err && typeof e.field === 'string') {
        const message = String(e.message ?? 'invalid');
        throw new ApiError(400, 'invalid-package-file', `Invalid package file: ${e.field}: ${message}`, [
          { field: e.field, message },
        ]);
      }
      throw new ApiError(400, 'invalid-package-file', `Invalid package file: ${(err as Error)?.message ?? String(err)}`);
    }
    const { manifest } = parsed;
    if (isReservedName(manifest.name)) {
      throw new ApiError(400, 'invalid-package-file', `Invalid package file: manifest.name: '${manifest.name}' is a reserved name`, [
        { field: 'manifest.name', message: 'reserved name' },
      ]);
    }
    // A package uses only its own connections: a flow naming one the file does not carry could never run.
    const carried = new Set(parsed.connections.map((c) => c.id));
    const missingConnections: ApiErrorDetail[] = [];
    for (const f of parsed.flows) {
      for (const ref of referencesOf(f)) {
        if (ref.to.kind !== 'connection' || carried.has(ref.to.id) || missingConnections.length >= 20) continue;
        missingConnections.push({
          field: `${definitionPath('flow', f.id)}.${ref.path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[')}`,
          message: `uses connection '${ref.to.id}', which is not in the package (a package uses only its own connections)`,
        });
      }
    }
    if (missingConnections.length) throw invalidPackageFile(missingConnections);
    // The name and version become a file path: bounded before anything is written.
    if (manifest.name.length > LIMITS.nameLength) {
      throw new ApiError(400, 'invalid-package-file', `Invalid package file: manifest.name: at most ${LIMITS.nameLength} characters (found ${manifest.name.length})`, [
        { field: 'manifest.name', message: `at most ${LIMITS.nameLength} characters` },
      ]);
    }
    if (manifest.version > LIMITS.maxVersion) {
      throw new ApiError(400, 'invalid-package-file', `Invalid package file: manifest.version: at most ${LIMITS.maxVersion}`, [
        { field: 'manifest.version', message: `at most ${LIMITS.maxVersion}` },
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
    if (!existingPkg && Object.keys(this.db.data.packages).length >= LIMITS.packagesPerGateway) {
      throw new ApiError(507, 'quota-exceeded', `This gateway holds ${LIMITS.packagesPerGateway} packages, the most it keeps; delete packages first`, [
        { field: 'manifest.name', message: `a new package beyond ${LIMITS.packagesPerGateway}` },
      ]);
    }
    const contentBytes = checkVersionTexts({
      ...(manifest.description !== undefined ? { description: manifest.description } : {}),
      instructions: parsed.instructions,
      definitions: manifest.definitions.length,
      texts: parsed.sources,
    });
    checkPackageTotal(
      manifest.name,
      Object.values(existingPkg?.versions ?? {}).reduce((n, v) => n + (v.contentBytes ?? 0), 0),
      contentBytes,
    );

    const triggers = opts.settings?.triggers ?? taken(triggersFromManifest(manifest.triggers, parsed.flows.map(flowSignature)));
    this.checkQuota('triggers', triggers.length, 'manifest.triggers');
    const schedules = opts.settings?.schedules ?? taken(schedulesFromManifest(manifest.schedules, parsed.flows.map(flowSignature)));
    this.checkQuota('schedules', schedules.length, 'manifest.schedules');
    const flows = parsed.flows.map(flowSignature).sort((a, b) => a.id.localeCompare(b.id));
    const rel = packageFileRelPath(manifest.name, manifest.version);
    // Who signed the file as it is stored: the caller's verified signer, the verified signature's
    // key, or — an unsigned file, a submission — this gateway, which signs it now as its creator.
    let signer = opts.verified?.signer ?? parsed.signer;
    if (!opts.verified && this.trust && !parsed.signer) {
      bytes = await this.trust.sign(bytes);
      signer = this.trust.currentKid;
    }
    const now = new Date().toISOString();
    const record = (descriptionSha256: string | undefined, instructionsSha256: string): StoredVersion => ({
      version: manifest.version,
      published: false,
      status: opts.status ?? 'SUBMITTED',
      uploadedAt: now,
      contentDigest: manifest.contentDigest,
      publishSeq: null,
      publishedAt: null,
      unpublishedAt: null,
      file: rel,
      manifest: {
        ...(descriptionSha256 !== undefined ? { descriptionSha256 } : {}),
        createdAt: manifest.createdAt,
        createdBy: manifest.createdBy,
        definitions: manifest.definitions,
        instructionsSha256,
      },
      contentBytes,
      flows,
      authorisation: { groups: [...(manifest.authorisation?.groups ?? [])] },
      // Schedules and triggers of the file, checked and given ids by their own modules.
      schedules,
      triggers,
      ...(opts.record ?? {}),
      ...(signer !== undefined ? { signer } : {}),
    });
    checkVersionRecord(record(undefined, '0'.repeat(64)));

    // Files first (durable), then the state that names them; on any failure, the files no state
    // names are removed again, and memory is as before (db.ts rolls a failed write back).
    const file = path.join(this.dataDir, rel);
    try {
      const descriptionSha256 = manifest.description !== undefined ? await this.content.put(manifest.description) : undefined;
      const instructionsSha256 = await this.content.put(parsed.instructions);
      // The repository keeps each definition's current text (content-addressed by its SHA-256).
      if (opts.repository !== false) for (const src of parsed.sources) await this.content.put(src.text);
      await writeFileDurable(file, bytes);

      const pkg: StoredPackage =
        existingPkg ?? (this.db.data.packages[manifest.name] = { name: manifest.name, explicitDefaultVersion: null, versions: {} });
      if (descriptionSha256 !== undefined) pkg.descriptionSha256 = descriptionSha256;
      pkg.versions[String(manifest.version)] = record(descriptionSha256, instructionsSha256);
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
      opts.alsoWrite?.(this.db.data);
      await this.commit();
    } catch (err) {
      await this.removeUnreferenced().catch((e) => console.error(`Flowgate emulator: cleaning up after a failed upload: ${String(e)}`));
      throw writeFailure(err);
    }
    this.cacheContents(
      contentsKey(manifest.name, manifest.version),
      Promise.resolve(toContents(manifest.name, manifest.version, parsed.flows, parsed.connections)),
      contentBytes,
    );
    return { name: manifest.name, version: manifest.version, created: true };
  }

  /**
   * A change of state outside package uploads (promotion's imports, outbox, histories): `fn`
   * changes `data` in memory and answers; the change is written at once, all or nothing (a failed
   * write rolls memory back and throws). Runs alone among uploads and new versions. `fn` may throw
   * before changing anything (an ApiError), and nothing is written then.
   */
  mutate<T>(fn: (data: StoreData) => T | Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const out = await fn(this.db.data);
      await this.commit();
      return out;
    });
  }

  /** The state as it is now (read only: change it through `mutate`). */
  get state(): Readonly<StoreData> {
    return this.db.data;
  }

  // ---- delete --------------------------------------------------------------------------------

  /** Remove an unpublished version (409 `version-published` otherwise); the route's audit record says which. */
  deleteVersion(name: string, version: number): Promise<number[]> {
    return this.exclusive(async () => {
      const pkg = this.pkg(name);
      const v = this.ver(pkg, version);
      if (v.published) {
        throw conflict('version-published', `Version ${version} of package ${name} is published; unpublish it before deleting it`, [
          { field: 'version', message: 'published' },
        ]);
      }
      this.dropVersions(pkg, [version]);
      await this.commit();
      await this.afterDelete(name, [version]);
      return [version];
    });
  }

  /** Remove a package none of whose versions is published (409 `version-published` otherwise); the versions removed. */
  deletePackage(name: string): Promise<number[]> {
    return this.exclusive(async () => {
      const pkg = this.pkg(name);
      const published = Object.values(pkg.versions).filter((v) => v.published).map((v) => v.version).sort((a, b) => a - b);
      if (published.length) {
        throw conflict('version-published', `Package ${name} has published versions (${published.join(', ')}); unpublish them before deleting the package`, published.map((v) => ({ field: `versions[${v}]`, message: 'published' })));
      }
      const versions = Object.values(pkg.versions).map((v) => v.version).sort((a, b) => a - b);
      this.dropVersions(pkg, versions);
      await this.commit();
      await this.afterDelete(name, versions);
      return versions;
    });
  }

  /**
   * In memory: the versions go, with their schedules and triggers (the scheduler and the SNMP
   * service read the store again on the change); explicit defaults naming them are cleared; a
   * package left without versions goes, and the default package setting with it. The
   * repository's definitions stay (their texts are content files of their own).
   */
  private dropVersions(pkg: StoredPackage, versions: number[]): void {
    for (const v of versions) {
      delete pkg.versions[String(v)];
      if (pkg.explicitDefaultVersion === v) pkg.explicitDefaultVersion = null;
    }
    if (Object.keys(pkg.versions).length === 0) {
      delete this.db.data.packages[pkg.name];
      if (this.db.data.defaultPackage === pkg.name) this.db.data.defaultPackage = null;
    }
  }

  /** Once the state is on disk: the files nothing names any more (the route's audit record follows). */
  private async afterDelete(name: string, versions: number[]): Promise<void> {
    for (const v of versions) this.forgetContents(contentsKey(name, v));
    await this.removeUnreferenced().catch((e) => console.error(`Flowgate emulator: removing deleted files: ${String(e)}`));
  }

  /**
   * Remove package files and content files that no state names (call inside `exclusive`, or
   * before serving): what a failed upload, a deletion or a crash between the two writes left.
   */
  private async removeUnreferenced(): Promise<void> {
    const data = this.db.data;
    const files = new Set<string>();
    const texts = new Set<string>();
    for (const pkg of Object.values(data.packages)) {
      if (pkg.descriptionSha256) texts.add(pkg.descriptionSha256);
      for (const v of Object.values(pkg.versions)) {
        files.add(path.normalize(v.file));
        if (v.manifest.descriptionSha256) texts.add(v.manifest.descriptionSha256);
        texts.add(v.manifest.instructionsSha256);
      }
    }
    for (const d of Object.values(data.definitions)) texts.add(d.sha256);
    await this.content.collect(texts);

    // Package files: only names the store writes (`<name>/<version>.fgpkg`, temporary files) are considered.
    const root = path.join(this.dataDir, PACKAGES_DIR);
    let dirs: string[];
    try {
      dirs = await fs.readdir(root);
    } catch {
      return;
    }
    let removedDir = false;
    for (const dir of dirs) {
      if (!isPackageName(dir)) continue;
      const folder = path.join(root, dir);
      const st = await fs.lstat(folder).catch(() => undefined);
      if (!st?.isDirectory()) continue;
      const names = await fs.readdir(folder).catch(() => [] as string[]);
      let removed = 0;
      for (const n of names) {
        if (!(/^[1-9][0-9]{0,8}\.fgpkg$/.test(n) || TEMP_FILE_PATTERN.test(n))) continue;
        if (files.has(path.normalize(`${PACKAGES_DIR}/${dir}/${n}`))) continue;
        await fs.rm(path.join(folder, n), { force: true });
        removed++;
      }
      if (removed) await fsyncDir(folder);
      if (removed === names.length) {
        await fs.rmdir(folder).catch(() => undefined);
        removedDir = true;
      }
    }
    if (removedDir) await fsyncDir(root);
  }

  /** At open: files left by an interrupted upload or deletion go. */
  private sweep(): Promise<void> {
    return this.exclusive(() => this.removeUnreferenced());
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

  /** Replace a version's authorisation groups (names checked by the caller against the directory). */
  async setAuthorisation(name: string, version: number, groups: readonly string[]): Promise<string[]> {
    const v = this.ver(this.pkg(name), version);
    const next = [...new Set(groups)];
    const before = v.authorisation?.groups ?? [];
    if (before.length !== next.length || before.some((g, i) => g !== next[i])) {
      v.authorisation = { groups: next };
      await this.commit();
    }
    return [...next];
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
    if (p) {
      // Most recently used last.
      this.contents.delete(key);
      this.contents.set(key, p);
      return p;
    }
    const file = this.versionFilePath(name, version);
    const bytes = this.storedVersion(name, version).contentBytes ?? 0;
    p = fs
      .readFile(file)
      .then((b) => readPackageFile(new Uint8Array(b)))
      .then((c) => toContents(name, version, c.flows, c.connections));
    const mine = p;
    p.catch(() => {
      if (this.contents.get(key) === mine) this.forgetContents(key);
    });
    this.cacheContents(key, p, bytes);
    return p;
  }

  private cacheContents(key: string, p: Promise<VersionContents>, bytes: number): void {
    this.forgetContents(key);
    this.contents.set(key, p);
    this.contentsBytes.set(key, bytes);
    this.contentsTotal += bytes;
    for (const oldest of this.contents.keys()) {
      if (this.contentsTotal <= LIMITS.parsedVersionsCacheBytes || oldest === key) break;
      this.forgetContents(oldest);
    }
  }

  private forgetContents(key: string): void {
    if (!this.contents.delete(key)) return;
    this.contentsTotal -= this.contentsBytes.get(key) ?? 0;
    this.contentsBytes.delete(key);
  }

  /** The current text of a repository definition: its content file, else the package file that wrote it. */
  async repositoryText(kind: DefinitionKind, id: string): Promise<{ text: string; sha256: string } | undefined> {
    const d = this.definition(kind, id);
    if (!d) return undefined;
    const text = await this.content.get(d.sha256);
    if (text !== undefined) return { text, sha256: d.sha256 };
    if (!this.hasVersion(d.source.packageName, d.source.version)) return undefined;
    const bytes = await fs.readFile(this.versionFilePath(d.source.packageName, d.source.version)).catch(() => undefined);
    if (!bytes) return undefined;
    const src = (await readPackageFile(new Uint8Array(bytes))).sources.find((s) => s.kind === kind && s.id === id);
    return src ? { text: src.text, sha256: d.sha256 } : undefined;
  }

  private definition(kind: DefinitionKind, id: string) {
    const key = definitionKey(kind, id);
    return Object.prototype.hasOwnProperty.call(this.db.data.definitions, key) ? this.db.data.definitions[key] : undefined;
  }

  private hasVersion(name: string, version: number): boolean {
    const p = Object.prototype.hasOwnProperty.call(this.db.data.packages, name) ? this.db.data.packages[name] : undefined;
    return !!p && Object.prototype.hasOwnProperty.call(p.versions, String(version));
  }

  // ---- live settings: schedules, triggers, SNMPv3 users ---------------------------------------
  // Every change goes through a method here: checked, made in memory, written (all or nothing:
  // a failed write rolls memory back, db.ts), then `onDidChange` listeners hear of it. Callers
  // read stored objects and never change them.

  /** A stored version, read-only (its schedules and triggers included): 404 for an unknown package or version. */
  storedVersion(name: string, version: number): ReadonlyVersion {
    return this.ver(this.pkg(name), version);
  }

  /** Every stored version with its package name, packages and versions in order (read-only). */
  storedVersions(): { packageName: string; version: ReadonlyVersion }[] {
    return Object.values(this.db.data.packages)
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((p) => Object.values(p.versions).sort((a, b) => a.version - b.version).map((version) => ({ packageName: p.name, version })));
  }

  /** SNMPv3 users with their keys (read-only): never answer or log them. */
  snmpUsers(): Readonly<Record<string, Readonly<SnmpUserSpec>>> {
    return (this.db.data.snmpUsers ??= {});
  }

  /** Add a schedule: 409 `already-exists` for a name the version uses, 413 `quota-exceeded` past a quota (field `body`). */
  addSchedule(name: string, version: number, schedule: Schedule): Promise<Schedule> {
    return this.addSetting('schedule', name, version, schedule);
  }

  /** Replace the schedule with `schedule.id`: 404 `not-found`, 409 `already-exists` for a name another one uses. */
  replaceSchedule(name: string, version: number, schedule: Schedule): Promise<Schedule> {
    return this.replaceSetting('schedule', name, version, schedule);
  }

  /** Delete a schedule (404 `not-found`); answers it. */
  deleteSchedule(name: string, version: number, id: string): Promise<Schedule> {
    return this.deleteSetting<Schedule>('schedule', name, version, id);
  }

  /** Add a trigger: 409 `already-exists` for a name the version uses, 413 `quota-exceeded` past a quota (field `body`). */
  addTrigger(name: string, version: number, trigger: Trigger): Promise<Trigger> {
    return this.addSetting('trigger', name, version, trigger);
  }

  /** Replace the trigger with `trigger.id`: 404 `not-found`, 409 `already-exists` for a name another one uses. */
  replaceTrigger(name: string, version: number, trigger: Trigger): Promise<Trigger> {
    return this.replaceSetting('trigger', name, version, trigger);
  }

  /** Delete a trigger (404 `not-found`); answers it. */
  deleteTrigger(name: string, version: number, id: string): Promise<Trigger> {
    return this.deleteSetting<Trigger>('trigger', name, version, id);
  }

  /** The version's schedules or triggers, as the stored list (changed only by the three methods below). */
  private settingsList<T extends Schedule | Trigger>(kind: 'schedule' | 'trigger', v: StoredVersion): T[] {
    return (kind === 'schedule' ? (v.schedules ??= []) : (v.triggers ??= [])) as T[];
  }

  private async addSetting<T extends Schedule | Trigger>(kind: 'schedule' | 'trigger', name: string, version: number, item: T): Promise<T> {
    const v = this.ver(this.pkg(name), version);
    const list = this.settingsList<T>(kind, v);
    this.checkName(kind, list, item);
    this.checkQuota(kind === 'schedule' ? 'schedules' : 'triggers', 1, 'body', list.length);
    list.push(item);
    await this.commit();
    return item;
  }

  private async replaceSetting<T extends Schedule | Trigger>(kind: 'schedule' | 'trigger', name: string, version: number, item: T): Promise<T> {
    const v = this.ver(this.pkg(name), version);
    const list = this.settingsList<T>(kind, v);
    const i = this.indexOf(kind, name, v, list, item.id);
    this.checkName(kind, list, item);
    list[i] = item;
    await this.commit();
    return item;
  }

  private async deleteSetting<T extends Schedule | Trigger>(kind: 'schedule' | 'trigger', name: string, version: number, id: string): Promise<T> {
    const v = this.ver(this.pkg(name), version);
    const list = this.settingsList<T>(kind, v);
    const [gone] = list.splice(this.indexOf(kind, name, v, list, id), 1);
    await this.commit();
    return gone;
  }

  /**
   * Add or replace an SNMPv3 user (a checked spec). `mustBeNew`: 409 `already-exists` when the
   * name is taken. A new user past LIMITS.snmpUsers is 413 `quota-exceeded` (every user is
   * registered with the receiver on each change). Answers whether the user is new.
   */
  async putSnmpUser(user: SnmpUserSpec, mustBeNew = false): Promise<{ created: boolean }> {
    const users = (this.db.data.snmpUsers ??= {});
    const exists = Object.prototype.hasOwnProperty.call(users, user.name);
    if (exists && mustBeNew) {
      throw new ApiError(409, 'already-exists', `SNMPv3 user ${user.name} already exists; replace it with PUT /api/v1/snmp/users/${user.name}`);
    }
    if (!exists && Object.keys(users).length >= LIMITS.snmpUsers) {
      const message = `the gateway holds at most ${LIMITS.snmpUsers} SNMPv3 users`;
      throw new ApiError(413, 'quota-exceeded', `Quota exceeded: body: ${message}`, [{ field: 'body', message }]);
    }
    users[user.name] = { ...user };
    await this.commit();
    return { created: !exists };
  }

  /** Delete an SNMPv3 user (404 `not-found`). */
  async deleteSnmpUser(userName: string): Promise<void> {
    const users = (this.db.data.snmpUsers ??= {});
    if (!Object.prototype.hasOwnProperty.call(users, userName)) throw notFound('not-found', `There is no SNMPv3 user ${userName} on this gateway`);
    delete users[userName];
    await this.commit();
  }

  /** 409 `already-exists` (field `name`) when another item of `list` has `item`'s name. */
  private checkName(kind: 'schedule' | 'trigger', list: readonly (Schedule | Trigger)[], item: Schedule | Trigger): void {
    const clash = list.find((x) => x.id !== item.id && x.name === item.name);
    if (clash) {
      throw conflict('already-exists', `This version already has a ${kind} named '${clash.name}' (${clash.id})`, [
        { field: 'name', message: `already used by another ${kind} of this version` },
      ]);
    }
  }

  private indexOf(kind: 'schedule' | 'trigger', name: string, v: StoredVersion, list: readonly { id: string }[], id: string): number {
    const i = list.findIndex((x) => x.id === id);
    if (i < 0) throw notFound('not-found', `Package ${name} version ${v.version} has no ${kind} ${id}`);
    return i;
  }

  /** 413 `quota-exceeded` naming `field` when `adding` schedules / triggers pass a quota (core/settings). */
  private checkQuota(kind: SettingKind, adding: number, field: string, versionHas = 0): void {
    const problem = settingsQuotaProblem(kind, this.storedVersions().map((x) => x.version), adding, field, versionHas);
    if (problem) throw new ApiError(413, 'quota-exceeded', `Quota exceeded: ${problem.field}: ${problem.message}`, [problem]);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private pkg(name: string): StoredPackage {
    const p = Object.prototype.hasOwnProperty.call(this.db.data.packages, name) ? this.db.data.packages[name] : undefined;
    if (!p) throw notFound('package-not-found', `Package ${name} does not exist on this gateway`);
    return p;
  }

  private ver(pkg: StoredPackage, version: number): StoredVersion {
    const v = Object.prototype.hasOwnProperty.call(pkg.versions, String(version)) ? pkg.versions[String(version)] : undefined;
    if (!v) throw notFound('version-not-found', `Package ${pkg.name} has no version ${version} on this gateway`);
    return v;
  }

  private async summary(pkg: StoredPackage, descriptionLength?: number): Promise<PackageSummary> {
    const state = defaultVersionOf(pkg);
    const isDefault = this.db.data.defaultPackage === pkg.name;
    const versions = Object.values(pkg.versions)
      .sort((a, b) => a.version - b.version)
      .map((v) => this.versionSummary(pkg, v, state.defaultVersion));
    let description = pkg.descriptionSha256 !== undefined ? await this.text(pkg.descriptionSha256) : undefined;
    if (description !== undefined && descriptionLength !== undefined && description.length > descriptionLength) {
      description = `${description.slice(0, descriptionLength - 1)}…`;
    }
    return {
      name: pkg.name,
      ...(description !== undefined ? { description } : {}),
      isDefault,
      defaultVersion: state.defaultVersion,
      defaultIsExplicit: state.defaultIsExplicit,
      versions,
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

/** Settings taken from a manifest, or 400 `invalid-package-file` naming each field at fault. */
function taken<T>(r: { ok: true; value: T[] } | { ok: false; problems: ApiErrorDetail[] }): T[] {
  if (!r.ok) throw invalidPackageFile(r.problems);
  return r.value;
}

function contentsKey(name: string, version: number): string {
  return `${name}@${version}`;
}

function splitContentsKey(key: string): [string, number] {
  const at = key.lastIndexOf('@');
  return [key.slice(0, at), Number(key.slice(at + 1))];
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
