/**
 * The Running Executions page: a live table of a package version's (or a gateway's) executions.
 * Everything it shows comes from the extension through the typed messages of
 * webview/protocol/executions.ts; it never talks to a gateway itself.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-split-layout/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeTable } from '@vscode-elements/elements/dist/vscode-table/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  initiatorText,
  isFinishedStatus,
  type ColumnId,
  type ExecutionDetail,
  type ExecutionRow,
  type ExecutionsScope,
  type ExecutionsViewState,
  type ExtensionToWebview,
  type FeedState,
  type WebviewToExtension,
} from '../protocol/executions';
import { h, hostChannel } from '../shared/host';
import { historyControls, historyQuery, idLink, passesHistoryFilters } from './history';
import './executions.css';

const channel = hostChannel<ExtensionToWebview, WebviewToExtension, ExecutionsViewState>();

// ---- state -----------------------------------------------------------------------------------------

const defaults: ExecutionsViewState = {
  filter: '',
  sort: { column: 'startedAt', descending: true },
  groupByFlow: false,
  showFinished: true,
  status: '',
  flow: '',
  since: 'any',
  checked: [],
  selected: null,
  collapsed: [],
};
const view: ExecutionsViewState = { ...defaults, ...(channel.getState() ?? {}) };
const rows = new Map<string, ExecutionRow>();
let scope: ExecutionsScope | undefined;
let feed: FeedState = { state: 'connecting' };
/** webview clock − extension clock, from the last message's `now`. */
let clockOffset = 0;
let loaded = false;
let nextRequestId = 1;
let detailsRequest = 0;
let detail: ExecutionDetail | undefined;
let detailError: string | undefined;
const stopping = new Set<number>();
/** The pending history request (0: none), the cursor of the next page of past executions, the last error. */
let historyRequest = 0, historyNext: string | undefined, historyError: string | undefined;

function saveState(): void {
  channel.setState(view);
}

// ---- columns ---------------------------------------------------------------------------------------

interface Column {
  id: ColumnId;
  label: string;
  width: string;
  text(r: ExecutionRow): string;
  sortValue(r: ExecutionRow): string | number;
}

const COLUMNS: Column[] = [
  { id: 'flow', label: 'Flow', width: '17%', text: (r) => r.flow, sortValue: (r) => r.flow.toLowerCase() },
  { id: 'id', label: 'Execution ID', width: '9%', text: (r) => r.id, sortValue: (r) => r.id },
  { id: 'parentId', label: 'Parent ID', width: '8%', text: (r) => r.parentId ?? '', sortValue: (r) => r.parentId ?? '' },
  { id: 'rootId', label: 'Root ID', width: '8%', text: (r) => r.rootId, sortValue: (r) => r.rootId },
  { id: 'startedAt', label: 'Started At', width: '11%', text: (r) => formatStarted(r.startedAt), sortValue: (r) => r.startedAt },
  { id: 'duration', label: 'Duration', width: '8%', text: (r) => formatDuration(durationOf(r)), sortValue: (r) => durationOf(r) },
  { id: 'executingOn', label: 'Executing On', width: '15%', text: (r) => r.executingOn, sortValue: (r) => r.executingOn.toLowerCase() },
  { id: 'initiator', label: 'Initiator', width: '11%', text: (r) => initiatorText(r.initiator), sortValue: (r) => initiatorText(r.initiator).toLowerCase() },
  { id: 'status', label: 'Status', width: '10%', text: (r) => r.status, sortValue: (r) => r.status },
];
const CHECK_WIDTH = '3%';

