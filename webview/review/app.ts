/**
 * `<fg-review-app>`: the Review Import page of one import on a target gateway. The header (with
 * Reload), what was pulled (package, version, source, status, signer, who pulled it and when), the
 * instructions — text from the package, hostile until applied, so shown as text and never as
 * HTML —, the validation against the target (each problem naming its definition and reference),
 * the reference replacements (<fg-replacements>: Save sends them and shows the validation again),
 * the apply preview per definition (new, changed, unchanged; Show Diff opens VS Code's diff
 * editor), and the actions: Apply (disabled while validation has errors, saying why; confirmed in
 * place with what it writes) and Reject… (a reason is required).
 *
 * It holds the page's state: the last snapshot the extension pushed and the UI state kept across
 * hiding the panel (the unsaved replacements, the status line). Every action is a typed request
 * (webview/protocol/review.ts); refusals name their field and are shown by it. The page never
 * talks to a gateway and never holds a definition's text.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { badge, banner, button, count, FieldErrors, formatWhen, icon, SnapshotPage } from '../kit';
import { errorsText } from '../protocol/rpc';
import {
  sameReplacements,
  writesText,
  type ImportDetail,
  type PreviewItem,
  type ReplacementCandidates,
  type ReplacementRow,
  type ReviewRequests,
  type ReviewScope,
  type ReviewSnapshot,
  type ReviewViewState,
} from '../protocol/review';
import './preview';
import './replacements';
import './summary';
import './validation';

const STATUS_KIND = { OPEN: 'info', APPLIED: 'ok', REJECTED: 'error' } as const;

export class FgReviewApp extends SnapshotPage<ReviewRequests, ReviewSnapshot, ReviewViewState> {
  static override properties = {
    scope: { state: true },
    detail: { state: true },
    loadError: { state: true },
    preview: { state: true },
    previewError: { state: true },
    candidates: { state: true },
    definitionsError: { state: true },
    errors: { state: true },
    rejecting: { state: true },
    reason: { state: true },
    reasonError: { state: true },
  };

  declare scope: ReviewScope | undefined;
  declare detail: ImportDetail | undefined;
  declare loadError: string | undefined;
  declare preview: ReviewSnapshot['preview'];
  declare previewError: string | undefined;
  declare candidates: ReplacementCandidates;
  declare definitionsError: string | undefined;
  /** The last save's refusals, by field (`replacements[i].to`), `''` for the rest. */
  declare errors: FieldErrors;
  /** The Reject form is open. */
  declare rejecting: boolean;
  declare reason: string;
  declare reasonError: string;

  constructor() {
    super((kept) => ({ draft: kept?.draft ?? null, status: kept?.status }));
    this.scope = undefined;
    this.detail = undefined;
    this.loadError = undefined;
    this.preview = undefined;
    this.previewError = undefined;
    this.candidates = { references: [], target: [], package: [] };
    this.definitionsError = undefined;
    this.errors = new FieldErrors();
    this.rejecting = false;
    this.reason = '';
    this.reasonError = '';
  }

  protected take(s: ReviewSnapshot): void {
    this.scope = s.scope;
    this.detail = s.import ?? this.detail;
    this.loadError = s.error;
    this.preview = s.preview;
    this.previewError = s.previewError;
    this.candidates = s.candidates;
    this.definitionsError = s.definitionsError;
    // An edit that now equals what is saved is no edit any more; a closed import edits nothing.
    if (this.view.draft && (this.detail?.status !== 'OPEN' || sameReplacements(this.view.draft, this.saved))) this.setView({ draft: null });
  }

  private get saved(): ReplacementRow[] {
    return (this.detail?.replacements ?? []).map((r) => ({ ...r }));
  }

  private get rows(): ReplacementRow[] {
    return this.view.draft ?? this.saved;
  }

  private get dirty(): boolean {
    return !!this.view.draft && !sameReplacements(this.view.draft, this.saved);
  }

  private get open(): boolean {
    return this.detail?.status === 'OPEN';
  }

  private editRows(rows: ReplacementRow[]): void {
    // The last refusal was of other rows (a removed row shifts the indexes): it no longer applies.
    if (this.errors.size) this.errors = new FieldErrors();
    this.setView({ draft: sameReplacements(rows, this.saved) ? null : rows });
  }

  private async save(): Promise<void> {
    const sent = this.rows.map((r) => ({ kind: r.kind, from: r.from.trim(), to: r.to.trim() }));
    const reply = await this.run('save', () => this.channel.request('saveReplacements', { replacements: sent }));
    if (!reply.ok) {
      this.errors = FieldErrors.of(reply.errors);
      this.say('error', `Replacements not saved: ${errorsText(reply.errors)}`);
      return;
    }
    this.errors = new FieldErrors();
    this.setView({ draft: null });
    this.accept(reply.result);
    const v = reply.result.import?.validation;
    const errors = v ? v.problems.filter((p) => p.severity === 'error').length : 0;
    this.say('info', `Replacements saved. ${v?.ok ? 'The validation passes.' : `The validation has ${count(errors, 'error')}.`}`);
  }

  private revert(): void {
    this.errors = new FieldErrors();
    this.setView({ draft: null, status: { kind: 'info', text: 'Back to the saved replacements.' } });
  }

  private async showDefinition(item: PreviewItem): Promise<void> {
    await this.ask('showDefinition', { kind: item.kind, id: item.id });
  }

  private async apply(): Promise<void> {
    const counts = this.preview?.counts;
    if (!counts) return;
    const reply = await this.run('apply', () => this.channel.request('apply', { expect: { new: counts.new, changed: counts.changed } }));
    if (!reply.ok) {
      this.say('error', errorsText(reply.errors));
      return;
    }
    this.accept(reply.result.snapshot);
    this.say('info', reply.result.changed ? `Applied: ${writesText(counts)} written to ${this.scope?.gatewayName ?? 'the gateway'}.` : `Nothing changed: the import already was ${reply.result.status}.`);
  }

  private async reject(): Promise<void> {
    const reason = this.reason.trim();
    if (!reason) {
      this.reasonError = 'A reason is required: say why, for the author.';
      return;
    }
    const reply = await this.run('reject', () => this.channel.request('reject', { reason }));
    if (!reply.ok) {
      const byField = FieldErrors.of(reply.errors);
      this.reasonError = byField.get('reason') ?? '';
      const rest = byField.rest((f) => f === 'reason');
      this.say('error', `Not rejected: ${rest || this.reasonError}`);
      return;
    }
    this.rejecting = false;
    this.reason = '';
    this.reasonError = '';
    this.accept(reply.result.snapshot);
    this.say('info', reply.result.changed ? 'Rejected: the source is told why.' : `Nothing changed: the import already was ${reply.result.status}.`);
  }

  // ---- rendering ---------------------------------------------------------------------------------

  private get subtitle(): string {
    const d = this.detail;
    const gateway = this.scope?.gatewayName ?? document.body.dataset.gateway ?? '';
    return d ? `${d.name} v${d.version} from ${d.source} on ${gateway}` : `import ${this.scope?.importId ?? document.body.dataset.import ?? ''} on ${gateway}`;
  }

  private header(): TemplateResult {
    const d = this.detail;
    const badges = html`${d ? badge(d.status, STATUS_KIND[d.status], `status-badge status-${d.status.toLowerCase()}`) : nothing}
    ${d && d.status === 'OPEN' ? (d.validation.ok ? badge('Valid', 'ok', 'validation-badge ok') : badge('Validation errors', 'error', 'validation-badge errors')) : nothing}
    ${this.dirty ? badge('Unsaved replacements', 'warn', 'unsaved') : nothing}
    ${this.loadedAt ? html`<span class="muted loaded-at" title="When the import was read from the gateway">read ${formatWhen(this.loadedAt)}</span>` : nothing}`;
    return html`<fg-page-header heading="Review Import" .subtitle=${this.subtitle} ?loading=${this.loading} .badges=${badges} @reload=${() => void this.reload()}></fg-page-header>`;
  }

  private banners(): TemplateResult {
    const d = this.detail;
    return html`${this.loadError ? banner('error', this.loadError, 'load-error') : nothing}
      ${this.previewError ? banner('error', this.previewError, 'preview-error') : nothing}
      ${this.definitionsError ? banner('warning', this.definitionsError, 'definitions-error') : nothing}
      ${d?.status === 'APPLIED' ? banner('note', `Applied${d.appliedBy ? ` by ${d.appliedBy}` : ''}${d.appliedAt ? ` ${formatWhen(d.appliedAt)}` : ''}: the version is in ${this.scope?.gatewayName ?? 'the gateway'}'s repository.`, 'closed applied') : nothing}
      ${d?.status === 'REJECTED' ? banner('warning', `Rejected${d.rejectedBy ? ` by ${d.rejectedBy}` : ''}${d.rejectedAt ? ` ${formatWhen(d.rejectedAt)}` : ''}: ${d.reason ?? ''}`, 'closed rejected') : nothing}
      ${d && !d.sourceNotified ? banner('warning', `The source ${d.source} has not been told yet (kept in the outbox)${d.notifyError ? `: ${d.notifyError}` : '.'}`, 'not-notified') : nothing}`;
  }

  private replacements(): TemplateResult {
    const rest = this.errors.rest((field) => /^replacements\[\d+\]/.test(field));
    const busy = !!this.busy;
    return html`<section class="replacements" aria-labelledby="replacements-title">
      <h2 id="replacements-title">Reference replacements <span class="muted">(${this.rows.length})</span></h2>
      <p class="hint">A replacement rewrites a reference in the package's definitions before they are written (connection <code>local-gateway</code> → <code>inventory-prod</code>).</p>
      <fg-replacements .rows=${this.rows} .candidates=${this.candidates} .errors=${this.errors} ?disabled=${busy} ?readonly=${!this.open} @rows-changed=${(e: CustomEvent<ReplacementRow[]>) => this.editRows(e.detail)}></fg-replacements>
      <div class="form-error field-error" role="alert" data-error-for="" ?hidden=${!rest}>${rest}</div>
      ${this.open
        ? html`<div class="form-buttons">
            ${button('Save', () => void this.save(), {
              icon: 'save',
              cls: 'save',
              disabled: busy || !this.dirty,
              ariaLabel: 'Save the replacements and validate again',
              title: this.dirty ? 'Save the replacements on the gateway; the validation is done again' : 'Nothing to save',
            })}
            ${button('Revert', () => this.revert(), { icon: 'discard', secondary: true, cls: 'revert', disabled: busy || !this.dirty, ariaLabel: 'Revert to the saved replacements' })}
          </div>`
        : nothing}
    </section>`;
  }

  private previewSection(): TemplateResult | typeof nothing {
    if (!this.open) return nothing;
    return html`<fg-import-preview
      .preview=${this.preview}
      .target=${this.scope?.gatewayName ?? ''}
      ?stale=${this.dirty}
      ?loaded=${this.loaded}
      @show-definition=${(e: CustomEvent<PreviewItem>) => void this.showDefinition(e.detail)}
    ></fg-import-preview>`;
  }

  /** Why Apply is disabled ('' when it is not). */
  private applyBlocked(d: ImportDetail): string {
    if (this.busy) return 'Wait: a request is under way.';
    if (!d.validation.ok) {
      const n = d.validation.problems.filter((p) => p.severity === 'error').length;
      return `Apply is blocked: the validation has ${count(n, 'error')}. Replace the missing references (or add them to ${this.scope?.gatewayName ?? 'the target'}) and save.`;
    }
    if (this.dirty) return 'Save or revert the replacements first.';
    if (!this.preview) return 'The preview could not be read: Reload.';
    return '';
  }

  private actions(d: ImportDetail): TemplateResult {
    const blocked = this.applyBlocked(d);
    const counts = this.preview?.counts ?? { new: 0, changed: 0, unchanged: 0 };
    const where = this.scope?.gatewayName ?? 'the gateway';
    return html`<section class="actions" aria-labelledby="actions-title">
      <h2 id="actions-title">Decision</h2>
      ${this.open
        ? html`<div class="action-line">
              <fg-confirm-button
                label="Apply"
                icon="check"
                cls="apply"
                .subject=${`${d.name} v${d.version}`}
                .question=${`Apply ${d.name} v${d.version}: write ${writesText(counts)} to ${where}?`}
                .hint=${blocked || `Write ${writesText(counts)} to ${where}`}
                ?disabled=${!!blocked}
                @confirm=${() => void this.apply()}
              ></fg-confirm-button>
              ${this.rejecting
                ? nothing
                : button('Reject…', () => ((this.rejecting = true), (this.reasonError = '')), { icon: 'close', secondary: true, cls: 'reject', disabled: !!this.busy, ariaLabel: `Reject ${d.name} v${d.version}` })}
            </div>
            ${blocked ? html`<p class="apply-blocked" role="note">${icon('lock')} ${blocked}</p>` : nothing}
            ${this.rejecting ? this.rejectForm(d) : nothing}`
        : html`<p class="muted closed-note">This import is ${d.status}: there is nothing left to decide.</p>`}
      ${this.statusLine()}
    </section>`;
  }

  private rejectForm(d: ImportDetail): TemplateResult {
    return html`<div class="reject-form" role="group" aria-label=${`Reject ${d.name} v${d.version}`}>
      <vscode-label for="f-reason" required>Reason (the source and the author see it)</vscode-label>
      <vscode-textfield
        id="f-reason"
        class="reason-field"
        placeholder="e.g. uses connection crm-dev, which production must not reach"
        .value=${this.reason}
        @input=${(e: Event) => {
          this.reason = (e.target as HTMLInputElement).value;
          if (this.reason.trim()) this.reasonError = '';
        }}
      ></vscode-textfield>
      <div class="field-error" data-error-for="reason" role="alert" ?hidden=${!this.reasonError}>${this.reasonError}</div>
      <div class="form-buttons">
        ${button('Reject', () => void this.reject(), { icon: 'close', cls: 'confirm-reject', disabled: !!this.busy, ariaLabel: `Reject ${d.name} v${d.version} with this reason` })}
        ${button('Cancel', () => ((this.rejecting = false), (this.reasonError = '')), { icon: 'discard', secondary: true, cls: 'cancel-reject', ariaLabel: 'Keep the import open' })}
      </div>
    </div>`;
  }

  protected override render(): TemplateResult {
    const d = this.detail;
    return html`${this.header()}${this.banners()}
      ${d
        ? html`<main class="content two-columns">
            <div class="column"><fg-import-summary .detail=${d}></fg-import-summary>
              <fg-import-validation .validation=${d.validation} .target=${this.scope?.gatewayName ?? ''}></fg-import-validation></div>
            <div class="column">${this.replacements()}${this.previewSection()}${this.actions(d)}</div>
          </main>`
        : html`<div class="muted loading">${this.loaded ? 'The import could not be read.' : 'Reading the import from the gateway…'}</div>`}`;
  }
}
customElements.define('fg-review-app', FgReviewApp);

declare global {
  interface HTMLElementTagNameMap {
    'fg-review-app': FgReviewApp;
  }
}
