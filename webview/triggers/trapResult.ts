/**
 * `<fg-trap-result>`: what the gateway answered to a test trap — the trap as it saw it, and per
 * trigger (this version's first): matched, with the executions it started (each id an
 * `<fg-execution-link>` that opens the execution), or the condition that failed and why.
 */
import { html, nothing, type TemplateResult } from 'lit';
import '../kit/executionLink';
import { PageElement } from '../kit/element';
import { count, formatTime, shortId } from '../kit/format';
import { badge, icon } from '../kit/parts';
import type { StartedExecution, TestTrapResult, TriggerEvaluation, TriggersScope } from '../protocol/triggers';

function statusKind(status: StartedExecution['status']): 'ok' | 'warn' | 'error' | 'info' | 'muted' {
  if (status === 'Ended') return 'ok';
  if (status === 'Error') return 'error';
  if (status === 'Stopped' || status === 'unknown') return 'muted';
  return 'info';
}

export class FgTrapResult extends PageElement {
  static override properties = { result: { attribute: false }, scope: { attribute: false } };

  declare result: TestTrapResult | undefined;
  declare scope: TriggersScope | undefined;

  constructor() {
    super();
    this.result = undefined;
    this.scope = undefined;
  }

  private own(e: TriggerEvaluation): boolean {
    return !!this.scope && e.packageName === this.scope.packageName && e.packageVersion === this.scope.packageVersion;
  }

  private execution(x: StartedExecution, e: TriggerEvaluation): TemplateResult {
    if (!x.id) return html`<div class="error-text">no execution started: ${x.error ?? e.error ?? 'unknown error'}</div>`;
    return html`<div class="execution" data-execution=${x.id}>
      <span class="muted">Execution</span>
      <fg-execution-link execution-id=${x.id}></fg-execution-link>
      ${badge(x.status, statusKind(x.status), `exec-status status-${x.status.toLowerCase()}`)}
      ${x.initiator ? html`<span class="muted">· ${x.initiator}</span>` : nothing} ${x.error ? html`<span class="error-text">· ${x.error}</span>` : nothing}
    </div>`;
  }

  private detail(e: TriggerEvaluation, r: TestTrapResult): TemplateResult {
    if (e.matched) {
      const started = r.executions.filter((x) => x.triggerId === e.triggerId);
      return html`${started.length === 0 && r.mode === 'evaluated' ? html`<span class="muted">would start its flow (not sent)</span>` : nothing}
      ${started.map((x) => this.execution(x, e))} ${e.error && started.length === 0 ? html`<div class="error-text">${e.error}</div>` : nothing}`;
    }
    if (e.failed) return html`<span class="failed-condition mono">${e.failed.condition}</span><span class="failed-message">: ${e.failed.message}</span>`;
    return html``;
  }

  protected override render(): TemplateResult {
    const r = this.result;
    if (!r) return html``;
    const rank = (e: TriggerEvaluation) => (this.own(e) ? 0 : 1);
    const evaluations = [...r.evaluations].sort((a, b) => rank(a) - rank(b) || Number(b.matched) - Number(a.matched) || a.triggerName.localeCompare(b.triggerName));
    const p = r.pdu;
    const heading = r.mode === 'sent' ? `Trap ${shortId(r.trapId ?? '')} received by the gateway at ${formatTime(r.receivedAt)}` : 'Evaluated by the gateway (not sent)';
    const pduLine = [
      `${p.version} from ${p.source.address}:${p.source.port}`,
      p.community !== undefined ? `community ${p.community}` : '',
      p.user ? `user ${p.user}` : '',
      `OID ${p.trapOid}`,
      p.agentAddress ? `agent ${p.agentAddress}` : '',
      count(p.varbinds.length, 'varbind'),
    ]
      .filter(Boolean)
      .join(' · ');
    return html`<section class="trap-result" aria-labelledby="trap-result-title">
      <h2 class="form-title" id="trap-result-title">${heading}</h2>
      <div class="muted mono pdu-line">${pduLine}</div>
      ${evaluations.length
        ? html`<div class="table-wrap">
            <table class="grid stack evaluations">
              <thead>
                <tr>
                  <th scope="col">Trigger</th>
                  <th scope="col">Package version</th>
                  <th scope="col">Result</th>
                  <th scope="col">Executions started / condition that failed</th>
                </tr>
              </thead>
              <tbody>
                ${evaluations.map(
                  (e) => html`<tr class="evaluation ${e.matched ? 'matched' : 'not-matched'}" data-trigger=${e.triggerName} data-trigger-id=${e.triggerId}>
                    <td class="strong" data-label="Trigger">${e.triggerName}</td>
                    <td class=${this.own(e) ? '' : 'muted'} data-label="Package version">${this.own(e) ? 'this version' : `${e.packageName} v${e.packageVersion}`}</td>
                    <td class="result" data-label="Result"><div class="cell">${icon(e.matched ? 'pass' : 'circle-slash', e.matched ? 'ok-icon' : 'no-icon')} ${e.matched ? 'matched' : 'not matched'}</div></td>
                    <td class="detail" data-label="Details"><div class="cell">${this.detail(e, r)}</div></td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<div class="empty">The gateway has no triggers: nothing to match.</div>`}
    </section>`;
  }
}
customElements.define('fg-trap-result', FgTrapResult);

declare global {
  interface HTMLElementTagNameMap {
    'fg-trap-result': FgTrapResult;
  }
}
