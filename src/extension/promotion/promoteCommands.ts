/**
 * Promotion from VS Code (issue 10): Promote to Gateway… (the target pulls a version of a source),
 * Apply and Reject… of an import on a target, Withdraw of a SUBMITTED version on a source.
 * Every step goes to the gateways through core's GatewayClient; the gateways decide (Admin only,
 * validation, idempotency), these commands ask, confirm, and say what happened.
 */
import * as vscode from 'vscode';
import type { ImportActionResponse, ImportCreatedResponse, PackageStateResponse, PreviewResponse, ValidationResult } from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import { describeVersion, resolveVersion, type GatewayTarget, type VersionTarget } from '../gatewayActions/targets';
import { asRecord } from '../gateways/nodes';
import { Cancelled, errorText, notify, showLogAction } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Services } from '../shared/services';
import { describeImport, promotionTargets, resolveImport, sameGatewayUrl, type PromotionTarget } from './importNodes';

/** Versions a target can pull (what a source offers): not OPEN, not REJECTED. */
const PROMOTABLE = new Set(['SUBMITTED', 'ACCEPTED', 'PROMOTED', 'APPLIED']);

/** Runs a gateway call under a progress notification; a failure names what failed and where. */
async function withGateway<T>(title: string, failure: string, gateway: GatewayTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Flowgate: ${title}` }, call);
  } catch (err) {
    throw new Error(`${failure} on ${gateway.name} (${gateway.url}): ${errorText(err)}`);
  }
}

/** `{ confirmed: true }`: a script (or a test) already confirmed; no modal is shown. */
function confirmedBy(options: unknown): boolean {
  return asRecord(options)?.confirmed === true;
}

/** "valid" or "2 errors, 1 warning — first: …". */
export function validationSummary(v: ValidationResult): string {
  const errors = v.problems.filter((p) => p.severity === 'error');
  const warnings = v.problems.filter((p) => p.severity === 'warning');
  if (errors.length === 0 && warnings.length === 0) return 'valid against the target';
  const parts = [errors.length ? `${errors.length} error${errors.length === 1 ? '' : 's'}` : '', warnings.length ? `${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''];
  return `${parts.filter(Boolean).join(', ')} — first: ${(errors[0] ?? warnings[0]).message}`;
}

function reviewAction(gatewayUrl: string, importId: string) {
  return { title: 'Review Import', run: () => vscode.commands.executeCommand('flowgate.reviewImport', { gatewayUrl, importId }) };
}

export interface PromoteResult extends ImportCreatedResponse {
  targetUrl: string;
}

/**
 * `flowgate.promoteToGateway [versionNode | { gatewayUrl, packageName, version }] [targetUrl | { targetUrl }]`
 * — the chosen target (a configured gateway that lists this gateway among its promotion sources)
 * pulls the version: OPEN there, ACCEPTED here. Answers the import the target created (or had).
 */
export async function promoteToGateway(s: Services, arg?: unknown, targetArg?: unknown): Promise<PromoteResult> {
  const t = await resolveVersion(s, arg, 'Promote which version?', (v) => PROMOTABLE.has(v.status), 'versions a target can pull (SUBMITTED)');
  const targets = await withGateway(`finding the gateways that pull from ${t.gateway.name}…`, 'could not list the promotion targets', t.gateway, () => promotionTargets(s, t.gateway.url));
  const wanted = typeof targetArg === 'string' ? targetArg : typeof asRecord(targetArg)?.targetUrl === 'string' ? (asRecord(targetArg)!.targetUrl as string) : undefined;
  let target: PromotionTarget;
  if (targets.length === 0) {
    throw new Error(
      `no configured gateway pulls from ${t.gateway.name} (${t.gateway.url}): a target lists it under promotion.sources in its gateway.yaml, ` +
        'and it must be in flowgate.gateways with credentials of an Admin there',
    );
  }
  if (wanted !== undefined) {
    const match = targets.find((x) => sameGatewayUrl(x.gateway.url, wanted));
    if (!match) throw new Error(`${wanted} does not pull from ${t.gateway.name}: it is not configured, or its promotion.sources has no source with URL ${t.gateway.url}`);
    target = match;
  } else {
    const picked = await vscode.window.showQuickPick(
      targets.map((x) => ({ label: x.gateway.name, description: x.gateway.url, detail: `pulls from ${t.gateway.name} as source '${x.sourceName}'`, x })),
      { placeHolder: `Promote ${describeVersion(t)} from ${t.gateway.name} to which gateway? (the target pulls it)`, ignoreFocusOut: true },
    );
    if (!picked) throw new Cancelled();
    target = picked.x;
  }
  const created = await withGateway(
    `${target.gateway.name} is pulling ${describeVersion(t)} from ${t.gateway.name}…`,
    `could not pull ${describeVersion(t)} from ${target.sourceName}`,
    target.gateway,
    () => gatewayClient(target.gateway.url, 'transfer').createImport({ source: target.sourceName, name: t.packageName, version: t.version }),
  );
  s.log.info(
    `Promote ${describeVersion(t)} from ${t.gateway.url} to ${target.gateway.url}: import ${created.id} ${created.status}${created.created ? '' : ' (already pulled)'}; ` +
      `signed by ${created.signer}; ${validationSummary(created.validation)}`,
  );
  s.refreshGateways();
  const head = created.created
    ? `${target.gateway.name} pulled ${describeVersion(t)} from ${t.gateway.name}: ${created.status} there, ACCEPTED on ${t.gateway.name}.`
    : `${target.gateway.name} had already pulled ${describeVersion(t)} (nothing changed): ${created.status} there.`;
  notify(created.validation.ok ? 'info' : 'warning', `${head} Validation: ${validationSummary(created.validation)}.`, reviewAction(target.gateway.url, created.id), showLogAction(s.log));
  return { ...created, targetUrl: target.gateway.url };
}

