/**
 * `<fg-replacements>`: the reference replacements of an import being edited — one row per
 * replacement: kind (flow, connection), from (a reference the package's definitions make: those
 * the target lacks are offered first), to (what the target's repository holds, or what the
 * package carries; anything else may be typed), Remove; and Add Replacement. Each field shows its
 * error by its gateway name (`replacements[i].to`). It holds no state of its own: every edit is
 * a `rows-changed` event with the whole new list; the page keeps it.
 */
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { button, FieldErrors, icon, PageElement } from '../kit';
import type { DefinitionKind, DefinitionRef, ReplacementCandidates, ReplacementRow } from '../protocol/review';

export class FgReplacements extends PageElement {
  static override properties = {
    rows: { attribute: false },
    candidates: { attribute: false },
    errors: { attribute: false },
    disabled: { type: Boolean },
    readonly: { type: Boolean },
  };

  declare rows: ReplacementRow[];
  declare candidates: ReplacementCandidates;
  declare errors: FieldErrors;
  declare disabled: boolean;
  /** The import is closed (applied, rejected): the replacements are shown, not edited. */
  declare readonly: boolean;

  constructor() {
    super();
    this.rows = [];
    this.candidates = { references: [], target: [], package: [] };
    this.errors = new FieldErrors();
    this.disabled = false;
    this.readonly = false;
  }

  private change(rows: ReplacementRow[]): void {
    this.emit('rows-changed', rows);
  }

  private set(i: number, patch: Partial<ReplacementRow>): void {
    this.change(this.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  }

  /** The first reference the target lacks and no row replaces yet (what Add proposes). */
  private nextMissing(): DefinitionRef | undefined {
    return this.candidates.references.find((r) => !this.rows.some((row) => row.kind === r.kind && row.from === r.id));
  }

  private add(): void {
    const next = this.nextMissing();
    this.change([...this.rows, { kind: next?.kind ?? 'connection', from: next?.id ?? '', to: '' }]);
  }

  private select(cls: string, label: string, value: string, options: { id: string; description: string }[], onChange: (v: string) => void, disabled: boolean): TemplateResult {
    const ids = options.map((o) => o.id);
    const all = value && !ids.includes(value) ? [{ id: value, description: '' }, ...options] : options;
    return html`<vscode-single-select
      class=${cls}
      aria-label=${label}
      combobox
      creatable
      filter="contains"
      ?disabled=${disabled}
      @change=${(e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        if (v !== value) onChange(v);
      }}
    >
      ${value ? nothing : html`<vscode-option value="" selected>Pick or type…</vscode-option>`}
      ${all.map((o) => html`<vscode-option value=${o.id} description=${o.description} ?selected=${o.id === value}>${o.id}</vscode-option>`)}
    </vscode-single-select>`;
  }

  private fromOptions(kind: DefinitionKind): { id: string; description: string }[] {
    return this.candidates.references.filter((r) => r.kind === kind).map((r) => ({ id: r.id, description: 'referenced' }));
  }

  private toOptions(kind: DefinitionKind): { id: string; description: string }[] {
    const out: { id: string; description: string }[] = [];
    const seen = new Set<string>();
    const add = (list: DefinitionRef[], description: string) => {
      for (const r of list) {
        if (r.kind !== kind || seen.has(r.id)) continue;
        seen.add(r.id);
        out.push({ id: r.id, description });
      }
    };
    add(this.candidates.target, 'on the target');
    add(this.candidates.package, 'in the package');
    return out;
  }

  private row(r: ReplacementRow, i: number): TemplateResult {
    const at = `replacements[${i}]`;
    const rowError = this.errors.get(at);
    const fieldError = (key: string) => {
      const m = this.errors.get(`${at}.${key}`);
      return html`<div class="field-error" data-error-for=${`${at}.${key}`} role="alert" ?hidden=${!m}>${m ?? ''}</div>`;
    };
    return html`<li class="replacement" data-index=${i}>
      <div class="replacement-line">
        <div class="cell kind-cell">
          <vscode-single-select
            class="kind-field"
            aria-label=${`Kind of replacement ${i + 1}`}
            ?disabled=${this.disabled}
            @change=${(e: Event) => {
              const kind = (e.target as HTMLSelectElement).value as DefinitionKind;
              if (kind !== r.kind) this.set(i, { kind, from: '', to: '' });
            }}
          >
            <vscode-option value="connection" ?selected=${r.kind === 'connection'}>connection</vscode-option>
            <vscode-option value="flow" ?selected=${r.kind === 'flow'}>flow</vscode-option>
          </vscode-single-select>
          ${fieldError('kind')}
        </div>
        <div class="cell from-cell">
          ${this.select('from-field', `Replace which ${r.kind} (replacement ${i + 1})`, r.from, this.fromOptions(r.kind), (from) => this.set(i, { from }), this.disabled)}
          ${fieldError('from')}
        </div>
        <span class="arrow" aria-hidden="true">${icon('arrow-right')}</span>
        <div class="cell to-cell">
          ${this.select('to-field', `With which ${r.kind} (replacement ${i + 1})`, r.to, this.toOptions(r.kind), (to) => this.set(i, { to }), this.disabled)}
          ${fieldError('to')}
        </div>
        ${button('Remove', () => this.change(this.rows.filter((_, j) => j !== i)), {
          icon: 'remove',
          secondary: true,
          cls: 'remove-row',
          disabled: this.disabled,
          ariaLabel: `Remove replacement ${i + 1}${r.from ? ` of ${r.kind} '${r.from}'` : ''}`,
        })}
      </div>
      <div class="field-error" data-error-for=${at} role="alert" ?hidden=${!rowError}>${rowError ?? ''}</div>
    </li>`;
  }

  protected override render(): TemplateResult {
    if (this.readonly) {
      return this.rows.length === 0
        ? html`<p class="muted empty-replacements">No replacements.</p>`
        : html`<ul class="replacement-list readonly" aria-label="Reference replacements">
            ${this.rows.map((r) => html`<li class="replacement-done">${r.kind} <code class="from">${r.from}</code> ${icon('arrow-right')} <code class="to">${r.to}</code></li>`)}
          </ul>`;
    }
    return html`${this.rows.length === 0
        ? html`<p class="muted empty-replacements">No replacements: the definitions are applied with the references they carry.</p>`
        : html`<ul class="replacement-list" aria-label="Reference replacements">
            <li class="replacement-head" aria-hidden="true"><span>Kind</span><span>Replace</span><span></span><span>With</span><span></span></li>
            ${this.rows.map((r, i) => this.row(r, i))}
          </ul>`}
      ${button('Add Replacement', () => this.add(), { icon: 'add', secondary: true, cls: 'add-row', disabled: this.disabled, ariaLabel: 'Add a reference replacement' })}`;
  }
}
customElements.define('fg-replacements', FgReplacements);

declare global {
  interface HTMLElementTagNameMap {
    'fg-replacements': FgReplacements;
  }
}
