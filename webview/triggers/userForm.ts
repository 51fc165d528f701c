/**
 * `<fg-user-form>`: a new SNMPv3 user of the gateway, or new keys for one. The keys are
 * write-only: typed here, sent once with Save, wiped from the form at once and never kept in the
 * page's saved state (`draft` holds the rest and is told with `user-draft`). Checked with core's
 * user rules (src/core/snmp/users.ts) as the gateway checks them.
 */
import { html, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { snmpUserProblems } from '../../src/core/snmp/users';
import '../kit/statusLine';
import { formButtons } from '../kit/parts';
import type { ApiErrorDetail } from '../protocol/rpc';
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS, type SnmpUserInput, type SnmpUserSummary, type UserDraft } from '../protocol/triggers';
import { radioField, row, selectField, textField } from './fields';
import { CheckedForm } from './checkedForm';
import { failure, fieldErrors, info, wholeErrors } from './page';

export function userDraft(u: SnmpUserSummary | undefined): UserDraft {
  return { isNew: !u, name: u?.name ?? '', level: u?.level ?? 'authPriv', authProtocol: u?.authProtocol ?? 'sha', privProtocol: u?.privProtocol ?? 'aes' };
}

export class FgUserForm extends CheckedForm<UserDraft> {
  static override properties: PropertyDeclarations = { ...CheckedForm.properties, keys: { state: true } };

  /** The typed keys: in this element only, until Save sends them. */
  declare keys: { authKey: string; privKey: string };

  constructor() {
    super(userDraft(undefined));
    this.keys = { authKey: '', privKey: '' };
  }

  protected override firstUpdated(changed: PropertyValues): void {
    super.firstUpdated(changed);
    this.scrollIntoView({ block: 'start' });
    (this.querySelector(this.draft.isNew ? '#user-name' : '#user-auth-key') as HTMLElement | null)?.focus();
  }

  private edit(change: Partial<UserDraft>, field: string): void {
    this.draft = { ...this.draft, ...change };
    this.note([field]);
    this.emit('user-draft', this.draft);
  }

  private typeKey(field: 'authKey' | 'privKey', value: string): void {
    this.keys = { ...this.keys, [field]: value };
    this.note([field]);
  }

  private read(): SnmpUserInput {
    const d = this.draft;
    return {
      name: d.name.trim(),
      level: d.level,
      authProtocol: d.authProtocol,
      authKey: this.keys.authKey,
      ...(d.level === 'authPriv' ? { privProtocol: d.privProtocol, privKey: this.keys.privKey } : {}),
    };
  }

  private problems(): ApiErrorDetail[] {
    const user = this.read();
    const errors = snmpUserProblems(user);
    if (this.draft.isNew && !errors.some((e) => e.field === 'name') && this.users.some((u) => u.name === user.name)) {
      errors.push({ field: 'name', message: `there is already a user '${user.name}'; edit it instead` });
    }
    return errors;
  }

  private async save(): Promise<void> {
    if (!this.channel || this.saving) return;
    this.submitted = true;
    if (this.problems().length) {
      this.status = failure('Fix the marked fields first.');
      return;
    }
    const user = this.read();
    // The keys leave the page with this one request and are wiped from the form at once.
    this.keys = { authKey: '', privKey: '' };
    this.saving = true;
    this.status = info('Saving…');
    const reply = await this.channel.request('saveUser', { user, isNew: this.draft.isNew });
    this.saving = false;
    if (reply.ok) {
      this.status = info('');
      this.emit('user-saved', reply.result);
      return;
    }
    this.server = fieldErrors(reply.errors);
    this.touched = new Set();
    this.submitted = false;
    this.status = failure(`${wholeErrors(reply.errors, 'Not saved')} — enter the keys again.`);
  }

  protected override render(): TemplateResult {
    const d = this.draft;
    const shown = this.shownErrors(this.problems());
    const err = (k: string) => shown.get(k);
    const keyHint = 'Write-only: sent to the gateway once, never shown again.';
    const keyPlaceholder = d.isNew ? 'at least 8 characters' : 'enter the key again (write-only)';
    const priv = d.level === 'authPriv';
    return html`<section class="form user-form" aria-labelledby="user-form-title">
      <h2 class="form-title" id="user-form-title">${d.isNew ? 'New SNMPv3 user' : `Edit user '${d.name}'`}</h2>
      ${row({ key: 'name', label: 'Name', id: 'user-name', required: true, error: err('name') }, textField({ id: 'user-name', field: 'name', value: d.name, placeholder: 'monitor', disabled: !d.isNew, invalid: !!err('name'), on: (v) => this.edit({ name: v }, 'name') }))}
      ${row(
        { key: 'level', label: 'Security level', id: 'user-level', required: true, error: err('level') },
        radioField({ id: 'user-level', field: 'level', value: d.level, choices: ['authNoPriv', 'authPriv'], on: (v) => this.edit({ level: v as UserDraft['level'] }, 'level') }),
      )}
      ${row(
        { key: 'authProtocol', label: 'Auth protocol', id: 'user-auth-protocol', required: true, error: err('authProtocol') },
        selectField({ id: 'user-auth-protocol', field: 'authProtocol', value: d.authProtocol, choices: AUTH_PROTOCOLS.map((p) => ({ value: p, label: p })), on: (v) => this.edit({ authProtocol: v as UserDraft['authProtocol'] }, 'authProtocol') }),
      )}
      ${row(
        { key: 'authKey', label: 'Auth key', id: 'user-auth-key', required: true, error: err('authKey'), hint: keyHint },
        textField({ id: 'user-auth-key', field: 'authKey', value: this.keys.authKey, password: true, placeholder: keyPlaceholder, invalid: !!err('authKey'), on: (v) => this.typeKey('authKey', v) }),
      )}
      ${row(
        { key: 'privProtocol', label: 'Privacy protocol', id: 'user-priv-protocol', required: true, error: err('privProtocol'), hidden: !priv },
        selectField({ id: 'user-priv-protocol', field: 'privProtocol', value: d.privProtocol, choices: PRIV_PROTOCOLS.map((p) => ({ value: p, label: p })), on: (v) => this.edit({ privProtocol: v as UserDraft['privProtocol'] }, 'privProtocol') }),
      )}
      ${row(
        { key: 'privKey', label: 'Privacy key', id: 'user-priv-key', required: true, error: err('privKey'), hint: keyHint, hidden: !priv },
        textField({ id: 'user-priv-key', field: 'privKey', value: this.keys.privKey, password: true, placeholder: keyPlaceholder, invalid: !!err('privKey'), on: (v) => this.typeKey('privKey', v) }),
      )}
      ${formButtons({
        saveLabel: d.isNew ? 'Add User' : 'Save User',
        onSave: () => void this.save(),
        onCancel: () => this.emit('form-cancel', undefined),
        saving: this.saving,
        saveCls: 'save-user',
        saveAriaLabel: d.isNew ? 'Add the user' : `Save user '${d.name}'`,
        status: html`<fg-status-line .kind=${this.status.kind} .text=${this.status.text}></fg-status-line>`,
      })}
    </section>`;
  }
}
customElements.define('fg-user-form', FgUserForm);

declare global {
  interface HTMLElementTagNameMap {
    'fg-user-form': FgUserForm;
  }
  interface HTMLElementEventMap {
    'user-draft': CustomEvent<UserDraft | undefined>;
    'user-saved': CustomEvent<SnmpUserSummary>;
  }
}
