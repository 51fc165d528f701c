/**
 * The lowdb document on disk, with coalesced writes. lowdb serialises the whole document on each
 * write, so writes are merged: `persist()` resolves once a write that includes every change made
 * before the call has reached the disk (at most one write running and one queued), and
 * `schedule()` batches non-urgent changes for up to `delayMs`.
 */
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { emptyStore, STORE_FORMAT, type StoreData } from './schema';

export class StoreDb {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  private constructor(private readonly low: Low<StoreData>, private readonly delayMs: number) {}

  static async open(file: string, delayMs = 200): Promise<StoreDb> {
    // Low + JSONFile, not JSONFilePreset: the preset switches to memory under NODE_ENV=test.
    const low = new Low<StoreData>(new JSONFile<StoreData>(file), emptyStore());
    await low.read();
    const data = { ...emptyStore(), ...(low.data ?? {}) };
    if (data.format !== STORE_FORMAT) throw new Error(`${file}: unsupported store format ${String(data.format)}`);
    low.data = data;
    return new StoreDb(low, delayMs);
  }

  get data(): StoreData {
    return this.low.data;
  }

  /** Write soon (coalesced with other changes); errors are reported on stderr. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.persist().catch((err) => console.error(`Flowgate emulator: could not write the store: ${String(err)}`));
    }, this.delayMs);
    this.timer.unref();
  }

  /** Resolve once every change made before this call is on disk. */
  persist(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    this.queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<void> {
    const p = this.low.write().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }

  /** Flush pending changes (used on shutdown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.persist();
  }
}
