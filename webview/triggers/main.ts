/**
 * The Triggers page of a package version: its SNMP triggers (list and a form with live validation),
 * the gateway's SNMPv3 users, and Send Test Trap. Everything comes from the extension through the
 * typed messages of webview/protocol/triggers.ts; the page never talks to a gateway and never sends
 * a trap itself. Conditions are checked with core's validateTriggerSpec (pure TypeScript, bundled
 * here), so the page applies the gateway's own rules. SNMPv3 keys are write-only: typed here, sent
 * once to the extension, cleared, and never kept in the page's saved state.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeMultiSelect } from '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import type { VscodeRadio } from '@vscode-elements/elements/dist/vscode-radio/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeTabs } from '@vscode-elements/elements/dist/vscode-tabs/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { validateTriggerSpec } from '../../src/core/triggers/validate';
import { inputTextFromValue, inputValueFromText } from '../../src/core/model/inputText';
import { snmpUserProblems } from '../../src/core/snmp/users';
import { SNMP_VERSIONS } from '../../src/core/model/trigger';
import { testTrapProblems } from '../../src/core/snmp/testTrap';
import {
  AUTH_PROTOCOLS,
  conditionsSummary,
  fieldKey,
  PRIV_PROTOCOLS,
  VARBIND_TYPES,
  type ExtensionToWebview,
  type ApiErrorDetail,
  type FlowSignature,
  type SnmpUserInput,
  type SnmpUserSummary,
  type SnmpVersion,
  type StartedExecution,
  type TestTrap,
  type TestTrapResult,
  type Trigger,
  type TriggerEvaluation,
  type TriggersSnapshot,
  type TriggerSpec,
  type TriggersTab,
  type TriggersViewState,
  type WebviewToExtension,
} from '../protocol/triggers';
import { h, hostChannel } from '../shared/host';
import './triggers.css';

const channel = hostChannel<ExtensionToWebview, WebviewToExtension, TriggersViewState>();
const TABS: TriggersTab[] = ['triggers', 'users', 'sendTrap'];

// ---- state -----------------------------------------------------------------------------------------

const saved = channel.getState();
const view: TriggersViewState = { tab: saved?.tab ?? 'triggers', ...(saved?.trap ? { trap: saved.trap } : {}) };
let snap: TriggersSnapshot | undefined;
let nextRequestId = 1;
/** Answers awaited, by requestId. */
const waiting = new Map<number, (m: Extract<ExtensionToWebview, { type: 'done' | 'trapResult' }>) => void>();
let confirmDelete: { kind: 'trigger' | 'user'; id: string } | undefined;
const busyRows = new Set<string>();

function saveState(): void {
  channel.setState({ tab: view.tab, ...(view.trap ? { trap: view.trap } : {}) });
}

function request<T extends Extract<ExtensionToWebview, { type: 'done' | 'trapResult' }>>(message: WebviewToExtension & { requestId: number }): Promise<T> {
  return new Promise((resolve) => {
    waiting.set(message.requestId, resolve as (m: Extract<ExtensionToWebview, { type: 'done' | 'trapResult' }>) => void);
    channel.post(message);
  });
}

// ---- small helpers ---------------------------------------------------------------------------------

const icon = (name: string, extra = '') => h('vscode-icon', { class: extra, attrs: { name } });

function button(label: string, onClick: () => void, opts: { secondary?: boolean; icon?: string; cls?: string; disabled?: boolean; title?: string; ariaLabel?: string } = {}): HTMLElement {
  const b = h('vscode-button', {
    class: opts.cls,
    text: label,
    title: opts.title,
    attrs: { secondary: opts.secondary, icon: opts.icon, disabled: opts.disabled, 'aria-label': opts.ariaLabel },
  });
  b.addEventListener('click', () => {
    if (!(b as HTMLElement & { disabled?: boolean }).disabled) onClick();
  });
  return b;
}

function textfield(field: string, value: string, placeholder = '', type: 'text' | 'password' = 'text'): VscodeTextfield {
  const t = h('vscode-textfield', { class: 'field-control', attrs: { 'data-field': field, placeholder, type } }) as VscodeTextfield;
  t.value = value;
  return t;
}

function select(field: string, options: { value: string; label: string }[], value: string): VscodeSingleSelect {
  const s = h('vscode-single-select', { class: 'field-control', attrs: { 'data-field': field } }) as VscodeSingleSelect;
  for (const o of options) s.append(h('vscode-option', { text: o.label, attrs: { value: o.value, selected: o.value === value } }));
  queueMicrotask(() => (s.value = value));
  return s;
}

function radios(field: string, options: string[], value: string, onChange: (v: string) => void): HTMLElement {
  const group = h('vscode-radio-group', { class: 'field-control', attrs: { 'data-field': field } });
  for (const o of options) {
    const r = h('vscode-radio', { attrs: { name: field, value: o, label: o, checked: o === value } }) as VscodeRadio;
    r.addEventListener('change', () => {
      if (r.checked) onChange(o);
    });
    group.append(r);
  }
  return group;
}

let labelSeq = 0;

/**
 * Ties `label` to `control` for assistive technology: a vscode-textfield or -single-select names
 * its inner input through its `label` property (the inner input is in its shadow root, out of reach
 * of `for`/`aria-labelledby`); any other control is named by the label element's id.
 */
function tieLabel(control: HTMLElement, label: string, labelId: string): void {
  const tag = control.tagName.toLowerCase();
  if (tag === 'vscode-textfield' || tag === 'vscode-single-select' || tag === 'vscode-textarea') (control as HTMLElement & { label: string }).label = label;
  else if (!control.hasAttribute('aria-label')) control.setAttribute('aria-labelledby', labelId);
}

/** A labelled row of a form: label (tied to the control), control, help, and the error line of `field`. */
function row(label: string, field: string, control: Node, help?: string): HTMLElement {
  const labelId = `label-${++labelSeq}`;
  if (label && control instanceof HTMLElement) tieLabel(control, label, labelId);
  return h(
    'div',
    { class: 'form-row', attrs: { 'data-row': field } },
    h('label', { class: 'form-label', text: label, attrs: { id: labelId } }),
    h('div', { class: 'form-cell' }, control, help ? h('div', { class: 'help', text: help }) : null, h('div', { class: 'error', attrs: { 'data-error': field, role: 'alert' } })),
  );
}

