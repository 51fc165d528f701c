/**
 * The questions before destructive actions (issue 11): modal, and saying what will change. A
 * command run with `{ confirmed: true }` (a script or a test that already confirmed) asks nothing,
 * as Apply Import and Withdraw do (promoteCommands.ts); anything else is asked, every time.
 */
import type { Workspace } from '../../core/workspace/workspace';
import { asRecord, isRecord } from '../gateways/nodes';
import { Cancelled, confirmModal } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import { describeVersion, type VersionTarget } from './targets';

/** `{ confirmed: true }`: a script (or a test) already confirmed; no modal is shown. */
export function confirmedBy(options: unknown): boolean {
  return asRecord(options)?.confirmed === true;
}

/** Asks (unless `options` confirmed); throws Cancelled when the user does not press `action`. */
export async function confirmOrCancel(options: unknown, message: string, detail: string, action: string): Promise<void> {
  if (confirmedBy(options)) return;
  if (!(await confirmModal(message, detail, action))) throw new Cancelled();
}

const capitalise = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What unpublishing a version changes: no new executions; running ones finish (how many, when the
 * gateway says); an explicit default stops being the default and the package then has none; an
 * implicit default passes to the next most recently published version.
 */
export async function unpublishDetail(t: VersionTarget): Promise<string> {
  const client = gatewayClient(t.gateway.url, 'picker');
  const [state, running] = await Promise.all([
    client.getPackage(t.packageName).catch(() => undefined),
    client
      .listExecutions({ status: 'Running', packageName: t.packageName, packageVersion: t.version })
      .then((r) => r.executions.length)
      .catch(() => undefined),
  ]);
  const lines = [`No new executions of ${describeVersion(t)} start on ${t.gateway.name}.`];
  if (running === undefined) lines.push('Executions of it that are running finish.');
  else if (running > 0) lines.push(`${plural(running, 'running execution')} of it will finish (they are not stopped).`);
  if (state && state.defaultVersion === t.version) {
    if (state.defaultIsExplicit) {
      lines.push(
        `v${t.version} is the explicit default version of ${t.packageName}: unpublishing it drops that default, and ${t.packageName} has no default version until v${t.version} is published again or another version is made the default — requests that name no version will fail.`,
      );
    } else {
      const others = state.versions.filter((v) => v.published && v.version !== t.version).length;
      lines.push(
        others > 0
          ? `v${t.version} is the default version of ${t.packageName} now; the next most recently published version becomes the default.`
          : `v${t.version} is the only published version of ${t.packageName}: it will have no default version.`,
      );
    }
  }
  return lines.join(' ');
}

/** The schedules and triggers of a draft that run `flowId` (their names). */
export function draftUsesOf(ws: Workspace, draftName: string, flowId: string): { schedules: string[]; triggers: string[] } {
  const draft = ws.drafts().get(draftName)?.draft;
  const names = (list: unknown[] | undefined) =>
    (list ?? []).filter((x) => isRecord(x) && x.flow === flowId).map((x, i) => (isRecord(x) && typeof x.name === 'string' && x.name ? x.name : `#${i + 1}`));
  return { schedules: names(draft?.schedules), triggers: names(draft?.triggers) };
}

/**
 * Before removing a definition from a package draft: when a schedule or trigger of the draft runs
 * that flow, ask, naming them (they would then name a flow the package no longer has, and the
 * draft no longer validates). Nothing uses it: nothing is asked.
 */
export async function confirmRemoveDefinition(ws: Workspace, draftName: string, kind: 'flow' | 'connection', id: string, options: unknown): Promise<void> {
  if (kind !== 'flow') return;
  const uses = draftUsesOf(ws, draftName, id);
  const parts = [
    uses.schedules.length ? `${uses.schedules.length === 1 ? 'the schedule' : 'the schedules'} ${uses.schedules.map((n) => `"${n}"`).join(', ')}` : '',
    uses.triggers.length ? `${uses.triggers.length === 1 ? 'the trigger' : 'the triggers'} ${uses.triggers.map((n) => `"${n}"`).join(', ')}` : '',
  ].filter(Boolean);
  if (parts.length === 0) return;
  await confirmOrCancel(
    options,
    `Remove ${id} from ${draftName}? ${capitalise(parts.join(' and '))} of the package ${uses.schedules.length + uses.triggers.length === 1 ? 'runs' : 'run'} it.`,
    `${id} leaves the package's definitions; ${parts.join(' and ')} stay in the draft and would name a flow the package no longer has, so ${draftName} will not validate until they are changed or removed, or the flow is added back.`,
    'Remove',
  );
}

/** Before stopping the local gateway while executions run there: how many will be stopped. */
export async function confirmStopGateway(running: number | undefined, url: string, options: unknown): Promise<void> {
  if (!running) return;
  await confirmOrCancel(
    options,
    `Stop the local gateway? ${plural(running, 'execution is', 'executions are')} running on it.`,
    `Stopping the gateway at ${url} stops ${running === 1 ? 'that execution' : `those ${running} executions`} (they are recorded as Stopped), and no schedule or trigger fires until it is started again.`,
    'Stop Gateway',
  );
}
