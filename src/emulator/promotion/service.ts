/**
 * Promotion, target side (DESIGN.md "Promotion"): the configured sources, imports
 * (OPEN → APPLIED | REJECTED), validation against this gateway, reference replacements, the apply
 * preview, apply and reject; every change of an import is written with its outbox notice in ONE
 * atomic store write (outbox.ts delivers the notices to the source).
 *
 * An import's file is `<data>/imports/<id>.fgpkg`: the source's signed file exactly as pulled,
 * verified before it was stored. A file no import names (a crash between the two writes) is
 * removed at start.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type {
  ImportActionResponse,
  ImportCreatedResponse,
  ImportDetail,
  ImportRequest,
  ImportSummary,
  OfferedVersion,
  PackageListResponse as PackageListResponseT,
  PreviewEntry,
  PreviewResponse,
  Replacement,
  SourceSummary,
} from '../../core/api/types';
import { PackageListResponse } from '../../core/api/schemas/packages';
import { LIMITS } from '../../core/limits';
import { buildPackageFile, readPackageFile, type PackageContents } from '../../core/package/packageFile';
import { PackageFileError } from '../../core/package/errors';
import { isUntrustedSigner } from '../../core/package/signature';
import { sha256Hex } from '../../core/package/sha256';
import { ApiError, badRequest, conflict, notFound } from '../errors';
import type { PackageStore } from '../store/packageStore';
import type { OutboxNotice, StoredImport, StoreData } from '../store/schema';
import { writeFileDurable, fsyncDir } from '../store/durableFile';
import { checkDeclaredSizes } from '../store/quotas';
import { check } from '../http/validate';
import { Outbox } from './outbox';
import { planImport, type ImportPlan } from './plan';
import { sourceFailure } from './sourceErrors';
import type { PromotionSource } from './sources';

export const IMPORTS_DIR = 'imports';
const IMPORT_FILE = /^imp-[0-9a-f]{20}\.fgpkg$/;
/** Parsed import files kept in memory. */
const PARSED_CACHE = 4;

export interface PromotionOptions {
  store: PackageStore;
  dataDir: string;
  gatewayName: string;
  sources: PromotionSource[];
  hasSecret(name: string): boolean;
}

