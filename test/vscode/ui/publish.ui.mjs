// UI checks of Publish to Dev Gateway from the F1 palette: a conflicting republish (same version,
// changed content) offers "Bump to Version N", which sets the draft's version and publishes it.
import fs from 'node:fs';
import path from 'node:path';
import { api, authHeaders } from './support.mjs';

const localPort = (workspace) =>
  JSON.parse(fs.readFileSync(path.join(workspace, '.vscode/settings.json'), 'utf8'))['flowgate.localGateway.port'];

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'a changed draft with the same version gets a 409 message; "Bump to Version 2" then "Publish" publishes v2',
    async run({ page, ui, workspace, localDataDir, screenshot, note }) {
      const url = `http://127.0.0.1:${localPort(workspace)}`;
      const draftFile = path.join(workspace, 'packages/network-ops.package.yaml');
      await ui.clearNotifications(page);
      await ui.openViewContainer(page, 'Flowgate'); // its Packages view is read below (also when run alone: --only publish)
      // Version 1 as in the sample (already there when the Gateways checks ran first: unchanged).
      await ui.runCommand(page, 'Flowgate: Publish to Dev Gateway', { settleMs: 0 });
      await ui.waitForToast(page, `Published network-ops 1 to ${url}`, { timeout: 45_000 });
      await ui.clearNotifications(page);

      const flowFile = path.join(workspace, 'flows/network/core/Run-Command.flow.yaml');
      const flowText = fs.readFileSync(flowFile, 'utf8');
      const changed = flowText.replace('simulated in the sample', 'simulated, changed');
      if (changed === flowText) throw new Error('could not change Run-Command.flow.yaml');
      // The extension sees files changed on disk through a watcher. To know it has the final
      // content before publishing, write a broken version first and wait for the draft to show
      // the error, then the changed valid one and wait for "valid" again.
      const packages = await ui.expandView(page, 'Packages');
      const draftRow = (text) => packages.locator('.monaco-list-row').filter({ hasText: 'network-ops' }).filter({ hasText: text }).first();
      fs.writeFileSync(flowFile, changed + '  - kind: reboot\n');
      await draftRow('1 error').waitFor({ state: 'visible', timeout: 20_000 });
      fs.writeFileSync(flowFile, changed);
      await draftRow('v1 · valid').waitFor({ state: 'visible', timeout: 20_000 });
      // The conflict is an error toast: allowError.
      await ui.runCommand(page, 'Flowgate: Publish to Dev Gateway', { allowError: true });
      const conflict = await ui.waitForToast(page, 'network-ops version 1 already exists', { timeout: 45_000 });
      const message = (await conflict.textContent()) || '';
      if (!/Package versions are immutable/.test(message)) throw new Error(`409 message: "${message}"`);
      await page.locator('.notifications-toasts .notification-list-item').filter({ hasText: 'publishing network-ops' }).first().waitFor({ state: 'hidden' });
      note(`screenshot: ${await screenshot('vscode-ui-publish-conflict')}`);

      await ui.clickToastButton(conflict, 'Bump to Version 2');
      const bumped = await ui.waitForToast(page, 'network-ops: version set to 2');
      const draft = fs.readFileSync(draftFile, 'utf8');
      if (!/^version: 2$/m.test(draft)) throw new Error(`the draft was not bumped:\n${draft}`);
      await ui.clickToastButton(bumped, 'Publish');
      await ui.waitForToast(page, `Published network-ops 2 to ${url}`, { timeout: 45_000 });
      const pkg = await api(url, 'GET', '/api/v1/packages/network-ops', undefined, await authHeaders(localDataDir));
      const versions = pkg.versions.map((v) => `${v.version}:${v.published ? 'published' : 'uploaded'}`);
      if (JSON.stringify(versions) !== JSON.stringify(['1:published', '2:published'])) throw new Error(`versions on the gateway: ${versions}`);
      note(`screenshot: ${await screenshot('vscode-ui-publish-bumped')}; versions: ${versions.join(', ')}`);
      await ui.clearNotifications(page);
    },
  },
];
