// Issue 11's actions in the real VS Code: Add / Remove Gateway change `flowgate.gateways` (Remove
// asks; declined, nothing changes); New Flow writes a flow core's validator finds no problem in;
// Create Sample Workspace fills a folder and never overwrites (it names what it skipped); the
// destructive questions — unpublishing an explicit default, removing a flow a trigger of the draft
// runs — say what will change, and change nothing when declined.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { validateFile } from '../../../src/core/validate/validate';
import { answering, api, closeEditors, publishTestPackage, readText, startTestGateway, stopTestGateway, uri, versionNode, waitFor, writeText } from './helpers';

const gateways = () => vscode.workspace.getConfiguration('flowgate').inspect<{ name: string; url: string; credentialsFile?: string }[]>('gateways');

async function exists(rel: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri(rel));
    return true;
  } catch {
    return false;
  }
}

suite('actions', () => {
  let url: string;
  let client: Awaited<ReturnType<typeof startTestGateway>>['client'];

  suiteSetup(async () => {
    ({ url, client } = await startTestGateway());
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('flowgate').update('gateways', undefined, vscode.ConfigurationTarget.Global);
    await stopTestGateway();
  });

  test('Add Gateway adds an entry to flowgate.gateways; a bad one is refused naming the field; Remove asks, then removes', async () => {
    const before = gateways()?.globalValue ?? [];
    const added = await vscode.commands.executeCommand<{ name: string; url: string }>('flowgate.addGateway', { name: 'qa-test', url: 'https://qa.example.com/api/', credentialsFile: '~/qa.json' });
    assert.deepEqual(added, { name: 'qa-test', url: 'https://qa.example.com/api', credentialsFile: '~/qa.json' });
    await waitFor('the setting', () => gateways()?.globalValue?.some((g) => g.name === 'qa-test'));
    assert.equal(gateways()?.globalValue?.length, before.length + 1);

    // A duplicate URL and a URL with a password: refused, nothing written.
    const refused = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.addGateway', { name: 'again', url: 'https://qa.example.com/api' }));
    assert.equal(refused.value, undefined);
    assert.ok(refused.shown.some((m) => /Add Gateway failed: the gateway was not added: url: https:\/\/qa\.example\.com\/api is already configured as "qa-test"/.test(m.message)), JSON.stringify(refused.shown));
    const secret = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.addGateway', { name: 'pw', url: 'https://u:hunter2@h.example.com' }));
    assert.ok(secret.shown.some((m) => /url: must not hold a user name or password/.test(m.message) && !m.message.includes('hunter2')), JSON.stringify(secret.shown));
    assert.equal(gateways()?.globalValue?.length, before.length + 1);

    // The tree shows it; Remove from its node asks, declined: still there.
    const node = (await api().gatewaysTree.children()).find((n) => (n as { url?: string }).url === 'https://qa.example.com/api');
    assert.ok(node, 'the Gateways view does not show the added gateway');
    const declined = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.removeGateway', node));
    const q = declined.shown.find((m) => m.modal);
    assert.ok(q);
    assert.equal(q.message, 'Remove the gateway "qa-test" from Flowgate?');
    assert.match(q.detail ?? '', /It leaves flowgate\.gateways in the user settings .* Nothing on the gateway itself changes/);
    assert.equal(declined.value, undefined);
    assert.ok(gateways()?.globalValue?.some((g) => g.name === 'qa-test'), 'declined, but removed');

    const accepted = await answering((m) => (m.modal ? 'Remove Gateway' : undefined), () => vscode.commands.executeCommand('flowgate.removeGateway', node));
    assert.equal(accepted.value, true);
    await waitFor('the entry to go', () => !gateways()?.globalValue?.some((g) => g.name === 'qa-test'));
    // The local emulator is not an entry of the setting.
    const local = (await api().gatewaysTree.children()).find((n) => (n as { local?: boolean }).local);
    const refusedLocal = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.removeGateway', local));
    assert.ok(refusedLocal.shown.some((m) => /the Local Emulator is not in flowgate\.gateways/.test(m.message)));
  });

  test('New Flow writes flows/<folder>/<Name>.flow.yaml from the template: valid, opened; an existing name or a bad one is refused', async () => {
    const rel = 'flows/walk/Hello-New.flow.yaml';
    try {
      const created = await vscode.commands.executeCommand<vscode.Uri>('flowgate.newFlow', { folder: 'walk', name: 'Hello-New' });
      assert.equal(created?.toString(), uri(rel).toString());
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri(rel).toString(), 'the new flow is not open');
      const ws = await waitFor('the model to have the flow', async () => {
        const w = await api().workspaceModel();
        return w.flows().has('walk/Hello-New') ? w : undefined;
      });
      assert.deepEqual(validateFile(ws, rel), [], 'the template has problems');
      const again = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.newFlow', { folder: 'walk', name: 'Hello-New' }));
      assert.ok(again.shown.some((m) => /New Flow failed: flows\/walk\/Hello-New\.flow\.yaml already exists/.test(m.message)), JSON.stringify(again.shown));
      const bad = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.newFlow', { folder: 'walk/../..', name: 'x y' }));
      assert.ok(bad.shown.some((m) => /name: may only contain letters, digits/.test(m.message) && /folder: each folder may only contain/.test(m.message)), JSON.stringify(bad.shown));
      assert.equal(await exists('flows/x y.flow.yaml'), false);
    } finally {
      await closeEditors();
      await vscode.workspace.fs.delete(uri('flows/walk'), { recursive: true }).then(undefined, () => undefined);
    }
  });

  test('Create Sample Workspace: creates what is missing, skips (and names) what exists, overwrites nothing', async () => {
    const draft = 'packages/network-ops.package.yaml';
    const flow = 'flows/network/core/Run-Command.flow.yaml';
    const original = await readText(draft);
    const edited = `${original}# edited by the user\n`;
    await writeText(draft, edited);
    await vscode.workspace.fs.delete(uri(flow));
    try {
      const run = await answering(() => undefined, () => vscode.commands.executeCommand<{ created: string[]; skipped: string[] }>('flowgate.createSampleWorkspace'));
      assert.deepEqual(run.value?.created, [flow]);
      assert.ok(run.value?.skipped.includes(draft));
      assert.equal(run.value?.skipped.length, 5);
      assert.equal(await readText(draft), edited, 'an existing file was overwritten');
      assert.equal(await exists(flow), true);
      const said = run.shown.find((m) => /sample file/.test(m.message));
      assert.ok(said, JSON.stringify(run.shown));
      assert.match(said.message, /created 1 sample file .* Skipped 5 files that already existed \(not overwritten\): connections\/local-gateway\.connection\.yaml/);
    } finally {
      await writeText(draft, original);
    }
  });

  test('Unpublish of an explicit default asks, saying the default is dropped; declined: still published', async () => {
    await publishTestPackage(client, 'confirm-unpub', { 'demo/Hi': 'steps:\n  - kind: log\n    message: hi\n' });
    await client.setDefaultVersion('confirm-unpub', 1);
    const node = versionNode(url, 'confirm-unpub', 1, true);
    const declined = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.unpublishVersion', node));
    const q = declined.shown.find((m) => m.modal);
    assert.ok(q, JSON.stringify(declined.shown));
    assert.equal(q.message, 'Unpublish confirm-unpub v1 on Local Emulator?');
    assert.match(q.detail ?? '', /No new executions of confirm-unpub v1 start/);
    assert.match(q.detail ?? '', /v1 is the explicit default version of confirm-unpub: unpublishing it drops that default/);
    assert.equal((await client.getVersion('confirm-unpub', 1)).published, true, 'declined, but unpublished');

    await answering((m) => (m.modal ? 'Unpublish' : undefined), () => vscode.commands.executeCommand('flowgate.unpublishVersion', node));
    assert.equal((await client.getVersion('confirm-unpub', 1)).published, false);
    assert.equal((await client.getPackage('confirm-unpub')).defaultVersion, null);
  });

  test('Remove from Package of a flow a trigger runs asks, naming the trigger; declined: the draft is unchanged', async () => {
    const draft = 'packages/network-ops.package.yaml';
    const original = await readText(draft);
    const node = { type: 'definition', draftName: 'network-ops', kind: 'flow', id: 'network/core/Restart-Service' };
    try {
      const declined = await answering(() => undefined, () => vscode.commands.executeCommand('flowgate.removeFromPackage', node));
      const q = declined.shown.find((m) => m.modal);
      assert.ok(q, JSON.stringify(declined.shown));
      assert.equal(q.message, 'Remove network/core/Restart-Service from network-ops? The trigger "Link down restarts sshd (dry run)" of the package runs it.');
      assert.match(q.detail ?? '', /network-ops will not validate until they are changed or removed/);
      assert.equal(await readText(draft), original, 'declined, but the draft changed');

      // A flow no schedule or trigger runs: nothing is asked.
      const quiet = await answering(() => 'Remove', () => vscode.commands.executeCommand('flowgate.removeFromPackage', { ...node, id: 'network/core/Check-Reachability' }));
      assert.equal(quiet.shown.filter((m) => m.modal).length, 0);

      await answering((m) => (m.modal ? 'Remove' : undefined), () => vscode.commands.executeCommand('flowgate.removeFromPackage', node));
      assert.doesNotMatch(await readText(draft), /- network\/core\/Restart-Service\n/);
    } finally {
      await writeText(draft, original);
    }
  });
});