export class PromotionService {
  readonly outbox: Outbox;
  private readonly sources: Map<string, PromotionSource>;
  private readonly parsed = new Map<string, Promise<PackageContents>>();
  private readonly pulling = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: PromotionOptions) {
    this.sources = new Map(opts.sources.map((s) => [s.name, s]));
    this.outbox = new Outbox(opts.store, this.sources, opts.gatewayName);
  }

  /** At start: import files no import names are removed; waiting notices are delivered. */
  async start(): Promise<void> {
    await this.opts.store.exclusive(async () => {
      const dir = path.join(this.opts.dataDir, IMPORTS_DIR);
      const named = new Set(Object.values(this.opts.store.state.imports ?? {}).map((i) => path.basename(i.file)));
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      let removed = 0;
      for (const n of names) {
        if ((IMPORT_FILE.test(n) && !named.has(n)) || /^\.fg-[0-9a-f]{16}\.tmp$/.test(n)) {
          await fs.rm(path.join(dir, n), { force: true });
          removed++;
        }
      }
      if (removed) await fsyncDir(dir);
    });
    this.outbox.kick();
  }

  close(): Promise<void> {
    return this.outbox.close();
  }

  // ---- sources ---------------------------------------------------------------------------------

  listSources(): SourceSummary[] {
    return [...this.sources.values()].map((s) => ({ name: s.name, url: s.url, trustedKeys: [...s.trustedKeys] }));
  }

  private source(name: string, field = 'source'): PromotionSource {
    const s = this.sources.get(name);
    if (!s) {
      throw new ApiError(404, 'source-not-found', `There is no source ${name} in this gateway's configuration (gateway.yaml promotion.sources)`, [
        { field, message: 'not a configured source' },
      ]);
    }
    return s;
  }

  /** The source's versions that can be pulled (not OPEN, not REJECTED there), each with this gateway's import of it. */
  async sourcePackages(name: string): Promise<OfferedVersion[]> {
    const source = this.source(name);
    let answer: unknown;
    try {
      answer = await source.client.listPackages();
    } catch (err) {
      throw sourceFailure(source, err, 'listing its packages');
    }
    let list: PackageListResponseT;
    try {
      list = check(PackageListResponse, answer, 'body');
    } catch (err) {
      throw sourceFailure(source, new Error(`its answer to GET /api/v1/packages is not a package list (${String((err as Error).message).slice(0, 200)})`), 'listing its packages');
    }
    const imports = this.importsOf(name);
    const out: OfferedVersion[] = [];
    for (const p of list.packages) {
      for (const v of p.versions) {
        if (v.status === 'OPEN' || v.status === 'REJECTED') continue;
        const imp = imports.get(`${p.name}@${v.version}`);
        out.push({
          name: p.name,
          version: v.version,
          status: v.status,
          uploadedAt: v.uploadedAt,
          contentDigest: v.contentDigest,
          ...(p.description !== undefined ? { description: p.description } : {}),
          ...(imp ? { importId: imp.id, importStatus: imp.status } : {}),
        });
      }
    }
    return out;
  }

  private importsOf(source: string): Map<string, StoredImport> {
    const m = new Map<string, StoredImport>();
    for (const i of Object.values(this.opts.store.state.imports ?? {})) if (i.source === source) m.set(`${i.name}@${i.version}`, i);
    return m;
  }

  // ---- imports: reading ------------------------------------------------------------------------

  private stored(id: string): StoredImport {
    const all = this.opts.store.state.imports ?? {};
    const imp = Object.prototype.hasOwnProperty.call(all, id) ? all[id] : undefined;
    if (!imp) throw notFound('import-not-found', `There is no import ${id} on this gateway`);
    return imp;
  }

  private file(imp: StoredImport): Promise<PackageContents> {
    let p = this.parsed.get(imp.id);
    if (p) {
      this.parsed.delete(imp.id);
      this.parsed.set(imp.id, p);
      return p;
    }
    p = fs
      .readFile(path.join(this.opts.dataDir, imp.file))
      .then((b) => readPackageFile(new Uint8Array(b)))
      .catch((err: unknown) => {
        console.error(`Flowgate emulator: the file of import ${imp.id} (${imp.file}) cannot be read: ${String((err as Error)?.message ?? err)}`);
        throw new ApiError(500, 'internal', `The file of import ${imp.id} is missing or damaged in this gateway's data folder (${imp.file}); pull the version again after removing the import`);
      });
    p.catch(() => this.parsed.delete(imp.id));
    this.parsed.set(imp.id, p);
    while (this.parsed.size > PARSED_CACHE) this.parsed.delete(this.parsed.keys().next().value as string);
    return p;
  }

  listImports(): ImportSummary[] {
    const waiting = new Set(this.outbox.pending().map((n) => n.importId));
    return Object.values(this.opts.store.state.imports ?? {})
      .sort((a, b) => (a.pulledAt < b.pulledAt ? 1 : a.pulledAt > b.pulledAt ? -1 : a.id < b.id ? 1 : -1))
      .map((i) => this.summary(i, waiting));
  }

  private summary(i: StoredImport, waiting?: ReadonlySet<string>): ImportSummary {
    return {
      id: i.id,
      source: i.source,
      name: i.name,
      version: i.version,
      status: i.status,
      pulledAt: i.pulledAt,
      pulledBy: i.pulledBy,
      signer: i.signer,
      contentDigest: i.contentDigest,
      sourceNotified: waiting ? !waiting.has(i.id) : !this.outbox.pending().some((n) => n.importId === i.id),
    };
  }

  async getImport(id: string): Promise<ImportDetail> {
    const imp = this.stored(id);
    const file = await this.file(imp);
    return this.detail(imp, file, await this.plan(imp, file));
  }

  private plan(imp: StoredImport, file: PackageContents, replacements: readonly Replacement[] = imp.replacements): Promise<ImportPlan> {
    return planImport(file, replacements, { store: this.opts.store, hasSecret: this.opts.hasSecret });
  }

  private detail(imp: StoredImport, file: PackageContents, plan: ImportPlan): ImportDetail {
    const m = file.manifest;
    const waiting = this.outbox.pending().filter((n) => n.importId === imp.id && n.lastError);
    const notifyError = waiting.length ? waiting[waiting.length - 1].lastError : undefined;
    return {
      ...this.summary(imp),
      ...(m.description !== undefined ? { description: m.description } : {}),
      instructions: file.instructions,
      definitions: m.definitions,
      authorisation: { groups: [...m.authorisation.groups] },
      schedules: m.schedules.length,
      triggers: m.triggers.length,
      replacements: imp.replacements.map((r) => ({ ...r })),
      validation: imp.status === 'OPEN' ? this.withState(imp, plan.validation) : plan.validation,
      ...(imp.appliedAt ? { appliedAt: imp.appliedAt } : {}),
      ...(imp.appliedBy ? { appliedBy: imp.appliedBy } : {}),
      ...(imp.rejectedAt ? { rejectedAt: imp.rejectedAt } : {}),
      ...(imp.rejectedBy ? { rejectedBy: imp.rejectedBy } : {}),
      ...(imp.reason ? { reason: imp.reason } : {}),
      ...(notifyError ? { notifyError } : {}),
    };
  }

  /** Validation plus what the gateway's state says now: a version conflict (error), a rollback (warning: apply needs allowRollback). */
  private withState(imp: StoredImport, v: ImportPlan['validation']): ImportPlan['validation'] {
    const problems = [...v.problems];
    const conflictWith = this.versionConflict(imp.name, imp.version, imp.contentDigest, imp.id);
    if (conflictWith) problems.unshift({ severity: 'error', code: 'version-conflict', message: conflictWith });
    const highest = this.highestApplied(imp.name);
    if (highest !== undefined && imp.version < highest) {
      problems.push({ severity: 'warning', code: 'rollback', message: `version ${imp.version} is lower than version ${highest} of ${imp.name} this gateway already applied; apply needs allowRollback` });
    }
    return { ok: v.ok && !conflictWith, problems: problems.slice(0, LIMITS.validationProblems) };
  }

  // ---- rules -----------------------------------------------------------------------------------

  private highestApplied(name: string): number | undefined {
    const pkgs = this.opts.store.state.packages;
    const pkg = Object.prototype.hasOwnProperty.call(pkgs, name) ? pkgs[name] : undefined;
    // Applied here from an import: its status may have moved on since (PROMOTED when a further target applied it).
    const applied = Object.values(pkg?.versions ?? {}).filter((v) => v.origin !== undefined || v.status === 'APPLIED').map((v) => v.version);
    return applied.length ? Math.max(...applied) : undefined;
  }

  /** Why name@version cannot come from content `digest` here (it exists with other content), or undefined. */
  private versionConflict(name: string, version: number, digest: string, importId?: string): string | undefined {
    const pkgs = this.opts.store.state.packages;
    const pkg = Object.prototype.hasOwnProperty.call(pkgs, name) ? pkgs[name] : undefined;
    const v = pkg && Object.prototype.hasOwnProperty.call(pkg.versions, String(version)) ? pkg.versions[String(version)] : undefined;
    if (!v) return undefined;
    if (importId !== undefined && v.origin?.importId === importId) return undefined;
    const existing = v.origin?.sourceDigest ?? v.contentDigest;
    if (existing === digest && importId === undefined) return undefined;
    return existing === digest
      ? `package ${name} version ${version} already exists on this gateway (${v.origin ? `applied from import ${v.origin.importId}` : 'uploaded here'}); versions are immutable`
      : `package ${name} version ${version} already exists on this gateway with other content (${existing}); versions are immutable — the source must submit a new version`;
  }

  private checkRollback(name: string, version: number, allow: boolean | undefined): void {
    const highest = this.highestApplied(name);
    if (highest !== undefined && version < highest && !allow) {
      throw conflict('rollback-refused', `Version ${version} of ${name} is lower than version ${highest} this gateway already applied (rollback protection); pass allowRollback: true to take it anyway`, [
        { field: 'version', message: `lower than the applied version ${highest}` },
      ]);
    }
  }

  // ---- pull ------------------------------------------------------------------------------------

  /** Pull a version from a source: verified, checked, stored, OPEN; the source is told ACCEPTED. */
  async createImport(req: ImportRequest, by: string): Promise<ImportCreatedResponse> {
    const source = this.source(req.source);
    const key = JSON.stringify([req.source, req.name, req.version]);
    // One pull of a version at a time: a second waits, then finds it pulled.
    for (;;) {
      const running = this.pulling.get(key);
      if (!running) break;
      await running.catch(() => undefined);
    }
    const run = this.pull(source, req, by);
    this.pulling.set(key, run);
    try {
      return await run;
    } finally {
      this.pulling.delete(key);
    }
  }

  private existing(source: string, name: string, version: number): StoredImport | undefined {
    return Object.values(this.opts.store.state.imports ?? {}).find((i) => i.source === source && i.name === name && i.version === version);
  }

  private async pull(source: PromotionSource, req: ImportRequest, by: string): Promise<ImportCreatedResponse> {
    const already = this.existing(source.name, req.name, req.version);
    if (already) return { ...(await this.getImport(already.id)), created: false };
    if (Object.keys(this.opts.store.state.imports ?? {}).length >= LIMITS.importsPerGateway) {
      throw new ApiError(507, 'quota-exceeded', `This gateway holds ${LIMITS.importsPerGateway} imports, the most it keeps`, [{ field: 'body', message: 'too many imports' }]);
    }
    this.checkOutboxRoom();
    this.checkRollback(req.name, req.version, req.allowRollback);
    // The source's status: only a submitted (or already accepted / promoted) version is pulled.
    let status: string | undefined;
    try {
      const pkg = await source.client.getPackage(req.name);
      status = Array.isArray(pkg?.versions) ? pkg.versions.find((v) => v?.version === req.version)?.status : undefined;
    } catch (err) {
      throw sourceFailure(source, err, `reading package ${req.name}`);
    }
    if (status === undefined) throw notFound('version-not-found', `Source ${source.name}: package ${req.name} has no version ${req.version}`);
    if (status === 'OPEN' || status === 'REJECTED') {
      throw conflict('not-submitted', `Source ${source.name}: version ${req.version} of ${req.name} is ${status}, not submitted; only a submitted version can be pulled`, [
        { field: 'version', message: `${status} at the source` },
      ]);
    }
    let bytes: Uint8Array;
    try {
      bytes = await source.client.downloadVersion(req.name, req.version);
    } catch (err) {
      throw sourceFailure(source, err, `downloading ${req.name} version ${req.version}`);
    }
    const file = await verifyPulled(bytes, source, req);
    const digest = file.manifest.contentDigest;
    const clash = this.versionConflict(req.name, req.version, digest);
    if (clash) throw conflict('version-conflict', clash.charAt(0).toUpperCase() + clash.slice(1), [{ field: 'version', message: 'exists with other content' }]);

    // The file first (durable), then the import and its notice in one write.
    const id = `imp-${randomBytes(10).toString('hex')}`;
    const rel = `${IMPORTS_DIR}/${id}.fgpkg`;
    await writeFileDurable(path.join(this.opts.dataDir, rel), bytes);
    const now = new Date().toISOString();
    let created: StoredImport | undefined;
    try {
      created = await this.opts.store.mutate((data) => {
        const again = Object.values(data.imports ?? {}).find((i) => i.source === source.name && i.name === req.name && i.version === req.version);
        if (again) return undefined;
        const imp: StoredImport = {
          id,
          source: source.name,
          name: req.name,
          version: req.version,
          status: 'OPEN',
          pulledAt: now,
          pulledBy: by.slice(0, LIMITS.shortStringLength),
          signer: file.signer!,
          contentDigest: digest,
          file: rel,
          replacements: [],
        };
        (data.imports ??= {})[id] = imp;
        pushNotice(data, imp, 'ACCEPTED', now, by);
        return imp;
      });
    } catch (err) {
      await fs.rm(path.join(this.opts.dataDir, rel), { force: true }).catch(() => undefined);
      throw err;
    }
    if (!created) {
      await fs.rm(path.join(this.opts.dataDir, rel), { force: true }).catch(() => undefined);
      return { ...(await this.getImport(this.existing(source.name, req.name, req.version)!.id)), created: false };
    }
    this.parsed.set(id, Promise.resolve(file));
    this.outbox.kick();
    return { ...(await this.getImport(id)), created: true };
  }

  private checkOutboxRoom(): void {
    if ((this.opts.store.state.outbox ?? []).length >= LIMITS.outboxNotices) {
      throw new ApiError(507, 'quota-exceeded', `The outbox holds ${LIMITS.outboxNotices} notices its sources have not recorded; bring the sources back (or remove them from gateway.yaml) first`, [
        { field: 'outbox', message: 'full' },
      ]);
    }
  }

  // ---- replacements, preview -------------------------------------------------------------------

  async putReplacements(id: string, replacements: Replacement[]): Promise<ImportDetail> {
    const problems: { field: string; message: string }[] = [];
    const seen = new Map<string, number>();
    replacements.forEach((r, i) => {
      const k = `${r.kind}:${r.from}`;
      if (seen.has(k)) problems.push({ field: `replacements[${i}].from`, message: `${r.kind} '${r.from}' is already replaced by replacements[${seen.get(k)}]` });
      seen.set(k, i);
      if (r.from === r.to) problems.push({ field: `replacements[${i}].to`, message: 'the same as from' });
    });
    if (problems.length) throw badRequest(`Invalid replacements: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`.slice(0, 2000), problems.slice(0, 50));
    const imp = this.stored(id);
    const file = await this.file(imp);
    // The texts must be rewritable: a replacement that would change a definition's meaning is refused now, not at apply.
    try {
      await this.plan(imp, file, replacements);
    } catch (err) {
      throw badRequest(`Invalid replacements: ${(err as Error).message}`.slice(0, 2000), [{ field: 'replacements', message: (err as Error).message.slice(0, 500) }]);
    }
    await this.opts.store.mutate((data) => {
      const at = data.imports?.[id];
      if (!at) throw notFound('import-not-found', `There is no import ${id} on this gateway`);
      if (at.status !== 'OPEN') throw closed(at);
      at.replacements = replacements.map((r) => ({ kind: r.kind, from: r.from, to: r.to }));
    });
    return this.getImport(id);
  }

  async preview(id: string): Promise<PreviewResponse> {
    const imp = this.stored(id);
    const file = await this.file(imp);
    const plan = await this.plan(imp, file);
    const definitions: PreviewEntry[] = [];
    // Diffs are bounded in time (jsdiff's timeout per diff, and a budget for the whole preview), and the
    // event loop gets a turn every 50 definitions: two huge, unrelated texts cannot stall the gateway.
    const deadline = Date.now() + LIMITS.previewDiffTotalMs;
    let n = 0;
    let chars = 0;
    for (const d of plan.definitions) {
      if (++n % 50 === 0) await new Promise((r) => setImmediate(r));
      const current = await this.opts.store.repositoryText(d.kind, d.id);
      const sha256 = sha256Hex(d.text);
      const change = !current ? 'new' : current.sha256 === sha256 ? 'unchanged' : 'changed';
      // The answer stays bounded: past LIMITS.previewAnswerChars, current texts and diffs are left out (said in `diff`).
      const room = chars + (current?.text.length ?? 0) <= LIMITS.previewAnswerChars;
      const diff = change !== 'changed' ? undefined : room ? boundedDiff(d.kind, d.id, current!.text, d.text, deadline) : `(no diff: the preview's answer is at its size bound; compare with GET /api/v1/definitions)\n`;
      chars += (room ? (current?.text.length ?? 0) : 0) + (diff?.length ?? 0);
      definitions.push({
        kind: d.kind,
        id: d.id,
        change,
        ...(current ? { currentSha256: current.sha256, ...(room ? { currentText: current.text } : {}) } : {}),
        sha256,
        text: d.text,
        ...(diff !== undefined ? { diff } : {}),
        ...(d.fromRepository ? { fromRepository: true } : {}),
      });
    }
    return { id, validation: imp.status === 'OPEN' ? this.withState(imp, plan.validation) : plan.validation, definitions };
  }

  // ---- apply, reject ---------------------------------------------------------------------------

  async apply(id: string, allowRollback: boolean | undefined, by: string): Promise<ImportActionResponse> {
    const store = this.opts.store;
    const changed = await store.exclusive(async () => {
      const imp = this.stored(id);
      if (imp.status === 'APPLIED') return false;
      if (imp.status !== 'OPEN') throw closed(imp);
      const file = await this.file(imp);
      const plan = await this.plan(imp, file);
      const errors = plan.validation.problems.filter((p) => p.severity === 'error');
      if (!plan.validation.ok) {
        throw conflict(
          'validation-failed',
          `Import ${id} cannot be applied while validation errors remain: ${errors.map((p) => p.message).slice(0, 5).join('; ')}${errors.length > 5 ? '; …' : ''}`.slice(0, 2000),
          errors.slice(0, 50).map((p) => ({ field: p.definition ? `${p.definition.kind}:${p.definition.id}` : 'replacements', message: p.message })),
        );
      }
      this.checkRollback(imp.name, imp.version, allowRollback);
      const clash = this.versionConflict(imp.name, imp.version, imp.contentDigest, imp.id);
      if (clash) throw conflict('version-conflict', clash.charAt(0).toUpperCase() + clash.slice(1), [{ field: 'version', message: 'exists' }]);
      this.checkOutboxRoom();
      const m = file.manifest;
      const { bytes: built } = await buildPackageFile({
        name: imp.name,
        version: imp.version,
        ...(m.description !== undefined ? { description: m.description } : {}),
        createdBy: this.opts.gatewayName,
        definitions: plan.definitions.map((d) => ({ kind: d.kind, id: d.id, text: d.text })),
        instructions: file.instructions,
        authorisation: { groups: [...m.authorisation.groups] },
        schedules: m.schedules,
        triggers: m.triggers,
      }).catch((err: unknown) => {
        throw new ApiError(400, 'invalid-package-file', `The applied version cannot be built: ${(err as Error).message}`.slice(0, 2000), [
          { field: err instanceof PackageFileError ? err.field : 'file', message: (err as Error).message.slice(0, 500) },
        ]);
      });
      // Unsigned as built: the store signs it with this gateway's current key, its creator here (a further
      // target verifies it against this gateway's key, not the source's).
      const now = new Date().toISOString();
      await store.storeFile(built, {
        status: 'APPLIED',
        record: { origin: { source: imp.source, importId: imp.id, sourceDigest: imp.contentDigest, signer: imp.signer } },
        alsoWrite: (data) => {
          const at = data.imports![id];
          at.status = 'APPLIED';
          at.appliedAt = now;
          at.appliedBy = by;
          pushNotice(data, at, 'PROMOTED', now, by);
        },
      });
      return true;
    });
    if (changed) this.outbox.kick();
    return { ...(await this.getImport(id)), changed };
  }

  async reject(id: string, reason: string, by: string): Promise<ImportActionResponse> {
    const now = new Date().toISOString();
    const changed = await this.opts.store.mutate((data) => {
      const imp = data.imports?.[id];
      if (!imp) throw notFound('import-not-found', `There is no import ${id} on this gateway`);
      if (imp.status === 'REJECTED') return false;
      if (imp.status !== 'OPEN') throw closed(imp);
      this.checkOutboxRoom();
      imp.status = 'REJECTED';
      imp.rejectedAt = now;
      imp.rejectedBy = by;
      imp.reason = reason;
      pushNotice(data, imp, 'REJECTED', now, by, reason);
      return true;
    });
    if (changed) this.outbox.kick();
    return { ...(await this.getImport(id)), changed };
  }
}

