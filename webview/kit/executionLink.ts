/**
 * `<fg-execution-link>`: an execution id, shortened, that opens the execution (in the Running
 * Executions page of its version) when clicked or activated with Enter. It fires
 * `open-execution` with the id; the page asks the extension (its `openExecution` request).
 */
import { html, type TemplateResult } from 'lit';
import { PageElement } from './element';
import { shortId } from './format';

export class FgExecutionLink extends PageElement {
  static override properties = { executionId: { type: String, attribute: 'execution-id' }, full: { type: Boolean } };

  declare executionId: string;
  /** Show the whole id (default: its first 8 characters). */
  declare full: boolean;

  constructor() {
    super();
    this.executionId = '';
    this.full = false;
  }

  protected override render(): TemplateResult {
    const open = (e: Event) => {
      e.preventDefault();
      e.stopPropagation();
      this.emit('open-execution', this.executionId);
    };
    return html`<a
      class="execution-link mono"
      href="#"
      role="link"
      title=${`Open execution ${this.executionId}`}
      aria-label=${`Open execution ${this.executionId}`}
      data-execution-id=${this.executionId}
      @click=${open}
      >${this.full ? this.executionId : shortId(this.executionId)}</a
    >`;
  }
}
customElements.define('fg-execution-link', FgExecutionLink);

declare global {
  interface HTMLElementTagNameMap {
    'fg-execution-link': FgExecutionLink;
  }
  interface HTMLElementEventMap {
    'open-execution': CustomEvent<string>;
  }
}