/** "2 new (a, b), 1 changed (c), 3 unchanged". */
function previewSummary(p: PreviewResponse): { text: string; detail: string } {
  const of = (change: string) => p.definitions.filter((d) => d.change === change);
  const fresh = of('new');
  const changed = of('changed');
  const unchanged = of('unchanged');
  const list = (items: { id: string }[]) => (items.length ? ` (${items.slice(0, 5).map((d) => d.id).join(', ')}${items.length > 5 ? `, and ${items.length - 5} more` : ''})` : '');
  return {
    text: `${fresh.length} new and ${changed.length} changed definition${fresh.length + changed.length === 1 ? '' : 's'} (${unchanged.length} unchanged)`,
    detail: [`New: ${fresh.length}${list(fresh)}`, `Changed: ${changed.length}${list(changed)}`, `Unchanged: ${unchanged.length}`].join('\n'),
  };
}

/**
 * `flowgate.applyImport [importNode | { gatewayUrl, importId }] [{ confirmed: true }]` — after a
 * modal that says what it writes (the apply preview's counts), the target applies the OPEN
 * import: APPLIED there, PROMOTED on the source. Refused while validation errors remain.
 */
export async function applyImportCommand(s: Services, arg?: unknown, options?: unknown): Promise<ImportActionResponse> {
  const t = await resolveImport(s, arg, 'Apply which import?', (i) => i.status === 'OPEN', 'OPEN imports');
  const client = gatewayClient(t.gateway.url, 'action');
  const [detail, preview] = await withGateway(`reading import ${t.importId} on ${t.gateway.name}…`, `could not read import ${t.importId}`, t.gateway, () =>
    Promise.all([client.getImport(t.importId), client.importPreview(t.importId)]),
  );
  const what = describeImport(detail);
  if (detail.status !== 'OPEN') {
    notify('info', `${what} is already ${detail.status} on ${t.gateway.name}; nothing to apply.`);
    return { ...detail, changed: false };
  }
  if (!preview.validation.ok) {
    throw new Error(
      `cannot apply ${what} on ${t.gateway.name}: ${validationSummary(preview.validation)}. Replace the references in Review Import, or reject it`,
    );
  }
  const summary = previewSummary(preview);
  if (!confirmedBy(options)) {
    const ok = await vscode.window.showWarningMessage(
      `Apply ${what} on ${t.gateway.name}?`,
      {
        modal: true,
        detail:
          `It writes ${summary.text} into the repository of ${t.gateway.name}, creating folders as needed, and makes ${detail.name} v${detail.version} APPLIED and publishable there ` +
          `(PROMOTED on ${detail.source}).\n\n${summary.detail}`,
      },
      'Apply',
    );
    if (ok !== 'Apply') throw new Cancelled();
  }
  const applied = await withGateway(`applying ${what} on ${t.gateway.name}…`, `could not apply ${what}`, t.gateway, () => client.applyImport(t.importId));
  s.log.info(`Applied ${what} on ${t.gateway.url} (import ${t.importId}): ${applied.status}${applied.changed ? '' : ' (already applied)'}; source notified: ${applied.sourceNotified}`);
  s.refreshGateways();
  const told = applied.sourceNotified
    ? `${detail.source} shows it PROMOTED.`
    : `${detail.source} could not be told yet${applied.notifyError ? ` (${applied.notifyError})` : ''}; ${t.gateway.name} keeps the notice and delivers it when ${detail.source} is back.`;
  notify(
    'info',
    applied.changed ? `Applied ${what} on ${t.gateway.name}: ${summary.text} written; APPLIED. ${told}` : `${what} was already applied on ${t.gateway.name}; nothing changed.`,
    {
      title: 'Publish',
      run: () => vscode.commands.executeCommand('flowgate.publishVersion', { gatewayUrl: t.gateway.url, packageName: detail.name, version: detail.version }),
    },
  );
  return applied;
}

