/** What the engine needs from the gateway while running one execution. */
import type { ExecutionLogEntry } from '../../core/api/types';
import type { ConnectionDefinition } from '../../core/model/connection';

export interface ChildResult {
  executionId: string;
  /** Output variables, for a synchronous child that ended. */
  outputs?: Record<string, unknown>;
}

export interface EngineHost {
  /** A connection by name (the execution's package version first, then the repository). */
  connection(id: string): Promise<ConnectionDefinition | undefined>;
  /**
   * Run a child flow of the same package version. Sync: resolves with the outputs once it ended,
   * rejects with a FlowError when it failed. Async: resolves with the id once it started.
   */
  runChild(flowRef: string, inputs: Record<string, unknown>, mode: 'sync' | 'async', step: string): Promise<ChildResult>;
  /** Resolve a secret by name (connections reference secrets, never hold them). */
  secret(name: string): string | undefined;
}

export interface RunContext {
  executionId: string;
  vars: Record<string, unknown>;
  signal: AbortSignal;
  log(level: ExecutionLogEntry['level'], message: string, step?: string): void;
  host: EngineHost;
  /** Steps run so far by this execution (the engine yields to the event loop every few hundred). */
  counter: { steps: number };
}
