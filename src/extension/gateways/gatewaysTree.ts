import * as vscode from 'vscode';
import { GatewayError } from '../../core/client/gatewayClient';
import type { FlowSignature, ImportSummary, PackageSummary, PackageVersionSummary, VersionHistoryResponse } from '../../core/api/types';
import { splitId } from '../../core/workspace/layout';
import type { ExecutionEvents } from '../executions/executionEvents';
import { GATEWAY_CONTEXT, isImportSummary, isRecord, oneLine, versionContext } from './nodes';
import type { LocalGateway } from '../localGateway/localGateway';
import { config } from '../shared/config';
import { errorText } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Logger } from '../shared/log';

export interface GatewayNode {
  type: 'gateway';
  name: string;
  url: string;
  local: boolean;
}
export interface GatewayPackageNode {
  type: 'gatewayPackage';
  gatewayUrl: string;
  summary: PackageSummary;
}
export interface GatewayVersionNode {
  type: 'gatewayVersion';
  gatewayUrl: string;
  packageName: string;
  summary: PackageVersionSummary;
  isExplicitDefault: boolean;
}
/** Command argument of Run Flow from this view: `{ type: 'gatewayFlow', gatewayUrl, packageName, version, flow }`. */
export interface GatewayFlowNode {
  type: 'gatewayFlow';
  gatewayUrl: string;
  packageName: string;
  version: number;
  flow: FlowSignature;
}
/** The Imports node of a gateway that has promotion sources or imports. */
export interface GatewayImportsNode {
  type: 'gatewayImports';
  gatewayUrl: string;
  /** Names of the gateway's configured sources. */
  sources: string[];
  imports: ImportSummary[];
}
/** One import of a target gateway (command argument of Apply / Reject…; clicking it runs flowgate.reviewImport). */
export interface GatewayImportNode {
  type: 'gatewayImport';
  gatewayUrl: string;
  /** `summary.id`: with `gatewayUrl`, the node is the `{ gatewayUrl, importId }` flowgate.reviewImport takes from a menu. */
  importId: string;
  summary: ImportSummary;
}
export interface GatewayMessageNode {
  type: 'message';
  key: string;
  text: string;
  error: boolean;
  /** The whole explanation when `text` is its short form. */
  tooltip?: string;
}
export type GatewaysNode = GatewayNode | GatewayPackageNode | GatewayVersionNode | GatewayFlowNode | GatewayImportsNode | GatewayImportNode | GatewayMessageNode;

export { GATEWAY_CONTEXT } from './nodes';

/**
 * The Gateways view: the local emulator and each gateway of the `flowgate.gateways` setting →
 * packages → versions → flows. A gateway that does not answer shows one error child.
 * With the emulator stopped and no remote gateways, the view is empty so its welcome shows.
 * While the view is visible it listens to the execution events of the gateways it shows (the
 * stream the Running Executions panels share) and says how many executions of each version run.
 */
