import * as vscode from 'vscode';
import type { ExecutionResultResponse, FlowSignature } from '../../core/api/types';
import { GatewayError, type GatewayClient } from '../../core/client/gatewayClient';
import { splitId } from '../../core/workspace/layout';
import { asRecord, isGatewayFlowNode } from '../gateways/nodes';
import { isDefinitionArg } from '../packages/nodes';
import { flowIdOf } from '../packages/pickers';
import { devGatewayUrl } from '../shared/devGateway';
import { Cancelled, errorText, notify, showLogAction } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Services } from '../shared/services';
import { checkInput, describeDefault } from './inputs';
import { inputValueFromText } from '../../core/model/inputText';

/** A flow of a package version on a gateway. */
export interface RunTarget {
  gatewayUrl: string;
  packageName: string;
  version: number;
  flow: FlowSignature;
  isDefault?: boolean;
}

/** Options for `flowgate.runFlow` (second argument): inputs given here are not asked for. */
export interface RunOptions {
  inputs?: Record<string, unknown>;
}

/**
 * `flowgate.runFlow [target] [options]` — target: a Gateways-view flow node; a Packages-view flow
 * node or a `.flow.yaml` URI (run on the dev gateway, in a published version holding that flow);
 * `{ flowId?, packageName?, version? }`; or nothing (quick pick of the dev gateway's published
 * flows). Asks for each declared input (unless given in `options.inputs`), runs it synchronously
 * through GatewayClient, writes outputs and the execution log to the "Flowgate" channel, and
 * shows the outputs. Returns the gateway's answer (undefined when it failed).
 */
export async function runFlow(s: Services, arg?: unknown, options?: unknown): Promise<ExecutionResultResponse | undefined> {
  const given = asRecord(asRecord(options)?.inputs);
  const target = await resolveTarget(s, arg);
  const inputs = await askInputs(target.flow, given);
  return execute(s, target, inputs);
}

async function resolveTarget(s: Services, arg: unknown): Promise<RunTarget> {
  if (isGatewayFlowNode(arg)) {
    return { gatewayUrl: arg.gatewayUrl, packageName: arg.packageName, version: arg.version, flow: arg.flow };
  }
  let flowId: string | undefined;
  let packageName: string | undefined;
  let version: number | undefined;
  if (arg instanceof vscode.Uri) flowId = flowIdOf(s.model, arg);
  else if (isDefinitionArg(arg) && arg.kind === 'flow') flowId = arg.id;
  else if (asRecord(arg)?.flowId !== undefined || asRecord(arg)?.packageName !== undefined) {
    const a = asRecord(arg)!;
    flowId = typeof a.flowId === 'string' ? a.flowId : undefined;
    packageName = typeof a.packageName === 'string' ? a.packageName : undefined;
    version = typeof a.version === 'number' ? a.version : undefined;
  }
  // Anything else (nothing, a node of another kind): the quick pick of the dev gateway's flows.
  const url = await devGatewayUrl(s);
  const gw = gatewayClient(url, 'action');
  const candidates = (await publishedFlows(gw, packageName)).filter(
    (c) => (!flowId || c.flow.id === flowId) && (version === undefined || c.version === version),
  );
  if (candidates.length === 0) {
    if (flowId) {
      throw new Error(
        `flow '${flowId}' is not in any published package version on the dev gateway ${url}; publish a package that contains it first ("Flowgate: Publish to Dev Gateway")`,
      );
    }
    throw new Error(`the dev gateway ${url} has no published flows yet; publish a package first ("Flowgate: Publish to Dev Gateway")`);
  }
  if (candidates.length === 1) return candidates[0];
  // Same flow in several versions: the default version first.
  candidates.sort((a, b) => Number(!!b.isDefault) - Number(!!a.isDefault) || a.flow.id.localeCompare(b.flow.id) || b.version - a.version);
  const picked = await vscode.window.showQuickPick(
    candidates.map((c) => ({
      label: splitId(c.flow.id).name,
      description: `${c.packageName} ${c.version}${c.isDefault ? ' (default)' : ''} · ${splitId(c.flow.id).folder}`,
      detail: c.flow.description,
      target: c,
    })),
    { placeHolder: flowId ? `Run ${flowId} from which package version?` : `Run which flow on ${url}?`, ignoreFocusOut: true, matchOnDescription: true },
  );
  if (!picked) throw new Cancelled();
  return picked.target;
}

/** Flows of every published version on a gateway (optionally of one package). */
async function publishedFlows(gw: GatewayClient, onlyPackage?: string): Promise<RunTarget[]> {
  const packages = (await gw.listPackages()).packages.filter((p) => !onlyPackage || p.name === onlyPackage);
  const versions = packages.flatMap((p) => p.versions.filter((v) => v.published).map((v) => ({ p, v })));
  const details = await Promise.all(versions.map(({ p, v }) => gw.getVersion(p.name, v.version)));
  return details.flatMap((d, i) =>
    d.flows.map((flow) => ({ gatewayUrl: gw.baseUrl, packageName: d.name, version: d.version, flow, isDefault: versions[i].v.isDefault })),
  );
}

