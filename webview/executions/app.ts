/**
 * `<fg-executions-app>`: the Running Executions page — a live list of a package version's (or a
 * gateway's) executions with their details. Everything it shows comes from the extension through
 * webview/protocol/executions.ts (snapshots and changes pushed; details, history, stop and opening
 * an execution as typed requests); it never talks to a gateway itself. Its UI state (filters,
 * sort, checks, selection) is kept with the channel's `setState`, so hiding the panel keeps it.
 */
import '@vscode-elements/elements/dist/vscode-split-layout/index.js';
import '../kit/pageHeader';
import '../kit/statusLine';
import './details';
import './filters';
import './table';
import { html, nothing, type TemplateResult } from 'lit';
import { connect, type Channel } from '../kit/channel';
import { PageElement } from '../kit/element';
import { count, formatDuration, formatTime, shortId } from '../kit/format';
import { badge, button } from '../kit/parts';
import type { StatusKind } from '../kit/statusLine';
import {
  isFinishedStatus,
  type ExecutionDetail,
  type ExecutionRow,
  type ExecutionsRequests,
  type ExecutionsScope,
  type ExecutionsViewState,
  type ExtensionToWebview,
  type FeedState,
  type FocusRequest,
  type WebviewToExtension,
} from '../protocol/executions';
import type { ApiErrorDetail } from '../protocol/rpc';
import { changesHistory, historyQuery } from './history';
import { nextSort, restoreView, stoppable, visibleItems } from './model';
import type { FgExecutionsTable } from './table';

type ExecutionsChannel = Channel<ExecutionsRequests, ExtensionToWebview, WebviewToExtension, ExecutionsViewState>;

/** The messages of a reply's errors (a request's errors name no form field here). */
function messages(errors: readonly ApiErrorDetail[]): string {
  return errors.map((e) => (e.field && !e.message.includes(e.field) ? `${e.field}: ${e.message}` : e.message)).join('; ');
}

export class FgExecutionsApp extends PageElement {
  static override properties = {
    view: { state: true },
    scope: { state: true },
    feed: { state: true },
    loaded: { state: true },
    detail: { state: true },
    detailError: { state: true },
    historyLoading: { state: true },
    historyNext: { state: true },
    stopping: { state: true },
    status: { state: true },
  };

  declare view: ExecutionsViewState;
  declare scope: ExecutionsScope | undefined;
  declare feed: FeedState;
  declare loaded: boolean;
  declare detail: ExecutionDetail | undefined;
  declare detailError: string;
  declare historyLoading: boolean;
  /** The cursor of the next page of past executions, when there is one. */
  declare historyNext: string | undefined;
  declare stopping: boolean;
  declare status: { kind: StatusKind; text: string };

  private readonly channel: ExecutionsChannel;
  /** The listed executions (changed in place; `requestUpdate` redraws). */
  private readonly rows = new Map<string, ExecutionRow>();
  /** Webview clock − extension clock, from the last message's `now`. */
  private offset = 0;
  private detailsSeq = 0;
  private historySeq = 0;
  private timers: ReturnType<typeof setInterval>[] = [];

  constructor() {
    super();
    this.channel = connect<ExecutionsRequests, ExtensionToWebview, WebviewToExtension, ExecutionsViewState>();
    this.view = restoreView(this.channel.getState());
    this.scope = undefined;
    this.feed = { state: 'connecting' };
    this.loaded = false;
    this.detail = undefined;
    this.detailError = '';
    this.historyLoading = false;
    this.historyNext = undefined;
    this.stopping = false;
    this.status = { kind: 'info', text: '' };
    this.channel.onNotification((m) => this.onNotification(m));
    this.addEventListener('open-execution', (e) => void this.openExecution(e.detail));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.timers.push(
      // The retry countdown of a dropped link.
      setInterval(() => {
        if (this.feed.state === 'disconnected') this.requestUpdate();
      }, 1000),
      // While the selected execution runs, its log grows: read it again every few seconds.
      setInterval(() => {
        const r = this.view.selected ? this.rows.get(this.view.selected) : undefined;
        if (r && !isFinishedStatus(r.status) && document.visibilityState === 'visible') void this.loadDetails();
      }, 3000),
    );
    this.channel.notify({ type: 'ready' });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.timers.forEach(clearInterval);
    this.timers = [];
  }

  private setView(change: Partial<ExecutionsViewState>): void {
    this.view = { ...this.view, ...change };
    this.channel.setState(this.view);
    if (changesHistory(change)) void this.loadHistory();
  }

  private say(text: string, kind: StatusKind = 'info'): void {
    this.status = { kind, text };
  }

  private put(list: readonly ExecutionRow[], now?: number): void {
    if (now !== undefined) this.offset = Date.now() - now;
    for (const r of list) this.rows.set(r.id, r);
    this.requestUpdate();
  }