export class GatewaysTreeProvider implements vscode.TreeDataProvider<GatewaysNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<GatewaysNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Subscriptions to the execution events of the gateways shown, by URL (only while the view is visible). */
  private readonly watched = new Map<string, vscode.Disposable>();
  /** The gateways the root shows now. */
  private shown: string[] = [];
  private visible = false;
  /** The version nodes last handed to the view (refreshing one needs the same object), by versionKey. */
  private readonly versionNodes = new Map<string, GatewayVersionNode>();
  /** The running count each version node was last drawn with. */
  private readonly drawnRunning = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private dirtyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly local: LocalGateway,
    private readonly log: Logger,
    private readonly events: ExecutionEvents,
    /** Who is signed in to a gateway (signIn/sessions.ts), shown on its node; none: nobody. */
    private readonly signedInUser: (url: string) => string | undefined = () => undefined,
  ) {
    this.disposables.push(
      this.emitter,
      local.onDidChangeState(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('flowgate.gateways') || e.affectsConfiguration('flowgate.localGateway')) this.refresh();
      }),
    );
  }

  refresh(): void {
    this.versionNodes.clear();
    this.drawnRunning.clear();
    this.emitter.fire(undefined);
  }

  /** Follows the view's visibility: execution events are listened to only while someone sees the counts. */
  attach(view: vscode.TreeView<GatewaysNode>): void {
    this.visible = view.visible;
    this.disposables.push(
      view.onDidChangeVisibility((e) => {
        this.visible = e.visible;
        this.syncWatches();
      }),
    );
    this.syncWatches();
  }

  /** The gateways whose execution events the tree listens to now (tests). */
  watchedGateways(): string[] {
    return [...this.watched.keys()];
  }

  private syncWatches(): void {
    const wanted = new Set(this.visible ? this.shown : []);
    for (const [url, subscription] of this.watched) {
      if (wanted.has(url)) continue;
      subscription.dispose();
      this.watched.delete(url);
    }
    for (const url of wanted) {
      if (this.watched.has(url)) continue;
      this.watched.set(
        url,
        this.events.subscribe(url, {
          snapshot: () => this.runningChanged(url),
          changed: () => this.runningChanged(url),
        }),
      );
    }
  }

  /** Redraws (at most twice a second) the version nodes of a gateway whose running count changed. */
  private runningChanged(url: string): void {
    this.dirty.add(url);
    this.dirtyTimer ??= setTimeout(() => {
      this.dirtyTimer = undefined;
      const urls = new Set(this.dirty);
      this.dirty.clear();
      for (const [key, node] of this.versionNodes) {
        if (!urls.has(node.gatewayUrl)) continue;
        if (this.runningOf(node) !== (this.drawnRunning.get(key) ?? 0)) this.emitter.fire(node);
      }
    }, 500);
  }

  private runningOf(node: GatewayVersionNode): number {
    return this.events.running(node.gatewayUrl).filter((e) => e.packageName === node.packageName && e.packageVersion === node.summary.version).length;
  }

  async getChildren(node?: GatewaysNode): Promise<GatewaysNode[]> {
    if (!node) {
      const remotes: GatewayNode[] = config.gateways().map((g) => ({ type: 'gateway', name: g.name, url: g.url, local: false }));
      const localUrl = this.local.url();
      this.shown = [...(localUrl ? [localUrl] : []), ...remotes.map((g) => g.url)];
      this.syncWatches();
      if (this.local.state === 'stopped' && remotes.length === 0) return [];
      return [{ type: 'gateway', name: 'Local Emulator', url: localUrl ?? this.local.configuredUrl(), local: true }, ...remotes];
    }
    switch (node.type) {
      case 'gateway':
        return this.packagesOf(node);
      case 'gatewayPackage':
        return [...node.summary.versions]
          .sort((a, b) => b.version - a.version)
          .map((v) => {
            const version: GatewayVersionNode = {
              type: 'gatewayVersion' as const,
              gatewayUrl: node.gatewayUrl,
              packageName: node.summary.name,
              summary: v,
              isExplicitDefault: v.isDefault && node.summary.defaultIsExplicit,
            };
            this.versionNodes.set(versionKey(version), version);
            return version;
          });
      case 'gatewayVersion':
        return this.flowsOf(node);
      case 'gatewayImports':
        if (node.imports.length === 0) {
          return [{ type: 'message', key: `${node.gatewayUrl}:imports:none`, text: `Nothing pulled yet (sources: ${node.sources.join(', ')}) — use Promote to Gateway… on a version of a source`, error: false }];
        }
        return [...node.imports]
          .sort((a, b) => IMPORT_ORDER[a.status] - IMPORT_ORDER[b.status] || b.pulledAt.localeCompare(a.pulledAt))
          .map((summary) => ({ type: 'gatewayImport' as const, gatewayUrl: node.gatewayUrl, importId: summary.id, summary }));
      default:
        return [];
    }
  }

  private async packagesOf(node: GatewayNode): Promise<GatewaysNode[]> {
    if (node.local && !this.local.isRunning()) {
      return [{ type: 'message', key: `${node.url}:stopped`, text: 'Not running — use Start Local Gateway', error: false }];
    }
    try {
      const client = gatewayClient(node.url, 'tree');
      const [packages, imports] = await Promise.all([client.listPackages().then((r) => r.packages), this.importsOf(node)]);
      const children: GatewaysNode[] = packages
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((summary) => ({ type: 'gatewayPackage' as const, gatewayUrl: node.url, summary }));
      if (children.length === 0) children.push({ type: 'message', key: `${node.url}:empty`, text: 'No packages yet', error: false });
      if (imports) children.push(imports);
      return children;
    } catch (err) {
      this.log.warn(`Gateway ${node.name} (${node.url}): ${errorText(err)}`);
      return [{ type: 'message', key: `${node.url}:error`, text: shortText(err), error: true, tooltip: errorText(err) }];
    }
  }

  /**
   * The gateway's Imports node: there when it has promotion sources or imports. A gateway that
   * does not serve these routes (an older one) or does not let this caller see them (not an
   * Admin) has none; why is logged.
   */
  private async importsOf(node: GatewayNode): Promise<GatewayImportsNode | undefined> {
    const client = gatewayClient(node.url, 'tree');
    try {
      const [sources, imports] = await Promise.all([client.listSources(), client.listImports()]);
      // What the gateway answered is not trusted to have the documented shape: only well-formed entries are shown.
      const sourceNames = (Array.isArray(sources?.sources) ? sources.sources : []).map((x) => (isRecord(x) && typeof x.name === 'string' ? oneLine(x.name) : '')).filter(Boolean);
      const all: unknown[] = Array.isArray(imports?.imports) ? imports.imports : [];
      const listed = all.filter(isImportSummary);
      if (listed.length < all.length) this.log.warn(`Gateway ${node.name} (${node.url}): ${all.length - listed.length} malformed import(s) left out of the Imports node`);
      if (sourceNames.length === 0 && listed.length === 0) return undefined;
      return { type: 'gatewayImports', gatewayUrl: node.url, sources: sourceNames, imports: listed };
    } catch (err) {
      this.log.info(`Gateway ${node.name} (${node.url}): no imports shown: ${errorText(err)}`);
      return undefined;
    }
  }

  /**
   * The text of a version's history tooltip: its status and, per target, every event (who, when,
   * which target, reason), from the gateway's `versionHistory`.
   */
  async historyTooltip(node: GatewayVersionNode): Promise<string> {
    const v = node.summary;
    const head = `${node.packageName} version ${v.version}: ${v.status}, ${v.published ? 'published' : 'not published'}${v.isDefault ? ', default version' : ''}\nUploaded ${v.uploadedAt}`;
    let history: VersionHistoryResponse;
    try {
      history = await gatewayClient(node.gatewayUrl, 'tree').versionHistory(node.packageName, v.version);
    } catch (err) {
      return `${head}\nPromotion history unavailable: ${errorText(err)}`;
    }
    const events: unknown[] = Array.isArray(history?.history) ? history.history.slice(-MAX_TOOLTIP_EVENTS) : [];
    if (events.length === 0) return `${head}\nNo target has pulled it yet.`;
    const text = (v: unknown) => (typeof v === 'string' ? oneLine(v) : '?');
    const lines = events.filter(isRecord).map(
      (e) => `${text(e.at)} — ${text(e.event)}${e.event === 'WITHDRAWN' ? '' : ` on ${text(e.target)}`} by ${text(e.by)}${e.reason !== undefined ? ` — reason: ${text(e.reason)}` : ''}`,
    );
    const latest = (Array.isArray(history.targets) ? history.targets : [])
      .filter(isRecord)
      .map((t) => `${text(t.target)}: ${text(t.status)}`)
      .join(', ');
    return `${head}${latest ? `\nTargets: ${latest}` : ''}\nHistory:\n${lines.join('\n')}`;
  }

  async resolveTreeItem(item: vscode.TreeItem, node: GatewaysNode): Promise<vscode.TreeItem> {
    if (node.type === 'gatewayVersion') item.tooltip = await this.historyTooltip(node);
    return item;
  }

  private async flowsOf(node: GatewayVersionNode): Promise<GatewaysNode[]> {
    try {
      const detail = await gatewayClient(node.gatewayUrl, 'tree').getVersion(node.packageName, node.summary.version);
      if (detail.flows.length === 0) return [{ type: 'message', key: `${node.gatewayUrl}:${node.packageName}:${node.summary.version}:none`, text: 'No flows', error: false }];
      return [...detail.flows]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((flow) => ({ type: 'gatewayFlow' as const, gatewayUrl: node.gatewayUrl, packageName: node.packageName, version: node.summary.version, flow }));
    } catch (err) {
      this.log.warn(`Gateway ${node.gatewayUrl}, ${node.packageName} ${node.summary.version}: ${errorText(err)}`);
      return [{ type: 'message', key: `${node.gatewayUrl}:${node.packageName}:${node.summary.version}:error`, text: errorText(err), error: true }];
    }
  }

  getTreeItem(node: GatewaysNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.type) {
      case 'gateway': {
        const running = node.local ? this.local.state : undefined;
        const item = new vscode.TreeItem(node.name, node.local && running !== 'running' ? C.Collapsed : C.Expanded);
        // The local node's id follows its state, so it opens by itself once the emulator runs.
        item.id = node.local ? `gateway:local:${running === 'running' ? 'running' : 'stopped'}` : `gateway:${node.url}`;
        if (node.local) {
          const state = running === 'running' ? (this.local.external ? 'running (not started here)' : 'running') : running ?? 'stopped';
          item.description = `${node.url} · ${state}`;
          item.contextValue = running === 'running' ? GATEWAY_CONTEXT.localRunning : GATEWAY_CONTEXT.localStopped;
          item.iconPath = new vscode.ThemeIcon(
            'server-process',
            running === 'running' ? new vscode.ThemeColor('testing.iconPassed') : undefined,
          );
          item.tooltip = `Local gateway emulator at ${node.url} — ${state}`;
        } else {
          const user = this.signedInUser(node.url);
          item.description = user ? `${node.url} · signed in as ${user}` : node.url;
          item.contextValue = GATEWAY_CONTEXT.remote;
          item.iconPath = new vscode.ThemeIcon('server-environment');
          item.tooltip = `${node.name} — ${node.url}${user ? `\nSigned in as ${user} (Flowgate: Sign Out to end the session)` : ''}`;
        }
        return item;
      }
      case 'gatewayPackage': {
        const s = node.summary;
        const item = new vscode.TreeItem(s.name, C.Collapsed);
        item.id = `gpkg:${node.gatewayUrl}:${s.name}`;
        const published = s.versions.filter((v) => v.published).length;
        item.description = [s.isDefault ? 'default package' : '', `${s.versions.length} version${s.versions.length === 1 ? '' : 's'}`, published ? `${published} published` : '']
          .filter(Boolean)
          .join(' · ');
        item.contextValue = GATEWAY_CONTEXT.package;
        item.iconPath = new vscode.ThemeIcon(s.isDefault ? 'star-full' : 'package');
        item.tooltip = `${s.name}${s.description ? ` — ${s.description}` : ''}\nDefault version: ${s.defaultVersion ?? 'none'}${s.defaultIsExplicit ? ' (explicit)' : ''}${s.isDefault ? '\nThe gateway\'s default package' : ''}`;
        return item;
      }
      case 'gatewayVersion': {
        const v = node.summary;
        const item = new vscode.TreeItem(`v${v.version}`, C.Collapsed);
        item.id = `gver:${node.gatewayUrl}:${node.packageName}:${v.version}`;
        const running = this.runningOf(node);
        this.drawnRunning.set(versionKey(node), running);
        item.description = [typeof v.status === 'string' ? oneLine(v.status) : '', v.published ? 'published' : 'unpublished', v.isDefault ? (node.isExplicitDefault ? 'default (explicit)' : 'default') : '', running ? `${running} running` : '']
          .filter(Boolean)
          .join(' · ');
        item.contextValue = versionContext(v.published, v.status);
        item.iconPath = new vscode.ThemeIcon(
          v.status === 'REJECTED' ? 'close' : v.status === 'PROMOTED' || v.status === 'APPLIED' ? 'pass' : v.published ? 'versions' : 'circle-outline',
          STATUS_COLOR[v.status] ? new vscode.ThemeColor(STATUS_COLOR[v.status]!) : undefined,
        );
        // No tooltip here: resolveTreeItem fills it on hover with the per-target history (only an undefined tooltip is resolved).
        return item;
      }
      case 'gatewayFlow': {
        const { folder, name } = splitId(node.flow.id);
        const item = new vscode.TreeItem(name, C.None);
        item.id = `gflow:${node.gatewayUrl}:${node.packageName}:${node.version}:${node.flow.id}`;
        item.description = folder;
        item.contextValue = GATEWAY_CONTEXT.flow;
        item.iconPath = new vscode.ThemeIcon('symbol-event');
        const inputs = Object.entries(node.flow.inputs ?? {}).map(([k, d]) => `${k}: ${d.type}${d.required ? '' : '?'}`);
        item.tooltip = `${node.flow.id}${node.flow.description ? `\n${node.flow.description}` : ''}${inputs.length ? `\nInputs: ${inputs.join(', ')}` : ''}`;
        return item;
      }
      case 'gatewayImports': {
        const item = new vscode.TreeItem('Imports', C.Collapsed);
        item.id = `gimports:${node.gatewayUrl}`;
        const open = node.imports.filter((i) => i.status === 'OPEN').length;
        item.description = [open ? `${open} open` : '', `${node.imports.length} import${node.imports.length === 1 ? '' : 's'}`, node.sources.length ? `from ${node.sources.join(', ')}` : '']
          .filter(Boolean)
          .join(' · ');
        item.contextValue = GATEWAY_CONTEXT.imports;
        item.iconPath = new vscode.ThemeIcon('cloud-download');
        item.tooltip = `Versions this gateway pulled from its promotion sources (${node.sources.join(', ') || 'none configured'}). Click one to review it.`;
        return item;
      }
      case 'gatewayImport': {
        const i = node.summary;
        const item = new vscode.TreeItem(`${oneLine(i.name)} v${i.version}`, C.None);
        item.id = `gimport:${node.gatewayUrl}:${i.id}`;
        item.description = `${i.status} · from ${oneLine(i.source)}${i.sourceNotified ? '' : ' · source not told yet'}`;
        item.contextValue = i.status === 'OPEN' ? GATEWAY_CONTEXT.importOpen : i.status === 'APPLIED' ? GATEWAY_CONTEXT.importApplied : GATEWAY_CONTEXT.importRejected;
        item.iconPath = new vscode.ThemeIcon(
          i.status === 'OPEN' ? 'inbox' : i.status === 'APPLIED' ? 'pass' : 'close',
          STATUS_COLOR[i.status] ? new vscode.ThemeColor(STATUS_COLOR[i.status]!) : undefined,
        );
        item.tooltip =
          `${oneLine(i.name)} version ${i.version} from ${oneLine(i.source)}: ${i.status}\nPulled ${oneLine(i.pulledAt)} by ${oneLine(i.pulledBy)}\nSigned by key ${oneLine(i.signer)}` +
          (i.sourceNotified ? '' : `\n${oneLine(i.source)} has not been told of the latest step yet (it is in the outbox)`);
        item.command = { command: 'flowgate.reviewImport', title: 'Review Import', arguments: [{ gatewayUrl: node.gatewayUrl, importId: i.id }] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, C.None);
        item.id = `msg:${node.key}`;
        item.contextValue = node.error ? GATEWAY_CONTEXT.error : GATEWAY_CONTEXT.message;
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info', node.error ? new vscode.ThemeColor('problemsErrorIcon.foreground') : undefined);
        item.tooltip = node.tooltip ?? node.text;
        return item;
      }
    }
  }

  dispose(): void {
    clearTimeout(this.dirtyTimer);
    for (const subscription of this.watched.values()) subscription.dispose();
    this.watched.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}

