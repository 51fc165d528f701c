/**
 * The Schedules page of a package version: its schedules (enable/disable, run now, edit, delete)
 * and a form with live validation of the cron expression (its meaning in words, the next five runs
 * in the chosen time zone, notes). Everything comes from the extension through the typed messages
 * of webview/protocol/schedules.ts; the page never talks to a gateway itself.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  DEFAULT_TIMEZONE,
  lastFiring,
  type CronPreviewResponse,
  type ExtensionToWebview,
  type ApiErrorDetail,
  type FlowSignature,
  type RowAction,
  type ScheduleBody,
  type ScheduleFormState,
  type ScheduleResponse,
  type SchedulesScope,
  type SchedulesViewState,
  type VersionInfo,
  type WebviewToExtension,
} from '../protocol/schedules';
import { h, hostChannel } from '../shared/host';
import './schedules.css';
import { formatWallTime, wallTime } from '../../src/core/schedules/timezone';
import { inputTextFromValue, inputValueFromText } from '../../src/core/model/inputText';

const channel = hostChannel<ExtensionToWebview, WebviewToExtension, SchedulesViewState>();

// ---- state -----------------------------------------------------------------------------------------

const restored = channel.getState();
const view: SchedulesViewState = { form: restored?.form ?? null, started: restored?.started ?? {} };
let scope: SchedulesScope | undefined;
let version: VersionInfo | undefined;
let schedules: ScheduleResponse[] = [];
let loadError: string | undefined;
let loaded = false;
let nextRequestId = 1;
let previewRequest = 0;
let saveRequest = 0;
const pendingActions = new Map<number, { action: RowAction; id: string }>();
let confirmingDelete: string | null = null;
/** The last message about an action: `{kind, text}`, shown above the list. */
let status: { kind: 'info' | 'error'; text: string } | undefined;

function saveState(): void {
  channel.setState(view);
}

function post(message: WebviewToExtension): void {
  channel.post(message);
}

// ---- formatting ------------------------------------------------------------------------------------

/** An instant as wall-clock time in a zone: `2025-06-02 02:30:00` (core's formatting). */
function wallClock(iso: string, zone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return formatWallTime(wallTime(d, zone));
  } catch {
    return `${formatWallTime(wallTime(d, 'UTC'))} UTC`;
  }
}

function timeZones(): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  const set = new Set(zones);
  set.delete(DEFAULT_TIMEZONE);
  return [DEFAULT_TIMEZONE, ...[...set].sort()];
}
const ZONES = timeZones();

function icon(name: string, extra = ''): HTMLElement {
  const i = document.createElement('vscode-icon');
  i.setAttribute('name', name);
  if (extra) i.className = extra;
  return i;
}

function emptyIcon(): HTMLElement {
  const i = icon('calendar', 'empty-icon');
  i.setAttribute('size', '32');
  return i;
}

function button(label: string, iconName: string, opts: { secondary?: boolean; className?: string; title?: string } = {}): VscodeButton {
  const b = document.createElement('vscode-button') as VscodeButton;
  b.textContent = label;
  if (iconName) b.icon = iconName;
  if (opts.secondary) b.secondary = true;
  if (opts.className) b.className = opts.className;
  if (opts.title) b.title = opts.title;
  return b;
}

