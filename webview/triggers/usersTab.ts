/**
 * `<fg-users-tab>`: the SNMPv3 Users tab — the gateway's users (`<fg-user-list>`), Add User and
 * the open form (`<fg-user-form>`, its draft without keys in `draft`, told with `user-draft`).
 * It makes the rows' Delete requests and says what happened in its status line.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import '../kit/statusLine';
import { button } from '../kit/parts';
import type { SnmpUserSummary, UserDraft } from '../protocol/triggers';
import { ListTab } from './listTab';
import { info } from './page';
import './userForm';
import { userDraft } from './userForm';
import './userList';

export class FgUsersTab extends ListTab<UserDraft> {
  protected readonly draftEvent = 'user-draft';

  private open(u: SnmpUserSummary | undefined): void {
    this.openDraft(userDraft(u));
  }

  private async deleteUser(u: SnmpUserSummary): Promise<void> {
    const reply = await this.rowRequest(u.name, (c) => c.request('deleteUser', { name: u.name }), `Deleted user '${u.name}'.`, `could not delete user '${u.name}'`);
    if (reply?.ok && this.draft && !this.draft.isNew && this.draft.name === u.name) this.setDraft(undefined);
  }

  protected override render(): TemplateResult {
    const snap = this.snapshot;
    return html`<p class="note muted">
        SNMPv3 users are configured once per gateway and shared by every version’s v3 triggers. Keys are write-only: the gateway never returns them, and this page never
        shows or keeps them.
      </p>
      <div class="toolbar tab-toolbar">
        ${button('Add User', () => this.open(undefined), { icon: 'add', cls: 'add-user', disabled: !snap })}
        <fg-status-line class="tab-status" .kind=${this.status.kind} .text=${this.status.text}></fg-status-line>
      </div>
      <fg-user-list
        .users=${snap?.users ?? []}
        .busy=${this.busy}
        @edit-user=${(e: CustomEvent<SnmpUserSummary>) => this.open(e.detail)}
        @delete-user=${(e: CustomEvent<SnmpUserSummary>) => void this.deleteUser(e.detail)}
      ></fg-user-list>
      ${this.draft && snap
        ? keyed(
            this.opened,
            html`<fg-user-form
              .channel=${this.channel}
              .users=${snap.users}
              .draft=${this.draft}
              @user-draft=${(e: CustomEvent<UserDraft | undefined>) => (this.draft = e.detail)}
              @user-saved=${(e: CustomEvent<SnmpUserSummary>) => {
                this.status = info(`Saved user '${e.detail.name}'.`);
                this.setDraft(undefined);
              }}
              @form-cancel=${() => this.setDraft(undefined)}
            ></fg-user-form>`,
          )
        : nothing}`;
  }
}
customElements.define('fg-users-tab', FgUsersTab);

declare global {
  interface HTMLElementTagNameMap {
    'fg-users-tab': FgUsersTab;
  }
}