/** Shows `errors` under their fields inside `root` (only the fields `show` accepts); returns the rest. */
function showErrors(root: HTMLElement, errors: ApiErrorDetail[], show: (field: string) => boolean): ApiErrorDetail[] {
  const byField = new Map<string, string[]>();
  const unplaced: ApiErrorDetail[] = [];
  const errorLines = Array.from(root.querySelectorAll<HTMLElement>('[data-error]'));
  const known = new Set(errorLines.map((e) => e.dataset.error!));
  for (const e of errors) {
    const key = fieldKey(e.field);
    const target = known.has(key) ? key : known.has(e.field) ? e.field : undefined;
    if (!target) {
      unplaced.push(e);
      continue;
    }
    if (!show(target)) continue;
    byField.set(target, [...(byField.get(target) ?? []), e.message]);
  }
  for (const el of errorLines) {
    const messages = byField.get(el.dataset.error!) ?? [];
    el.textContent = messages.join(' · ');
    el.classList.toggle('visible', messages.length > 0);
    const control = root.querySelector<HTMLElement & { invalid?: boolean }>(`.field-control[data-field="${CSS.escape(el.dataset.error!)}"]`);
    if (control) control.invalid = messages.length > 0;
  }
  return unplaced;
}

function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

// ---- page skeleton ---------------------------------------------------------------------------------

const app = document.getElementById('app')!;
const header = h('div', { class: 'page-header' });
const problems = h('div', { class: 'problems', attrs: { role: 'status' } });
const tabs = h('vscode-tabs', { class: 'tabs', attrs: { panel: true } }) as VscodeTabs;
const triggersPanel = h('vscode-tab-panel', { class: 'tab-triggers' });
const usersPanel = h('vscode-tab-panel', { class: 'tab-users' });
const trapPanel = h('vscode-tab-panel', { class: 'tab-send-trap' });
const triggersHeader = h('vscode-tab-header', { attrs: { slot: 'header', 'data-tab': 'triggers' }, text: 'Triggers' });
const usersHeader = h('vscode-tab-header', { attrs: { slot: 'header', 'data-tab': 'users' }, text: 'SNMPv3 Users' });
const trapHeader = h('vscode-tab-header', { attrs: { slot: 'header', 'data-tab': 'sendTrap' }, text: 'Send Test Trap' });
tabs.append(triggersHeader, triggersPanel, usersHeader, usersPanel, trapHeader, trapPanel);
const loading = h('div', { class: 'loading' }, h('vscode-progress-ring'), ' Loading triggers…');
app.append(header, problems, loading);

tabs.addEventListener('vsc-tabs-select', (e: Event) => {
  const index = (e as CustomEvent<{ selectedIndex: number }>).detail?.selectedIndex ?? tabs.selectedIndex;
  view.tab = TABS[index] ?? 'triggers';
  saveState();
});

function showTab(tab: TriggersTab): void {
  view.tab = tab;
  tabs.selectedIndex = TABS.indexOf(tab);
  saveState();
}

function renderHeader(): void {
  if (!snap) return;
  const s = snap.scope;
  header.replaceChildren(
    h('h1', { class: 'title', text: `Triggers — ${s.packageName} v${s.packageVersion}` }),
    h('span', { class: 'subtitle', text: `on ${s.gatewayName} (${s.gatewayUrl})` }),
    h('span', { class: `badge ${snap.published ? 'published' : 'unpublished'}`, text: snap.published ? 'published' : 'not published — triggers do not fire' }),
    h('span', { class: 'spacer' }),
    button('Refresh', () => channel.post({ type: 'refresh' }), { secondary: true, icon: 'refresh', cls: 'refresh' }),
  );
  problems.replaceChildren(...snap.problems.map((p) => h('div', { class: 'problem' }, icon('warning'), ` ${p}`)));
}

// ---- triggers list -----------------------------------------------------------------------------------

const triggerList = h('div', { class: 'list' });
const triggerFormHost = h('div', { class: 'form-host' });
const triggerStatus = h('div', { class: 'status-line', attrs: { role: 'status' } });
triggersPanel.append(
  h('div', { class: 'toolbar' }, button('New Trigger', () => openTriggerForm(undefined), { icon: 'add', cls: 'new-trigger' }), triggerStatus),
  triggerList,
  triggerFormHost,
);

function renderTriggers(): void {
  if (!snap) return;
  triggersHeader.textContent = `Triggers (${snap.triggers.length})`;
  if (snap.triggers.length === 0) {
    triggerList.replaceChildren(h('div', { class: 'empty', text: 'This version has no SNMP triggers yet. A trigger starts a flow when an incoming trap matches its conditions.' }));
    return;
  }
  const table = h(
    'table',
    { class: 'grid triggers-table' },
    h('thead', {}, h('tr', {}, ...['Name', 'Flow', 'SNMP', 'Conditions', 'Enabled', ''].map((t) => h('th', { text: t })))),
  );
  const body = h('tbody');
  for (const t of snap.triggers) {
    const busy = busyRows.has(t.id);
    const actions = h('td', { class: 'actions' });
    if (confirmDelete?.kind === 'trigger' && confirmDelete.id === t.id) {
      actions.append(
        h('span', { class: 'confirm-text', text: `Delete '${t.name}'?` }),
        button('Delete', () => void deleteTrigger(t), { cls: 'confirm-delete', ariaLabel: `Delete trigger '${t.name}'` }),
        button('Cancel', () => ((confirmDelete = undefined), renderTriggers()), { secondary: true, ariaLabel: `Keep trigger '${t.name}'` }),
      );
    } else {
      actions.append(
        // Screen readers hear which row a button acts on: "Edit trigger 'Core-Subnet'".
        button('Edit', () => openTriggerForm(t), { secondary: true, cls: 'edit', disabled: busy, ariaLabel: `Edit trigger '${t.name}'` }),
        button(t.enabled ? 'Disable' : 'Enable', () => void setEnabled(t, !t.enabled), { secondary: true, cls: 'toggle', disabled: busy, ariaLabel: `${t.enabled ? 'Disable' : 'Enable'} trigger '${t.name}'` }),
        button('Delete', () => ((confirmDelete = { kind: 'trigger', id: t.id }), renderTriggers()), { secondary: true, cls: 'delete', disabled: busy, ariaLabel: `Delete trigger '${t.name}'` }),
      );
    }
    body.append(
      h(
        'tr',
        { class: `trigger-row${t.enabled ? '' : ' disabled'}`, attrs: { 'data-id': t.id, 'data-name': t.name } },
        h('td', { class: 'name' }, h('span', { class: 'strong', text: t.name }), t.description ? h('div', { class: 'muted', text: t.description }) : null),
        h('td', { class: 'flow', text: t.flow }),
        h('td', { class: 'version', text: t.conditions.version }),
        h('td', { class: 'conditions', text: conditionsSummary(t), title: conditionsSummary(t) }),
        h('td', { class: 'enabled' }, h('span', { class: t.enabled ? 'on' : 'off', text: t.enabled ? 'enabled' : 'disabled' })),
        actions,
      ),
    );
  }
  table.append(body);
  triggerList.replaceChildren(table);
}

