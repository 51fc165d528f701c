import * as vscode from 'vscode';
import type { ExecutionSummary } from '../../core/api/types';
import type { GatewayClient } from '../../core/client/gatewayClient';
import { GatewayError } from '../../core/client/gatewayError';
import {
  isFinishedStatus,
  statusRank,
  type ExecutionRow,
  type ExecutionsRequests,
  type ExecutionsScope,
  type ExtensionToWebview,
  type FeedState,
  type FocusRequest,
  type WebviewToExtension,
} from '../../../webview/protocol/executions';
import { errorText, showError } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Logger } from '../shared/log';
import { RequestRefused, WebviewPanelHost } from '../webviews/webviewHost';
import type { ExecutionEvents } from './executionEvents';
import { executionIdProblem, historyParams, idParams, stopParams } from './executionsParams';
import { ScopedPanels } from '../webviews/panelRegistry';

/** At most this many finished executions stay listed (the oldest finished go first). */
const MAX_FINISHED_ROWS = 500;
/** Executions one "Load more" of the history brings. */
const HISTORY_PAGE = 100;

export function scopeKey(scope: ExecutionsScope): string {
  return `${scope.gatewayUrl}|${scope.packageName ?? '*'}|${scope.packageVersion ?? '*'}`;
}

export function scopeTitle(scope: ExecutionsScope): string {
  return scope.packageName ? `Executions: ${scope.packageName} v${scope.packageVersion}` : `Executions: ${scope.gatewayName}`;
}

/** What showing one execution came to (what `flowgate.showRunningExecutions` answers with an `executionId`). */
export interface FocusOutcome {
  id: string;
  found: boolean;
  /** Why it is not shown (not found, the gateway did not answer). */
  message?: string;
}

function summaryOf(detail: ExecutionSummary & Record<string, unknown>): ExecutionSummary {
  const { inputs: _i, outputs: _o, error: _e, log: _l, children: _c, ...summary } = detail;
  return summary as ExecutionSummary;
}

/**
 * One Running Executions panel: a package version's executions, or a whole gateway's. The
 * extension side holds the list (fed by the gateway's shared event stream, ExecutionEvents) and sends
 * it to the page; the page's requests (details, history, stop, open an execution) are answered by
 * one handler each. The gateway client (and any token) stays here.
 */
