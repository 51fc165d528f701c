/**
 * `<fg-schedule-list>`: the schedules of the version, one table row each — name, flow, expression,
 * time zone, Enabled/Disabled, next run, last firing (with the history) and the row's actions
 * (Disable/Enable, Run Now, Edit, Delete with confirmation). Each button names its row for screen
 * readers ("Run Now schedule 'Nightly'"). Below a breakpoint the CSS stacks each row into a card
 * whose cells are labelled by their column (`data-label`), so no action hides sideways.
 *
 * It holds no schedule state of its own: it fires `schedule-action` ({action, id}),
 * `schedule-edit` (id) and `history-toggle` ({id, open}) for the app to act on.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { button, count, enabledText, formatZoned, icon, PageElement } from '../kit';
import { lastFiring, type ScheduleResponse } from '../protocol/schedules';
import './history';
import { outcomeIcon } from './history';

export interface ScheduleAction {
  action: 'enable' | 'disable' | 'runNow' | 'delete';
  id: string;
}

/** An id or zone that may break after each `/` (`network/<wbr>core/<wbr>Restart`), never inside a word. */
function breakable(text: string): TemplateResult {
  const parts = text.split('/');
  return html`${parts.map((p, i) => (i < parts.length - 1 ? html`${p}/<wbr />` : p))}`;
}

const COLUMNS = ['Name', 'Flow', 'Expression', 'Time zone', 'Enabled', 'Next run', 'Last firing', 'Actions'] as const;

export class FgScheduleList extends PageElement {
  static override properties = {
    schedules: { attribute: false },
    published: { attribute: false },
    started: { attribute: false },
    busy: { attribute: false },
    historyOpen: { attribute: false },
  };

  declare schedules: ScheduleResponse[];
  /** Whether the version is published (undefined: not known yet). */
  declare published: boolean | undefined;
  /** Per schedule id: the execution its last Run Now started. */
  declare started: Record<string, string>;
  declare busy: ReadonlySet<string>;
  declare historyOpen: string[];

  constructor() {
    super();
    this.schedules = [];
    this.published = undefined;
    this.started = {};
    this.busy = new Set();
    this.historyOpen = [];
  }

  private act(action: ScheduleAction['action'], id: string): void {
    this.emit<ScheduleAction>('schedule-action', { action, id });
  }

  private nextRun(s: ScheduleResponse): TemplateResult {
    if (s.nextRuns.length) {
      const all = s.nextRuns.map((r) => `${formatZoned(r, s.timezone)} ${s.timezone}`).join('\n');
      return html`<span class="mono" title=${`Next runs:\n${all}`}>${formatZoned(s.nextRuns[0], s.timezone)}</span>`;
    }
    const why = !s.enabled ? 'disabled' : this.published === false ? 'version unpublished' : 'no run ahead';
    return html`<span class="muted">— (${why})</span>`;
  }

  private firing(s: ScheduleResponse): TemplateResult {
    const last = lastFiring(s);
    const bad = s.history.filter((f) => f.outcome !== 'started');
    const missed = bad.filter((f) => f.outcome === 'missed').length;
    const refused = bad.length - missed;
    const recently = (missed || refused) && !(bad.length === 1 && last && last.outcome !== 'started');
    const started = this.started[s.id];
    return html`<div class="firing">
      ${last
        ? html`<span class="outcome outcome-${last.outcome}">
              <span class="outcome-head">${icon(outcomeIcon(last.outcome))}<span class="outcome-text">${last.outcome}</span></span>
              <span class="muted when">${formatZoned(last.at, s.timezone)}</span>
              ${last.executionId ? html`<fg-execution-link .executionId=${last.executionId}></fg-execution-link>` : nothing}
            </span>
            ${last.outcome !== 'started' && last.message ? html`<div class="firing-message">${last.message}</div>` : nothing}`
        : html`<span class="muted">never fired</span>`}
      ${recently ? html`<div class="muted small">recently: ${[missed ? `${count(missed, 'missed', 'missed')}` : '', refused ? `${count(refused, 'refused', 'refused')}` : ''].filter(Boolean).join(', ')}</div>` : nothing}
      ${started ? html`<div class="started small">Run Now: <fg-execution-link .executionId=${started}></fg-execution-link></div>` : nothing}
      <fg-schedule-history
        .schedule=${s}
        .open=${this.historyOpen.includes(s.id)}
        @toggle-history=${(e: CustomEvent<boolean>) => this.emit('history-toggle', { id: s.id, open: e.detail })}
      ></fg-schedule-history>
    </div>`;
  }

