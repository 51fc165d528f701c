/**
 * `<fg-trigger-form>`: a new trigger or an edited one — name, flow, the conditions (device address
 * and port, trap OID, SNMP version with its community, agent address or users), the chosen flow's
 * inputs (`<fg-flow-inputs>`, following every flow change), the input that receives the trap PDU,
 * and Enabled. Every edit is checked with core's validateTriggerSpec (the gateway's own rule) and
 * shown under its field once the field was touched (every field after Save). The form holds its
 * draft (`draft`) and fires `trigger-draft` with it (the app keeps it across hiding the panel);
 * a save fires `trigger-saved`, Cancel `form-cancel`.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, type PropertyDeclarations, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { SNMP_VERSIONS } from '../../src/core/model/trigger';
import { validateTriggerSpec } from '../../src/core/triggers/validate';
import '../kit/flowInputs';
import '../kit/statusLine';
import { flowInputValues, inputTexts } from '../kit/flowInputs';
import { count } from '../kit/format';
import { formButtons } from '../kit/parts';
import type { ApiErrorDetail } from '../protocol/rpc';
import { fieldKey, type FlowSignature, type Trigger, type TriggerDraft, type TriggerSpec } from '../protocol/triggers';
import { checkboxField, multiSelectField, radioField, row, selectField, textField } from './fields';
import { CheckedForm } from './checkedForm';
import { failure, fieldErrors, info, wholeErrors } from './page';

const PDU_NOTE = 'receives the trap PDU';

/** The form's draft of a trigger (a new one when `t` is undefined). */
export function triggerDraft(t: Trigger | undefined, flows: FlowSignature[]): TriggerDraft {
  const c = t?.conditions;
  const flow = t?.flow ?? flows[0]?.id ?? '';
  return {
    ...(t ? { id: t.id } : {}),
    name: t?.name ?? '',
    description: t?.description ?? '',
    flow,
    version: c?.version ?? 'v2c',
    deviceAddress: c?.deviceAddress ?? '*',
    devicePort: c?.devicePort ?? '*',
    trapOid: c?.trapOid ?? '*',
    community: c?.community ?? '*',
    agentAddress: c?.agentAddress ?? '*',
    users: [...(c?.users ?? [])],
    inputs: inputTexts(
      flows.find((f) => f.id === flow),
      t?.inputs,
    ),
    pduVariable: t?.pduVariable ?? '',
    enabled: t ? t.enabled : true,
  };
}

/** The inputs of a flow that can receive the trap PDU (objects, or any). */
function pduInputs(flow: FlowSignature | undefined): string[] {
  return Object.entries(flow?.inputs ?? {})
    .filter(([, d]) => d.type === 'object' || d.type === 'any')
    .map(([k]) => k);
}

export class FgTriggerForm extends CheckedForm<TriggerDraft> {
  static override properties: PropertyDeclarations = { ...CheckedForm.properties, flows: { attribute: false } };

  declare flows: FlowSignature[];

  constructor() {
    super(triggerDraft(undefined, []));
    this.flows = [];
  }

  protected override firstUpdated(changed: PropertyValues): void {
    super.firstUpdated(changed);
    this.scrollIntoView({ block: 'start' });
    (this.querySelector('#trigger-name') as HTMLElement | null)?.focus();
  }

  private flow(): FlowSignature | undefined {
    return this.flows.find((f) => f.id === this.draft.flow);
  }

  /** Changes the draft: the fields are touched and lose their last refusal. */
  private edit(change: Partial<TriggerDraft>, ...fields: string[]): void {
    let next = { ...this.draft, ...change };
    if (change.flow !== undefined && change.flow !== this.draft.flow) {
      // The chosen flow's inputs: the texts of inputs of the same name are kept.
      const flow = this.flows.find((f) => f.id === change.flow);
      const texts: Record<string, string> = {};
      for (const name of Object.keys(flow?.inputs ?? {})) texts[name] = Object.hasOwn(next.inputs, name) ? next.inputs[name] : '';
      next = { ...next, inputs: texts, pduVariable: pduInputs(flow).includes(next.pduVariable) ? next.pduVariable : '' };
    }
    this.draft = next;
    this.note(fields, fieldKey);
    this.emit('trigger-draft', next);
  }

  /** The spec the draft describes, and the inputs' own problems (typed text that is no value of its type). */
  private read(): { spec: TriggerSpec; inputErrors: ApiErrorDetail[] } {
    const d = this.draft;
    const provided: Record<string, string> = d.pduVariable ? { [d.pduVariable]: PDU_NOTE } : {};
    const { inputs, errors } = flowInputValues(this.flow(), d.inputs, provided);
    const spec: TriggerSpec = {
      name: d.name.trim(),
      ...(d.description.trim() ? { description: d.description.trim() } : {}),
      flow: d.flow,
      conditions: {
        deviceAddress: d.deviceAddress.trim(),
        devicePort: d.devicePort.trim(),
        trapOid: d.trapOid.trim(),
        version: d.version,
        ...(d.version !== 'v3' ? { community: d.community.trim() } : {}),
        ...(d.version === 'v1' ? { agentAddress: d.agentAddress.trim() } : {}),
        ...(d.version === 'v3' ? { users: [...d.users] } : {}),
      },
      inputs,
      ...(d.pduVariable ? { pduVariable: d.pduVariable } : {}),
      enabled: d.enabled,
    };
    return { spec, inputErrors: errors };
  }

