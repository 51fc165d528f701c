import * as vscode from 'vscode';
import type { ScheduleResponse } from '../../core/api/types';
import type { GatewayClient } from '../../core/client/gatewayClient';
import { gatewayClient } from '../shared/gateway';
import { scheduleBody, type SchedulesRequests, type SchedulesScope, type SchedulesSnapshot, type VersionInfo } from '../../../webview/protocol/schedules';
import { errorText } from '../shared/errors';
import type { Logger } from '../shared/log';
import { ScopedPanels } from '../webviews/panelRegistry';
import { withSlowProgress } from '../webviews/slowProgress';
import { SnapshotPanel } from '../webviews/snapshotPanel';
import { RequestRefused, type RequestHandlers } from '../webviews/webviewHost';
import { idParams, previewParams, saveParams, setEnabledParams } from './schedulesParams';

export { withSlowProgress };

/** While the panel is visible, the list (next runs, last firings) is read again this often. */
const REFRESH_MS = 30_000;

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
export class SchedulesPanel extends SnapshotPanel<SchedulesSnapshot, SchedulesRequests> {
  private readonly client: GatewayClient;
  private version: VersionInfo | undefined;
  private list: ScheduleResponse[] = [];
  private loadError: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    extensionUri: vscode.Uri,
    readonly scope: SchedulesScope,
    log: Logger,
  ) {
    super(
      extensionUri,
      {
        viewType: 'flowgate.schedules',
        title: schedulesTitle(scope),
        script: 'schedules.js',
        style: 'schedules.css',
        bodyData: { package: scope.packageName, version: String(scope.packageVersion), gateway: scope.gatewayName },
        logName: 'Schedules',
      },
      log,
    );
    this.client = gatewayClient(scope.gatewayUrl, 'panel');
    // Next runs and last firings change with time: read them again while the panel is visible.
    this.timer = setInterval(() => {
      if (this.host.visible) void this.reload();
    }, REFRESH_MS);
    void this.reload();
  }

  /** The schedules as last read from the gateway (for tests and commands). */
  schedules(): ScheduleResponse[] {
    return [...this.list];
  }

  private get where(): string {
    return `${this.scope.packageName} v${this.scope.packageVersion} on ${this.scope.gatewayName}`;
  }

  protected snapshot(): SchedulesSnapshot {
    return { scope: this.scope, version: this.version, schedules: this.list, error: this.loadError, loadedAt: this.loadedAt };
  }

  protected reading(): string {
    return `the schedules of ${this.where}`;
  }

  /** Reads the version (published, flows) and its schedules. */
  protected async load(): Promise<void> {
    const [detail, schedules] = await Promise.all([
      this.client.getVersion(this.scope.packageName, this.scope.packageVersion),
      this.client.listSchedules(this.scope.packageName, this.scope.packageVersion),
    ]);
    this.version = { published: detail.published, flows: detail.flows };
    this.list = schedules.schedules;
    this.loadError = undefined;
  }

  protected override loadFailed(err: unknown): void {
    this.loadError = `Could not read the schedules of ${this.where} (${this.scope.gatewayUrl}): ${errorText(err)}`;
    this.log.warn(`Schedules: ${this.loadError}`);
  }

  // Refusals are logged where they are made (row actions) or are the page's own mistakes;
  // a preview refused while the expression is being typed is no news either.
  protected override quiet(what: string, err: unknown): boolean {
    return super.quiet(what, err) || what === PREVIEW_FAILED;
  }

  /** A schedule's name for messages: `'Nightly'`, or its id when the list does not have it. */
  private label(id: string): string {
    const s = this.list.find((x) => x.id === id);
    return s ? `'${s.name}'` : id;
  }

  /** What a failed request was doing, for its error. */
  protected override describe(method: string, params: unknown): string {
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

  protected requests(): RequestHandlers<SchedulesRequests> {
    const { packageName: name, packageVersion: version } = this.scope;
    return {
      reload: () => this.reloaded(),
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

  override dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    super.dispose();
  }
}

/** The open Schedules panels, one per version: showing a version again reveals its panel. */
export class SchedulesPanels extends ScopedPanels<SchedulesScope, SchedulesPanel> {
  constructor(extensionUri: vscode.Uri, log: Logger) {
    super(schedulesKey, (scope) => new SchedulesPanel(extensionUri, scope, log));
  }
}