function reasonProblem(value: string): string | undefined {
  const reason = value.trim();
  if (!reason) return 'A reason is required: the source sees it';
  if (reason.length > LIMITS.rejectReasonLength) return `At most ${LIMITS.rejectReasonLength} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(reason)) return 'One line, without control characters';
  return undefined;
}

/**
 * `flowgate.rejectImport [importNode | { gatewayUrl, importId }] [reason]` — the target rejects
 * the OPEN import with a reason (required): REJECTED there and on the source.
 */
export async function rejectImportCommand(s: Services, arg?: unknown, reasonArg?: unknown): Promise<ImportActionResponse> {
  const t = await resolveImport(s, arg, 'Reject which import?', (i) => i.status === 'OPEN', 'OPEN imports');
  const label = t.summary ? describeImport(t.summary) : `import ${t.importId}`;
  let reason: string;
  if (typeof reasonArg === 'string') {
    const problem = reasonProblem(reasonArg);
    if (problem) throw new Error(`reason: ${problem}`);
    reason = reasonArg.trim();
  } else {
    const typed = await vscode.window.showInputBox({
      title: `Flowgate: Reject ${label} on ${t.gateway.name}`,
      prompt: 'Why? The source gateway shows this reason with the REJECTED status (required, one line).',
      placeHolder: 'connection crm-prod is not approved for QA yet',
      ignoreFocusOut: true,
      validateInput: reasonProblem,
    });
    if (typed === undefined) throw new Cancelled();
    reason = typed.trim();
  }
  const client = gatewayClient(t.gateway.url, 'action');
  const rejected = await withGateway(`rejecting ${label} on ${t.gateway.name}…`, `could not reject ${label}`, t.gateway, () => client.rejectImport(t.importId, reason));
  const what = describeImport(rejected);
  s.log.info(`Rejected ${what} on ${t.gateway.url} (import ${t.importId})${rejected.changed ? '' : ' (already rejected)'}; source notified: ${rejected.sourceNotified}`);
  s.refreshGateways();
  const told = rejected.sourceNotified ? `${rejected.source} shows it REJECTED with the reason.` : `${rejected.source} could not be told yet; the notice waits in ${t.gateway.name}'s outbox.`;
  notify('info', rejected.changed ? `Rejected ${what} on ${t.gateway.name}. ${told}` : `${what} was already rejected on ${t.gateway.name}; nothing changed.`);
  return rejected;
}

/**
 * `flowgate.withdrawVersion [versionNode | { gatewayUrl, packageName, version }] [{ confirmed: true }]`
 * — on a source, withdraws a SUBMITTED version no target has pulled (after a modal confirm).
 */
export async function withdrawVersionCommand(s: Services, arg?: unknown, options?: unknown): Promise<PackageStateResponse> {
  const t: VersionTarget = await resolveVersion(s, arg, 'Withdraw which version?', (v) => v.status === 'SUBMITTED', 'SUBMITTED versions');
  if (!confirmedBy(options)) {
    const ok = await vscode.window.showWarningMessage(
      `Withdraw ${describeVersion(t)} on ${t.gateway.name}?`,
      { modal: true, detail: 'No target can pull it afterwards. A version a target has already pulled cannot be withdrawn. Version numbers stay used: submit the fixed draft as a new version.' },
      'Withdraw',
    );
    if (ok !== 'Withdraw') throw new Cancelled();
  }
  const state = await withGateway(`withdrawing ${describeVersion(t)} on ${t.gateway.name}…`, `could not withdraw ${describeVersion(t)}`, t.gateway, () =>
    gatewayClient(t.gateway.url, 'action').withdrawVersion(t.packageName, t.version),
  );
  s.log.info(`Withdrew ${describeVersion(t)} on ${t.gateway.url}`);
  s.refreshGateways();
  notify('info', `Withdrew ${describeVersion(t)} on ${t.gateway.name}: no target can pull it now.`);
  return state;
}
