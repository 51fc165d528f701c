import * as vscode from 'vscode';
import { GatewayError, type GatewayClient } from '../../core/client/gatewayClient';
import { gatewayClient } from '../shared/gateway';
import type { SnmpUserSummary, Trigger, TriggerSpec } from '../../core/model/trigger';
import type { ApiErrorDetail, ExecutionSummary } from '../../core/api/types';
import {
  type ExtensionToWebview,
  type SnmpUserInput,
  type StartedExecution,
  type TestTrap,
  type TriggersScope,
  type TriggersSnapshot,
  type TriggersTab,
  type WebviewToExtension,
} from '../../../webview/protocol/triggers';
import { errorText, showError } from '../shared/errors';
import type { Logger } from '../shared/log';
import { WebviewPanelHost } from '../webviews/webviewHost';
import type { ExecutionEvents } from '../executions/executionEvents';
import { isFinishedStatus } from '../../../webview/protocol/executions';
import { evaluateTestTrap, executionStatuses, sendTestTrap, TestTrapError } from './testTrap';

/** How long the page follows the executions a test trap started. */
const FOLLOW_MS = 30_000;

export function triggersKey(scope: TriggersScope): string {
  return `${scope.gatewayUrl}|${scope.packageName}|${scope.packageVersion}`;
}

/** Answers of the page's commands (the `done` and `trapResult` messages). */
type Answer = Extract<ExtensionToWebview, { type: 'done' | 'trapResult' }>;

/** A gateway 400's details as form fields (`conditions.deviceAddress`, `authKey`, …). */
function fieldErrorsOf(err: unknown): ApiErrorDetail[] | undefined {
  if (err instanceof TestTrapError) return err.fieldErrors;
  if (err instanceof GatewayError && err.details.length) return err.details.map((d) => ({ field: d.field, message: d.message }));
  return undefined;
}

/** The spec as the gateway takes it: a trigger without its id. */
function specOf(t: Trigger): TriggerSpec {
  const { id: _id, ...spec } = t;
  return spec;
}

/**
 * One Triggers panel: the SNMP triggers of a package version, the gateway's SNMPv3 users, and
 * Send Test Trap. The extension side holds the gateway client and does all gateway calls and UDP;
 * the page gets snapshots and answers through the typed messages of webview/protocol/triggers.ts.
 */
