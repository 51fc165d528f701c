/**
 * Execution history: where execution records live once started, kept out of the lowdb document.
 * `JsonlExecutionHistory` (historyLog.ts) is the gateway's implementation: an append-only
 * JSON-lines log with an in-memory index bounded by the retention.
 */
import type { ExecutionHead, ExecutionRecord } from './record';

export type { ExecutionHead };

export interface ExecutionHistory {
  /** A new execution (status Running). Costs the same whatever the size of the history. */
  add(record: ExecutionRecord): void;
  /** The record changed state; a finished record is written and no longer held live. */
  update(record: ExecutionRecord): void;
  /** The full record (running ones live, finished ones read back), or undefined. */
  get(id: string): Promise<ExecutionRecord | undefined>;
  /** Heads of every retained execution, newest first. Waits for the history to be loaded. */
  list(): Promise<ExecutionHead[]>;
  /** Heads by id (undefined for unknown ids). Waits for the history to be loaded. */
  heads(ids: string[]): Promise<(ExecutionHead | undefined)[]>;
  /** Resolves once every record written before the call is on disk (no fsync). */
  flushed(): Promise<void>;
  /** Resolves once the history on disk has been read (interrupted executions marked). */
  ready(): Promise<void>;
  /** Write everything pending and close the log. */
  close(): Promise<void>;
}