async function deleteTrigger(t: Trigger): Promise<void> {
  confirmDelete = undefined;
  busyRows.add(t.id);
  renderTriggers();
  const answer = await request({ type: 'deleteTrigger', requestId: nextRequestId++, id: t.id });
  busyRows.delete(t.id);
  setStatus(triggerStatus, answer.type === 'done' && answer.ok ? `Deleted '${t.name}'.` : answer.error ?? 'delete failed', !(answer.type === 'done' && answer.ok));
  if (editing?.id === t.id) closeTriggerForm();
  renderTriggers();
}

async function setEnabled(t: Trigger, enabled: boolean): Promise<void> {
  busyRows.add(t.id);
  renderTriggers();
  const answer = await request({ type: 'setEnabled', requestId: nextRequestId++, id: t.id, enabled });
  busyRows.delete(t.id);
  const ok = answer.type === 'done' && answer.ok;
  setStatus(triggerStatus, ok ? `${enabled ? 'Enabled' : 'Disabled'} '${t.name}'.` : answer.error ?? 'failed', !ok);
  renderTriggers();
}

function setStatus(el: HTMLElement, text: string, error = false): void {
  el.textContent = text;
  el.classList.toggle('error-text', error);
}

// ---- trigger form ----------------------------------------------------------------------------------

interface TriggerForm {
  id?: string;
  root: HTMLElement;
  version: SnmpVersion;
  touched: Set<string>;
  submitted: boolean;
  serverErrors: ApiErrorDetail[];
  read(): { spec: TriggerSpec; localErrors: ApiErrorDetail[] };
}
let editing: TriggerForm | undefined;

function flowOf(id: string): FlowSignature | undefined {
  return snap?.flows.find((f) => f.id === id);
}


function closeTriggerForm(): void {
  editing = undefined;
  triggerFormHost.replaceChildren();
}

