import * as vscode from 'vscode';
import { deleteConnectionSecret, setConnectionSecret, type SetSecretPreset } from './secrets/secretsCommands';
import type { Workspace } from '../core/workspace/workspace';
import { editAuthorisation } from './authorisation/authorisationCommands';
import { AuthorisationPanels, type AuthorisationPanel } from './authorisation/authorisationPanel';
import { Diagnostics } from './diagnostics/diagnostics';
import { registerFixesAndLenses } from './codeActions/register';
import { ExecutionEvents, type ExecutionEventsListener } from './executions/executionEvents';
import { showGatewayExecutions, showRunningExecutions } from './executions/executionsCommands';
import { ExecutionsPanels, type ExecutionsPanel } from './executions/executionsPanel';
import {
  createNewVersion,
  exportVersion,
  importPackageFile,
  publishVersion,
  setDefaultPackage,
  setDefaultVersion,
  unpublishVersion,
} from './gatewayActions/gatewayActions';
import { GatewaysTreeProvider, type GatewaysNode } from './gateways/gatewaysTree';
import { LocalGateway } from './localGateway/localGateway';
import { LocalGatewayStatusBar } from './localGateway/statusBar';
import { registerActions } from './gatewayActions/registerActions';
import {
  addFlowToPackage,
  addReferencedDefinitionsCommand,
  createPackage,
  editInstructions,
  packPackage,
  removeFromPackage,
  replaceReference,
  validatePackageCommand,
} from './packages/draftCommands';
import { INSTRUCTIONS_SCHEME, InstructionsFileSystem } from './promotion/instructionsDocument';
import { applyImportCommand, promoteToGateway, rejectImportCommand, withdrawVersionCommand } from './promotion/promoteCommands';
import { GatewayDiagnostics, validateAgainstGateway } from './promotion/validateAgainstGateway';
import { PackagesTreeProvider } from './packages/packagesTree';
import { publishToDevGateway } from './publish/publish';
import { ImportDocuments } from './review/importDocuments';
import { reviewImport } from './review/reviewCommands';
import { ReviewPanels, type ReviewPanel } from './review/reviewPanel';
import { runFlow } from './run/runFlow';
import { registerDraftRunFeatures } from './run/register';
import { registerLanguageFeatures } from './language/languageFeatures';
import { showSchedules } from './schedules/schedulesCommands';
import { SchedulesPanels, type SchedulesPanel } from './schedules/schedulesPanel';
import { sendTestTrapCommand, showTriggers } from './triggers/triggersCommands';
import { TriggersPanels, type TriggersPanel } from './triggers/triggersPanel';
import { shownMessages, type ShownMessage } from './shared/errors';
import { useSessions } from './shared/gateway';
import { gatewayName } from './gatewayActions/targets';
import { SecretSessionStore, Sessions, type Session, type SessionFlow } from './signIn/sessions';
import { BROWSER_FLOW } from './signIn/signInFlow';
import { signIn, signOut, VSCODE_OPENER, type BrowserOpener } from './signIn/signInCommands';
import { Logger } from './shared/log';
import { commandRegistrar } from './shared/commands';
import type { Services } from './shared/services';
import { WorkspaceModel } from './shared/workspaceModel';
import { timedActivation, type ActivationTimings } from './shared/activationTimings';

/** Every module of the bundle has run by now (activation timings). */
const modulesDone = performance.now();

/**
 * What `activate` returns: small on purpose. The in-host tests (test/vscode/suite) reach the open
 * panels' own handlers here — what the pages' messages reach — rather than through commands, so
 * the manifest and the command list hold only what a user runs.
 */
