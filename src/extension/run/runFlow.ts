import * as vscode from 'vscode';
import type { ExecutionDetail, FlowSignature } from '../../core/api/types';
import { GatewayError, type GatewayClient } from '../../core/client/gatewayClient';
import { draftRunPaths } from '../../core/draft/draftRun';
import type { FlowDefinition } from '../../core/model/flow';
import { classifyPath, splitId } from '../../core/workspace/layout';
import type { Workspace } from '../../core/workspace/workspace';
import { asRecord, isGatewayFlowNode } from '../gateways/nodes';
import { isDefinitionArg } from '../packages/nodes';
import { flowIdOf } from '../packages/pickers';
import { devGatewayUrl } from '../shared/devGateway';
import { Cancelled, errorText, notify, showLogAction } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Services } from '../shared/services';
import { askInputs } from './inputs';
import { outputsDocuments } from './outputsDocument';

/** A flow of a package version on a gateway. */
export interface VersionTarget {
  kind: 'version';
  gatewayUrl: string;
  packageName: string;
  version: number;
  flow: FlowSignature;
  isDefault?: boolean;
}

/** A workspace flow, run as it is in the editor on the local gateway (a draft run). */
export interface DraftTarget {
  kind: 'draft';
  flow: FlowSignature;
}

export type RunTarget = VersionTarget | DraftTarget;

/** What `flowgate.runFlow` answers when the flow ended (undefined otherwise). */
export interface RunResult {
  executionId: string;
  status: string;
  outputVariables: Record<string, unknown>;
  packageName: string;
  packageVersion: number;
  /** A draft run: the workspace files as they were in the editor. */
  draft?: true;
  gatewayUrl: string;
}

/** Options for `flowgate.runFlow` (second argument): inputs given here are not asked for; a token to cancel with (tests, other commands). */
export interface RunOptions {
  inputs?: Record<string, unknown>;
  token?: vscode.CancellationToken;
}

/** workspaceState key: the last inputs per flow (`draft:<id>` or `<package>:<id>`), offered as defaults. */
export const LAST_INPUTS_KEY = 'flowgate.runFlow.lastInputs';
/** Flows whose last inputs are remembered (the least recently used are forgotten). */
const REMEMBERED_FLOWS = 200;
const POLL_MS = 200;

/**
 * `flowgate.runFlow [target] [options]` — target:
 * - a Packages-view flow node, a `.flow.yaml` URI: a draft run of the workspace files as they are
 *   in the editor (unsaved text too) on the local gateway (started when needed);
 * - a Gateways-view flow node: that version on its gateway;
 * - `{ flowId?, packageName?, version? }`: a published version on the dev gateway holding that flow;
 * - nothing: a quick pick — the active editor's flow first (as a draft run), then the dev gateway's published flows.
 * Asks for each declared input (booleans as true/false; the last inputs of the flow offered as
 * defaults) unless given in `options.inputs`, runs it with a cancellable progress (Cancel stops
 * the execution on the gateway), shows the outputs in a read-only JSON document and the log in
 * the output channel. Returns the result (undefined when it did not end).
 */
export async function runFlow(s: Services, arg?: unknown, options?: unknown): Promise<RunResult | undefined> {
  const opts = asRecord(options);
  const given = asRecord(opts?.inputs);
  const token = isToken(opts?.token) ? opts.token : undefined;
  const target = await resolveTarget(s, arg);
  const key = memoryKey(target);
  const remembered = lastInputs(s)[key];
  const inputs = given ? { ...given } : await askInputs(target.flow, remembered);
  return execute(s, target, inputs, key, token);
}

function isToken(v: unknown): v is vscode.CancellationToken {
  return !!v && typeof v === 'object' && typeof (v as vscode.CancellationToken).onCancellationRequested === 'function';
}

function memoryKey(target: RunTarget): string {
  return target.kind === 'draft' ? `draft:${target.flow.id}` : `${target.packageName}:${target.flow.id}`;
}

function lastInputs(s: Services): Record<string, Record<string, unknown>> {
  const v = s.context.workspaceState.get<unknown>(LAST_INPUTS_KEY);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Record<string, unknown>>) : {};
}

async function rememberInputs(s: Services, key: string, inputs: Record<string, unknown>): Promise<void> {
  const all = { ...lastInputs(s) };
  delete all[key];
  all[key] = inputs;
  const keys = Object.keys(all);
  for (const k of keys.slice(0, Math.max(0, keys.length - REMEMBERED_FLOWS))) delete all[k];
  await s.context.workspaceState.update(LAST_INPUTS_KEY, all);
}

