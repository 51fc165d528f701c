/**
 * `<fg-triggers-app>`: the Triggers page of a package version — the header (what it shows, whether
 * the version is published, Running Executions, Reload), what could not be loaded, and three tabs:
 * Triggers, SNMPv3 Users, Send Test Trap. It holds the page's state: the last snapshot, the open
 * tab, the open forms' drafts and the last test trap's answer, kept with the channel's
 * setState/getState so hiding the panel loses nothing (never a key: the forms keep keys to
 * themselves). Every execution id on the page opens that execution (`openExecution`).
 */
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { connect } from '../kit/channel';
import { PageElement } from '../kit/element';
import '../kit/pageHeader';
import '../kit/statusLine';
import { count } from '../kit/format';
import { badge, button, icon } from '../kit/parts';
import type { ExtensionToWebview, TestTrapResult, TriggerDraft, TriggersSnapshot, TriggersTab, UserDraft } from '../protocol/triggers';
import { failure, info, wholeErrors, type Status, type TriggersChannel } from './page';
import './trapForm';
import { DEFAULT_TRAP, type TrapDraft } from './trapForm';
import './trapResult';
import './triggersTab';
import './usersTab';

const TABS: TriggersTab[] = ['triggers', 'users', 'sendTrap'];

export class FgTriggersApp extends PageElement {
  static override properties = {
    snapshot: { state: true },
    tab: { state: true },
    loading: { state: true },
    trap: { state: true },
    result: { state: true },
    triggerDraft: { state: true },
    userDraft: { state: true },
    status: { state: true },
  };

  declare snapshot: TriggersSnapshot | undefined;
  declare tab: TriggersTab;
  declare loading: boolean;
  declare trap: TrapDraft;
  declare result: TestTrapResult | undefined;
  declare triggerDraft: TriggerDraft | undefined;
  declare userDraft: UserDraft | undefined;
  /** What the page-wide actions (Reload, opening executions) last said. */
  declare status: Status;
  private readonly channel: TriggersChannel;

  constructor() {
    super();
    this.channel = connect();
    const saved = this.channel.getState();
    this.snapshot = undefined;
    this.tab = saved?.tab && TABS.includes(saved.tab) ? saved.tab : 'triggers';
    this.loading = true;
    this.trap = saved?.trap ?? DEFAULT_TRAP;
    this.result = saved?.result;
    this.triggerDraft = saved?.triggerDraft;
    this.userDraft = saved?.userDraft;
    this.status = info('');
    this.channel.onNotification((m) => this.onNotification(m));
    this.addEventListener('trigger-draft', (e) => this.remember({ triggerDraft: e.detail }));
    this.addEventListener('user-draft', (e) => this.remember({ userDraft: e.detail }));
    this.addEventListener('trap-draft', (e) => this.remember({ trap: e.detail }));
    this.addEventListener('trap-result', (e) => this.remember({ result: e.detail }));
    this.addEventListener('open-execution', (e) => void this.openExecution(e.detail));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.channel.notify({ type: 'ready' });
  }

  /** Changes the page's state and saves it (what the panel restores after being hidden). */
  private remember(change: Partial<Pick<FgTriggersApp, 'tab' | 'trap' | 'result' | 'triggerDraft' | 'userDraft'>>): void {
    Object.assign(this, change);
    this.channel.setState({
      tab: this.tab,
      trap: this.trap,
      ...(this.result ? { result: this.result } : {}),
      ...(this.triggerDraft ? { triggerDraft: this.triggerDraft } : {}),
      ...(this.userDraft ? { userDraft: this.userDraft } : {}),
    });
  }

  private apply(snapshot: TriggersSnapshot): void {
    const first = !this.snapshot;
    this.snapshot = snapshot;
    this.loading = false;
    // A draft of a trigger or user that is gone (deleted meanwhile) is not restored.
    const t = this.triggerDraft;
    if (first && t?.id && !snapshot.triggers.some((x) => x.id === t.id)) this.remember({ triggerDraft: undefined });
    const u = this.userDraft;
    if (first && u && !u.isNew && !snapshot.users.some((x) => x.name === u.name)) this.remember({ userDraft: undefined });
  }

