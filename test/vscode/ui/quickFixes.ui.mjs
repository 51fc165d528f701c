// UI check of quick fixes: type an error into a flow, see it in the Problems panel, apply the fix
// with Ctrl+. and see the problem disappear. Saves test-results/vscode-ui-quickfix.png (the quick
// fix menu open over the error). The file is restored at the end.
import fs from 'node:fs';
import path from 'node:path';

const REL = 'flows/network/core/Check-Reachability.flow.yaml';

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'a misspelt step kind typed into a flow shows in Problems; Ctrl+. "Change to \'log\'" fixes it',
    async run({ page, ui, workspace, screenshot, note }) {
      const file = path.join(workspace, REL);
      const original = fs.readFileSync(file, 'utf8');
      const lines = original.split('\n');
      const line = lines.findIndex((l) => l === '  - kind: log');
      if (line < 0) throw new Error(`no '  - kind: log' line in ${REL}`);
      try {
        // Open the flow from the Packages view (Quick Open's file search depends on what the window
        // opened before) and go to the step's line.
        await ui.runCommand(page, 'View: Close All Editors', { settleMs: 300 });
        await ui.openViewContainer(page, 'Flowgate');
        const packages = await ui.expandView(page, 'Packages');
        const row = packages.locator('.pane-body .monaco-list-row').filter({ hasText: 'Check-Reachability' }).first();
        await row.waitFor({ state: 'visible', timeout: 20_000 });
        await row.click();
        const input = page.locator('.quick-input-widget input.input');
        const editor = page.locator('.editor-instance .monaco-editor').first();
        await editor.waitFor({ state: 'visible', timeout: 20_000 });
        await page.locator('.tab.active').filter({ hasText: 'Check-Reachability.flow.yaml' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        await editor.click();
        await page.keyboard.press('Control+G');
        await input.waitFor({ state: 'visible', timeout: 20_000 });
        await input.fill(`:${line + 1}`);
        await page.keyboard.press('Enter');
        await page.keyboard.press('End');
        for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
        await page.keyboard.type('lgo');

        // Problems panel shows it.
        await page.keyboard.press('Control+Shift+M');
        const markers = page.locator('.markers-panel .monaco-list-row');
        await markers.filter({ hasText: "unknown step kind 'lgo'" }).first().waitFor({ state: 'visible', timeout: 20_000 });

        // Back in the editor, the cursor is on 'lgo': Ctrl+. opens the quick fixes.
        await editor.click({ position: { x: 5, y: 5 } }).catch(() => undefined);
        await page.keyboard.press('Control+G');
        await input.waitFor({ state: 'visible', timeout: 20_000 });
        await input.fill(`:${line + 1}:13`);
        await page.keyboard.press('Enter');
        await page.keyboard.press('Control+.');
        const fix = page.locator('.action-widget .action-list-item, .action-widget .monaco-list-row').filter({ hasText: "Change to 'log'" }).first();
        await fix.waitFor({ state: 'visible', timeout: 20_000 });
        note(`screenshot: ${await screenshot('vscode-ui-quickfix')}`);
        // The preferred fix is focused: Enter applies it (as a user does).
        await page.locator('.action-widget .monaco-list-row.focused').filter({ hasText: "Change to 'log'" }).first().waitFor({ state: 'visible', timeout: 20_000 });
        await page.keyboard.press('Enter');

        // The text is right again and the problem is gone.
        await markers.filter({ hasText: "unknown step kind 'lgo'" }).first().waitFor({ state: 'hidden', timeout: 20_000 });
        await page.locator('.markers-panel').filter({ hasText: 'No problems have been detected in the workspace.' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        await page.keyboard.press('Control+S');
        const deadline = Date.now() + 10_000;
        while (fs.readFileSync(file, 'utf8') !== original) {
          if (Date.now() > deadline) throw new Error(`after the fix and save, ${REL} differs from the original`);
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        fs.writeFileSync(file, original);
        await ui.runCommand(page, 'View: Close All Editors', { allowError: true }).catch(() => undefined);
      }
    },
  },
];
