/**
 * Validate Against Gateway…: asks a gateway which of a package draft's outside references (the
 * flows and connections its flows reference that it does not carry, after its replacements) and
 * which of its connections' secrets it lacks, and shows each in the Problems panel — in a
 * collection of that gateway's own ("Flowgate (gateway NAME)"), so they never mix with the local
 * problems and a new run against the same gateway replaces them.
 */
import * as vscode from 'vscode';
import type { RemoteValidateResponse } from '../../core/api/types';
import { mergeRemoteDiagnostics, remoteDiagnostics, remoteValidationPlan } from '../../core/validate/remoteValidate';
import { validatePackage } from '../../core/validate/validate';
import { draftPath } from '../../core/workspace/layout';
import { toDiagnostic } from '../diagnostics/convert';
import { resolveGateway, type GatewayTarget } from '../gatewayActions/targets';
import { resolveDraft } from '../packages/pickers';
import { asRecord } from '../gateways/nodes';
import { errorText, notify, showProblemsAction } from '../shared/errors';
import { saveFlowgateDocuments } from '../shared/files';
import { gatewayClient } from '../shared/gateway';
import type { Services } from '../shared/services';

/** One diagnostic collection per gateway URL, made on first use, disposed with the extension. */
export class GatewayDiagnostics implements vscode.Disposable {
  private readonly byUrl = new Map<string, { name: string; collection: vscode.DiagnosticCollection }>();

  /** The collection of this gateway (a renamed gateway gets a new one under its new name). */
  of(gateway: GatewayTarget): vscode.DiagnosticCollection {
    const known = this.byUrl.get(gateway.url);
    if (known && known.name === gateway.name) return known.collection;
    known?.collection.dispose();
    const collection = vscode.languages.createDiagnosticCollection(collectionName(gateway.name));
    this.byUrl.set(gateway.url, { name: gateway.name, collection });
    return collection;
  }

  dispose(): void {
    for (const { collection } of this.byUrl.values()) collection.dispose();
    this.byUrl.clear();
  }
}

export function collectionName(gatewayName: string): string {
  return `Flowgate (gateway ${gatewayName})`;
}

export interface RemoteValidationOutcome {
  gateway: string;
  gatewayUrl: string;
  draftName: string;
  /** No error once the gateway's answer replaces local validation's "not in the package" problems. */
  ok: boolean;
  missing: RemoteValidateResponse['missing'];
  /** What the gateway's collection shows: workspace-relative path → messages. */
  shown: Record<string, string[]>;
}

/**
 * `flowgate.validateAgainstGateway [draftNode | name | draft uri] [gatewayUrl | gatewayNode | { gatewayUrl }]`
 * — remote validation of a package draft against a gateway; problems in the gateway's own
 * collection of the Problems panel, a summary message. Answers what was shown.
 */
export async function validateAgainstGateway(s: Services, collections: GatewayDiagnostics, draftArg?: unknown, gatewayArg?: unknown): Promise<RemoteValidationOutcome> {
  const ws = await s.model.get();
  // A Packages-view node or the active draft editor names the draft; a gateway may come second.
  const draftName = await resolveDraft(s.model, ws, asRecord(draftArg)?.type === 'draft' || typeof draftArg === 'string' || draftArg instanceof vscode.Uri ? draftArg : undefined, 'Validate which package?');
  const gateway = await resolveGateway(s, gatewayArg, `Validate ${draftName} against which gateway?`);
  await saveFlowgateDocuments(s.model);
  const current = await s.model.get();
  const plan = remoteValidationPlan(current, draftName);
  if (!plan.request) throw new Error(plan.problems.map((p) => p.message).join('; ') || `${draftName} cannot be validated against a gateway`);
  const request = plan.request;
  let answer: RemoteValidateResponse;
  try {
    answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Flowgate: validating ${draftName} against ${gateway.name}…` },
      () => gatewayClient(gateway.url, 'action').remoteValidate(request),
    );
  } catch (err) {
    throw new Error(`could not validate ${draftName} against ${gateway.name} (${gateway.url}): ${errorText(err)}`);
  }
  // The whole picture (local problems with the gateway's answer in place of "not in the package"), for ok;
  // the gateway's own collection holds what the gateway answered, so nothing shows twice.
  const merged = mergeRemoteDiagnostics(validatePackage(current, draftName).diagnostics, plan, answer);
  const remote = remoteDiagnostics(plan, answer);
  const collection = collections.of(gateway);
  collection.clear();
  const byFile = new Map<string, vscode.Diagnostic[]>();
  const shown: Record<string, string[]> = {};
  for (const d of remote) {
    const rel = d.file ?? draftPath(draftName);
    const diagnostic = toDiagnostic(d);
    diagnostic.source = `flowgate (gateway ${gateway.name})`;
    byFile.set(rel, [...(byFile.get(rel) ?? []), diagnostic]);
    (shown[rel] ??= []).push(d.message);
  }
  for (const [rel, list] of byFile) collection.set(s.model.uri(rel), list);
  const asked = request.references.length + (request.secrets?.length ?? 0);
  s.log.info(`Validated ${draftName} against ${gateway.url}: asked about ${asked}, missing ${answer.missing.map((m) => `${m.kind} ${m.id}`).join(', ') || 'nothing'}`);
  if (answer.missing.length === 0) {
    notify('info', `${draftName} against ${gateway.name}: the gateway has everything the package needs from it (${asked} reference${asked === 1 ? '' : 's'} and secret${asked === 1 ? '' : 's'} checked).`);
  } else {
    const names = answer.missing.slice(0, 3).map((m) => `${m.kind} '${m.id}'`);
    const more = answer.missing.length - names.length;
    notify(
      'error',
      `${draftName} against ${gateway.name}: the gateway lacks ${answer.missing.length} — ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`,
      showProblemsAction(),
    );
  }
  return { gateway: answer.gateway, gatewayUrl: gateway.url, draftName, ok: !merged.some((d) => d.severity === 'error'), missing: answer.missing, shown };
}
