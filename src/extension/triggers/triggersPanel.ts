import * as vscode from 'vscode';
import type { ApiErrorDetail, ExecutionSummary } from '../../core/api/types';
import { GatewayError, type GatewayClient } from '../../core/client/gatewayClient';
import { LIMITS } from '../../core/limits';
import { hasControlChars } from '../../core/model/controlChars';
import { isJsonObject } from '../../core/model/jsonObject';
import type { SnmpUserSummary, Trigger, TriggerSpec } from '../../core/model/trigger';
import { isSnmpUserName, snmpUserProblems, SNMP_KEY_MAX } from '../../core/snmp/users';
import { validateTriggerSpec } from '../../core/triggers/validate';
import { isFinishedStatus } from '../../../webview/protocol/executions';
import type {
  ExtensionToWebview,
  SnmpUserInput,
  StartedExecution,
  TestTrap,
  TriggersRequests,
  TriggersScope,
  TriggersSnapshot,
  TriggersTab,
  WebviewToExtension,
} from '../../../webview/protocol/triggers';
import type { ExecutionEvents } from '../executions/executionEvents';
import { gatewayClient } from '../shared/gateway';
import { errorText, showError } from '../shared/errors';
import type { Logger } from '../shared/log';
import { RequestRefused, WebviewPanelHost, type RequestHandlers } from '../webviews/webviewHost';
import { evaluateTestTrap, executionStatuses, sendTestTrap, TestTrapError } from './testTrap';
import { PanelRegistry } from '../webviews/panelRegistry';

/** How long the page follows the executions a test trap started. */
const FOLLOW_MS = 30_000;

export function triggersKey(scope: TriggersScope): string {
  return `${scope.gatewayUrl}|${scope.packageName}|${scope.packageVersion}`;
}

/** The spec as the gateway takes it: a trigger without its id. */
function specOf(t: Trigger): TriggerSpec {
  const { id: _id, ...spec } = t;
  return spec;
}

// ---- what the page sends is untrusted: every parameter is checked here --------------------------

const refuse = (field: string, message: string): never => {
  throw new RequestRefused([{ field, message }]);
};

function paramsOf(params: unknown): Record<string, unknown> {
  return isJsonObject(params) ? params : refuse('', 'the request carries no parameters object');
}

/** An id or a name the page names a thing by: short text without control characters. */
function idParam(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value.length > LIMITS.shortStringLength || hasControlChars(value)) {
    return refuse(field, `must be an id of at most ${LIMITS.shortStringLength} characters`);
  }
  return value;
}

function optionalText(value: unknown, field: string, max: number = LIMITS.shortStringLength): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length <= max ? value : refuse(field, `must be text of at most ${max} characters`);
}