function openTriggerForm(t: Trigger | undefined): void {
  if (!snap) return;
  const flows = snap.flows;
  const c = t?.conditions;
  const root = h('section', { class: 'form trigger-form', attrs: { 'data-mode': t ? 'edit' : 'new' } });
  const form: TriggerForm = {
    ...(t ? { id: t.id } : {}),
    root,
    version: c?.version ?? 'v2c',
    touched: new Set(),
    submitted: false,
    serverErrors: [],
    read: () => ({ spec: {} as TriggerSpec, localErrors: [] }),
  };
  editing = form;

  const name = textfield('name', t?.name ?? '', 'Link down on core routers');
  const description = textfield('description', t?.description ?? '', 'optional');
  const initialFlow = t?.flow ?? flows[0]?.id ?? '';
  const flowSelect = select('flow', flows.map((f) => ({ value: f.id, label: f.id })), initialFlow);
  const deviceAddress = textfield('conditions.deviceAddress', c?.deviceAddress ?? '*', '10.0.0.0/8, 192.168.1.1-192.168.1.20, *');
  const devicePort = textfield('conditions.devicePort', c?.devicePort ?? '*', '162, 1024-65535, *');
  const trapOid = textfield('conditions.trapOid', c?.trapOid ?? '*', '1.3.6.1.6.3.1.1.5.3, *');
  const community = textfield('conditions.community', c?.community ?? '*', 'public, private, *');
  const agentAddress = textfield('conditions.agentAddress', c?.agentAddress ?? '*', '10.0.0.1, 10.0.0.0/8, *');
  const userNames = [...new Set([...(snap.users.map((u) => u.name)), ...(c?.users ?? [])])];
  const users = h('vscode-multi-select', { class: 'field-control', attrs: { 'data-field': 'conditions.users' } }) as VscodeMultiSelect;
  for (const u of userNames) {
    const known = snap.users.find((x) => x.name === u);
    users.append(h('vscode-option', { text: known ? `${u} (${known.level})` : `${u} (not on this gateway)`, attrs: { value: u, selected: c?.users?.includes(u) } }));
  }
  if (c?.users) queueMicrotask(() => (users.value = [...c.users!]));
  const versionRadios = radios('conditions.version', [...SNMP_VERSIONS], form.version, (v) => {
    form.version = v as SnmpVersion;
    form.touched.add('conditions.version');
    layoutVersion();
    validate();
  });
  const enabled = h('vscode-checkbox', { class: 'field-control', attrs: { 'data-field': 'enabled', label: 'Enabled (fires while the version is published)', checked: t ? t.enabled : true } }) as VscodeCheckbox;

  const communityRow = row('Community', 'conditions.community', community, 'v1 and v2c: a value, a comma list, or *.');
  const agentRow = row('Agent address', 'conditions.agentAddress', agentAddress, 'v1 only: the agent-addr of the trap PDU, matched like the device address.');
  const usersRow = row('SNMPv3 users', 'conditions.users', users, snap.users.length ? 'A trap from any of these users matches.' : 'This gateway has no SNMPv3 users yet: add them on the SNMPv3 Users tab.');
  const inputsHost = h('div', { class: 'inputs-host' });
  const pduHost = h('div');
  let inputFields = new Map<string, { field: VscodeTextfield; type: string }>();
  let pduSelect: VscodeSingleSelect | undefined;

  function layoutVersion(): void {
    communityRow.hidden = form.version === 'v3';
    agentRow.hidden = form.version !== 'v1';
    usersRow.hidden = form.version !== 'v3';
  }

  function layoutInputs(flowId: string, values: Record<string, unknown>, pdu: string | undefined): void {
    const f = flowOf(flowId);
    inputFields = new Map();
    const rows: HTMLElement[] = [];
    for (const [k, d] of Object.entries(f?.inputs ?? {})) {
      const tf = textfield(`inputs.${k}`, inputTextFromValue(values[k], d.type), d.default !== undefined ? `default ${JSON.stringify(d.default)}` : d.required ? 'required' : '');
      inputFields.set(k, { field: tf, type: d.type });
      rows.push(row(`${k}`, `inputs.${k}`, tf, `${d.type}${d.required ? ', required' : ''}${d.description ? ` — ${d.description}` : ''}${d.type === 'string' ? '' : ' (JSON)'}`));
    }
    inputsHost.replaceChildren(
      h('h3', { class: 'subheading', text: f ? `Inputs of ${f.id}` : 'Inputs' }),
      ...(rows.length ? rows : [h('div', { class: 'muted', text: f ? 'This flow declares no inputs.' : 'Choose a flow.' })]),
    );
    const objectInputs = Object.entries(f?.inputs ?? {}).filter(([, d]) => d.type === 'object' || d.type === 'any');
    pduSelect = select('pduVariable', [{ value: '', label: '(none)' }, ...objectInputs.map(([k]) => ({ value: k, label: k }))], pdu && (objectInputs.some(([k]) => k === pdu) || !f) ? pdu : '');
    // A vscode-single-select's change event does not bubble: listen on the select itself.
    pduSelect.addEventListener('change', (e) => onEdit(e));
    pduHost.replaceChildren(row('Trap PDU input', 'pduVariable', pduSelect, 'Optional: an object input of the flow that receives the whole trap (version, community or user, source, varbinds…), overriding other values.'));
  }

  /** The input that receives the trap PDU takes no static value: disabled, saying so. */
  function markPduInput(): void {
    const pdu = pduSelect?.value ?? '';
    for (const [k, { field }] of inputFields) {
      field.disabled = k === pdu;
      if (k === pdu) {
        field.value = '';
        field.placeholder = 'receives the trap PDU';
      } else if (field.placeholder === 'receives the trap PDU') field.placeholder = '';
    }
  }

  form.read = () => {
    const localErrors: ApiErrorDetail[] = [];
    const inputs: Record<string, unknown> = {};
    for (const [k, { field, type }] of inputFields) {
      // Core's rule (src/core/model/inputText.ts); an empty field is left out and a missing required
      // input is named by the gateway's check on save (the PDU variable's field is empty on purpose).
      const r = inputValueFromText(field.value, { type, required: false });
      if (r.kind === 'value') inputs[k] = r.value;
      else if (r.kind === 'error') localErrors.push({ field: `inputs.${k}`, message: r.message });
    }
    const v = form.version;
    const pdu = pduSelect?.value ?? '';
    const desc = description.value.trim();
    const spec: TriggerSpec = {
      name: name.value.trim(),
      ...(desc ? { description: desc } : {}),
      flow: flowSelect.value,
      conditions: {
        deviceAddress: deviceAddress.value.trim(),
        devicePort: devicePort.value.trim(),
        trapOid: trapOid.value.trim(),
        version: v,
        ...(v !== 'v3' ? { community: community.value.trim() } : {}),
        ...(v === 'v1' ? { agentAddress: agentAddress.value.trim() } : {}),
        ...(v === 'v3' ? { users: [...(users.value ?? [])] } : {}),
      },
      inputs,
      ...(pdu ? { pduVariable: pdu } : {}),
      enabled: enabled.checked,
    };
    return { spec, localErrors };
  };

  const formError = h('div', { class: 'form-error', attrs: { role: 'alert' } });

  function validate(): ApiErrorDetail[] {
    const { spec, localErrors } = form.read();
    const flow = spec.flow ? (flowOf(spec.flow) ?? null) : undefined;
    const errors = [
      ...validateTriggerSpec(spec, flow, { knownUsers: snap?.users.map((u) => u.name) ?? [] }).filter(
        (e) => !localErrors.some((l) => l.field === e.field),
      ),
      ...localErrors,
    ];
    const shown = [...errors, ...form.serverErrors.filter((s) => !errors.some((e) => fieldKey(e.field) === fieldKey(s.field)))];
    const unplaced = showErrors(root, shown, (f) => form.submitted || form.touched.has(f));
    formError.textContent = form.submitted && unplaced.length ? unplaced.map((e) => `${e.field}: ${e.message}`).join(' · ') : '';
    return errors;
  }

  // Any edit: the field is touched, its server error is dropped, and the whole form is checked.
  root.addEventListener('input', (e) => onEdit(e));
  root.addEventListener('change', (e) => onEdit(e));
  // The select's change event does not bubble (vscode-select-base dispatches `new Event('change')`),
  // so the root never heard a flow change and the inputs of the previous flow stayed: listen here.
  flowSelect.addEventListener('change', (e) => onEdit(e));
  function onEdit(e: Event): void {
    const field = (e.target as HTMLElement).closest<HTMLElement>('[data-field]')?.dataset.field;
    if (field) {
      form.touched.add(field);
      form.serverErrors = form.serverErrors.filter((s) => fieldKey(s.field) !== field);
    }
    if (field === 'flow') {
      const { spec } = form.read();
      layoutInputs(flowSelect.value, spec.inputs ?? {}, spec.pduVariable);
    }
    markPduInput();
    validate();
  }

  const saveButton = button(t ? 'Save' : 'Create', () => void save(), { icon: 'save', cls: 'save' });
  const status = h('span', { class: 'status-line', attrs: { role: 'status' } });

  async function save(): Promise<void> {
    form.submitted = true;
    const errors = validate();
    if (errors.length) {
      setStatus(status, `Fix ${errors.length} problem${errors.length === 1 ? '' : 's'} first.`, true);
      return;
    }
    const { spec } = form.read();
    (saveButton as HTMLElement & { disabled: boolean }).disabled = true;
    setStatus(status, 'Saving…');
    const answer = await request({ type: 'saveTrigger', requestId: nextRequestId++, ...(form.id ? { id: form.id } : {}), spec });
    (saveButton as HTMLElement & { disabled: boolean }).disabled = false;
    if (answer.type === 'done' && answer.ok) {
      setStatus(triggerStatus, `${form.id ? 'Saved' : 'Created'} '${spec.name}'.`);
      if (editing === form) closeTriggerForm();
      return;
    }
    form.serverErrors = answer.fieldErrors ?? [];
    setStatus(status, answer.error ?? 'not saved', true);
    validate();
  }

  root.append(
    h('h2', { class: 'form-title', text: t ? `Edit trigger '${t.name}'` : 'New trigger' }),
    row('Name', 'name', name),
    row('Description', 'description', description),
    row('Flow', 'flow', flowSelect, flows.length ? undefined : 'This version has no flows.'),
    h('h3', { class: 'subheading', text: 'Conditions' }),
    row('Device address', 'conditions.deviceAddress', deviceAddress, 'IPv4 address, comma list, range a-b, CIDR 10.0.0.0/8, or *.'),
    row('Device port', 'conditions.devicePort', devicePort, 'Source UDP port of the trap: a port, list, range a-b, or *.'),
    row('Trap OID', 'conditions.trapOid', trapOid, 'An OID, list, range a-b (compared component by component), or *.'),
    row('SNMP version', 'conditions.version', versionRadios),
    communityRow,
    agentRow,
    usersRow,
    inputsHost,
    pduHost,
    row('', 'enabled', enabled),
    formError,
    h('div', { class: 'form-buttons' }, saveButton, button('Cancel', () => closeTriggerForm(), { secondary: true, cls: 'cancel' }), status),
  );
  layoutVersion();
  layoutInputs(initialFlow, t?.inputs ?? {}, t?.pduVariable);
  triggerFormHost.replaceChildren(root);
  queueMicrotask(() => {
    markPduInput();
    validate();
    root.scrollIntoView({ block: 'start', behavior: 'smooth' });
    name.focus();
  });
}

