/**
 * `<fg-flow-inputs>`: the inputs a flow declares, one typed field each — a true/false choice for
 * booleans, a JSON area for objects, arrays and `any`, a text field otherwise — with the input's
 * name, type, required mark, description and default, and its error slot
 * (`.field-error[data-error-for="inputs.<name>"]`). Each field is checked as it is typed with
 * core's one rule (src/core/model/inputText.ts); the gateway checks again on save.
 *
 * It holds the typed texts (`texts`, by input name) and fires `inputs-change` with the new texts
 * on every edit. `errors` are the gateway's (by key `inputs.<name>`), shown until that field
 * changes. `values()` gives the inputs as values, or the errors by key (`flowInputValues` is the
 * same for a page that holds the texts itself). `provided` names inputs supplied another way (a
 * trigger's trap PDU): their field is disabled, says so, and needs no value.
 */
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import type { FlowSignature } from '../../src/core/api/types';
import { inputTextFromValue, inputValueFromText } from '../../src/core/model/inputText';
import type { ApiErrorDetail } from '../protocol/rpc';
import { PageElement } from './element';
import { icon } from './parts';

type Declaration = FlowSignature['inputs'][string];

/** A declared default as text for a hint or placeholder. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The texts the fields start with for a flow: the given ones kept, nothing for the rest. */
export function inputTexts(flow: FlowSignature | undefined, values: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, d] of Object.entries(flow?.inputs ?? {})) {
    out[name] = values && name in values ? inputTextFromValue(values[name], d.type) : '';
  }
  return out;
}

/** Why an input takes no value here, when `provided` names it (own keys only: an input may be called `constructor`). */
function providedWhy(provided: Record<string, string>, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(provided, name) ? provided[name] : undefined;
}

/** The typed inputs as values of their types (empty and `provided` fields left out), or the errors by field key. */
export function flowInputValues(
  flow: FlowSignature | undefined,
  texts: Record<string, string>,
  provided: Record<string, string> = {},
): { inputs: Record<string, unknown>; errors: ApiErrorDetail[] } {
  const inputs: Record<string, unknown> = {};
  const errors: ApiErrorDetail[] = [];
  for (const [name, d] of Object.entries(flow?.inputs ?? {})) {
    if (providedWhy(provided, name) !== undefined) continue;
    const r = inputValueFromText(texts[name] ?? '', d);
    if (r.kind === 'value') inputs[name] = r.value;
    else if (r.kind === 'error') errors.push({ field: `inputs.${name}`, message: r.message });
  }
  return { inputs, errors };
}

export class FgFlowInputs extends PageElement {
  static override properties = {
    flow: { attribute: false },
    texts: { attribute: false },
    errors: { attribute: false },
    idPrefix: { type: String, attribute: 'id-prefix' },
    provided: { attribute: false },
  };

  /** The flow whose inputs are shown (undefined: none picked yet). */
  declare flow: FlowSignature | undefined;
  declare texts: Record<string, string>;
  /** Errors from the gateway, by key (`inputs.who`). */
  declare errors: Record<string, string>;
  /** Prefix of the fields' ids (unique per form). */
  declare idPrefix: string;
  /** Inputs that take no value here, each with why (`{ trap: 'receives the trap PDU' }`). */
  declare provided: Record<string, string>;

  constructor() {
    super();
    this.flow = undefined;
    this.texts = {};
    this.errors = {};
    this.idPrefix = 'input';
    this.provided = {};
  }

  /** The typed inputs as values of their types (empty and `provided` fields left out), or the errors by field key. */
  values(): { inputs: Record<string, unknown>; errors: ApiErrorDetail[] } {
    return flowInputValues(this.flow, this.texts, this.provided);
  }

  private set(name: string, text: string): void {
    this.texts = { ...this.texts, [name]: text };
    if (this.errors[`inputs.${name}`]) {
      const { [`inputs.${name}`]: _gone, ...rest } = this.errors;
      this.errors = rest;
    }
    this.emit('inputs-change', this.texts);
  }

