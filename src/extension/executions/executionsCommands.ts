import type { ExecutionsScope } from '../../../webview/protocol/executions';
import { resolveGateway, resolveVersion } from '../gatewayActions/targets';
import type { Services } from '../shared/services';
import { scopeKey, type ExecutionsPanels } from './executionsPanel';

/** What the commands answer (tests use it): the panel's scope and its key. */
export interface ShownPanel {
  key: string;
  scope: ExecutionsScope;
}

/** `flowgate.showRunningExecutions [versionNode | { gatewayUrl, packageName, version }]` — one panel per version. */
export async function showRunningExecutions(s: Services, panels: ExecutionsPanels, arg?: unknown): Promise<ShownPanel> {
  const t = await resolveVersion(s, arg, 'Show the running executions of which version?');
  const scope: ExecutionsScope = { gatewayName: t.gateway.name, gatewayUrl: t.gateway.url, packageName: t.packageName, packageVersion: t.version };
  panels.show(scope);
  return { key: scopeKey(scope), scope };
}

/** `flowgate.showGatewayExecutions [gatewayNode | url | { gatewayUrl }]` — every execution of a gateway. */
export async function showGatewayExecutions(s: Services, panels: ExecutionsPanels, arg?: unknown): Promise<ShownPanel> {
  const g = await resolveGateway(s, arg, 'Show the running executions of which gateway?');
  const scope: ExecutionsScope = { gatewayName: g.name, gatewayUrl: g.url };
  panels.show(scope);
  return { key: scopeKey(scope), scope };
}
