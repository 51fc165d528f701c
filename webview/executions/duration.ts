/**
 * `<fg-duration>`: how long an execution has run (format.ts's `4s`, `2m 05s`), ticking every
 * second while it runs — one timer for every ticking duration of the page.
 */
import type { TemplateResult } from 'lit';
import { html } from 'lit';
import { PageElement } from '../kit/element';
import { formatDuration } from '../kit/format';
import { isFinishedStatus, type ExecutionRow } from '../protocol/executions';
import { durationOf } from './model';

const ticking = new Set<FgDuration>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick(): void {
  for (const d of ticking) d.requestUpdate();
}

export class FgDuration extends PageElement {
  static override properties = { row: { attribute: false }, offset: { type: Number } };

  declare row: ExecutionRow | undefined;
  /** Webview clock − extension clock. */
  declare offset: number;

  constructor() {
    super();
    this.row = undefined;
    this.offset = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    ticking.add(this);
    timer ??= setInterval(tick, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    ticking.delete(this);
    if (ticking.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  protected override render(): TemplateResult {
    const r = this.row;
    if (r) this.toggleAttribute('data-ticking', !isFinishedStatus(r.status));
    return html`${r ? formatDuration(durationOf(r, this.offset)) : ''}`;
  }
}
customElements.define('fg-duration', FgDuration);

declare global {
  interface HTMLElementTagNameMap {
    'fg-duration': FgDuration;
  }
}
