/**
 * The lowdb document on disk (`<data>/store.json`), written durably, with coalesced writes and
 * all-or-nothing changes.
 *
 * - Durable: a temporary file, fsync'ed, renamed over store.json, the folder fsync'ed
 *   (durableFile.ts) — lowdb's own JSONFile does not fsync. lowdb's `Low` holds the document and
 *   reads it through the adapter below; writes serialise the document once (`serialise`).
 * - Coalesced: `persist()` resolves once a write that includes every change made before the call
 *   is on disk (at most one write running and one queued).
 * - All or nothing: callers change `data` in memory and call `persist()` at once (synchronously
 *   after the change). When a write fails, memory is rolled back to what is on disk (the last
 *   successful write), and every change that was waiting for that write or the queued one is
 *   refused with the error — so a change that failed is never visible afterwards, and memory and
 *   disk never disagree. `onRollback` listeners hear of it (to re-read state they derived).
 * - Bounded: a document larger than LIMITS.storeBytes is refused (507 quota-exceeded) before
 *   anything is written, so it can never approach V8's string limit.
 * - On disk, secrets are sealed (the codec); in memory they are plain.
 */
import { promises as fs } from 'node:fs';
import { Low, type Adapter } from 'lowdb';
import { LIMITS } from '../../core/limits';
import { ApiError } from '../errors';
import { writeFileDurable } from './durableFile';
import type { StoreData } from './schema';

/** From memory to disk and back (sealing secrets, migrating older formats). */
export interface StoreCodec {
  /** The SNMPv3 users as written to disk (keys sealed). */
  sealUsers(users: StoreData['snmpUsers']): unknown;
  /** `rewrite`: the document on disk should be written again at once (migrated, or plain secrets found). */
  fromDisk(raw: unknown): Promise<{ data: StoreData; rewrite: boolean }>;
}

class DurableJsonFile implements Adapter<StoreData> {
  rewrite = false;
  constructor(readonly file: string, readonly codec: StoreCodec) {}

  async read(): Promise<StoreData | null> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new Error(`${this.file} is not valid JSON (${(err as Error).message})`);
    }
    const { data, rewrite } = await this.codec.fromDisk(raw);
    this.rewrite = rewrite;
    return data;
  }

  /** Not used: StoreDb serialises once per write (`serialise`) and writes through `writeFileDurable`. */
  async write(): Promise<void> {
    throw new Error('StoreDb writes the document itself');
  }
}

/** A write that failed for a reason of the machine (not of the request), as an API error. */
export function writeFailure(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ApiError(507, 'quota-exceeded', 'The data folder is full: the change was not made', [{ field: 'store', message: code }]);
  }
  return new ApiError(500, 'internal', `The gateway could not write its state (${code ?? (err as Error)?.name ?? 'error'}): the change was not made`);
}

export class StoreDb {
  private running: Promise<void> | null = null;
  private queued: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | null = null;
  /** JSON of the in-memory document as last written (or read). */
  private durable: string;
  private readonly rollbackListeners = new Set<() => void>();
  /** True when there was no store.json to read (a new data folder, or one whose document is gone). */
  created = false;

  private constructor(private readonly low: Low<StoreData>, private readonly adapter: DurableJsonFile) {
    this.durable = JSON.stringify(low.data);
  }

  static async open(file: string, codec: StoreCodec, empty: () => StoreData): Promise<StoreDb> {
    // Low + a durable adapter, not JSONFilePreset: the preset switches to memory under NODE_ENV=test.
    const adapter = new DurableJsonFile(file, codec);
    const low = new Low<StoreData>(adapter, empty());
    await low.read();
    const fresh = low.data === null;
    if (fresh) low.data = empty();
    const db = new StoreDb(low, adapter);
    db.created = fresh;
    if (adapter.rewrite) await db.persist();
    return db;
  }

  get data(): StoreData {
    return this.low.data;
  }

  onRollback(listener: () => void): () => void {
    this.rollbackListeners.add(listener);
    return () => this.rollbackListeners.delete(listener);
  }

  /**
   * Resolve once every change made before this call is on disk; reject (with the change rolled
   * back) when the write that carries it fails.
   */
  persist(): Promise<void> {
    if (this.queued) return this.queued.promise;
    if (!this.running) return this.start();
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.queued = { promise, resolve, reject };
    return promise;
  }

  /**
   * The document as memory holds it (for a rollback) and as the disk gets it (keys sealed), from
   * one serialisation of everything but the users — the expensive part is done once per write.
   */
  private serialise(): { plain: string; disk: string } {
    const data = this.low.data;
    const users = data.snmpUsers ?? {};
    const body = JSON.stringify({ ...data, snmpUsers: undefined });
    const join = (u: string) => (body.length > 2 ? `{"snmpUsers":${u},${body.slice(1)}` : `{"snmpUsers":${u}}`);
    return { plain: join(JSON.stringify(users)), disk: join(JSON.stringify(this.adapter.codec.sealUsers(users))) };
  }

  private start(): Promise<void> {
    let texts: { plain: string; disk: string };
    try {
      texts = this.serialise();
      if (texts.disk.length > LIMITS.storeBytes) {
        throw new ApiError(507, 'quota-exceeded', `The change would make this gateway's state larger than ${LIMITS.storeBytes} bytes; delete packages or versions first`, [
          { field: 'store', message: `state of ${texts.disk.length} bytes, at most ${LIMITS.storeBytes}` },
        ]);
      }
    } catch (err) {
      this.rollback();
      return Promise.reject(writeFailure(err));
    }
    const p: Promise<void> = writeFileDurable(this.adapter.file, texts.disk).then(
      () => {
        this.durable = texts.plain;
        this.running = null;
        this.next();
      },
      (err: unknown) => {
        this.running = null;
        const failure = writeFailure(err);
        // Memory goes back to the disk's state; the changes queued behind this write are undone
        // with it, so they are refused too (synchronously: no change can slip in between).
        this.rollback();
        const q = this.queued;
        this.queued = null;
        q?.reject(failure);
        throw failure;
      },
    );
    this.running = p;
    return p;
  }

  /** Start the queued write, if any. */
  private next(): void {
    const q = this.queued;
    if (!q) return;
    this.queued = null;
    this.start().then(q.resolve, q.reject);
  }

  private rollback(): void {
    this.low.data = JSON.parse(this.durable) as StoreData;
    for (const listener of this.rollbackListeners) {
      try {
        listener();
      } catch (err) {
        console.error(`Flowgate emulator: after a failed write: ${String(err)}`);
      }
    }
  }

  /** Flush pending changes (used on shutdown). */
  async flush(): Promise<void> {
    if (this.queued) await this.queued.promise;
    else if (this.running) await this.running;
  }
}
