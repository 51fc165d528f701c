/**
 * oidc-provider's storage in the data folder: one JSON file per model (`<data>/oauth/<Model>.json`,
 * e.g. `Grant.json`), written durably (temp file, fsync, rename — durableFile.ts) and coalesced
 * (one write running, one queued). Bounded: at most LIMITS.oauthStoreEntries entries per model;
 * expired entries are purged when a file is read and before each write, and when a model is full
 * the entry closest to expiry makes room. Without this the provider keeps everything in memory and
 * loses it on restart.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LIMITS } from '../../core/limits';
import { writeFileDurable } from '../store/durableFile';
import { OAUTH_DIR } from './keys';

type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string; consumed?: number };

interface Entry {
  payload: Payload;
  /** Epoch ms; 0 = never. */
  expiresAt: number;
}

class ModelFile {
  private entries = new Map<string, Entry>();
  private loaded: Promise<void> | undefined;
  private writing: Promise<void> | undefined;
  private queued = false;

  constructor(private readonly file: string) {}

  private load(): Promise<void> {
    return (this.loaded ??= (async () => {
      let text: string;
      try {
        text = await fs.readFile(this.file, 'utf8');
      } catch {
        return;
      }
      try {
        const data = JSON.parse(text) as Record<string, Entry>;
        for (const [id, e] of Object.entries(data).slice(0, LIMITS.oauthStoreEntries)) {
          if (e && typeof e === 'object' && e.payload && typeof e.expiresAt === 'number') this.entries.set(id, e);
        }
      } catch {
        console.error(`Flowgate emulator: ${this.file} is not readable JSON; starting it empty`);
      }
      this.purge();
    })());
  }

  private purge(): void {
    const now = Date.now();
    for (const [id, e] of this.entries) if (e.expiresAt && e.expiresAt <= now) this.entries.delete(id);
  }

  private save(): Promise<void> {
    if (this.writing) {
      this.queued = true;
      return this.writing;
    }
    this.writing = (async () => {
      try {
        do {
          this.queued = false;
          this.purge();
          await writeFileDurable(this.file, JSON.stringify(Object.fromEntries(this.entries)));
        } while (this.queued);
      } finally {
        this.writing = undefined;
      }
    })();
    return this.writing;
  }

  async get(id: string): Promise<Entry | undefined> {
    await this.load();
    const e = this.entries.get(id);
    if (e && e.expiresAt && e.expiresAt <= Date.now()) return undefined;
    return e;
  }

  async set(id: string, payload: Payload, expiresInSeconds: number | undefined): Promise<void> {
    await this.load();
    if (!this.entries.has(id) && this.entries.size >= LIMITS.oauthStoreEntries) {
      this.purge();
      if (this.entries.size >= LIMITS.oauthStoreEntries) {
        let victim: string | undefined;
        let soonest = Infinity;
        for (const [k, e] of this.entries) if ((e.expiresAt || Infinity) < soonest || victim === undefined) [victim, soonest] = [k, e.expiresAt || Infinity];
        if (victim !== undefined) this.entries.delete(victim);
      }
    }
    this.entries.set(id, { payload, expiresAt: expiresInSeconds ? Date.now() + expiresInSeconds * 1000 : 0 });
    await this.save();
  }

  async find(pred: (p: Payload) => boolean): Promise<Payload | undefined> {
    await this.load();
    const now = Date.now();
    for (const e of this.entries.values()) if ((!e.expiresAt || e.expiresAt > now) && pred(e.payload)) return e.payload;
    return undefined;
  }

  async delete(pred: (id: string, p: Payload) => boolean): Promise<void> {
    await this.load();
    let changed = false;
    for (const [id, e] of this.entries) {
      if (pred(id, e.payload)) {
        this.entries.delete(id);
        changed = true;
      }
    }
    if (changed) await this.save();
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => undefined);
  }
}

/** An oidc-provider adapter class bound to one data folder. */
export function fileAdapter(dataDir: string) {
  const dir = path.join(dataDir, OAUTH_DIR);
  const models = new Map<string, ModelFile>();
  const model = (name: string): ModelFile => {
    const safe = name.replace(/[^A-Za-z0-9]/g, '');
    let m = models.get(safe);
    if (!m) models.set(safe, (m = new ModelFile(path.join(dir, `${safe}.json`))));
    return m;
  };
  class FileAdapter {
    private readonly m: ModelFile;
    constructor(name: string) {
      this.m = model(name);
    }
    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      await this.m.set(id, payload, expiresIn);
    }
    async find(id: string): Promise<Payload | undefined> {
      return (await this.m.get(id))?.payload;
    }
    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.m.find((p) => p.userCode === userCode);
    }
    async findByUid(uid: string): Promise<Payload | undefined> {
      return this.m.find((p) => p.uid === uid);
    }
    async consume(id: string): Promise<void> {
      const e = await this.m.get(id);
      if (e) await this.m.set(id, { ...e.payload, consumed: Math.floor(Date.now() / 1000) }, e.expiresAt ? Math.max(1, Math.ceil((e.expiresAt - Date.now()) / 1000)) : undefined);
    }
    async destroy(id: string): Promise<void> {
      await this.m.delete((k) => k === id);
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      await this.m.delete((_k, p) => p.grantId === grantId);
    }
  }
  return {
    Adapter: FileAdapter,
    /** Waits for every pending write (on close). */
    flush: async () => {
      for (const m of models.values()) await m.flush();
    },
  };
}