export class ExecutionsPanel implements vscode.Disposable {
  readonly host: WebviewPanelHost<WebviewToExtension, ExtensionToWebview, ExecutionsRequests>;
  private readonly events: ExecutionEvents;
  private feed: FeedState;
  private readonly client: GatewayClient;
  private readonly rows = new Map<string, ExecutionRow>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The last execution the extension asked the page to show (sent again with every snapshot). */
  private focusRequest: FocusRequest | undefined;
  private focusSeq = 0;
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    extensionUri: vscode.Uri,
    readonly scope: ExecutionsScope,
    private readonly log: Logger,
    events: ExecutionEvents,
  ) {
    this.events = events;
    this.feed = events.state(scope.gatewayUrl);
    this.client = gatewayClient(scope.gatewayUrl, 'panel');
    this.host = new WebviewPanelHost<WebviewToExtension, ExtensionToWebview, ExecutionsRequests>(
      extensionUri,
      {
        viewType: 'flowgate.executions',
        title: scopeTitle(scope),
        script: 'executions.js',
        style: 'executions.css',
        codicons: true,
        iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'flowgate.svg'),
      },
      {
        requests: {
          getDetails: (params) => this.client.getExecution(idParams(params).id),
          loadHistory: (params) => this.loadHistory(historyParams(params)),
          stop: (params) => this.stop(stopParams(params).ids),
          openExecution: (params) => this.openExecution(idParams(params).id),
        },
        notification: (message) => this.onNotification(message),
        describe: (method, params) => describeRequest(method, params),
        onError: (what, err) => log.warn(`Running Executions (${scope.gatewayUrl}): ${what} failed: ${errorText(err)}`),
      },
    );
    this.onDidDispose = this.host.onDidDispose;
    // Hidden pages are unloaded; the page sends `ready` again when shown and gets a snapshot.
    this.disposables.push(this.host);
    this.host.onDidDispose(() => this.dispose());
    // Last: joining an open stream answers at once, and the host must exist by then.
    this.disposables.push(
      events.subscribe(scope.gatewayUrl, {
        snapshot: (list) => this.onSnapshot(list.filter((e) => this.inScope(e))),
        changed: (e) => {
          if (this.inScope(e)) this.onChanged(e);
        },
        state: (feed) => {
          this.feed = feed;
          void this.host.post({ type: 'feed', feed });
        },
      }),
    );
  }

  /** The panel's package version (or the whole gateway). */
  private inScope(e: ExecutionSummary): boolean {
    return (
      (this.scope.packageName === undefined || e.packageName === this.scope.packageName) &&
      (this.scope.packageVersion === undefined || e.packageVersion === this.scope.packageVersion)
    );
  }

  get panel(): vscode.WebviewPanel {
    return this.host.panel;
  }

  reveal(): void {
    this.host.reveal();
  }

  /** The executions listed now (for tests and commands). */
  executions(): ExecutionRow[] {
    return [...this.rows.values()];
  }

  /** The execution the extension last asked the page to show, and what came of it (for tests). */
  focused(): FocusRequest | undefined {
    return this.focusRequest;
  }

  get feedState(): FeedState {
    return this.feed;
  }

  /** Keeps a status from going backwards (a late list answer after a newer event). */
  private merge(e: ExecutionSummary, now: number): ExecutionRow | undefined {
    const old = this.rows.get(e.id);
    if (old && statusRank(old.status) > statusRank(e.status)) return undefined;
    const row: ExecutionRow = { ...e, receivedAt: now };
    this.rows.set(e.id, row);
    return row;
  }

  private snapshot(): ExtensionToWebview {
    return { type: 'snapshot', scope: this.scope, executions: this.executions(), feed: this.feed, now: Date.now(), ...(this.focusRequest ? { focus: this.focusRequest } : {}) };
  }

  private onSnapshot(list: ExecutionSummary[]): void {
    const now = Date.now();
    const listed = new Set(list.map((e) => e.id));
    // Rows that were running and are not any more: ask the gateway what became of them.
    const vanished = [...this.rows.values()].filter((r) => !isFinishedStatus(r.status) && !listed.has(r.id));
    for (const e of list) this.merge(e, now);
    void this.host.post(this.snapshot());
    if (vanished.length) void this.resolveVanished(vanished.slice(0, 100));
  }

  private async resolveVanished(rows: ExecutionRow[]): Promise<void> {
    const changed: ExecutionRow[] = [];
    await Promise.all(
      rows.map(async (r) => {
        try {
          const row = this.merge(summaryOf(await this.client.getExecution(r.id)), Date.now());
          if (row) changed.push(row);
        } catch (err) {
          this.log.warn(`Running Executions: could not read execution ${r.id}: ${errorText(err)}`);
        }
      }),
    );
    if (changed.length) void this.host.post({ type: 'changed', executions: changed, now: Date.now() });
  }

  private onChanged(e: ExecutionSummary): void {
    const now = Date.now();
    const row = this.merge(e, now);
    if (!row) return;
    this.trimFinished();
    void this.host.post({ type: 'changed', executions: [row], now });
  }

  private trimFinished(): void {
    const finished = [...this.rows.values()].filter((r) => isFinishedStatus(r.status));
    if (finished.length <= MAX_FINISHED_ROWS) return;
    finished.sort((a, b) => (a.endedAt ?? '').localeCompare(b.endedAt ?? ''));
    for (const r of finished.slice(0, finished.length - MAX_FINISHED_ROWS)) {
      if (r.id !== this.focusRequest?.id) this.rows.delete(r.id);
    }
  }

  private async onNotification(message: WebviewToExtension): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.host.post(this.snapshot());
        return;
      case 'refresh':
        this.events.reconnect(this.scope.gatewayUrl);
        return;
    }
  }

  private async loadHistory(q: ExecutionsRequests['loadHistory']['params']): Promise<ExecutionsRequests['loadHistory']['result']> {
    const page = await this.client.listExecutions({
      ...q,
      ...(this.scope.packageName !== undefined ? { packageName: this.scope.packageName } : {}),
      ...(this.scope.packageVersion !== undefined ? { packageVersion: this.scope.packageVersion } : {}),
      limit: HISTORY_PAGE,
    });
    const now = Date.now();
    const executions = page.executions.filter((e) => this.inScope(e)).map((e) => this.merge(e, now) ?? this.rows.get(e.id)!);
    return { executions, ...(page.next ? { next: page.next } : {}) };
  }

  /**
   * One execution by id: the listed row, else read from the gateway (an old finished one).
   * Throws `RequestRefused` when the gateway does not know it.
   */
  private async lookUp(id: string): Promise<ExecutionSummary> {
    const listed = this.rows.get(id);
    if (listed) return listed;
    try {
      return summaryOf(await this.client.getExecution(id));
    } catch (err) {
      if (err instanceof GatewayError && err.status === 404) {
        throw new RequestRefused([{ field: '', message: `Execution ${id} was not found on ${this.scope.gatewayName}.` }]);
      }
      throw err;
    }
  }

  /** `openExecution`: an execution of this scope is listed (and the page selects it); another version's opens in its own panel. */
  private async openExecution(id: string): Promise<ExecutionsRequests['openExecution']['result']> {
    const e = await this.lookUp(id);
    if (!this.inScope(e)) {
      await vscode.commands.executeCommand('flowgate.showRunningExecutions', {
        gatewayUrl: this.scope.gatewayUrl,
        packageName: e.packageName,
        version: e.packageVersion,
        executionId: id,
      });
      return { id, openedIn: `${e.packageName} v${e.packageVersion}` };
    }
    const row = this.merge(e, Date.now()) ?? this.rows.get(id)!;
    return { id, execution: row };
  }

  /**
   * Shows one execution in the page (`flowgate.showRunningExecutions` with an `executionId`):
   * lists it (read from the gateway when it is not listed) and tells the page to select it, or to
   * say why it cannot.
   */
  async focus(id: unknown): Promise<FocusOutcome> {
    const shown = typeof id === 'string' ? id.slice(0, 64) : String(id).slice(0, 64);
    const problem = executionIdProblem(id);
    let outcome: FocusOutcome;
    if (problem) {
      outcome = { id: shown, found: false, message: `Cannot show execution '${shown}': ${problem}.` };
    } else {
      try {
        const e = await this.lookUp(id as string);
        const row = this.inScope(e) ? this.merge(e, Date.now()) : undefined;
        if (row) await this.host.post({ type: 'changed', executions: [row], now: Date.now() });
        outcome = { id: id as string, found: true };
      } catch (err) {
        const message = err instanceof RequestRefused ? err.message : `Could not read execution ${shown} from ${this.scope.gatewayName}: ${errorText(err)}`;
        outcome = { id: shown, found: false, message };
      }
    }
    this.focusRequest = { id: outcome.id, seq: ++this.focusSeq, ...(outcome.message ? { error: outcome.message } : {}) };
    await this.host.post({ type: 'focus', focus: this.focusRequest });
    if (!outcome.found) this.log.warn(`Running Executions: ${outcome.message}`);
    return outcome;
  }

  /** Stops executions (each with its children) with a progress notification; answers the page. */
  async stop(ids: string[]): Promise<ExecutionsRequests['stop']['result']> {
    const what = ids.length === 1 ? `execution ${ids[0].slice(0, 8)}` : `${ids.length} executions`;
    try {
      const answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Flowgate: stopping ${what} on ${this.scope.gatewayName}…` },
        () => this.client.stopExecutions(ids),
      );
      const now = Date.now();
      const executions = answer.executions.map((e) => this.merge(e, now) ?? this.rows.get(e.id)!).filter(Boolean);
      this.log.info(`Stopped ${what} on ${this.scope.gatewayUrl}: ${answer.executions.map((e) => `${e.id} ${e.status}`).join(', ')}${answer.notFound.length ? `; not found: ${answer.notFound.join(', ')}` : ''}`);
      if (answer.notFound.length) {
        void vscode.window.showWarningMessage(`Flowgate: ${answer.notFound.length} execution(s) were not found on ${this.scope.gatewayName}: ${answer.notFound.join(', ')}`);
      }
      return { executions, notFound: answer.notFound };
    } catch (err) {
      const text = `could not stop ${what} on ${this.scope.gatewayUrl}: ${errorText(err)}`;
      showError(this.log, 'Stop Executions failed', new Error(text));
      throw new RequestRefused([{ field: '', message: `Could not stop ${what}: ${errorText(err)}` }]);
    }
  }

  dispose(): void {
    const list = this.disposables.splice(0);
    list.forEach((d) => d.dispose());
  }
}

function describeRequest(method: string, params: unknown): string {
  const id = params && typeof params === 'object' && typeof (params as { id?: unknown }).id === 'string' ? ` ${(params as { id: string }).id.slice(0, 64)}` : '';
  switch (method) {
    case 'getDetails':
      return `Could not load the details of execution${id}`;
    case 'loadHistory':
      return 'Could not load past executions';
    case 'openExecution':
      return `Could not open execution${id}`;
    default:
      return method;
  }
}

/** The open Running Executions panels, one per scope: showing a scope again reveals its panel. */
export class ExecutionsPanels extends ScopedPanels<ExecutionsScope, ExecutionsPanel> {
  constructor(extensionUri: vscode.Uri, log: Logger, events: ExecutionEvents) {
    super(scopeKey, (scope) => new ExecutionsPanel(extensionUri, scope, log, events));
  }
}
