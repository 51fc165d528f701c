import type { SchedulesScope } from '../../../webview/protocol/schedules';
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
