import * as vscode from 'vscode';
import type { ApiErrorDetail, ScheduleResponse } from '../../core/api/types';
import { GatewayError, type GatewayClient } from '../../core/client/gatewayClient';
import { gatewayClient } from '../shared/gateway';
import {
  DEFAULT_TIMEZONE,
  scheduleBody,
  type ExtensionToWebview,
  type RowAction,
  type SchedulesScope,
  type VersionInfo,
  type WebviewToExtension,
} from '../../../webview/protocol/schedules';
import { errorText, showError } from '../shared/errors';
import type { Logger } from '../shared/log';
import { WebviewPanelHost } from '../webviews/webviewHost';

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

export function schedulesKey(scope: SchedulesScope): string {
  return `${scope.gatewayUrl}|${scope.packageName}|${scope.packageVersion}`;
}

export function schedulesTitle(scope: SchedulesScope): string {
  return `Schedules: ${scope.packageName} v${scope.packageVersion}`;
}

/** A gateway error as field errors: one per detail, else one for the form as a whole (`''`). */
export function fieldErrors(err: unknown, what: string): ApiErrorDetail[] {
  if (err instanceof GatewayError && err.details.length > 0) {
    return err.details.map((d) => ({ field: d.field, message: d.message }));
  }
  return [{ field: '', message: `${what}: ${errorText(err)}` }];
}

/**
 * One Schedules panel: the schedules of one package version on one gateway. The extension side
 * talks to the gateway (GatewayClient) and sends the page the version's flows and schedules; the
 * page sends previews, saves and row actions through the typed messages of
 * webview/protocol/schedules.ts, and each gets an answer echoing its `requestId`.
 */
export class SchedulesPanel implements vscode.Disposable {
  private readonly host: WebviewPanelHost<WebviewToExtension, ExtensionToWebview>;
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
    this.host = new WebviewPanelHost<WebviewToExtension, ExtensionToWebview>(
      extensionUri,
      {
        viewType: 'flowgate.schedules',
        title: schedulesTitle(scope),
        script: 'schedules.js',
        style: 'schedules.css',
        codicons: true,
        iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'flowgate.svg'),
        bodyData: { package: scope.packageName, version: String(scope.packageVersion) },
      },
      async (message) => {
        await this.handle(message);
      },
      (message, err) => showError(log, `Schedules: ${message.type} failed`, err),
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

  private snapshot(): ExtensionToWebview {
    return { type: 'snapshot', scope: this.scope, version: this.version, schedules: this.list, error: this.loadError, loadedAt: this.loadedAt };
  }

