// UI check of Run Flow from the F1 palette: pick a published flow, answer its input boxes (with
// the validation message of a boolean input), see the outputs in a notification.

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Run Flow asks for each input, validates a boolean, and shows the outputs',
    async run({ page, ui, screenshot, note }) {
      await ui.clearNotifications(page);
      // The draft's version on the dev gateway (the publish checks leave version 2 there; alone, this
      // publishes version 1 — an identical republish otherwise).
      await ui.runCommand(page, 'Flowgate: Publish to Dev Gateway', { settleMs: 0 });
      const published = await ui.waitForToast(page, 'Published network-ops', { timeout: 45_000 });
      const version = /Published network-ops (\d+) to/.exec((await published.textContent()) || '')?.[1];
      if (!version) throw new Error(`publish toast: "${await published.textContent()}"`);
      await ui.clearNotifications(page);
      await ui.runCommand(page, 'Flowgate: Run Flow', { prompt: true });
      const widget = page.locator('.quick-input-widget');
      const input = widget.locator('input.input');
      const rows = widget.locator('.quick-input-list .monaco-list-row');
      await rows.filter({ hasText: 'Restart-Service' }).first().waitFor({ state: 'visible', timeout: 45_000 });
      await input.fill('Restart-Service');
      const first = rows.first();
      const firstText = ((await first.textContent()) || '').replace(/\s+/g, ' ');
      if (!new RegExp(`Restart-Service.*network-ops ${version} \\(default\\)`).test(firstText)) throw new Error(`first flow: "${firstText}" (network-ops ${version} published)`);
      await page.keyboard.press('Enter');

      const title = widget.locator('.quick-input-title');
      await title.filter({ hasText: 'Run Restart-Service — input 1 of 3' }).waitFor({ state: 'visible' });
      await widget.filter({ hasText: 'device (string, required)' }).waitFor({ state: 'visible' });
      // Empty is refused for a required input.
      await input.fill(' ');
      await widget.filter({ hasText: 'This input is required' }).waitFor({ state: 'visible' });
      await input.fill('10.1.1.1');
      await page.keyboard.press('Enter');

      await title.filter({ hasText: 'input 2 of 3' }).waitFor({ state: 'visible' });
      await widget.filter({ hasText: 'service (string)' }).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter'); // default sshd

      await title.filter({ hasText: 'input 3 of 3' }).waitFor({ state: 'visible' });
      await widget.filter({ hasText: 'dryRun (boolean)' }).waitFor({ state: 'visible' });
      await input.fill('maybe');
      await widget.filter({ hasText: 'Enter true or false' }).waitFor({ state: 'visible' });
      note(`screenshot: ${await screenshot('vscode-ui-run-invalid-input')}`);
      await input.fill('true');
      await widget.filter({ hasText: 'Enter true or false' }).waitFor({ state: 'hidden' });
      await page.keyboard.press('Enter');

      const toast = await ui.waitForToast(page, 'Restart-Service ended', { timeout: 45_000 });
      const text = ((await toast.locator('.notification-list-item-message').textContent()) || '').trim();
      if (!text.includes('restarted = false') || !text.includes('message = "Would run: systemctl restart sshd"')) {
        throw new Error(`outputs: "${text}"`);
      }
      note(`screenshot: ${await screenshot('vscode-ui-run-done')}; ${text}`);
      await ui.clearNotifications(page);
      await ui.runCommand(page, 'Flowgate: Stop Local Gateway', { settleMs: 0 });
      await page.locator('.part.statusbar .statusbar-item').filter({ hasText: 'Flowgate: stopped' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    },
  },
];