// ---- SNMPv3 users ----------------------------------------------------------------------------------

const userList = h('div', { class: 'list' });
const userFormHost = h('div', { class: 'form-host' });
const userStatus = h('div', { class: 'status-line', attrs: { role: 'status' } });
usersPanel.append(
  h('div', { class: 'note muted', text: 'SNMPv3 users are configured once per gateway and shared by every version’s v3 triggers. Keys are write-only: the gateway never returns them, and this page never shows or keeps them.' }),
  h('div', { class: 'toolbar' }, button('Add User', () => openUserForm(undefined), { icon: 'add', cls: 'add-user' }), userStatus),
  userList,
  userFormHost,
);

function renderUsers(): void {
  if (!snap) return;
  usersHeader.textContent = `SNMPv3 Users (${snap.users.length})`;
  if (snap.users.length === 0) {
    userList.replaceChildren(h('div', { class: 'empty', text: 'No SNMPv3 users on this gateway.' }));
    return;
  }
  const body = h('tbody');
  for (const u of snap.users) {
    const actions = h('td', { class: 'actions' });
    if (confirmDelete?.kind === 'user' && confirmDelete.id === u.name) {
      actions.append(
        h('span', { class: 'confirm-text', text: `Delete user '${u.name}'?` }),
        button('Delete', () => void deleteUser(u), { cls: 'confirm-delete', ariaLabel: `Delete user '${u.name}'` }),
        button('Cancel', () => ((confirmDelete = undefined), renderUsers()), { secondary: true, ariaLabel: `Keep user '${u.name}'` }),
      );
    } else {
      actions.append(
        button('Edit', () => openUserForm(u), { secondary: true, cls: 'edit', ariaLabel: `Edit user '${u.name}'` }),
        button('Delete', () => ((confirmDelete = { kind: 'user', id: u.name }), renderUsers()), { secondary: true, cls: 'delete', ariaLabel: `Delete user '${u.name}'` }),
      );
    }
    body.append(
      h(
        'tr',
        { class: 'user-row', attrs: { 'data-name': u.name } },
        h('td', { class: 'strong', text: u.name }),
        h('td', { text: u.level }),
        h('td', { text: u.authProtocol }),
        h('td', { text: u.privProtocol ?? '—' }),
        actions,
      ),
    );
  }
  userList.replaceChildren(
    h('table', { class: 'grid users-table' }, h('thead', {}, h('tr', {}, ...['Name', 'Level', 'Auth protocol', 'Privacy protocol', ''].map((t) => h('th', { text: t })))), body),
  );
}

async function deleteUser(u: SnmpUserSummary): Promise<void> {
  confirmDelete = undefined;
  const answer = await request({ type: 'deleteUser', requestId: nextRequestId++, name: u.name });
  const ok = answer.type === 'done' && answer.ok;
  setStatus(userStatus, ok ? `Deleted user '${u.name}'.` : answer.error ?? 'delete failed', !ok);
  renderUsers();
}