/** The latest events a version's tooltip shows (the rest are older). */
const MAX_TOOLTIP_EVENTS = 20;

/** Imports listed OPEN first (what needs a decision), then applied, then rejected. */
const IMPORT_ORDER: Record<ImportSummary['status'], number> = { OPEN: 0, APPLIED: 1, REJECTED: 2 };

/** Badge colours of statuses: done (PROMOTED, APPLIED) green, REJECTED red, waiting (ACCEPTED, OPEN) yellow. */
const STATUS_COLOR: Partial<Record<string, string>> = {
  PROMOTED: 'testing.iconPassed',
  APPLIED: 'testing.iconPassed',
  REJECTED: 'problemsErrorIcon.foreground',
  ACCEPTED: 'problemsWarningIcon.foreground',
  OPEN: 'problemsWarningIcon.foreground',
};

function versionKey(node: GatewayVersionNode): string {
  return `${node.gatewayUrl}|${node.packageName}|${node.summary.version}`;
}

/** A tree row's text for an error: what to do first for credentials (the tooltip has the whole message). */
function shortText(err: unknown): string {
  if (err instanceof GatewayError && err.status === 401) {
    return /none were found/.test(err.message)
      ? 'Needs credentials: Sign In, or give "credentialsFile" in its flowgate.gateways entry (hover for more)'
      : 'Credentials refused by the gateway (hover for more)';
  }
  if (err instanceof GatewayError && err.code === 'bad-credentials') return `Unusable credentials: ${err.message}`;
  return errorText(err);
}
