/**
 * The gateway's connection secrets: `<data>/secrets.json`, each value sealed with the data folder's
 * key (store/secrets.ts, AES-256-GCM; the additional data `connectionSecret:<name>` binds a sealed
 * value to its secret's name, so a value moved under another name does not open). Written whole
 * and durably (a temporary file, fsync'ed, renamed; store/durableFile.ts): a crash leaves the old
 * or the new file. One change at a time; memory changes only once the file is on disk.
 *
 * In memory the values are plain (flows need them) and registered with the process's mask
 * (mask.ts), so no record, answer or log line of the gateway holds them.
 *
 * Resolution (`resolve`): a secret resolves for a connection only when it exists AND is granted to
 * that connection of that package — the answer is the same `undefined` whether it is missing or
 * not granted.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LIMITS } from '../../core/limits';
import { grantKey, type SecretGrant } from '../../core/secrets/rules';
import type { SecretSummary } from '../../core/api/types';
import { ApiError, notFound } from '../errors';
import { writeFailure } from '../store/db';
import { writeFileDurable } from '../store/durableFile';
import { SecretBox } from '../store/secrets';
import { secretMask } from './mask';

export const SECRETS_FILE = 'secrets.json';
const FORMAT = 1;
const where = (name: string) => `connectionSecret:${name}`;

interface Entry {
  value: string;
  grants: SecretGrant[];
  createdAt: string;
  updatedAt: string;
  createdBy?: string;
  updatedBy?: string;
}

export class SecretStore {
  private entries = new Map<string, Entry>();
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly box: SecretBox,
  ) {}

  /** Read `<data>/secrets.json` (none: no secrets). A damaged file or one that does not open with the key refuses the start. */
  static async open(dataDir: string): Promise<SecretStore> {
    const store = new SecretStore(path.join(dataDir, SECRETS_FILE), await SecretBox.open(dataDir));
    let text: string | undefined;
    try {
      text = await fs.readFile(store.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      let doc: { format?: unknown; secrets?: Record<string, Entry> };
      try {
        doc = JSON.parse(text);
      } catch {
        throw new Error(`${store.file} is not valid JSON`);
      }
      if (doc.format !== FORMAT || !doc.secrets || typeof doc.secrets !== 'object') throw new Error(`${store.file} is not a Flowgate secrets file (format ${FORMAT})`);
      for (const [name, e] of Object.entries(doc.secrets)) {
        if (!SecretBox.isSealed(e.value)) throw new Error(`${store.file}: the value of ${name} is not sealed`);
        store.entries.set(name, { ...e, value: store.box.open(e.value, where(name)), grants: (e.grants ?? []).map((g) => ({ package: g.package, connection: g.connection })) });
      }
    }
    for (const e of store.entries.values()) secretMask.add(e.value);
    return store;
  }

  /** The value of `name` for `connection` of package `pkg`, or undefined (missing or not granted: one answer). */
  resolve(name: string, pkg: string, connection: string): string | undefined {
    const e = this.entries.get(name);
    if (!e) return undefined;
    return e.grants.some((g) => g.package === pkg && g.connection === connection) ? e.value : undefined;
  }

  list(): SecretSummary[] {
    return [...this.entries.keys()].sort().map((n) => this.summary(n)!);
  }

  summary(name: string): SecretSummary | undefined {
    const e = this.entries.get(name);
    if (!e) return undefined;
    return {
      name,
      grants: e.grants.map((g) => ({ ...g })),
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
      ...(e.createdBy ? { createdBy: e.createdBy } : {}),
      ...(e.updatedBy ? { updatedBy: e.updatedBy } : {}),
    };
  }

  /** Set a value (and grants: left out, none for a new secret and unchanged for an existing one). */
  set(name: string, value: string, grants: SecretGrant[] | undefined, by: string | undefined): Promise<{ created: boolean; summary: SecretSummary }> {
    return this.change(async (next) => {
      const old = next.get(name);
      if (!old && next.size >= LIMITS.connectionSecrets) {
        throw new ApiError(413, 'quota-exceeded', `This gateway holds ${LIMITS.connectionSecrets} connection secrets, the most it keeps; delete some first`, [
          { field: 'name', message: `a new secret beyond ${LIMITS.connectionSecrets}` },
        ]);
      }
      const now = new Date().toISOString();
      next.set(name, {
        value,
        grants: grants ?? old?.grants ?? [],
        createdAt: old?.createdAt ?? now,
        updatedAt: now,
        ...(old ? (old.createdBy ? { createdBy: old.createdBy } : {}) : by ? { createdBy: by } : {}),
        ...(by ? { updatedBy: by } : {}),
      });
      return { created: !old };
    }).then(({ created }) => ({ created, summary: this.summary(name)! }));
  }

  setGrants(name: string, grants: SecretGrant[], by: string | undefined): Promise<SecretSummary> {
    return this.change(async (next) => {
      const old = next.get(name);
      if (!old) throw this.missing(name);
      next.set(name, { ...old, grants, updatedAt: new Date().toISOString(), ...(by ? { updatedBy: by } : {}) });
      return {};
    }).then(() => this.summary(name)!);
  }

  delete(name: string): Promise<void> {
    return this.change(async (next) => {
      if (!next.delete(name)) throw this.missing(name);
      return {};
    }).then(() => undefined);
  }

  private missing(name: string): ApiError {
    return notFound('not-found', `There is no connection secret ${name} on this gateway`);
  }

  /** One change at a time: made on a copy, written, then swapped in (a failed write changes nothing). */
  private change<T>(fn: (next: Map<string, Entry>) => Promise<T>): Promise<T> {
    const run = this.chain.then(async () => {
      const next = new Map(this.entries);
      const result = await fn(next);
      try {
        await writeFileDurable(this.file, this.serialise(next));
      } catch (err) {
        throw writeFailure(err);
      }
      const before = this.entries;
      this.entries = next;
      for (const e of next.values()) secretMask.add(e.value);
      for (const e of before.values()) secretMask.remove(e.value);
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private serialise(entries: Map<string, Entry>): string {
    const secrets: Record<string, Entry> = Object.create(null);
    for (const [name, e] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) secrets[name] = { ...e, value: this.box.seal(e.value, where(name)) };
    return `${JSON.stringify({ format: FORMAT, secrets }, null, 1)}\n`;
  }

  /** What a grant looks like in messages and audit records. */
  static grantText(grants: readonly SecretGrant[]): string[] {
    return grants.map(grantKey);
  }
}