function textValue(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// ---- layout ----------------------------------------------------------------------------------------

const app = document.getElementById('app')!;
const title = h('h1', { class: 'title', text: 'Schedules' });
const subtitle = h('span', { class: 'subtitle', text: document.body.dataset.package ? `${document.body.dataset.package} v${document.body.dataset.version}` : '' });
const publishedBadge = h('span', { class: 'pub-badge' });
const progress = document.createElement('vscode-progress-bar');
progress.className = 'progress';
progress.hidden = true;
const unpublishedNote = h(
  'div',
  { class: 'banner warning unpublished', attrs: { role: 'note' } },
  icon('warning'),
  h('span', { text: 'This version is not published: schedules fire only while the version is published (and Run Now needs it published). Publish it from the Gateways view.' }),
);
unpublishedNote.hidden = true;
const errorBanner = h('div', { class: 'banner error load-error', attrs: { role: 'alert' } });
errorBanner.hidden = true;
const statusLine = h('div', { class: 'banner status', attrs: { role: 'status', 'aria-live': 'polite' } });
statusLine.hidden = true;

const newButton = button('New Schedule', 'add', { className: 'new-schedule' });
const reloadButton = button('Reload', 'refresh', { secondary: true, className: 'reload', title: 'Read the schedules again from the gateway' });
const toolbar = h('div', { class: 'toolbar' }, newButton, reloadButton, h('span', { class: 'spacer' }), h('span', { class: 'muted loaded-at' }));

const listHost = h('div', { class: 'list' });
const formHost = h('section', { class: 'form-host', attrs: { 'aria-label': 'Schedule form' } });

app.append(
  h('header', { class: 'page-header' }, title, subtitle, publishedBadge),
  progress,
  unpublishedNote,
  errorBanner,
  statusLine,
  toolbar,
  listHost,
  formHost,
);

newButton.addEventListener('click', () => openForm(null));
reloadButton.addEventListener('click', () => post({ type: 'refresh' }));

function setStatus(kind: 'info' | 'error', text: string): void {
  status = { kind, text };
  statusLine.hidden = false;
  statusLine.className = `banner status ${kind}`;
  statusLine.replaceChildren(icon(kind === 'error' ? 'error' : 'info'), h('span', { text }));
}

// ---- the list --------------------------------------------------------------------------------------

function renderHeader(): void {
  if (scope) subtitle.textContent = `${scope.packageName} v${scope.packageVersion} · ${scope.gatewayName} (${scope.gatewayUrl})`;
  if (version) {
    publishedBadge.textContent = version.published ? 'published' : 'unpublished';
    publishedBadge.className = `pub-badge ${version.published ? 'published' : 'unpublished'}`;
  }
  unpublishedNote.hidden = !version || version.published;
  errorBanner.hidden = !loadError;
  errorBanner.replaceChildren(icon('error'), h('span', { text: loadError ?? '' }));
}

function nextRunCell(s: ScheduleResponse): HTMLElement {
  if (s.nextRuns.length) {
    const first = s.nextRuns[0];
    return h('span', { class: 'mono', title: s.nextRuns.map((r) => `${wallClock(r, s.timezone)} ${s.timezone} (${r})`).join('\n') }, wallClock(first, s.timezone).slice(0, 16));
  }
  const why = !s.enabled ? 'disabled' : version && !version.published ? 'version unpublished' : 'no run ahead';
  return h('span', { class: 'muted', text: `— (${why})` });
}

function firingCell(s: ScheduleResponse): HTMLElement {
  const cell = h('div', { class: 'firing' });
  const last = lastFiring(s);
  if (!last) cell.append(h('span', { class: 'muted', text: 'never fired' }));
  else {
    const iconName = last.outcome === 'started' ? 'pass' : last.outcome === 'missed' ? 'warning' : 'error';
    const tip = [`${last.outcome} at ${wallClock(last.at, s.timezone)} ${s.timezone}`, last.executionId ? `execution ${last.executionId}` : '', last.message ?? ''].filter(Boolean).join('\n');
    cell.append(
      h(
        'span',
        { class: `outcome outcome-${last.outcome}`, title: tip },
        h('span', { class: 'outcome-head' }, icon(iconName), h('span', { class: 'outcome-text', text: last.outcome })),
        h('span', { class: 'muted', text: ` ${wallClock(last.at, s.timezone).slice(5, 16)}` }),
      ),
    );
    if (last.outcome !== 'started' && last.message) cell.append(h('div', { class: 'firing-message', text: last.message }));
  }
  const bad = s.history.filter((f) => f.outcome !== 'started');
  const missed = bad.filter((f) => f.outcome === 'missed').length;
  const refused = bad.filter((f) => f.outcome === 'refused').length;
  if ((missed || refused) && !(bad.length === 1 && last && last.outcome !== 'started')) {
    cell.append(h('div', { class: 'muted small', text: `recently: ${[missed ? `${missed} missed` : '', refused ? `${refused} refused` : ''].filter(Boolean).join(', ')}` }));
  }
  const started = view.started[s.id];
  if (started) {
    cell.append(h('div', { class: 'started small', title: `Run Now started execution ${started}` }, 'Run Now: ', h('span', { class: 'mono execution-id', text: started.slice(0, 8), attrs: { 'data-execution-id': started } })));
  }
  return cell;
}

function actionsCell(s: ScheduleResponse): HTMLElement {
  const cell = h('div', { class: 'actions' });
  const busy = [...pendingActions.values()].some((a) => a.id === s.id);
  if (confirmingDelete === s.id) {
    const yes = button('Delete', 'trash', { className: 'confirm-delete' });
    const no = button('Cancel', '', { secondary: true, className: 'cancel-delete' });
    yes.addEventListener('click', () => {
      confirmingDelete = null;
      runAction('delete', s.id);
    });
    no.addEventListener('click', () => {
      confirmingDelete = null;
      renderList();
    });
    yes.setAttribute('aria-label', `Delete schedule '${s.name}'`);
    no.setAttribute('aria-label', `Keep schedule '${s.name}'`);
    cell.append(h('span', { class: 'confirm-text', text: `Delete '${s.name}'?` }), yes, no);
    return cell;
  }
  const toggle = button(s.enabled ? 'Disable' : 'Enable', s.enabled ? 'circle-slash' : 'check', { secondary: true, className: 'toggle' });
  toggle.addEventListener('click', () => runAction(s.enabled ? 'disable' : 'enable', s.id));
  const run = button('Run Now', 'play', { secondary: true, className: 'run-now' });
  if (version && !version.published) {
    run.disabled = true;
    run.title = 'Publish the version to run its schedules';
  }
  run.addEventListener('click', () => runAction('runNow', s.id));
  const edit = button('Edit', 'edit', { secondary: true, className: 'edit' });
  edit.addEventListener('click', () => openForm(s));
  const del = button('Delete', 'trash', { secondary: true, className: 'delete' });
  del.addEventListener('click', () => {
    confirmingDelete = s.id;
    renderList();
  });
  for (const b of [toggle, run, edit, del]) {
    b.disabled ||= busy;
    // Screen readers hear which row a button acts on: "Run Now schedule 'Nightly'".
    b.setAttribute('aria-label', `${b.textContent} schedule '${s.name}'`);
  }
  cell.append(toggle, run, edit, del);
  return cell;
}

const COLUMNS = ['Name', 'Flow', 'Expression', 'Time zone', 'Enabled', 'Next run', 'Last firing', 'Actions'];

function renderList(): void {
  if (!loaded) {
    listHost.replaceChildren(h('div', { class: 'muted loading', text: 'Reading the schedules from the gateway…' }));
    return;
  }
  if (schedules.length === 0) {
    listHost.replaceChildren(
      h(
        'div',
        { class: 'empty-state' },
        emptyIcon(),
        h('h2', { text: 'No schedules yet' }),
        h('p', {
          text: 'A schedule runs one flow of this package version on a cron expression (five fields, or six with seconds), in a time zone, with fixed values for the flow’s inputs. Its executions name the schedule as initiator.',
        }),
        h('p', { class: 'muted', text: 'Schedules fire only while the version is published. New versions made from this one inherit its schedules.' }),
        version?.flows.length ? null : h('p', { class: 'muted', text: 'This version has no flows, so there is nothing to schedule.' }),
      ),
    );
    return;
  }
  const table = h('table', { class: 'schedules' });
  const head = h('tr');
  for (const c of COLUMNS) head.append(h('th', { text: c }));
  table.append(h('thead', {}, head));
  const body = h('tbody');
  for (const s of [...schedules].sort((a, b) => a.name.localeCompare(b.name))) {
    const row = h('tr', { class: `schedule ${s.enabled ? '' : 'disabled'}`, attrs: { 'data-id': s.id, 'data-name': s.name } });
    // `data-label`: the column's name, shown before the cell when a narrow panel stacks the row as a card.
    const cells = [
      h('td', { class: 'name' }, h('div', { class: 'schedule-name', text: s.name }), s.description ? h('div', { class: 'muted small', text: s.description }) : null),
      h('td', { class: 'flow', text: s.flow }),
      h('td', { class: 'expression mono', text: s.expression }),
      h('td', { class: 'timezone', text: s.timezone }),
      h('td', { class: 'enabled' }, s.enabled ? h('span', { class: 'on' }, icon('check'), ' yes') : h('span', { class: 'off muted', text: 'no' })),
      h('td', { class: 'next-run' }, nextRunCell(s)),
      h('td', { class: 'last-firing' }, firingCell(s)),
      h('td', { class: 'row-actions' }, actionsCell(s)),
    ];
    cells.forEach((cell, i) => cell.setAttribute('data-label', COLUMNS[i]));
    row.append(...cells);
    body.append(row);
  }
  table.append(body);
  listHost.replaceChildren(h('div', { class: 'table-wrap' }, table));
}

function runAction(action: RowAction, id: string): void {
  const requestId = nextRequestId++;
  pendingActions.set(requestId, { action, id });
  post({ type: 'action', requestId, action, id });
  renderList();
}

// ---- the form --------------------------------------------------------------------------------------

interface FormRefs {
  root: HTMLElement;
  heading: HTMLElement;
  name: VscodeTextfield;
  description: VscodeTextarea;
  flow: VscodeSingleSelect;
  flowHelp: HTMLElement;
  expression: VscodeTextfield;
  timezone: VscodeSingleSelect;
  enabled: VscodeCheckbox;
  inputsHost: HTMLElement;
  preview: HTMLElement;
  save: VscodeButton;
  formError: HTMLElement;
  errors: Map<string, HTMLElement>;
}
let form: FormRefs | undefined;
/** Whether the open form was built with the version's flows (else it is built again when they arrive). */
let formHasVersion = false;
let previewTimer: ReturnType<typeof setTimeout> | undefined;
let lastPreview: { expression: string; timezone: string; result?: CronPreviewResponse; errors?: ApiErrorDetail[] } | undefined;

function emptyForm(): ScheduleFormState {
  // No flow is preselected: the user picks one (Create without a flow is refused naming the field).
  return {
    editingId: null,
    name: '',
    description: '',
    flow: '',
    expression: '',
    timezone: DEFAULT_TIMEZONE,
    enabled: true,
    inputs: defaultInputs(undefined, {}),
  };
}

/** Input texts for a flow: kept where the name matches, else the default of a required input. */
function defaultInputs(flow: FlowSignature | undefined, keep: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, d] of Object.entries(flow?.inputs ?? {})) {
    if (keep[name] !== undefined) out[name] = keep[name];
    else out[name] = d.required && d.default !== undefined ? inputTextFromValue(d.default, d.type) : '';
  }
  return out;
}

