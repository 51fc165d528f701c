/**
 * `<fg-schedules-app>`: the Schedules page of a package version — the header, the list of its
 * schedules (enable/disable, Run Now, edit, delete) and the form (new/edit, with the live preview).
 * It holds the page's state: the last snapshot the extension pushed, and the UI state kept across
 * hiding the panel (the open form, Run Now's executions, unfolded histories, the status line) with
 * the channel's setState/getState. Every action is a typed request (webview/protocol/schedules.ts)
 * answered by its reply; the page never talks to a gateway.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { inputTextFromValue } from '../../src/core/model/inputText';
import { badge, banner, button, count, formatWhen, formatZoned, icon, SnapshotPage } from '../kit';
import { errorsText } from '../protocol/rpc';
import {
  DEFAULT_TIMEZONE,
  type ScheduleFormState,
  type ScheduleResponse,
  type SchedulesRequests,
  type SchedulesScope,
  type SchedulesSnapshot,
  type SchedulesViewState,
  type VersionInfo,
} from '../protocol/schedules';
import './form';
import './list';
import type { ScheduleAction } from './list';

export class FgSchedulesApp extends SnapshotPage<SchedulesRequests, SchedulesSnapshot, SchedulesViewState> {
  static override properties = {
    scope: { state: true },
    version: { state: true },
    schedules: { state: true },
    loadError: { state: true },
    busyIds: { state: true },
  };

  declare scope: SchedulesScope | undefined;
  declare version: VersionInfo | undefined;
  declare schedules: ScheduleResponse[];
  declare loadError: string | undefined;
  /** Schedules with a request under way (their row buttons wait). */
  declare busyIds: ReadonlySet<string>;
  /** Bumped on every open of the form: a new form element, not the last one's state. */
  private formSession = 0;

  constructor() {
    super((kept) => ({ form: kept?.form ?? null, started: kept?.started ?? {}, historyOpen: kept?.historyOpen ?? [], status: kept?.status }));
    this.scope = undefined;
    this.version = undefined;
    this.schedules = [];
    this.loadError = undefined;
    this.busyIds = new Set();
    this.addEventListener('open-execution', (e) => void this.openExecution(e.detail));
  }

  protected take(m: SchedulesSnapshot): void {
    this.scope = m.scope;
    this.version = m.version ?? this.version;
    this.schedules = m.schedules;
    this.loadError = m.error;
    const known = new Set(m.schedules.map((s) => s.id));
    const started = Object.fromEntries(Object.entries(this.view.started).filter(([id]) => known.has(id)));
    const historyOpen = this.view.historyOpen.filter((id) => known.has(id));
    const form = this.view.form;
    if (form?.editingId && !known.has(form.editingId) && !m.error) {
      this.setView({ started, historyOpen, form: null, status: { kind: 'error', text: `The schedule '${form.name}' was deleted on the gateway; the form was closed.` } });
    } else {
      this.setView({ started, historyOpen });
    }
  }

  private flowOf(id: string) {
    return this.version?.flows.find((f) => f.id === id);
  }

  private async openExecution(id: string): Promise<void> {
    await this.ask('openExecution', { id });
  }

  private async act({ action, id }: ScheduleAction): Promise<void> {
    const s = this.schedules.find((x) => x.id === id);
    const label = s ? `'${s.name}'` : id;
    this.busyIds = new Set([...this.busyIds, id]);
    try {
      if (action === 'runNow') {
        const reply = await this.channel.request('runNow', { id });
        if (!reply.ok) return this.say('error', errorsText(reply.errors));
        this.setView({ started: { ...this.view.started, [id]: reply.result.executionId }, status: { kind: 'info', text: `Run Now of ${label} started an execution (linked in its row).` } });
      } else if (action === 'delete') {
        const reply = await this.channel.request('delete', { id });
        this.say(reply.ok ? 'info' : 'error', reply.ok ? `Deleted schedule ${label}.` : errorsText(reply.errors));
      } else {
        const reply = await this.channel.request('setEnabled', { id, enabled: action === 'enable' });
        this.say(reply.ok ? 'info' : 'error', reply.ok ? `${action === 'enable' ? 'Enabled' : 'Disabled'} schedule ${label}.` : errorsText(reply.errors));
      }
    } finally {
      const rest = new Set(this.busyIds);
      rest.delete(id);
      this.busyIds = rest;
    }
  }

  private async openForm(s: ScheduleResponse | null): Promise<void> {
    const flow = s ? this.flowOf(s.flow) : undefined;
    const form: ScheduleFormState = s
      ? {
          editingId: s.id,
          name: s.name,
          description: s.description ?? '',
          flow: s.flow,
          expression: s.expression,
          timezone: s.timezone,
          enabled: s.enabled,
          inputs: Object.fromEntries(Object.entries(s.inputs ?? {}).map(([k, v]) => [k, inputTextFromValue(v, flow?.inputs[k]?.type ?? 'any')])),
        }
      : // No flow is preselected: the user picks one (Create without a flow is refused at the Flow field).
        { editingId: null, name: '', description: '', flow: '', expression: '', timezone: DEFAULT_TIMEZONE, enabled: true, inputs: {} };
    this.formSession++;
    this.setView({ form });
    await this.updateComplete;
    const element = this.querySelector('fg-schedule-form');
    await element?.updateComplete;
    element?.scrollIntoView({ block: 'nearest' });
    this.querySelector<HTMLElement>('#f-name')?.focus();
  }

  /** Closes the form; the keyboard focus goes back to New Schedule (not lost with the form). */
  private async closeForm(status?: SchedulesViewState['status']): Promise<void> {
    this.setView({ form: null, ...(status ? { status } : {}) });
    await this.updateComplete;
    await this.querySelector('fg-page-header')?.updateComplete;
    this.querySelector<HTMLElement>('vscode-button.new-schedule')?.focus();
  }

  private saved(s: ScheduleResponse): void {
    const next = s.nextRuns[0] ? `; next run ${formatZoned(s.nextRuns[0], s.timezone)} ${s.timezone}` : '';
    void this.closeForm({ kind: 'info', text: `Saved schedule '${s.name}'${next}.` });
  }

  private get subtitle(): string {
    const d = document.body.dataset;
    const [pkg, version, gateway] = this.scope ? [this.scope.packageName, this.scope.packageVersion, this.scope.gatewayName] : [d.package, d.version, d.gateway];
    return pkg ? `${pkg} v${version} on ${gateway ?? ''}` : '';
  }

  private header(): TemplateResult {
    const v = this.version;
    const noFlows = !!v && v.flows.length === 0;
    const badges = html`${v ? badge(v.published ? 'Published' : 'Not published — schedules do not fire', v.published ? 'ok' : 'warn', `pub-badge ${v.published ? 'published' : 'unpublished'}`) : nothing}
    ${this.loaded ? badge(count(this.schedules.length, 'schedule'), 'muted', 'count') : nothing}
    ${this.loadedAt ? html`<span class="muted loaded-at" title="When the list was read from the gateway">read ${formatWhen(this.loadedAt)}</span>` : nothing}`;
    const actions = button('New Schedule', () => void this.openForm(null), {
      icon: 'add',
      cls: 'new-schedule',
      disabled: !!this.view.form || !v || noFlows,
      title: noFlows ? 'This version has no flows' : 'Add a schedule to this version',
    });
    return html`<fg-page-header heading="Schedules" .subtitle=${this.subtitle} ?loading=${this.loading} .badges=${badges} .actions=${actions} @reload=${() => void this.reload()}></fg-page-header>`;
  }

  private banners(): TemplateResult {
    const unpublished = this.version && !this.version.published;
    return html`${unpublished
        ? banner(
            'warning',
            'This version is not published: schedules fire only while the version is published (and Run Now needs it published). Publish it from the Gateways view.',
            'unpublished',
          )
        : nothing}
      ${this.loadError ? banner('error', this.loadError, 'load-error') : nothing}
      ${this.statusLine()}`;
  }

  private list(): TemplateResult {
    if (!this.loaded) return html`<div class="muted loading">Reading the schedules from the gateway…</div>`;
    if (this.schedules.length === 0) {
      return html`<div class="empty-state">
        ${icon('calendar', 'empty-icon')}
        <h2>No schedules yet</h2>
        <p>
          A schedule runs one flow of this package version on a cron expression (five fields, or six with seconds), in a time zone, with fixed values for the flow’s inputs. Its executions
          name the schedule as initiator.
        </p>
        <p class="muted">Schedules fire only while the version is published. New versions made from this one inherit its schedules.</p>
        ${this.version?.flows.length ? nothing : html`<p class="muted">This version has no flows, so there is nothing to schedule.</p>`}
      </div>`;
    }
    return html`<fg-schedule-list
      .schedules=${this.schedules}
      .published=${this.version?.published}
      .started=${this.view.started}
      .busy=${this.busyIds}
      .historyOpen=${this.view.historyOpen}
      @schedule-action=${(e: CustomEvent<ScheduleAction>) => void this.act(e.detail)}
      @schedule-edit=${(e: CustomEvent<string>) => void this.openForm(this.schedules.find((s) => s.id === e.detail) ?? null)}
      @history-toggle=${(e: CustomEvent<{ id: string; open: boolean }>) =>
        this.setView({ historyOpen: e.detail.open ? [...new Set([...this.view.historyOpen, e.detail.id])] : this.view.historyOpen.filter((id) => id !== e.detail.id) })}
    ></fg-schedule-list>`;
  }

  private form(): unknown {
    const form = this.view.form;
    if (!form) return nothing;
    const editing = form.editingId ? this.schedules.find((s) => s.id === form.editingId) : undefined;
    return keyed(
      `${this.formSession}|${form.editingId ?? ''}`,
      html`<fg-schedule-form
        .state=${form}
        .flows=${this.version?.flows}
        .editingName=${editing?.name ?? form.name}
        .request=${this.channel.request}
        @form-change=${(e: CustomEvent<ScheduleFormState>) => this.setView({ form: e.detail })}
        @form-saved=${(e: CustomEvent<ScheduleResponse>) => this.saved(e.detail)}
        @form-cancel=${() => void this.closeForm()}
      ></fg-schedule-form>`,
    );
  }

  protected override render(): TemplateResult {
    return html`${this.header()}${this.banners()}
      <main class="content">${this.list()}${this.form()}</main>`;
  }
}
customElements.define('fg-schedules-app', FgSchedulesApp);

declare global {
  interface HTMLElementTagNameMap {
    'fg-schedules-app': FgSchedulesApp;
  }
}
