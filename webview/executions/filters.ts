/**
 * `<fg-executions-filters>`: the list's toolbar — the text filter (any column), the history filters
 * (status, flow, time), "Group by flow", "Show finished" and, where the column headers are
 * stacked away (narrow editors), the sort. It shows `view` and fires `view-change` with the
 * changed part of the UI state.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, type TemplateResult } from 'lit';
import { PageElement } from '../kit/element';
import { icon } from '../kit/parts';
import type { ExecutionsViewState } from '../protocol/executions';
import { SINCE_CHOICES, STATUS_CHOICES } from './history';

/** The sorts offered where there are no column headers: [column, descending, label]. */
const SORTS: [ExecutionsViewState['sort']['column'], boolean, string][] = [
  ['startedAt', true, 'Newest first'],
  ['startedAt', false, 'Oldest first'],
  ['flow', false, 'Flow A–Z'],
  ['flow', true, 'Flow Z–A'],
  ['duration', true, 'Longest first'],
  ['status', false, 'Status'],
];

type Change = Partial<ExecutionsViewState>;

export class FgExecutionsFilters extends PageElement {
  static override properties = { view: { attribute: false } };

  declare view: ExecutionsViewState;

  constructor() {
    super();
    this.view = {} as ExecutionsViewState;
  }

  private change(change: Change): void {
    this.emit('view-change', change);
  }

  private select(cls: string, label: string, choices: [string, string][], value: string, pick: (value: string) => Change): TemplateResult {
    return html`<vscode-single-select
      class=${cls}
      aria-label=${label}
      title=${label}
      @change=${(e: Event) => this.change(pick((e.target as HTMLSelectElement).value))}
    >
      ${choices.map(([v, text]) => html`<vscode-option value=${v} ?selected=${v === value}>${text}</vscode-option>`)}
    </vscode-single-select>`;
  }

  protected override render(): TemplateResult {
    const v = this.view;
    const sortIndex = SORTS.findIndex(([c, d]) => c === v.sort.column && d === v.sort.descending);
    return html`<div class="filters" role="group" aria-label="Filters">
      <vscode-textfield
        class="filter"
        placeholder="Filter by any column"
        aria-label="Filter executions by any column"
        .value=${v.filter}
        @input=${(e: Event) => this.change({ filter: (e.target as HTMLInputElement).value })}
        ><span slot="content-before">${icon('filter')}</span></vscode-textfield
      >
      ${this.select('history-filter status', 'Status', STATUS_CHOICES, v.status, (s) => ({ status: s as ExecutionsViewState['status'] }))}
      <vscode-textfield
        class="history-filter flow"
        placeholder="Flow"
        aria-label="Only executions of flows whose id contains this text"
        title="Only executions of flows whose id contains this text"
        .value=${v.flow}
        @change=${(e: Event) => this.change({ flow: (e.target as HTMLInputElement).value })}
      ></vscode-textfield>
      ${this.select('history-filter since', 'Started', SINCE_CHOICES.map(([s, text]) => [s, text]), v.since, (s) => ({ since: s as ExecutionsViewState['since'] }))}
      ${this.select(
        'sort-by',
        'Sort by',
        SORTS.map(([, , label], i) => [String(i), label]),
        String(sortIndex),
        (i) => {
          const [column, descending] = SORTS[Number(i)] ?? SORTS[0];
          return { sort: { column, descending } };
        },
      )}
      <span class="switches">
        <vscode-checkbox
          name="group-by-flow"
          label="Group by flow"
          .checked=${v.groupByFlow}
          @change=${(e: Event) => this.change({ groupByFlow: (e.target as HTMLInputElement).checked })}
        ></vscode-checkbox>
        <vscode-checkbox
          name="show-finished"
          label="Show finished"
          .checked=${v.showFinished}
          @change=${(e: Event) => this.change({ showFinished: (e.target as HTMLInputElement).checked })}
        ></vscode-checkbox>
      </span>
    </div>`;
  }
}
customElements.define('fg-executions-filters', FgExecutionsFilters);

declare global {
  interface HTMLElementTagNameMap {
    'fg-executions-filters': FgExecutionsFilters;
  }
}
