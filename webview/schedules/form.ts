/**
 * `<fg-schedule-form>`: a new schedule or an edit of one — name, description, the flow (a dropdown
 * of the version's flows), the expression with its live preview (`<fg-cron-preview>`), the time
 * zone (a searchable dropdown of the IANA zones), the flow's declared inputs (`<fg-flow-inputs>`,
 * each checked as it is typed) and Enabled. Required fields are marked; Create/Save checks them
 * first (a flow is required), then sends the `save` request and shows the gateway's errors next to
 * the fields they name.
 *
 * The app gives it the form's state (`state`, kept across hiding the panel); every edit fires
 * `form-change` with the new state. `form-saved` (the saved schedule) and `form-cancel` close it.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { FieldErrors, formButtons, formRow, PageElement, timeZones, type Channel, type FgFlowInputs } from '../kit';
import { DEFAULT_TIMEZONE, type ApiErrorDetail, type FlowSignature, type ScheduleBody, type ScheduleFormState, type SchedulesRequests } from '../protocol/schedules';
import './preview';

/** The channel's `request`, as the app hands it to its elements. */
export type ScheduleRequest = Channel<SchedulesRequests, { type: string }, { type: string }, unknown>['request'];

/** The zones of the Time zone dropdown (UTC first). */
const ZONES = timeZones(DEFAULT_TIMEZONE);

/** The rows of the form, by the gateway's names for their fields (what a reply's errors name). */
const FIELDS = ['name', 'description', 'flow', 'type', 'expression', 'timezone', 'inputs', 'enabled'];

/** Input texts for another flow: what was typed is kept where an input of the same name is declared. */
function keepInputs(flow: FlowSignature | undefined, texts: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(flow?.inputs ?? {}).map((name) => [name, texts[name] ?? '']));
}

export class FgScheduleForm extends PageElement {
  static override properties = {
    state: { attribute: false },
    flows: { attribute: false },
    editingName: { type: String },
    request: { attribute: false },
    errors: { state: true },
    previewErrors: { state: true },
    saving: { state: true },
  };

  declare state: ScheduleFormState;
  /** The version's flows (undefined until the first snapshot). */
  declare flows: FlowSignature[] | undefined;
  declare editingName: string;
  declare request: ScheduleRequest | undefined;
  /** The errors of the last Create/Save (the page's checks or the gateway's), until their field changes. */
  declare errors: ApiErrorDetail[];
  /** The preview's errors (expression, time zone). */
  declare previewErrors: ApiErrorDetail[];
  declare saving: boolean;

  constructor() {
    super();
    this.state = { editingId: null, name: '', description: '', flow: '', expression: '', timezone: DEFAULT_TIMEZONE, enabled: true, inputs: {} };
    this.flows = undefined;
    this.editingName = '';
    this.request = undefined;
    this.errors = [];
    this.previewErrors = [];
    this.saving = false;
  }

  private flowOf(id: string): FlowSignature | undefined {
    return this.flows?.find((f) => f.id === id);
  }

  /** Changes the form (and forgets the errors of the fields changed and the form-wide one). */
  private change(patch: Partial<ScheduleFormState>, fields: string[] = Object.keys(patch)): void {
    this.state = { ...this.state, ...patch };
    this.errors = this.errors.filter((e) => !fields.includes(e.field) && e.field !== '');
    this.emit('form-change', this.state);
  }

  private onInputs(texts: Record<string, string>): void {
    const changed = Object.keys(texts).filter((name) => texts[name] !== this.state.inputs[name]);
    this.change({ inputs: texts }, ['inputs', ...changed.map((name) => `inputs.${name}`)]);
  }

  private async submit(): Promise<void> {
    const s = this.state;
    const errors: ApiErrorDetail[] = [];
    if (!s.name.trim()) errors.push({ field: 'name', message: 'required: a name for the schedule' });
    if (!s.flow) errors.push({ field: 'flow', message: 'required: pick a flow of this version' });
    if (!s.expression.trim()) errors.push({ field: 'expression', message: 'required: a cron expression, e.g. "*/5 * * * *"' });
    const typed = this.querySelector<FgFlowInputs>('fg-flow-inputs')?.values() ?? { inputs: {}, errors: [] };
    errors.push(...typed.errors);
    this.errors = errors;
    if (errors.length || !this.request) return;
    const body: ScheduleBody = {
      name: s.name.trim(),
      flow: s.flow,
      type: 'CRON',
      expression: s.expression.trim(),
      timezone: s.timezone || DEFAULT_TIMEZONE,
      inputs: typed.inputs,
      enabled: s.enabled,
    };
    if (s.description.trim()) body.description = s.description.trim();
    this.saving = true;
    const reply = await this.request('save', s.editingId ? { id: s.editingId, body } : { body });
    this.saving = false;
    if (reply.ok) this.emit('form-saved', reply.result);
    else this.errors = reply.errors;
  }

  private flowSelect(): TemplateResult {
    const s = this.state;
    const ids = (this.flows ?? []).map((f) => f.id);
    if (s.flow && !ids.includes(s.flow)) ids.unshift(s.flow);
    const missing = this.flows ? 'not in this version' : '';
    return html`<vscode-single-select
      id="f-flow"
      class="flow-field"
      aria-label="Flow"
      @change=${(e: Event) => {
        const flow = (e.target as HTMLSelectElement).value;
        if (flow !== this.state.flow) this.change({ flow, inputs: keepInputs(this.flowOf(flow), this.state.inputs) }, ['flow', 'inputs']);
      }}
    >
      ${s.flow ? nothing : html`<vscode-option value="" selected>Pick a flow…</vscode-option>`}
      ${ids.map((id) => html`<vscode-option value=${id} description=${this.flowOf(id)?.description ?? missing} ?selected=${id === s.flow}>${id}</vscode-option>`)}
    </vscode-single-select>`;
  }

