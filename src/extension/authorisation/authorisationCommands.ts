import type { AuthorisationScope } from '../../../webview/protocol/authorisation';
import { resolveVersion } from '../gatewayActions/targets';
import type { Services } from '../shared/services';
import { authorisationKey, type AuthorisationPanels } from './authorisationPanel';

/** What `flowgate.editAuthorisation` answers (tests use it): the panel's scope and its key. */
export interface ShownAuthorisation {
  key: string;
  scope: AuthorisationScope;
}

/**
 * `flowgate.editAuthorisation [versionNode | { gatewayUrl, packageName, version }]` — the
 * Authorisation panel of a package version (one per version); with no argument, quick picks of
 * gateway → package → version.
 */
export async function editAuthorisation(s: Services, panels: AuthorisationPanels, arg?: unknown): Promise<ShownAuthorisation> {
  const t = await resolveVersion(s, arg, 'Edit the authorisation of which version?');
  const scope: AuthorisationScope = { gatewayName: t.gateway.name, gatewayUrl: t.gateway.url, packageName: t.packageName, packageVersion: t.version };
  panels.show(scope);
  return { key: authorisationKey(scope), scope };
}
