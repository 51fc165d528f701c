/**
 * Validate Against Gateway…: asks a gateway which of a package draft's outside references (the
 * flows and connections its flows reference that it does not carry, after its replacements) and
 * which of its connections' secrets it lacks, and shows each in the Problems panel — in a
 * collection of that gateway's own ("Flowgate (gateway NAME)"), so they never mix with the local
 * problems and a new run against the same gateway replaces them.
 */
import * as vscode from 'vscode';
import type { RemoteValidateRequest, RemoteValidateResponse } from '../../core/api/types';
import type { DefinitionKind } from '../../core/model/definition';
import type { Range } from '../../core/model/diagnostic';
import { referencesOfFlow } from '../../core/graph/references';
import { validatePackage } from '../../core/validate/validate';
import { connectionPath, draftPath, flowPath } from '../../core/workspace/layout';
import type { Workspace } from '../../core/workspace/workspace';
import { toRange } from '../diagnostics/convert';
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

/** What the draft asks a gateway: its outside references and the secrets its connections use. */
export function remoteValidationRequest(ws: Workspace, draftName: string): RemoteValidateRequest {
  const local = validatePackage(ws, draftName);
  const draft = ws.drafts().get(draftName)?.draft;
  if (!draft) throw new Error(`the package draft '${draftName}' has errors in its file; fix them first (see Problems)`);
  const references = local.missing.map((m) => ({ kind: m.kind, id: m.id }));
  const replacements = draft.replacements ?? [];
  const carried = new Set(draft.definitions.connections ?? []);
  for (const r of replacements) if (r.kind === 'connection' && carried.has(r.from) && ws.has('connection', r.to)) carried.add(r.to);
  const secrets: { connection: string; secret: string }[] = [];
  for (const id of [...carried].sort()) {
    const auth = ws.connections().get(id)?.connection.auth;
    if (auth && 'secret' in auth && typeof auth.secret === 'string' && auth.secret) secrets.push({ connection: id, secret: auth.secret });
  }
  return { references, secrets, package: draftName };
}

export interface RemoteValidationOutcome {
  gateway: string;
  gatewayUrl: string;
  draftName: string;
  missing: RemoteValidateResponse['missing'];
  /** Where each problem was shown: workspace-relative path → messages. */
  shown: Record<string, string[]>;
}

interface Located {
  rel: string;
  range?: Range;
  message: string;
  code: string;
}

/** The places (files and ranges) a missing item is shown at, with its message. */
function locate(ws: Workspace, draftName: string, gateway: string, m: RemoteValidateResponse['missing'][number], referencedBy: Map<string, string[]>): Located[] {
  const draft = ws.drafts().get(draftName)?.draft;
  const replacements = draft?.replacements ?? [];
  const out: Located[] = [];
  if (m.kind === 'secret') {
    const connection = m.connection;
    const rel = connection ? connectionPath(connection) : draftPath(draftName);
    const file = ws.file(rel);
    out.push({
      rel,
      range: file?.yaml.rangeOf(['auth', 'secret']) ?? undefined,
      code: 'remote-missing-secret',
      message: `gateway ${gateway} has no secret '${m.id}'${connection ? ` granted to connection '${connection}'` : ''}: set it there (Flowgate: Set Connection Secret) before this package can run`,
    });
    return out;
  }
  const kind = m.kind as DefinitionKind;
  const flows = referencedBy.get(`${kind}:${m.id}`) ?? [];
  for (const flow of flows) {
    const rel = flowPath(flow);
    const file = ws.file(rel);
    if (!file) continue;
    for (const ref of referencesOfFlow(ws, flow)) {
      if (ref.to.kind !== kind) continue;
      const target = replacements.find((r) => r.kind === kind && r.from === ref.to.id)?.to ?? ref.to.id;
      if (target !== m.id) continue;
      const via = target !== ref.to.id ? ` (the draft replaces '${ref.to.id}' by it)` : '';
      out.push({
        rel,
        range: file.yaml.rangeOf(ref.path) ?? undefined,
        code: 'remote-missing-reference',
        message: `gateway ${gateway} has no ${kind} '${m.id}'${via}, and package '${draftName}' does not carry it: add it to the package, or replace the reference by one the gateway has`,
      });
    }
  }
  if (out.length === 0) {
    out.push({ rel: draftPath(draftName), code: 'remote-missing-reference', message: `gateway ${gateway} has no ${kind} '${m.id}', which package '${draftName}' references and does not carry` });
  }
  return out;
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
  const request = remoteValidationRequest(current, draftName);
  const local = validatePackage(current, draftName);
  const referencedBy = new Map(local.missing.map((m) => [`${m.kind}:${m.id}`, m.referencedBy]));
  let answer: RemoteValidateResponse;
  try {
    answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Flowgate: validating ${draftName} against ${gateway.name}…` },
      () => gatewayClient(gateway.url, 'action').remoteValidate(request),
    );
  } catch (err) {
    throw new Error(`could not validate ${draftName} against ${gateway.name} (${gateway.url}): ${errorText(err)}`);
  }
  const collection = collections.of(gateway);
  collection.clear();
  const byFile = new Map<string, vscode.Diagnostic[]>();
  const shown: Record<string, string[]> = {};
  for (const m of answer.missing) {
    for (const place of locate(current, draftName, gateway.name, m, referencedBy)) {
      const d = new vscode.Diagnostic(toRange(place.range), place.message, vscode.DiagnosticSeverity.Error);
      d.source = `flowgate (gateway ${gateway.name})`;
      d.code = place.code;
      byFile.set(place.rel, [...(byFile.get(place.rel) ?? []), d]);
      (shown[place.rel] ??= []).push(place.message);
    }
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
  return { gateway: answer.gateway, gatewayUrl: gateway.url, draftName, missing: answer.missing, shown };
}
