/**
 * `<fg-authorisation-app>`: the Authorisation page of a package version — who may execute its
 * flows. The header (with Reload), the line that says what the list means ("No groups: anyone may
 * execute this version's flows" / "Members of these groups and Admins may execute …"), the
 * version's groups (each removable; one the directory no longer has is flagged), the directory's
 * groups to pick from (filterable; those chosen say so), Save and Revert, and the status line.
 *
 * It holds the page's state: the last snapshot the extension pushed and the UI state kept across
 * hiding the panel (the unsaved list, the filter, the status line). Saving is the typed `save`
 * request (webview/protocol/authorisation.ts); the gateway's refusals name `groups[i]` and are
 * shown by that group. The page never talks to a gateway.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { badge, banner, button, count, FieldErrors, formatWhen, formRow, icon, SnapshotPage } from '../kit';
import { errorsText } from '../protocol/rpc';
import {
  authorisationMeaning,
  sameGroups,
  type ApiErrorDetail,
  type AuthorisationRequests,
  type AuthorisationScope,
  type AuthorisationSnapshot,
  type AuthorisationViewState,
  type DirectoryGroup,
} from '../protocol/authorisation';

export class FgAuthorisationApp extends SnapshotPage<AuthorisationRequests, AuthorisationSnapshot, AuthorisationViewState> {
  static override properties = {
    scope: { state: true },
    saved: { state: true },
    directory: { state: true },
    loadError: { state: true },
    directoryError: { state: true },
    errors: { state: true },
  };

  declare scope: AuthorisationScope | undefined;
  /** The groups saved on the gateway (undefined until read). */
  declare saved: string[] | undefined;
  declare directory: DirectoryGroup[] | undefined;
  declare loadError: string | undefined;
  declare directoryError: string | undefined;
  /** The last save's refusals: by group name (`groups[i]` of the list sent), `''` for the rest. */
  declare errors: FieldErrors;

  constructor() {
    super((kept) => ({ draft: kept?.draft ?? null, filter: kept?.filter ?? '', status: kept?.status }));
    this.scope = undefined;
    this.saved = undefined;
    this.directory = undefined;
    this.loadError = undefined;
    this.directoryError = undefined;
    this.errors = new FieldErrors();
  }

  /** A save is under way: the list's buttons wait. */
  private get saving(): boolean {
    return !!this.busy;
  }

  protected take(m: AuthorisationSnapshot): void {
    this.scope = m.scope;
    this.saved = m.groups ?? this.saved;
    this.directory = m.directory ?? this.directory;
    this.loadError = m.error;
    this.directoryError = m.directoryError;
    // An edit that now equals what is saved is no edit any more.
    if (this.view.draft && this.saved && sameGroups(this.view.draft, this.saved)) this.setView({ draft: null });
  }

  /** The list shown: the unsaved one, else the saved one. */
  private get groups(): string[] {
    return this.view.draft ?? this.saved ?? [];
  }

  private get dirty(): boolean {
    return !!this.view.draft && !!this.saved && !sameGroups(this.view.draft, this.saved);
  }

  private edit(groups: string[]): void {
    this.setView({ draft: this.saved && sameGroups(groups, this.saved) ? null : groups });
  }

  private addGroup(name: string): void {
    if (this.groups.includes(name)) return;
    this.edit([...this.groups, name]);
    this.say('info', `Added '${name}' (not saved yet).`);
  }

  private removeGroup(name: string): void {
    this.edit(this.groups.filter((g) => g !== name));
    const rest = new FieldErrors();
    for (const [field, message] of this.errorEntries()) if (field !== name) rest.add(field, message);
    this.errors = rest;
    this.say('info', `Removed '${name}' (not saved yet).`);
  }

  private errorEntries(): [string, string][] {
    const out: [string, string][] = [];
    for (const g of [...this.groups, '']) {
      const m = this.errors.get(g);
      if (m) out.push([g, m]);
    }
    return out;
  }

  private revert(): void {
    this.errors = new FieldErrors();
    this.setView({ draft: null, status: { kind: 'info', text: 'Back to the saved groups.' } });
  }

  private async save(): Promise<void> {
    const sent = [...this.groups];
    // Busy until the answer is shown: the buttons wait for the list saved.
    await this.run('save', async () => {
      const reply = await this.channel.request('save', { groups: sent });
      if (!reply.ok) {
        this.errors = byGroup(reply.errors, sent);
        // The gateway's messages name the group (`'x' is not a group of …`): no `groups[i]` in the line.
        this.say('error', `Not saved: ${reply.errors.map((e) => (/^groups\[\d+\]$/.test(e.field) ? e.message : errorsText([e]))).join('; ')}`);
        return;
      }
      this.errors = new FieldErrors();
      this.saved = reply.result.groups;
      this.setView({ draft: null, status: { kind: 'info', text: `Saved. ${authorisationMeaning(reply.result.groups)}.` } });
    });
  }

  private get subtitle(): string {
    const d = document.body.dataset;
    const [pkg, version, gateway] = this.scope ? [this.scope.packageName, this.scope.packageVersion, this.scope.gatewayName] : [d.package, d.version, d.gateway];
    return pkg ? `${pkg} v${version} on ${gateway ?? ''}` : '';
  }

  private header(): TemplateResult {
    const n = this.groups.length;
    const badges = html`${this.saved ? badge(n ? count(n, 'group') : 'Open to anyone', n ? 'info' : 'warn', `groups-badge ${n ? 'guarded' : 'open'}`) : nothing}
    ${this.dirty ? badge('Unsaved changes', 'warn', 'unsaved') : nothing}
    ${this.loadedAt ? html`<span class="muted loaded-at" title="When the groups were read from the gateway">read ${formatWhen(this.loadedAt)}</span>` : nothing}`;
    return html`<fg-page-header heading="Authorisation" .subtitle=${this.subtitle} ?loading=${this.loading} .badges=${badges} @reload=${() => void this.reload()}></fg-page-header>`;
  }

  private banners(): TemplateResult {
    return html`${this.loadError ? banner('error', this.loadError, 'load-error') : nothing}
      ${this.directoryError ? html`<div class="banner warning directory-error" role="alert">${icon('warning')}<span>${this.directoryError}</span></div>` : nothing}`;
  }

  private meaning(): TemplateResult | typeof nothing {
    if (!this.saved) return nothing;
    const open = this.groups.length === 0;
    return html`<p class="meaning ${open ? 'open' : 'guarded'}" role="status">
      ${icon(open ? 'unlock' : 'lock')}<span class="meaning-text">${authorisationMeaning(this.groups)}${this.dirty ? ' (once saved)' : ''}.</span>
    </p>`;
  }

  private inDirectory(name: string): boolean | undefined {
    return this.directory ? this.directory.some((g) => g.name === name) : undefined;
  }

  private chosen(): TemplateResult {
    const groups = this.groups;
    const rest = this.errors.rest((field) => groups.includes(field));
    return html`<section class="chosen" aria-labelledby="chosen-title">
      <h2 id="chosen-title">Groups of this version <span class="muted">(${groups.length})</span></h2>
      ${groups.length === 0
        ? html`<p class="empty muted">No groups. Anyone may run this version's flows (as in the reference system); add a group to limit it to its members and Admins.</p>`
        : html`<ul class="chosen-list" aria-label="Groups of this version">
            ${repeat(
              groups,
              (g) => g,
              (g) => {
                const missing = this.inDirectory(g) === false;
                const error = this.errors.get(g);
                return html`<li class="chosen-group ${missing ? 'missing' : ''}" data-group=${g}>
                  <div class="group-line">
                    ${icon('organization')}<span class="group-name">${g}</span>
                    ${missing ? html`<span title="The gateway's directory has no group of this name any more: saving this list is refused until it is removed">${badge('not in the directory', 'warn', 'missing-badge')}</span>` : nothing}
                    <span class="spacer"></span>
                    ${button('Remove', () => this.removeGroup(g), { icon: 'remove', secondary: true, cls: 'remove', disabled: this.saving, ariaLabel: `Remove group '${g}'` })}
                  </div>
                  <div class="field-error" data-error-for=${g} role="alert" ?hidden=${!error}>${error ?? ''}</div>
                </li>`;
              },
            )}
          </ul>`}
      <div class="form-error field-error" role="alert" data-error-for="" ?hidden=${!rest}>${rest}</div>
      <div class="form-buttons">
        ${button('Save', () => void this.save(), {
          icon: 'save',
          cls: 'save',
          disabled: this.saving || !this.dirty,
          ariaLabel: 'Save the groups of this version',
          title: this.dirty ? 'Save this list on the gateway' : 'Nothing to save',
        })}
        ${button('Revert', () => this.revert(), { icon: 'discard', secondary: true, cls: 'revert', disabled: this.saving || !this.dirty, ariaLabel: 'Revert to the saved groups' })}
        ${this.statusLine()}
      </div>
    </section>`;
  }

  private picker(): TemplateResult {
    const all = this.directory;
    const filter = this.view.filter.trim().toLowerCase();
    const shown = all ? all.filter((g) => g.name.toLowerCase().includes(filter)) : [];
    const chosen = new Set(this.groups);
    return html`<section class="directory" aria-labelledby="directory-title">
      <h2 id="directory-title">Directory groups ${all ? html`<span class="muted">(${all.length})</span>` : nothing}</h2>
      ${formRow(
        { key: 'filter', label: 'Filter', id: 'f-filter', hint: 'Type part of a group name.' },
        html`<vscode-textfield
          id="f-filter"
          class="filter-field"
          placeholder="e.g. operators"
          .value=${this.view.filter}
          @input=${(e: Event) => this.setView({ filter: (e.target as HTMLInputElement).value })}
        ></vscode-textfield>`,
      )}
      ${!all
        ? html`<p class="muted">${this.loaded ? "The directory's groups could not be read." : "Reading the directory's groups…"}</p>`
        : all.length === 0
          ? html`<p class="muted empty-directory">The gateway's directory has no groups.</p>`
          : shown.length === 0
            ? html`<p class="muted no-match">No group matches '${this.view.filter}'.</p>`
            : html`<ul class="directory-list" aria-label="Groups of the directory">
                ${repeat(
                  shown,
                  (g) => g.name,
                  (g) => html`<li class="directory-group ${chosen.has(g.name) ? 'is-chosen' : ''}" data-group=${g.name}>
                    ${icon('organization')}<span class="group-name">${g.name}</span>
                    ${g.members !== undefined ? html`<span class="muted members">${count(g.members, 'member')}</span>` : nothing}
                    <span class="spacer"></span>
                    ${chosen.has(g.name)
                      ? html`<span class="chosen-mark">${icon('check')} chosen</span>`
                      : button('Add', () => this.addGroup(g.name), { icon: 'add', secondary: true, cls: 'add', disabled: this.saving, ariaLabel: `Add group '${g.name}'` })}
                  </li>`,
                )}
              </ul>`}
    </section>`;
  }

  protected override render(): TemplateResult {
    return html`${this.header()}${this.banners()}${this.meaning()}
      <main class="content two-columns">${this.saved || this.loaded ? html`${this.chosen()}${this.picker()}` : html`<div class="muted loading">Reading the groups from the gateway…</div>`}</main>`;
  }
}
customElements.define('fg-authorisation-app', FgAuthorisationApp);

/** A save's errors by group: `groups[i]` is the i-th group sent; anything else keeps its field (`''`, `groups`). */
export function byGroup(errors: readonly ApiErrorDetail[], sent: readonly string[]): FieldErrors {
  const out = new FieldErrors();
  for (const e of errors) {
    const at = /^groups\[(\d+)\]$/.exec(e.field);
    const name = at ? sent[Number(at[1])] : undefined;
    if (name !== undefined) out.add(name, e.message);
    else out.add(e.field === 'groups' ? '' : e.field, e.message);
  }
  return out;
}

declare global {
  interface HTMLElementTagNameMap {
    'fg-authorisation-app': FgAuthorisationApp;
  }
}