function openForm(s: ScheduleResponse | null): void {
  view.form = s
    ? {
        editingId: s.id,
        name: s.name,
        description: s.description ?? '',
        flow: s.flow,
        expression: s.expression,
        timezone: s.timezone,
        enabled: s.enabled,
        inputs: Object.fromEntries(Object.entries(s.inputs ?? {}).map(([k, v]) => [k, inputTextFromValue(v, flowOf(s.flow)?.inputs[k]?.type ?? 'any')])),
      }
    : emptyForm();
  if (s) view.form.inputs = defaultInputs(flowOf(s.flow), view.form.inputs);
  saveState();
  lastPreview = undefined;
  renderForm();
  form?.name.focus();
  form?.root.scrollIntoView({ block: 'nearest' });
}

function closeForm(): void {
  view.form = null;
  saveState();
  form = undefined;
  formHost.replaceChildren();
  newButton.disabled = false;
}

/**
 * Fills a `<vscode-single-select>` with `<vscode-option>` children. Its `options` property only fills
 * the list and never sets the shown value (the select rendered empty); options as children are read
 * with their `selected` state when they are slotted.
 */
function setOptions(select: VscodeSingleSelect, options: { label: string; value: string; description?: string; selected?: boolean }[]): void {
  select.replaceChildren(
    ...options.map((o) => {
      const el = document.createElement('vscode-option');
      el.value = o.value;
      el.textContent = o.label;
      if (o.description) el.description = o.description;
      el.selected = !!o.selected;
      return el;
    }),
  );
}