  private control(name: string, d: Declaration, id: string): TemplateResult {
    const text = this.texts[name] ?? '';
    const label = `Input ${name} (${d.type})`;
    // `.label` names the control's inner (shadow) input — the one that takes focus — for screen
    // readers; the host's aria-label does not reach it.
    const why = providedWhy(this.provided, name);
    if (why !== undefined) {
      return html`<vscode-textfield id=${id} data-input=${name} aria-label=${label} .label=${name} disabled placeholder=${why} .value=${''}></vscode-textfield>`;
    }
    if (d.type === 'boolean') {
      const unset = d.default !== undefined ? `(default: ${shown(d.default)})` : '(not set)';
      return html`<vscode-single-select id=${id} data-input=${name} aria-label=${label} .label=${name} @change=${(e: Event) => this.set(name, (e.target as HTMLSelectElement).value)}>
        ${[
          ['', unset],
          ['true', 'true'],
          ['false', 'false'],
        ].map(([value, text2]) => html`<vscode-option value=${value} ?selected=${value === text}>${text2}</vscode-option>`)}
      </vscode-single-select>`;
    }
    if (d.type === 'object' || d.type === 'array' || d.type === 'any') {
      const placeholder = d.default !== undefined ? `default: ${shown(d.default)}` : d.type === 'array' ? 'JSON, e.g. ["a", "b"]' : d.type === 'object' ? 'JSON, e.g. {"key": "value"}' : 'JSON value';
      return html`<vscode-textarea id=${id} class="mono" rows="3" data-input=${name} aria-label=${label} .label=${name} placeholder=${placeholder} .value=${text} @input=${(e: Event) => this.set(name, (e.target as HTMLTextAreaElement).value)}></vscode-textarea>`;
    }
    const placeholder = d.default !== undefined ? `default: ${shown(d.default)}` : d.type;
    return html`<vscode-textfield id=${id} class=${d.type === 'integer' || d.type === 'number' ? 'mono' : ''} data-input=${name} aria-label=${label} .label=${name} placeholder=${placeholder} .value=${text} @input=${(e: Event) => this.set(name, (e.target as HTMLInputElement).value)}></vscode-textfield>`;
  }

  protected override render(): TemplateResult {
    const f = this.flow;
    const entries = Object.entries(f?.inputs ?? {});
    if (!f) return html`<div class="muted">Pick a flow to see its inputs.</div>`;
    if (entries.length === 0) return html`<div class="muted">Flow '${f.id}' declares no inputs.</div>`;
    return html`${entries.map(([name, d]) => {
      const key = `inputs.${name}`;
      const id = `${this.idPrefix}-${name}`;
      const why = providedWhy(this.provided, name);
      const typed = why === undefined ? inputValueFromText(this.texts[name] ?? '', d) : undefined;
      const error = typed?.kind === 'error' ? typed.message : this.errors[key];
      const help = [why ?? '', d.description ?? '', d.default !== undefined ? `Default: ${shown(d.default)}` : ''].filter(Boolean).join(' · ');
      return html`<div class="input-row ${error ? 'invalid' : ''}" data-field=${key}>
        <label class="input-label" for=${id}>
          <span class="input-name mono">${name}</span>${d.required && why === undefined ? html`<span class="required" title="required" aria-label="required"> *</span>` : nothing}
          <span class="type-badge">${d.type}</span>
        </label>
        <div class="input-control">
          ${this.control(name, d, id)}
          <div class="field-error" data-error-for=${key} role="alert" ?hidden=${!error}>${error ? html`${icon('error')}<span>${error}</span>` : nothing}</div>
          ${help ? html`<div class="field-help">${help}</div>` : nothing}
        </div>
      </div>`;
    })}`;
  }
}
customElements.define('fg-flow-inputs', FgFlowInputs);

declare global {
  interface HTMLElementTagNameMap {
    'fg-flow-inputs': FgFlowInputs;
  }
  interface HTMLElementEventMap {
    'inputs-change': CustomEvent<Record<string, string>>;
  }
}