async function askInputs(flow: FlowSignature, given: Record<string, unknown> | undefined): Promise<Record<string, unknown>> {
  if (given) return { ...given };
  const values: Record<string, unknown> = {};
  const entries = Object.entries(flow.inputs ?? {});
  for (const [i, [name, decl]] of entries.entries()) {
    const hasDefault = decl.default !== undefined;
    const text = await vscode.window.showInputBox({
      title: `Run ${splitId(flow.id).name} — input ${i + 1} of ${entries.length}`,
      prompt: `${name} (${decl.type}${decl.required && !hasDefault ? ', required' : ''})${decl.description ? ` — ${decl.description}` : ''}`,
      placeHolder: hasDefault ? `default: ${describeDefault(decl.default)} (leave empty to use it)` : decl.required ? '' : 'optional: leave empty to omit',
      ignoreFocusOut: true,
      validateInput: (value) => checkInput(decl, value),
    });
    if (text === undefined) throw new Cancelled();
    if (text.trim() === '') continue; // default or optional: the gateway applies it
    const parsed = inputValueFromText(text, decl);
    if (parsed.kind === 'error') throw new Error(`input '${name}': ${parsed.message}`);
    if (parsed.kind === 'value') values[name] = parsed.value;
  }
  return values;
}

async function execute(s: Services, target: RunTarget, inputs: Record<string, unknown>): Promise<ExecutionResultResponse | undefined> {
  const name = splitId(target.flow.id).name;
  const where = `${target.packageName} ${target.version} on ${target.gatewayUrl}`;
  const gw = gatewayClient(target.gatewayUrl, 'run');
  s.log.info(`Run ${target.flow.id} (${where}) with inputs ${Object.keys(inputs).join(', ') || '(none)'}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Flowgate: running ${name} (${target.packageName} ${target.version})…` },
      () => runSynchronously(gw, target.flow.id, inputs, { packageName: target.packageName, packageVersion: target.version }),
    );
    s.log.info(`Execution ${result.executionId} of ${target.flow.id}: ${result.status}`);
    s.log.info(`Outputs: ${JSON.stringify(result.outputVariables, null, 2)}`);
    await logExecution(s, gw, result.executionId);
    const outputs = Object.entries(result.outputVariables ?? {})
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join(', ');
    notify('info', `${name} ${result.status === 'Ended' ? 'ended' : result.status}${outputs ? `: ${outputs}` : ' (no outputs)'}`, showLogAction(s.log));
    return result;
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'invalid-inputs') {
      const details = (err.details ?? []).map((d) => `${d.field.replace(/^inputVariables\./, '')}: ${d.message}`);
      s.log.error(`Run ${target.flow.id}: inputs refused: ${details.join('; ') || err.message}`);
      notify('error', `Flowgate: ${name} did not start — the gateway refused the inputs: ${details.join('; ') || err.message}`, showLogAction(s.log));
      return undefined;
    }
    if (err instanceof GatewayError && err.code === 'flow-failed') {
      s.log.error(`Run ${target.flow.id} (${where}) failed: ${err.message}`);
      const id = executionIdOf(err);
      if (id) await logExecution(s, gw, id);
      notify('error', `Flowgate: ${name} failed: ${err.message}`, showLogAction(s.log));
      return undefined;
    }
    throw new Error(`could not run ${target.flow.id} (${where}): ${errorText(err)}`);
  }
}

/** Starts the flow and waits for its end (200); a 202, which only an asynchronous start answers, is read back. */
async function runSynchronously(
  gw: GatewayClient,
  flow: string,
  inputs: Record<string, unknown>,
  where: { packageName?: string; packageVersion?: number },
): Promise<ExecutionResultResponse> {
  const answer = await gw.startExecution(flow, { inputVariables: inputs, packageName: where.packageName, packageVersion: where.packageVersion, mode: 'sync' });
  if (answer.kind === 'result') return answer.result;
  const detail = await gw.getExecution(answer.started.executionId);
  return { executionId: detail.id, status: detail.status, outputVariables: detail.outputs ?? {}, packageName: detail.packageName, packageVersion: detail.packageVersion };
}

/** The execution id a flow-failed error carries in its details (`{ field: 'executionId' }`). */
function executionIdOf(err: GatewayError): string | undefined {
  return err.details.find((d) => d.field === 'executionId')?.message;
}

async function logExecution(s: Services, gw: GatewayClient, id: string): Promise<void> {
  try {
    const detail = await gw.getExecution(id);
    s.log.info(`Log of execution ${id} (${detail.flow}, ${detail.status}, ${detail.durationMs} ms):`);
    for (const entry of detail.log) {
      const line = `  ${entry.at} ${entry.level.toUpperCase()}${entry.step ? ` [${entry.step}]` : ''} ${entry.message}`;
      if (entry.level === 'error') s.log.error(line);
      else if (entry.level === 'warn') s.log.warn(line);
      else s.log.info(line);
    }
    if (detail.error) s.log.error(`  error ${detail.error.code}: ${detail.error.message}${detail.error.step ? ` at ${detail.error.step}` : ''}`);
  } catch (err) {
    s.log.warn(`Could not read the log of execution ${id}: ${errorText(err)}`);
  }
}
