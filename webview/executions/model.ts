/**
 * The Running Executions page's list model (no DOM): its columns, the UI state's defaults, the
 * rows to show in order (filters, sort, parents before their children, groups by flow) and how
 * long an execution has run.
 */
import { formatDuration, formatWhen } from '../kit/format';
import {
  initiatorText,
  isFinishedStatus,
  type ColumnId,
  type ExecutionRow,
  type ExecutionsViewState,
} from '../protocol/executions';
import { passesHistoryFilters } from './history';

export const DEFAULT_VIEW: ExecutionsViewState = {
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
  focusSeq: 0,
};

/** The saved UI state (what `getState` gave, perhaps of an older page) over the defaults. */
export function restoreView(saved: Partial<ExecutionsViewState> | undefined): ExecutionsViewState {
  const v = { ...DEFAULT_VIEW, ...(saved && typeof saved === 'object' ? saved : {}) };
  const strings = (list: unknown) => (Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  return {
    ...v,
    filter: typeof v.filter === 'string' ? v.filter : '',
    flow: typeof v.flow === 'string' ? v.flow : '',
    checked: strings(v.checked),
    collapsed: strings(v.collapsed),
    selected: typeof v.selected === 'string' ? v.selected : null,
    focusSeq: typeof v.focusSeq === 'number' ? v.focusSeq : 0,
    sort: v.sort && typeof v.sort === 'object' && COLUMNS.some((c) => c.id === v.sort.column) ? v.sort : DEFAULT_VIEW.sort,
  };
}

/**
 * How long an execution has run: a finished one's duration, a running one's measured duration
 * plus the time since the extension measured it. `offset` is webview clock − extension clock.
 */
export function durationOf(r: ExecutionRow, offset: number, now = Date.now()): number {
  if (isFinishedStatus(r.status)) return r.durationMs;
  return r.durationMs + Math.max(0, now - offset - r.receivedAt);
}

export interface Column {
  id: ColumnId;
  label: string;
  /** The text the filter matches (and a cell shows, unless the table draws more). */
  text(r: ExecutionRow, offset: number): string;
  sortValue(r: ExecutionRow, offset: number): string | number;
}

export const COLUMNS: Column[] = [
  { id: 'flow', label: 'Flow', text: (r) => r.flow, sortValue: (r) => r.flow.toLowerCase() },
  { id: 'id', label: 'Execution ID', text: (r) => r.id, sortValue: (r) => r.id },
  { id: 'parentId', label: 'Parent ID', text: (r) => r.parentId ?? '', sortValue: (r) => r.parentId ?? '' },
  { id: 'rootId', label: 'Root ID', text: (r) => r.rootId, sortValue: (r) => r.rootId },
  { id: 'startedAt', label: 'Started', text: (r) => formatWhen(r.startedAt), sortValue: (r) => r.startedAt },
  { id: 'duration', label: 'Duration', text: (r, o) => formatDuration(durationOf(r, o)), sortValue: (r, o) => durationOf(r, o) },
  { id: 'executingOn', label: 'Executing On', text: (r) => r.executingOn, sortValue: (r) => r.executingOn.toLowerCase() },
  { id: 'initiator', label: 'Initiator', text: (r) => initiatorText(r.initiator), sortValue: (r) => initiatorText(r.initiator).toLowerCase() },
  { id: 'status', label: 'Status', text: (r) => r.status, sortValue: (r) => r.status },
];

/** The sort a click on a column header gives: the other direction of the same column, else the column's natural one. */
export function nextSort(current: ExecutionsViewState['sort'], column: ColumnId): ExecutionsViewState['sort'] {
  if (current.column === column) return { column, descending: !current.descending };
  return { column, descending: column === 'startedAt' || column === 'duration' };
}

export const STATUS_ICON: Record<ExecutionRow['status'], string> = {
  Running: 'loading',
  Stopping: 'debug-pause',
  Stopped: 'debug-stop',
  Ended: 'pass',
  Error: 'error',
};

export interface ExecutionItem {
  kind: 'execution';
  row: ExecutionRow;
  depth: number;
  hasChildren: boolean;
}

export interface GroupItem {
  kind: 'group';
  flow: string;
  count: number;
  running: number;
}

export type ListItem = ExecutionItem | GroupItem;

function matchesFilter(r: ExecutionRow, needle: string, offset: number): boolean {
  if (!needle) return true;
  return COLUMNS.some((c) => c.text(r, offset).toLowerCase().includes(needle)) || r.packageName.toLowerCase().includes(needle);
}

/** The rows to show, in order: groups (when grouping), parents followed by their children. */
export function visibleItems(rows: ReadonlyMap<string, ExecutionRow>, view: ExecutionsViewState, offset: number): ListItem[] {
  const needle = view.filter.trim().toLowerCase();
  const column = COLUMNS.find((c) => c.id === view.sort.column) ?? COLUMNS[4];
  const compare = (a: ExecutionRow, b: ExecutionRow): number => {
    const x = column.sortValue(a, offset);
    const y = column.sortValue(b, offset);
    const order = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return view.sort.descending ? -order : order;
  };
  const children = new Map<string, ExecutionRow[]>();
  const roots: ExecutionRow[] = [];
  for (const r of rows.values()) {
    if (r.parentId && rows.has(r.parentId) && r.parentId !== r.id) {
      const list = children.get(r.parentId) ?? [];
      list.push(r);
      children.set(r.parentId, list);
    } else roots.push(r);
  }
  // Shown: passes the finished switch and the filters, or has a shown descendant (kept for context).
  const shown = new Map<string, boolean>();
  const isShown = (r: ExecutionRow, seen = new Set<string>()): boolean => {
    const known = shown.get(r.id);
    if (known !== undefined) return known;
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    const self = (view.showFinished || !isFinishedStatus(r.status)) && passesHistoryFilters(r, view) && matchesFilter(r, needle, offset);
    const kids = (children.get(r.id) ?? []).map((c) => isShown(c, seen)).some(Boolean);
    shown.set(r.id, self || kids);
    return self || kids;
  };
  const collapsed = new Set(view.collapsed);
  const out: ListItem[] = [];
  const seen = new Set<string>();
  const walk = (r: ExecutionRow, depth: number) => {
    if (seen.has(r.id) || !isShown(r)) return;
    seen.add(r.id);
    const kids = (children.get(r.id) ?? []).filter((c) => isShown(c)).sort(compare);
    out.push({ kind: 'execution', row: r, depth, hasChildren: kids.length > 0 });
    if (collapsed.has(r.id)) return;
    for (const k of kids) walk(k, depth + 1);
  };
  const sortedRoots = roots.filter((r) => isShown(r)).sort(compare);
  if (!view.groupByFlow) {
    for (const r of sortedRoots) walk(r, 0);
    return out;
  }
  const groups = new Map<string, ExecutionRow[]>();
  for (const r of sortedRoots) groups.set(r.flow, [...(groups.get(r.flow) ?? []), r]);
  for (const flow of [...groups.keys()].sort((a, b) => a.localeCompare(b))) {
    const list = groups.get(flow)!;
    out.push({ kind: 'group', flow, count: list.length, running: list.filter((r) => !isFinishedStatus(r.status)).length });
    if (collapsed.has(`group:${flow}`)) continue;
    for (const r of list) walk(r, 1);
  }
  return out;
}

/** Checked executions that can still be stopped. */
export function stoppable(view: ExecutionsViewState, rows: ReadonlyMap<string, ExecutionRow>): string[] {
  return view.checked.filter((id) => {
    const r = rows.get(id);
    return !!r && !isFinishedStatus(r.status);
  });
}