  private onNotification(m: ExtensionToWebview): void {
    switch (m.type) {
      case 'snapshot':
        this.scope = m.scope;
        this.feed = m.feed;
        this.rows.clear();
        this.put(m.executions, m.now);
        this.loaded = true;
        if (this.view.selected && !this.detail) void this.loadDetails();
        void this.loadHistory();
        if (m.focus) this.applyFocus(m.focus);
        return;
      case 'changed': {
        const selected = this.view.selected ? this.rows.get(this.view.selected) : undefined;
        this.put(m.executions, m.now);
        const now = this.view.selected ? this.rows.get(this.view.selected) : undefined;
        if (now && now.status !== selected?.status) void this.loadDetails();
        return;
      }
      case 'feed':
        this.feed = m.feed;
        return;
      case 'focus':
        this.applyFocus(m.focus);
        return;
    }
  }

  /** The extension asks to show an execution (once per `seq`). */
  private applyFocus(f: FocusRequest): void {
    if (f.seq <= this.view.focusSeq) return;
    this.setView({ focusSeq: f.seq });
    if (f.error) {
      this.say(f.error, 'error');
      return;
    }
    this.select(f.id, true);
    this.say(`Showing execution ${f.id}.`);
  }

  private select(id: string | null, reveal = false): void {
    if (reveal && id) void this.updateComplete.then(() => this.querySelector<FgExecutionsTable>('fg-executions-table')?.focusRow(id));
    if (this.view.selected === id && (this.detail?.id === id || this.detailError)) return;
    this.setView({ selected: id });
    this.detail = undefined;
    this.detailError = '';
    void this.loadDetails();
  }

  private async loadDetails(): Promise<void> {
    const id = this.view.selected;
    if (!id) return;
    const seq = ++this.detailsSeq;
    const reply = await this.channel.request('getDetails', { id });
    if (seq !== this.detailsSeq || id !== this.view.selected) return;
    this.detail = reply.ok ? reply.result : undefined;
    this.detailError = reply.ok ? '' : messages(reply.errors);
  }

  /** With "Show finished": the first page of the gateway's history under the filters, or the page after `after`. */
  private async loadHistory(after?: string): Promise<void> {
    const seq = ++this.historySeq;
    this.historyNext = undefined;
    if (!this.view.showFinished) {
      this.historyLoading = false;
      return;
    }
    this.historyLoading = true;
    const reply = await this.channel.request('loadHistory', historyQuery(this.view, after));
    if (seq !== this.historySeq) return;
    this.historyLoading = false;
    if (!reply.ok) {
      this.say(messages(reply.errors), 'error');
      return;
    }
    this.put(reply.result.executions);
    this.historyNext = reply.result.next;
  }

  private async stop(ids: string[]): Promise<void> {
    if (ids.length === 0 || this.stopping) return;
    this.stopping = true;
    const reply = await this.channel.request('stop', { ids });
    this.stopping = false;
    if (!reply.ok) {
      this.say(messages(reply.errors), 'error');
      return;
    }
    const { executions, notFound } = reply.result;
    this.put(executions);
    const done = new Set([...executions.filter((r) => r.status !== 'Running').map((r) => r.id), ...notFound]);
    this.setView({ checked: this.view.checked.filter((id) => !done.has(id)) });
    this.say(`Asked ${count(executions.length, 'execution')} to stop${notFound.length ? `; not found: ${notFound.map(shortId).join(', ')}` : ''}.`);
    if (this.view.selected && executions.some((r) => r.id === this.view.selected)) void this.loadDetails();
  }

  /** An execution link was activated: the extension lists it (or opens its own version's page), the page selects it. */
  private async openExecution(id: string): Promise<void> {
    const reply = await this.channel.request('openExecution', { id });
    if (!reply.ok) {
      this.say(messages(reply.errors), 'error');
      return;
    }
    if (reply.result.execution) {
      this.put([reply.result.execution]);
      this.select(id, true);
    } else if (reply.result.openedIn) {
      this.say(`Execution ${shortId(id)} belongs to ${reply.result.openedIn}: opened there.`);
    }
  }

  private reload(): void {
    this.say('');
    this.channel.notify({ type: 'refresh' });
    void this.loadHistory();
    if (this.view.selected) void this.loadDetails();
  }

  private toggle(list: readonly string[], key: string, on: boolean): string[] {
    const set = new Set(list);
    if (on) set.add(key);
    else set.delete(key);
    return [...set];
  }

