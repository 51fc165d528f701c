// UI check from an EMPTY folder through the walkthrough "Get Started with Flowgate": the Packages
// view's welcome offers Create Sample Workspace / New Flow / Create Package; the walkthrough's
// buttons run the real commands (Create Sample Workspace, Publish to Dev Gateway, Run Flow, Show
// Running Executions, Show Gateway Log) and their steps show as done; a linkDown trap sent to the local gateway fires the sample's trigger,
// and the "Flowgate Gateway" output says so. Ends with a published package and a triggered execution.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { api, authHeaders } from './support.mjs';

/** The checks of this file run in a window of their own on an empty folder (run.mjs). */
export const workspace = 'empty';

const localPort = (ws) => JSON.parse(fs.readFileSync(path.join(ws, '.vscode/settings.json'), 'utf8'))['flowgate.localGateway.port'];

function snmptrap(args) {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/snmptrap', args, { timeout: 10_000 }, (err, _out, stderr) => (err ? reject(new Error(`snmptrap ${args.join(' ')}: ${stderr || err.message}`)) : resolve()));
  });
}

async function until(what, probe, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'from an empty folder through the walkthrough to a published package and a triggered execution',
    async run({ page, ui, workspace: ws, localDataDir, screenshot, note }) {
      const url = `http://127.0.0.1:${localPort(ws)}`;
      if (fs.readdirSync(ws).some((f) => f !== '.vscode')) throw new Error(`the folder is not empty: ${fs.readdirSync(ws)}`);

      // The empty Packages view says what to do.
      await ui.openViewContainer(page, 'Flowgate');
      const packages = await ui.expandView(page, 'Packages');
      await packages.getByText('This folder has no flows yet').waitFor({ state: 'visible', timeout: 30_000 });
      for (const label of ['Create Sample Workspace', 'New Flow', 'Create Package']) {
        await packages.getByRole('button', { name: label }).first().waitFor({ state: 'visible' });
      }
      await page.mouse.move(700, 450); // no activity-bar tooltip over the view
      note(`screenshot: ${await screenshot('vscode-ui-welcome')}`);

      // The walkthrough, opened as a user does.
      const walk = page.locator('.gettingStartedContainer');
      const openWalkthrough = async () => {
        await ui.runCommand(page, 'Welcome: Open Walkthrough...', { prompt: true });
        await ui.pickQuick(page, 'Get Started with Flowgate');
        await walk.getByText('Create flows').first().waitFor({ state: 'visible', timeout: 30_000 });
      };
      await openWalkthrough();
      const step = (title) => walk.locator('.getting-started-step').filter({ hasText: title }).first();
      const button = (title, label) => step(title).getByRole('button', { name: label }).first();
      const done = (title) => until(`the step "${title}" to show as done`, async () => (await step(title).locator('.codicon.complete').count()) > 0, 30_000);

      await step('Create flows').click();
      await button('Create flows', 'Create Sample Workspace').click();
      await ui.waitForToast(page, 'created 6 sample files', { timeout: 30_000 });
      for (const f of ['flows/network/core/Restart-Service.flow.yaml', 'connections/local-gateway.connection.yaml', 'packages/network-ops.package.yaml']) {
        if (!fs.existsSync(path.join(ws, f))) throw new Error(`Create Sample Workspace did not write ${f}`);
      }
      await done('Create flows');
      await done('Group them in a package'); // the sample brings its package draft
      await ui.readTreeItems(page, 'Packages', { waitForLabel: 'network-ops', timeout: 30_000 });
      await ui.clearNotifications(page);

      await step('Publish to the local gateway').click();
      await button('Publish to the local gateway', 'Publish to Dev Gateway').click();
      await ui.waitForToast(page, `Published network-ops 1 to ${url}`, { timeout: 60_000 });
      await done('Publish to the local gateway');
      note(`screenshot: ${await screenshot('vscode-ui-walkthrough')}`);

      // The sample's trigger: a linkDown trap (v2c, community public) runs network/core/Restart-Service.
      const headers = await authHeaders(localDataDir);
      const version = await api(url, 'GET', '/api/v1/packages/network-ops/versions/1', undefined, headers);
      if (!version.published) throw new Error('network-ops v1 is not published');
      const { snmpPort } = await api(url, 'GET', '/healthz');
      await snmptrap(['-v', '2c', '-c', 'public', `127.0.0.1:${snmpPort}`, '', '1.3.6.1.6.3.1.1.5.3']);
      const execution = await until('an execution started by the trigger', async () => {
        const list = await api(url, 'GET', '/api/v1/executions?packageName=network-ops', undefined, headers);
        return list.executions.find((e) => e.initiator?.type === 'trigger' && e.flow === 'network/core/Restart-Service');
      });
      note(`execution ${execution.id} by trigger "${execution.initiator.name}"`);

      // Run a flow from the walkthrough's button: the published flow, its inputs asked one by one.
      await step('Run a flow').click();
      await button('Run a flow', 'Run Flow').click();
      const widget = page.locator('.quick-input-widget');
      const input = widget.locator('input.input');
      const rows = widget.locator('.quick-input-list .monaco-list-row');
      const title = widget.locator('.quick-input-title');
      const published = rows.filter({ hasText: 'Restart-Service' }).filter({ hasText: 'network-ops 1' }).first();
      await published.waitFor({ state: 'visible', timeout: 45_000 });
      await published.click();
      await title.filter({ hasText: 'Run Restart-Service — input 1 of 3' }).waitFor({ state: 'visible', timeout: 30_000 });
      await input.fill('10.1.1.1');
      await page.keyboard.press('Enter');
      await title.filter({ hasText: 'input 2 of 3' }).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter'); // the default service
      await title.filter({ hasText: 'input 3 of 3' }).waitFor({ state: 'visible' });
      await input.fill('true');
      await rows.first().filter({ hasText: 'true' }).waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      await ui.waitForToast(page, 'Restart-Service ended', { timeout: 45_000 });
      await ui.clearNotifications(page);
      // The outputs document took the editor: back to the walkthrough.
      await ui.runCommand(page, 'View: Close All Editors', { settleMs: 300 });
      await openWalkthrough();
      await done('Run a flow');

      // Watch it run: the Running Executions page of the local gateway opens from the last step.
      await step('Trigger it and watch it run').click();
      await button('Trigger it and watch it run', 'Show Running Executions').click();
      // It asks which package (the only one); should it ask more (gateway, version), the first row
      // is the only one there too.
      const executionsTab = page.locator('.tabs-container .tab').filter({ hasText: 'Executions' }).first();
      await until('the Running Executions page', async () => {
        if (await executionsTab.isVisible()) return true;
        if (await widget.isVisible()) {
          const first = ((await rows.first().textContent().catch(() => '')) || '').replace(/\s+/g, ' ');
          note(`picker: ${first}`);
          await rows.first().click();
        }
        return false;
      });
      // The page's webview has the keyboard: give it back to the workbench before the palette.
      await page.locator('.part.sidebar .composite.title').first().click();
      await ui.runCommand(page, 'View: Close All Editors', { settleMs: 300 });
      await openWalkthrough();
      await done('Trigger it and watch it run');
      await step('Run a flow').click();

      // The gateway's log says what it did, in its own output channel.
      await button('Run a flow', 'Show Gateway Log').click();
      const output = page.locator('.part.panel .view-lines').first();
      await output.waitFor({ state: 'visible', timeout: 30_000 });
      await ui.runCommand(page, 'View: Toggle Maximized Panel', { settleMs: 500 });
      // Wrapped lines are separate rows: compare without whitespace.
      const squeeze = (t) => t.replace(/\s+/g, '');
      const wanted = [
        'uploaded network-ops@1',
        'published network-ops@1',
        'matched "Link down restarts sshd (dry run)" (network-ops@1)',
        `execution ${execution.id} started: network/core/Restart-Service (network-ops@1) by trigger "Link down restarts sshd (dry run)"`,
      ];
      await until('the activity lines in the Flowgate Gateway output', async () => {
        // Monaco reuses its row elements: their DOM order is not the screen order (their `top` is).
        const rows = await output.evaluate((el) =>
          [...el.querySelectorAll('.view-line')].sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map((r) => r.textContent || ''),
        );
        const text = squeeze(rows.join(''));
        return wanted.every((w) => text.includes(squeeze(w)));
      });
      note(`screenshot: ${await screenshot('vscode-ui-gateway-log')}`);
      await ui.runCommand(page, 'View: Toggle Maximized Panel', { settleMs: 0 });
      await ui.clearNotifications(page);
    },
  },
];