function openUserForm(u: SnmpUserSummary | undefined): void {
  let level: SnmpUserInput['level'] = u?.level ?? 'authPriv';
  const root = h('section', { class: 'form user-form' });
  const name = textfield('name', u?.name ?? '', 'monitor');
  if (u) name.disabled = true;
  const authProtocol = select('authProtocol', AUTH_PROTOCOLS.map((p) => ({ value: p, label: p })), u?.authProtocol ?? 'sha');
  const authKey = textfield('authKey', '', u ? 'enter the key again (write-only)' : 'at least 8 characters', 'password');
  const privProtocol = select('privProtocol', PRIV_PROTOCOLS.map((p) => ({ value: p, label: p })), u?.privProtocol ?? 'aes');
  const privKey = textfield('privKey', '', u ? 'enter the key again (write-only)' : 'at least 8 characters', 'password');
  const privRows = [row('Privacy protocol', 'privProtocol', privProtocol), row('Privacy key', 'privKey', privKey)];
  const levelRadios = radios('level', ['authNoPriv', 'authPriv'], level, (v) => {
    level = v as SnmpUserInput['level'];
    privRows.forEach((r) => (r.hidden = level !== 'authPriv'));
    validate();
  });
  privRows.forEach((r) => (r.hidden = level !== 'authPriv'));
  const touched = new Set<string>();
  let submitted = false;
  let serverErrors: ApiErrorDetail[] = [];
  const status = h('span', { class: 'status-line', attrs: { role: 'status' } });

  function read(): SnmpUserInput {
    return {
      name: name.value.trim(),
      level,
      authProtocol: authProtocol.value as SnmpUserInput['authProtocol'],
      authKey: authKey.value,
      ...(level === 'authPriv' ? { privProtocol: privProtocol.value as SnmpUserInput['privProtocol'], privKey: privKey.value } : {}),
    };
  }
  function validate(): ApiErrorDetail[] {
    const x = read();
    const errors: ApiErrorDetail[] = [];
    // Core's user rules (src/core/snmp/users.ts), as the gateway checks them.
    errors.push(...snmpUserProblems({ ...x, privKey: level === 'authPriv' ? (x.privKey ?? '') : undefined }));
    if (!errors.some((e) => e.field === 'name') && !u && snap?.users.some((s) => s.name === x.name)) {
      errors.push({ field: 'name', message: `there is already a user '${x.name}'; edit it instead` });
    }
    showErrors(root, [...errors, ...serverErrors.filter((s) => !errors.some((e) => e.field === s.field))], (f) => submitted || touched.has(f));
    return errors;
  }
  root.addEventListener('input', (e) => {
    const f = (e.target as HTMLElement).closest<HTMLElement>('[data-field]')?.dataset.field;
    if (f) {
      touched.add(f);
      serverErrors = serverErrors.filter((s) => s.field !== f);
    }
    validate();
  });
  root.addEventListener('change', () => validate());
  const save = button(u ? 'Save User' : 'Add User', async () => {
    submitted = true;
    if (validate().length) return;
    const user = read();
    // The keys leave the page now and are wiped from the form at once.
    authKey.value = '';
    privKey.value = '';
    setStatus(status, 'Saving…');
    const answer = await request({ type: 'saveUser', requestId: nextRequestId++, user, isNew: !u });
    if (answer.type === 'done' && answer.ok) {
      setStatus(userStatus, `Saved user '${user.name}'.`);
      userFormHost.replaceChildren();
      return;
    }
    serverErrors = answer.fieldErrors ?? [];
    setStatus(status, `${answer.error ?? 'not saved'} — enter the keys again.`, true);
    validate();
  }, { icon: 'save', cls: 'save-user' });
  root.append(
    h('h2', { class: 'form-title', text: u ? `Edit user '${u.name}'` : 'New SNMPv3 user' }),
    row('Name', 'name', name),
    row('Security level', 'level', levelRadios),
    row('Auth protocol', 'authProtocol', authProtocol),
    row('Auth key', 'authKey', authKey, 'Write-only: sent to the gateway once, never shown again.'),
    ...privRows,
    h('div', { class: 'form-buttons' }, save, button('Cancel', () => userFormHost.replaceChildren(), { secondary: true }), status),
  );
  userFormHost.replaceChildren(root);
  queueMicrotask(() => validate());
}

// ---- Send Test Trap --------------------------------------------------------------------------------

const DEFAULT_TRAP: Omit<TestTrap, 'keys'> = {
  version: 'v2c',
  community: 'public',
  agentAddress: '127.0.0.1',
  trapOid: '1.3.6.1.6.3.1.1.5.3',
  varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.2', type: 'Integer', value: '2' }],
  source: '127.0.0.1',
};
const trapForm = h('section', { class: 'form trap-form' });
const trapResultHost = h('div', { class: 'trap-result' });
trapPanel.append(trapForm, trapResultHost);
let trapResult: TestTrapResult | undefined;
let trapSubmitted = false;
const trapTouched = new Set<string>();
let trapServerErrors: ApiErrorDetail[] = [];
let readTrap: () => TestTrap = () => ({ ...DEFAULT_TRAP });