  private feedBadge(): TemplateResult {
    const f = this.feed;
    const where = this.scope?.gatewayName ?? 'the gateway';
    if (f.state === 'connecting') return badge(`Connecting to ${where}…`, 'muted', 'feed feed-connecting');
    if (f.state === 'connected') {
      return html`<span title=${`Receiving changes from ${this.scope?.gatewayUrl ?? where} since ${formatTime(f.since)}`}>${badge('Live', 'ok', 'feed feed-connected')}</span>`;
    }
    const seconds = Math.max(0, Math.ceil((Date.parse(f.retryAt) - Date.now()) / 1000));
    return html`<span title=${f.error} role="status">${badge(`Disconnected — retrying${seconds > 0 ? ` in ${formatDuration(seconds * 1000)}` : '…'} (attempt ${f.attempt})`, 'warn', 'feed feed-disconnected')}</span>`;
  }

  protected override render(): TemplateResult {
    const s = this.scope;
    const all = [...this.rows.values()];
    const running = all.filter((r) => !isFinishedStatus(r.status)).length;
    const items = visibleItems(this.rows, this.view, this.offset);
    const toStop = stoppable(this.view, this.rows);
    const empty = !this.loaded ? 'Loading…' : all.length === 0 ? 'No running executions. Executions that start appear here as they run.' : 'No execution matches the filter.';
    const subtitle = !s ? '' : s.packageName ? `${s.packageName} v${s.packageVersion} on ${s.gatewayName}` : s.gatewayName;
    const selected = this.view.selected;
    return html`<fg-page-header
        heading="Running Executions"
        subtitle=${subtitle}
        title=${s?.gatewayUrl ?? nothing}
        ?loading=${!this.loaded}
        .badges=${html`${this.feedBadge()} ${badge(`${running} running · ${all.length} listed`, 'muted', 'counts')}`}
        .actions=${button(toStop.length ? `Stop (${toStop.length})` : 'Stop', () => void this.stop(toStop), {
          icon: 'debug-stop',
          cls: 'stop',
          disabled: toStop.length === 0 || this.stopping,
          title: 'Stop the checked executions (each with its children)',
          ariaLabel: toStop.length ? `Stop ${count(toStop.length, 'checked execution')}` : 'Stop the checked executions',
        })}
        @reload=${() => this.reload()}
      ></fg-page-header>
      <fg-status-line kind=${this.status.kind} text=${this.status.text}></fg-status-line>
      <vscode-split-layout class="split" split="horizontal" initial-handle-position="62%">
        <div slot="start" class="list-pane">
          <fg-executions-filters .view=${this.view} @view-change=${(e: CustomEvent<Partial<ExecutionsViewState>>) => this.setView(e.detail)}></fg-executions-filters>
          <div class="table-wrap">
            <fg-executions-table
              .items=${items}
              .view=${this.view}
              offset=${this.offset}
              empty-text=${empty}
              ?stopping=${this.stopping}
              @row-select=${(e: CustomEvent<string>) => this.select(e.detail)}
              @row-check=${(e: CustomEvent<{ id: string; checked: boolean }>) => this.setView({ checked: this.toggle(this.view.checked, e.detail.id, e.detail.checked) })}
              @check-all=${(e: CustomEvent<boolean>) => {
                let checked = this.view.checked;
                for (const i of items) if (i.kind === 'execution' && !isFinishedStatus(i.row.status)) checked = this.toggle(checked, i.row.id, e.detail);
                this.setView({ checked });
              }}
              @toggle-collapsed=${(e: CustomEvent<string>) => this.setView({ collapsed: this.toggle(this.view.collapsed, e.detail, !this.view.collapsed.includes(e.detail)) })}
              @sort=${(e: CustomEvent<ExecutionsViewState['sort']['column']>) => this.setView({ sort: nextSort(this.view.sort, e.detail) })}
              @stop-row=${(e: CustomEvent<string>) => void this.stop([e.detail])}
            ></fg-executions-table>
            ${this.view.showFinished && this.historyLoading ? html`<div class="history-line muted" role="status">Loading past executions…</div>` : nothing}
            ${this.view.showFinished && !this.historyLoading && this.historyNext
              ? button('Load more', () => void this.loadHistory(this.historyNext), { icon: 'history', secondary: true, cls: 'load-more', title: 'Load older executions from the gateway' })
              : nothing}
          </div>
        </div>
        <section slot="end" class="details-pane" aria-label="Execution details">
          <fg-execution-details
            execution-id=${selected ?? ''}
            .row=${selected ? this.rows.get(selected) : undefined}
            .detail=${this.detail}
            error=${this.detailError}
            offset=${this.offset}
          ></fg-execution-details>
        </section>
      </vscode-split-layout>`;
  }
}
customElements.define('fg-executions-app', FgExecutionsApp);

declare global {
  interface HTMLElementTagNameMap {
    'fg-executions-app': FgExecutionsApp;
  }
}
