/**
 * The Triggers page's form controls, drawn the same way in its three forms (trigger, SNMPv3 user,
 * test trap): each has an `id` (the kit's `formRow` label points at it with `for`, which also
 * names the control's inner input for screen readers), a `data-field` (the gateway's name for the
 * field, as errors name it) and reports every edit through `on`.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { formRow, type FormRowOptions } from '../kit/parts';

interface ControlOptions<T> {
  id: string;
  /** The field's key (`conditions.deviceAddress`). */
  field: string;
  value: T;
  on: (value: T) => void;
  cls?: string;
  disabled?: boolean;
  invalid?: boolean;
}

export function textField(o: ControlOptions<string> & { placeholder?: string; password?: boolean }): TemplateResult {
  return html`<vscode-textfield
    id=${o.id}
    class=${o.cls ?? nothing}
    data-field=${o.field}
    type=${o.password ? 'password' : 'text'}
    placeholder=${ifDefined(o.placeholder)}
    ?disabled=${o.disabled ?? false}
    ?invalid=${o.invalid ?? false}
    .value=${o.value}
    @input=${(e: Event) => o.on((e.target as HTMLInputElement).value)}
  ></vscode-textfield>`;
}

export interface Choice {
  value: string;
  label: string;
}

/** A dropdown; a `vscode-single-select`'s change event does not bubble, so it is heard on the select. */
export function selectField(o: ControlOptions<string> & { choices: readonly Choice[] }): TemplateResult {
  return html`<vscode-single-select
    id=${o.id}
    class=${o.cls ?? nothing}
    data-field=${o.field}
    ?disabled=${o.disabled ?? false}
    ?invalid=${o.invalid ?? false}
    @change=${(e: Event) => o.on((e.target as HTMLSelectElement).value)}
    >${o.choices.map((c) => html`<vscode-option value=${c.value} ?selected=${c.value === o.value}>${c.label}</vscode-option>`)}</vscode-single-select
  >`;
}

export function multiSelectField(o: ControlOptions<string[]> & { choices: readonly Choice[] }): TemplateResult {
  return html`<vscode-multi-select
    id=${o.id}
    data-field=${o.field}
    ?invalid=${o.invalid ?? false}
    @change=${(e: Event) => o.on([...((e.target as HTMLElement & { value: string[] }).value ?? [])])}
    >${o.choices.map((c) => html`<vscode-option value=${c.value} ?selected=${o.value.includes(c.value)}>${c.label}</vscode-option>`)}</vscode-multi-select
  >`;
}

/** One of a few values, as radio buttons (the row's label names the group). */
export function radioField(o: ControlOptions<string> & { choices: readonly string[] }): TemplateResult {
  return html`<vscode-radio-group id=${o.id} data-field=${o.field}>
    ${o.choices.map(
      (c) => html`<vscode-radio
        name=${o.id}
        value=${c}
        label=${c}
        ?checked=${c === o.value}
        @change=${(e: Event) => {
          if ((e.target as HTMLInputElement).checked) o.on(c);
        }}
      ></vscode-radio>`,
    )}
  </vscode-radio-group>`;
}

export function checkboxField(o: ControlOptions<boolean> & { label: string }): TemplateResult {
  return html`<vscode-checkbox
    id=${o.id}
    data-field=${o.field}
    label=${o.label}
    ?checked=${o.value}
    @change=${(e: Event) => o.on((e.target as HTMLInputElement).checked)}
  ></vscode-checkbox>`;
}

/** A form row shown or hidden (hidden rows stay in the page, so labels stay tied to their fields). */
export function row(o: FormRowOptions & { hidden?: boolean }, control: TemplateResult): TemplateResult {
  return html`<div class="row-host" ?hidden=${o.hidden ?? false}>${formRow(o, control)}</div>`;
}
