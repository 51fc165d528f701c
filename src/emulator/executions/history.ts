/**
 * Execution history. For now an in-memory, bounded store (finished executions beyond the limit
 * are dropped oldest first; running ones are always kept). Kept out of the lowdb document on
 * purpose; a JSON-lines log can implement the same interface later.
 */
import { isFinished, type ExecutionRecord } from './record';

export interface ExecutionHistory {
  /** A new execution (status Running). */
  add(record: ExecutionRecord): void;
  /** The record changed state (stopping, ended…). */
  update(record: ExecutionRecord): void;
  get(id: string): ExecutionRecord | undefined;
  /** Newest first. */
  list(): ExecutionRecord[];
  close(): Promise<void>;
}

export class InMemoryExecutionHistory implements ExecutionHistory {
  private readonly records = new Map<string, ExecutionRecord>();
  private finished = 0;

  constructor(private readonly maxFinished = 1000) {}

  add(record: ExecutionRecord): void {
    this.records.set(record.id, record);
  }

  update(record: ExecutionRecord): void {
    if (!this.records.has(record.id)) return;
    if (isFinished(record.status)) {
      this.finished++;
      this.evict();
    }
  }

  get(id: string): ExecutionRecord | undefined {
    return this.records.get(id);
  }

  list(): ExecutionRecord[] {
    return [...this.records.values()].reverse();
  }

  async close(): Promise<void> {}

  private evict(): void {
    if (this.finished <= this.maxFinished) return;
    for (const [id, r] of this.records) {
      if (this.finished <= this.maxFinished) break;
      if (isFinished(r.status)) {
        this.records.delete(id);
        this.finished--;
      }
    }
  }
}