function flowOf(id: string): FlowSignature | undefined {
  return version?.flows.find((f) => f.id === id);
}

function field(label: string, control: HTMLElement, opts: { key: string; help?: string | Node; required?: boolean; extra?: HTMLElement; id?: string }): HTMLElement {
  const error = h('div', { class: 'field-error', attrs: { 'data-error-for': opts.key, role: 'alert' } });
  error.hidden = true;
  form?.errors.set(opts.key, error);
  const labelEl = h('label', { class: 'field-label', attrs: { for: opts.id } }, label, opts.required ? h('span', { class: 'required', text: ' *', title: 'required' }) : null);
  const help = opts.help ? h('div', { class: 'field-help' }, opts.help) : null;
  return h('div', { class: `field field-${opts.key.replace(/[^a-z0-9-]/gi, '-')}`, attrs: { 'data-field': opts.key } }, labelEl, h('div', { class: 'field-control' }, control, error, help, opts.extra ?? null));
}

function renderForm(): void {
  const state = view.form;
  if (!state) {
    closeForm();
    return;
  }
  newButton.disabled = true;
  formHasVersion = !!version;
  const errors = new Map<string, HTMLElement>();
  const editing = state.editingId ? schedules.find((s) => s.id === state.editingId) : undefined;
  const heading = h('h2', { class: 'form-title', text: state.editingId ? `Edit schedule '${editing?.name ?? state.name}'` : 'New schedule' });

  const name = document.createElement('vscode-textfield') as VscodeTextfield;
  name.className = 'schedule-name-field';
  name.id = 'f-name';
  name.value = state.name;
  name.placeholder = 'e.g. Nightly backup';
  name.setAttribute('aria-label', 'Name');

  const description = document.createElement('vscode-textarea') as VscodeTextarea;
  description.className = 'description-field';
  description.id = 'f-description';
  description.rows = 2;
  description.value = state.description;
  description.placeholder = 'What the schedule is for (optional)';
  description.setAttribute('aria-label', 'Description');

  const flow = document.createElement('vscode-single-select') as VscodeSingleSelect;
  flow.className = 'flow-field';
  flow.id = 'f-flow';
  flow.setAttribute('aria-label', 'Flow');
  const flows = version?.flows ?? [];
  const flowIds = flows.map((f) => f.id);
  if (state.flow && !flowIds.includes(state.flow)) flowIds.unshift(state.flow);
  setOptions(flow, [
    ...(state.flow ? [] : [{ label: 'Pick a flow…', value: '', selected: true }]),
    ...flowIds.map((id) => ({ label: id, value: id, description: flowOf(id)?.description ?? (flowOf(id) ? '' : 'not in this version'), selected: id === state.flow })),
  ]);
  const flowHelp = h('span');

  const type = h('span', { class: 'type-value mono', text: 'CRON' });

  const expression = document.createElement('vscode-textfield') as VscodeTextfield;
  expression.className = 'expression-field mono';
  expression.id = 'f-expression';
  expression.value = state.expression;
  expression.placeholder = 'e.g. 0 30 2 * * 1-5   or   */5 * * * *';
  expression.setAttribute('aria-label', 'Cron expression');
  expression.setAttribute('spellcheck', 'false');
  const preview = h('div', { class: 'preview', attrs: { 'aria-live': 'polite', 'aria-label': 'Expression preview' } });

  const timezone = document.createElement('vscode-single-select') as VscodeSingleSelect;
  timezone.className = 'timezone-field';
  timezone.id = 'f-timezone';
  timezone.combobox = true;
  timezone.filter = 'contains';
  timezone.setAttribute('aria-label', 'Time zone');
  const zones = ZONES.includes(state.timezone) ? ZONES : [state.timezone, ...ZONES];
  setOptions(timezone, zones.map((z) => ({ label: z, value: z, selected: z === state.timezone })));

  const enabled = document.createElement('vscode-checkbox') as VscodeCheckbox;
  enabled.className = 'enabled-field';
  enabled.label = 'Enabled (fires on its expression while the version is published)';
  enabled.checked = state.enabled;

  const inputsHost = h('div', { class: 'inputs' });
  const save = button(state.editingId ? 'Save' : 'Create', 'save', { className: 'save' });
  const cancel = button('Cancel', '', { secondary: true, className: 'cancel' });
  const formError = h('div', { class: 'form-error', attrs: { role: 'alert', 'data-error-for': '' } });
  formError.hidden = true;

  form = { root: formHost, heading, name, description, flow, flowHelp, expression, timezone, enabled, inputsHost, preview, save, formError, errors };
  const grid = h(
    'div',
    { class: 'form-grid' },
    field('Name', name, { key: 'name', required: true, id: 'f-name' }),
    field('Description', description, { key: 'description', id: 'f-description' }),
    field('Flow', flow, { key: 'flow', required: true, help: flowHelp, id: 'f-flow' }),
    field('Type', type, { key: 'type' }),
    field('Expression', expression, {
      key: 'expression',
      required: true,
      id: 'f-expression',
      help: 'Five fields (minute hour day-of-month month day-of-week), or six with a leading seconds field. When both day fields are set, a day must match both.',
      extra: preview,
    }),
    field('Time zone', timezone, { key: 'timezone', id: 'f-timezone', help: 'IANA time zone the expression is read in (type to search); default UTC.' }),
    h('div', { class: 'field field-inputs', attrs: { 'data-field': 'inputs' } }, h('div', { class: 'field-label', text: 'Inputs' }), h('div', { class: 'field-control' }, inputsHost, errorSlot('inputs'))),
    field('', enabled, { key: 'enabled' }),
  );
  formHost.replaceChildren(h('div', { class: 'form' }, heading, grid, formError, h('div', { class: 'form-buttons' }, save, cancel)));

  name.addEventListener('input', () => update({ name: name.value }));
  description.addEventListener('input', () => update({ description: description.value }));
  flow.addEventListener('change', () => {
    const f = flowOf(flow.value);
    update({ flow: flow.value, inputs: defaultInputs(f, view.form?.inputs ?? {}) });
    clearError('flow');
    renderInputs();
  });
  expression.addEventListener('input', () => {
    update({ expression: expression.value });
    schedulePreview();
  });
  timezone.addEventListener('change', () => {
    if (!timezone.value) return;
    update({ timezone: timezone.value });
    clearError('timezone');
    schedulePreview(0);
  });
  enabled.addEventListener('change', () => update({ enabled: enabled.checked }));
  save.addEventListener('click', () => submit());
  cancel.addEventListener('click', () => closeForm());

  renderInputs();
  renderPreview();
  if (state.expression.trim()) schedulePreview(0);
}

