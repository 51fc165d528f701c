import type { ExtensionToWebview, SchedulesScope, WebviewToExtension } from '../../../webview/protocol/schedules';
import { resolveVersion } from '../gatewayActions/targets';
import type { Services } from '../shared/services';
import { schedulesKey, type SchedulesPanels } from './schedulesPanel';

/** What `flowgate.showSchedules` answers (tests use it): the panel's scope and its key. */
export interface ShownSchedules {
  key: string;
  scope: SchedulesScope;
}

/**
 * `flowgate.showSchedules [versionNode | { gatewayUrl, packageName, version }]` — the Schedules
 * panel of a package version (one per version); with no argument, quick picks of gateway →
 * package → version.
 */
export async function showSchedules(s: Services, panels: SchedulesPanels, arg?: unknown): Promise<ShownSchedules> {
  const t = await resolveVersion(s, arg, 'Manage the schedules of which version?');
  const scope: SchedulesScope = { gatewayName: t.gateway.name, gatewayUrl: t.gateway.url, packageName: t.packageName, packageVersion: t.version };
  panels.show(scope);
  return { key: schedulesKey(scope), scope };
}

/**
 * `flowgate.schedules.dispatch key message` — runs one page message through the open panel's
 * handler and answers what the panel sent back (not in the palette; for tests and automation:
 * it is exactly what the page does).
 */
export async function dispatchToSchedules(panels: SchedulesPanels, key: unknown, message: unknown): Promise<ExtensionToWebview | undefined> {
  if (typeof key !== 'string') throw new Error('expected the key of a Schedules panel (what flowgate.showSchedules answers)');
  const panel = panels.get(key);
  if (!panel) throw new Error(`no Schedules panel is open for ${key}`);
  if (!message || typeof message !== 'object' || typeof (message as { type?: unknown }).type !== 'string') {
    throw new Error('expected a message of webview/protocol/schedules.ts ({ type, … })');
  }
  return panel.handle(message as WebviewToExtension);
}
