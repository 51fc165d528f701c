/**
 * `<fg-status-line>`: one line that says what just happened — information (polite) or an error
 * (assertive, with an error icon). Empty text shows nothing.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { PageElement } from './element';
import { icon } from './parts';

export type StatusKind = 'info' | 'error';

export class FgStatusLine extends PageElement {
  static override properties = { kind: { type: String }, text: { type: String } };

  declare kind: StatusKind;
  declare text: string;

  constructor() {
    super();
    this.kind = 'info';
    this.text = '';
  }

  protected override render(): TemplateResult {
    const error = this.kind === 'error';
    return html`<div class="status-line ${error ? 'error' : 'info'}" role=${error ? 'alert' : 'status'} ?hidden=${!this.text}>
      ${this.text ? html`${icon(error ? 'error' : 'info')} <span class="status-text">${this.text}</span>` : nothing}
    </div>`;
  }
}
customElements.define('fg-status-line', FgStatusLine);

declare global {
  interface HTMLElementTagNameMap {
    'fg-status-line': FgStatusLine;
  }
}
