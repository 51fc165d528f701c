import * as vscode from 'vscode';
import { bumpDraftVersion, DraftChanges, showDraftChanges } from '../packages/draftChanges';
import type { PackagesTreeProvider } from '../packages/packagesTree';
import { commandRegistrar } from '../shared/commands';
import type { Services } from '../shared/services';
import { registerOutputsDocuments } from './outputsDocument';

/**
 * Run what is in the editor (issue 11): the outputs documents of Run Flow, and "changed since vN"
 * on the Packages view's drafts with its two commands (Show Changes Since Published, Bump Version).
 * Returns the DraftChanges (the extension's API exposes it to tests).
 */
export function registerDraftRunFeatures(context: vscode.ExtensionContext, services: Services, packagesTree: PackagesTreeProvider): DraftChanges {
  registerOutputsDocuments(context);
  const changes = new DraftChanges(services);
  context.subscriptions.push(changes, packagesTree.useChanges(changes));
  // A publish refreshes the Gateways view through services.refreshGateways: compare again then.
  const refreshGateways = services.refreshGateways;
  services.refreshGateways = () => {
    refreshGateways();
    void changes.refresh();
  };
  const command = commandRegistrar(context, services.log);
  command('flowgate.showDraftChanges', 'Show Changes Since Published', (arg, which) => showDraftChanges(services, changes, arg, which));
  command('flowgate.bumpDraftVersion', 'Bump Version', (arg) => bumpDraftVersion(services, changes, arg));
  return changes;
}