  /** Reads the version (published, flows) and its schedules again and sends the page a snapshot. */
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
      await this.host.post(this.snapshot());
    })();
    return this.loading;
  }

  /**
   * Handles one message of the page and answers it (the answer is also returned, for the in-host
   * tests, which reach this handler through the extension's API `panels.schedules(key)`). `ready`
   * and `refresh` answer with a snapshot.
   */
  async handle(message: WebviewToExtension): Promise<ExtensionToWebview | undefined> {
    switch (message.type) {
      case 'ready': {
        if (this.loading) await this.loading;
        else if (!this.loadedAt) await this.reload();
        const snap = this.snapshot();
        await this.host.post(snap);
        return snap;
      }
      case 'refresh':
        await this.reload();
        return this.snapshot();
      case 'preview':
        return this.answer(await this.preview(message.requestId, message.expression, message.timezone));
      case 'save':
        return this.answer(await this.save(message.requestId, message.body, message.id));
      case 'action':
        return this.answer(await this.action(message.requestId, message.action, message.id));
      default:
        return undefined;
    }
  }

  private async answer(message: ExtensionToWebview): Promise<ExtensionToWebview> {
    await this.host.post(message);
    return message;
  }

  private async preview(requestId: number, expression: unknown, timezone: unknown): Promise<ExtensionToWebview> {
    const expr = typeof expression === 'string' ? expression : '';
    const zone = typeof timezone === 'string' && timezone ? timezone : DEFAULT_TIMEZONE;
    if (!expr.trim()) {
      return { type: 'preview', requestId, expression: expr, timezone: zone, errors: [{ field: 'expression', message: 'required: a cron expression, e.g. "*/5 * * * *"' }] };
    }
    try {
      const result = await this.client.cronPreview({ expression: expr, timezone: zone, count: 5 });
      return { type: 'preview', requestId, expression: expr, timezone: zone, result };
    } catch (err) {
      return { type: 'preview', requestId, expression: expr, timezone: zone, errors: fieldErrors(err, 'Could not preview the expression') };
    }
  }

  private async save(requestId: number, body: unknown, id: unknown): Promise<ExtensionToWebview> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return { type: 'saved', requestId, errors: [{ field: '', message: 'Save: the schedule is not an object' }] };
    }
    const spec = body as Parameters<GatewayClient['createSchedule']>[2];
    const editing = typeof id === 'string' && id ? id : undefined;
    const verb = editing ? 'updating' : 'creating';
    try {
      const schedule = await withSlowProgress(`Flowgate: ${verb} schedule '${spec.name}' of ${this.where}…`, () =>
          editing
            ? this.client.updateSchedule(this.scope.packageName, this.scope.packageVersion, editing, spec)
            : this.client.createSchedule(this.scope.packageName, this.scope.packageVersion, spec),
      );
      this.log.info(`Schedules: ${editing ? 'updated' : 'created'} '${schedule.name}' (${schedule.id}) of ${this.where}: ${schedule.expression} ${schedule.timezone}`);
      await this.reload();
      return { type: 'saved', requestId, schedule };
    } catch (err) {
      this.log.warn(`Schedules: ${verb} '${spec.name}' of ${this.where} failed: ${errorText(err)}`);
      return { type: 'saved', requestId, errors: fieldErrors(err, `Could not save schedule '${spec.name}'`) };
    }
  }

  private async action(requestId: number, action: RowAction, id: unknown): Promise<ExtensionToWebview> {
    const sid = typeof id === 'string' ? id : '';
    const s = this.list.find((x) => x.id === sid);
    const label = s ? `'${s.name}'` : sid;
    const titles: Record<RowAction, string> = { enable: 'enabling', disable: 'disabling', runNow: 'running', delete: 'deleting' };
    if (!(action in titles)) return { type: 'actionDone', requestId, action, id: sid, error: `unknown action ${String(action)}` };
    const { packageName: name, packageVersion: version } = this.scope;
    try {
      let executionId: string | undefined;
      await withSlowProgress(`Flowgate: ${titles[action]} schedule ${label} of ${this.where}…`, async () => {
        switch (action) {
          case 'enable':
          case 'disable': {
            // A PUT carries the whole schedule: read the current one so nothing else changes.
            const current = s ?? (await this.client.listSchedules(name, version)).schedules.find((x) => x.id === sid);
            if (!current) throw new Error(`${this.where} has no schedule ${sid}`);
            await this.client.updateSchedule(name, version, sid, scheduleBody(current, { enabled: action === 'enable' }));
            return;
          }
          case 'runNow':
            executionId = (await this.client.runScheduleNow(name, version, sid)).executionId;
            return;
          case 'delete':
            await this.client.deleteSchedule(name, version, sid);
            return;
        }
      });
      this.log.info(`Schedules: ${action} ${label} (${sid}) of ${this.where}${executionId ? `: execution ${executionId}` : ''}`);
      await this.reload();
      return { type: 'actionDone', requestId, action, id: sid, executionId };
    } catch (err) {
      const text = `Could not ${action === 'runNow' ? 'run' : action} schedule ${label} of ${this.where}: ${errorText(err)}`;
      this.log.warn(`Schedules: ${text}`);
      void this.reload();
      return { type: 'actionDone', requestId, action, id: sid, error: text };
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const list = this.disposables.splice(0);
    list.forEach((d) => d.dispose());
  }
}

/** The open Schedules panels, one per version: showing a version again reveals its panel. */
export class SchedulesPanels implements vscode.Disposable {
  private readonly panels = new Map<string, SchedulesPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {}

  show(scope: SchedulesScope): SchedulesPanel {
    const key = schedulesKey(scope);
    const open = this.panels.get(key);
    if (open) {
      open.reveal();
      return open;
    }
    const panel = new SchedulesPanel(this.extensionUri, scope, this.log);
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return panel;
  }

  get(key: string): SchedulesPanel | undefined {
    return this.panels.get(key);
  }

  all(): SchedulesPanel[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
