// UI check of Run Flow from the F1 palette: pick a published flow, answer its input boxes (a
// required one refused empty) and the true/false pick of a boolean, see the outputs in a
// notification and in the read-only "<flow> — outputs" document (screenshot vscode-ui-run-output).

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

      // A boolean is a pick of true / false (and the default), not free text.
      await title.filter({ hasText: 'input 3 of 3' }).waitFor({ state: 'visible' });
      await widget.locator('input.input[placeholder*="dryRun (boolean)"]').waitFor({ state: 'visible' });
      const choices = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || ''))).map((t) => t.replace(/\s+/g, ' ').trim());
      if (choices.length !== 3 || choices[0] !== 'true' || choices[1] !== 'false' || !choices[2].startsWith('default (false)')) throw new Error(`boolean choices: ${JSON.stringify(choices)}`);
      note(`screenshot: ${await screenshot('vscode-ui-run-boolean-input')}`);
      await input.fill('true');
      await rows.first().filter({ hasText: 'true' }).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');

      const toast = await ui.waitForToast(page, 'Restart-Service ended', { timeout: 45_000 });
      const text = ((await toast.locator('.notification-list-item-message').textContent()) || '').trim();
      if (!text.includes('restarted = false') || !text.includes('message = "Would run: systemctl restart sshd"')) {
        throw new Error(`outputs: "${text}"`);
      }
      note(`screenshot: ${await screenshot('vscode-ui-run-done')}; ${text}`);
      // The outputs in a read-only JSON document titled "<flow> — outputs".
      const tab = page.locator('.tabs-container .tab').filter({ hasText: 'Restart-Service — outputs' }).first();
      await tab.waitFor({ state: 'visible', timeout: 15_000 });
      await tab.click();
      const editorText = page.locator('.editor-group-container.active .monaco-editor .view-lines');
      await editorText.filter({ hasText: '"message": "Would run: systemctl restart sshd"' }).waitFor({ state: 'visible', timeout: 10_000 });
      note(`screenshot: ${await screenshot('vscode-ui-run-output')}`);
      await ui.clearNotifications(page);
      await page.keyboard.press('Escape');
      await ui.runCommand(page, 'View: Close All Editors', { settleMs: 500 });
    },
  },
  {
    title: 'Run Flow on the active editor runs its unsaved text as a draft run',
    async run({ page, ui, screenshot, note }) {
      // Open the flow and change it in the editor without saving.
      // From the Packages view: Quick Open's file search depends on what the window opened before.
      await ui.runCommand(page, 'View: Close All Editors', { settleMs: 300 });
      await ui.openViewContainer(page, 'Flowgate');
      const packages = await ui.expandView(page, 'Packages');
      const row = packages.locator('.pane-body .monaco-list-row').filter({ hasText: 'Restart-Service' }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await row.click();
      const input = page.locator('.quick-input-widget input.input');
      await page.locator('.tabs-container .tab.active').filter({ hasText: 'Restart-Service.flow.yaml' }).waitFor({ state: 'visible' });
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
      await page.keyboard.press('Control+H');
      const find = page.locator('.editor-group-container.active .find-widget textarea').first();
      await find.waitFor({ state: 'visible' });
      await find.fill("'Would run: '");
      const replace = page.locator('.editor-group-container.active .find-widget textarea').nth(1);
      await replace.fill("'Edited in the editor: '");
      await page.keyboard.press('Control+Alt+Enter');
      await page.keyboard.press('Escape');
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').filter({ hasText: "'Edited in the editor: '" }).waitFor({ state: 'visible' });

      await ui.runCommand(page, 'Flowgate: Run Flow', { prompt: true });
      const widget = page.locator('.quick-input-widget');
      const rows = widget.locator('.quick-input-list .monaco-list-row');
      await rows.first().filter({ hasText: 'draft run' }).waitFor({ state: 'visible', timeout: 45_000 });
      const first = ((await rows.first().textContent()) || '').replace(/\s+/g, ' ');
      if (!first.includes('Restart-Service')) throw new Error(`first choice: "${first}"`);
      note(`screenshot: ${await screenshot('vscode-ui-run-draft-pick')}`);
      await page.keyboard.press('Enter');
      const title = widget.locator('.quick-input-title');
      await title.filter({ hasText: 'Run Restart-Service — input 1 of 3' }).waitFor({ state: 'visible' });
      await widget.locator('input.input').fill('10.3.3.3');
      await page.keyboard.press('Enter');
      await title.filter({ hasText: 'input 2 of 3' }).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      await title.filter({ hasText: 'input 3 of 3' }).waitFor({ state: 'visible' });
      await widget.locator('input.input').fill('true');
      await rows.first().filter({ hasText: 'true' }).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');

      const toast = await ui.waitForToast(page, 'Restart-Service ended (draft run)', { timeout: 45_000 });
      note(((await toast.textContent()) || '').trim());
      const tab = page.locator('.tabs-container .tab').filter({ hasText: 'Restart-Service — outputs' }).first();
      await tab.waitFor({ state: 'visible', timeout: 15_000 });
      await tab.click();
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').filter({ hasText: '"message": "Edited in the editor: systemctl restart sshd"' }).waitFor({ state: 'visible', timeout: 10_000 });
      note(`screenshot: ${await screenshot('vscode-ui-run-draft-output')}`);
      // Undo the edit (the checks after this one run the sample as it was) and save.
      await page.locator('.tabs-container .tab').filter({ hasText: 'Restart-Service.flow.yaml' }).first().click();
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
      await page.keyboard.press('Control+H');
      await find.waitFor({ state: 'visible' });
      await find.fill("'Edited in the editor: '");
      await replace.fill("'Would run: '");
      await page.keyboard.press('Control+Alt+Enter');
      await page.keyboard.press('Escape');
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').filter({ hasText: "'Would run: '" }).waitFor({ state: 'visible' });
      await page.keyboard.press('Control+S');
      await page.waitForTimeout(500);
      await ui.runCommand(page, 'View: Close All Editors', { settleMs: 300 });
      await ui.clearNotifications(page);
      await ui.runCommand(page, 'Flowgate: Stop Local Gateway', { settleMs: 0 });
      await page.locator('.part.statusbar .statusbar-item').filter({ hasText: 'Flowgate: stopped' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    },
  },
];
