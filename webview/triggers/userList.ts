/**
 * `<fg-user-list>`: the gateway's SNMPv3 users — name, security level, protocols (never keys: the
 * gateway does not return them) and the row's Edit and Delete (after an inline confirmation).
 * Stacks into labelled cards on narrow editors. Fires `edit-user` and `delete-user`.
 */
import { html, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import '../kit/confirmButton';
import { PageElement } from '../kit/element';
import { button } from '../kit/parts';
import type { SnmpUserSummary } from '../protocol/triggers';

export class FgUserList extends PageElement {
  static override properties = { users: { attribute: false }, busy: { attribute: false } };

  declare users: SnmpUserSummary[];
  /** Names of users with a request under way. */
  declare busy: ReadonlySet<string>;

  constructor() {
    super();
    this.users = [];
    this.busy = new Set();
  }

  protected override render(): TemplateResult {
    if (this.users.length === 0) return html`<div class="empty">No SNMPv3 users on this gateway.</div>`;
    return html`<div class="table-wrap">
      <table class="grid stack users-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Security level</th>
            <th scope="col">Auth protocol</th>
            <th scope="col">Privacy protocol</th>
            <th scope="col" class="col-actions"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this.users,
            (u) => u.name,
            (u) => html`<tr class="user-row" data-name=${u.name}>
              <td class="name strong" data-label="Name">${u.name}</td>
              <td class="level" data-label="Security level">${u.level}</td>
              <td class="auth" data-label="Auth protocol">${u.authProtocol}</td>
              <td class="priv" data-label="Privacy protocol">${u.privProtocol ?? '—'}</td>
              <td class="actions">
                <div class="row-actions">
                  ${button('Edit', () => this.emit('edit-user', u), { icon: 'edit', secondary: true, cls: 'edit', disabled: this.busy.has(u.name), ariaLabel: `Edit user '${u.name}'` })}
                  <fg-confirm-button subject=${`user '${u.name}'`} ?disabled=${this.busy.has(u.name)} @confirm=${() => this.emit('delete-user', u)}></fg-confirm-button>
                </div>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}
customElements.define('fg-user-list', FgUserList);

declare global {
  interface HTMLElementTagNameMap {
    'fg-user-list': FgUserList;
  }
  interface HTMLElementEventMap {
    'edit-user': CustomEvent<SnmpUserSummary>;
    'delete-user': CustomEvent<SnmpUserSummary>;
  }
}