  private onNotification(m: ExtensionToWebview): void {
    switch (m.type) {
      case 'snapshot':
        this.apply(m.snapshot);
        if (m.show) this.remember({ tab: m.show });
        return;
      case 'show':
        this.remember({ tab: m.tab });
        return;
      case 'executions': {
        const r = this.result;
        if (!r) return;
        const now = new Map(m.executions.map((x) => [x.id, x]));
        this.remember({ result: { ...r, executions: r.executions.map((x) => now.get(x.id) ?? x) } });
        return;
      }
    }
  }

  private async reload(): Promise<void> {
    this.loading = true;
    const reply = await this.channel.request('reload', {});
    this.loading = false;
    if (reply.ok) {
      this.apply(reply.result);
      this.status = info('');
    } else this.status = failure(wholeErrors(reply.errors, 'could not load the triggers'));
  }

  private async openExecution(id: string): Promise<void> {
    const reply = await this.channel.request('openExecution', { id });
    this.status = reply.ok ? info('') : failure(wholeErrors(reply.errors, `could not open execution ${id}`));
  }

  private async openExecutions(): Promise<void> {
    const reply = await this.channel.request('openExecutions', {});
    this.status = reply.ok ? info('') : failure(wholeErrors(reply.errors, 'could not open Running Executions'));
  }

  private header(): TemplateResult {
    const snap = this.snapshot;
    const data = document.body.dataset;
    const scope = snap?.scope;
    const subtitle = scope ? `${scope.packageName} v${scope.packageVersion} on ${scope.gatewayName}` : data.package ? `${data.package} v${data.version} on ${data.gateway}` : '';
    const badges = snap
      ? html`${snap.published ? badge('Published', 'ok', 'published') : badge('Not published — triggers do not fire', 'warn', 'unpublished')}
        ${badge(count(snap.triggers.length, 'trigger'), 'muted')}`
      : nothing;
    return html`<fg-page-header
      heading="Triggers"
      subtitle=${subtitle}
      ?loading=${this.loading}
      .badges=${badges}
      .actions=${button('Running Executions', () => void this.openExecutions(), { icon: 'list-unordered', secondary: true, cls: 'open-executions', title: 'Open the Running Executions of this version' })}
      @reload=${() => void this.reload()}
    ></fg-page-header>`;
  }

  protected override render(): TemplateResult {
    const snap = this.snapshot;
    return html`${this.header()}
      <fg-status-line class="page-status" .kind=${this.status.kind} .text=${this.status.text}></fg-status-line>
      ${snap?.problems.length ? html`<div class="problems" role="status">${snap.problems.map((p) => html`<div class="problem">${icon('warning')} ${p}</div>`)}</div>` : nothing}
      ${snap
        ? html`<vscode-tabs
            class="tabs"
            panel
            selected-index=${TABS.indexOf(this.tab)}
            @vsc-tabs-select=${(e: CustomEvent<{ selectedIndex: number }>) => this.remember({ tab: TABS[e.detail.selectedIndex] ?? 'triggers' })}
          >
            <vscode-tab-header slot="header" data-tab="triggers">Triggers (${snap.triggers.length})</vscode-tab-header>
            <vscode-tab-panel class="tab-triggers">
              <fg-triggers-tab .channel=${this.channel} .snapshot=${snap} .draft=${this.triggerDraft}></fg-triggers-tab>
            </vscode-tab-panel>
            <vscode-tab-header slot="header" data-tab="users"><span class="wide-only">SNMPv3 </span>Users (${snap.users.length})</vscode-tab-header>
            <vscode-tab-panel class="tab-users">
              <fg-users-tab .channel=${this.channel} .snapshot=${snap} .draft=${this.userDraft}></fg-users-tab>
            </vscode-tab-panel>
            <vscode-tab-header slot="header" data-tab="sendTrap"><span class="wide-only">Send </span>Test Trap</vscode-tab-header>
            <vscode-tab-panel class="tab-send-trap">
              <fg-trap-form .channel=${this.channel} .snapshot=${snap} .trap=${this.trap}></fg-trap-form>
              <fg-trap-result .result=${this.result} .scope=${snap.scope}></fg-trap-result>
            </vscode-tab-panel>
          </vscode-tabs>`
        : html`<div class="loading muted">Loading triggers…</div>`}`;
  }
}
customElements.define('fg-triggers-app', FgTriggersApp);

declare global {
  interface HTMLElementTagNameMap {
    'fg-triggers-app': FgTriggersApp;
  }
}