function durationOf(r: ExecutionRow): number {
  if (isFinishedStatus(r.status)) return r.durationMs;
  const extensionNow = Date.now() - clockOffset;
  return r.durationMs + Math.max(0, extensionNow - r.receivedAt);
}

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m ${String(s % 60).padStart(2, '0')}s`;
}

/** Today: the time only; another day: date and time. */
function formatStarted(iso: string): string {
  const full = formatTime(iso);
  return full.slice(0, 10) === formatTime(new Date().toISOString()).slice(0, 10) ? full.slice(11) : full;
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const STATUS_ICON: Record<ExecutionRow['status'], string> = {
  Running: 'loading',
  Stopping: 'debug-pause',
  Stopped: 'debug-stop',
  Ended: 'pass',
  Error: 'error',
};

// ---- layout ----------------------------------------------------------------------------------------

const app = document.getElementById('app')!;

const title = h('h1', { class: 'title', text: 'Running Executions' });
const subtitle = h('span', { class: 'subtitle' });
const feedBadge = h('span', { class: 'feed', attrs: { role: 'status', 'aria-live': 'polite' } });
const filterField = document.createElement('vscode-textfield') as VscodeTextfield;
filterField.placeholder = 'Filter by any column';
filterField.value = view.filter;
filterField.className = 'filter';
filterField.setAttribute('aria-label', 'Filter executions');
const filterIcon = document.createElement('vscode-icon');
filterIcon.setAttribute('name', 'filter');
filterIcon.setAttribute('slot', 'content-before');
filterField.append(filterIcon);

const history = historyControls(view);
const groupBox = checkbox('Group by flow', view.groupByFlow, 'group-by-flow');
const finishedBox = checkbox('Show finished', view.showFinished, 'show-finished');
const stopButton = document.createElement('vscode-button') as VscodeButton;
stopButton.icon = 'debug-stop';
stopButton.className = 'stop';
stopButton.textContent = 'Stop';
stopButton.disabled = true;
const refreshButton = document.createElement('vscode-button') as VscodeButton;
refreshButton.secondary = true;
refreshButton.icon = 'refresh';
refreshButton.textContent = 'Reload';
refreshButton.title = 'Load the list again from the gateway';

const toolbar = h(
  'div',
  { class: 'toolbar' },
  filterField,
  history.status,
  history.flow,
  history.since,
  groupBox,
  finishedBox,
  h('span', { class: 'spacer' }),
  refreshButton,
  stopButton,
);

const table = document.createElement('vscode-table') as VscodeTable;
table.className = 'executions';
table.setAttribute('zebra', '');
table.setAttribute('bordered-columns', '');
table.setAttribute('resizable', '');
table.columns = [CHECK_WIDTH, ...COLUMNS.map((c) => c.width)];
const header = document.createElement('vscode-table-header');
header.slot = 'header';
const body = document.createElement('vscode-table-body');
body.slot = 'body';
table.append(header, body);
const emptyMessage = h('div', { class: 'empty' });
const historyLine = h('div', { class: 'history-line', attrs: { role: 'status' } });

const headerCheck = checkbox('', false, 'check-all');
headerCheck.setAttribute('aria-label', 'Select all listed executions');
const headerCheckCell = document.createElement('vscode-table-header-cell');
headerCheckCell.append(headerCheck);
header.append(headerCheckCell);
const headerCells = new Map<ColumnId, HTMLElement>();
for (const c of COLUMNS) {
  const cell = document.createElement('vscode-table-header-cell');
  cell.className = 'sortable';
  cell.dataset.column = c.id;
  cell.setAttribute('role', 'columnheader');
  cell.tabIndex = 0;
  cell.title = `Sort by ${c.label}`;
  cell.append(h('span', { class: 'label', text: c.label }), h('span', { class: 'sort-mark' }));
  cell.addEventListener('click', () => sortBy(c.id));
  cell.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      sortBy(c.id);
    }
  });
  headerCells.set(c.id, cell);
  header.append(cell);
}

const listPane = h('div', { class: 'list-pane' }, toolbar, h('div', { class: 'table-wrap' }, table, emptyMessage, historyLine, history.loadMore));
const detailsPane = h('div', { class: 'details-pane', attrs: { 'aria-label': 'Execution details' } });
const split = document.createElement('vscode-split-layout');
split.setAttribute('split', 'horizontal');
split.setAttribute('initial-handle-position', '62%');
split.className = 'split';
listPane.slot = 'start';
detailsPane.slot = 'end';
split.append(listPane, detailsPane);

app.append(h('header', { class: 'page-header' }, title, subtitle, feedBadge), split);

function checkbox(label: string, checked: boolean, name: string): VscodeCheckbox {
  const box = document.createElement('vscode-checkbox') as VscodeCheckbox;
  if (label) box.label = label;
  box.checked = checked;
  box.name = name;
  return box;
}

// ---- events ----------------------------------------------------------------------------------------

filterField.addEventListener('input', () => {
  view.filter = filterField.value;
  saveState();
  scheduleRender();
});
groupBox.addEventListener('change', () => {
  view.groupByFlow = groupBox.checked;
  saveState();
  scheduleRender();
});
finishedBox.addEventListener('change', () => {
  view.showFinished = finishedBox.checked;
  saveState();
  scheduleRender();
  loadHistory();
});
const onHistoryFilter = () => {
  view.status = history.status.value as ExecutionsViewState['status'];
  view.since = history.since.value as ExecutionsViewState['since'];
  view.flow = history.flow.value;
  saveState();
  scheduleRender();
  loadHistory();
};
for (const control of [history.status, history.since, history.flow]) control.addEventListener('change', onHistoryFilter);
history.loadMore.addEventListener('click', () => loadHistory(historyNext));

/** With "Show finished": the first page of the gateway's history under the filters, or the page after `after`. */
function loadHistory(after?: string): void {
  historyNext = undefined;
  historyError = undefined;
  if (!view.showFinished) {
    historyRequest = 0;
    scheduleRender();
    return;
  }
  historyRequest = nextRequestId++;
  channel.post({ type: 'loadHistory', requestId: historyRequest, query: historyQuery(view, after) });
  scheduleRender();
}
headerCheck.addEventListener('change', () => {
  const visible = lastVisible.filter((r) => !isFinishedStatus(r.status)).map((r) => r.id);
  const set = new Set(view.checked);
  for (const id of visible) {
    if (headerCheck.checked) set.add(id);
    else set.delete(id);
  }
  view.checked = [...set];
  saveState();
  scheduleRender();
});
refreshButton.addEventListener('click', () => channel.post({ type: 'refresh' }));
stopButton.addEventListener('click', () => {
  const ids = stoppable();
  if (ids.length === 0) return;
  const requestId = nextRequestId++;
  stopping.add(requestId);
  stopButton.disabled = true;
  channel.post({ type: 'stop', requestId, ids });
});

function sortBy(column: ColumnId): void {
  view.sort = view.sort.column === column ? { column, descending: !view.sort.descending } : { column, descending: column === 'startedAt' || column === 'duration' };
  saveState();
  scheduleRender();
}

/** Checked executions that can still be stopped. */
function stoppable(): string[] {
  return view.checked.filter((id) => {
    const r = rows.get(id);
    return !!r && !isFinishedStatus(r.status);
  });
}

function select(id: string | null): void {
  if (view.selected === id) return;
  view.selected = id;
  detail = undefined;
  detailError = undefined;
  saveState();
  scheduleRender();
  requestDetails();
}

function requestDetails(): void {
  if (!view.selected) {
    renderDetails();
    return;
  }
  detailsRequest = nextRequestId++;
  channel.post({ type: 'getDetails', requestId: detailsRequest, id: view.selected });
  renderDetails();
}

// ---- messages --------------------------------------------------------------------------------------

channel.onMessage((message) => {
  switch (message.type) {
    case 'snapshot': {
      clockOffset = Date.now() - message.now;
      scope = message.scope;
      feed = message.feed;
      rows.clear();
      for (const r of message.executions) rows.set(r.id, r);
      loaded = true;
      renderHeader();
      scheduleRender();
      if (view.selected && !detail) requestDetails();
      loadHistory();
      return;
    }
    case 'changed': {
      clockOffset = Date.now() - message.now;
      let selectedChanged = false;
      for (const r of message.executions) {
        const old = rows.get(r.id);
        rows.set(r.id, r);
        if (r.id === view.selected && old?.status !== r.status) selectedChanged = true;
      }
      scheduleRender();
      if (selectedChanged) requestDetails();
      return;
    }
    case 'history':
      if (message.requestId !== historyRequest) return;
      historyRequest = 0;
      for (const r of message.executions) rows.set(r.id, r);
      historyNext = message.next;
      historyError = message.error;
      scheduleRender();
      return;
    case 'feed':
      feed = message.feed;
      renderFeed();
      return;
    case 'details':
      if (message.requestId !== detailsRequest || message.id !== view.selected) return;
      detail = message.detail;
      detailError = message.error;
      renderDetails();
      return;
    case 'stopped': {
      stopping.delete(message.requestId);
      for (const r of message.executions) rows.set(r.id, r);
      if (!message.error) {
        const done = new Set(message.executions.filter((r) => r.status !== 'Running').map((r) => r.id));
        view.checked = view.checked.filter((id) => !done.has(id) && !message.notFound.includes(id));
        saveState();
      }
      scheduleRender();
      if (view.selected && message.executions.some((r) => r.id === view.selected)) requestDetails();
      return;
    }
  }
});

// ---- rendering -------------------------------------------------------------------------------------

interface VisibleRow {
  kind: 'execution';
  row: ExecutionRow;
  depth: number;
  hasChildren: boolean;
}
interface GroupRow {
  kind: 'group';
  flow: string;
  count: number;
  running: number;
}
let lastVisible: ExecutionRow[] = [];
let renderQueued = false;

function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function matchesFilter(r: ExecutionRow, needle: string): boolean {
  if (!needle) return true;
  return COLUMNS.some((c) => c.text(r).toLowerCase().includes(needle)) || r.packageName.toLowerCase().includes(needle);
}

function compare(a: ExecutionRow, b: ExecutionRow): number {
  const column = COLUMNS.find((c) => c.id === view.sort.column) ?? COLUMNS[4];
  const x = column.sortValue(a);
  const y = column.sortValue(b);
  const order = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return view.sort.descending ? -order : order;
}

/** The rows to show, in order: groups (when grouping), parents followed by their children. */
function visibleRows(): (VisibleRow | GroupRow)[] {
  const needle = view.filter.trim().toLowerCase();
  const all = [...rows.values()];
  const children = new Map<string, ExecutionRow[]>();
  const roots: ExecutionRow[] = [];
  for (const r of all) {
    if (r.parentId && rows.has(r.parentId) && r.parentId !== r.id) {
      const list = children.get(r.parentId) ?? [];
      list.push(r);
      children.set(r.parentId, list);
    } else roots.push(r);
  }
  // Shown: passes the finished switch and the filter, or has a shown descendant (kept for context).
  const shown = new Map<string, boolean>();
  const isShown = (r: ExecutionRow, seen = new Set<string>()): boolean => {
    const known = shown.get(r.id);
    if (known !== undefined) return known;
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    const self = (view.showFinished || !isFinishedStatus(r.status)) && passesHistoryFilters(r, view) && matchesFilter(r, needle);
    const kids = (children.get(r.id) ?? []).map((c) => isShown(c, seen)).some(Boolean);
    const value = self || kids;
    shown.set(r.id, value);
    return value;
  };
  const collapsed = new Set(view.collapsed);
  const out: (VisibleRow | GroupRow)[] = [];
  const walk = (r: ExecutionRow, depth: number, seen: Set<string>) => {
    if (seen.has(r.id) || !isShown(r)) return;
    seen.add(r.id);
    const kids = (children.get(r.id) ?? []).filter((c) => isShown(c)).sort(compare);
    out.push({ kind: 'execution', row: r, depth, hasChildren: kids.length > 0 });
    if (collapsed.has(r.id)) return;
    for (const k of kids) walk(k, depth + 1, seen);
  };
  const sortedRoots = roots.filter((r) => isShown(r)).sort(compare);
  const seen = new Set<string>();
  if (view.groupByFlow) {
    const groups = new Map<string, ExecutionRow[]>();
    for (const r of sortedRoots) {
      const list = groups.get(r.flow) ?? [];
      list.push(r);
      groups.set(r.flow, list);
    }
    for (const flow of [...groups.keys()].sort((a, b) => a.localeCompare(b))) {
      const list = groups.get(flow)!;
      out.push({ kind: 'group', flow, count: list.length, running: list.filter((r) => !isFinishedStatus(r.status)).length });
      if (collapsed.has(`group:${flow}`)) continue;
      for (const r of list) walk(r, 1, seen);
    }
  } else {
    for (const r of sortedRoots) walk(r, 0, seen);
  }
  return out;
}

function render(): void {
  const list = visibleRows();
  lastVisible = list.filter((v): v is VisibleRow => v.kind === 'execution').map((v) => v.row);
  const checked = new Set(view.checked);
  const fragment = document.createDocumentFragment();
  for (const item of list) fragment.append(item.kind === 'group' ? groupRow(item) : executionRow(item, checked));
  body.replaceChildren(fragment);
  syncColumnWidths();

  const total = rows.size;
  const running = [...rows.values()].filter((r) => !isFinishedStatus(r.status)).length;
  emptyMessage.hidden = list.length > 0;
  emptyMessage.textContent = !loaded
    ? 'Loading…'
    : total === 0
      ? 'No running executions. Executions that start appear here as they run.'
      : 'No execution matches the filter.';

  for (const c of COLUMNS) {
    const cell = headerCells.get(c.id)!;
    const active = view.sort.column === c.id;
    cell.classList.toggle('sorted', active);
    cell.setAttribute('aria-sort', active ? (view.sort.descending ? 'descending' : 'ascending') : 'none');
    cell.querySelector('.sort-mark')!.textContent = active ? (view.sort.descending ? ' ▼' : ' ▲') : '';
  }
  const visibleStoppable = lastVisible.filter((r) => !isFinishedStatus(r.status));
  headerCheck.checked = visibleStoppable.length > 0 && visibleStoppable.every((r) => checked.has(r.id));
  headerCheck.indeterminate = !headerCheck.checked && visibleStoppable.some((r) => checked.has(r.id));
  headerCheck.disabled = visibleStoppable.length === 0;

  const n = stoppable().length;
  stopButton.textContent = n > 0 ? `Stop (${n})` : 'Stop';
  stopButton.disabled = n === 0 || stopping.size > 0;
  subtitle.textContent = `${running} running · ${total} listed`;
  history.loadMore.hidden = !view.showFinished || historyNext === undefined || historyRequest !== 0;
  historyLine.hidden = !view.showFinished || (historyRequest === 0 && !historyError);
  historyLine.textContent = historyError ? `Could not load past executions: ${historyError}` : 'Loading past executions…';
  renderDetails();
}

function groupRow(g: GroupRow): HTMLElement {
  const row = document.createElement('vscode-table-row');
  row.className = 'group';
  const key = `group:${g.flow}`;
  const collapsed = view.collapsed.includes(key);
  const first = document.createElement('vscode-table-cell');
  const label = document.createElement('vscode-table-cell');
  label.append(twisty(key, collapsed), h('span', { class: 'group-label', text: g.flow }), h('span', { class: 'group-count', text: ` ${g.count} · ${g.running} running` }));
  row.append(first, label);
  for (let i = 1; i < COLUMNS.length; i++) row.append(document.createElement('vscode-table-cell'));
  row.addEventListener('click', () => toggleCollapsed(key));
  return row;
}

function twisty(key: string, collapsed: boolean): HTMLElement {
  const icon = document.createElement('vscode-icon');
  icon.setAttribute('name', collapsed ? 'chevron-right' : 'chevron-down');
  icon.className = 'twisty';
  icon.setAttribute('role', 'button');
  icon.setAttribute('aria-label', collapsed ? 'Expand' : 'Collapse');
  icon.addEventListener('click', (e) => {
    e.stopPropagation();
    toggleCollapsed(key);
  });
  return icon;
}

function toggleCollapsed(key: string): void {
  const set = new Set(view.collapsed);
  if (set.has(key)) set.delete(key);
  else set.add(key);
  view.collapsed = [...set];
  saveState();
  scheduleRender();
}

function executionRow(item: VisibleRow, checked: Set<string>): HTMLElement {
  const r = item.row;
  const row = document.createElement('vscode-table-row');
  row.className = `execution status-${r.status.toLowerCase()}`;
  row.dataset.id = r.id;
  row.setAttribute('aria-selected', String(view.selected === r.id));
  if (view.selected === r.id) row.classList.add('selected');

  const checkCell = document.createElement('vscode-table-cell');
  const box = checkbox('', checked.has(r.id), `check-${r.id}`);
  box.setAttribute('aria-label', `Select ${r.flow} ${r.id}`);
  box.disabled = isFinishedStatus(r.status);
  box.addEventListener('click', (e) => e.stopPropagation());
  box.addEventListener('change', () => {
    const set = new Set(view.checked);
    if (box.checked) set.add(r.id);
    else set.delete(r.id);
    view.checked = [...set];
    saveState();
    scheduleRender();
  });
  checkCell.append(box);
  row.append(checkCell);

  for (const c of COLUMNS) {
    const cell = document.createElement('vscode-table-cell');
    cell.dataset.column = c.id;
    const text = c.text(r);
    cell.title = c.id === 'startedAt' ? formatTime(r.startedAt) : text;
    switch (c.id) {
      case 'flow': {
        const indent = h('span', { class: `indent depth-${Math.min(item.depth, 8)}` });
        const lead = item.hasChildren ? twisty(r.id, view.collapsed.includes(r.id)) : h('span', { class: 'twisty-space' });
        cell.append(indent, lead, h('span', { class: 'flow-name', text }));
        break;
      }
      case 'id':
      case 'parentId':
      case 'rootId':
        if (text) cell.append(idLink(text, select));
        break;
      case 'duration':
        cell.classList.add('duration');
        if (!isFinishedStatus(r.status)) cell.dataset.ticking = r.id;
        cell.textContent = text;
        break;
      case 'status': {
        const icon = document.createElement('vscode-icon');
        icon.setAttribute('name', STATUS_ICON[r.status]);
        if (r.status === 'Running') icon.setAttribute('spin', '');
        cell.append(icon, h('span', { class: 'status-text', text: ` ${r.status}` }));
        break;
      }
      default:
        cell.textContent = text;
    }
    row.append(cell);
  }
  row.addEventListener('click', () => select(r.id));
  return row;
}

/**
 * vscode-table sizes the header cells and the first body row; rows rendered later take the
 * header's widths here, so columns stay aligned after every update and after a column resize.
 */
function syncColumnWidths(): void {
  const widths = Array.from(header.querySelectorAll('vscode-table-header-cell')).map((c) => (c as HTMLElement).style.width);
  if (widths.every((w) => !w)) return;
  const first = body.querySelector('vscode-table-row');
  if (!first) return;
  first.querySelectorAll('vscode-table-cell').forEach((cell, i) => {
    if (widths[i]) (cell as HTMLElement).style.width = widths[i];
  });
}
table.addEventListener('pointerup', () => requestAnimationFrame(syncColumnWidths));
/** vscode-table turns the `columns` percentages into sizes only once it has a width: apply them then. */
let columnsApplied = false;
new ResizeObserver((entries) => {
  const width = entries[entries.length - 1]?.contentRect.width ?? 0;
  requestAnimationFrame(() => {
    if (!columnsApplied && width > 0) {
      columnsApplied = true;
      table.columns = [CHECK_WIDTH, ...COLUMNS.map((c) => c.width)];
    }
    syncColumnWidths();
  });
}).observe(table);

function renderHeader(): void {
  if (!scope) return;
  title.textContent = scope.packageName ? `Running Executions — ${scope.packageName} v${scope.packageVersion}` : `Running Executions — ${scope.gatewayName}`;
  title.title = scope.gatewayUrl;
  renderFeed();
}

function renderFeed(): void {
  feedBadge.className = `feed feed-${feed.state}`;
  feedBadge.replaceChildren();
  const icon = document.createElement('vscode-icon');
  const where = scope ? scope.gatewayName : 'the gateway';
  switch (feed.state) {
    case 'connecting':
      icon.setAttribute('name', 'loading');
      icon.setAttribute('spin', '');
      feedBadge.append(icon, ` Connecting to ${where}…`);
      break;
    case 'connected':
      icon.setAttribute('name', 'circle-filled');
      feedBadge.append(icon, ' Live');
      feedBadge.title = `Receiving changes from ${scope?.gatewayUrl ?? 'the gateway'} since ${formatTime(feed.since)}`;
      break;
    case 'disconnected': {
      const seconds = Math.max(0, Math.ceil((Date.parse(feed.retryAt) - Date.now()) / 1000));
      icon.setAttribute('name', 'debug-disconnect');
      feedBadge.append(icon, ` Disconnected — retrying${seconds > 0 ? ` in ${seconds}s` : '…'} (attempt ${feed.attempt})`);
      feedBadge.title = feed.error;
      break;
    }
  }
}

function json(value: unknown): HTMLElement {
  return h('pre', { class: 'json', text: JSON.stringify(value, null, 2) });
}

function section(heading: string, content: HTMLElement, open = true, description = ''): HTMLElement {
  const c = document.createElement('vscode-collapsible');
  c.setAttribute('heading', heading);
  if (description) c.setAttribute('description', description);
  if (open) c.setAttribute('open', '');
  const wrap = h('div', { class: 'section-body' }, content);
  c.append(wrap);
  return c;
}

let renderedDetailsKey = '';

function renderDetails(): void {
  const r = view.selected ? rows.get(view.selected) : undefined;
  const key = `${view.selected}|${r?.status}|${detail ? `${detail.id}:${detail.status}:${detail.log.length}` : ''}|${detailError ?? ''}`;
  if (key === renderedDetailsKey) {
    // Only the duration moves.
    const d = detailsPane.querySelector<HTMLElement>('[data-ticking]');
    if (d && r) d.textContent = formatDuration(durationOf(r));
    return;
  }
  renderedDetailsKey = key;
  detailsPane.replaceChildren();
  if (!view.selected) {
    detailsPane.append(h('div', { class: 'empty', text: 'Select an execution to see its inputs, outputs, error and log.' }));
    return;
  }
  const head = h('div', { class: 'details-head' });
  const status = r?.status ?? detail?.status;
  if (status) {
    const icon = document.createElement('vscode-icon');
    icon.setAttribute('name', STATUS_ICON[status]);
    if (status === 'Running') icon.setAttribute('spin', '');
    head.append(icon);
  }
  head.append(
    h('strong', { text: ` ${r?.flow ?? detail?.flow ?? ''}` }),
    h('span', { class: 'muted', text: ` ${status ?? ''} · ` }),
    h('span', { class: 'mono', text: view.selected }),
  );
  if (r) {
    const dur = h('span', { class: 'muted', text: formatDuration(durationOf(r)) });
    if (!isFinishedStatus(r.status)) dur.dataset.ticking = r.id;
    head.append(h('span', { class: 'muted', text: ' · ' }), dur);
  }
  detailsPane.append(head);
  if (detailError) {
    detailsPane.append(h('div', { class: 'error-text', text: `Could not load the details: ${detailError}` }));
    return;
  }
  if (!detail) {
    detailsPane.append(h('div', { class: 'muted', text: 'Loading details…' }));
    return;
  }
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', { text: 'Package' }),
    h('dd', { text: `${detail.packageName} v${detail.packageVersion}` }),
    h('dt', { text: 'Parent' }),
    h('dd', {}, detail.parentId ? idLink(detail.parentId, select, false) : '—'),
    h('dt', { text: 'Root' }),
    h('dd', {}, idLink(detail.rootId, select, false)),
    h('dt', { text: 'Initiator' }),
    h('dd', { text: initiatorText(detail.initiator) }),
    h('dt', { text: 'Executing on' }),
    h('dd', { text: detail.executingOn }),
    h('dt', { text: 'Started' }),
    h('dd', { text: formatTime(detail.startedAt) }),
    h('dt', { text: 'Ended' }),
    h('dd', { text: detail.endedAt ? formatTime(detail.endedAt) : '—' }),
    h('dt', { text: 'Children' }),
    h('dd', {}, ...(detail.children.length ? detail.children.flatMap((c, i) => [i ? ', ' : '', idLink(c.id, select), ` ${c.flow} (${c.status})`]) : ['—'])),
  );
  detailsPane.append(h('div', { class: 'details-body' },
    facts,
    section('Inputs', json(detail.inputs), true),
    section('Outputs', detail.outputs ? json(detail.outputs) : h('div', { class: 'muted', text: isFinishedStatus(detail.status) ? 'No outputs.' : 'Not ended yet.' }), true),
    section('Error', detail.error ? h('div', { class: 'error-text', text: `${detail.error.code}: ${detail.error.message}${detail.error.step ? ` (at ${detail.error.step})` : ''}` }) : h('div', { class: 'muted', text: 'No error.' }), !!detail.error),
    section('Log', logView(detail), true, `${detail.log.length} entr${detail.log.length === 1 ? 'y' : 'ies'}`),
  ));
}

function logView(d: ExecutionDetail): HTMLElement {
  if (d.log.length === 0) return h('div', { class: 'muted', text: 'No log entries.' });
  const list = h('div', { class: 'log' });
  for (const e of d.log) {
    list.append(
      h(
        'div',
        { class: `log-line level-${e.level}` },
        h('span', { class: 'log-time', text: formatTime(e.at).slice(11) }),
        h('span', { class: 'log-level', text: e.level.toUpperCase() }),
        e.step ? h('span', { class: 'log-step', text: `[${e.step}]` }) : null,
        h('span', { class: 'log-message', text: e.message }),
      ),
    );
  }
  return list;
}

// ---- the clock -------------------------------------------------------------------------------------

setInterval(() => {
  for (const cell of Array.from(body.querySelectorAll<HTMLElement>('[data-ticking]'))) {
    const r = rows.get(cell.dataset.ticking!);
    if (r) cell.textContent = formatDuration(durationOf(r));
  }
  const d = detailsPane.querySelector<HTMLElement>('[data-ticking]');
  const r = d ? rows.get(d.dataset.ticking!) : undefined;
  if (d && r) d.textContent = formatDuration(durationOf(r));
  if (feed.state === 'disconnected') renderFeed();
}, 1000);

// While the selected execution runs, its log grows: read it again every few seconds.
setInterval(() => {
  const r = view.selected ? rows.get(view.selected) : undefined;
  if (r && !isFinishedStatus(r.status) && document.visibilityState === 'visible') {
    detailsRequest = nextRequestId++;
    channel.post({ type: 'getDetails', requestId: detailsRequest, id: r.id });
  }
}, 3000);

render();
renderFeed();
channel.post({ type: 'ready' });
