/**
 * `<fg-import-summary>`: what was pulled — package, version, source, status, the key that signed
 * it, who pulled it and when, what it carries — and the package's instructions. The instructions
 * are the package's words, hostile until applied: a text binding only, never parsed as HTML.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { count, formatWhen, PageElement } from '../kit';
import type { ImportDetail } from '../protocol/review';

export class FgImportSummary extends PageElement {
  static override properties = { detail: { attribute: false } };

  declare detail: ImportDetail | undefined;

  constructor() {
    super();
    this.detail = undefined;
  }

  protected override render(): TemplateResult | typeof nothing {
    const d = this.detail;
    if (!d) return nothing;
    const row = (label: string, value: TemplateResult | string, cls: string) => html`<dt>${label}</dt><dd class=${cls}>${value}</dd>`;
    const groups = d.authorisation.groups.length ? `groups ${d.authorisation.groups.join(', ')}` : 'no groups (anyone may execute)';
    return html`<section class="details" aria-labelledby="details-title">
        <h2 id="details-title">Pulled version</h2>
        <dl class="facts">
          ${row('Package', d.name, 'package-name')} ${row('Version', `v${d.version}`, 'package-version')} ${row('Source', d.source, 'source')}
          ${row('Status', d.status, 'status')}
          ${row('Signed by', html`<code title="The signing key's id (RFC 7638 thumbprint), one of the source's trusted keys">${d.signer}</code>`, 'signer')}
          ${row('Pulled', html`${formatWhen(d.pulledAt)} by ${d.pulledBy}`, 'pulled')}
          ${row('Carries', `${count(d.definitions.length, 'definition')}, ${count(d.schedules, 'schedule')}, ${count(d.triggers, 'trigger')}, ${groups}`, 'carries')}
          ${d.description ? row('Description', d.description, 'description') : nothing}
        </dl>
      </section>
      <section class="instructions-section" aria-labelledby="instructions-title">
        <h2 id="instructions-title">Instructions</h2>
        ${d.instructions.trim()
          ? html`<pre class="instructions" tabindex="0" aria-label="Instructions of the package">${d.instructions}</pre>`
          : html`<p class="muted no-instructions">The package has no instructions.</p>`}
      </section>`;
  }
}
customElements.define('fg-import-summary', FgImportSummary);

declare global {
  interface HTMLElementTagNameMap {
    'fg-import-summary': FgImportSummary;
  }
}
