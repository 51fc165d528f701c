/**
 * `<fg-execution-details>`: the selected execution — its flow, status, id and how long it ran, the
 * facts (package, parent, root, initiator, where, when, children: every id a link), then its
 * inputs, outputs, error and log in collapsible sections.
 */
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import './duration';
import { html, nothing, type TemplateResult } from 'lit';
import { PageElement } from '../kit/element';
import { count, formatJson, formatTime, formatWhen } from '../kit/format';
import { isFinishedStatus, type ExecutionDetail, type ExecutionRow } from '../protocol/executions';
import { idLink, initiator, statusTemplate } from './table';

function section(heading: string, content: TemplateResult, open: boolean, description = ''): TemplateResult {
  return html`<vscode-collapsible heading=${heading} description=${description || nothing} ?open=${open}>
    <div class="section-body">${content}</div>
  </vscode-collapsible>`;
}

function json(value: unknown): TemplateResult {
  return html`<pre class="json">${formatJson(value)}</pre>`;
}

function logView(d: ExecutionDetail): TemplateResult {
  if (d.log.length === 0) return html`<div class="muted">No log entries.</div>`;
  return html`<div class="log">
    ${d.log.map(
      (e) => html`<div class="log-line level-${e.level}">
        <span class="log-time" title=${formatTime(e.at)}>${formatWhen(e.at)}</span>
        <span class="log-level">${e.level.toUpperCase()}</span>
        ${e.step ? html`<span class="log-step">[${e.step}]</span>` : nothing}
        <span class="log-message">${e.message}</span>
      </div>`,
    )}
  </div>`;
}

export class FgExecutionDetails extends PageElement {
  static override properties = {
    executionId: { type: String, attribute: 'execution-id' },
    row: { attribute: false },
    detail: { attribute: false },
    error: { type: String },
    offset: { type: Number },
  };

  /** The selected execution ('' for none). */
  declare executionId: string;
  /** Its row, when listed (the status and the ticking duration come from there). */
  declare row: ExecutionRow | undefined;
  declare detail: ExecutionDetail | undefined;
  /** Why the details could not be loaded. */
  declare error: string;
  declare offset: number;

  constructor() {
    super();
    this.executionId = '';
    this.row = undefined;
    this.detail = undefined;
    this.error = '';
    this.offset = 0;
  }

  private facts(d: ExecutionDetail): TemplateResult {
    return html`<dl class="facts">
      <dt>Package</dt>
      <dd>${d.draft ? html`draft run of ${d.packageName} v${d.packageVersion} (workspace files, not a published version)` : `${d.packageName} v${d.packageVersion}`}</dd>
      <dt>Parent</dt>
      <dd>${idLink(d.parentId, true)}</dd>
      <dt>Root</dt>
      <dd>${idLink(d.rootId, true)}</dd>
      <dt>Initiator</dt>
      <dd>${initiator(d.initiator)}</dd>
      <dt>Executing on</dt>
      <dd>${d.executingOn}</dd>
      <dt>Started</dt>
      <dd>${formatTime(d.startedAt)}</dd>
      <dt>Ended</dt>
      <dd>${d.endedAt ? formatTime(d.endedAt) : '—'}</dd>
      <dt>Children</dt>
      <dd>
        ${d.children.length
          ? d.children.map((c, i) => html`${i ? ', ' : ''}${idLink(c.id)} ${c.flow} (${c.status})`)
          : '—'}
      </dd>
    </dl>`;
  }

  protected override render(): TemplateResult {
    const id = this.executionId;
    if (!id) return html`<div class="empty">Select an execution to see its inputs, outputs, error and log.</div>`;
    const d = this.detail?.id === id ? this.detail : undefined;
    const r = this.row;
    const status = r?.status ?? d?.status;
    // The duration ticks from the listed row; an unlisted one shows the gateway's figure.
    const timed: ExecutionRow | undefined = r ?? (d ? { ...d, receivedAt: Date.now() - this.offset } : undefined);
    const head = html`<h2 class="details-head">
      ${status ? statusTemplate(status) : nothing}
      <span class="details-flow">${r?.flow ?? d?.flow ?? ''}</span>
      <span class="muted">·</span> ${idLink(id, true)}
      ${timed ? html`<span class="muted">·</span> <fg-duration class="muted" .row=${timed} offset=${this.offset}></fg-duration>` : nothing}
    </h2>`;
    if (this.error) return html`${head}<div class="error-text" role="alert">Could not load the details: ${this.error}</div>`;
    if (!d) return html`${head}<div class="muted">Loading details…</div>`;
    const finished = isFinishedStatus(d.status);
    return html`${head}
      <div class="details-body">
        ${this.facts(d)}
        ${section('Inputs', json(d.inputs), true)}
        ${section('Outputs', d.outputs ? json(d.outputs) : html`<div class="muted">${finished ? 'No outputs.' : 'Not ended yet.'}</div>`, true)}
        ${section(
          'Error',
          d.error
            ? html`<div class="error-text">${d.error.code}: ${d.error.message}${d.error.step ? ` (at ${d.error.step})` : ''}</div>`
            : html`<div class="muted">No error.</div>`,
          !!d.error,
        )}
        ${section('Log', logView(d), true, count(d.log.length, 'entry', 'entries'))}
      </div>`;
  }
}
customElements.define('fg-execution-details', FgExecutionDetails);

declare global {
  interface HTMLElementTagNameMap {
    'fg-execution-details': FgExecutionDetails;
  }
}