export interface FlowgateApi {
  workspaceModel(): Promise<Workspace>;
  /** `dataDir`: where the emulator this window starts keeps its data (its local-admin.json). */
  localGateway: { url(): string | undefined; isRunning(): boolean; dataDir(): string };
  /** The open panel of a key (what `flowgate.showSchedules` / `flowgate.showTriggers` answer), undefined when none is open. */
  panels: {
    executions(key: string): Pick<ExecutionsPanel, 'host' | 'executions' | 'focused'> | undefined;
    schedules(key: string): Pick<SchedulesPanel, 'host' | 'schedules'> | undefined;
    triggers(key: string): Pick<TriggersPanel, 'host' | 'load'> | undefined;
    authorisation(key: string): Pick<AuthorisationPanel, 'host' | 'savedGroups'> | undefined;
    review(key: string): Pick<ReviewPanel, 'host' | 'current' | 'documentsOf'> | undefined;
  };
  /** The text a `flowgate-import:` document (a side of a Review Import diff) holds now. */
  importDocumentText(uri: vscode.Uri): string | undefined;
  /**
   * Signed-in sessions. `test` is there only when the extension runs in test or development mode:
   * the in-host tests take the browser's part (the URL Sign In would open) and read what
   * SecretStorage holds; a user's extension has no way to swap either.
   */
  signIn: {
    signedIn(gatewayUrl: string): { user: string } | undefined;
    prompts(): string[];
    test?: {
      useOpener(opener: BrowserOpener | undefined): void;
      useFlow(flow: SessionFlow | undefined): void;
      stored(gatewayUrl: string): Promise<Session | undefined>;
      save(session: Session): Promise<void>;
    };
  };
  /**
   * The messages shown (newest last; shared/errors.ts). `test` is there only in test or development
   * mode: the in-host tests answer messages and modal questions in place of the user.
   */
  messages: {
    shown(): ShownMessage[];
    test?: { answer(fn: ((m: ShownMessage) => string | undefined) | undefined): void; clear(): void };
  };
  /** The execution event streams open now, and the gateways the Gateways tree listens to. */
  executionEvents: {
    open(): { gatewayUrl: string; listeners: number }[];
    subscribe(gatewayUrl: string, listener: ExecutionEventsListener): vscode.Disposable;
    treeWatches(): string[];
  };
  /** "Changed since vN" (run/register.ts): compare with the dev gateway again now; the Packages view's item of a draft. */
  draftChanges: { refresh(): Promise<void>; draftItem(name: string): Promise<vscode.TreeItem | undefined> };
  /** The Gateways view's data, as the view reads it (children, items, the version tooltip with its promotion history). */
  gatewaysTree: {
    children(node?: GatewaysNode): Promise<GatewaysNode[]>;
    item(node: GatewaysNode): vscode.TreeItem;
    tooltip(node: GatewaysNode): Promise<string | undefined>;
  };
  /** How long the bundle took to evaluate and activate() to run (bench/activation.ts). */
  activationTimings: ActivationTimings;
}

let localGateway: LocalGateway | undefined;

/** Registers everything and returns at once; the workspace loads lazily (first view, command or shortly after). */
export function activate(context: vscode.ExtensionContext): FlowgateApi {
  return timedActivation(modulesDone, () => activateFlowgate(context));
}

