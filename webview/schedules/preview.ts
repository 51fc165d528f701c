/**
 * `<fg-cron-preview>`: what an (unsaved) expression means in a time zone, asked of the extension
 * as it is typed (`preview` request, debounced): the expression in words, the next five runs as
 * that zone's wall clock reads them (24 h), and the gateway's notes (AND of the day fields, a time
 * that happens twice or not at all around a DST change). Only the newest request's reply is shown.
 *
 * Problems with the expression or the zone belong to those fields: it fires `preview-errors` with
 * the reply's errors (none when the preview worked) for the form to show in their rows.
 */
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { count, formatZoned, icon, PageElement } from '../kit';
import type { ApiErrorDetail, CronPreviewResponse } from '../protocol/schedules';
import type { ScheduleRequest } from './form';

/** How long typing pauses before the preview is asked for. */
const DEBOUNCE_MS = 300;

export class FgCronPreview extends PageElement {
  static override properties = {
    expression: { type: String },
    timezone: { type: String },
    request: { attribute: false },
    result: { state: true },
    errors: { state: true },
    pending: { state: true },
  };

  declare expression: string;
  declare timezone: string;
  declare request: ScheduleRequest | undefined;
  /** The last preview and the zone it was asked in. */
  declare result: { preview: CronPreviewResponse; timezone: string } | undefined;
  /** The last reply's errors. */
  declare errors: ApiErrorDetail[];
  declare pending: boolean;

  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The newest request: older replies are dropped. */
  private sequence = 0;

  constructor() {
    super();
    this.expression = '';
    this.timezone = 'UTC';
    this.request = undefined;
    this.result = undefined;
    this.errors = [];
    this.pending = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('expression') && !changed.has('timezone')) return;
    // The first preview (a restored or edited form) and a new zone at once; typing after a pause.
    const first = changed.get('expression') === undefined && changed.get('timezone') === undefined;
    this.ask(first || !changed.has('expression') ? 0 : DEBOUNCE_MS);
  }

  private ask(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    const seq = ++this.sequence;
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      const expression = this.expression;
      const timezone = this.timezone || 'UTC';
      if (!expression.trim() || !this.request) {
        this.result = undefined;
        this.show([]);
        return;
      }
      this.pending = true;
      const reply = await this.request('preview', { expression, timezone });
      if (seq !== this.sequence) return; // a newer request is on its way
      this.pending = false;
      this.result = reply.ok ? { preview: reply.result, timezone } : undefined;
      this.show(reply.ok ? [] : reply.errors);
    }, delay);
  }

  private show(errors: ApiErrorDetail[]): void {
    this.errors = errors;
    this.emit('preview-errors', errors);
  }

  protected override render(): TemplateResult {
    const inFields = this.errors.filter((e) => e.field === 'expression' || e.field === 'timezone');
    const other = this.errors.filter((e) => e.field !== 'expression' && e.field !== 'timezone');
    const r = this.result;
    let body: TemplateResult;
    if (!this.expression.trim()) body = html`<div class="muted">Type an expression to see what it means and when it runs next.</div>`;
    else if (!r) {
      body = html`<div class="muted">${inFields.length ? 'No preview while the expression or time zone is invalid.' : this.pending ? 'Reading the next runs…' : ''}</div>
        ${other.map((e) => html`<div class="field-error">${icon('error')}<span>${e.field ? `${e.field}: ${e.message}` : e.message}</span></div>`)}`;
    } else {
      const runs = r.preview.nextRuns;
      body = html`<div class="description">${icon('symbol-event')}<span class="description-text">${r.preview.description}</span></div>
        ${runs.length
          ? html`<div class="next-runs-title muted">Next ${count(runs.length, 'run')} (${r.timezone}):</div>
              <ol class="next-runs">
                ${runs.map((iso) => html`<li class="mono" title=${`${formatZoned(iso, 'UTC')} UTC`}>${formatZoned(iso, r.timezone)} <span class="muted">${r.timezone}</span></li>`)}
              </ol>`
          : html`<div class="muted">No run ahead.</div>`}
        ${r.preview.notes.map((n) => html`<div class="note">${icon('info')}<span>${n}</span></div>`)}`;
    }
    return html`<div class="preview ${this.pending ? 'pending' : ''}" aria-live="polite" aria-label="Expression preview">${body}</div>`;
  }
}
customElements.define('fg-cron-preview', FgCronPreview);

declare global {
  interface HTMLElementTagNameMap {
    'fg-cron-preview': FgCronPreview;
  }
  interface HTMLElementEventMap {
    'preview-errors': CustomEvent<ApiErrorDetail[]>;
  }
}
