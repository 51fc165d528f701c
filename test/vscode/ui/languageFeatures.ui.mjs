// UI check of completion in a flow editor: a run-flow step typed at the end of a flow, Ctrl+Space
// on its `flow:` value lists the workspace's flows with their descriptions, Enter accepts one,
// and a completion of the child's inputs follows. Saves test-results/vscode-ui-completion.png
// (the suggest widget over the flow) for the README. The file is restored at the end.
import fs from 'node:fs';
import path from 'node:path';

const REL = 'flows/network/core/Restart-Service.flow.yaml';

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'completion in a flow editor: Ctrl+Space lists flows, Enter accepts one, then the child inputs',
    async run({ page, ui, workspace, screenshot, note }) {
      const file = path.join(workspace, REL);
      const original = fs.readFileSync(file, 'utf8');
      try {
        // A new step at the end whose `flow:` and input are still to be typed.
        fs.writeFileSync(file, `${original}  - kind: run-flow\n    name: Check again\n    flow: \n    inputs:\n      \n`);
        await page.keyboard.press('Control+P');
        const quick = page.locator('.quick-input-widget input.input');
        await quick.waitFor({ state: 'visible' });
        await quick.fill('Restart-Service.flow.yaml');
        await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Restart-Service.flow.yaml' }).first().waitFor({ state: 'visible' });
        await page.keyboard.press('Enter');
        const editor = page.locator('.editor-instance .monaco-editor').first();
        // Monaco renders spaces as no-break spaces: match text with \s.
        await editor.locator('.view-line').filter({ hasText: /^description:/ }).first().waitFor({ state: 'visible', timeout: 20_000 });
        await editor.locator('.view-lines').click();
        await page.keyboard.press('Control+End');
        await editor.locator('.view-line').filter({ hasText: /Check\sagain/ }).first().waitFor({ state: 'visible', timeout: 20_000 });
        // The `flow: ` line is the third from the end (the file ends with an empty line).
        for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
        await page.keyboard.press('End');
        await page.keyboard.type('net', { delay: 30 });
        await page.keyboard.press('Control+Space');
        const suggest = page.locator('.editor-widget.suggest-widget');
        const rowsOf = () => suggest.locator('.monaco-list-row');
        await rowsOf().filter({ hasText: 'network/core/Check-Reachability' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        const rows = await rowsOf().allTextContents();
        // The other flows of the workspace (not the flow itself), each with its description.
        if (rows.length !== 3 || rows.some((r) => r.includes('Restart-Service'))) throw new Error(`suggestions: ${JSON.stringify(rows)}`);
        if (!rows.some((r) => r.includes('Decide whether a device can be reached'))) throw new Error(`no description: ${JSON.stringify(rows)}`);
        note(`screenshot: ${await screenshot('vscode-ui-completion')}; ${rows.length} suggestions`);
        // Typing on narrows the list; Enter accepts.
        await page.keyboard.type('work/core/Ch', { delay: 30 });
        await rowsOf().filter({ hasText: 'Run-Command' }).first().waitFor({ state: 'hidden' });
        await page.keyboard.press('Enter');
        await suggest.waitFor({ state: 'hidden' });
        await editor.locator('.view-line').filter({ hasText: /flow:\snetwork\/core\/Check-Reachability/ }).first().waitFor({ state: 'visible' });

        // The child's inputs on the empty line under `inputs:`.
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('End');
        await page.keyboard.press('Control+Space');
        const input = suggest.locator('.monaco-list-row').filter({ hasText: 'device' }).first();
        await input.waitFor({ state: 'visible', timeout: 20_000 });
        await page.keyboard.press('Enter');
        await editor.locator('.view-line').filter({ hasText: /^\s*device:\s*$/ }).first().waitFor({ state: 'visible' });
        note(`screenshot: ${await screenshot('vscode-ui-completion-inputs')}`);
      } finally {
        await ui.runCommand(page, 'File: Revert File', { allowError: true }).catch(() => undefined);
        fs.writeFileSync(file, original);
        await ui.runCommand(page, 'View: Close All Editors', { allowError: true }).catch(() => undefined);
      }
    },
  },
];
