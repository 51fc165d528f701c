import * as vscode from 'vscode';
import type { DirectoryGroup } from '../../core/api/types';
import type { GatewayClient } from '../../core/client/gatewayClient';
import type { AuthorisationRequests, AuthorisationScope, AuthorisationSnapshot } from '../../../webview/protocol/authorisation';
import { errorText } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Logger } from '../shared/log';
import { ScopedPanels } from '../webviews/panelRegistry';
import { withSlowProgress } from '../webviews/slowProgress';
import { SnapshotPanel } from '../webviews/snapshotPanel';
import type { RequestHandlers } from '../webviews/webviewHost';
import { saveParams } from './authorisationParams';

export function authorisationKey(scope: AuthorisationScope): string {
  return `${scope.gatewayUrl}|${scope.packageName}|${scope.packageVersion}`;
}

export function authorisationTitle(scope: AuthorisationScope): string {
  return `Authorisation: ${scope.packageName} v${scope.packageVersion}`;
}

/**
 * One Authorisation panel: who may execute one package version's flows on one gateway. The
 * extension side reads the version's groups (GET …/authorisation) and the directory's (GET
 * /api/v1/directory/groups) with core's GatewayClient and pushes the page snapshots; the page's
 * requests (webview/protocol/authorisation.ts) go to one handler per method, each checking its
 * params (authorisationParams.ts) before any gateway call. Saving PUTs the whole list; the
 * gateway's refusals come back per field (`groups[i]`).
 */
export class AuthorisationPanel extends SnapshotPanel<AuthorisationSnapshot, AuthorisationRequests> {
  private readonly client: GatewayClient;
  private groups: string[] | undefined;
  private directory: DirectoryGroup[] | undefined;
  private loadError: string | undefined;
  private directoryError: string | undefined;

  constructor(
    extensionUri: vscode.Uri,
    readonly scope: AuthorisationScope,
    log: Logger,
  ) {
    super(
      extensionUri,
      {
        viewType: 'flowgate.authorisation',
        title: authorisationTitle(scope),
        script: 'authorisation.js',
        style: 'authorisation.css',
        bodyData: { package: scope.packageName, version: String(scope.packageVersion), gateway: scope.gatewayName },
        logName: 'Authorisation',
      },
      log,
    );
    this.client = gatewayClient(scope.gatewayUrl, 'panel');
    void this.reload();
  }

  /** The version's groups as last read from the gateway (tests). */
  savedGroups(): string[] | undefined {
    return this.groups ? [...this.groups] : undefined;
  }

  private get where(): string {
    return `${this.scope.packageName} v${this.scope.packageVersion} on ${this.scope.gatewayName}`;
  }

  protected snapshot(): AuthorisationSnapshot {
    return {
      scope: this.scope,
      ...(this.groups ? { groups: this.groups } : {}),
      ...(this.directory ? { directory: this.directory } : {}),
      ...(this.loadError ? { error: this.loadError } : {}),
      ...(this.directoryError ? { directoryError: this.directoryError } : {}),
      loadedAt: this.loadedAt,
    };
  }

  protected override describe(method: string): string {
    return method === 'save' ? `Could not save the groups of ${this.where}` : method === 'reload' ? `Could not read the groups of ${this.where}` : method;
  }

  protected reading(): string {
    return `the authorisation of ${this.where}`;
  }

  /** Reads the version's groups and the directory's (each failure is said on its own). */
  protected async load(): Promise<void> {
    const [groups, directory] = await Promise.allSettled([
      this.client.getAuthorisation(this.scope.packageName, this.scope.packageVersion),
      this.client.listDirectoryGroups(),
    ]);
    if (groups.status === 'fulfilled') {
      this.groups = groups.value.groups;
      this.loadError = undefined;
    } else {
      this.loadError = `Could not read the groups of ${this.where} (${this.scope.gatewayUrl}): ${errorText(groups.reason)}`;
      this.log.warn(`Authorisation: ${this.loadError}`);
    }
    if (directory.status === 'fulfilled') {
      this.directory = [...directory.value.groups].sort((a, b) => a.name.localeCompare(b.name));
      this.directoryError = undefined;
    } else {
      this.directoryError = `Could not read the directory's groups of ${this.scope.gatewayName} (${this.scope.gatewayUrl}): ${errorText(directory.reason)}`;
      this.log.warn(`Authorisation: ${this.directoryError}`);
    }
  }

  protected requests(): RequestHandlers<AuthorisationRequests> {
    const { packageName: name, packageVersion: version } = this.scope;
    return {
      reload: () => this.reloaded(),
      save: async (raw) => {
        const { groups } = saveParams(raw);
        const saved = await withSlowProgress(`Flowgate: saving the groups of ${this.where}…`, () => this.client.setAuthorisation(name, version, groups));
        this.log.info(`Authorisation: ${this.where} now ${saved.groups.length ? `lists groups ${saved.groups.join(', ')}` : 'lists no groups (anyone may execute)'}`);
        this.groups = saved.groups;
        await this.reload();
        return { groups: saved.groups };
      },
    };
  }

}

/** The open Authorisation panels, one per version: showing a version again reveals its panel. */
export class AuthorisationPanels extends ScopedPanels<AuthorisationScope, AuthorisationPanel> {
  constructor(extensionUri: vscode.Uri, log: Logger) {
    super(authorisationKey, (scope) => new AuthorisationPanel(extensionUri, scope, log));
  }
}