/** A workspace flow's signature, from its file (required: no default and not `required: false`, as the gateway rules). */
export function signatureOf(def: FlowDefinition): FlowSignature {
  const inputs: FlowSignature['inputs'] = {};
  for (const [k, d] of Object.entries(def.flow.inputs ?? {})) {
    inputs[k] = {
      type: d.type,
      required: d.default === undefined && d.required !== false,
      ...(d.default !== undefined ? { default: d.default } : {}),
      ...(d.description ? { description: d.description } : {}),
    };
  }
  const outputs: FlowSignature['outputs'] = {};
  for (const [k, d] of Object.entries(def.flow.outputs ?? {})) outputs[k] = { type: d.type, ...(d.description ? { description: d.description } : {}) };
  return { id: def.id, name: def.name, ...(def.flow.description ? { description: def.flow.description } : {}), inputs, outputs };
}

/** The workspace with every open Flowgate editor's text applied (what the user sees, saved or not). */
async function editorWorkspace(s: Services): Promise<Workspace> {
  const ws = await s.model.get();
  for (const doc of vscode.workspace.textDocuments) {
    const rel = s.model.relPath(doc.uri);
    if (!rel || !classifyPath(rel) || doc.isClosed) continue;
    if (ws.file(rel)?.text !== doc.getText()) await s.model.setText(rel, doc.getText());
  }
  return ws;
}

async function draftTarget(s: Services, flowId: string): Promise<DraftTarget> {
  const ws = await editorWorkspace(s);
  const def = ws.flows().get(flowId);
  if (!def) {
    if (ws.has('flow', flowId)) {
      throw new Error(`flow '${flowId}' has errors (see the Problems panel); fix them to run it`);
    }
    throw new Error(`flow '${flowId}' is not in the workspace`);
  }
  return { kind: 'draft', flow: signatureOf(def) };
}

/** The flow id of the active editor, when it shows a workspace flow. */
function activeFlowId(s: Services): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  const rel = doc ? s.model.relPath(doc.uri) : undefined;
  const where = rel ? classifyPath(rel) : undefined;
  return where?.kind === 'flow' ? where.id : undefined;
}

async function resolveTarget(s: Services, arg: unknown): Promise<RunTarget> {
  if (isGatewayFlowNode(arg)) {
    return { kind: 'version', gatewayUrl: arg.gatewayUrl, packageName: arg.packageName, version: arg.version, flow: arg.flow };
  }
  if (arg instanceof vscode.Uri) return draftTarget(s, flowIdOf(s.model, arg));
  if (isDefinitionArg(arg) && arg.kind === 'flow') return draftTarget(s, arg.id);
  let flowId: string | undefined;
  let packageName: string | undefined;
  let version: number | undefined;
  const a = asRecord(arg);
  if (a && (a.flowId !== undefined || a.packageName !== undefined)) {
    flowId = typeof a.flowId === 'string' ? a.flowId : undefined;
    packageName = typeof a.packageName === 'string' ? a.packageName : undefined;
    version = typeof a.version === 'number' ? a.version : undefined;
  }
  // Nothing (or a node of another kind): the active editor's flow first, then the dev gateway's published flows.
  const active = !a ? activeFlowId(s) : undefined;
  const url = await devGatewayUrl(s);
  const gw = gatewayClient(url, 'action');
  let published: VersionTarget[];
  try {
    published = (await publishedFlows(gw, packageName)).filter((c) => (!flowId || c.flow.id === flowId) && (version === undefined || c.version === version));
  } catch (err) {
    if (!active) throw err;
    s.log.warn(`Run Flow: could not list the published flows of ${url}: ${errorText(err)}`);
    published = [];
  }
  if (!active) {
    if (published.length === 0) {
      if (flowId) {
        throw new Error(
          `flow '${flowId}' is not in any published package version on the dev gateway ${url}; publish a package that contains it first ("Flowgate: Publish to Dev Gateway")`,
        );
      }
      throw new Error(`the dev gateway ${url} has no published flows yet; publish a package first ("Flowgate: Publish to Dev Gateway")`);
    }
    if (published.length === 1) return published[0];
  }
  // Same flow in several versions: the default version first.
  published.sort((x, y) => Number(!!y.isDefault) - Number(!!x.isDefault) || x.flow.id.localeCompare(y.flow.id) || y.version - x.version);
  type Item = vscode.QuickPickItem & { target?: RunTarget; draftId?: string };
  const items: Item[] = [];
  if (active) {
    items.push({
      label: `$(edit) ${splitId(active).name}`,
      description: `draft run · as in the editor · ${splitId(active).folder}`,
      detail: 'The workspace files as they are now (unsaved changes too), on the local gateway',
      draftId: active,
    });
    if (published.length) items.push({ label: 'published', kind: vscode.QuickPickItemKind.Separator });
  }
  for (const c of published) {
    items.push({
      label: splitId(c.flow.id).name,
      description: `${c.packageName} ${c.version}${c.isDefault ? ' (default)' : ''} · ${splitId(c.flow.id).folder}`,
      ...(c.flow.description ? { detail: c.flow.description } : {}),
      target: c,
    });
  }
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: flowId ? `Run ${flowId} from which package version?` : `Run which flow? (the editor's flow as a draft run, or a published one on ${url})`,
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  if (!picked) throw new Cancelled();
  if (picked.draftId) return draftTarget(s, picked.draftId);
  return picked.target!;
}

