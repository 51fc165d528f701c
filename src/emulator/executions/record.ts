/** The in-process record of one execution and its API views. */
import type { ExecutionDetail, ExecutionLogEntry, ExecutionStatus, ExecutionSummary } from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import { boundedText, formatBytes } from '../engine/valueSize';

export const MAX_LOG_ENTRIES = 2000;

/** What lists need of an execution (an ExecutionSummary less the derived duration). */
export type ExecutionHead = Omit<ExecutionSummary, 'durationMs'>;

/** The whole record: the API's ExecutionDetail less derived fields, plus what the engine needs. */
export interface ExecutionRecord extends Omit<ExecutionDetail, 'durationMs' | 'children'> {
  childIds: string[];
  /** run-flow nesting: 0 for a root execution (internal, not part of the API views). */
  depth: number;
}

export function isFinished(status: ExecutionStatus): boolean {
  return status === 'Ended' || status === 'Error' || status === 'Stopped';
}

/** Log bytes each record holds so far, and whether its log was cut (not part of the record itself). */
const logState = new WeakMap<ExecutionRecord, { bytes: number; cut: boolean }>();

/**
 * Append to the record's log within its bounds: each message at most LIMITS.textLength
 * characters (longer ones cut with a visible note), at most MAX_LOG_ENTRIES entries and
 * LIMITS.recordLogBytes bytes in all; past either, one "log truncated" entry and nothing more.
 */
export function appendLog(record: ExecutionRecord, entry: ExecutionLogEntry): void {
  let state = logState.get(record);
  if (!state) logState.set(record, (state = { bytes: 0, cut: false }));
  if (state.cut || record.log.length > MAX_LOG_ENTRIES) return;
  const message = boundedText(typeof entry.message === 'string' ? entry.message : String(entry.message));
  const step = entry.step === undefined ? undefined : boundedText(entry.step, LIMITS.shortStringLength * 4);
  const bytes = message.length + (step?.length ?? 0) + 64;
  if (record.log.length >= MAX_LOG_ENTRIES || state.bytes + bytes > LIMITS.recordLogBytes) {
    const why = record.log.length >= MAX_LOG_ENTRIES ? `${MAX_LOG_ENTRIES} entries` : formatBytes(LIMITS.recordLogBytes);
    record.log.push({ at: entry.at, level: 'warn', message: `log truncated after ${why}` });
    state.cut = true;
    return;
  }
  state.bytes += bytes;
  record.log.push({ ...entry, message, ...(step !== undefined ? { step } : {}) });
}

export function toSummary(r: ExecutionHead, now = Date.now()): ExecutionSummary {
  const started = Date.parse(r.startedAt);
  const ended = r.endedAt ? Date.parse(r.endedAt) : now;
  return { ...headOf(r), durationMs: Math.max(0, ended - started) };
}

/** Just the head fields of a record (a copy: no inputs, outputs or log). */
export function headOf(r: ExecutionHead): ExecutionHead {
  return {
    id: r.id,
    parentId: r.parentId,
    rootId: r.rootId,
    flow: r.flow,
    packageName: r.packageName,
    packageVersion: r.packageVersion,
    initiator: r.initiator,
    executingOn: r.executingOn,
    status: r.status,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    ...(r.draft ? { draft: true as const } : {}),
  };
}

export function toDetail(r: ExecutionRecord, children: ExecutionHead[], now = Date.now()): ExecutionDetail {
  return {
    ...toSummary(r, now),
    inputs: r.inputs,
    outputs: r.outputs,
    error: r.error,
    log: r.log,
    children: children.map((c) => toSummary(c, now)),
  };
}
