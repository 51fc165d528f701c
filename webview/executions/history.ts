/**
 * The Running Executions page's history controls: the status, flow and time filters (applied to
 * the listed rows and passed to the gateway when past executions are loaded), "Load more", and
 * execution ids that open the execution they name.
 */
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ExecutionRow, ExecutionsViewState, HistoryQuery, HistorySince } from '../protocol/executions';
import { h } from '../shared/host';

const STATUS_CHOICES: [ExecutionsViewState['status'], string][] = [
  ['', 'Any status'],
  ['Running', 'Running'],
  ['Stopping', 'Stopping'],
  ['Stopped', 'Stopped'],
  ['Ended', 'Ended'],
  ['Error', 'Error'],
];
const SINCE_CHOICES: [HistorySince, string, number][] = [
  ['any', 'Any time', 0],
  ['hour', 'Last hour', 3_600_000],
  ['day', 'Last 24 hours', 86_400_000],
  ['week', 'Last 7 days', 7 * 86_400_000],
];

function select(label: string, name: string, choices: [string, string][], value: string): VscodeSingleSelect {
  const el = document.createElement('vscode-single-select') as VscodeSingleSelect;
  el.className = `history-filter ${name}`;
  el.setAttribute('aria-label', label);
  el.title = label;
  for (const [v, text] of choices) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', v);
    option.textContent = text;
    if (v === value) option.setAttribute('selected', '');
    el.append(option);
  }
  return el;
}

export interface HistoryControls {
  status: VscodeSingleSelect;
  since: VscodeSingleSelect;
  flow: VscodeTextfield;
  loadMore: HTMLElement;
}

/** The filter controls, showing the view's current values. */
export function historyControls(view: ExecutionsViewState): HistoryControls {
  const flow = document.createElement('vscode-textfield') as VscodeTextfield;
  flow.className = 'history-filter flow';
  flow.placeholder = 'Flow';
  flow.value = view.flow;
  flow.setAttribute('aria-label', 'Only executions of flows whose id contains this text');
  const loadMore = document.createElement('vscode-button');
  loadMore.className = 'load-more';
  loadMore.setAttribute('secondary', '');
  loadMore.textContent = 'Load more';
  loadMore.title = 'Load older executions from the gateway';
  return {
    status: select('Status', 'status', STATUS_CHOICES, view.status),
    since: select('Started', 'since', SINCE_CHOICES.map(([v, text]) => [v, text]), view.since),
    flow,
    loadMore,
  };
}

/** The earliest start time the time filter lets through (epoch ms), or undefined for any time. */
function sinceMs(since: HistorySince, now = Date.now()): number | undefined {
  const span = SINCE_CHOICES.find(([v]) => v === since)?.[2] ?? 0;
  return span ? now - span : undefined;
}

/** Whether a row passes the status, flow and time filters. */
export function passesHistoryFilters(r: ExecutionRow, view: ExecutionsViewState): boolean {
  const from = sinceMs(view.since);
  return (
    (!view.status || r.status === view.status) &&
    (!view.flow.trim() || r.flow.toLowerCase().includes(view.flow.trim().toLowerCase())) &&
    (from === undefined || Date.parse(r.startedAt) >= from)
  );
}

/** The gateway query of the filters (after: the cursor of the page to load, if not the first). */
export function historyQuery(view: ExecutionsViewState, after?: string): HistoryQuery {
  const from = sinceMs(view.since);
  return {
    ...(view.status ? { status: view.status } : {}),
    ...(view.flow.trim() ? { flow: view.flow.trim() } : {}),
    ...(from !== undefined ? { startedAfter: new Date(from).toISOString() } : {}),
    ...(after ? { after } : {}),
  };
}

/** An execution id (shown short, or in full) that opens that execution's details. */
export function idLink(id: string, open: (id: string) => void, short = true): HTMLElement {
  const link = h('a', { class: 'mono id-link', text: short ? id.slice(0, 8) : id, title: id, attrs: { href: '#', 'aria-label': `Open execution ${id}` } });
  link.dataset.executionId = id;
  link.addEventListener('click', (e) => {
    e.preventDefault();
    e.stopPropagation();
    open(id);
  });
  return link;
}