function renderTrapForm(): void {
  if (!snap) return;
  const t: Omit<TestTrap, 'keys'> = { ...DEFAULT_TRAP, ...(view.trap ?? {}) };
  let version: SnmpVersion = t.version;
  const community = textfield('community', t.community ?? 'public');
  const agentAddress = textfield('agentAddress', t.agentAddress ?? '127.0.0.1');
  const userOptions = snap.users.map((u) => ({ value: u.name, label: `${u.name} (${u.level}, ${u.authProtocol}${u.privProtocol ? `/${u.privProtocol}` : ''})` }));
  const user = select('user', userOptions.length ? userOptions : [{ value: '', label: '(no SNMPv3 users on the gateway)' }], t.user && snap.users.some((u) => u.name === t.user) ? t.user : (userOptions[0]?.value ?? ''));
  const authKey = textfield('keys.authKey', '', 'leave empty to be asked when sending', 'password');
  const privKey = textfield('keys.privKey', '', 'leave empty to be asked when sending', 'password');
  const trapOid = textfield('trapOid', t.trapOid, '1.3.6.1.6.3.1.1.5.3');
  const source = textfield('source', t.source, '127.0.0.1');
  const sourcePort = textfield('sourcePort', t.sourcePort ? String(t.sourcePort) : '', 'any');
  const varbindHost = h('div', { class: 'varbinds', attrs: { 'data-field': 'varbinds' } });
  let varbinds = t.varbinds.map((v) => ({ ...v }));

  const communityRow = row('Community', 'community', community);
  const agentRow = row('Agent address', 'agentAddress', agentAddress, 'v1: the agent-addr field of the PDU.');
  const userRow = row('SNMPv3 user', 'user', user, 'A user configured on the gateway (SNMPv3 Users tab).');
  const keyRows = [
    row('Auth key', 'keys.authKey', authKey, 'Used for this send only; not stored. Empty: VS Code asks for it.'),
    row('Privacy key', 'keys.privKey', privKey, 'authPriv users only.'),
  ];
  function layout(): void {
    communityRow.hidden = version === 'v3';
    agentRow.hidden = version !== 'v1';
    userRow.hidden = version !== 'v3';
    keyRows[0].hidden = version !== 'v3';
    keyRows[1].hidden = version !== 'v3' || snap?.users.find((u) => u.name === user.value)?.level !== 'authPriv';
  }

  function renderVarbinds(): void {
    varbindHost.replaceChildren(
      ...varbinds.map((vb, i) => {
        const oid = textfield(`varbinds[${i}].oid`, vb.oid, '1.3.6.1.2.1.1.5.0');
        oid.classList.add('vb-oid');
        const type = select(`varbinds[${i}].type`, VARBIND_TYPES.map((x) => ({ value: x, label: x })), vb.type);
        type.classList.add('vb-type');
        const value = textfield(`varbinds[${i}].value`, vb.value, vb.type === 'Null' ? '' : 'value');
        value.classList.add('vb-value');
        const sync = () => {
          varbinds[i] = { oid: oid.value, type: type.value, value: value.value };
        };
        for (const el of [oid, type, value]) {
          el.addEventListener('input', sync);
          el.addEventListener('change', sync);
        }
        oid.label = `Varbind ${i + 1} OID`;
        type.label = `Varbind ${i + 1} type`;
        value.label = `Varbind ${i + 1} value`;
        const remove = h('vscode-button', { class: 'vb-remove', title: 'Remove this varbind', attrs: { secondary: true, icon: 'close', 'aria-label': `Remove varbind ${i + 1}` } });
        remove.addEventListener('click', () => {
          varbinds.splice(i, 1);
          renderVarbinds();
          validateTrap();
        });
        return h('div', { class: 'varbind-row', attrs: { 'data-index': String(i) } }, oid, type, value, remove, h('div', { class: 'error', attrs: { 'data-error': `varbinds[${i}]`, role: 'alert' } }));
      }),
    );
  }

  readTrap = () => {
    const port = sourcePort.value.trim();
    return {
      version,
      ...(version !== 'v3' ? { community: community.value } : {}),
      ...(version === 'v1' ? { agentAddress: agentAddress.value.trim() } : {}),
      ...(version === 'v3' ? { user: user.value, keys: { authKey: authKey.value || undefined, privKey: privKey.value || undefined } } : {}),
      trapOid: trapOid.value.trim(),
      varbinds: varbinds.map((v) => ({ ...v })),
      source: source.value.trim(),
      ...(port ? { sourcePort: Number(port) } : {}),
    };
  };

  function remember(): void {
    const { keys: _keys, ...rest } = readTrap(); // never keys in the saved state
    view.trap = rest;
    saveState();
  }

  function validateTrap(): ApiErrorDetail[] {
    const x = readTrap();
    const errors: ApiErrorDetail[] = [];
    // Core's check of a test trap (src/core/snmp/testTrap.ts), the one the extension applies before sending.
    errors.push(...testTrapProblems(x, snap?.users.map((s) => s.name)));
    const shown = [...errors, ...trapServerErrors.filter((s) => !errors.some((e) => e.field === s.field))];
    const unplaced = showErrors(trapForm, shown, (f) => trapSubmitted || trapTouched.has(f) || f.startsWith('varbinds['));
    trapFormError.textContent = unplaced.map((e) => `${e.field}: ${e.message}`).join(' · ');
    return errors;
  }

  const trapFormError = h('div', { class: 'form-error', attrs: { role: 'alert' } });
  const sendButton = button('Send Trap', () => void run('sendTrap'), { icon: 'send', cls: 'send-trap' });
  const evaluateButton = button('Evaluate without sending', () => void run('evaluateTrap'), { secondary: true, icon: 'beaker', cls: 'evaluate-trap' });
  const status = h('span', { class: 'status-line trap-status', attrs: { role: 'status' } });

  async function run(kind: 'sendTrap' | 'evaluateTrap'): Promise<void> {
    trapSubmitted = true;
    trapServerErrors = [];
    if (validateTrap().length) {
      setStatus(status, 'Fix the marked fields first.', true);
      return;
    }
    const trap = readTrap();
    if (kind === 'evaluateTrap') delete trap.keys; // evaluating needs no keys
    // Keys leave the page with this one message and are wiped from the form.
    authKey.value = '';
    privKey.value = '';
    for (const b of [sendButton, evaluateButton]) (b as HTMLElement & { disabled: boolean }).disabled = true;
    setStatus(status, kind === 'sendTrap' ? `Sending to ${snap?.trapTarget ? `${snap.trapTarget.host}:${snap.trapTarget.port}` : 'the gateway'}…` : 'Evaluating…');
    const answer = await request({ type: kind, requestId: nextRequestId++, trap });
    for (const b of [sendButton, evaluateButton]) (b as HTMLElement & { disabled: boolean }).disabled = false;
    if (answer.type !== 'trapResult') return;
    if (answer.result) {
      trapResult = answer.result;
      const matched = answer.result.evaluations.filter((e) => e.matched).length;
      setStatus(status, `${answer.result.mode === 'sent' ? 'Sent and received' : 'Evaluated'}: ${matched} of ${answer.result.evaluations.length} trigger${answer.result.evaluations.length === 1 ? '' : 's'} matched.`);
    } else {
      trapServerErrors = answer.fieldErrors ?? [];
      setStatus(status, answer.error ?? 'failed', true);
    }
    validateTrap();
    renderTrapResult();
  }

  trapForm.oninput = trapForm.onchange = (e: Event) => {
    const f = (e.target as HTMLElement).closest<HTMLElement>('[data-field]')?.dataset.field;
    if (f) {
      trapTouched.add(f);
      trapServerErrors = trapServerErrors.filter((s) => s.field !== f);
    }
    layout();
    remember();
    validateTrap();
  };

  const target = snap.trapTarget;
  trapForm.replaceChildren(
    h('div', { class: 'note muted', text: target ? `Traps go over UDP to ${target.host}:${target.port}, the gateway's SNMP trap port. The gateway then says which triggers matched and, for each that did not, the condition that failed.` : 'The gateway’s SNMP trap port is unknown: Evaluate still works.' }),
    row(
      'SNMP version',
      'version',
      radios('version', [...SNMP_VERSIONS], version, (v) => {
        version = v as SnmpVersion;
        layout();
        remember();
        validateTrap();
      }),
    ),
    communityRow,
    agentRow,
    userRow,
    ...keyRows,
    row('Trap OID', 'trapOid', trapOid, 'snmpTrapOID.0 (v1: turned into enterprise / generic / specific trap).'),
    row('Varbinds', 'varbinds', h('div', {}, varbindHost, button('Add varbind', () => {
      varbinds.push({ oid: '', type: 'OctetString', value: '' });
      renderVarbinds();
      remember();
    }, { secondary: true, icon: 'add', cls: 'add-varbind' }))),
    row('Source address', 'source', source, 'The local address to send from: 127.0.0.1, or another loopback such as 127.0.0.2 to exercise address conditions.'),
    row('Source port', 'sourcePort', sourcePort, 'Optional (default: any free port).'),
    trapFormError,
    h('div', { class: 'form-buttons' }, sendButton, evaluateButton, status),
  );
  renderVarbinds();
  layout();
  queueMicrotask(() => validateTrap());
}