function activateFlowgate(context: vscode.ExtensionContext): Omit<FlowgateApi, 'activationTimings'> {
  const log = new Logger();
  const model = new WorkspaceModel(log);
  const diagnostics = new Diagnostics(model, log);
  const local = new LocalGateway(context, log);
  localGateway = local;
  const packagesTree = new PackagesTreeProvider(model, log);
  // One execution event stream per gateway, shared by the Running Executions panels and the Gateways tree.
  const executionEvents = new ExecutionEvents(log);
  const gatewaysTree = new GatewaysTreeProvider(local, log, executionEvents, (url) => sessions.signedIn(url)?.user);
  const statusBar = new LocalGatewayStatusBar(local);
  const executionsPanels = new ExecutionsPanels(context.extensionUri, log, executionEvents);
  const schedulesPanels = new SchedulesPanels(context.extensionUri, log);
  const triggersPanels = new TriggersPanels(context.extensionUri, log, executionEvents);
  const authorisationPanels = new AuthorisationPanels(context.extensionUri, log);
  const importDocuments = new ImportDocuments();
  const reviewPanels = new ReviewPanels(context.extensionUri, log, importDocuments);

  const sessions = new Sessions(new SecretSessionStore(context.secrets), context.globalState, BROWSER_FLOW, log, (url) => gatewayName(services, url));
  useSessions((url) => sessions.lookup(url));
  let opener: BrowserOpener = VSCODE_OPENER;
  const services: Services = {
    context,
    log,
    model,
    diagnostics,
    local,
    refreshPackages: () => packagesTree.refresh(),
    refreshGateways: () => gatewaysTree.refresh(),
  };
  registerFixesAndLenses(context, services);

  registerLanguageFeatures(context, services);
  const gatewayDiagnostics = new GatewayDiagnostics();
  const instructionsFs = new InstructionsFileSystem(model);
  const gatewaysView = vscode.window.createTreeView('flowgate.gateways', { treeDataProvider: gatewaysTree, showCollapseAll: true });
  gatewaysTree.attach(gatewaysView);
  context.subscriptions.push(
    log,
    model,
    diagnostics,
    local,
    packagesTree,
    gatewaysTree,
    statusBar,
    executionsPanels,
    schedulesPanels,
    triggersPanels,
    authorisationPanels,
    reviewPanels,
    importDocuments,
    sessions,
    sessions.onDidChange(() => gatewaysTree.refresh()),
    executionEvents,
    vscode.window.createTreeView('flowgate.packages', { treeDataProvider: packagesTree, showCollapseAll: true }),
    gatewaysView,
    gatewayDiagnostics,
    instructionsFs,
    vscode.workspace.registerFileSystemProvider(INSTRUCTIONS_SCHEME, instructionsFs, { isCaseSensitive: true }),
  );

  /** Registers a command; errors become one message naming what failed; a dismissed prompt ends quietly. */
  const command = commandRegistrar(context, log);

  registerActions(services, command);
  command('flowgate.createPackage', 'Create Package', (name) => createPackage(services, name));
  command('flowgate.addFlowToPackage', 'Add Flow to Package', (arg, uris) => addFlowToPackage(services, arg, uris));
  command('flowgate.removeFromPackage', 'Remove from Package', (arg, options) => removeFromPackage(services, arg, options));
  command('flowgate.validatePackage', 'Validate Package', (arg) => validatePackageCommand(services, arg));
  command('flowgate.packPackage', 'Pack Package', (arg, target) => packPackage(services, arg, target));
  command('flowgate.publishToDevGateway', 'Publish to Dev Gateway', (arg) => publishToDevGateway(services, arg));
  command('flowgate.runFlow', 'Run Flow', (arg, options) => runFlow(services, arg, options));
  const draftChanges = registerDraftRunFeatures(context, services, packagesTree);
  command('flowgate.refreshPackages', 'Refresh Packages', async () => {
    await model.reload();
    packagesTree.refresh();
  });
  command('flowgate.refreshGateways', 'Refresh Gateways', async () => {
    await local.recheck();
    gatewaysTree.refresh();
  });
  command('flowgate.showLog', 'Show Log', () => log.show());
  command('flowgate.publishVersion', 'Publish Version', (arg) => publishVersion(services, arg));
  command('flowgate.unpublishVersion', 'Unpublish Version', (arg, options) => unpublishVersion(services, arg, options));
  command('flowgate.setDefaultPackage', 'Set As Default Package', (arg) => setDefaultPackage(services, arg));
  command('flowgate.setDefaultVersion', 'Set As Default Version', (arg) => setDefaultVersion(services, arg));
  command('flowgate.createNewVersion', 'Create New Version', (arg, request) => createNewVersion(services, arg, request));
  command('flowgate.exportVersion', 'Export Version', (arg, target) => exportVersion(services, arg, target));
  command('flowgate.importPackageFile', 'Import Package from File', (arg, file, options) => importPackageFile(services, arg, file, options));
  command('flowgate.showRunningExecutions', 'Show Running Executions', (arg) => showRunningExecutions(services, executionsPanels, arg));
  command('flowgate.showGatewayExecutions', 'Show Gateway Executions', (arg) => showGatewayExecutions(services, executionsPanels, arg));
  command('flowgate.showSchedules', 'Show Schedules', (arg) => showSchedules(services, schedulesPanels, arg));
  command('flowgate.showTriggers', 'Show Triggers', (arg) => showTriggers(services, triggersPanels, arg));
  command('flowgate.sendTestTrap', 'Send Test Trap', (arg) => sendTestTrapCommand(services, triggersPanels, arg));
  command('flowgate.setConnectionSecret', 'Set Connection Secret', (arg, preset) => setConnectionSecret(services, arg, isPreset(preset) ? preset : {}));
  command('flowgate.deleteConnectionSecret', 'Delete Connection Secret', (arg, name) => deleteConnectionSecret(services, arg, name));
  command('flowgate.signIn', 'Sign In', (arg) => signIn(services, sessions, () => opener, arg));
  command('flowgate.signOut', 'Sign Out', (arg) => signOut(services, sessions, arg));
  command('flowgate.validateAgainstGateway', 'Validate Against Gateway', (arg, gateway) => validateAgainstGateway(services, gatewayDiagnostics, arg, gateway));
  command('flowgate.promoteToGateway', 'Promote to Gateway', (arg, target) => promoteToGateway(services, arg, target));
  command('flowgate.applyImport', 'Apply Import', (arg, options) => applyImportCommand(services, arg, options));
  command('flowgate.rejectImport', 'Reject Import', (arg, reason) => rejectImportCommand(services, arg, reason));
  command('flowgate.withdrawVersion', 'Withdraw Version', (arg, options) => withdrawVersionCommand(services, arg, options));
  command('flowgate.replaceReference', 'Replace Reference', (arg, request) => replaceReference(services, arg, request));
  command('flowgate.editInstructions', 'Edit Instructions', (arg) => editInstructions(services, arg));
  command('flowgate.addReferencedDefinitions', 'Add Referenced Definitions', (arg) => addReferencedDefinitionsCommand(services, arg));
  command('flowgate.editAuthorisation', 'Edit Authorisation', (arg) => editAuthorisation(services, authorisationPanels, arg));
  command('flowgate.reviewImport', 'Review Import', (arg) => reviewImport(services, reviewPanels, arg));

  // Load (and validate) the workspace once activation has returned, so the Problems panel fills
  // without waiting for the user to open the view.
  const timer = setTimeout(() => {
    model.get().then(
      () => undefined,
      (err) => log.error('Could not load the Flowgate workspace', err),
    );
    void local.recheck();
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });

  return {
    workspaceModel: () => model.get(),
    localGateway: { url: () => local.url(), isRunning: () => local.isRunning(), dataDir: () => local.dataDir() },
    panels: {
      executions: (key) => executionsPanels.get(key),
      schedules: (key) => schedulesPanels.get(key),
      triggers: (key) => triggersPanels.get(key),
      authorisation: (key) => authorisationPanels.get(key),
      review: (key) => reviewPanels.get(key),
    },
    importDocumentText: (uri) => importDocuments.text(uri),
    draftChanges: {
      refresh: () => draftChanges.refresh(),
      draftItem: async (name) => {
        const node = (await packagesTree.getChildren()).find((n) => n.type === 'draft' && n.name === name);
        return node ? packagesTree.getTreeItem(node) : undefined;
      },
    },
    signIn: {
      signedIn: (url) => {
        const who = sessions.signedIn(url);
        return who ? { user: who.user } : undefined;
      },
      prompts: () => [...sessions.prompts],
      ...(context.extensionMode !== vscode.ExtensionMode.Production
        ? {
            test: {
              useOpener: (o: BrowserOpener | undefined) => void (opener = o ?? VSCODE_OPENER),
              useFlow: (f: SessionFlow | undefined) => sessions.useFlow(f ?? BROWSER_FLOW),
              stored: (url: string) => sessions.get(url),
              save: (session: Session) => sessions.save(session),
            },
          }
        : {}),
    },
    messages: {
      shown: () => [...shownMessages.list],
      ...(context.extensionMode !== vscode.ExtensionMode.Production
        ? { test: { answer: (fn: ((m: ShownMessage) => string | undefined) | undefined) => void (shownMessages.answer = fn), clear: () => void (shownMessages.list.length = 0) } }
        : {}),
    },
    executionEvents: {
      open: () => executionEvents.open(),
      subscribe: (url, listener) => executionEvents.subscribe(url, listener),
      treeWatches: () => gatewaysTree.watchedGateways(),
    },
    gatewaysTree: {
      children: (node) => gatewaysTree.getChildren(node),
      item: (node) => gatewaysTree.getTreeItem(node),
      tooltip: async (node) => {
        const item = await gatewaysTree.resolveTreeItem(gatewaysTree.getTreeItem(node), node);
        return typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value;
      },
    },
  };
}

/** Stops the emulator this window started (SIGTERM, SIGKILL after 5 s). */
export async function deactivate(): Promise<void> {
  const local = localGateway;
  localGateway = undefined;
  if (local) await local.stop().catch(() => undefined);
}

/** A `Set Connection Secret` preset given as a command argument (tests): only the fields it may hold. */
function isPreset(v: unknown): v is SetSecretPreset {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return Object.keys(o).every((k) => k === 'name' || k === 'grants' || k === 'value') && (o.name === undefined || typeof o.name === 'string') && (o.value === undefined || typeof o.value === 'string') && (o.grants === undefined || Array.isArray(o.grants));
}
