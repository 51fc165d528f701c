/**
 * `<fg-triggers-tab>`: the Triggers tab — New Trigger, the list (`<fg-trigger-list>`) and the
 * open form (`<fg-trigger-form>`). It makes the rows' requests (enable/disable, delete) and says
 * what happened in its status line. The open form's draft is `draft` (restored by the app after
 * the panel was hidden); every change of it is told with `trigger-draft`.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import '../kit/statusLine';
import { enabledText } from '../kit/format';
import { button } from '../kit/parts';
import type { Trigger, TriggerDraft } from '../protocol/triggers';
import { ListTab } from './listTab';
import { info } from './page';
import './triggerForm';
import { triggerDraft } from './triggerForm';
import './triggerList';

export class FgTriggersTab extends ListTab<TriggerDraft> {
  protected readonly draftEvent = 'trigger-draft';

  private open(t: Trigger | undefined): void {
    this.openDraft(triggerDraft(t, this.snapshot?.flows ?? []));
  }

  private async toggle(t: Trigger): Promise<void> {
    const enabled = !t.enabled;
    await this.rowRequest(t.id, (c) => c.request('setEnabled', { id: t.id, enabled }), `${enabledText(enabled)} '${t.name}'.`, `could not ${enabled ? 'enable' : 'disable'} '${t.name}'`);
  }

  private async deleteTrigger(t: Trigger): Promise<void> {
    const reply = await this.rowRequest(t.id, (c) => c.request('deleteTrigger', { id: t.id }), `Deleted '${t.name}'.`, `could not delete '${t.name}'`);
    if (reply?.ok && this.draft?.id === t.id) this.setDraft(undefined);
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