/** A unified diff, current → new, within the preview's time bounds (else a line saying so). */
function boundedDiff(kind: string, id: string, before: string, after: string, deadline: number): string {
  const left = deadline - Date.now();
  const patch = left > 0 ? createTwoFilesPatch(`a/${kind}/${id}`, `b/${kind}/${id}`, before, after, undefined, undefined, { context: 3, timeout: Math.min(LIMITS.previewDiffMs, left) }) : undefined;
  return patch ?? `(no diff: the texts of ${kind} ${id} differ too much to compare within the preview's time bound; compare currentText and text)\n`;
}

function closed(imp: StoredImport): ApiError {
  return conflict('import-closed', `Import ${imp.id} is ${imp.status}; only an OPEN import can be changed, applied or rejected`, [{ field: 'id', message: imp.status }]);
}

function pushNotice(data: StoreData, imp: StoredImport, event: OutboxNotice['event'], at: string, by: string, reason?: string): void {
  (data.outbox ??= []).push({
    id: `ev-${randomBytes(12).toString('hex')}`,
    importId: imp.id,
    source: imp.source,
    name: imp.name,
    version: imp.version,
    event,
    at,
    by: by.slice(0, LIMITS.shortStringLength),
    ...(reason !== undefined ? { reason } : {}),
    contentDigest: imp.contentDigest,
    attempts: 0,
    nextAttemptAt: at,
  });
}

