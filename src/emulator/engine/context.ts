/** What the engine needs from the gateway while running one execution. */
import type { ExecutionLogEntry } from '../../core/api/types';
import type { ConnectionDefinition } from '../../core/model/connection';
import type { VariableBudget } from './variableBudget';

export interface ChildResult {
  executionId: string;
  /** Output variables, for a synchronous child that ended. */
  outputs?: Record<string, unknown>;
}

export interface EngineHost {
  /**
   * A connection by name: only the execution's own package version's (a package uses only its own
   * connections). One it does not carry: rejects with a FlowError naming it.
   */
  connection(id: string): Promise<ConnectionDefinition>;
  /**
   * Run a child flow of the same package version. Sync: resolves with the outputs once it ended,
   * rejects with a FlowError when it failed. Async: resolves with the id once it started.
   */
  runChild(flowRef: string, inputs: Record<string, unknown>, mode: 'sync' | 'async', step: string): Promise<ChildResult>;
  /**
   * The value of the secret a connection of the execution's package names (connections reference
   * secrets, never hold them): only when the gateway's secret store has it AND grants it to that
   * connection of that package. Otherwise it throws FlowError `secret-not-granted` naming the
   * connection and the secret — the same error whether the secret is missing or not granted.
   */
  secret(name: string, connection: string): string;
  /**
   * The header an http step adds to a request it sends to this gateway itself, so that the
   * execution it starts joins this execution's tree (depth, size and concurrency budgets, and
   * stopping the root stops it). See ExecutionManager.parentFromHeader.
   */
  treeHeader(): { name: string; value: string };
}

export interface RunContext {
  executionId: string;
  vars: Record<string, unknown>;
  signal: AbortSignal;
  log(level: ExecutionLogEntry['level'], message: string, step?: string): void;
  host: EngineHost;
  /** Steps run so far by this execution (the engine yields to the event loop every few hundred). */
  counter: { steps: number };
  /** Every variable assignment goes through it (memory budgets); absent: unbounded (tests). */
  budget?: VariableBudget;
}