/** A test trap as the page describes it, rebuilt from known fields of the right types (core's check follows). */
function trapParam(raw: unknown, withKeys: boolean): TestTrap {
  const t = isJsonObject(raw) ? raw : refuse('', 'the request carries no test trap');
  if (!Array.isArray(t.varbinds)) refuse('varbinds', 'must be a list');
  const list = t.varbinds as unknown[];
  if (list.length > LIMITS.varbinds) refuse('varbinds', `at most ${LIMITS.varbinds} varbinds`);
  const varbinds = list.map((vb, i) => {
    const v = isJsonObject(vb) ? vb : refuse(`varbinds[${i}]`, 'must be an object with oid, type and value');
    return {
      oid: optionalText(v.oid, `varbinds[${i}]`) ?? '',
      type: optionalText(v.type, `varbinds[${i}]`) ?? '',
      value: optionalText(v.value, `varbinds[${i}]`, LIMITS.textLength) ?? '',
    };
  });
  let keys: TestTrap['keys'];
  if (withKeys && t.keys !== undefined) {
    const k = isJsonObject(t.keys) ? t.keys : refuse('keys', 'must be an object');
    keys = { authKey: optionalText(k.authKey, 'keys.authKey', SNMP_KEY_MAX) || undefined, privKey: optionalText(k.privKey, 'keys.privKey', SNMP_KEY_MAX) || undefined };
  }
  if (t.sourcePort !== undefined && typeof t.sourcePort !== 'number') refuse('sourcePort', 'must be a number');
  const community = optionalText(t.community, 'community');
  const agentAddress = optionalText(t.agentAddress, 'agentAddress');
  const user = optionalText(t.user, 'user');
  return {
    version: (optionalText(t.version, 'version') ?? '') as TestTrap['version'],
    ...(community !== undefined ? { community } : {}),
    ...(agentAddress !== undefined ? { agentAddress } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(keys ? { keys } : {}),
    trapOid: optionalText(t.trapOid, 'trapOid') ?? '',
    varbinds,
    source: optionalText(t.source, 'source') ?? '',
    ...(t.sourcePort !== undefined ? { sourcePort: t.sourcePort as number } : {}),
  };
}

/** A user as the gateway takes it: core's user rules, then only the fields of its level. */
function userParam(raw: unknown): SnmpUserInput {
  const u = isJsonObject(raw) ? raw : refuse('', 'the request carries no user');
  const problems = snmpUserProblems(u);
  if (problems.length) throw new RequestRefused(problems);
  const user = u as unknown as SnmpUserInput;
  return {
    name: user.name,
    level: user.level,
    authProtocol: user.authProtocol,
    authKey: user.authKey,
    ...(user.level === 'authPriv' ? { privProtocol: user.privProtocol, privKey: user.privKey } : {}),
  };
}

/** The problems a handler met, as the reply's errors: what failed as a whole (`''`), then the fields. */
function refusal(what: string, err: unknown): RequestRefused {
  const fields: ApiErrorDetail[] =
    err instanceof RequestRefused
      ? err.errors.filter((e) => e.field !== '')
      : err instanceof TestTrapError
        ? err.fieldErrors
        : err instanceof GatewayError
          ? err.details.map((d) => ({ field: d.field, message: d.message }))
          : [];
  return new RequestRefused([{ field: '', message: `${what}: ${errorText(err)}` }, ...fields]);
}

/**
 * One Triggers panel: the SNMP triggers of a package version, the gateway's SNMPv3 users, and
 * Send Test Trap. The extension side holds the gateway client and does all gateway calls and UDP;
 * the page asks through the typed requests of webview/protocol/triggers.ts (one handler each,
 * below) and gets snapshots as notifications.
 */
export class TriggersPanel implements vscode.Disposable {
  /** The page's host: `host.answer(method, params)` runs one request as the page's would (tests). */
  readonly host: WebviewPanelHost<WebviewToExtension, ExtensionToWebview, TriggersRequests>;
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
    this.host = new WebviewPanelHost<WebviewToExtension, ExtensionToWebview, TriggersRequests>(
      extensionUri,
      {
        viewType: 'flowgate.triggers',
        title: `Triggers: ${scope.packageName} v${scope.packageVersion}`,
        script: 'triggers.js',
        style: 'triggers.css',
        codicons: true,
        iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'flowgate.svg'),
        // The header names what the page shows before the first snapshot arrives.
        bodyData: { package: scope.packageName, version: String(scope.packageVersion), gateway: scope.gatewayName },
      },
      {
        requests: this.handlers(),
        notification: async (message) => {
          if (message.type === 'ready') await this.pushSnapshot();
        },
        onError: (what, err) => {
          if (err instanceof RequestRefused) this.log.warn(`Triggers: ${err.message}`);
          else showError(log, `Triggers: ${what} failed`, err);
        },
      },
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

  /** Runs `task`; whatever it throws becomes the reply's errors, led by `what` ("could not save …"). */
  private async attempt<T>(what: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (err) {
      throw refusal(what, err);
    }
  }

  /** One handler per request of the page (webview/protocol/triggers.ts); a change pushes a fresh snapshot. */
  private handlers(): RequestHandlers<TriggersRequests> {
    const { packageName: name, packageVersion: version } = this.scope;
    const where = `${name} v${version} on ${this.scope.gatewayName}`;
    const gateway = this.scope.gatewayName;
    const label = (id: string) => {
      const t = this.last?.triggers.find((x) => x.id === id);
      return t ? `'${t.name}'` : id;
    };
    return {
      reload: () => this.load(),
      saveTrigger: async (params) => {
        const p = paramsOf(params);
        const id = p.id === undefined ? undefined : idParam(p.id, 'id');
        const spec = p.spec as TriggerSpec;
        const specName = isJsonObject(p.spec) && typeof p.spec.name === 'string' ? p.spec.name.slice(0, LIMITS.nameLength) : '';
        const what = id ? `could not save trigger '${specName}' of ${where}` : `could not create trigger '${specName}' in ${where}`;
        return this.attempt(what, async () => {
          const problems = validateTriggerSpec(p.spec);
          if (problems.length) throw new RequestRefused(problems);
          const trigger = id ? await this.client.updateTrigger(name, version, id, spec) : await this.client.createTrigger(name, version, spec);
          this.log.info(`Triggers: ${id ? 'saved' : 'created'} trigger '${trigger.name}' (${trigger.id}) of ${where}`);
          await this.pushSnapshot();
          return trigger;
        });
      },
      deleteTrigger: async (params) => {
        const id = idParam(paramsOf(params).id, 'id');
        return this.attempt(`could not delete trigger ${label(id)} of ${where}`, async () => {
          const was = label(id);
          await this.client.deleteTrigger(name, version, id);
          this.log.info(`Triggers: deleted trigger ${was} of ${where}`);
          await this.pushSnapshot();
          return { deleted: id };
        });
      },
      setEnabled: async (params) => {
        const p = paramsOf(params);
        const id = idParam(p.id, 'id');
        const enabled = typeof p.enabled === 'boolean' ? p.enabled : refuse('enabled', 'must be true or false');
        const verb = enabled ? 'enable' : 'disable';
        return this.attempt(`could not ${verb} trigger ${label(id)} of ${where}`, async () => {
          const { triggers } = await this.client.listTriggers(name, version);
          const t = triggers.find((x) => x.id === id);
          if (!t) throw new Error(`${where} has no trigger ${id} any more`);
          const trigger = await this.client.updateTrigger(name, version, t.id, { ...specOf(t), enabled });
          this.log.info(`Triggers: ${verb}d trigger '${t.name}' of ${where}`);
          await this.pushSnapshot();
          return trigger;
        });
      },
      saveUser: async (params) => {
        const p = paramsOf(params);
        const userName = isJsonObject(p.user) && isSnmpUserName(p.user.name) ? p.user.name : '';
        return this.attempt(`could not save SNMPv3 user '${userName}' on ${gateway}`, async () => {
          const isNew = typeof p.isNew === 'boolean' ? p.isNew : refuse('isNew', 'must be true or false');
          const body = userParam(p.user);
          if (isNew && (this.last?.users ?? (await this.client.listSnmpUsers()).users).some((x) => x.name === body.name)) {
            throw new RequestRefused([{ field: 'name', message: `there is already a user '${body.name}'; edit it instead` }]);
          }
          const user: SnmpUserSummary = await this.client.putSnmpUser(body);
          this.log.info(`Triggers: saved SNMPv3 user '${user.name}' (${user.level}, ${user.authProtocol}${user.privProtocol ? `/${user.privProtocol}` : ''}) on ${gateway}`);
          await this.pushSnapshot();
          return user;
        });
      },
      deleteUser: async (params) => {
        const userName = paramsOf(params).name;
        if (!isSnmpUserName(userName)) return refuse('name', 'must be the name of an SNMPv3 user');
        return this.attempt(`could not delete SNMPv3 user '${userName}' on ${gateway}`, async () => {
          await this.client.deleteSnmpUser(userName);
          this.log.info(`Triggers: deleted SNMPv3 user '${userName}' on ${gateway}`);
          await this.pushSnapshot();
          return { deleted: userName };
        });
      },
      sendTrap: (params) => this.attempt('could not send the test trap', () => this.testTrap('send', trapParam(paramsOf(params).trap, true))),
      evaluateTrap: (params) => this.attempt('could not evaluate the test trap', () => this.testTrap('evaluate', trapParam(paramsOf(params).trap, false))),
      openExecution: async (params) => {
        const id = idParam(paramsOf(params).id, 'id');
        await vscode.commands.executeCommand('flowgate.showRunningExecutions', {
          gatewayUrl: this.scope.gatewayUrl,
          packageName: name,
          version,
          executionId: id,
        });
        return null;
      },
      openExecutions: async () => {
        await vscode.commands.executeCommand('flowgate.showRunningExecutions', { gatewayUrl: this.scope.gatewayUrl, packageName: name, version });
        return null;
      },
    };
  }

  /** Sends (or evaluates) a test trap; follows the executions it started. */
  private async testTrap(kind: 'send' | 'evaluate', trap: TestTrap) {
    const snapshot = this.last ?? (await this.load());
    const target = snapshot.trapTarget;
    if (!target) throw new Error(`the SNMP trap port of ${this.scope.gatewayName} is unknown (${snapshot.problems.join('; ') || 'no snmpPort in /healthz'})`);
    const result =
      kind === 'send'
        ? await sendTestTrap(this.client, trap, snapshot.users, target, (prompt) =>
            Promise.resolve(vscode.window.showInputBox({ prompt, password: true, ignoreFocusOut: true, placeHolder: 'not stored; used for this trap only' })),
          )
        : await evaluateTestTrap(this.client, trap, snapshot.users, target);
    const matched = result.evaluations.filter((e) => e.matched).map((e) => e.triggerName);
    this.log.info(
      `Triggers: ${kind === 'send' ? `sent a ${trap.version} test trap from ${trap.source} to ${target.host}:${target.port} (trap ${result.trapId})` : `evaluated a ${trap.version} trap`}` +
        ` ${trap.trapOid}: matched ${matched.length ? matched.join(', ') : 'no trigger'}`,
    );
    if (result.executions.some((e) => e.id && !isFinishedStatus(e.status as ExecutionSummary['status']))) void this.followExecutions(result.executions);
    return result;
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
export class TriggersPanels extends PanelRegistry<TriggersPanel> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly events: ExecutionEvents,
  ) {
    super();
  }

  show(scope: TriggersScope, tab?: TriggersTab): TriggersPanel {
    return this.open(triggersKey(scope), () => new TriggersPanel(this.extensionUri, scope, this.log, tab, this.events), (p) => p.reveal(tab));
  }
}
