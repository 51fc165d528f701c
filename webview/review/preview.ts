/**
 * `<fg-import-preview>`: what applying the import writes, per definition — new, changed (with the
 * lines it adds and removes) or unchanged, and those taken from the target's repository — with
 * the counts. Each row's button (Show Diff for a changed one, Open for the others) fires
 * `show-definition` with the row; the extension opens VS Code's diff editor or the read-only text.
 * The page never holds a definition's text.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { badge, button, PageElement } from '../kit';
import type { PreviewItem, ReviewSnapshot } from '../protocol/review';

export class FgImportPreview extends PageElement {
  static override properties = {
    preview: { attribute: false },
    target: { type: String },
    stale: { type: Boolean },
    loaded: { type: Boolean },
  };

  declare preview: ReviewSnapshot['preview'];
  /** The target gateway's name. */
  declare target: string;
  /** The replacements being edited differ from the saved ones the preview is of. */
  declare stale: boolean;
  declare loaded: boolean;

  constructor() {
    super();
    this.preview = undefined;
    this.target = '';
    this.stale = false;
    this.loaded = false;
  }

  private row(item: PreviewItem): TemplateResult {
    const changed = item.change === 'changed';
    const label = changed ? 'Show Diff' : 'Open';
    return html`<tr class="preview-row ${item.change}" data-kind=${item.kind} data-id=${item.id}>
      <td>${badge(item.change, item.change === 'new' ? 'info' : changed ? 'warn' : 'muted', `change ${item.change}`)}</td>
      <td class="kind">${item.kind}</td>
      <td class="definition-id"><code>${item.id}</code>
        ${item.fromRepository ? html`<span class="muted from-repository">from ${this.target || 'the target'}'s repository</span>` : nothing}
        ${changed && item.added !== undefined ? html`<span class="muted line-counts">+${item.added} −${item.removed}</span>` : nothing}</td>
      <td class="row-actions">${button(label, () => this.emit('show-definition', item), {
        icon: changed ? 'diff' : 'go-to-file',
        secondary: true,
        cls: changed ? 'show-diff' : 'open-definition',
        ariaLabel: `${label} of ${item.kind} '${item.id}'`,
      })}</td>
    </tr>`;
  }

  protected override render(): TemplateResult {
    const p = this.preview;
    return html`<section class="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Apply preview
        ${p ? html`${badge(`${p.counts.new} new`, 'info', 'count-new')} ${badge(`${p.counts.changed} changed`, 'warn', 'count-changed')} ${badge(`${p.counts.unchanged} unchanged`, 'muted', 'count-unchanged')}` : nothing}</h2>
      ${this.stale ? html`<p class="hint stale">The preview is of the saved replacements: save to see yours.</p>` : nothing}
      ${!p
        ? html`<p class="muted">${this.loaded ? 'No preview.' : 'Reading the preview…'}</p>`
        : html`<table class="preview-table" aria-label="What apply writes, per definition">
            <thead><tr><th>Change</th><th>Kind</th><th>Definition</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>${p.items.map((item) => this.row(item))}</tbody>
          </table>`}
    </section>`;
  }
}
customElements.define('fg-import-preview', FgImportPreview);

declare global {
  interface HTMLElementTagNameMap {
    'fg-import-preview': FgImportPreview;
  }
}
