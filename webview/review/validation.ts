/**
 * `<fg-import-validation>`: an import's validation against the target — each problem (error or
 * warning) with its message, the definition whose text holds the reference, and the reference
 * itself; or the line that says everything resolves. Text only: ids and messages come from the
 * package and the gateway and are never parsed as HTML.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { count, icon, PageElement } from '../kit';
import type { ImportDetail } from '../protocol/review';

export class FgImportValidation extends PageElement {
  static override properties = { validation: { attribute: false }, target: { type: String } };

  declare validation: ImportDetail['validation'] | undefined;
  /** The target gateway's name. */
  declare target: string;

  constructor() {
    super();
    this.validation = undefined;
    this.target = '';
  }

  protected override render(): TemplateResult | typeof nothing {
    if (!this.validation) return nothing;
    const problems = this.validation.problems;
    const errors = problems.filter((p) => p.severity === 'error').length;
    return html`<section class="validation" aria-labelledby="validation-title">
      <h2 id="validation-title">Validation against ${this.target || 'the target'}
        <span class="muted">(${count(errors, 'error')}, ${count(problems.length - errors, 'warning')})</span></h2>
      ${problems.length === 0
        ? html`<p class="validation-ok" role="status">${icon('pass')} Every reference resolves and every secret is there.</p>`
        : html`<ul class="problems" aria-label="Validation problems">
            ${problems.map(
              (p) => html`<li class="problem ${p.severity}" data-code=${p.code}>
                ${icon(p.severity === 'error' ? 'error' : 'warning')}
                <span class="problem-text">
                  <span class="problem-message">${p.message}</span>
                  ${p.definition ? html`<span class="problem-where muted">in ${p.definition.kind} <code class="definition">${p.definition.id}</code></span>` : nothing}
                  ${p.reference ? html`<span class="problem-ref muted">reference: ${p.reference.kind} <code class="reference">${p.reference.id}</code></span>` : nothing}
                </span>
              </li>`,
            )}
          </ul>`}
    </section>`;
  }
}
customElements.define('fg-import-validation', FgImportValidation);

declare global {
  interface HTMLElementTagNameMap {
    'fg-import-validation': FgImportValidation;
  }
}
