/**
 * Issue 11's "every action in its place": the local gateway's lifecycle commands, Add / Remove
 * Gateway, New Flow, Create Sample Workspace, and the context key the welcome views use
 * (`flowgate.hasWorkspaceFiles`). One call from `activate`.
 */
import * as vscode from 'vscode';
import { addGateway, removeGateway } from '../gateways/gatewaySettings';
import { registerLocalGatewayCommands } from '../localGateway/commands';
import type { Services } from '../shared/services';
import { createSampleWorkspace, newFlow } from '../workspaceSetup/workspaceSetup';

/** activate's command registration (errors become one message naming what failed; a dismissed prompt ends quietly). */
export type RegisterCommand = (id: string, title: string, handler: (...args: unknown[]) => unknown) => unknown;

/** Context keys this module sets (the manifest test lists them). */
export const ACTION_CONTEXT_KEYS = ['flowgate.hasWorkspaceFiles'] as const;

export function registerActions(s: Services, command: RegisterCommand): void {
  registerLocalGatewayCommands(s, command);
  command('flowgate.addGateway', 'Add Gateway', (arg) => addGateway(s, arg));
  command('flowgate.removeGateway', 'Remove Gateway', (arg, options) => removeGateway(s, arg, options));
  command('flowgate.newFlow', 'New Flow', (arg) => newFlow(s, arg));
  command('flowgate.createSampleWorkspace', 'Create Sample Workspace', () => createSampleWorkspace(s));

  // flowgate.hasWorkspaceFiles: any flow, connection or package draft in the folder (the Packages view's welcome keys on it).
  const update = () =>
    s.model.get().then(
      (ws) => vscode.commands.executeCommand('setContext', 'flowgate.hasWorkspaceFiles', ws.files().length > 0),
      () => undefined,
    );
  const timer = setTimeout(() => void update(), 0); // after activate returns: loading the workspace is not activation's work
  s.context.subscriptions.push(s.model.onDidChange(() => void update()), { dispose: () => clearTimeout(timer) });
}
