/**
 * `<fg-executions-table>`: the list of executions — a parent's children under it (indented,
 * collapsible), optional groups by flow, sortable columns, a checkbox per unfinished execution and
 * its own Stop. Rows are reachable with Tab: Enter shows a row's details, Space checks it, the
 * arrow keys move between rows (Right/Left open and close a parent). Below 640 px each row is a
 * stacked card whose cells carry their column's name.
 *
 * It draws what it is given (`items`, `view`) and tells the page with events: `row-select` (id),
 * `row-check` ({ id, checked }), `check-all` (boolean), `toggle-collapsed` (key), `sort` (column),
 * `stop-row` (id); its execution links fire the kit's `open-execution`.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '../kit/executionLink';
import './duration';
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { PageElement } from '../kit/element';
import { formatTime, shortId } from '../kit/format';
import { button, icon } from '../kit/parts';
import { isFinishedStatus, type ExecutionRow, type ExecutionSummary, type ExecutionsViewState } from '../protocol/executions';
import { COLUMNS, STATUS_ICON, type Column, type ExecutionItem, type GroupItem, type ListItem } from './model';

/** An execution link (the kit's), or a dash for none. */
export function idLink(id: string | null | undefined, full = false): TemplateResult | string {
  return id ? html`<fg-execution-link execution-id=${id} ?full=${full}></fg-execution-link>` : '—';
}

/** Who started an execution; a parent execution as its link. */
export function initiator(i: ExecutionSummary['initiator']): TemplateResult {
  return i.type === 'flow' ? html`flow ${idLink(i.executionId)}` : i.type === 'anonymous' ? html`anonymous` : html`${i.type} ${i.name}`;
}

/** A status with its icon (spinning while it runs). */
export function statusTemplate(status: ExecutionRow['status']): TemplateResult {
  return html`${icon(STATUS_ICON[status], status === 'Running' ? 'spinning' : '')} <span class="status-text">${status}</span>`;
}

/** "execution 1a2b3c4d of 'flow'": how a row's controls name their row. */
function rowName(r: ExecutionRow): string {
  return `execution ${shortId(r.id)} of '${r.flow}'`;
}

export class FgExecutionsTable extends PageElement {
  static override properties = {
    items: { attribute: false },
    view: { attribute: false },
    offset: { type: Number },
    emptyText: { type: String, attribute: 'empty-text' },
    stopping: { type: Boolean },
  };

  declare items: ListItem[];
  declare view: ExecutionsViewState;
  declare offset: number;
  /** What an empty list says (loading, nothing runs, nothing matches). */
  declare emptyText: string;
  /** A stop is under way: row Stop buttons wait. */
  declare stopping: boolean;

  constructor() {
    super();
    this.items = [];
    this.view = {} as ExecutionsViewState;
    this.offset = 0;
    this.emptyText = '';
    this.stopping = false;
  }

  /** Focuses an execution's row (after it was opened from elsewhere). */
  focusRow(id: string): void {
    const row = this.querySelector<HTMLElement>(`tr.execution[data-id="${CSS.escape(id)}"]`);
    row?.scrollIntoView({ block: 'nearest' });
  }

  private header(c: Column): TemplateResult {
    const active = this.view.sort.column === c.id;
    const order = active ? (this.view.sort.descending ? 'descending' : 'ascending') : 'none';
    return html`<th scope="col" data-column=${c.id} class="sortable ${active ? 'sorted' : ''}" aria-sort=${order}>
      <button type="button" class="sort" title=${`Sort by ${c.label}`} @click=${() => this.emit('sort', c.id)}>
        <span class="label">${c.label}</span><span class="sort-mark" aria-hidden="true">${active ? (this.view.sort.descending ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>`;
  }

  private twisty(key: string, what: string): TemplateResult {
    const collapsed = this.view.collapsed.includes(key);
    return html`<button
      type="button"
      class="twisty"
      aria-expanded=${String(!collapsed)}
      aria-label=${`${collapsed ? 'Expand' : 'Collapse'} ${what}`}
      @click=${(e: Event) => {
        e.stopPropagation();
        this.emit('toggle-collapsed', key);
      }}
    >${icon(collapsed ? 'chevron-right' : 'chevron-down')}</button>`;
  }

  private groupRow(g: GroupItem): TemplateResult {
    const key = `group:${g.flow}`;
    return html`<tr class="group" data-flow=${g.flow} @click=${() => this.emit('toggle-collapsed', key)}>
      <td colspan=${COLUMNS.length + 2}>
        ${this.twisty(key, `the executions of '${g.flow}'`)}<span class="group-label">${g.flow}</span>
        <span class="group-count">${g.count} · ${g.running} running</span>
      </td>
    </tr>`;
  }