function errorSlot(key: string): HTMLElement {
  const el = h('div', { class: 'field-error', attrs: { 'data-error-for': key, role: 'alert' } });
  el.hidden = true;
  form?.errors.set(key, el);
  return el;
}

function update(patch: Partial<ScheduleFormState>): void {
  if (!view.form) return;
  Object.assign(view.form, patch);
  saveState();
}

function renderInputs(): void {
  if (!form || !view.form) return;
  const f = flowOf(view.form.flow);
  form.flowHelp.textContent = f ? f.description ?? '' : version ? `'${view.form.flow}' is not a flow of this version` : '';
  for (const key of [...form.errors.keys()]) if (key.startsWith('inputs.')) form.errors.delete(key);
  const entries = Object.entries(f?.inputs ?? {});
  if (entries.length === 0) {
    form.inputsHost.replaceChildren(h('div', { class: 'muted', text: f ? `Flow '${f.id}' declares no inputs.` : 'Pick a flow to see its inputs.' }));
    return;
  }
  const rows = entries.map(([name, d]) => {
    const key = `inputs.${name}`;
    const text = view.form!.inputs[name] ?? '';
    let control: HTMLElement;
    if (d.type === 'boolean') {
      const sel = document.createElement('vscode-single-select') as VscodeSingleSelect;
      setOptions(
        sel,
        [
          { label: d.default !== undefined ? `(default: ${textValue(d.default)})` : '(not set)', value: '' },
          { label: 'true', value: 'true' },
          { label: 'false', value: 'false' },
        ].map((o) => ({ ...o, selected: o.value === text })),
      );
      sel.addEventListener('change', () => setInput(name, sel.value));
      control = sel;
    } else if (d.type === 'object' || d.type === 'array' || d.type === 'any') {
      const area = document.createElement('vscode-textarea') as VscodeTextarea;
      area.rows = 3;
      area.value = text;
      area.className = 'mono';
      area.placeholder = d.default !== undefined ? `default: ${textValue(d.default)}` : d.type === 'array' ? 'JSON, e.g. ["a", "b"]' : d.type === 'object' ? 'JSON, e.g. {"key": "value"}' : 'JSON value';
      area.addEventListener('input', () => setInput(name, area.value));
      control = area;
    } else {
      const tf = document.createElement('vscode-textfield') as VscodeTextfield;
      tf.value = text;
      if (d.type === 'integer' || d.type === 'number') tf.className = 'mono';
      tf.placeholder = d.default !== undefined ? `default: ${textValue(d.default)}` : d.type;
      tf.addEventListener('input', () => setInput(name, tf.value));
      control = tf;
    }
    control.setAttribute('data-input', name);
    control.setAttribute('aria-label', `Input ${name} (${d.type})`);
    const error = errorSlot(key);
    const help = [d.description ?? '', d.default !== undefined ? `Default: ${textValue(d.default)}` : ''].filter(Boolean).join(' · ');
    return h(
      'div',
      { class: 'input-row', attrs: { 'data-field': key } },
      h('div', { class: 'input-label' }, h('span', { class: 'input-name mono', text: name }), d.required ? h('span', { class: 'required', text: ' *', title: 'required' }) : null, h('span', { class: 'type-badge', text: d.type })),
      h('div', { class: 'input-control' }, control, error, help ? h('div', { class: 'field-help', text: help }) : null),
    );
  });
  form.inputsHost.replaceChildren(...rows);
}

