import * as vscode from 'vscode';
import type { ExecutionSummary } from '../../core/api/types';
import type { GatewayClient } from '../../core/client/gatewayClient';
import {
  isFinishedStatus,
  statusRank,
  type ExecutionRow,
  type ExecutionsScope,
  type ExtensionToWebview,
  type FeedState,
  type WebviewToExtension,
} from '../../../webview/protocol/executions';
import { errorText, showError } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Logger } from '../shared/log';
import { WebviewPanelHost } from '../webviews/webviewHost';
import type { ExecutionEvents } from './executionEvents';

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

/**
 * One Running Executions panel: a package version's executions, or a whole gateway's. The
 * extension side holds the list (fed by the gateway's shared event stream, ExecutionEvents) and sends
 * it to the page; the page asks for details and stops through typed messages. The gateway client
 * (and any token) stays here.
 */
export class ExecutionsPanel implements vscode.Disposable {
  private readonly host: WebviewPanelHost<WebviewToExtension, ExtensionToWebview>;
  private readonly events: ExecutionEvents;
  private feed: FeedState;
  private readonly client: GatewayClient;
  private readonly rows = new Map<string, ExecutionRow>();
  private readonly disposables: vscode.Disposable[] = [];
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
    this.host = new WebviewPanelHost<WebviewToExtension, ExtensionToWebview>(
      extensionUri,
      {
        viewType: 'flowgate.executions',
        title: scopeTitle(scope),
        script: 'executions.js',
        style: 'executions.css',
        codicons: true,
        iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'flowgate.svg'),
      },
      (message) => this.onMessage(message),
      (message, err) => showError(log, `Running Executions: ${message.type} failed`, err),
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

  get feedState(): FeedState {
    return this.feed;
  }

  private row(e: ExecutionSummary, now: number): ExecutionRow {
    return { ...e, receivedAt: now };
  }

  /** Keeps a status from going backwards (a late list answer after a newer event). */
  private merge(e: ExecutionSummary, now: number): ExecutionRow | undefined {
    const old = this.rows.get(e.id);
    if (old && statusRank(old.status) > statusRank(e.status)) return undefined;
    const row = this.row(e, now);
    this.rows.set(e.id, row);
    return row;
  }

  private onSnapshot(list: ExecutionSummary[]): void {
    const now = Date.now();
    const listed = new Set(list.map((e) => e.id));
    // Rows that were running and are not any more: ask the gateway what became of them.
    const vanished = [...this.rows.values()].filter((r) => !isFinishedStatus(r.status) && !listed.has(r.id));
    for (const e of list) this.merge(e, now);
    void this.post({ type: 'snapshot', scope: this.scope, executions: this.executions(), feed: this.feed, now });
    if (vanished.length) void this.resolveVanished(vanished.slice(0, 100));
  }

  private async resolveVanished(rows: ExecutionRow[]): Promise<void> {
    const changed: ExecutionRow[] = [];
    await Promise.all(
      rows.map(async (r) => {
        try {
          const detail = await this.client.getExecution(r.id);
          const { inputs: _i, outputs: _o, error: _e, log: _l, children: _c, ...summary } = detail;
          const row = this.merge(summary, Date.now());
          if (row) changed.push(row);
        } catch (err) {
          this.log.warn(`Running Executions: could not read execution ${r.id}: ${errorText(err)}`);
        }
      }),
    );
    if (changed.length) void this.post({ type: 'changed', executions: changed, now: Date.now() });
  }

  private onChanged(e: ExecutionSummary): void {
    const now = Date.now();
    const row = this.merge(e, now);
    if (!row) return;
    this.trimFinished();
    void this.post({ type: 'changed', executions: [row], now });
  }

  private trimFinished(): void {
    const finished = [...this.rows.values()].filter((r) => isFinishedStatus(r.status));
    if (finished.length <= MAX_FINISHED_ROWS) return;
    finished.sort((a, b) => (a.endedAt ?? '').localeCompare(b.endedAt ?? ''));
    for (const r of finished.slice(0, finished.length - MAX_FINISHED_ROWS)) this.rows.delete(r.id);
  }

  private post(message: ExtensionToWebview): Promise<boolean> {
    return this.host.post(message);
  }

