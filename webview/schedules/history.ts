/**
 * `<fg-schedule-history>`: a schedule's recent firings (newest first), folded under a
 * "History (n firings)" disclosure — each firing's outcome, its time in the schedule's zone (24 h),
 * the execution it started (an `<fg-execution-link>`) and the gateway's message. Whether it is
 * unfolded is the app's UI state (kept across hiding the panel): it fires `toggle-history`.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { count, formatZoned, icon, PageElement } from '../kit';
import type { ScheduleFiring, ScheduleResponse } from '../protocol/schedules';

/** The codicon of a firing's outcome. */
export function outcomeIcon(outcome: ScheduleFiring['outcome']): string {
  return outcome === 'started' ? 'pass' : outcome === 'missed' ? 'warning' : 'error';
}

export class FgScheduleHistory extends PageElement {
  static override properties = { schedule: { attribute: false }, open: { type: Boolean } };

  declare schedule: ScheduleResponse | undefined;
  declare open: boolean;

  constructor() {
    super();
    this.schedule = undefined;
    this.open = false;
  }

  protected override render(): TemplateResult | typeof nothing {
    const s = this.schedule;
    if (!s || s.history.length === 0) return nothing;
    return html`<details
      class="history"
      ?open=${this.open}
      @toggle=${(e: Event) => {
        const open = (e.target as HTMLDetailsElement).open;
        if (open !== this.open) this.emit('toggle-history', open);
      }}
    >
      <summary aria-label=${`History of schedule '${s.name}': ${count(s.history.length, 'firing')}`}>History (${count(s.history.length, 'firing')})</summary>
      <ol class="history-list">
        ${s.history.map(
          (f) => html`<li class="firing-${f.outcome}">
            <span class="firing-outcome">${icon(outcomeIcon(f.outcome))}<span class="outcome-text">${f.outcome}</span></span>
            <span class="mono when">${formatZoned(f.at, s.timezone)}</span>
            ${f.executionId ? html`<fg-execution-link .executionId=${f.executionId}></fg-execution-link>` : nothing}
            ${f.message ? html`<div class="firing-message">${f.message}</div>` : nothing}
          </li>`,
        )}
      </ol>
    </details>`;
  }
}
customElements.define('fg-schedule-history', FgScheduleHistory);

declare global {
  interface HTMLElementTagNameMap {
    'fg-schedule-history': FgScheduleHistory;
  }
}
