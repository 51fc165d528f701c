// UI checks of the Gateways view and the local gateway's status bar item and context key, run by
// test/vscode/run.mjs (phase 2). The UI workspace's local gateway port is in .vscode/settings.json.
import fs from 'node:fs';
import path from 'node:path';
import { withPrivateGateway } from './support.mjs';

const localPort = (workspace) =>
  JSON.parse(fs.readFileSync(path.join(workspace, '.vscode/settings.json'), 'utf8'))['flowgate.localGateway.port'];

const FLOW = `description: Says hello.
steps:
  - kind: log
    message: hello
`;

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'publish from the palette fills the Gateways tree down to the flows; the status bar says running',
    async run({ page, ui, workspace, screenshot, note }) {
      const port = localPort(workspace);
      await ui.openViewContainer(page, 'Flowgate');
      await ui.runCommand(page, 'Flowgate: Publish to Dev Gateway', { settleMs: 0 });
      await ui.waitForToast(page, `Published network-ops 1 to http://127.0.0.1:${port}`, { timeout: 45_000 });

      const pane = await ui.expandView(page, 'Gateways');
      const rows = pane.locator('.pane-body .monaco-list-row');
      // The local node opens by itself once the emulator runs; open the package and version.
      await rows.filter({ hasText: 'network-ops' }).first().click();
      await rows.filter({ hasText: 'v1' }).first().click();
      await ui.readTreeItems(page, 'Gateways', { waitForLabel: 'Restart-Service' });
      const items = await ui.readTreeItems(page, 'Gateways');
      const labels = items.map((i) => `${i.level}:${i.label}`);
      const expected = ['1:Local Emulator', '2:network-ops', '3:v1', '4:Check-Reachability', '4:Restart-Service', '4:Run-Command', '4:Get-Gateway-Status'];
      if (JSON.stringify(labels) !== JSON.stringify(expected)) throw new Error(`Gateways tree: ${JSON.stringify(labels)}, expected ${JSON.stringify(expected)}`);
      const local = items[0];
      if (!local.description.includes(`127.0.0.1:${port} · running`)) throw new Error(`Local Emulator description: "${local.description}"`);
      if (!items[2].description.includes('published')) throw new Error(`v1 description: "${items[2].description}"`);

      const status = await ui.statusBarText(page, 'Flowgate:');
      if (!status.includes(`Flowgate: running :${port}`)) throw new Error(`status bar: "${status}"`);
      // Context key flowgate.localGatewayRunning: the palette offers Stop, not Start.
      const palette = await ui.paletteLabels(page, 'Flowgate: St');
      if (!palette.includes('Flowgate: Stop Local Gateway') || palette.includes('Flowgate: Start Local Gateway')) {
        throw new Error(`palette while running: ${JSON.stringify(palette)}`);
      }
      note(`screenshot: ${await screenshot('vscode-ui-gateways-running')}; status bar: ${status}`);
      await ui.clearNotifications(page);
    },
  },
  {
    title: 'Stop Local Gateway: status bar stopped, the welcome shows, the palette offers Start',
    async run({ page, ui, screenshot, note }) {
      await ui.runCommand(page, 'Flowgate: Stop Local Gateway', { settleMs: 0 });
      await page
        .locator('.part.statusbar .statusbar-item')
        .filter({ hasText: 'Flowgate: stopped' })
        .first()
        .waitFor({ state: 'visible', timeout: 15_000 });
      const pane = await ui.expandView(page, 'Gateways');
      await pane.getByText('The local gateway emulator is not running.').waitFor({ state: 'visible', timeout: 15_000 });
      const palette = await ui.paletteLabels(page, 'Flowgate: St');
      if (!palette.includes('Flowgate: Start Local Gateway') || palette.includes('Flowgate: Stop Local Gateway')) {
        throw new Error(`palette while stopped: ${JSON.stringify(palette)}`);
      }
      note(`screenshot: ${await screenshot('vscode-ui-gateways-stopped')}`);
    },
  },
  {
    title: 'a gateway of flowgate.gateways that wants tokens: without credentialsFile the tree says what to give; with it, its packages show',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      const gatewayName = 'UI Credentials Gateway';
      await withPrivateGateway(t, { gatewayName, emulatorName: 'ui-creds', pkg: 'ui-creds-pkg', flows: { 'ui/Hello': FLOW } }, async (gateway) => {
        await ui.openViewContainer(page, 'Flowgate');
        // The entry without credentialsFile: the emulator's local-admin.json is in a folder the extension does not know.
        gateway.writeSettings({ 'flowgate.gateways': [{ name: gatewayName, url: gateway.url }] });
        const pane = await ui.expandView(page, 'Gateways');
        const rows = pane.locator('.pane-body .monaco-list-row');
        const refused = rows.filter({ hasText: 'Needs credentials' }).first();
        await refused.waitFor({ state: 'visible', timeout: 30_000 });
        const text = (await refused.textContent()) || '';
        if (!/give "credentialsFile" in its flowgate\.gateways entry/.test(text)) throw new Error(`the message under the gateway: "${text}"`);
        // Its tooltip: the gateway's answer and every way to give credentials.
        await refused.hover();
        const hover = page.locator('.monaco-hover, .custom-hover, .workbench-hover').filter({ hasText: 'none were found' }).first();
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        const full = (await hover.textContent()) || '';
        if (!/FLOWGATE_CLIENT_ID/.test(full) || !/"credentialsFile"/.test(full)) throw new Error(`the tooltip: "${full}"`);
        note(`without credentials: ${text.trim()} — tooltip: ${full.slice(0, 160)}…`);
        note(`screenshot: ${await screenshot('vscode-ui-gateways-no-credentials')}`);

        // A command against it (Publish to Dev Gateway, it being the dev gateway): the error offers Open Settings.
        gateway.writeSettings({ 'flowgate.gateways': [{ name: gatewayName, url: gateway.url }], 'flowgate.devGateway.url': gateway.url });
        await page.waitForTimeout(1500); // the settings file change reaches the extension host
        await ui.clearNotifications(page);
        await ui.runCommand(page, 'Flowgate: Publish to Dev Gateway', { settleMs: 0, allowError: true });
        const toast = await ui.waitForToast(page, 'none were found', { timeout: 45_000 });
        const message = (await toast.textContent()) || '';
        if (!/could not upload network-ops 1/.test(message) || !/credentialsFile/.test(message)) throw new Error(`the error: "${message}"`);
        await ui.clickToastButton(toast, 'Open Settings');
        await page.locator('.settings-editor').first().waitFor({ state: 'visible', timeout: 15_000 });
        note(`screenshot: ${await screenshot('vscode-ui-gateways-open-settings')}`);
        await ui.runCommand(page, 'View: Close All Editors', { settleMs: 300, allowError: true });
        await ui.clearNotifications(page);

        // With credentialsFile (what addToSettings writes): the package is listed.
        await gateway.addToSettings();
        const items = await ui.readTreeItems(page, 'Gateways', { waitForLabel: 'ui-creds-pkg', timeout: 30_000 });
        const at = items.findIndex((i) => i.label === gatewayName);
        if (at < 0 || items[at + 1]?.label !== 'ui-creds-pkg') throw new Error(`Gateways tree: ${JSON.stringify(items.map((i) => `${i.level}:${i.label}`))}`);
        note(`screenshot: ${await screenshot('vscode-ui-gateways-credentials-file')}`);
      });
    },
  },
];
