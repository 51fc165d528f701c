/**
 * The Running Executions page's protocol, declared once and imported by both sides (the page,
 * webview/executions/app.ts, and the panel, src/extension/executions/executionsPanel.ts).
 *
 * Requests (`ExecutionsRequests`) are the page's typed `request(method, params)` calls, each
 * answered with a reply (webview/protocol/rpc.ts). Notifications: the extension pushes the list
 * (`snapshot`, `changed`), the link to the gateway (`feed`) and an execution to show (`focus`);
 * the page says `ready` (also after it was hidden and shown again) and `refresh` (Reload). The page
 * never talks to a gateway and never receives a token or secret: only execution data crosses.
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

/**
 * An execution the extension asks the page to show (`flowgate.showRunningExecutions` with an
 * `executionId`): select it and show its details, or say in the status line why not (`error`).
 * `seq` grows with every ask, so the page acts on each once (it comes again in later snapshots).
 */
export interface FocusRequest {
  id: string;
  seq: number;
  error?: string;
}

// ---- requests (page → extension, each answered) ----------------------------------------------------

export type ExecutionsRequests = {
  /** One execution with its inputs, outputs, error, log and children. */
  getDetails: { params: { id: string }; result: ExecutionDetail };
  /** A page of the gateway's execution history (finished ones included), newest first; `next` when there are more. */
  loadHistory: { params: HistoryQuery; result: { executions: ExecutionRow[]; next?: string } };
  /** Stop these executions (each with its children). */
  stop: { params: { ids: string[] }; result: { executions: ExecutionRow[]; notFound: string[] } };
  /**
   * Show an execution (an `<fg-execution-link>` was activated): here, when it is of this page's
   * scope (`execution`, loaded from the gateway when it is not listed); else the Running Executions
   * of its own version is opened on it (`openedIn` names that version).
   */
  openExecution: { params: { id: string }; result: { id: string; execution?: ExecutionRow; openedIn?: string } };
};

// ---- notifications ---------------------------------------------------------------------------------

export type ExtensionToWebview =
  /** The whole list (first load, reconnect, the webview came back). Replaces what the webview had. */
  | { type: 'snapshot'; scope: ExecutionsScope; executions: ExecutionRow[]; feed: FeedState; now: number; focus?: FocusRequest }
  /** Executions that started or changed status. */
  | { type: 'changed'; executions: ExecutionRow[]; now: number }
  | { type: 'feed'; feed: FeedState }
  | { type: 'focus'; focus: FocusRequest };

export type WebviewToExtension =
  /** The page loaded (also after it was hidden and shown again): send a snapshot. */
  | { type: 'ready' }
  /** Reload: connect to the gateway's event stream again (a fresh list). */
  | { type: 'refresh' };

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
  /** The last `FocusRequest.seq` acted on. */
  focusSeq: number;
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

/** The initiator as text: `user alice`, `client ci-job`, `anonymous`, `schedule Nightly`, `trigger Link-Down`, `flow <parent id>`. */
export function initiatorText(i: ExecutionSummary['initiator']): string {
  switch (i.type) {
    case 'user':
      return `user ${i.name}`;
    case 'client':
      return `client ${i.name}`;
    case 'anonymous':
      return 'anonymous';
    case 'schedule':
      return `schedule ${i.name}`;
    case 'trigger':
      return `trigger ${i.name}`;
    case 'flow':
      return `flow ${i.executionId}`;
  }
}