  /** Every problem of the draft, by core's rule (as the gateway checks it on save). */
  private problems(): ApiErrorDetail[] {
    const { spec, inputErrors } = this.read();
    const flow = spec.flow ? (this.flow() ?? null) : undefined;
    const rule = validateTriggerSpec(spec, flow, { knownUsers: this.users.map((u) => u.name) });
    return [...rule.filter((e) => !inputErrors.some((i) => i.field === e.field)), ...inputErrors];
  }

  private async save(): Promise<void> {
    if (!this.channel || this.saving) return;
    this.submitted = true;
    const problems = this.problems();
    if (problems.length) {
      this.status = failure(`Fix ${count(problems.length, 'problem')} first.`);
      return;
    }
    const { spec } = this.read();
    const id = this.draft.id;
    this.saving = true;
    this.status = info('Saving…');
    const reply = await this.channel.request('saveTrigger', { ...(id ? { id } : {}), spec });
    this.saving = false;
    if (reply.ok) {
      this.status = info('');
      this.emit('trigger-saved', { trigger: reply.result, created: !id });
      return;
    }
    this.server = fieldErrors(reply.errors);
    this.status = failure(wholeErrors(reply.errors, 'Not saved: see the marked fields.'));
  }

  protected override render(): TemplateResult {
    const d = this.draft;
    const flow = this.flow();
    const local = this.problems();
    // What each field shows: its own problem once touched (all after Save), else the gateway's refusal.
    const shown = this.shownErrors(local, fieldKey);
    const inputErrors: Record<string, string> = {};
    for (const e of [...this.server, ...(this.submitted ? local : [])]) if (e.field.startsWith('inputs.')) inputErrors[e.field] ??= e.message;
    const err = (key: string) => shown.get(key);
    const rows = new Set(['name', 'description', 'flow', 'conditions.deviceAddress', 'conditions.devicePort', 'conditions.trapOid', 'conditions.version', 'conditions.community', 'conditions.agentAddress', 'conditions.users', 'pduVariable', 'enabled']);
    const rest = this.submitted ? shown.rest((f) => rows.has(f) || f.startsWith('inputs.')) : '';
    const pduChoices = pduInputs(flow);
    const userNames = [...new Set([...this.users.map((u) => u.name), ...d.users])];
    const text = (id: string, field: string, value: string, on: (v: string) => void, placeholder: string) =>
      textField({ id, field, value, placeholder, on, invalid: !!err(field) });
    return html`<section class="form trigger-form" data-mode=${d.id ? 'edit' : 'new'} aria-labelledby="trigger-form-title">
      <h2 class="form-title" id="trigger-form-title">${d.id ? `Edit trigger '${d.name}'` : 'New trigger'}</h2>
      ${row({ key: 'name', label: 'Name', id: 'trigger-name', required: true, error: err('name') }, text('trigger-name', 'name', d.name, (v) => this.edit({ name: v }, 'name'), 'Link down on core routers'))}
      ${row({ key: 'description', label: 'Description', id: 'trigger-description', error: err('description') }, text('trigger-description', 'description', d.description, (v) => this.edit({ description: v }, 'description'), 'optional'))}
      ${row(
        { key: 'flow', label: 'Flow', id: 'trigger-flow', required: true, error: err('flow'), hint: this.flows.length ? undefined : 'This version has no flows.' },
        selectField({ id: 'trigger-flow', field: 'flow', value: d.flow, choices: this.flows.map((f) => ({ value: f.id, label: f.id })), invalid: !!err('flow'), on: (v) => this.edit({ flow: v }, 'flow') }),
      )}
      <h3 class="subheading">Conditions</h3>
      <div class="conditions-editor">
        ${row(
          { key: 'conditions.deviceAddress', label: 'Device address', id: 'trigger-address', required: true, error: err('conditions.deviceAddress'), hint: 'IPv4 address, comma list, range a-b, CIDR 10.0.0.0/8, or *.' },
          text('trigger-address', 'conditions.deviceAddress', d.deviceAddress, (v) => this.edit({ deviceAddress: v }, 'conditions.deviceAddress'), '10.0.0.0/8, 192.168.1.1-192.168.1.20, *'),
        )}
        ${row(
          { key: 'conditions.devicePort', label: 'Device port', id: 'trigger-port', required: true, error: err('conditions.devicePort'), hint: 'Source UDP port of the trap: a port, list, range a-b, or *.' },
          text('trigger-port', 'conditions.devicePort', d.devicePort, (v) => this.edit({ devicePort: v }, 'conditions.devicePort'), '162, 1024-65535, *'),
        )}
        ${row(
          { key: 'conditions.trapOid', label: 'Trap OID', id: 'trigger-oid', required: true, error: err('conditions.trapOid'), hint: 'An OID, list, range a-b (compared component by component), or *.' },
          text('trigger-oid', 'conditions.trapOid', d.trapOid, (v) => this.edit({ trapOid: v }, 'conditions.trapOid'), '1.3.6.1.6.3.1.1.5.3, *'),
        )}
        ${row(
          { key: 'conditions.version', label: 'SNMP version', id: 'trigger-version', required: true, error: err('conditions.version') },
          radioField({ id: 'trigger-version', field: 'conditions.version', value: d.version, choices: SNMP_VERSIONS, on: (v) => this.edit({ version: v as TriggerDraft['version'] }, 'conditions.version') }),
        )}
        ${row(
          { key: 'conditions.community', label: 'Community', id: 'trigger-community', error: err('conditions.community'), hint: 'v1 and v2c: a value, a comma list, or *.', hidden: d.version === 'v3' },
          text('trigger-community', 'conditions.community', d.community, (v) => this.edit({ community: v }, 'conditions.community'), 'public, private, *'),
        )}
        ${row(
          { key: 'conditions.agentAddress', label: 'Agent address', id: 'trigger-agent', error: err('conditions.agentAddress'), hint: 'v1 only: the agent-addr of the trap PDU, matched like the device address.', hidden: d.version !== 'v1' },
          text('trigger-agent', 'conditions.agentAddress', d.agentAddress, (v) => this.edit({ agentAddress: v }, 'conditions.agentAddress'), '10.0.0.1, 10.0.0.0/8, *'),
        )}
        ${row(
          {
            key: 'conditions.users',
            label: 'SNMPv3 users',
            id: 'trigger-users',
            required: true,
            error: err('conditions.users'),
            hidden: d.version !== 'v3',
            hint: this.users.length ? 'A trap from any of these users matches.' : 'This gateway has no SNMPv3 users yet: add them on the SNMPv3 Users tab.',
          },
          multiSelectField({
            id: 'trigger-users',
            field: 'conditions.users',
            value: d.users,
            invalid: !!err('conditions.users'),
            choices: userNames.map((u) => {
              const known = this.users.find((x) => x.name === u);
              return { value: u, label: known ? `${u} (${known.level})` : `${u} (not on this gateway)` };
            }),
            on: (v) => this.edit({ users: v }, 'conditions.users'),
          }),
        )}
      </div>
      <h3 class="subheading">${flow ? `Inputs of ${flow.id}` : 'Inputs'}</h3>
      <fg-flow-inputs
        id-prefix="trigger-input"
        .flow=${flow}
        .texts=${d.inputs}
        .errors=${inputErrors}
        .provided=${d.pduVariable ? { [d.pduVariable]: PDU_NOTE } : {}}
        @inputs-change=${(e: CustomEvent<Record<string, string>>) => {
          e.stopPropagation();
          const changed = Object.keys(e.detail).filter((k) => e.detail[k] !== d.inputs[k]);
          this.edit({ inputs: { ...e.detail } }, ...changed.map((k) => `inputs.${k}`));
        }}
      ></fg-flow-inputs>
      ${row(
        {
          key: 'pduVariable',
          label: 'Trap PDU input',
          id: 'trigger-pdu',
          error: err('pduVariable'),
          hint: 'Optional: an object input of the flow that receives the whole trap (version, community or user, source, varbinds…), overriding other values.',
        },
        selectField({
          id: 'trigger-pdu',
          field: 'pduVariable',
          value: d.pduVariable,
          choices: [{ value: '', label: '(none)' }, ...pduChoices.map((k) => ({ value: k, label: k }))],
          invalid: !!err('pduVariable'),
          on: (v) => this.edit({ pduVariable: v }, 'pduVariable'),
        }),
      )}
      ${row({ key: 'enabled', label: 'Enabled', id: 'trigger-enabled', error: err('enabled') }, checkboxField({ id: 'trigger-enabled', field: 'enabled', value: d.enabled, label: 'Fires while the version is published', on: (v) => this.edit({ enabled: v }, 'enabled') }))}
      ${rest ? html`<div class="form-error" role="alert">${rest}</div>` : nothing}
      ${formButtons({
        saveLabel: d.id ? 'Save' : 'Create',
        onSave: () => void this.save(),
        onCancel: () => this.emit('form-cancel', undefined),
        saving: this.saving,
        saveAriaLabel: d.id ? `Save trigger '${d.name}'` : 'Create the trigger',
        status: html`<fg-status-line .kind=${this.status.kind} .text=${this.status.text}></fg-status-line>`,
      })}
    </section>`;
  }
}
customElements.define('fg-trigger-form', FgTriggerForm);

declare global {
  interface HTMLElementTagNameMap {
    'fg-trigger-form': FgTriggerForm;
  }
  interface HTMLElementEventMap {
    'trigger-saved': CustomEvent<{ trigger: Trigger; created: boolean }>;
    'trigger-draft': CustomEvent<TriggerDraft | undefined>;
    'form-cancel': CustomEvent<undefined>;
  }
}
