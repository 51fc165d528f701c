import * as vscode from 'vscode';
import type { ScheduleResponse } from '../../core/api/types';
import type { GatewayClient } from '../../core/client/gatewayClient';
import { gatewayClient } from '../shared/gateway';
import {
  scheduleBody,
  type ExtensionToWebview,
  type SchedulesRequests,
  type SchedulesScope,
  type SchedulesSnapshot,
  type VersionInfo,
  type WebviewToExtension,
} from '../../../webview/protocol/schedules';
import { errorText } from '../shared/errors';
import type { Logger } from '../shared/log';
import { RequestRefused, WebviewPanelHost, type RequestHandlers } from '../webviews/webviewHost';
import { idParams, previewParams, saveParams, setEnabledParams } from './schedulesParams';
import { PanelRegistry } from '../webviews/panelRegistry';
/** While the panel is visible, the list (next runs, last firings) is read again this often. */
const REFRESH_MS = 30_000;
/** A gateway call that takes longer than this gets a progress notification. */
const SLOW_MS = 700;

/**
 * Runs a gateway call; when it is still running after SLOW_MS, a progress notification with
 * `title` shows until it ends (quick calls leave no notification behind).
 */
export async function withSlowProgress<T>(title: string, task: () => Promise<T>): Promise<T> {
  const running = task();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = running.then(
    () => undefined,
    () => undefined,
  );
  timer = setTimeout(() => {
    timer = undefined;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, () => done);
  }, SLOW_MS);
  try {
    return await running;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

const PREVIEW_FAILED = 'Could not preview the expression';

/** The row actions: what a progress notification says while one runs, and the verb of its error. */
type RowAction = 'enable' | 'disable' | 'runNow' | 'delete';
const ROW_ACTIONS: Record<RowAction, [doing: string, verb: string]> = {
  enable: ['enabling', 'enable'],
  disable: ['disabling', 'disable'],
  runNow: ['running', 'run'],
  delete: ['deleting', 'delete'],
};

export function schedulesKey(scope: SchedulesScope): string {
  return `${scope.gatewayUrl}|${scope.packageName}|${scope.packageVersion}`;
}

export function schedulesTitle(scope: SchedulesScope): string {
  return `Schedules: ${scope.packageName} v${scope.packageVersion}`;
}

/**
 * One Schedules panel: the schedules of one package version on one gateway. The extension side
 * talks to the gateway (GatewayClient) and pushes the page snapshots of the version's flows and
 * schedules; the page's requests (webview/protocol/schedules.ts) go to one handler per method, each
 * checking its params (src/extension/schedules/schedulesParams.ts) before any gateway call.
 */
export class SchedulesPanel implements vscode.Disposable {
  /** The page's host; in-host tests run a request with `host.answer(method, params)`. */
  readonly host: WebviewPanelHost<WebviewToExtension, ExtensionToWebview, SchedulesRequests>;
  private readonly client: GatewayClient;
  private readonly disposables: vscode.Disposable[] = [];
  private version: VersionInfo | undefined;
  private list: ScheduleResponse[] = [];
  private loadError: string | undefined;
  private loadedAt = '';
  private loading: Promise<void> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    extensionUri: vscode.Uri,
    readonly scope: SchedulesScope,
    private readonly log: Logger,
  ) {
    this.client = gatewayClient(scope.gatewayUrl, 'panel');
    this.host = new WebviewPanelHost<WebviewToExtension, ExtensionToWebview, SchedulesRequests>(
      extensionUri,
      {
        viewType: 'flowgate.schedules',
        title: schedulesTitle(scope),
        script: 'schedules.js',
        style: 'schedules.css',
        codicons: true,
        iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'flowgate.svg'),
        bodyData: { package: scope.packageName, version: String(scope.packageVersion), gateway: scope.gatewayName },
      },
      {
        requests: this.requests(),
        notification: async (message) => {
          if (message.type === 'ready') await this.ready();
        },
        describe: (method, params) => this.describe(method, params),
        onError: (what, err) => {
          // Refusals are logged where they are made (row actions) or are the page's own mistakes;
          // a preview refused while the expression is being typed is no news either.
          if (err instanceof RequestRefused || what === PREVIEW_FAILED) return;
          this.log.warn(`Schedules: ${what}: ${errorText(err)}`);
        },
      },
    );
    this.onDidDispose = this.host.onDidDispose;
    this.disposables.push(this.host);
    this.host.onDidDispose(() => this.dispose());
    // Next runs and last firings change with time: read them again while the panel is visible.
    this.timer = setInterval(() => {
      if (this.host.visible) void this.reload();
    }, REFRESH_MS);
    void this.reload();
  }

  get panel(): vscode.WebviewPanel {
    return this.host.panel;
  }

  reveal(): void {
    this.host.reveal();
  }

  /** The schedules as last read from the gateway (for tests and commands). */
  schedules(): ScheduleResponse[] {
    return [...this.list];
  }

  private get where(): string {
    return `${this.scope.packageName} v${this.scope.packageVersion} on ${this.scope.gatewayName}`;
  }

  private snapshot(): SchedulesSnapshot {
    return { scope: this.scope, version: this.version, schedules: this.list, error: this.loadError, loadedAt: this.loadedAt };
  }

  /** The page (re)loaded: it gets the snapshot (read first when none was). */
  private async ready(): Promise<void> {
    if (this.loading) await this.loading;
    else if (!this.loadedAt) await this.reload();
    await this.host.post({ type: 'snapshot', ...this.snapshot() });
  }

  /** Reads the version (published, flows) and its schedules again and pushes the page a snapshot. */
  reload(): Promise<void> {
    this.loading ??= (async () => {
      await this.host.post({ type: 'loading', loading: true });
      try {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Flowgate: reading the schedules of ${this.where}` }, async () => {
          const [detail, schedules] = await Promise.all([
            this.client.getVersion(this.scope.packageName, this.scope.packageVersion),
            this.client.listSchedules(this.scope.packageName, this.scope.packageVersion),
          ]);
          this.version = { published: detail.published, flows: detail.flows };
          this.list = schedules.schedules;
          this.loadError = undefined;
        });
      } catch (err) {
        this.loadError = `Could not read the schedules of ${this.where} (${this.scope.gatewayUrl}): ${errorText(err)}`;
        this.log.warn(`Schedules: ${this.loadError}`);
      } finally {
        this.loadedAt = new Date().toISOString();
        this.loading = undefined;
      }
      await this.host.post({ type: 'loading', loading: false });
      await this.host.post({ type: 'snapshot', ...this.snapshot() });
    })();
    return this.loading;
  }

  /** A schedule's name for messages: `'Nightly'`, or its id when the list does not have it. */
  private label(id: string): string {
    const s = this.list.find((x) => x.id === id);
    return s ? `'${s.name}'` : id;
  }

  /** What a failed request was doing, for its error. */
  private describe(method: string, params: unknown): string {
    const p = (params && typeof params === 'object' ? params : {}) as { id?: unknown; enabled?: unknown; body?: { name?: unknown } };
    const id = typeof p.id === 'string' ? p.id : '';
    switch (method) {
      case 'save':
        return `Could not save schedule '${typeof p.body?.name === 'string' ? p.body.name : ''}'`;
      case 'preview':
        return PREVIEW_FAILED;
      case 'setEnabled':
        return `Could not ${p.enabled ? 'enable' : 'disable'} schedule ${this.label(id)} of ${this.where}`;
      case 'reload':
        return `Could not read the schedules of ${this.where}`;
      case 'openExecution':
        return `Could not open execution ${id}`;
      default:
        return `Could not ${method in ROW_ACTIONS ? ROW_ACTIONS[method as RowAction][1] : method} schedule ${this.label(id)} of ${this.where}`;
    }
  }

  /**
   * A row action: the gateway call with a progress notification when slow, logged, then the list
   * read again. A failure answers one error for the request that names the schedule and why.
   */
  private async rowAction<T>(action: RowAction, id: string, call: () => Promise<T>): Promise<T> {
    const label = this.label(id);
    const [doing, verb] = ROW_ACTIONS[action];
    try {
      const result = await withSlowProgress(`Flowgate: ${doing} schedule ${label} of ${this.where}…`, call);
      this.log.info(`Schedules: ${action} ${label} (${id}) of ${this.where}`);
      await this.reload();
      return result;
    } catch (err) {
      const text = `Could not ${verb} schedule ${label} of ${this.where}: ${errorText(err)}`;
      this.log.warn(`Schedules: ${text}`);
      void this.reload();
      throw new RequestRefused([{ field: '', message: text }]);
    }
  }

  private requests(): RequestHandlers<SchedulesRequests> {
    const { packageName: name, packageVersion: version } = this.scope;
    return {
      reload: async () => {
        await this.reload();
        return this.snapshot();
      },
      preview: async (raw) => {
        const { expression, timezone } = previewParams(raw);
        return this.client.cronPreview({ expression, timezone, count: 5 });
      },
      save: async (raw) => {
        const { id, body } = saveParams(raw);
        const verb = id ? 'updating' : 'creating';
        const schedule = await withSlowProgress(`Flowgate: ${verb} schedule '${body.name}' of ${this.where}…`, () =>
          id ? this.client.updateSchedule(name, version, id, body) : this.client.createSchedule(name, version, body),
        );
        this.log.info(`Schedules: ${id ? 'updated' : 'created'} '${schedule.name}' (${schedule.id}) of ${this.where}: ${schedule.expression} ${schedule.timezone}`);
        await this.reload();
        return schedule;
      },
      setEnabled: async (raw) => {
        const { id, enabled } = setEnabledParams(raw);
        return this.rowAction(enabled ? 'enable' : 'disable', id, async () => {
          // A PUT carries the whole schedule: read the current one so nothing else changes.
          const current = (await this.client.listSchedules(name, version)).schedules.find((x) => x.id === id);
          if (!current) throw new Error(`${this.where} has no schedule ${id}`);
          return this.client.updateSchedule(name, version, id, scheduleBody(current, { enabled }));
        });
      },
      runNow: async (raw) => {
        const { id } = idParams(raw);
        const started = await this.rowAction('runNow', id, () => this.client.runScheduleNow(name, version, id));
        this.log.info(`Schedules: Run Now of ${this.label(id)} started execution ${started.executionId}`);
        return { executionId: started.executionId };
      },
      delete: async (raw) => {
        const { id } = idParams(raw);
        await this.rowAction('delete', id, () => this.client.deleteSchedule(name, version, id));
        return { id };
      },
      openExecution: async (raw) => {
        const { id } = idParams(raw);
        await vscode.commands.executeCommand('flowgate.showRunningExecutions', {
          gatewayUrl: this.scope.gatewayUrl,
          packageName: this.scope.packageName,
          version: this.scope.packageVersion,
          executionId: id,
        });
        return null;
      },
    };
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const list = this.disposables.splice(0);
    list.forEach((d) => d.dispose());
  }
}

/** The open Schedules panels, one per version: showing a version again reveals its panel. */
export class SchedulesPanels extends PanelRegistry<SchedulesPanel> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {
    super();
  }

  show(scope: SchedulesScope): SchedulesPanel {
    return this.open(schedulesKey(scope), () => new SchedulesPanel(this.extensionUri, scope, this.log), (p) => p.reveal());
  }
}
