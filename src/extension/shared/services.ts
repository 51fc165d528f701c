import type * as vscode from 'vscode';
import type { Diagnostics } from '../diagnostics/diagnostics';
import type { LocalGateway } from '../localGateway/localGateway';
import type { Logger } from './log';
import type { WorkspaceModel } from './workspaceModel';

/** What the command handlers share; built once in `activate`. */
export interface Services {
  context: vscode.ExtensionContext;
  log: Logger;
  model: WorkspaceModel;
  diagnostics: Diagnostics;
  local: LocalGateway;
  refreshPackages(): void;
  refreshGateways(): void;
}