  private onRowKey(e: KeyboardEvent, item: ExecutionItem, checked: boolean): void {
    if (e.target !== e.currentTarget) return;
    const r = item.row;
    const row = e.currentTarget as HTMLElement;
    const move = (to: Element | null | undefined) => {
      if (to instanceof HTMLElement) to.focus();
    };
    const rows = () => Array.from(this.querySelectorAll<HTMLElement>('tr.execution'));
    switch (e.key) {
      case 'Enter':
        this.emit('row-select', r.id);
        break;
      case ' ':
        if (!isFinishedStatus(r.status)) this.emit('row-check', { id: r.id, checked: !checked });
        break;
      case 'ArrowDown':
        move(rows()[rows().indexOf(row) + 1]);
        break;
      case 'ArrowUp':
        move(rows()[rows().indexOf(row) - 1]);
        break;
      case 'Home':
        move(rows()[0]);
        break;
      case 'End':
        move(rows().at(-1));
        break;
      case 'ArrowRight':
      case 'ArrowLeft':
        if (!item.hasChildren || this.view.collapsed.includes(r.id) === (e.key === 'ArrowLeft')) return;
        this.emit('toggle-collapsed', r.id);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  private executionRow(item: ExecutionItem, checkedIds: Set<string>): TemplateResult {
    const r = item.row;
    const selected = this.view.selected === r.id;
    const checked = checkedIds.has(r.id);
    const finished = isFinishedStatus(r.status);
    const name = rowName(r);
    return html`<tr
      class="execution status-${r.status.toLowerCase()} ${selected ? 'selected' : ''}"
      data-id=${r.id}
      tabindex="0"
      aria-current=${selected ? 'true' : nothing}
      aria-label=${`${r.flow}, ${r.status}, execution ${shortId(r.id)}${finished ? '' : '. Space: check to stop'}. Enter: details`}
      @click=${() => this.emit('row-select', r.id)}
      @keydown=${(e: KeyboardEvent) => this.onRowKey(e, item, checked)}
    >
      <td class="check">
        <vscode-checkbox
          aria-label=${`Check ${name} to stop`}
          .checked=${checked}
          ?disabled=${finished}
          @click=${(e: Event) => e.stopPropagation()}
          @change=${(e: Event) => this.emit('row-check', { id: r.id, checked: (e.target as HTMLInputElement).checked })}
        ></vscode-checkbox>
      </td>
      <td data-column="flow" data-label="Flow">
        <span class="indent depth-${Math.min(item.depth, 8)}"></span>${item.hasChildren ? this.twisty(r.id, `the children of ${name}`) : html`<span class="twisty-space"></span>`}<span class="flow-name">${r.flow}</span>${r.draft
          ? html`<span class="draft-badge" title="A draft run: the workspace files as they were in the editor, not a published version">draft</span>`
          : ''}
      </td>
      <td data-column="id" data-label="Execution ID">${idLink(r.id)}</td>
      <td data-column="parentId" data-label="Parent ID">${idLink(r.parentId)}</td>
      <td data-column="rootId" data-label="Root ID">${idLink(r.rootId)}</td>
      <td data-column="startedAt" data-label="Started" title=${formatTime(r.startedAt)}>${COLUMNS[4].text(r, this.offset)}</td>
      <td data-column="duration" data-label="Duration" class="duration"><fg-duration .row=${r} offset=${this.offset}></fg-duration></td>
      <td data-column="executingOn" data-label="Executing On">${r.executingOn}</td>
      <td data-column="initiator" data-label="Initiator">${initiator(r.initiator)}</td>
      <td data-column="status" data-label="Status">${statusTemplate(r.status)}</td>
      <td class="actions">
        ${finished
          ? nothing
          : button('Stop', (e) => (e.stopPropagation(), this.emit('stop-row', r.id)), {
              icon: 'debug-stop',
              secondary: true,
              cls: 'stop-row',
              disabled: this.stopping || r.status === 'Stopping',
              ariaLabel: `Stop ${name}`,
              title: 'Stop this execution and its children',
            })}
      </td>
    </tr>`;
  }

  protected override render(): TemplateResult {
    const checkedIds = new Set(this.view.checked);
    const listed = this.items.filter((i): i is ExecutionItem => i.kind === 'execution').filter((i) => !isFinishedStatus(i.row.status));
    const all = listed.length > 0 && listed.every((i) => checkedIds.has(i.row.id));
    const some = !all && listed.some((i) => checkedIds.has(i.row.id));
    return html`<table class="executions">
        <thead>
          <tr>
            <th scope="col" class="check">
              <vscode-checkbox
                name="check-all"
                aria-label="Check every listed execution to stop"
                .checked=${all}
                .indeterminate=${some}
                ?disabled=${listed.length === 0}
                @change=${(e: Event) => this.emit('check-all', (e.target as HTMLInputElement).checked)}
              ></vscode-checkbox>
            </th>
            ${COLUMNS.map((c) => this.header(c))}
            <th scope="col" class="actions"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this.items,
            (i) => (i.kind === 'group' ? `group:${i.flow}` : i.row.id),
            (i) => (i.kind === 'group' ? this.groupRow(i) : this.executionRow(i, checkedIds)),
          )}
        </tbody>
      </table>
      ${this.items.length ? nothing : html`<div class="empty">${this.emptyText}</div>`}`;
  }
}
customElements.define('fg-executions-table', FgExecutionsTable);

declare global {
  interface HTMLElementTagNameMap {
    'fg-executions-table': FgExecutionsTable;
  }
}