  private async onMessage(message: WebviewToExtension): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.post({ type: 'snapshot', scope: this.scope, executions: this.executions(), feed: this.feed, now: Date.now() });
        return;
      case 'refresh':
        this.events.reconnect(this.scope.gatewayUrl);
        return;
      case 'getDetails': {
        if (typeof message.id !== 'string') return;
        try {
          const detail = await this.client.getExecution(message.id);
          await this.post({ type: 'details', requestId: message.requestId, id: message.id, detail });
        } catch (err) {
          await this.post({ type: 'details', requestId: message.requestId, id: message.id, error: errorText(err) });
        }
        return;
      }
      case 'loadHistory': {
        const q = message.query ?? {};
        try {
          const page = await this.client.listExecutions({
            ...(q.status ? { status: q.status } : {}),
            ...(q.flow ? { flow: q.flow } : {}),
            ...(q.startedAfter ? { startedAfter: q.startedAfter } : {}),
            ...(q.after ? { after: q.after } : {}),
            ...(this.scope.packageName !== undefined ? { packageName: this.scope.packageName } : {}),
            ...(this.scope.packageVersion !== undefined ? { packageVersion: this.scope.packageVersion } : {}),
            limit: HISTORY_PAGE,
          });
          const now = Date.now();
          const executions = page.executions.map((e) => this.merge(e, now) ?? this.rows.get(e.id)!).filter(Boolean);
          await this.post({ type: 'history', requestId: message.requestId, executions, ...(page.next ? { next: page.next } : {}) });
        } catch (err) {
          this.log.warn(`Running Executions: could not load the history of ${this.scope.gatewayUrl}: ${errorText(err)}`);
          await this.post({ type: 'history', requestId: message.requestId, executions: [], error: errorText(err) });
        }
        return;
      }
      case 'stop': {
        const ids = Array.isArray(message.ids) ? message.ids.filter((id): id is string => typeof id === 'string') : [];
        if (ids.length === 0) return;
        await this.stop(ids, message.requestId);
        return;
      }
    }
  }

  /** Stops executions (each with its children) with a progress notification; answers the page. */
  async stop(ids: string[], requestId = 0): Promise<ExecutionRow[]> {
    const what = ids.length === 1 ? `execution ${ids[0].slice(0, 8)}` : `${ids.length} executions`;
    try {
      const answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Flowgate: stopping ${what} on ${this.scope.gatewayName}…` },
        () => this.client.stopExecutions(ids),
      );
      const now = Date.now();
      const rows = answer.executions.map((e) => this.merge(e, now) ?? this.rows.get(e.id)!).filter(Boolean);
      this.log.info(`Stopped ${what} on ${this.scope.gatewayUrl}: ${answer.executions.map((e) => `${e.id} ${e.status}`).join(', ')}${answer.notFound.length ? `; not found: ${answer.notFound.join(', ')}` : ''}`);
      await this.post({ type: 'stopped', requestId, executions: rows, notFound: answer.notFound });
      if (answer.notFound.length) {
        void vscode.window.showWarningMessage(`Flowgate: ${answer.notFound.length} execution(s) were not found on ${this.scope.gatewayName}: ${answer.notFound.join(', ')}`);
      }
      return rows;
    } catch (err) {
      const text = `could not stop ${what} on ${this.scope.gatewayUrl}: ${errorText(err)}`;
      await this.post({ type: 'stopped', requestId, executions: [], notFound: [], error: text });
      showError(this.log, 'Stop Executions failed', new Error(text));
      return [];
    }
  }

  dispose(): void {
    const list = this.disposables.splice(0);
    list.forEach((d) => d.dispose());
  }
}

/** The open Running Executions panels, one per scope: showing a scope again reveals its panel. */
export class ExecutionsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ExecutionsPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly events: ExecutionEvents,
  ) {}

  show(scope: ExecutionsScope): ExecutionsPanel {
    const key = scopeKey(scope);
    const open = this.panels.get(key);
    if (open) {
      open.reveal();
      return open;
    }
    const panel = new ExecutionsPanel(this.extensionUri, scope, this.log, this.events);
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return panel;
  }

  all(): ExecutionsPanel[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
