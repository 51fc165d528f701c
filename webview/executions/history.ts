/**
 * The Running Executions page's history filters: status, flow and time, applied to the listed
 * rows and passed to the gateway when past executions are loaded ("Show finished", "Load more").
 */
import type { ExecutionRow, ExecutionsViewState, HistoryQuery, HistorySince } from '../protocol/executions';

export const STATUS_CHOICES: [ExecutionsViewState['status'], string][] = [
  ['', 'Any status'],
  ['Running', 'Running'],
  ['Stopping', 'Stopping'],
  ['Stopped', 'Stopped'],
  ['Ended', 'Ended'],
  ['Error', 'Error'],
];

export const SINCE_CHOICES: [HistorySince, string, number][] = [
  ['any', 'Any time', 0],
  ['hour', 'Last hour', 3_600_000],
  ['day', 'Last 24 hours', 86_400_000],
  ['week', 'Last 7 days', 7 * 86_400_000],
];

/** The earliest start time the time filter lets through (epoch ms), or undefined for any time. */
function sinceMs(since: HistorySince, now = Date.now()): number | undefined {
  const span = SINCE_CHOICES.find(([v]) => v === since)?.[2] ?? 0;
  return span ? now - span : undefined;
}

/** Whether a row passes the status, flow and time filters. */
export function passesHistoryFilters(r: ExecutionRow, view: ExecutionsViewState): boolean {
  const from = sinceMs(view.since);
  return (
    (!view.status || r.status === view.status) &&
    (!view.flow.trim() || r.flow.toLowerCase().includes(view.flow.trim().toLowerCase())) &&
    (from === undefined || Date.parse(r.startedAt) >= from)
  );
}

/** The gateway query of the filters (after: the cursor of the page to load, if not the first). */
export function historyQuery(view: ExecutionsViewState, after?: string): HistoryQuery {
  const from = sinceMs(view.since);
  return {
    ...(view.status ? { status: view.status } : {}),
    ...(view.flow.trim() ? { flow: view.flow.trim() } : {}),
    ...(from !== undefined ? { startedAfter: new Date(from).toISOString() } : {}),
    ...(after ? { after } : {}),
  };
}

/** Whether a change of the UI state changes what the gateway's history is asked for. */
export function changesHistory(change: Partial<ExecutionsViewState>): boolean {
  return 'status' in change || 'flow' in change || 'since' in change || 'showFinished' in change;
}
