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
        const parentRow = frame.locator('vscode-table-row.execution').filter({ hasText: 'ui/Wait-Parent' }).first();
        await parentRow.waitFor({ state: 'visible', timeout: 30_000 });
        const childRow = frame.locator('vscode-table-row.execution').filter({ hasText: 'ui/Wait-Child' }).first();
        await childRow.waitFor({ state: 'visible', timeout: 30_000 });
        await frame.locator('.feed-connected').waitFor({ state: 'visible', timeout: 15_000 });
        const status = async (row) => ((await row.locator('vscode-table-cell[data-column="status"]').textContent()) || '').trim();
        const duration = async (row) => ((await row.locator('vscode-table-cell[data-column="duration"]').textContent()) || '').trim();
        if ((await status(parentRow)) !== 'Running') throw new Error(`parent status: ${await status(parentRow)}`);
        // The child is listed under its parent, indented.
        const order = await frame.locator('vscode-table-row.execution').evaluateAll((rows) => rows.map((r) => r.querySelector('.flow-name')?.textContent));
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
        if ((await frame.locator('vscode-table-row.execution').count()) !== 2) throw new Error('filtering by executing-on lost rows');
        await filter.fill('no-such-execution');
        await frame.getByText('No execution matches the filter.').waitFor({ state: 'visible' });
        await filter.fill('');
        await parentRow.waitFor({ state: 'visible' });

        // Group by flow: one group (the child stays under its parent); sort by clicking a column.
        const groupBox = frame.locator('vscode-checkbox[name="group-by-flow"]');
        await groupBox.click();
        await frame.locator('vscode-table-row.group').filter({ hasText: 'ui/Wait-Parent' }).waitFor({ state: 'visible', timeout: 5000 });
        if ((await frame.locator('vscode-table-row.group').count()) !== 1) throw new Error('expected one flow group');
        await groupBox.click();
        await frame.locator('vscode-table-row.group').first().waitFor({ state: 'detached', timeout: 5000 });
        const flowHeader = frame.locator('vscode-table-header-cell[data-column="flow"]');
        // The page renders on the next frame: wait for the header to show the new order.
        const sortedFlow = (order) =>
          frame.locator(`vscode-table-header-cell[data-column="flow"][aria-sort="${order}"]`).waitFor({ state: 'attached', timeout: 5000 });
        await flowHeader.click();
        await sortedFlow('ascending');
        await flowHeader.click();
        await sortedFlow('descending');

        // Details of the selection: inputs and log.
        await parentRow.locator('vscode-table-cell[data-column="flow"]').click();
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
        const rows = frame.locator('vscode-table-row.execution');
        const waitRows = async (n, what) => {
          const end = Date.now() + 20_000;
          while ((await rows.count()) !== n) {
            if (Date.now() > end) throw new Error(`${what}: ${await rows.count()} rows, expected ${n}`);
            await page.waitForTimeout(200);
          }
        };
        await waitRows(4, 'past executions with Show finished');
        await frame.locator('.subtitle').filter({ hasText: '0 running · 4 listed' }).waitFor({ state: 'visible', timeout: 5000 });
        const statuses = await rows.locator('vscode-table-cell[data-column="status"]').evaluateAll((cells) => cells.map((c) => (c.textContent || '').trim()).sort());
        if (JSON.stringify(statuses) !== JSON.stringify(['Ended', 'Ended', 'Ended', 'Error'])) throw new Error(`statuses: ${JSON.stringify(statuses)}`);
        note(`screenshot: ${await screenshot('vscode-ui-executions-history')}`);

        // The status filter: only the failed one.
        await ui.chooseOption(frame.locator('vscode-single-select.status'), 'Error');
        await waitRows(1, 'status Error');
        // Its id opens its details (the error).
        const link = rows.first().locator('vscode-table-cell[data-column="id"] a.id-link');
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
];
