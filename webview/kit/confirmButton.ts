/**
 * `<fg-confirm-button>`: a destructive action that asks first, in place — "Delete 'Nightly'?"
 * with Delete (`.confirm-delete`) and Cancel — and fires `confirm` only when confirmed. Escape
 * cancels. The buttons name what they act on (`subject`) for screen readers.
 */
import { html, type TemplateResult } from 'lit';
import { PageElement } from './element';
import { button } from './parts';

export class FgConfirmButton extends PageElement {
  static override properties = {
    label: { type: String },
    subject: { type: String },
    disabled: { type: Boolean },
    asking: { state: true },
  };

  /** The action: "Delete". */
  declare label: string;
  /** What it acts on: "schedule 'Nightly'". */
  declare subject: string;
  declare disabled: boolean;
  declare asking: boolean;

  constructor() {
    super();
    this.label = 'Delete';
    this.subject = '';
    this.disabled = false;
    this.asking = false;
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.asking) this.asking = false;
    });
  }

  protected override render(): TemplateResult {
    if (!this.asking) {
      return button(this.label, () => (this.asking = true), { icon: 'trash', secondary: true, cls: 'delete', disabled: this.disabled, ariaLabel: `${this.label} ${this.subject}` });
    }
    return html`<span class="confirm" role="group" aria-label=${`${this.label} ${this.subject}?`}>
      <span class="confirm-text">${this.label} ${this.subject}?</span>
      ${button(this.label, () => {
        this.asking = false;
        this.emit('confirm', undefined);
      }, { icon: 'trash', cls: 'confirm-delete', ariaLabel: `${this.label} ${this.subject}` })}
      ${button('Cancel', () => (this.asking = false), { icon: 'close', secondary: true, cls: 'confirm-cancel', ariaLabel: `Keep ${this.subject}` })}
    </span>`;
  }
}
customElements.define('fg-confirm-button', FgConfirmButton);

declare global {
  interface HTMLElementTagNameMap {
    'fg-confirm-button': FgConfirmButton;
  }
}