  private actions(s: ScheduleResponse): TemplateResult {
    const busy = this.busy.has(s.id);
    const row = `schedule '${s.name}'`;
    const unpublished = this.published === false;
    return html`<div class="actions">
      ${button(s.enabled ? 'Disable' : 'Enable', () => this.act(s.enabled ? 'disable' : 'enable', s.id), {
        icon: s.enabled ? 'circle-slash' : 'check',
        secondary: true,
        cls: 'toggle',
        disabled: busy,
        ariaLabel: `${s.enabled ? 'Disable' : 'Enable'} ${row}`,
      })}
      ${button('Run Now', () => this.act('runNow', s.id), {
        icon: 'play',
        secondary: true,
        cls: 'run-now',
        disabled: busy || unpublished,
        ariaLabel: `Run Now ${row}`,
        title: unpublished ? 'Publish the version to run its schedules' : 'Start the flow now, as this schedule would',
      })}
      ${button('Edit', () => this.emit('schedule-edit', s.id), { icon: 'edit', secondary: true, cls: 'edit', disabled: busy, ariaLabel: `Edit ${row}` })}
      <fg-confirm-button label="Delete" .subject=${row} ?disabled=${busy} @confirm=${() => this.act('delete', s.id)}></fg-confirm-button>
    </div>`;
  }

  private row(s: ScheduleResponse): TemplateResult {
    const cells: [string, TemplateResult | string][] = [
      ['name', html`<div class="schedule-name">${s.name}</div>${s.description ? html`<div class="muted small">${s.description}</div>` : nothing}`],
      ['flow', breakable(s.flow)],
      ['expression', html`<span class="mono">${s.expression}</span>`],
      ['timezone', breakable(s.timezone)],
      ['enabled', html`<span class=${s.enabled ? 'on' : 'off muted'}>${icon(s.enabled ? 'check' : 'circle-slash')} ${enabledText(s.enabled)}</span>`],
      ['next-run', this.nextRun(s)],
      ['last-firing', this.firing(s)],
      ['row-actions', this.actions(s)],
    ];
    return html`<tr class="schedule ${s.enabled ? '' : 'disabled'}" role="row" data-id=${s.id} data-name=${s.name}>
      ${cells.map(([cls, content], i) => html`<td class=${cls} role="cell" data-label=${COLUMNS[i]}>${content}</td>`)}
    </tr>`;
  }

  protected override render(): TemplateResult {
    const sorted = [...this.schedules].sort((a, b) => a.name.localeCompare(b.name));
    // Explicit roles: the table stays a table to screen readers when narrow panels stack its rows.
    return html`<div class="table-wrap">
      <table class="schedules" role="table" aria-label="Schedules">
        <thead role="rowgroup">
          <tr role="row">${COLUMNS.map((c) => html`<th role="columnheader" scope="col" class=${`col-${c.toLowerCase().replace(/ /g, '-')}`}>${c}</th>`)}</tr>
        </thead>
        <tbody role="rowgroup">
          ${repeat(sorted, (s) => s.id, (s) => this.row(s))}
        </tbody>
      </table>
    </div>`;
  }
}
customElements.define('fg-schedule-list', FgScheduleList);

declare global {
  interface HTMLElementTagNameMap {
    'fg-schedule-list': FgScheduleList;
  }
  interface HTMLElementEventMap {
    'schedule-action': CustomEvent<ScheduleAction>;
    'schedule-edit': CustomEvent<string>;
  }
}
