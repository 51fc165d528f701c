import type { TriggersScope } from '../../../webview/protocol/triggers';
import { resolveVersion } from '../gatewayActions/targets';
import type { Services } from '../shared/services';
import { triggersKey, type TriggersPanel, type TriggersPanels } from './triggersPanel';

/**
 * What the commands answer: the panel's scope and key (the in-host tests reach the panel's own
 * handler through the extension's API, `panels.triggers(key)`).
 */
export interface ShownTriggers {
  key: string;
  scope: TriggersScope;
}

function shown(panel: TriggersPanel): ShownTriggers {
  return { key: triggersKey(panel.scope), scope: panel.scope };
}

/** `flowgate.showTriggers [versionNode | { gatewayUrl, packageName, version }]` — one panel per version. */
export async function showTriggers(s: Services, panels: TriggersPanels, arg?: unknown): Promise<ShownTriggers> {
  const t = await resolveVersion(s, arg, 'Show the SNMP triggers of which version?');
  const scope: TriggersScope = { gatewayName: t.gateway.name, gatewayUrl: t.gateway.url, packageName: t.packageName, packageVersion: t.version };
  return shown(panels.show(scope));
}

/** `flowgate.sendTestTrap [versionNode | { gatewayUrl, packageName, version }]` — the Triggers panel on Send Test Trap. */
export async function sendTestTrapCommand(s: Services, panels: TriggersPanels, arg?: unknown): Promise<ShownTriggers> {
  const t = await resolveVersion(s, arg, 'Send a test trap and show the triggers of which version?');
  const scope: TriggersScope = { gatewayName: t.gateway.name, gatewayUrl: t.gateway.url, packageName: t.packageName, packageVersion: t.version };
  return shown(panels.show(scope, 'sendTrap'));
}
