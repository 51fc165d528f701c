/**
 * `<fg-confirm-button>`: a destructive action that asks first, in place — "Delete 'Nightly'?"
 * with Delete (`.confirm-delete`) and Cancel — and fires `confirm` only when confirmed. Escape
 * cancels. The buttons name what they act on (`subject`) for screen readers. Another action
 * (Apply) sets `icon`, `cls` (its buttons are `.<cls>` and `.confirm-<cls>`) and `question`
 * ("Apply: write 2 new definitions to qa?"); `hint` is the button's tooltip (why it is disabled).
 */
import { html, type TemplateResult } from 'lit';
import { PageElement } from './element';
import { button } from './parts';

export class FgConfirmButton extends PageElement {
  static override properties = {
    label: { type: String },
    subject: { type: String },
    disabled: { type: Boolean },
    icon: { type: String },
    cls: { type: String },
    question: { type: String },
    hint: { type: String },
    asking: { state: true },
  };

  /** The action: "Delete". */
  declare label: string;
  /** What it acts on: "schedule 'Nightly'". */
  declare subject: string;
  declare disabled: boolean;
  /** The codicon of both buttons: `trash`. */
  declare icon: string;
  /** The class stem of the buttons: `delete` → `.delete`, `.confirm-delete`. */
  declare cls: string;
  /** What is asked; default "<label> <subject>?". */
  declare question: string;
  /** The button's tooltip. */
  declare hint: string;
  declare asking: boolean;

  constructor() {
    super();
    this.label = 'Delete';
    this.subject = '';
    this.disabled = false;
    this.icon = 'trash';
    this.cls = 'delete';
    this.question = '';
    this.hint = '';
    this.asking = false;
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.asking) this.asking = false;
    });
  }

  protected override render(): TemplateResult {
    const question = this.question || `${this.label} ${this.subject}?`;
    if (!this.asking) {
      return button(this.label, () => (this.asking = true), {
        icon: this.icon,
        secondary: true,
        cls: this.cls,
        disabled: this.disabled,
        ariaLabel: `${this.label} ${this.subject}`,
        title: this.hint || undefined,
      });
    }
    return html`<span class="confirm" role="group" aria-label=${question}>
      <span class="confirm-text">${question}</span>
      ${button(this.label, () => {
        this.asking = false;
        this.emit('confirm', undefined);
      }, { icon: this.icon, cls: `confirm-${this.cls}`, ariaLabel: `${this.label} ${this.subject}` })}
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
