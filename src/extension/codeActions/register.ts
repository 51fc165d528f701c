import type * as vscode from 'vscode';
import { registerCodeLenses } from '../codeLens/codeLenses';
import type { Services } from '../shared/services';
import { registerQuickFixes } from './quickFixes';

/** Quick fixes of Flowgate's diagnostics and the Run / Validate / Publish code lenses. */
export function registerFixesAndLenses(context: vscode.ExtensionContext, services: Services): void {
  registerQuickFixes(context, services);
  registerCodeLenses(context, services);
}