function setInput(name: string, text: string): void {
  if (!view.form) return;
  view.form.inputs[name] = text;
  saveState();
  const d = flowOf(view.form.flow)?.inputs[name];
  if (!d) return;
  const checked = parseInput(name, text, d);
  showError(`inputs.${name}`, checked.error);
}

/** One input's text as a value of its declared type: core's rule (src/core/model/inputText.ts); the gateway checks again on save. */
function parseInput(_name: string, text: string, d: { type: string; required: boolean; default?: unknown }): { value?: unknown; error?: string; omit?: boolean } {
  const r = inputValueFromText(text, d);
  return r.kind === 'value' ? { value: r.value } : r.kind === 'empty' ? { omit: true } : { error: r.message };
}

function showError(key: string, message: string | undefined): void {
  const el = form?.errors.get(key);
  if (!el) return;
  el.hidden = !message;
  el.replaceChildren(...(message ? [icon('error'), h('span', { text: message })] : []));
  el.closest('.field, .input-row')?.classList.toggle('invalid', !!message);
}

function clearError(key: string): void {
  showError(key, undefined);
}

function clearErrors(): void {
  if (!form) return;
  for (const key of form.errors.keys()) showError(key, undefined);
  form.formError.hidden = true;
  form.formError.replaceChildren();
}