function evaluationRow(e: TriggerEvaluation, executions: StartedExecution[]): HTMLElement {
  const own = !!snap && e.packageName === snap.scope.packageName && e.packageVersion === snap.scope.packageVersion;
  const detail = h('td', { class: 'detail' });
  if (e.matched) {
    const started = executions.filter((x) => x.triggerId === e.triggerId);
    if (started.length === 0 && trapResult?.mode === 'evaluated') detail.append(h('span', { class: 'muted', text: 'would start its flow (not sent)' }));
    for (const x of started) {
      if (!x.id) {
        detail.append(h('div', { class: 'error-text', text: `no execution started: ${x.error ?? e.error ?? 'unknown error'}` }));
        continue;
      }
      const link = h('a', { class: 'execution-link', text: `execution ${shortId(x.id)}`, title: `${x.id} — open Running Executions`, attrs: { href: '#', 'data-execution': x.id } });
      link.addEventListener('click', (ev) => {
        ev.preventDefault();
        channel.post({ type: 'openExecutions' });
      });
      detail.append(
        h(
          'div',
          { class: 'execution', attrs: { 'data-execution': x.id } },
          link,
          ' ',
          h('span', { class: `exec-status status-${x.status.toLowerCase()}`, text: x.status }),
          x.initiator ? h('span', { class: 'muted', text: ` · ${x.initiator}` }) : null,
          x.error ? h('span', { class: 'error-text', text: ` · ${x.error}` }) : null,
        ),
      );
    }
    if (e.error && started.length === 0) detail.append(h('div', { class: 'error-text', text: e.error }));
  } else if (e.failed) {
    detail.append(h('span', { class: 'failed-condition', text: e.failed.condition }), h('span', { class: 'failed-message', text: `: ${e.failed.message}` }));
  }
  return h(
    'tr',
    { class: `evaluation ${e.matched ? 'matched' : 'not-matched'}`, attrs: { 'data-trigger': e.triggerName, 'data-trigger-id': e.triggerId } },
    h('td', { class: 'strong', text: e.triggerName }),
    h('td', { class: own ? '' : 'muted', text: own ? 'this version' : `${e.packageName} v${e.packageVersion}` }),
    h('td', { class: 'result' }, icon(e.matched ? 'pass' : 'circle-slash', e.matched ? 'ok-icon' : 'no-icon'), h('span', { text: e.matched ? ' matched' : ' not matched' })),
    detail,
  );
}

function renderTrapResult(): void {
  const r = trapResult;
  if (!r) {
    trapResultHost.replaceChildren();
    return;
  }
  const own = (e: TriggerEvaluation) => (snap && e.packageName === snap.scope.packageName && e.packageVersion === snap.scope.packageVersion ? 0 : 1);
  const evaluations = [...r.evaluations].sort((a, b) => own(a) - own(b) || Number(b.matched) - Number(a.matched) || a.triggerName.localeCompare(b.triggerName));
  const p = r.pdu;
  const heading =
    r.mode === 'sent'
      ? `Trap ${shortId(r.trapId ?? '')} received by the gateway at ${formatTime(r.receivedAt)}`
      : 'Evaluated by the gateway (not sent)';
  const pduLine = `${p.version} from ${p.source.address}:${p.source.port}${p.community !== undefined ? ` · community ${p.community}` : ''}${p.user ? ` · user ${p.user}` : ''} · OID ${p.trapOid}${p.agentAddress ? ` · agent ${p.agentAddress}` : ''} · ${p.varbinds.length} varbind${p.varbinds.length === 1 ? '' : 's'}`;
  trapResultHost.replaceChildren(
    h('h2', { class: 'form-title', text: heading }),
    h('div', { class: 'muted pdu-line', text: pduLine }),
    evaluations.length
      ? h(
          'table',
          { class: 'grid evaluations' },
          h('thead', {}, h('tr', {}, ...['Trigger', 'Package version', 'Result', 'Executions started / condition that failed'].map((t) => h('th', { text: t })))),
          h('tbody', {}, ...evaluations.map((e) => evaluationRow(e, r.executions))),
        )
      : h('div', { class: 'empty', text: 'The gateway has no triggers: nothing to match.' }),
  );
}

// ---- messages --------------------------------------------------------------------------------------

channel.onMessage((m) => {
  switch (m.type) {
    case 'snapshot': {
      const first = !snap;
      const usersKey = (x: TriggersSnapshot | undefined) => JSON.stringify(x?.users ?? []) + JSON.stringify(x?.trapTarget ?? null);
      const usersChanged = usersKey(snap) !== usersKey(m.snapshot);
      snap = m.snapshot;
      if (first) {
        loading.remove();
        app.append(tabs);
      }
      renderHeader();
      renderTriggers();
      renderUsers();
      // The test-trap form keeps what is typed; it is rebuilt only when its user list or target changed.
      if (first || usersChanged) renderTrapForm();
      renderTrapResult();
      showTab(m.show ?? view.tab);
      return;
    }
    case 'show':
      showTab(m.tab);
      return;
    case 'done':
    case 'trapResult': {
      const resolve = waiting.get(m.requestId);
      waiting.delete(m.requestId);
      resolve?.(m);
      return;
    }
    case 'executions': {
      if (!trapResult) return;
      for (const x of m.executions) {
        const i = trapResult.executions.findIndex((y) => y.id === x.id);
        if (i >= 0) trapResult.executions[i] = x;
      }
      renderTrapResult();
      return;
    }
  }
});

channel.post({ type: 'ready' });
