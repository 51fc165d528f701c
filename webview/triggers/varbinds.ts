/**
 * The varbind editor of Send Test Trap: one row per varbind — OID, type, value, Remove — each
 * field named for screen readers ("Varbind 2 OID"), the row's problem under it. The rows wrap on
 * narrow editors (triggers.css). A template: the trap form holds the list.
 */
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, type TemplateResult } from 'lit';
import { button, icon } from '../kit/parts';
import { VARBIND_TYPES, type TestTrap } from '../protocol/triggers';

export type Varbind = TestTrap['varbinds'][number];

export interface VarbindEditor {
  varbinds: readonly Varbind[];
  /** The problem of each row, by index. */
  errors: (index: number) => string | undefined;
  change(index: number, varbind: Varbind): void;
  add(): void;
  remove(index: number): void;
}

export function varbindEditor(o: VarbindEditor): TemplateResult {
  // Rows by position: a removed row's followers take its place, their fields set from the list.
  const rows = o.varbinds.map((vb, i) => {
      const n = i + 1;
      const error = o.errors(i);
      const set = (change: Partial<Varbind>) => o.change(i, { ...vb, ...change });
      return html`<div class="varbind-row" data-index=${i}>
        <vscode-textfield
          class="vb-oid mono"
          data-field=${`varbinds[${i}].oid`}
          .label=${`Varbind ${n} OID`}
          placeholder="1.3.6.1.2.1.1.5.0"
          ?invalid=${!!error}
          .value=${vb.oid}
          @input=${(e: Event) => set({ oid: (e.target as HTMLInputElement).value })}
        ></vscode-textfield>
        <vscode-single-select class="vb-type" data-field=${`varbinds[${i}].type`} .label=${`Varbind ${n} type`} @change=${(e: Event) => set({ type: (e.target as HTMLSelectElement).value })}>
          ${VARBIND_TYPES.map((t) => html`<vscode-option value=${t} ?selected=${t === vb.type}>${t}</vscode-option>`)}
        </vscode-single-select>
        <vscode-textfield
          class="vb-value"
          data-field=${`varbinds[${i}].value`}
          .label=${`Varbind ${n} value`}
          placeholder=${vb.type === 'Null' ? '' : 'value'}
          ?invalid=${!!error}
          .value=${vb.value}
          @input=${(e: Event) => set({ value: (e.target as HTMLInputElement).value })}
        ></vscode-textfield>
        ${button('Remove', () => o.remove(i), { icon: 'close', secondary: true, cls: 'vb-remove', ariaLabel: `Remove varbind ${n}`, title: 'Remove this varbind' })}
        <div class="field-error" data-error-for=${`varbinds[${i}]`} role="alert" ?hidden=${!error}>${error ? html`${icon('error')}<span>${error}</span>` : ''}</div>
      </div>`;
  });
  return html`<div class="varbinds" id="trap-varbinds" role="group" aria-label="Varbinds">
    ${o.varbinds.length ? rows : html`<div class="muted">No varbinds: the trap carries only its OID.</div>`}
    <div>${button('Add varbind', () => o.add(), { secondary: true, icon: 'add', cls: 'add-varbind' })}</div>
  </div>`;
}