/**
 * The pulled bytes, verified before anything is stored: declared sizes, the signature against the
 * source's trusted keys (before the manifest is parsed), every entry, and that the manifest names
 * exactly the requested name and version. Errors say which.
 */
async function verifyPulled(bytes: Uint8Array, source: PromotionSource, req: ImportRequest): Promise<PackageContents> {
  checkDeclaredSizes(bytes);
  let file: PackageContents;
  try {
    file = await readPackageFile(bytes, {
      maxUncompressedBytes: LIMITS.versionContentBytes + LIMITS.manifestBytes,
      verifySignature: { isTrusted: (kid) => source.trustedKeys.includes(kid), required: true },
    });
  } catch (err) {
    if (isUntrustedSigner(err)) {
      throw new ApiError(400, 'untrusted-signer', `The file from source ${source.name} is signed by a key this gateway does not trust for it: ${(err as Error).message}`, [
        { field: 'signature', message: 'untrusted signer' },
      ]);
    }
    if (err instanceof PackageFileError && err.field === 'signature') {
      throw new ApiError(400, 'invalid-signature', `The file from source ${source.name} is refused: ${err.message}`, [{ field: 'signature', message: err.message.slice(0, 500) }]);
    }
    if (err instanceof PackageFileError) {
      throw new ApiError(400, 'invalid-package-file', `The file from source ${source.name} is refused: ${err.field}: ${err.message}`, [{ field: err.field, message: err.message.slice(0, 500) }]);
    }
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, 'invalid-package-file', `The file from source ${source.name} is refused: ${(err as Error)?.message ?? String(err)}`.slice(0, 2000), [{ field: 'file', message: 'unreadable' }]);
  }
  const m = file.manifest;
  const wrong: { field: string; message: string }[] = [];
  if (m.name !== req.name) wrong.push({ field: 'manifest.name', message: `the file is of package ${m.name}, not ${req.name}` });
  if (m.version !== req.version) wrong.push({ field: 'manifest.version', message: `the file is version ${m.version}, not the requested ${req.version}` });
  if (wrong.length) {
    throw new ApiError(400, 'invalid-package-file', `The file from source ${source.name} is validly signed but is another version: ${wrong.map((w) => `${w.field}: ${w.message}`).join('; ')}`, wrong);
  }
  if (!file.signer) throw new ApiError(400, 'invalid-signature', `The file from source ${source.name} carries no verified signature`, [{ field: 'signature', message: 'missing' }]);
  return file;
}
