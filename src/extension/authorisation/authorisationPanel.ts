import * as vscode from 'vscode';
import type { DirectoryGroup } from '../../core/api/types';
import type { GatewayClient } from '../../core/client/gatewayClient';
import type {
  AuthorisationRequests,
  AuthorisationScope,
  AuthorisationSnapshot,
  ExtensionToWebview,
  WebviewToExtension,
} from '../../../webview/protocol/authorisation';
import { withSlowProgress } from '../schedules/schedulesPanel';
import { errorText } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Logger } from '../shared/log';
import { RequestRefused, WebviewPanelHost, type RequestHandlers } from '../webviews/webviewHost';
import { saveParams } from './authorisationParams';
import { PanelRegistry } from '../webviews/panelRegistry';

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
export class AuthorisationPanel implements vscode.Disposable {
  /** The page's host; in-host tests run a request with `host.answer(method, params)`. */
  readonly host: WebviewPanelHost<WebviewToExtension, ExtensionToWebview, AuthorisationRequests>;
  private readonly client: GatewayClient;
  private readonly disposables: vscode.Disposable[] = [];
  private groups: string[] | undefined;
  private directory: DirectoryGroup[] | undefined;
  private loadError: string | undefined;
  private directoryError: string | undefined;
  private loadedAt = '';
  private loading: Promise<void> | undefined;
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    extensionUri: vscode.Uri,
    readonly scope: AuthorisationScope,
    private readonly log: Logger,
  ) {
    this.client = gatewayClient(scope.gatewayUrl, 'panel');
    this.host = new WebviewPanelHost<WebviewToExtension, ExtensionToWebview, AuthorisationRequests>(
      extensionUri,
      {
        viewType: 'flowgate.authorisation',
        title: authorisationTitle(scope),
        script: 'authorisation.js',
        style: 'authorisation.css',
        codicons: true,
        iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'flowgate.svg'),
        bodyData: { package: scope.packageName, version: String(scope.packageVersion), gateway: scope.gatewayName },
      },
      {
        requests: this.requests(),
        notification: async (message) => {
          if (message.type === 'ready') await this.ready();
        },
        describe: (method) => (method === 'save' ? `Could not save the groups of ${this.where}` : method === 'reload' ? `Could not read the groups of ${this.where}` : method),
        onError: (what, err) => {
          if (err instanceof RequestRefused) return;
          this.log.warn(`Authorisation: ${what}: ${errorText(err)}`);
        },
      },
    );
    this.onDidDispose = this.host.onDidDispose;
    this.disposables.push(this.host);
    this.host.onDidDispose(() => this.dispose());
    void this.reload();
  }

  get panel(): vscode.WebviewPanel {
    return this.host.panel;
  }

  reveal(): void {
    this.host.reveal();
  }

  /** The version's groups as last read from the gateway (tests). */
  savedGroups(): string[] | undefined {
    return this.groups ? [...this.groups] : undefined;
  }

  private get where(): string {
    return `${this.scope.packageName} v${this.scope.packageVersion} on ${this.scope.gatewayName}`;
  }

  private snapshot(): AuthorisationSnapshot {
    return {
      scope: this.scope,
      ...(this.groups ? { groups: this.groups } : {}),
      ...(this.directory ? { directory: this.directory } : {}),
      ...(this.loadError ? { error: this.loadError } : {}),
      ...(this.directoryError ? { directoryError: this.directoryError } : {}),
      loadedAt: this.loadedAt,
    };
  }

  private async ready(): Promise<void> {
    if (this.loading) await this.loading;
    else if (!this.loadedAt) await this.reload();
    await this.host.post({ type: 'snapshot', ...this.snapshot() });
  }

  /** Reads the version's groups and the directory's again and pushes the page a snapshot. */
  reload(): Promise<void> {
    this.loading ??= (async () => {
      await this.host.post({ type: 'loading', loading: true });
      try {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Flowgate: reading the authorisation of ${this.where}` }, async () => {
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
        });
      } finally {
        this.loadedAt = new Date().toISOString();
        this.loading = undefined;
      }
      await this.host.post({ type: 'loading', loading: false });
      await this.host.post({ type: 'snapshot', ...this.snapshot() });
    })();
    return this.loading;
  }

  private requests(): RequestHandlers<AuthorisationRequests> {
    const { packageName: name, packageVersion: version } = this.scope;
    return {
      reload: async () => {
        await this.reload();
        return this.snapshot();
      },
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

  dispose(): void {
    const list = this.disposables.splice(0);
    list.forEach((d) => d.dispose());
  }
}

/** The open Authorisation panels, one per version: showing a version again reveals its panel. */
export class AuthorisationPanels extends PanelRegistry<AuthorisationPanel> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {
    super();
  }

  show(scope: AuthorisationScope): AuthorisationPanel {
    return this.open(authorisationKey(scope), () => new AuthorisationPanel(this.extensionUri, scope, this.log), (p) => p.reveal());
  }
}
