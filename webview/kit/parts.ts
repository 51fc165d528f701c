/**
 * Small templates every page draws the same way: icons, buttons with an icon, badges, the form row
 * with its label, required mark, help and error slot. (Templates, not elements: they are drawn
 * inside the page's own elements and take no state of their own.)
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

/** A codicon. */
export function icon(name: string, cls = ''): TemplateResult {
  return html`<vscode-icon class=${cls || nothing} name=${name} aria-hidden="true"></vscode-icon>`;
}

export interface ButtonOptions {
  /** A codicon shown before the label (every action button has one: one product). */
  icon?: string;
  secondary?: boolean;
  disabled?: boolean;
  /** Extra classes (tests and styles find buttons by them). */
  cls?: string;
  /** What the button acts on, for screen readers: "Delete schedule 'Nightly'". */
  ariaLabel?: string;
  title?: string;
}

/** A button with its icon; `onClick` runs on click (and Enter/Space, which vscode-button maps to click). */
export function button(label: string, onClick: (e: Event) => void, o: ButtonOptions = {}): TemplateResult {
  return html`<vscode-button
    class=${o.cls || nothing}
    ?secondary=${o.secondary ?? false}
    ?disabled=${o.disabled ?? false}
    icon=${ifDefined(o.icon)}
    title=${ifDefined(o.title)}
    aria-label=${ifDefined(o.ariaLabel)}
    @click=${(e: Event) => {
      if (!o.disabled) onClick(e);
    }}
    >${label}</vscode-button
  >`;
}

/** A small rounded badge: `kind` picks its colour (ok, warn, error, info, muted). */
export function badge(text: string, kind: 'ok' | 'warn' | 'error' | 'info' | 'muted', cls = ''): TemplateResult {
  return html`<span class="fg-badge ${kind} ${cls}">${text}</span>`;
}

export interface FormRowOptions {
  /** The field's key, as the gateway names it in errors (`expression`, `inputs.who`). */
  key: string;
  label: string;
  /** The control's id: the label's `for`. */
  id: string;
  required?: boolean;
  hint?: string | TemplateResult;
  /** The field's error, shown in its slot under the control. */
  error?: string;
  cls?: string;
}

/**
 * A labelled form row: label (with a required mark), the control, its help and its error slot
 * (`.field-error[data-error-for=<key>]`, announced when it appears).
 */
export function formRow(o: FormRowOptions, control: TemplateResult): TemplateResult {
  return html`<div class="form-row ${o.cls ?? ''}" data-field=${o.key}>
    <vscode-label for=${o.id} ?required=${o.required ?? false}>${o.label}</vscode-label>
    <div class="form-control">
      ${control}
      ${o.hint ? html`<div class="hint">${o.hint}</div>` : nothing}
      <div class="field-error" data-error-for=${o.key} role="alert" ?hidden=${!o.error}>${o.error ?? ''}</div>
    </div>
  </div>`;
}

export interface FormButtonsOptions {
  /** "Create", "Save", "Add User". */
  saveLabel: string;
  onSave: () => void;
  onCancel: () => void;
  /** A save is under way: Save is disabled. */
  saving: boolean;
  /** Class of the save button (tests find it): default `save`. */
  saveCls?: string;
  /** What Save acts on, for screen readers: "Save schedule 'Nightly'". */
  saveAriaLabel?: string;
  /** After the buttons: the form's status line. */
  status?: TemplateResult;
}

/** A form's Save and Cancel buttons (`.save`, `.cancel`), the same in every page. */
export function formButtons(o: FormButtonsOptions): TemplateResult {
  return html`<div class="form-buttons">
    ${button(o.saveLabel, o.onSave, { icon: 'save', cls: o.saveCls ?? 'save', disabled: o.saving, ariaLabel: o.saveAriaLabel })}
    ${button('Cancel', o.onCancel, { icon: 'close', secondary: true, cls: 'cancel', ariaLabel: 'Cancel: close the form without saving' })}
    ${o.status ?? nothing}
  </div>`;
}

/**
 * A banner above a page's content: a warning, an error (`role="alert"`) or a note, with its icon.
 * `text` is text (never HTML: a gateway's or a package's words are shown as they are).
 */
export function banner(kind: 'error' | 'warning' | 'note', text: string | TemplateResult, cls = ''): TemplateResult {
  const name = kind === 'error' ? 'error' : kind === 'warning' ? 'warning' : 'info';
  return html`<div class="banner ${kind} ${cls}" role=${kind === 'error' ? 'alert' : 'note'}>${icon(name)}<span class="banner-text">${text}</span></div>`;
}
