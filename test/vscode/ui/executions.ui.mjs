// UI check of the Running Executions webview. A gateway emulator of its own (a child process on a
// free port, temp data folder) is added to `flowgate.gateways` for the check, so the local
// emulator's store stays as the other checks expect. A package built with core's
// buildPackageFile holds a parent flow that runs a child flow waiting 60 s; one execution starts
// asynchronously. The panel opens from the F1 palette (gateway → package → version), shows the
// parent Running with a ticking duration and the child under it, shows details on selection, stops
// the parent with the checkbox and Stop (the child stops with it), and says "Disconnected —
// retrying" when the gateway goes away. Screenshots in the default (light) and a dark theme.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
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

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The package file, built by core's buildPackageFile (TypeScript, run through tsx). */
function buildPackage() {
  const code = `
    const mod = await import(${JSON.stringify(path.join(root, 'src/core/package/packageFile.ts'))});
    const { buildPackageFile } = mod.buildPackageFile ? mod : mod.default;
    const { bytes } = await buildPackageFile({
      name: ${JSON.stringify(PKG)}, version: 1, createdBy: 'flowgate-ui-check/0.1.0',
      definitions: [
        { kind: 'flow', id: 'ui/Wait-Parent', text: ${JSON.stringify(PARENT)} },
        { kind: 'flow', id: 'ui/Wait-Child', text: ${JSON.stringify(CHILD)} },
      ],
    });
    process.stdout.write(Buffer.from(bytes).toString('base64'));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  return Buffer.from(out, 'base64');
}

async function startEmulator(dataDir) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(root, 'dist/emulator.js'), '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--name', 'ui-check', '--snmp-port', '0'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the emulator exited: ${stderr.slice(-500)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url };
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`the emulator did not answer ${url}/healthz: ${stderr.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function stopEmulator(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function api(url, method, pathname, body, headers = {}) {
  const res = await fetch(url + pathname, { method, body, headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The Running Executions page inside the workbench's webview iframes. */
function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Picks the row with `label` in the open quick pick. */
async function pick(page, label) {
  const widget = page.locator('.quick-input-widget');
  const row = widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Running Executions: a waiting execution appears Running with a ticking duration, Stop makes it Stopped, a dropped gateway shows "Disconnected — retrying"',
    async run({ page, ui, workspace, screenshot, note }) {
      const settingsFile = path.join(workspace, '.vscode/settings.json');
      const originalSettings = fs.readFileSync(settingsFile, 'utf8');
      const settings = JSON.parse(originalSettings);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-ui-exec-'));
      let emulator;
      try {
        const started = await startEmulator(dataDir);
        emulator = started.child;
        const url = started.url;
        await api(url, 'POST', '/api/v1/packages', buildPackage(), { 'content-type': 'application/zip' });
        await api(url, 'POST', `/api/v1/packages/${PKG}/versions/1/publish`);
        const run = await api(
          url,
          'POST',
          `/api/default/default/flows/${encodeURIComponent('ui/Wait-Parent')}/executions?packageName=${PKG}&packageVersion=1&mode=async`,
          JSON.stringify({ inputVariables: { seconds: 60 } }),
          { 'content-type': 'application/json' },
        );
        const parentId = run.executionId;
        note(`execution ${parentId} waiting on ${url}`);

        fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'flowgate.gateways': [{ name: GATEWAY_NAME, url }] }, null, 2));
        await page.waitForTimeout(1500); // the settings file change reaches the extension host

        await ui.clearNotifications(page);
        await ui.runCommand(page, 'Flowgate: Show Running Executions', { prompt: true });
        await pick(page, GATEWAY_NAME);
        await pick(page, PKG);

        const frame = webviewFrame(page);
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
        await flowHeader.click();
        if ((await flowHeader.getAttribute('aria-sort')) !== 'ascending') throw new Error(`flow column sort: ${await flowHeader.getAttribute('aria-sort')}`);
        await flowHeader.click();
        if ((await flowHeader.getAttribute('aria-sort')) !== 'descending') throw new Error(`flow column sort: ${await flowHeader.getAttribute('aria-sort')}`);

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
        const onGateway = await api(url, 'GET', `/api/v1/executions/${parentId}`);
        if (onGateway.status !== 'Stopped') throw new Error(`the gateway says ${onGateway.status}`);
        const frozen = await duration(parentRow);
        await page.waitForTimeout(1200);
        if ((await duration(parentRow)) !== frozen) throw new Error('the duration of a stopped execution still ticks');
        note(`screenshot: ${await screenshot('vscode-ui-executions-stopped')}`);

        // The same page in a dark theme (the default is light).
        fs.writeFileSync(
          settingsFile,
          JSON.stringify({ ...settings, 'flowgate.gateways': [{ name: GATEWAY_NAME, url }], 'workbench.colorTheme': 'Default Dark Modern' }, null, 2),
        );
        await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 15_000 });
        await page.waitForTimeout(800);
        note(`screenshot: ${await screenshot('vscode-ui-executions-dark')}`);
        fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'flowgate.gateways': [{ name: GATEWAY_NAME, url }] }, null, 2));

        // The gateway goes away: the page says so, and keeps the list.
        await stopEmulator(emulator);
        await frame.locator('.feed-disconnected').filter({ hasText: 'Disconnected — retrying' }).waitFor({ state: 'visible', timeout: 15_000 });
        await parentRow.waitFor({ state: 'visible' });
        note(`screenshot: ${await screenshot('vscode-ui-executions-disconnected')}`);
      } finally {
        await stopEmulator(emulator);
        fs.writeFileSync(settingsFile, originalSettings);
        await ui.runCommand(page, 'View: Close All Editors', { settleMs: 300, allowError: true }).catch(() => {});
        await ui.clearNotifications(page).catch(() => {});
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  },
];
