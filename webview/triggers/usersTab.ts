/**
 * `<fg-users-tab>`: the SNMPv3 Users tab — the gateway's users (`<fg-user-list>`), Add User and
 * the open form (`<fg-user-form>`, its draft without keys in `draft`, told with `user-draft`).
 * It makes the rows' Delete requests and says what happened in its status line.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import '../kit/statusLine';
import { PageElement } from '../kit/element';
import { button } from '../kit/parts';
import type { SnmpUserSummary, TriggersSnapshot, UserDraft } from '../protocol/triggers';
import { failure, info, wholeErrors, type Status, type TriggersChannel } from './page';
import './userForm';
import { userDraft } from './userForm';
import './userList';

export class FgUsersTab extends PageElement {
  static override properties = {
    channel: { attribute: false },
    snapshot: { attribute: false },
    draft: { attribute: false },
    busy: { state: true },
    status: { state: true },
  };

  declare channel: TriggersChannel | undefined;
  declare snapshot: TriggersSnapshot | undefined;
  declare draft: UserDraft | undefined;
  declare busy: ReadonlySet<string>;
  declare status: Status;
  private opened = 0;

  constructor() {
    super();
    this.channel = undefined;
    this.snapshot = undefined;
    this.draft = undefined;
    this.busy = new Set();
    this.status = info('');
  }

  private setDraft(draft: UserDraft | undefined): void {
    this.draft = draft;
    this.emit('user-draft', draft);
  }

  private open(u: SnmpUserSummary | undefined): void {
    this.opened++;
    this.setDraft(userDraft(u));
  }

  private async deleteUser(u: SnmpUserSummary): Promise<void> {
    if (!this.channel) return;
    this.busy = new Set([...this.busy, u.name]);
    const reply = await this.channel.request('deleteUser', { name: u.name });
    this.busy = new Set([...this.busy].filter((n) => n !== u.name));
    this.status = reply.ok ? info(`Deleted user '${u.name}'.`) : failure(wholeErrors(reply.errors, `could not delete user '${u.name}'`));
    if (reply.ok && this.draft && !this.draft.isNew && this.draft.name === u.name) this.setDraft(undefined);
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