/** Shows errors next to the fields they name; those naming no field of the form go under it. */
function showErrors(errors: ApiErrorDetail[]): void {
  if (!form) return;
  const general: string[] = [];
  const byKey = new Map<string, string[]>();
  for (const e of errors) {
    const key = form.errors.has(e.field) ? e.field : e.field.startsWith('inputs.') && form.errors.has('inputs') ? 'inputs' : '';
    if (!key) general.push(e.field ? `${e.field}: ${e.message}` : e.message);
    else byKey.set(key, [...(byKey.get(key) ?? []), key === e.field ? e.message : `${e.field}: ${e.message}`]);
  }
  for (const [key, messages] of byKey) showError(key, messages.join('; '));
  form.formError.hidden = general.length === 0;
  form.formError.replaceChildren(...(general.length ? [icon('error'), h('span', { text: general.join('; ') })] : []));
}

// ---- live preview ----------------------------------------------------------------------------------

function schedulePreview(delay = 300): void {
  if (previewTimer) clearTimeout(previewTimer);
  previewTimer = setTimeout(() => {
    previewTimer = undefined;
    const state = view.form;
    if (!state) return;
    if (!state.expression.trim()) {
      previewRequest = 0;
      lastPreview = undefined;
      clearError('expression');
      renderPreview();
      return;
    }
    previewRequest = nextRequestId++;
    form?.preview.classList.add('pending');
    post({ type: 'preview', requestId: previewRequest, expression: state.expression, timezone: state.timezone || DEFAULT_TIMEZONE });
  }, delay);
}

function renderPreview(): void {
  if (!form) return;
  const p = lastPreview;
  form.preview.classList.remove('pending');
  if (!p) {
    form.preview.replaceChildren(h('div', { class: 'muted', text: 'Type an expression to see what it means and when it runs next.' }));
    return;
  }
  const exprErrors = (p.errors ?? []).filter((e) => e.field === 'expression');
  const zoneErrors = (p.errors ?? []).filter((e) => e.field === 'timezone');
  const other = (p.errors ?? []).filter((e) => e.field !== 'expression' && e.field !== 'timezone');
  showError('expression', exprErrors.length ? exprErrors.map((e) => e.message).join('; ') : undefined);
  showError('timezone', zoneErrors.length ? zoneErrors.map((e) => e.message).join('; ') : undefined);
  if (!p.result) {
    form.preview.replaceChildren(
      h('div', { class: 'muted', text: exprErrors.length || zoneErrors.length ? 'No preview while the expression or time zone is invalid.' : '' }),
      ...other.map((e) => h('div', { class: 'field-error' }, icon('error'), h('span', { text: e.field ? `${e.field}: ${e.message}` : e.message }))),
    );
    return;
  }
  const r = p.result;
  const runs = h('ol', { class: 'next-runs' });
  r.localTimes.forEach((t, i) => runs.append(h('li', { class: 'mono', title: r.nextRuns[i] ? `${r.nextRuns[i]} (UTC)` : undefined }, `${t} `, h('span', { class: 'muted', text: p.timezone }))));
  form.preview.replaceChildren(
    h('div', { class: 'description' }, icon('symbol-event'), h('span', { class: 'description-text', text: r.description })),
    r.localTimes.length ? h('div', { class: 'next-runs-title muted', text: `Next ${r.localTimes.length} run${r.localTimes.length === 1 ? '' : 's'} (${p.timezone}):` }) : h('div', { class: 'muted', text: 'No run ahead.' }),
    ...(r.localTimes.length ? [runs] : []),
    ...r.notes.map((n) => h('div', { class: 'note' }, icon('info'), h('span', { text: n }))),
  );
}