export class TriggersPanel implements vscode.Disposable {
  private readonly host: WebviewPanelHost<WebviewToExtension, ExtensionToWebview>;
  private readonly client: GatewayClient;
  private last: TriggersSnapshot | undefined;
  /** A tab to open with the next snapshot (set by Send Test Trap before the page is ready). */
  private pendingTab: TriggersTab | undefined;
  private disposed = false;
  /** Ends each following of a test trap's executions (when the panel closes). */
  private readonly followers = new Set<() => void>();
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    extensionUri: vscode.Uri,
    readonly scope: TriggersScope,
    private readonly log: Logger,
    tab: TriggersTab | undefined,
    private readonly events: ExecutionEvents,
  ) {
    this.client = gatewayClient(scope.gatewayUrl, 'panel');
    this.pendingTab = tab;
    this.host = new WebviewPanelHost<WebviewToExtension, ExtensionToWebview>(
      extensionUri,
      {
        viewType: 'flowgate.triggers',
        title: `Triggers: ${scope.packageName} v${scope.packageVersion}`,
        script: 'triggers.js',
        style: 'triggers.css',
        codicons: true,
        iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'flowgate.svg'),
      },
      (message) => this.onMessage(message),
      (message, err) => showError(log, `Triggers: ${message.type} failed`, err),
    );
    this.onDidDispose = this.host.onDidDispose;
    this.host.onDidDispose(() => {
      this.disposed = true;
      for (const finish of [...this.followers]) finish();
    });
  }

  get panel(): vscode.WebviewPanel {
    return this.host.panel;
  }

  /** Reveals the panel, on `tab` when given. */
  reveal(tab?: TriggersTab): void {
    this.host.reveal();
    if (tab) {
      this.pendingTab = tab;
      void this.host.post({ type: 'show', tab }).then((ok) => {
        if (ok) this.pendingTab = undefined;
      });
    }
  }

  /** The last snapshot loaded (tests). */
  get snapshot(): TriggersSnapshot | undefined {
    return this.last;
  }

  /** Loads everything the page shows; what fails is named in `problems`, the rest still shows. */
  async load(): Promise<TriggersSnapshot> {
    const { packageName: name, packageVersion: version } = this.scope;
    const [detail, triggers, users, health] = await Promise.allSettled([
      this.client.getVersion(name, version),
      this.client.listTriggers(name, version),
      this.client.listSnmpUsers(),
      this.client.health(),
    ]);
    const problems: string[] = [];
    const failed = (what: string, r: PromiseRejectedResult) => problems.push(`could not ${what}: ${errorText(r.reason)}`);
    if (detail.status === 'rejected') failed(`read ${name} v${version}`, detail);
    if (triggers.status === 'rejected') failed('list the triggers', triggers);
    if (users.status === 'rejected') failed('list the SNMPv3 users', users);
    let trapTarget: TriggersSnapshot['trapTarget'];
    if (health.status === 'rejected') failed('read /healthz', health);
    else if (typeof health.value.snmpPort === 'number') trapTarget = { host: new URL(this.scope.gatewayUrl).hostname, port: health.value.snmpPort };
    else problems.push(`${this.scope.gatewayName} does not say its SNMP trap port (/healthz has no snmpPort): Send Test Trap cannot send`);
    this.last = {
      scope: this.scope,
      published: detail.status === 'fulfilled' ? detail.value.published : false,
      flows: detail.status === 'fulfilled' ? detail.value.flows : [],
      triggers: triggers.status === 'fulfilled' ? triggers.value.triggers : (this.last?.triggers ?? []),
      users: users.status === 'fulfilled' ? users.value.users : (this.last?.users ?? []),
      ...(trapTarget ? { trapTarget } : {}),
      problems,
    };
    if (problems.length) this.log.warn(`Triggers ${name} v${version} on ${this.scope.gatewayUrl}: ${problems.join('; ')}`);
    return this.last;
  }

  private async pushSnapshot(): Promise<void> {
    const snapshot = await this.load();
    const show = this.pendingTab;
    const ok = await this.host.post({ type: 'snapshot', snapshot, ...(show ? { show } : {}) });
    if (ok && show) this.pendingTab = undefined;
  }

  private async onMessage(message: WebviewToExtension): Promise<void> {
    if (message.type === 'ready' || message.type === 'refresh') {
      await this.pushSnapshot();
      return;
    }
    if (message.type === 'openExecutions') {
      await vscode.commands.executeCommand('flowgate.showRunningExecutions', {
        gatewayUrl: this.scope.gatewayUrl,
        packageName: this.scope.packageName,
        version: this.scope.packageVersion,
      });
      return;
    }
    const answer = await this.handle(message);
    if (answer) await this.host.post(answer);
  }

  /**
   * Runs one command of the page and returns its answer (also what the in-host tests call). After
   * a change, a fresh snapshot goes to the page.
   */
  async handle(message: WebviewToExtension): Promise<Answer | undefined> {
    const { packageName: name, packageVersion: version } = this.scope;
    const where = `${name} v${version} on ${this.scope.gatewayName}`;
    const fail = (requestId: number, what: string, err: unknown): Answer => {
      const text = `${what}: ${errorText(err)}`;
      this.log.warn(`Triggers: ${text}`);
      return { type: 'done', requestId, ok: false, error: text, ...(fieldErrorsOf(err) ? { fieldErrors: fieldErrorsOf(err) } : {}) };
    };
    switch (message.type) {
      case 'saveTrigger': {
        const what = message.id ? `could not save trigger '${message.spec?.name}' of ${where}` : `could not create trigger '${message.spec?.name}' in ${where}`;
        try {
          const trigger = message.id
            ? await this.client.updateTrigger(name, version, message.id, message.spec)
            : await this.client.createTrigger(name, version, message.spec);
          this.log.info(`Triggers: ${message.id ? 'saved' : 'created'} trigger '${trigger.name}' (${trigger.id}) of ${where}`);
          await this.pushSnapshot();
          return { type: 'done', requestId: message.requestId, ok: true, trigger };
        } catch (err) {
          return fail(message.requestId, what, err);
        }
      }
      case 'deleteTrigger': {
        const t = this.last?.triggers.find((x) => x.id === message.id);
        const label = t ? `'${t.name}'` : message.id;
        try {
          await this.client.deleteTrigger(name, version, message.id);
          this.log.info(`Triggers: deleted trigger ${label} of ${where}`);
          await this.pushSnapshot();
          return { type: 'done', requestId: message.requestId, ok: true };
        } catch (err) {
          return fail(message.requestId, `could not delete trigger ${label} of ${where}`, err);
        }
      }
      case 'setEnabled': {
        const verb = message.enabled ? 'enable' : 'disable';
        try {
          const { triggers } = await this.client.listTriggers(name, version);
          const t = triggers.find((x) => x.id === message.id);
          if (!t) throw new Error(`${where} has no trigger ${message.id} any more`);
          const trigger = await this.client.updateTrigger(name, version, t.id, { ...specOf(t), enabled: message.enabled });
          this.log.info(`Triggers: ${verb}d trigger '${t.name}' of ${where}`);
          await this.pushSnapshot();
          return { type: 'done', requestId: message.requestId, ok: true, trigger };
        } catch (err) {
          return fail(message.requestId, `could not ${verb} the trigger`, err);
        }
      }
      case 'saveUser': {
        const u = message.user;
        const gateway = this.scope.gatewayName;
        try {
          if (message.isNew && (this.last?.users ?? (await this.client.listSnmpUsers()).users).some((x) => x.name === u.name)) {
            throw new GatewayError(409, 'already-exists', `${gateway} already has an SNMPv3 user '${u.name}'`, [{ field: 'name', message: `there is already a user '${u.name}'; edit it instead` }]);
          }
          const body: SnmpUserInput = {
            name: u.name,
            level: u.level,
            authProtocol: u.authProtocol,
            authKey: u.authKey,
            ...(u.level === 'authPriv' ? { privProtocol: u.privProtocol, privKey: u.privKey } : {}),
          };
          const user: SnmpUserSummary = await this.client.putSnmpUser(body);
          this.log.info(`Triggers: saved SNMPv3 user '${user.name}' (${user.level}, ${user.authProtocol}${user.privProtocol ? `/${user.privProtocol}` : ''}) on ${gateway}`);
          await this.pushSnapshot();
          return { type: 'done', requestId: message.requestId, ok: true, user };
        } catch (err) {
          return fail(message.requestId, `could not save SNMPv3 user '${u?.name}' on ${gateway}`, err);
        }
      }
      case 'deleteUser': {
        try {
          await this.client.deleteSnmpUser(message.name);
          this.log.info(`Triggers: deleted SNMPv3 user '${message.name}' on ${this.scope.gatewayName}`);
          await this.pushSnapshot();
          return { type: 'done', requestId: message.requestId, ok: true };
        } catch (err) {
          return fail(message.requestId, `could not delete SNMPv3 user '${message.name}' on ${this.scope.gatewayName}`, err);
        }
      }
      case 'sendTrap':
      case 'evaluateTrap':
        return this.testTrap(message.type, message.requestId, message.trap);
      default:
        return undefined;
    }
  }

  private async testTrap(kind: 'sendTrap' | 'evaluateTrap', requestId: number, trap: TestTrap): Promise<Answer> {
    const snapshot = this.last ?? (await this.load());
    const target = snapshot.trapTarget;
    const verb = kind === 'sendTrap' ? 'send' : 'evaluate';
    try {
      if (!target) throw new Error(`the SNMP trap port of ${this.scope.gatewayName} is unknown (${snapshot.problems.join('; ') || 'no snmpPort in /healthz'})`);
      const result =
        kind === 'sendTrap'
          ? await sendTestTrap(this.client, trap, snapshot.users, target, (prompt) =>
              Promise.resolve(vscode.window.showInputBox({ prompt, password: true, ignoreFocusOut: true, placeHolder: 'not stored; used for this trap only' })),
            )
          : await evaluateTestTrap(this.client, trap, snapshot.users, target);
      const matched = result.evaluations.filter((e) => e.matched).map((e) => e.triggerName);
      this.log.info(
        `Triggers: ${kind === 'sendTrap' ? `sent a ${trap.version} test trap from ${trap.source} to ${target.host}:${target.port} (trap ${result.trapId})` : `evaluated a ${trap.version} trap`}` +
          ` ${trap.trapOid}: matched ${matched.length ? matched.join(', ') : 'no trigger'}`,
      );
      if (result.executions.some((e) => e.id && !['Ended', 'Error', 'Stopped'].includes(e.status))) void this.followExecutions(result.executions);
      return { type: 'trapResult', requestId, result };
    } catch (err) {
      const text = `could not ${verb} the test trap: ${errorText(err)}`;
      this.log.warn(`Triggers: ${text}`);
      const fieldErrors = fieldErrorsOf(err);
      return { type: 'trapResult', requestId, error: text, ...(fieldErrors ? { fieldErrors } : {}) };
    }
  }

  /**
   * Follows the executions a test trap started until they end (or FOLLOW_MS), pushing their
   * statuses to the page: from the gateway's shared execution event stream, with one read of each
   * execution when the stream (re)connects (it may have ended before) and when it ends (for its error).
   */
  private followExecutions(list: StartedExecution[]): Promise<void> {
    const pending = new Map(list.filter((e) => e.id && !isFinishedStatus(e.status as ExecutionSummary['status']) && !e.error).map((e) => [e.id, e]));
    if (pending.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let subscription: vscode.Disposable | undefined;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.followers.delete(finish);
        subscription?.dispose();
        resolve();
      };
      const timer = setTimeout(finish, FOLLOW_MS);
      this.followers.add(finish);
      const report = (now: StartedExecution[]) => {
        if (done || now.length === 0) return;
        for (const e of now) {
          if (!pending.has(e.id)) continue;
          if (isFinishedStatus(e.status as ExecutionSummary['status']) || e.error) pending.delete(e.id);
          else pending.set(e.id, e);
        }
        void this.host.post({ type: 'executions', executions: now });
        if (pending.size === 0 || this.disposed) finish();
      };
      const reread = (items: StartedExecution[]) =>
        void executionStatuses(this.client, items).then(report, (err) => this.log.warn(`Triggers: could not read the executions of the test trap: ${errorText(err)}`));
      subscription = this.events.subscribe(this.scope.gatewayUrl, {
        snapshot: () => reread([...pending.values()]),
        changed: (e) => {
          const known = pending.get(e.id);
          if (!known || known.status === e.status) return;
          if (isFinishedStatus(e.status)) reread([known]);
          else report([{ ...known, status: e.status }]);
        },
      });
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const finish of [...this.followers]) finish();
    this.host.dispose();
  }
}

/** The open Triggers panels, one per package version: showing one again reveals it. */
export class TriggersPanels implements vscode.Disposable {
  private readonly panels = new Map<string, TriggersPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly events: ExecutionEvents,
  ) {}

  show(scope: TriggersScope, tab?: TriggersTab): TriggersPanel {
    const key = triggersKey(scope);
    const open = this.panels.get(key);
    if (open) {
      open.reveal(tab);
      return open;
    }
    const panel = new TriggersPanel(this.extensionUri, scope, this.log, tab, this.events);
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return panel;
  }

  get(key: string): TriggersPanel | undefined {
    return this.panels.get(key);
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
