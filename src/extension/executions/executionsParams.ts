/**
 * The Running Executions page's request params, checked at the host: the page is a web page, so
 * what it sends is untrusted. Each check returns the params as their type or throws
 * `RequestRefused` naming the field (the page shows it in its status line). The bounds are the
 * gateway API's (src/core/limits.ts, src/core/api/schemas/executions.ts).
 */
import { EXECUTION_STATUSES } from '../../core/api/schemas/executions';
import { LIMITS } from '../../core/limits';
import type { ExecutionsRequests, HistoryQuery } from '../../../webview/protocol/executions';
import { RequestRefused } from '../webviews/webviewHost';

/** The most ids one Stop from the page takes (a page lists far fewer). */
const MAX_STOP_IDS = 10_000;

type Obj = Record<string, unknown>;

function record(params: unknown): Obj {
  if (!params || typeof params !== 'object' || Array.isArray(params)) throw new RequestRefused([{ field: '', message: 'expected an object of parameters' }]);
  return params as Obj;
}

/** An execution id: 1 to 256 characters, no control characters (the API's `Id`). */
export function executionIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id.length === 0) return 'an execution id is required';
  if (id.length > LIMITS.shortStringLength) return `an execution id has at most ${LIMITS.shortStringLength} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return 'an execution id has no control characters';
  return undefined;
}

function executionId(value: unknown, field: string): string {
  const problem = executionIdProblem(value);
  if (problem) throw new RequestRefused([{ field, message: problem }]);
  return value as string;
}

export function idParams(params: unknown): ExecutionsRequests['getDetails']['params'] {
  return { id: executionId(record(params).id, 'id') };
}

export function stopParams(params: unknown): ExecutionsRequests['stop']['params'] {
  const ids = record(params).ids;
  if (!Array.isArray(ids) || ids.length === 0) throw new RequestRefused([{ field: 'ids', message: 'expected a list of execution ids' }]);
  if (ids.length > MAX_STOP_IDS) throw new RequestRefused([{ field: 'ids', message: `at most ${MAX_STOP_IDS} executions at once` }]);
  return { ids: [...new Set(ids.map((id, i) => executionId(id, `ids.${i}`)))] };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function historyParams(params: unknown): HistoryQuery {
  const p = record(params);
  const out: HistoryQuery = {};
  const errors: { field: string; message: string }[] = [];
  for (const key of Object.keys(p)) {
    if (!['status', 'flow', 'startedAfter', 'after'].includes(key)) errors.push({ field: key.slice(0, 64), message: 'not a filter of the history' });
  }
  if (p.status !== undefined) {
    if (typeof p.status === 'string' && (EXECUTION_STATUSES as readonly string[]).includes(p.status)) out.status = p.status as HistoryQuery['status'];
    else errors.push({ field: 'status', message: `one of ${EXECUTION_STATUSES.join(', ')}` });
  }
  if (p.flow !== undefined) {
    if (typeof p.flow === 'string' && p.flow.length <= LIMITS.definitionIdLength) out.flow = p.flow;
    else errors.push({ field: 'flow', message: `text of at most ${LIMITS.definitionIdLength} characters` });
  }
  if (p.startedAfter !== undefined) {
    if (typeof p.startedAfter === 'string' && ISO_INSTANT.test(p.startedAfter) && !Number.isNaN(Date.parse(p.startedAfter))) out.startedAfter = p.startedAfter;
    else errors.push({ field: 'startedAfter', message: 'an ISO 8601 time' });
  }
  if (p.after !== undefined) {
    const problem = executionIdProblem(p.after);
    if (problem) errors.push({ field: 'after', message: 'the cursor of the previous page' });
    else out.after = p.after as string;
  }
  if (errors.length) throw new RequestRefused(errors);
  return out;
}
