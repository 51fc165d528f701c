// UI check of Flowgate: Sign In's first steps in the real workbench: the palette command offers the
// gateways of `flowgate.gateways` (an emulator of the check's own, with no credentialsFile) and
// "Enter a gateway URL…"; a typed URL is checked as typed (not http(s), credentials in it); and
// Sign Out with no session says there is none. The Gateways view's gateway row says it needs
// credentials and that Sign In is one way.
import { withPrivateGateway } from './support.mjs';

const GATEWAY_NAME = 'UI Sign-In Gateway';
const HELLO = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Sign In: the configured gateways and "Enter a gateway URL…", a typed URL checked as typed; Sign Out with no session says so; the tree row says Sign In',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      await withPrivateGateway(t, { gatewayName: GATEWAY_NAME, emulatorName: 'ui-signin-check', pkg: 'ui-signin', flows: { 'ui/signin/Hello': HELLO } }, async (gateway) => {
        // In the settings without its credentialsFile: nothing authorises the extension there.
        const settingsFile = `${t.workspace}/.vscode/settings.json`;
        gateway.writeSettings();
        const fs = await import('node:fs');
        const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
        settings['flowgate.gateways'] = settings['flowgate.gateways'].map(({ name, url }) => ({ name, url }));
        fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
        await page.waitForTimeout(1500);
        await ui.clearNotifications(page);

        await ui.openViewContainer(page, 'Flowgate');
        await ui.runCommand(page, 'Flowgate: Refresh Gateways', { settleMs: 500 });
        const pane = await ui.expandView(page, 'Gateways');
        const rows = pane.locator('.pane-body .monaco-list-row');
        await rows.filter({ hasText: GATEWAY_NAME }).first().waitFor({ state: 'visible', timeout: 15_000 });
        await rows.filter({ hasText: 'Needs credentials: Sign In' }).first().waitFor({ state: 'visible', timeout: 15_000 });

        await ui.runCommand(page, 'Flowgate: Sign In', { prompt: true });
        const widget = page.locator('.quick-input-widget');
        await widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: GATEWAY_NAME }).first().waitFor({ state: 'visible', timeout: 10_000 });
        await ui.pickQuick(page, 'Enter a gateway URL…');
        const input = widget.locator('input.input');
        await input.fill('ftp://gateway.example.com');
        await widget.filter({ hasText: 'Use an http(s) URL' }).waitFor({ state: 'visible', timeout: 5_000 });
        await input.fill('https://alice:pw@gateway.example.com');
        await widget.filter({ hasText: 'Leave user and password out of the URL' }).waitFor({ state: 'visible', timeout: 5_000 });
        note(`screenshot: ${await screenshot('vscode-ui-signin-url')}`);
        await page.keyboard.press('Escape');
        await widget.waitFor({ state: 'hidden', timeout: 5_000 });
        if ((await ui.notifications(page, { severity: 'error' })).length) throw new Error(`a dismissed Sign In left an error: ${await ui.notifications(page, { severity: 'error' })}`);

        await ui.runCommand(page, 'Flowgate: Sign Out');
        await ui.waitForToast(page, 'you are not signed in to any gateway', { timeout: 10_000 });
      });
    },
  },
];
