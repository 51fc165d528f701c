/**
 * `<fg-trigger-list>`: the version's triggers as a table — name, flow, SNMP version, conditions,
 * Enabled/Disabled and the row's actions (Edit, Enable/Disable, Delete after an inline
 * confirmation). Below the page's breakpoint (triggers.css) each row stacks into a labelled card,
 * so the actions never hide behind a sideways scroll. It fires `edit-trigger`, `toggle-trigger`
 * and `delete-trigger` with the trigger; the Triggers tab acts on them.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import '../kit/confirmButton';
import { PageElement } from '../kit/element';
import { enabledText } from '../kit/format';
import { badge, button } from '../kit/parts';
import { conditionsSummary, type Trigger } from '../protocol/triggers';

export class FgTriggerList extends PageElement {
  static override properties = { triggers: { attribute: false }, busy: { attribute: false } };

  declare triggers: Trigger[];
  /** Ids of triggers with a request under way (their buttons wait). */
  declare busy: ReadonlySet<string>;

  constructor() {
    super();
    this.triggers = [];
    this.busy = new Set();
  }

  protected override render(): TemplateResult {
    if (this.triggers.length === 0) {
      return html`<div class="empty">This version has no SNMP triggers yet. A trigger starts a flow when an incoming trap matches its conditions.</div>`;
    }
    return html`<div class="table-wrap">
      <table class="grid stack triggers-table">
        <thead>
          <tr>
            <th scope="col" class="col-name">Name</th>
            <th scope="col" class="col-flow">Flow</th>
            <th scope="col" class="col-version">SNMP</th>
            <th scope="col" class="col-conditions">Conditions</th>
            <th scope="col" class="col-enabled">Enabled</th>
            <th scope="col" class="col-actions"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this.triggers,
            (t) => t.id,
            (t) => this.row(t),
          )}
        </tbody>
      </table>
    </div>`;
  }

  private row(t: Trigger): TemplateResult {
    const busy = this.busy.has(t.id);
    const toggle = t.enabled ? 'Disable' : 'Enable';
    return html`<tr class="trigger-row ${t.enabled ? '' : 'disabled'}" data-id=${t.id} data-name=${t.name}>
      <td class="name" data-label="Name">
        <div class="cell"><span class="strong">${t.name}</span>${t.description ? html`<div class="muted">${t.description}</div>` : nothing}</div>
      </td>
      <td class="flow mono" data-label="Flow">${t.flow}</td>
      <td class="version" data-label="SNMP">${t.conditions.version}</td>
      <td class="conditions mono" data-label="Conditions">${conditionsSummary(t)}</td>
      <td class="enabled" data-label="Enabled">${badge(enabledText(t.enabled), t.enabled ? 'ok' : 'muted')}</td>
      <td class="actions">
        <div class="row-actions">
          ${button('Edit', () => this.emit('edit-trigger', t), { icon: 'edit', secondary: true, cls: 'edit', disabled: busy, ariaLabel: `Edit trigger '${t.name}'` })}
          ${button(toggle, () => this.emit('toggle-trigger', t), {
            icon: t.enabled ? 'circle-slash' : 'check',
            secondary: true,
            cls: 'toggle',
            disabled: busy,
            ariaLabel: `${toggle} trigger '${t.name}'`,
          })}
          <fg-confirm-button subject=${`trigger '${t.name}'`} ?disabled=${busy} @confirm=${() => this.emit('delete-trigger', t)}></fg-confirm-button>
        </div>
      </td>
    </tr>`;
  }
}
customElements.define('fg-trigger-list', FgTriggerList);

declare global {
  interface HTMLElementTagNameMap {
    'fg-trigger-list': FgTriggerList;
  }
  interface HTMLElementEventMap {
    'edit-trigger': CustomEvent<Trigger>;
    'toggle-trigger': CustomEvent<Trigger>;
    'delete-trigger': CustomEvent<Trigger>;
  }
}
