/**
 * The messages between the Running Executions webview and the extension, declared once and
 * imported by both sides (webview/executions/main.ts and src/extension/executions/executionsPanel.ts).
 *
 * Style: every message is a plain JSON object with a `type` discriminant. Notifications go from the
 * extension to the webview (state pushes); commands go from the webview to the extension. A command
 * that expects an answer carries a `requestId`, and the answer echoes it. The webview never talks to
 * a gateway and never receives a token or secret: only execution data crosses this boundary.
 */
import type { ExecutionDetail, ExecutionListQuery, ExecutionSummary } from '../../src/core/api/types';

export type { ExecutionDetail, ExecutionSummary };

/** What the page asks of the gateway's history: its filters and the cursor (the previous page's `next`). */
export type HistoryQuery = Pick<ExecutionListQuery, 'status' | 'flow' | 'startedAfter' | 'after'>;

/** How far back the page's time filter reaches. */
export type HistorySince = 'any' | 'hour' | 'day' | 'week';

/** Which executions a panel shows: one package version, or the whole gateway. */
export interface ExecutionsScope {
  gatewayName: string;
  gatewayUrl: string;
  packageName?: string;
  packageVersion?: number;
}

/** The extension's link to the gateway's event stream. */
export type FeedState =
  | { state: 'connecting' }
  | { state: 'connected'; since: string }
  | { state: 'disconnected'; error: string; attempt: number; retryAt: string };

/** An execution as the webview holds it: the gateway's summary, and when the extension received it. */
export interface ExecutionRow extends ExecutionSummary {
  /** Epoch ms (extension clock) when `durationMs` was measured: the webview ticks from there. */
  receivedAt: number;
}

// ---- extension → webview -------------------------------------------------------------------------

export type ExtensionToWebview =
  /** The whole list (first load, reconnect, the webview came back). Replaces what the webview had. */
  | { type: 'snapshot'; scope: ExecutionsScope; executions: ExecutionRow[]; feed: FeedState; now: number }
  /** Executions that started or changed status. */
  | { type: 'changed'; executions: ExecutionRow[]; now: number }
  | { type: 'feed'; feed: FeedState }
  /** Answer to `getDetails`. */
  | { type: 'details'; requestId: number; id: string; detail?: ExecutionDetail; error?: string }
  /** Answer to `loadHistory`: one page of past executions, and the cursor of the next when there are more. */
  | { type: 'history'; requestId: number; executions: ExecutionRow[]; next?: string; error?: string }
  /** Answer to `stop`. */
  | { type: 'stopped'; requestId: number; executions: ExecutionRow[]; notFound: string[]; error?: string };

// ---- webview → extension -------------------------------------------------------------------------

export type WebviewToExtension =
  /** The page loaded (also after it was hidden and shown again): send a snapshot. */
  | { type: 'ready' }
  /** Load the list again from the gateway. */
  | { type: 'refresh' }
  | { type: 'getDetails'; requestId: number; id: string }
  /** A page of the gateway's execution history (finished ones included), newest first. */
  | { type: 'loadHistory'; requestId: number; query: HistoryQuery }
  /** Stop these executions (each with its children). */
  | { type: 'stop'; requestId: number; ids: string[] };

/** The UI state the webview keeps with `setState` (survives hiding the panel). */
export interface ExecutionsViewState {
  filter: string;
  sort: { column: ColumnId; descending: boolean };
  groupByFlow: boolean;
  showFinished: boolean;
  /** Filters of both the list and the history loaded from the gateway. */
  status: ExecutionSummary['status'] | '';
  flow: string;
  since: HistorySince;
  checked: string[];
  selected: string | null;
  collapsed: string[];
}

export type ColumnId = 'flow' | 'id' | 'parentId' | 'rootId' | 'startedAt' | 'duration' | 'executingOn' | 'initiator' | 'status';

/** Statuses that will not change any more. */
export function isFinishedStatus(status: ExecutionSummary['status']): boolean {
  return status === 'Stopped' || status === 'Ended' || status === 'Error';
}

/** Status order: an execution's status only moves forward (Running → Stopping → Stopped/Ended/Error). */
export function statusRank(status: ExecutionSummary['status']): number {
  return status === 'Running' ? 0 : status === 'Stopping' ? 1 : 2;
}

/** The initiator as text: `user alice`, `schedule Nightly`, `trigger Link-Down`, `flow <parent id>`. */
export function initiatorText(i: ExecutionSummary['initiator']): string {
  switch (i.type) {
    case 'user':
      return `user ${i.name}`;
    case 'schedule':
      return `schedule ${i.name}`;
    case 'trigger':
      return `trigger ${i.name}`;
    case 'flow':
      return `flow ${i.executionId}`;
  }
}
