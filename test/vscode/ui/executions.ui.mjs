// UI check of the Running Executions webview. A gateway emulator of its own (a child process on a
// free port, temp data folder) is added to `flowgate.gateways` for the check, so the local
// emulator's store stays as the other checks expect. A package built with core's
// buildPackageFile holds a parent flow that runs a child flow waiting 60 s; one execution starts
// asynchronously. The panel opens from the F1 palette (gateway → package → version), shows the
// parent Running with a ticking duration and the child under it, shows details on selection, stops
// the parent with the checkbox and Stop (the child stops with it), and says "Disconnected —
// retrying" when the gateway goes away. Screenshots in the default (light) and a dark theme.
import { withPrivateGateway } from './support.mjs';

const PKG = 'ui-exec-check';
const GATEWAY_NAME = 'UI Check Gateway';

const PARENT = `description: Runs the child flow, which waits.
inputs:
  seconds:
    type: integer
    default: 60
steps:
  - kind: log
    message: "= 'Parent starts a child that waits ' & $string(seconds) & ' s'"
  - kind: run-flow
    name: Wait in the child
    flow: ui/Wait-Child
    inputs:
      seconds: "= seconds"
`;
const CHILD = `description: Waits.
inputs:
  seconds:
    type: integer
steps:
  - kind: log
    message: waiting
  - kind: wait
    seconds: "= seconds"
`;

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Running Executions: a waiting execution appears Running with a ticking duration, Stop makes it Stopped, a dropped gateway shows "Disconnected — retrying"',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      const flows = { 'ui/Wait-Parent': PARENT, 'ui/Wait-Child': CHILD };
      await withPrivateGateway(t, { gatewayName: GATEWAY_NAME, emulatorName: 'ui-check', pkg: PKG, flows }, async (gateway) => {
        const run = await gateway.api(
          'POST',
          `/api/default/default/flows/${encodeURIComponent('ui/Wait-Parent')}/executions?packageName=${PKG}&packageVersion=1&mode=async`,
          JSON.stringify({ inputVariables: { seconds: 60 } }),
          { 'content-type': 'application/json' },
        );
        const parentId = run.executionId;
        note(`execution ${parentId} waiting on ${gateway.url}`);

        await gateway.addToSettings();
        await ui.runCommand(page, 'Flowgate: Show Running Executions', { prompt: true });
        await ui.pickQuick(page, GATEWAY_NAME);
        await ui.pickQuick(page, PKG);

        const frame = ui.webviewFrame(page);
        const parentRow = frame.locator('tr.execution').filter({ hasText: 'ui/Wait-Parent' }).first();
        await parentRow.waitFor({ state: 'visible', timeout: 30_000 });
        const childRow = frame.locator('tr.execution').filter({ hasText: 'ui/Wait-Child' }).first();
        await childRow.waitFor({ state: 'visible', timeout: 30_000 });
        await frame.locator('.feed-connected').waitFor({ state: 'visible', timeout: 15_000 });
        const status = async (row) => ((await row.locator('td[data-column="status"]').textContent()) || '').trim();
        const duration = async (row) => ((await row.locator('td[data-column="duration"]').textContent()) || '').trim();
        if ((await status(parentRow)) !== 'Running') throw new Error(`parent status: ${await status(parentRow)}`);
        // The child is listed under its parent, indented.
        const order = await frame.locator('tr.execution').evaluateAll((rows) => rows.map((r) => r.querySelector('.flow-name')?.textContent));
        if (order.indexOf('ui/Wait-Child') !== order.indexOf('ui/Wait-Parent') + 1) throw new Error(`rows: ${JSON.stringify(order)}`);
        if ((await childRow.locator('.indent.depth-1').count()) !== 1) throw new Error('the child row is not indented under its parent');

        const d1 = await duration(parentRow);
        await page.waitForTimeout(2200);
        const d2 = await duration(parentRow);
        const seconds = (d) => Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN);
        if (!(seconds(d2) >= seconds(d1) + 1)) throw new Error(`the duration does not tick: ${d1} then ${d2}`);

        // Filter by partial text of another column (executing on): both rows stay.
        const filter = frame.locator('vscode-textfield.filter input');
        await filter.fill('ui-check.');
        await page.waitForTimeout(300);
        if ((await frame.locator('tr.execution').count()) !== 2) throw new Error('filtering by executing-on lost rows');
        await filter.fill('no-such-execution');
        await frame.getByText('No execution matches the filter.').waitFor({ state: 'visible' });
        await filter.fill('');
        await parentRow.waitFor({ state: 'visible' });

        // Group by flow: one group (the child stays under its parent); sort by clicking a column.
        const groupBox = frame.locator('vscode-checkbox[name="group-by-flow"]');
        await groupBox.click();
        await frame.locator('tr.group').filter({ hasText: 'ui/Wait-Parent' }).waitFor({ state: 'visible', timeout: 5000 });
        if ((await frame.locator('tr.group').count()) !== 1) throw new Error('expected one flow group');
        await groupBox.click();
        await frame.locator('tr.group').first().waitFor({ state: 'detached', timeout: 5000 });
        const flowHeader = frame.locator('th[data-column="flow"]');
        // The page renders on the next frame: wait for the header to show the new order.
        const sortedFlow = (order) =>
          frame.locator(`th[data-column="flow"][aria-sort="${order}"]`).waitFor({ state: 'attached', timeout: 5000 });
        await flowHeader.click();
        await sortedFlow('ascending');
        await flowHeader.click();
        await sortedFlow('descending');

        // Details of the selection: inputs and log.
        await parentRow.locator('td[data-column="flow"]').click();
        const details = frame.locator('.details-pane');
        await details.locator('vscode-collapsible[heading="Inputs"]').waitFor({ state: 'visible', timeout: 15_000 });
        const inputs = (await details.locator('vscode-collapsible[heading="Inputs"] pre').textContent()) || '';
        if (!/"seconds": 60/.test(inputs)) throw new Error(`details inputs: ${inputs}`);
        await details.getByText('Parent starts a child that waits 60 s').waitFor({ state: 'visible', timeout: 15_000 });
        note(`screenshot: ${await screenshot('vscode-ui-executions-running')}; duration ${d1} → ${d2}`);

        // Select the parent with its checkbox and Stop: parent and child become Stopped.
        await parentRow.locator('vscode-checkbox').click();
        const stop = frame.locator('vscode-button.stop');
        await frame.locator('vscode-button.stop:not([disabled])').waitFor({ state: 'visible', timeout: 5000 });
        if (!/Stop \(1\)/.test((await stop.textContent()) || '')) throw new Error(`stop button: ${await stop.textContent()}`);
        await stop.click();
        const end = Date.now() + 15_000;
        while ((await status(parentRow)) !== 'Stopped' || (await status(childRow)) !== 'Stopped') {
          if (Date.now() > end) throw new Error(`after Stop: parent ${await status(parentRow)}, child ${await status(childRow)}`);
          await page.waitForTimeout(200);
        }
        const onGateway = await gateway.api('GET', `/api/v1/executions/${parentId}`);
        if (onGateway.status !== 'Stopped') throw new Error(`the gateway says ${onGateway.status}`);
        const frozen = await duration(parentRow);
        await page.waitForTimeout(1200);
        if ((await duration(parentRow)) !== frozen) throw new Error('the duration of a stopped execution still ticks');
        note(`screenshot: ${await screenshot('vscode-ui-executions-stopped')}`);

        // The same page in a dark theme (the default is light).
        gateway.writeSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
        await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 15_000 });
        await page.waitForTimeout(800);
        note(`screenshot: ${await screenshot('vscode-ui-executions-dark')}`);
        gateway.writeSettings();

        // The gateway goes away: the page says so, and keeps the list.
        await gateway.stop();
        await frame.locator('.feed-disconnected').filter({ hasText: 'Disconnected — retrying' }).waitFor({ state: 'visible', timeout: 15_000 });
        await parentRow.waitFor({ state: 'visible' });
        note(`screenshot: ${await screenshot('vscode-ui-executions-disconnected')}`);
      });
    },
  },
  {
    title: 'Running Executions: with "Show finished", executions that ended before the page opened are listed (history from the gateway), filtered by status, and an id opens its execution',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      const pkg = 'ui-history-check';
      const flows = { 'ui/Quick': 'steps:\n  - kind: log\n    message: quick one\n', 'ui/Quick-Fail': 'steps:\n  - kind: fail\n    message: failed on purpose\n' };
      await withPrivateGateway(t, { gatewayName: 'UI History Gateway', emulatorName: 'ui-history', pkg, flows }, async (gateway) => {
        const start = (flow) =>
          fetch(`${gateway.url}/api/default/default/flows/${encodeURIComponent(flow)}/executions?packageName=${pkg}&packageVersion=1`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ inputVariables: {} }),
          }).then(async (r) => ({ status: r.status, body: await r.json() }));
        for (let i = 0; i < 3; i++) {
          const r = await start('ui/Quick');
          if (r.status !== 200) throw new Error(`run ${i}: ${r.status} ${JSON.stringify(r.body)}`);
        }
        const failed = await start('ui/Quick-Fail');
        if (failed.status !== 500) throw new Error(`failing run: ${failed.status} ${JSON.stringify(failed.body)}`);
        const failedId = failed.body.error.details.find((d) => d.field === 'executionId').message;
        note(`4 executions ended on ${gateway.url} before the page opened; failed: ${failedId}`);

        await gateway.addToSettings();
        await ui.runCommand(page, 'Flowgate: Show Running Executions', { prompt: true });
        await ui.pickQuick(page, 'UI History Gateway');
        await ui.pickQuick(page, pkg);

        const frame = ui.webviewFrame(page);
        const rows = frame.locator('tr.execution');
        const waitRows = async (n, what) => {
          const end = Date.now() + 20_000;
          while ((await rows.count()) !== n) {
            if (Date.now() > end) throw new Error(`${what}: ${await rows.count()} rows, expected ${n}`);
            await page.waitForTimeout(200);
          }
        };
        await waitRows(4, 'past executions with Show finished');
        // The header: the page's name, what it shows, the counts (a badge since the subtitle names the version).
        await frame.locator('.fg-badge.counts').filter({ hasText: '0 running · 4 listed' }).waitFor({ state: 'visible', timeout: 5000 });
        const heading = ((await frame.locator('fg-page-header h1.title').textContent()) || '').trim();
        const subtitle = ((await frame.locator('fg-page-header .subtitle').textContent()) || '').trim();
        if (heading !== 'Running Executions' || subtitle !== `${pkg} v1 on UI History Gateway`) throw new Error(`header: "${heading}" / "${subtitle}"`);
        if ((await frame.locator('fg-page-header vscode-button.reload').getAttribute('icon')) !== 'refresh') throw new Error('the Reload button has no refresh icon');
        const statuses = await rows.locator('td[data-column="status"]').evaluateAll((cells) => cells.map((c) => (c.textContent || '').trim()).sort());
        if (JSON.stringify(statuses) !== JSON.stringify(['Ended', 'Ended', 'Ended', 'Error'])) throw new Error(`statuses: ${JSON.stringify(statuses)}`);
        note(`screenshot: ${await screenshot('vscode-ui-executions-history')}`);

        // The status filter: only the failed one.
        await ui.chooseOption(frame.locator('vscode-single-select.status'), 'Error');
        await waitRows(1, 'status Error');
        // Its id opens its details (the error).
        const link = rows.first().locator('td[data-column="id"] fg-execution-link a.execution-link');
        if ((await link.getAttribute('aria-label')) !== `Open execution ${failedId}`) throw new Error(`id link: ${await link.getAttribute('aria-label')}`);
        await link.click();
        const details = frame.locator('.details-pane');
        await details.locator('.details-head').filter({ hasText: failedId }).waitFor({ state: 'visible', timeout: 15_000 });
        await details.getByText('failed on purpose').first().waitFor({ state: 'visible', timeout: 15_000 });
        await ui.chooseOption(frame.locator('vscode-single-select.status'), 'Any status');
        await waitRows(4, 'any status again');

        // Without "Show finished" the finished ones go.
        await frame.locator('vscode-checkbox[name="show-finished"]').click();
        await waitRows(0, 'Show finished off');
      });
    },
  },
  {
    title: 'Running Executions: Tab reaches the rows and a row\'s Stop (Space checks, Enter shows details); narrow editors keep row actions in sight and working with labelled cells; an id opens its execution, an unknown one is named in the status line; hiding the panel keeps the filters',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      const pkg = 'ui-exec-keys';
      const gatewayName = 'UI Keys Gateway';
      const flows = {
        'ui/keys/Wait': 'description: Waits a minute.\nsteps:\n  - kind: wait\n    seconds: 60\n',
        'ui/keys/Quick': 'steps:\n  - kind: log\n    message: quick one\n',
      };
      await withPrivateGateway(t, { gatewayName, emulatorName: 'ui-keys', pkg, flows }, async (gateway) => {
        const start = (flow, mode) =>
          gateway.api(
            'POST',
            `/api/default/default/flows/${encodeURIComponent(flow)}/executions?packageName=${pkg}&packageVersion=1${mode ? `&mode=${mode}` : ''}`,
            JSON.stringify({ inputVariables: {} }),
            { 'content-type': 'application/json' },
          );
        const waits = [(await start('ui/keys/Wait', 'async')).executionId, (await start('ui/keys/Wait', 'async')).executionId];
        const quickId = (await start('ui/keys/Quick')).executionId;
        note(`running ${waits.join(', ')}; ended ${quickId}`);

        await gateway.addToSettings();
        await ui.runCommand(page, 'Flowgate: Show Running Executions', { prompt: true });
        await ui.pickQuick(page, gatewayName);
        await ui.pickQuick(page, pkg);
        const frame = ui.webviewFrame(page);
        const row = (id) => frame.locator(`tr.execution[data-id="${id}"]`);
        for (const id of [...waits, quickId]) await row(id).waitFor({ state: 'visible', timeout: 30_000 });
        const gatewayStatus = async (id) => (await gateway.api('GET', `/api/v1/executions/${id}`)).status;
        const until = async (what, probe, ms = 15_000) => {
          for (const end = Date.now() + ms; !(await probe()); await page.waitForTimeout(200)) {
            if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
          }
        };
        /** What has the focus in the page: its tag, classes, aria-label and row id. */
        const focused = () =>
          frame.locator('body').evaluate(() => {
            const a = document.activeElement;
            return { tag: a?.tagName.toLowerCase() ?? '', cls: a?.getAttribute('class') ?? '', label: a?.getAttribute('aria-label') ?? '', id: a?.getAttribute('data-id') ?? '' };
          });
        const tabUntil = async (what, test) => {
          for (let i = 0; i < 60; i++) {
            await page.keyboard.press('Tab');
            const f = await focused();
            if (test(f)) return f;
          }
          throw new Error(`Tab never reached ${what} (last: ${JSON.stringify(await focused())})`);
        };

        // Keyboard: from the filter, Tab reaches the first row; Space checks it (Stop counts it),
        // Space again unchecks it, Enter shows its details.
        await frame.locator('vscode-textfield.filter input').click();
        const first = await tabUntil("a running execution's row", (f) => f.tag === 'tr' && waits.includes(f.id));
        const target = first.id;
        const firstRow = row(target);
        const stop = frame.locator('vscode-button.stop');
        await page.keyboard.press('Space');
        await stop.filter({ hasText: 'Stop (1)' }).waitFor({ state: 'visible', timeout: 5000 });
        if (!(await firstRow.locator('vscode-checkbox').evaluate((el) => el.checked))) throw new Error('Space did not check the row');
        await page.keyboard.press('Space');
        await frame.locator('vscode-button.stop[disabled]').waitFor({ state: 'attached', timeout: 5000 });
        await page.keyboard.press('Enter');
        await frame.locator('.details-head').filter({ hasText: target }).waitFor({ state: 'visible', timeout: 15_000 });
        // Tab goes on into the row (its checkbox, its ids) and reaches its own Stop, which names the row.
        const rowStop = await tabUntil("the row's Stop", (f) => f.cls.includes('stop-row'));
        if (rowStop.label !== `Stop execution ${target.slice(0, 8)} of 'ui/keys/Wait'`) throw new Error(`the row's Stop is labelled ${JSON.stringify(rowStop.label)}`);
        await page.keyboard.press('Enter');
        await until(`execution ${target} to stop (gateway)`, async () => (await gatewayStatus(target)) === 'Stopped');
        await firstRow.locator('td[data-column="status"]').filter({ hasText: 'Stopped' }).waitFor({ state: 'visible', timeout: 15_000 });
        const other = waits.find((id) => id !== target);

        // Narrow editors: no sideways scroll, no cell cut short, every row action inside the frame.
        // The editor is the viewport less the workbench's bars: size the viewport for editors of 800 and 500 px.
        const before = page.viewportSize();
        const pageWidth = () => frame.locator('body').evaluate(() => document.documentElement.clientWidth);
        const chrome = (before?.width ?? 1400) - (await pageWidth());
        try {
          for (const width of [1400, 800, 500]) {
            await page.setViewportSize({ width: width + chrome, height: 900 });
            await page.waitForTimeout(600);
            const layout = await frame.locator('body').evaluate((body) => {
              const wrap = body.querySelector('.table-wrap');
              const frameWidth = document.documentElement.clientWidth;
              const cut = [...body.querySelectorAll('tr.execution > td')]
                .filter((td) => td.getClientRects().length > 0 && td.scrollWidth > td.clientWidth + 1)
                .map((td) => `${td.getAttribute('data-column') ?? td.className}: ${td.textContent.trim()}`);
              return { frameWidth, scroll: wrap.scrollWidth, client: wrap.clientWidth, cut };
            });
            note(`viewport ${width} px: page ${layout.frameWidth} px wide; screenshot: ${await screenshot(`vscode-ui-executions-${width}px`)}`);
            if (layout.scroll > layout.client) throw new Error(`at ${width} px the list scrolls sideways: ${JSON.stringify(layout)}`);
            if (layout.cut.length) throw new Error(`at ${width} px cells are cut: ${JSON.stringify(layout.cut)}`);
            const action = row(other).locator('vscode-button.stop-row');
            await action.scrollIntoViewIfNeeded();
            const box = await action.evaluate((el) => {
              const r = el.getBoundingClientRect();
              return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, w: document.documentElement.clientWidth, h: document.documentElement.clientHeight };
            });
            if (box.width === 0 || box.left < 0 || box.right > box.w || box.top < 0 || box.bottom > box.h) throw new Error(`at ${width} px the row's Stop is out of sight: ${JSON.stringify(box)}`);
            if (width === 1400) {
              // Wide: every column, and the Flow column is not squeezed by the id columns.
              const widths = await frame.locator('table.executions thead').evaluate((head) =>
                Object.fromEntries([...head.querySelectorAll('th[data-column]')].map((th) => [th.getAttribute('data-column'), Math.round(th.getBoundingClientRect().width)])),
              );
              if (Object.values(widths).some((w) => w === 0)) throw new Error(`at ${width} px columns are hidden: ${JSON.stringify(widths)}`);
              if (widths.flow < 2 * widths.id || widths.flow < widths.parentId + widths.rootId) throw new Error(`at ${width} px the Flow column is squeezed: ${JSON.stringify(widths)}`);
            }
            if (width === 500) {
              // Stacked: each cell says which column it is.
              const label = await row(other).locator('td[data-column="status"]').evaluate((td) => getComputedStyle(td, '::before').content);
              if (label !== '"Status"') throw new Error(`at ${width} px the status cell is labelled ${label}`);
              await action.click();
              await until(`execution ${other} to stop (gateway)`, async () => (await gatewayStatus(other)) === 'Stopped');
              await row(other).locator('td[data-column="status"]').filter({ hasText: 'Stopped' }).waitFor({ state: 'visible', timeout: 15_000 });
            }
          }
        } finally {
          if (before) await page.setViewportSize(before);
        }

        // An execution id opens that execution: its details show it.
        await row(quickId).locator('td[data-column="id"] a.execution-link').click();
        await frame.locator('.details-head').filter({ hasText: quickId }).waitFor({ state: 'visible', timeout: 15_000 });
        await frame.locator('.details-pane').getByText('quick one').waitFor({ state: 'visible', timeout: 15_000 });
        if ((await row(quickId).getAttribute('aria-current')) !== 'true') throw new Error('the opened execution is not the current row');
        // An id the gateway does not know (an <fg-execution-link> like any other): the status line says so.
        await frame.locator('.list-pane').evaluate((pane) => {
          const link = document.createElement('fg-execution-link');
          link.setAttribute('execution-id', 'no-such-execution');
          link.className = 'probe';
          pane.prepend(link);
        });
        await frame.locator('fg-execution-link.probe a').click();
        await frame.locator('fg-status-line .status-line.error').filter({ hasText: 'Execution no-such-execution was not found on UI Keys Gateway' }).waitFor({ state: 'visible', timeout: 15_000 });
        await frame.locator('.details-head').filter({ hasText: quickId }).waitFor({ state: 'visible' });
        await frame.locator('fg-execution-link.probe').evaluate((el) => el.remove());

        // Hiding the panel (another editor in front) and showing it again keeps the filter and the selection.
        await frame.locator('vscode-textfield.filter input').fill('ui/keys');
        await page.waitForTimeout(300);
        await ui.runExactCommand(page, 'File: New Untitled Text File');
        await page.locator('.tabs-container .tab.active').filter({ hasText: 'Untitled' }).waitFor({ state: 'visible', timeout: 10_000 });
        await page.locator('.tabs-container .tab').filter({ hasText: `Executions: ${pkg} v1` }).first().click();
        await row(quickId).waitFor({ state: 'visible', timeout: 15_000 });
        const kept = await frame.locator('vscode-textfield.filter input').inputValue();
        if (kept !== 'ui/keys') throw new Error(`after hiding, the filter shows "${kept}"`);
        await frame.locator('.details-head').filter({ hasText: quickId }).waitFor({ state: 'visible', timeout: 15_000 });
      });
    },
  },
];