// ---- save ------------------------------------------------------------------------------------------

function submit(): void {
  const state = view.form;
  if (!form || !state) return;
  clearErrors();
  const errors: ApiErrorDetail[] = [];
  if (!state.name.trim()) errors.push({ field: 'name', message: 'required: a name for the schedule' });
  if (!state.flow) errors.push({ field: 'flow', message: 'required: pick a flow of this version' });
  if (!state.expression.trim()) errors.push({ field: 'expression', message: 'required: a cron expression, e.g. "*/5 * * * *"' });
  const f = flowOf(state.flow);
  const inputs: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(f?.inputs ?? {})) {
    const checked = parseInput(name, state.inputs[name] ?? '', d);
    if (checked.error) errors.push({ field: `inputs.${name}`, message: checked.error });
    else if (!checked.omit) inputs[name] = checked.value;
  }
  if (errors.length) {
    showErrors(errors);
    return;
  }
  const body: ScheduleBody = {
    name: state.name.trim(),
    flow: state.flow,
    type: 'CRON',
    expression: state.expression.trim(),
    timezone: state.timezone || DEFAULT_TIMEZONE,
    inputs,
    enabled: state.enabled,
  };
  if (state.description.trim()) body.description = state.description.trim();
  saveRequest = nextRequestId++;
  form.save.disabled = true;
  post({ type: 'save', requestId: saveRequest, id: state.editingId ?? undefined, body });
}

// ---- messages --------------------------------------------------------------------------------------

channel.onMessage((message) => {
  switch (message.type) {
    case 'snapshot': {
      scope = message.scope;
      version = message.version ?? version;
      schedules = message.schedules;
      loadError = message.error;
      loaded = true;
      const known = new Set(schedules.map((s) => s.id));
      for (const id of Object.keys(view.started)) if (!known.has(id)) delete view.started[id];
      if (view.form?.editingId && !known.has(view.form.editingId) && !message.error) {
        setStatus('error', `The schedule '${view.form.name}' was deleted on the gateway; the form was closed.`);
        closeForm();
      }
      saveState();
      renderHeader();
      renderList();
      (toolbar.querySelector('.loaded-at') as HTMLElement).textContent = message.loadedAt ? `read ${message.loadedAt.slice(11, 19)} UTC` : '';
      newButton.disabled = !!view.form || !version || version.flows.length === 0;
      newButton.title = version && version.flows.length === 0 ? 'This version has no flows' : '';
      if (view.form && (!form || !formHasVersion)) renderForm();
      return;
    }
    case 'loading':
      progress.hidden = !message.loading;
      reloadButton.disabled = message.loading;
      return;
    case 'preview': {
      if (message.requestId !== previewRequest) return; // an older answer
      lastPreview = { expression: message.expression, timezone: message.timezone, result: message.result, errors: message.errors };
      renderPreview();
      return;
    }
    case 'saved': {
      if (message.requestId !== saveRequest) return;
      if (form) form.save.disabled = false;
      if (message.errors?.length) {
        showErrors(message.errors);
        return;
      }
      if (message.schedule) {
        setStatus('info', `Saved schedule '${message.schedule.name}'${message.schedule.nextRuns[0] ? `; next run ${wallClock(message.schedule.nextRuns[0], message.schedule.timezone)} ${message.schedule.timezone}` : ''}.`);
      }
      closeForm();
      renderList();
      return;
    }
    case 'actionDone': {
      pendingActions.delete(message.requestId);
      const s = schedules.find((x) => x.id === message.id);
      const label = s ? `'${s.name}'` : message.id;
      if (message.error) setStatus('error', message.error);
      else if (message.action === 'runNow' && message.executionId) {
        view.started[message.id] = message.executionId;
        saveState();
        setStatus('info', `Run Now of ${label} started execution ${message.executionId}.`);
      } else if (message.action === 'delete') setStatus('info', `Deleted schedule ${label}.`);
      else setStatus('info', `${message.action === 'enable' ? 'Enabled' : 'Disabled'} schedule ${label}.`);
      renderList();
      return;
    }
  }
});

renderHeader();
renderList();
if (view.form) renderForm();
if (status) setStatus(status.kind, status.text);
post({ type: 'ready' });
