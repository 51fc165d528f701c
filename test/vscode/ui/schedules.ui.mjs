// UI check of the Schedules webview. A gateway emulator of its own (a child process on a free port,
// temp data folder) is added to `flowgate.gateways` for the check, so the local emulator's store
// stays as the other checks expect. A package built with core's buildPackageFile holds two flows,
// one with inputs (string required, integer with a default, boolean). The panel opens from the
// version node's inline action in the Gateways view; the form shows a bad expression's error
// inline, then the meaning and five next runs of a good one in the picked time zone; a flow is
// picked and its inputs filled (a bad integer is caught before saving); Create adds the row (and
// the gateway has it); Run Now shows the started execution id, which opens the Running Executions
// page on that execution; Delete asks and removes the row. At narrow widths the row's actions stay
// in sight and work, and Tab reaches them.
import { withPrivateGateway } from './support.mjs';

const PKG = 'ui-sched-check';
const GATEWAY_NAME = 'UI Schedules Gateway';
const GREET_FLOW = 'ui/sched/Greet';

const GREET = `description: Greets someone a number of times.
inputs:
  who:
    type: string
    required: true
    description: whom to greet
  times:
    type: integer
    default: 1
  loud:
    type: boolean
    default: false
steps:
  - kind: log
    message: "= 'hello ' & who & ' x' & $string(times)"
`;
const PLAIN = `description: Logs a line.
steps:
  - kind: log
    message: plain
`;

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Schedules: from the version node, a live preview (meaning, five runs in the zone), a flow with inputs, Create, the row, Run Now, Delete',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      const flows = { 'ui/sched/A-Plain': PLAIN, [GREET_FLOW]: GREET };
      await withPrivateGateway(t, { gatewayName: GATEWAY_NAME, emulatorName: 'ui-sched-check', pkg: PKG, flows }, async (gateway) => {
        await gateway.addToSettings();

        // Gateways view: the gateway → the package → the version node's inline "Show Schedules".
        await ui.clickVersionAction(page, { gateway: GATEWAY_NAME, packageName: PKG, action: 'Show Schedules' }, { timeout: 15_000 });

        const frame = ui.webviewFrame(page);
        await frame.getByText('No schedules yet').waitFor({ state: 'visible', timeout: 30_000 });
        await frame.locator('.pub-badge.published').waitFor({ state: 'visible', timeout: 10_000 });
        note(`screenshot: ${await screenshot('vscode-ui-schedules-empty')}`);

        // The form: a bad expression is named inline; a good one shows its meaning and five runs.
        await frame.locator('vscode-button.new-schedule').click();
        await frame.locator('vscode-textfield.schedule-name-field input').fill('Weekday greeting');
        await frame.locator('vscode-textarea.description-field textarea').fill('Greets the team on weekday mornings');
        const expression = frame.locator('vscode-textfield.expression-field input');
        await expression.fill('61 * * * *');
        const exprError = frame.locator('.field-error[data-error-for="expression"]');
        await exprError.filter({ hasText: /minute field '61'/ }).waitFor({ state: 'visible', timeout: 10_000 });
        await expression.fill('0 30 2 * * 1-5');
        await exprError.waitFor({ state: 'hidden', timeout: 10_000 });
        const description = frame.locator('.preview .description-text');
        await description.waitFor({ state: 'visible', timeout: 10_000 });
        const said = ((await description.textContent()) || '').trim();
        if (!/02:30/.test(said)) throw new Error(`the expression's meaning: "${said}"`);
        await ui.chooseOption(frame.locator('vscode-single-select.timezone-field'), 'Europe/London', 'Europe/Lon');
        await frame.locator('.next-runs-title').filter({ hasText: 'Europe/London' }).waitFor({ state: 'visible', timeout: 10_000 });
        const runs = await frame.locator('ol.next-runs li').allTextContents();
        if (runs.length !== 5 || !runs.every((r) => /^\d{4}-\d\d-\d\d 02:30:00 Europe\/London$/.test(r.trim()))) {
          throw new Error(`next runs: ${JSON.stringify(runs)}`);
        }

        // The flow and its inputs; a bad integer is caught in the page.
        await ui.chooseOption(frame.locator('vscode-single-select.flow-field'), GREET_FLOW);
        const who = frame.locator('vscode-textfield[data-input="who"] input');
        await who.waitFor({ state: 'visible', timeout: 10_000 });
        await who.fill('team');
        const times = frame.locator('vscode-textfield[data-input="times"] input');
        await times.fill('three');
        await frame.locator('.field-error[data-error-for="inputs.times"]').filter({ hasText: 'must be an integer' }).waitFor({ state: 'visible', timeout: 5000 });
        await times.fill('3');
        await frame.locator('.field-error[data-error-for="inputs.times"]').waitFor({ state: 'hidden', timeout: 5000 });
        await ui.chooseOption(frame.locator('vscode-single-select[data-input="loud"]'), 'true');
        await frame.locator('.form').scrollIntoViewIfNeeded();
        note(`screenshot: ${await screenshot('vscode-ui-schedules-form')}; meaning "${said}"; runs ${runs[0].trim()} …`);

        // Hidden and shown again (from the palette: gateway → package; its one version), the page
        // keeps the unsaved form.
        await ui.runExactCommand(page, 'File: New Untitled Text File');
        await page.waitForTimeout(500);
        await ui.runCommand(page, 'Flowgate: Show Schedules', { prompt: true });
        await ui.pickQuick(page, GATEWAY_NAME);
        await ui.pickQuick(page, PKG);
        await frame.locator('vscode-textfield[data-input="who"] input').waitFor({ state: 'visible', timeout: 15_000 });
        if ((await frame.locator('vscode-textfield.schedule-name-field input').inputValue()) !== 'Weekday greeting') throw new Error('the form lost its name when hidden');
        if ((await frame.locator('vscode-textfield[data-input="who"] input').inputValue()) !== 'team') throw new Error('the form lost an input when hidden');
        await frame.locator('.next-runs-title').filter({ hasText: 'Europe/London' }).waitFor({ state: 'visible', timeout: 10_000 });

        await frame.locator('vscode-button.save').click();
        const row = frame.locator('tr.schedule[data-name="Weekday greeting"]');
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        const onGateway = (await gateway.api('GET', `/api/v1/packages/${PKG}/versions/1/schedules`)).schedules;
        if (onGateway.length !== 1) throw new Error(`the gateway has ${onGateway.length} schedules`);
        const s = onGateway[0];
        if (s.flow !== GREET_FLOW || s.timezone !== 'Europe/London' || s.expression !== '0 30 2 * * 1-5' || JSON.stringify(s.inputs) !== JSON.stringify({ who: 'team', times: 3, loud: true })) {
          throw new Error(`the saved schedule: ${JSON.stringify(s)}`);
        }
        const cells = (await row.locator('td').allTextContents()).map((t) => t.trim());
        if (cells[1] !== GREET_FLOW || cells[2] !== '0 30 2 * * 1-5' || cells[3] !== 'Europe/London' || cells[4] !== 'Enabled' || !/\d{4}-\d\d-\d\d 02:30/.test(cells[5])) {
          throw new Error(`row cells: ${JSON.stringify(cells)}`);
        }

        // Run Now: the row shows the started execution's id (a link); the gateway has that execution.
        await row.locator('vscode-button.run-now').click();
        const executionId = row.locator('.started .execution-link');
        await executionId.waitFor({ state: 'visible', timeout: 15_000 });
        const id = (await executionId.getAttribute('data-execution-id')) || '';
        if (!id.startsWith(((await executionId.textContent()) || '').trim())) throw new Error(`execution id shown: ${await executionId.textContent()} for ${id}`);
        const execution = await gateway.api('GET', `/api/v1/executions/${id}`);
        if (execution.initiator?.type !== 'schedule' || execution.initiator?.name !== 'Weekday greeting') throw new Error(`execution initiator: ${JSON.stringify(execution.initiator)}`);
        await row.locator('.outcome-started').waitFor({ state: 'visible', timeout: 10_000 });
        note(`screenshot: ${await screenshot('vscode-ui-schedules-list')}; Run Now started ${id}`);

        // The execution id opens the version's Running Executions page, which becomes the active
        // editor and shows that execution (its whole id) in its details.
        await executionId.click();
        const executionsTab = page.locator('.tabs-container .tab.active').filter({ hasText: `Executions: ${PKG} v1` });
        await executionsTab.waitFor({ state: 'visible', timeout: 15_000 });
        // The visible webview is now that page (its document's title is the panel's).
        const executionsTitle = await frame.locator('body').evaluate(() => document.title, undefined, { timeout: 15_000 });
        if (executionsTitle !== `Executions: ${PKG} v1`) throw new Error(`the active webview after opening the execution is "${executionsTitle}"`);
        await page.waitForTimeout(1000);
        note(`screenshot: ${await screenshot('vscode-ui-schedules-open-execution')}`);
        await frame.getByText(id, { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
        note(`the Running Executions page shows ${id}`);
        // Back to the Schedules page (it comes back with its Run Now id).
        await ui.clickVersionAction(page, { gateway: GATEWAY_NAME, packageName: PKG, action: 'Show Schedules' }, { timeout: 15_000 });
        await row.locator('.started .execution-link').filter({ hasText: id.slice(0, 8) }).waitFor({ state: 'visible', timeout: 30_000 });

        // Edit fills the form with the schedule (its preview included); Cancel closes it.
        await row.locator('vscode-button.edit').click();
        await frame.locator('.form-title').filter({ hasText: "Edit schedule 'Weekday greeting'" }).waitFor({ state: 'visible', timeout: 5000 });
        if ((await frame.locator('vscode-textfield.expression-field input').inputValue()) !== '0 30 2 * * 1-5') throw new Error('Edit did not fill the expression');
        if ((await frame.locator('vscode-textfield[data-input="who"] input').inputValue()) !== 'team') throw new Error('Edit did not fill the inputs');
        await frame.locator('ol.next-runs li').nth(4).waitFor({ state: 'visible', timeout: 10_000 });
        await frame.locator('vscode-button.cancel').click();
        await frame.locator('.form').waitFor({ state: 'detached', timeout: 5000 });

        // Disable, then Delete with its confirmation.
        await row.locator('vscode-button.toggle').filter({ hasText: 'Disable' }).click();
        await row.locator('vscode-button.toggle').filter({ hasText: 'Enable' }).waitFor({ state: 'visible', timeout: 10_000 });
        await row.locator('vscode-button.delete').click();
        await row.getByText("Delete schedule 'Weekday greeting'?").waitFor({ state: 'visible', timeout: 5000 });
        await row.locator('vscode-button.confirm-delete').click();
        await frame.getByText('No schedules yet').waitFor({ state: 'visible', timeout: 15_000 });
        const after = (await gateway.api('GET', `/api/v1/packages/${PKG}/versions/1/schedules`)).schedules;
        if (after.length !== 0) throw new Error(`after Delete the gateway has ${after.length} schedules`);
      });
    },
  },
  {
    title: 'Schedules: the Flow and Time zone dropdowns show their choices (new and edit); Create without a flow is refused at the Flow field; at 800 px nothing hides sideways; narrow, the row actions stay in sight and work; Tab reaches them',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      const pkg = 'ui-sched-fields';
      const gatewayName = 'UI Schedules Fields Gateway';
      const flows = { 'ui/sched/A-Plain': PLAIN, [GREET_FLOW]: GREET };
      await withPrivateGateway(t, { gatewayName, emulatorName: 'ui-sched-fields', pkg, flows }, async (gateway) => {
        await gateway.addToSettings();
        await ui.clickVersionAction(page, { gateway: gatewayName, packageName: pkg, action: 'Show Schedules' }, { timeout: 15_000 });
        const frame = ui.webviewFrame(page);
        await frame.getByText('No schedules yet').waitFor({ state: 'visible', timeout: 30_000 });
        await frame.locator('vscode-button.new-schedule').click();

        // A new form: no flow is preselected, the Flow list holds both flows; the zone shows UTC
        // and its list holds the zones.
        const flowSelect = frame.locator('vscode-single-select.flow-field');
        const flowFace = flowSelect.locator('.select-face .text');
        await flowFace.filter({ hasText: 'Pick a flow' }).waitFor({ state: 'visible', timeout: 10_000 });
        const zoneInput = frame.locator('vscode-single-select.timezone-field input.combobox-input');
        await zoneInput.waitFor({ state: 'visible', timeout: 10_000 });
        if ((await zoneInput.inputValue()) !== 'UTC') throw new Error(`the new form's time zone shows "${await zoneInput.inputValue()}"`);
        await flowSelect.click();
        const flowOptions = (await flowSelect.locator('li[role="option"]').allTextContents()).map((x) => x.trim());
        for (const id of Object.keys(flows)) {
          if (!flowOptions.some((o) => o.startsWith(id))) throw new Error(`the Flow list lacks ${id}: ${JSON.stringify(flowOptions)}`);
        }
        await flowSelect.locator('.select-face').click(); // closes the list again
        await flowSelect.locator('li[role="option"]').first().waitFor({ state: 'hidden', timeout: 5000 });
        await ui.chooseOption(frame.locator('vscode-single-select.timezone-field'), 'Europe/London', 'Europe/Lon');
        if ((await zoneInput.inputValue()) !== 'Europe/London') throw new Error(`the picked time zone shows "${await zoneInput.inputValue()}"`);

        // Create with no flow picked: refused at the Flow field, nothing saved on the gateway.
        await frame.locator('vscode-textfield.schedule-name-field input').fill('No flow yet');
        await frame.locator('vscode-textfield.expression-field input').fill('*/5 * * * *');
        await frame.locator('vscode-button.save').click();
        await frame.locator('.field-error[data-error-for="flow"]').filter({ hasText: /flow/ }).waitFor({ state: 'visible', timeout: 10_000 });
        const none = (await gateway.api('GET', `/api/v1/packages/${pkg}/versions/1/schedules`)).schedules;
        if (none.length !== 0) throw new Error(`a schedule was saved without a flow: ${JSON.stringify(none)}`);

        // Picking the flow and creating saves that flow; Edit shows the flow and the zone.
        await ui.chooseOption(flowSelect, GREET_FLOW);
        await flowFace.filter({ hasText: GREET_FLOW }).waitFor({ state: 'visible', timeout: 10_000 });
        await frame.locator('.field-error[data-error-for="flow"]').waitFor({ state: 'hidden', timeout: 5000 });
        await frame.locator('vscode-textfield[data-input="who"] input').fill('team');
        await frame.locator('vscode-button.save').click();
        const row = frame.locator('tr.schedule[data-name="No flow yet"]');
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        const saved = (await gateway.api('GET', `/api/v1/packages/${pkg}/versions/1/schedules`)).schedules;
        if (saved.length !== 1 || saved[0].flow !== GREET_FLOW || saved[0].timezone !== 'Europe/London') throw new Error(`saved: ${JSON.stringify(saved)}`);
        // Each row button says which row it acts on.
        for (const [cls, label] of [['toggle', 'Disable'], ['run-now', 'Run Now'], ['edit', 'Edit'], ['delete', 'Delete']]) {
          const said = await row.locator(`vscode-button.${cls}`).getAttribute('aria-label');
          if (said !== `${label} schedule 'No flow yet'`) throw new Error(`the ${cls} button's label: ${JSON.stringify(said)}`);
        }
        await row.locator('vscode-button.edit').click();
        await frame.locator('.form-title').filter({ hasText: "Edit schedule 'No flow yet'" }).waitFor({ state: 'visible', timeout: 5000 });
        await flowFace.filter({ hasText: GREET_FLOW }).waitFor({ state: 'visible', timeout: 10_000 });
        if ((await zoneInput.inputValue()) !== 'Europe/London') throw new Error(`Edit shows the time zone "${await zoneInput.inputValue()}"`);

        // The page at 800 px: every action button of the row lies inside the page's width (no hidden
        // horizontal scroll), and the form's fields keep a usable width.
        const before = page.viewportSize();
        await page.setViewportSize({ width: 800, height: 900 });
        try {
          await page.waitForTimeout(500);
          note(`screenshot: ${await screenshot('vscode-ui-schedules-800px')}`);
          for (const cls of ['toggle', 'run-now', 'edit', 'delete']) {
            const fits = await row.locator(`vscode-button.${cls}`).evaluate((el) => {
              const r = el.getBoundingClientRect();
              return { right: Math.round(r.right), width: Math.round(r.width), page: document.documentElement.clientWidth };
            });
            if (fits.width === 0 || fits.right > fits.page) throw new Error(`at 800 px the ${cls} button is out of sight: ${JSON.stringify(fits)}`);
          }
          const wrap = await frame.locator('.table-wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
          if (wrap.scroll > wrap.client) throw new Error(`at 800 px the list scrolls sideways: ${JSON.stringify(wrap)}`);
          for (const field of ['schedule-name-field', 'expression-field']) {
            const width = await frame.locator(`vscode-textfield.${field}`).evaluate((el) => Math.round(el.getBoundingClientRect().width));
            if (width < 150) throw new Error(`at 800 px the ${field} is ${width} px wide`);
          }
        } finally {
          if (before) await page.setViewportSize(before);
        }
        await frame.locator('vscode-button.cancel').click();
        await frame.locator('.form').waitFor({ state: 'detached', timeout: 5000 });

        // Narrow and medium windows (700 px: the webview is about 350 px wide; 850 px: about 500 px;
        // 1150 px: about 800 px — the side bar takes the rest): every action of the row lies within the frame's
        // visible bounds and works (Disable, then Enable again, as the gateway sees it).
        const enabledOnGateway = async () => (await gateway.api('GET', `/api/v1/packages/${pkg}/versions/1/schedules`)).schedules[0]?.enabled;
        const toggle = row.locator('vscode-button.toggle');
        try {
          for (const width of [700, 850, 1150]) {
            await page.setViewportSize({ width, height: 800 });
            await page.waitForTimeout(500);
            const frameWidth = await frame.locator('body').evaluate(() => document.documentElement.clientWidth);
            note(`screenshot: ${await screenshot(`vscode-ui-schedules-${width}px-window`)}; the webview is ${frameWidth} px wide`);
            for (const cls of ['toggle', 'run-now', 'edit', 'delete']) {
              const button = row.locator(`vscode-button.${cls}`);
              await button.scrollIntoViewIfNeeded();
              const box = await button.evaluate((el) => {
                const r = el.getBoundingClientRect();
                const d = document.documentElement;
                return { left: Math.round(r.left), top: Math.round(r.top), right: Math.round(r.right), bottom: Math.round(r.bottom), width: Math.round(r.width), frameWidth: d.clientWidth, frameHeight: d.clientHeight };
              });
              if (box.width === 0 || box.left < 0 || box.top < 0 || box.right > box.frameWidth || box.bottom > box.frameHeight) {
                throw new Error(`in a ${width} px window the ${cls} button is outside the webview's visible bounds: ${JSON.stringify(box)}`);
              }
            }
            await toggle.filter({ hasText: 'Disable' }).click();
            await toggle.filter({ hasText: 'Enable' }).waitFor({ state: 'visible', timeout: 10_000 });
            if ((await enabledOnGateway()) !== false) throw new Error(`in a ${width} px window Disable did not disable the schedule`);
            await toggle.filter({ hasText: 'Enable' }).click();
            await toggle.filter({ hasText: 'Disable' }).waitFor({ state: 'visible', timeout: 10_000 });
            if ((await enabledOnGateway()) !== true) throw new Error(`in a ${width} px window Enable did not enable the schedule`);
          }

          // The keyboard (700 px window): Tab from Reload reaches the row's first action, which names
          // its row; Enter on it disables the schedule.
          await page.setViewportSize({ width: 700, height: 800 });
          await frame.locator('h1.title').click();
          await frame.locator('vscode-button.reload').focus();
          const focused = () =>
            frame.locator('body').evaluate(() => {
              const el = document.activeElement;
              return { tag: el?.tagName.toLowerCase() ?? '', cls: el?.className ?? '', label: el?.getAttribute('aria-label') ?? '', row: el?.closest('tr.schedule')?.getAttribute('data-name') ?? '' };
            });
          const steps = [];
          for (let i = 0; i < 12; i++) {
            await page.keyboard.press('Tab');
            const now = await focused();
            steps.push(now.label || `${now.tag}.${now.cls}`);
            if (now.row) break;
          }
          const reached = await focused();
          if (reached.row !== 'No flow yet' || !/\btoggle\b/.test(reached.cls) || reached.label !== "Disable schedule 'No flow yet'") {
            throw new Error(`Tab from Reload went ${JSON.stringify(steps)}, not to the row's Disable button`);
          }
          await page.keyboard.press('Enter');
          await toggle.filter({ hasText: 'Enable' }).waitFor({ state: 'visible', timeout: 10_000 });
          if ((await enabledOnGateway()) !== false) throw new Error('Enter on the focused Disable button did not disable the schedule');
          note(`Tab from Reload: ${steps.join(' → ')}`);
        } finally {
          if (before) await page.setViewportSize(before);
        }
      });
    },
  },
];