  private zoneSelect(): TemplateResult {
    const zone = this.state.timezone || DEFAULT_TIMEZONE;
    const zones = ZONES.includes(zone) ? ZONES : [zone, ...ZONES];
    return html`<vscode-single-select
      id="f-timezone"
      class="timezone-field"
      aria-label="Time zone"
      combobox
      filter="contains"
      @change=${(e: Event) => {
        const timezone = (e.target as HTMLSelectElement).value;
        if (timezone && timezone !== this.state.timezone) this.change({ timezone });
      }}
    >
      ${zones.map((z) => html`<vscode-option value=${z} ?selected=${z === zone}>${z}</vscode-option>`)}
    </vscode-single-select>`;
  }

  protected override render(): TemplateResult {
    const s = this.state;
    const errors = FieldErrors.of([...this.previewErrors, ...this.errors.filter((e) => !this.previewErrors.some((p) => p.field === e.field))]);
    const flow = this.flowOf(s.flow);
    const inputKeys = Object.keys(flow?.inputs ?? {}).map((name) => `inputs.${name}`);
    const inputErrors = Object.fromEntries(inputKeys.flatMap((k) => (errors.get(k) ? [[k, errors.get(k)!]] : [])));
    const rest = errors.rest((field) => FIELDS.includes(field) || inputKeys.includes(field));
    const flowHint = flow ? flow.description ?? '' : s.flow && this.flows ? `'${s.flow}' is not a flow of this version` : '';
    const title = s.editingId ? `Edit schedule '${this.editingName || s.name}'` : 'New schedule';
    return html`<section class="form" aria-labelledby="form-title">
      <h2 class="form-title" id="form-title">${title}</h2>
      ${formRow(
        { key: 'name', label: 'Name', id: 'f-name', required: true, error: errors.get('name') },
        html`<vscode-textfield id="f-name" class="schedule-name-field" placeholder="e.g. Nightly backup" .value=${s.name} @input=${(e: Event) => this.change({ name: (e.target as HTMLInputElement).value })}></vscode-textfield>`,
      )}
      ${formRow(
        { key: 'description', label: 'Description', id: 'f-description', error: errors.get('description') },
        html`<vscode-textarea id="f-description" class="description-field" rows="2" placeholder="What the schedule is for (optional)" .value=${s.description} @input=${(e: Event) => this.change({ description: (e.target as HTMLTextAreaElement).value })}></vscode-textarea>`,
      )}
      ${formRow({ key: 'flow', label: 'Flow', id: 'f-flow', required: true, error: errors.get('flow'), hint: flowHint }, this.flowSelect())}
      ${formRow({ key: 'type', label: 'Type', id: 'f-type', error: errors.get('type') }, html`<span id="f-type" class="type-value mono">CRON</span>`)}
      ${formRow(
        {
          key: 'expression',
          label: 'Expression',
          id: 'f-expression',
          required: true,
          error: errors.get('expression'),
          hint: 'Five fields (minute hour day-of-month month day-of-week), or six with a leading seconds field. When both day fields are set, a day must match both.',
        },
        html`<vscode-textfield id="f-expression" class="expression-field mono" spellcheck="false" placeholder="e.g. 0 30 2 * * 1-5   or   */5 * * * *" .value=${s.expression} @input=${(e: Event) => this.change({ expression: (e.target as HTMLInputElement).value })}></vscode-textfield>`,
      )}
      ${formRow(
        { key: 'timezone', label: 'Time zone', id: 'f-timezone', error: errors.get('timezone'), hint: 'IANA time zone the expression is read in (type to search); default UTC.' },
        this.zoneSelect(),
      )}
      <div class="form-row preview-row">
        <span class="row-label" id="preview-label">Preview</span>
        <div class="form-control" role="group" aria-labelledby="preview-label">
          <fg-cron-preview
            .expression=${s.expression}
            .timezone=${s.timezone}
            .request=${this.request}
            @preview-errors=${(e: CustomEvent<ApiErrorDetail[]>) => (this.previewErrors = e.detail)}
          ></fg-cron-preview>
        </div>
      </div>
      ${formRow(
        { key: 'inputs', label: 'Inputs', id: 'f-inputs', error: errors.get('inputs'), cls: 'inputs-row' },
        html`<fg-flow-inputs id="f-inputs" class="inputs" id-prefix="f-input" .flow=${flow} .texts=${s.inputs} .errors=${inputErrors} @inputs-change=${(e: CustomEvent<Record<string, string>>) => this.onInputs(e.detail)}></fg-flow-inputs>`,
      )}
      ${formRow(
        { key: 'enabled', label: 'Enabled', id: 'f-enabled', error: errors.get('enabled') },
        html`<vscode-checkbox id="f-enabled" class="enabled-field" label="Enabled (fires on its expression while the version is published)" ?checked=${s.enabled} @change=${(e: Event) => this.change({ enabled: (e.target as HTMLInputElement).checked })}></vscode-checkbox>`,
      )}
      <div class="form-error field-error" role="alert" data-error-for="" ?hidden=${!rest}>${rest}</div>
      ${formButtons({
        saveLabel: s.editingId ? 'Save' : 'Create',
        onSave: () => void this.submit(),
        onCancel: () => this.emit('form-cancel', undefined),
        saving: this.saving,
        saveAriaLabel: s.editingId ? `Save schedule '${s.name}'` : 'Create the schedule',
      })}
    </section>`;
  }
}
customElements.define('fg-schedule-form', FgScheduleForm);

declare global {
  interface HTMLElementTagNameMap {
    'fg-schedule-form': FgScheduleForm;
  }
}