/** Flows of every published version on a gateway (optionally of one package). */
async function publishedFlows(gw: GatewayClient, onlyPackage?: string): Promise<VersionTarget[]> {
  const packages = (await gw.listPackages()).packages.filter((p) => !onlyPackage || p.name === onlyPackage);
  const versions = packages.flatMap((p) => p.versions.filter((v) => v.published).map((v) => ({ p, v })));
  const details = await Promise.all(versions.map(({ p, v }) => gw.getVersion(p.name, v.version)));
  return details.flatMap((d, i) =>
    d.flows.map((flow) => ({ kind: 'version' as const, gatewayUrl: gw.baseUrl, packageName: d.name, version: d.version, flow, isDefault: versions[i].v.isDefault })),
  );
}

/** The files a draft run sends: the flow, its children, their connections and the drafts holding it — editor text where open. */
async function draftFiles(s: Services, flowId: string): Promise<Record<string, string>> {
  const ws = await editorWorkspace(s);
  const files: Record<string, string> = {};
  for (const p of draftRunPaths(ws, flowId)) {
    const text = ws.file(p)?.text;
    if (text !== undefined) files[p] = text;
  }
  return files;
}

async function execute(s: Services, target: RunTarget, inputs: Record<string, unknown>, key: string, token?: vscode.CancellationToken): Promise<RunResult | undefined> {
  const name = splitId(target.flow.id).name;
  const gatewayUrl = target.kind === 'draft' ? await s.local.ensureRunning() : target.gatewayUrl;
  const label = target.kind === 'draft' ? 'draft run' : `${target.packageName} ${target.version}`;
  const where = `${label} on ${gatewayUrl}`;
  const gw = gatewayClient(gatewayUrl, 'run');
  const poll = gatewayClient(gatewayUrl, 'action');
  s.log.info(`Run ${target.flow.id} (${where}) with inputs ${Object.keys(inputs).join(', ') || '(none)'}`);
  let executionId: string;
  try {
    if (target.kind === 'draft') {
      const files = await draftFiles(s, target.flow.id);
      s.log.info(`Draft run of ${target.flow.id}: sending ${Object.keys(files).length} file(s) as in the editor: ${Object.keys(files).join(', ')}`);
      const answer = await gw.draftRun({ files, flow: target.flow.id, inputVariables: inputs, mode: 'async' });
      executionId = answer.kind === 'started' ? answer.started.executionId : answer.result.executionId;
    } else {
      const answer = await gw.startExecution(target.flow.id, { inputVariables: inputs, packageName: target.packageName, packageVersion: target.version, mode: 'async' });
      executionId = answer.kind === 'started' ? answer.started.executionId : answer.result.executionId;
    }
  } catch (err) {
    if (err instanceof GatewayError && (err.code === 'invalid-inputs' || err.code === 'validation-failed')) {
      const inputsRefused = err.code === 'invalid-inputs';
      const details = (err.details ?? []).map((d) => `${d.field.replace(/^inputVariables\./, '')}: ${d.message}`);
      s.log.error(`Run ${target.flow.id} (${where}): ${inputsRefused ? 'inputs refused' : 'the files have errors'}:`);
      for (const d of details.length ? details : [err.message]) s.log.error(`  ${d}`);
      notify(
        'error',
        `Flowgate: ${name} did not start — ${inputsRefused ? 'the gateway refused the inputs' : 'the flow or what it needs has errors'}: ${details.slice(0, 3).join('; ') || err.message}`,
        showLogAction(s.log),
      );
      return undefined;
    }
    throw new Error(`could not run ${target.flow.id} (${where}): ${errorText(err)}`);
  }
  await rememberInputs(s, key, inputs);
  s.log.info(`Execution ${executionId} of ${target.flow.id} started (${where})`);

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Flowgate: running ${name} (${label})…`, cancellable: true },
    (progress, progressToken) => waitForEnd(poll, executionId, [progressToken, ...(token ? [token] : [])]),
  );
  if (outcome.kind === 'cancelled') {
    let status = 'Stopping';
    try {
      status = (await poll.stopExecution(executionId)).status;
    } catch (err) {
      s.log.warn(`Could not stop execution ${executionId}: ${errorText(err)}`);
    }
    s.log.warn(`Run ${target.flow.id} (${where}) cancelled: execution ${executionId} ${status.toLowerCase()} on the gateway`);
    notify('info', `Flowgate: cancelled ${name} (${label}) — the execution was ${status === 'Stopped' ? 'stopped' : 'asked to stop'} on the gateway.`, showLogAction(s.log));
    return undefined;
  }
  const detail = outcome.detail;
  logExecution(s, detail);
  if (detail.status !== 'Ended') {
    const why = detail.error ? `${detail.error.message}${detail.error.step ? ` (at ${detail.error.step})` : ''}` : detail.status.toLowerCase();
    s.log.error(`Run ${target.flow.id} (${where}) failed: ${why}`);
    notify('error', `Flowgate: ${name} (${label}) failed: ${why}`, showLogAction(s.log));
    return undefined;
  }
  const outputs = detail.outputs ?? {};
  s.log.info(`Outputs: ${JSON.stringify(outputs, null, 2)}`);
  const result: RunResult = {
    executionId: detail.id,
    status: detail.status,
    outputVariables: outputs,
    packageName: detail.packageName,
    packageVersion: detail.packageVersion,
    gatewayUrl,
    ...(detail.draft ? { draft: true as const } : {}),
  };
  try {
    await outputsDocuments().show(name, detail.id, {
      flow: target.flow.id,
      run: target.kind === 'draft' ? 'draft run: the workspace files as they were in the editor' : `${target.packageName} version ${target.version}`,
      gateway: gatewayUrl,
      executionId: detail.id,
      status: detail.status,
      durationMs: detail.durationMs,
      outputs,
    });
  } catch (err) {
    s.log.warn(`Could not show the outputs document: ${errorText(err)}`);
  }
  const shown = Object.entries(outputs)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ');
  notify('info', `${name} ended (${label})${shown ? `: ${shown}` : ' (no outputs)'}`, showLogAction(s.log));
  return result;
}

type Outcome = { kind: 'ended'; detail: ExecutionDetail } | { kind: 'cancelled' };

/** Polls the execution until it finished, or until one of the tokens is cancelled. */
async function waitForEnd(gw: GatewayClient, id: string, tokens: vscode.CancellationToken[]): Promise<Outcome> {
  let wake: (() => void) | undefined;
  const subs = tokens.map((t) => t.onCancellationRequested(() => wake?.()));
  try {
    for (;;) {
      if (tokens.some((t) => t.isCancellationRequested)) return { kind: 'cancelled' };
      const detail = await gw.getExecution(id);
      if (detail.status === 'Ended' || detail.status === 'Error' || detail.status === 'Stopped') return { kind: 'ended', detail };
      if (tokens.some((t) => t.isCancellationRequested)) return { kind: 'cancelled' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    subs.forEach((d) => d.dispose());
  }
}

function logExecution(s: Services, detail: ExecutionDetail): void {
  s.log.info(`Log of execution ${detail.id} (${detail.flow}${detail.draft ? ', draft run' : ''}, ${detail.status}, ${detail.durationMs} ms):`);
  for (const entry of detail.log) {
    const line = `  ${entry.at} ${entry.level.toUpperCase()}${entry.step ? ` [${entry.step}]` : ''} ${entry.message}`;
    if (entry.level === 'error') s.log.error(line);
    else if (entry.level === 'warn') s.log.warn(line);
    else s.log.info(line);
  }
  if (detail.error) s.log.error(`  error ${detail.error.code}: ${detail.error.message}${detail.error.step ? ` at ${detail.error.step}` : ''}`);
}
