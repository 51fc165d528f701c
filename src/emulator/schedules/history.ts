/**
 * Recent firings per schedule (newest first, at most 50 each): started executions, missed slots
 * and refused firings. Kept in memory and written to `<data>/schedule-history.json` (coalesced,
 * at most once a second, and on stop); read back at start. The write is timed for the middle of
 * a wall-clock second: firings happen just after whole seconds, and serialising a large history
 * then would delay them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ScheduleFiring } from '../../core/api/types';
import { writeFileAtomic } from '../store/packageFiles';

export const HISTORY_FILE = 'schedule-history.json';
export const MAX_FIRINGS = 50;
const WRITE_DELAY_MS = 1000;

export function historyKey(packageName: string, version: number, scheduleId: string): string {
  return JSON.stringify([packageName, version, scheduleId]);
}

export class ScheduleHistory {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string, private readonly entries: Map<string, ScheduleFiring[]>) {}

  static async open(dataDir: string): Promise<ScheduleHistory> {
    const file = path.join(dataDir, HISTORY_FILE);
    const entries = new Map<string, ScheduleFiring[]>();
    try {
      const data = JSON.parse(await fs.readFile(file, 'utf8')) as { entries?: Record<string, ScheduleFiring[]> };
      for (const [k, v] of Object.entries(data.entries ?? {})) if (Array.isArray(v)) entries.set(k, v.slice(0, MAX_FIRINGS));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        process.stderr.write(`Flowgate emulator: ${file} could not be read (${(err as Error).message}); schedule history starts empty\n`);
      }
    }
    return new ScheduleHistory(file, entries);
  }

  get(key: string): ScheduleFiring[] {
    return this.entries.get(key) ?? [];
  }

  add(key: string, firing: ScheduleFiring): void {
    const list = this.entries.get(key) ?? [];
    list.unshift(firing);
    if (list.length > MAX_FIRINGS) list.length = MAX_FIRINGS;
    this.entries.set(key, list);
    this.soon();
  }

  forget(key: string): void {
    if (this.entries.delete(key)) this.soon();
  }

  /** Drop the history of schedules that no longer exist. */
  retain(keep: (key: string) => boolean): void {
    for (const k of [...this.entries.keys()]) if (!keep(k)) this.entries.delete(k);
  }

  private soon(): void {
    if (this.timer) return;
    // At least WRITE_DELAY_MS from now, at about half past a wall-clock second (1.0–2.0 s).
    const delay = WRITE_DELAY_MS + ((1500 - (Date.now() % 1000)) % 1000);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write();
    }, delay);
    this.timer.unref();
  }

  private write(): Promise<void> {
    const text = JSON.stringify({ format: 1, entries: Object.fromEntries(this.entries) });
    this.writing = this.writing
      .then(() => writeFileAtomic(this.file, new TextEncoder().encode(text)))
      .catch((err) => {
        process.stderr.write(`Flowgate emulator: could not write ${this.file}: ${String(err)}\n`);
      });
    return this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.write();
  }
}
