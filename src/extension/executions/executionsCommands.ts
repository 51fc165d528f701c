import type { ExecutionsScope } from '../../../webview/protocol/executions';
import { resolveGateway, resolveVersion } from '../gatewayActions/targets';
import type { Services } from '../shared/services';
import { scopeKey, type ExecutionsPanels, type FocusOutcome } from './executionsPanel';

/** What the commands answer (tests use it): the panel's scope and its key; with an `executionId`, what came of showing it. */
export interface ShownPanel {
  key: string;
  scope: ExecutionsScope;
  execution?: FocusOutcome;
}

/** The `executionId` of a `{ gatewayUrl, packageName, version, executionId }` argument, if it has one. */
function executionIdOf(arg: unknown): unknown {
  return arg && typeof arg === 'object' && !Array.isArray(arg) && 'executionId' in arg ? (arg as { executionId: unknown }).executionId : undefined;
}

/**
 * `flowgate.showRunningExecutions [versionNode | { gatewayUrl, packageName, version, executionId? }]` —
 * one panel per version. With `executionId`, that execution is selected and its details shown
 * (read from the gateway when it is not listed); one the gateway does not know is named in the
 * page's status line.
 */
export async function showRunningExecutions(s: Services, panels: ExecutionsPanels, arg?: unknown): Promise<ShownPanel> {
  const t = await resolveVersion(s, arg, 'Show the running executions of which version?');
  const scope: ExecutionsScope = { gatewayName: t.gateway.name, gatewayUrl: t.gateway.url, packageName: t.packageName, packageVersion: t.version };
  const panel = panels.show(scope);
  const executionId = executionIdOf(arg);
  if (executionId === undefined) return { key: scopeKey(scope), scope };
  return { key: scopeKey(scope), scope, execution: await panel.focus(executionId) };
}

/** `flowgate.showGatewayExecutions [gatewayNode | url | { gatewayUrl }]` — every execution of a gateway. */
export async function showGatewayExecutions(s: Services, panels: ExecutionsPanels, arg?: unknown): Promise<ShownPanel> {
  const g = await resolveGateway(s, arg, 'Show the running executions of which gateway?');
  const scope: ExecutionsScope = { gatewayName: g.name, gatewayUrl: g.url };
  panels.show(scope);
  return { key: scopeKey(scope), scope };
}
