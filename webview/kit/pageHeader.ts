/**
 * `<fg-page-header>`: every page's top line — its title, what it shows (gateway, package and
 * version), badges, the page's own actions and the one Reload button (codicon `refresh`), which
 * fires `reload`. While `loading`, a progress bar runs under it.
 */
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { PageElement } from './element';
import { button } from './parts';

export class FgPageHeader extends PageElement {
  static override properties = {
    heading: { type: String },
    subtitle: { type: String },
    loading: { type: Boolean },
    badges: { attribute: false },
    actions: { attribute: false },
  };

  declare heading: string;
  declare subtitle: string;
  declare loading: boolean;
  /** Badges after the subtitle (published, live, counts). */
  declare badges: TemplateResult | typeof nothing;
  /** Page actions before Reload (New Schedule, Stop Selected). */
  declare actions: TemplateResult | typeof nothing;

  constructor() {
    super();
    this.heading = '';
    this.subtitle = '';
    this.loading = false;
    this.badges = nothing;
    this.actions = nothing;
  }

  protected override render(): TemplateResult {
    return html`<header class="page-header">
        <h1 class="title">${this.heading}</h1>
        ${this.subtitle ? html`<span class="subtitle">${this.subtitle}</span>` : nothing} ${this.badges}
        <span class="spacer"></span>
        <span class="toolbar">
          ${this.actions}
          ${button('Reload', () => this.emit('reload', undefined), { icon: 'refresh', secondary: true, cls: 'reload', disabled: this.loading, title: 'Load again from the gateway' })}
        </span>
      </header>
      ${this.loading ? html`<vscode-progress-bar class="progress" aria-label="Loading"></vscode-progress-bar>` : nothing}`;
  }
}
customElements.define('fg-page-header', FgPageHeader);

declare global {
  interface HTMLElementTagNameMap {
    'fg-page-header': FgPageHeader;
  }
}
