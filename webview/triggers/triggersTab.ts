/**
 * `<fg-triggers-tab>`: the Triggers tab — New Trigger, the list (`<fg-trigger-list>`) and the
 * open form (`<fg-trigger-form>`). It makes the rows' requests (enable/disable, delete) and says
 * what happened in its status line. The open form's draft is `draft` (restored by the app after
 * the panel was hidden); every change of it is told with `trigger-draft`.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import '../kit/statusLine';
import { PageElement } from '../kit/element';
import { enabledText } from '../kit/format';
import { button } from '../kit/parts';
import type { Trigger, TriggerDraft, TriggersSnapshot } from '../protocol/triggers';
import { failure, info, wholeErrors, type Status, type TriggersChannel } from './page';
import './triggerForm';
import { triggerDraft } from './triggerForm';
import './triggerList';

export class FgTriggersTab extends PageElement {
  static override properties = {
    channel: { attribute: false },
    snapshot: { attribute: false },
    draft: { attribute: false },
    busy: { state: true },
    status: { state: true },
  };

  declare channel: TriggersChannel | undefined;
  declare snapshot: TriggersSnapshot | undefined;
  declare draft: TriggerDraft | undefined;
  declare busy: ReadonlySet<string>;
  declare status: Status;
  /** Each opening of the form is a fresh form (its touched fields and errors start empty). */
  private opened = 0;

  constructor() {
    super();
    this.channel = undefined;
    this.snapshot = undefined;
    this.draft = undefined;
    this.busy = new Set();
    this.status = info('');
  }

  private setDraft(draft: TriggerDraft | undefined): void {
    this.draft = draft;
    this.emit('trigger-draft', draft);
  }

  private open(t: Trigger | undefined): void {
    this.opened++;
    this.setDraft(triggerDraft(t, this.snapshot?.flows ?? []));
  }

  private mark(id: string, busy: boolean): void {
    const next = new Set(this.busy);
    if (busy) next.add(id);
    else next.delete(id);
    this.busy = next;
  }

  private async toggle(t: Trigger): Promise<void> {
    if (!this.channel) return;
    const enabled = !t.enabled;
    this.mark(t.id, true);
    const reply = await this.channel.request('setEnabled', { id: t.id, enabled });
    this.mark(t.id, false);
    this.status = reply.ok ? info(`${enabledText(enabled)} '${t.name}'.`) : failure(wholeErrors(reply.errors, `could not ${enabled ? 'enable' : 'disable'} '${t.name}'`));
  }

  private async deleteTrigger(t: Trigger): Promise<void> {
    if (!this.channel) return;
    this.mark(t.id, true);
    const reply = await this.channel.request('deleteTrigger', { id: t.id });
    this.mark(t.id, false);
    this.status = reply.ok ? info(`Deleted '${t.name}'.`) : failure(wholeErrors(reply.errors, `could not delete '${t.name}'`));
    if (reply.ok && this.draft?.id === t.id) this.setDraft(undefined);
  }

  protected override render(): TemplateResult {
    const snap = this.snapshot;
    const draft = this.draft;
    return html`<div class="toolbar tab-toolbar">
        ${button('New Trigger', () => this.open(undefined), { icon: 'add', cls: 'new-trigger', disabled: !snap })}
        <fg-status-line class="tab-status" .kind=${this.status.kind} .text=${this.status.text}></fg-status-line>
      </div>
      <fg-trigger-list
        .triggers=${snap?.triggers ?? []}
        .busy=${this.busy}
        @edit-trigger=${(e: CustomEvent<Trigger>) => this.open(e.detail)}
        @toggle-trigger=${(e: CustomEvent<Trigger>) => void this.toggle(e.detail)}
        @delete-trigger=${(e: CustomEvent<Trigger>) => void this.deleteTrigger(e.detail)}
      ></fg-trigger-list>
      ${draft && snap
        ? keyed(
            this.opened,
            html`<fg-trigger-form
              .channel=${this.channel}
              .flows=${snap.flows}
              .users=${snap.users}
              .draft=${draft}
              @trigger-draft=${(e: CustomEvent<TriggerDraft | undefined>) => (this.draft = e.detail)}
              @trigger-saved=${(e: CustomEvent<{ trigger: Trigger; created: boolean }>) => {
                this.status = info(`${e.detail.created ? 'Created' : 'Saved'} '${e.detail.trigger.name}'.`);
                this.setDraft(undefined);
              }}
              @form-cancel=${() => this.setDraft(undefined)}
            ></fg-trigger-form>`,
          )
        : nothing}`;
  }
}
customElements.define('fg-triggers-tab', FgTriggersTab);

declare global {
  interface HTMLElementTagNameMap {
    'fg-triggers-tab': FgTriggersTab;
  }
}
