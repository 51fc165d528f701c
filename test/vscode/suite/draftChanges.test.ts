// "Changed since vN" on the Packages view: after a published flow is edited, the draft shows
// "changed since v1" (tooltip naming the flow, its own contextValue for the two commands); Show
// Changes Since Published opens a diff of the published text against the workspace file; Bump
// Version sets the draft's version past the gateway's; after publishing, the description is gone.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, api, forgetLocalPackage, readText, stopLocalGateway, useTestPort, waitFor, writeText } from './helpers';

const FLOW = 'flows/network/core/Run-Command.flow.yaml';
const DRAFT = 'packages/network-ops.package.yaml';

async function draftItem(): Promise<vscode.TreeItem> {
  await api().draftChanges.refresh();
  const item = await api().draftChanges.draftItem('network-ops');
  assert.ok(item, 'no network-ops node in the Packages view');
  return item;
}

const tooltipText = (item: vscode.TreeItem) => (typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''));

suite('draft changes since published', () => {
  let flowText: string;
  let draftText: string;

  suiteSetup(async () => {
    await activated();
    await useTestPort();
    flowText = await readText(FLOW);
    draftText = await readText(DRAFT);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await writeText(FLOW, flowText);
    await writeText(DRAFT, draftText);
    // The publish and run suites expect a gateway that has never seen network-ops.
    await forgetLocalPackage('network-ops');
    await stopLocalGateway();
  });

  test('a published draft with no edit shows no change', async () => {
    const published = await vscode.commands.executeCommand<{ version: number }>('flowgate.publishToDevGateway', 'network-ops');
    assert.ok(published);
    const item = await draftItem();
    assert.doesNotMatch(String(item.description), /changed since/);
    assert.equal(item.contextValue, 'flowgate.draft');
  });

  test('editing a published flow shows "changed since vN" with the flow in the tooltip', async () => {
    await writeText(FLOW, flowText.replace('exitCode: 0', 'exitCode: 3'));
    const item = await waitFor('the description', async () => {
      const i = await draftItem();
      return /changed since v\d+/.test(String(i.description)) ? i : undefined;
    });
    assert.equal(item.contextValue, 'flowgate.draft.changed');
    assert.match(tooltipText(item), /network\/core\/Run\\?-Command — changed/);
    assert.doesNotMatch(tooltipText(item), /Restart-Service — /);
  });

  test('Show Changes Since Published opens a diff: the published text against the workspace file', async () => {
    const opened = await vscode.commands.executeCommand<{ left: string; right: string }>('flowgate.showDraftChanges', { type: 'draft', name: 'network-ops' });
    assert.ok(opened, 'no diff opened');
    const input = await waitFor('the diff editor', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff ? tab.input : undefined;
    });
    assert.equal(input.original.scheme, 'flowgate-published');
    assert.equal(input.modified.toString(), vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, FLOW).toString());
    const left = await vscode.workspace.openTextDocument(input.original);
    assert.equal(left.getText(), flowText, 'the left side is not the published text');
  });

  test('Bump Version, then publish: the draft is the new version and shows no change', async () => {
    const next = await vscode.commands.executeCommand<number>('flowgate.bumpDraftVersion', { type: 'draft', name: 'network-ops' });
    assert.ok(typeof next === 'number' && next >= 2, `bumped to ${next}`);
    const text = await readText(DRAFT);
    assert.match(text, new RegExp(`^version: ${next}$`, 'm'));
    assert.equal(text.replace(`version: ${next}`, 'version: 1'), draftText, 'the bump changed more than the version');
    const published = await vscode.commands.executeCommand<{ version: number }>('flowgate.publishToDevGateway', 'network-ops');
    assert.equal(published?.version, next);
    const item = await waitFor('the description to go', async () => {
      const i = await draftItem();
      return /changed since/.test(String(i.description)) ? undefined : i;
    });
    assert.equal(item.contextValue, 'flowgate.draft');
    assert.match(String(item.description), new RegExp(`^v${next} `));
  });

  test('from the palette (no argument) Bump Version takes the only draft: one past the highest version on the gateway', async () => {
    const before = Number(/^version: (\d+)$/m.exec(await readText(DRAFT))?.[1]);
    const next = await vscode.commands.executeCommand<number>('flowgate.bumpDraftVersion');
    assert.equal(next, before + 1);
    assert.match(await readText(DRAFT), new RegExp(`^version: ${before + 1}$`, 'm'));
  });
});
