// UI check of the Triggers webview. A gateway emulator of its own (a child process on a free port,
// temp data folder, SNMP trap port 0 = a free one, read back from /healthz) is added to
// `flowgate.gateways` for the check. Its package holds one flow; a trigger "Core-Subnet"
// (10.0.0.0/8) is created through the API. The page opens from the version node's inline
// "Show Triggers"; a new trigger with a bad CIDR shows the inline error under Device address, the
// fixed one is saved; then Send Test Trap sends a REAL v2c trap from 127.0.0.2 and the page shows
// "matched" with the started execution for the new trigger and the failed condition (deviceAddress)
// for "Core-Subnet". Evaluate without sending from 10.1.2.3 answers the other way round.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PKG = 'ui-trig-check';
const GATEWAY_NAME = 'UI Trigger Gateway';
const FLOW = 'ui/trig/On-Trap';
const FLOW_TEXT = `description: Logs the trap it was started for.
inputs:
  trap:
    type: object
  label:
    type: string
    default: none
steps:
  - kind: log
    message: "= 'trap from ' & trap.source.address & ' (' & label & ')'"
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
        { kind: 'flow', id: ${JSON.stringify(FLOW)}, text: ${JSON.stringify(FLOW_TEXT)} },
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
    [path.join(root, 'dist/emulator.js'), '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--name', 'ui-trig-check', '--snmp-port', '0'],
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

/** The Triggers page inside the workbench's webview iframes (the one visible editor webview). */
function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Picks `label` in a vscode-single-select (optionally typing `search` into its combobox first). */
async function choose(frame, select, label, search) {
  if (search !== undefined) {
    const input = select.locator('input.combobox-input');
    await input.click();
    await input.fill(search);
  } else {
    await select.click();
  }
  const option = select.locator('li[role="option"]').filter({ hasText: label }).first();
  await option.waitFor({ state: 'visible', timeout: 10_000 });
  await option.click();
}

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Triggers: from the version node, a bad CIDR named inline, the fixed trigger saved, Send Test Trap shows "matched" and the failed condition of the other',
    async run({ page, ui, workspace, screenshot, note }) {
      const settingsFile = path.join(workspace, '.vscode/settings.json');
      const originalSettings = fs.readFileSync(settingsFile, 'utf8');
      const settings = JSON.parse(originalSettings);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-ui-trig-'));
      let emulator;
      try {
        const started = await startEmulator(dataDir);
        emulator = started.child;
        const url = started.url;
        await api(url, 'POST', '/api/v1/packages', buildPackage(), { 'content-type': 'application/zip' });
        await api(url, 'POST', `/api/v1/packages/${PKG}/versions/1/publish`);
        await api(
          url,
          'POST',
          `/api/v1/packages/${PKG}/versions/1/triggers`,
          JSON.stringify({
            name: 'Core-Subnet',
            flow: FLOW,
            conditions: { deviceAddress: '10.0.0.0/8', devicePort: '*', trapOid: '1.3.6.1.6.3.1.1.5.3', version: 'v2c', community: 'public' },
            inputs: { label: 'core' },
            pduVariable: 'trap',
          }),
          { 'content-type': 'application/json' },
        );
        const { snmpPort } = await api(url, 'GET', '/healthz');
        note(`emulator ${url}, SNMP trap port ${snmpPort}`);

        fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'flowgate.gateways': [{ name: GATEWAY_NAME, url }] }, null, 2));
        await page.waitForTimeout(1500); // the settings file change reaches the extension host
        await ui.clearNotifications(page);

        // Gateways view: the gateway → the package → the version node's inline "Show Triggers".
        await ui.openViewContainer(page, 'Flowgate');
        await ui.runCommand(page, 'Flowgate: Refresh Gateways', { settleMs: 500 });
        const pane = await ui.expandView(page, 'Gateways');
        const rows = pane.locator('.pane-body .monaco-list-row');
        await rows.filter({ hasText: GATEWAY_NAME }).first().waitFor({ state: 'visible', timeout: 30_000 });
        const pkgRow = rows.filter({ hasText: PKG }).first();
        await pkgRow.waitFor({ state: 'visible', timeout: 30_000 });
        if ((await pkgRow.getAttribute('aria-expanded')) !== 'true') await pkgRow.click();
        // The package expands asynchronously: wait for its version row.
        let items = [];
        let pkgIndex = -1;
        let versionIndex = -1;
        for (const end = Date.now() + 20_000; ; ) {
          items = await ui.readTreeItems(page, 'Gateways');
          pkgIndex = items.findIndex((i) => i.label === PKG);
          versionIndex = items.findIndex((i, n) => n > pkgIndex && i.label === 'v1');
          if (pkgIndex >= 0 && versionIndex === pkgIndex + 1) break;
          if (Date.now() > end) throw new Error(`Gateways tree: ${JSON.stringify(items.map((i) => `${i.level}:${i.label}`))}`);
          await page.waitForTimeout(250);
        }
        const versionRow = rows.nth(versionIndex);
        await versionRow.hover();
        await versionRow.locator('.actions .action-label[aria-label="Show Triggers"]').click();

        const frame = webviewFrame(page);
        const coreRow = frame.locator('tr.trigger-row[data-name="Core-Subnet"]');
        await coreRow.waitFor({ state: 'visible', timeout: 30_000 });
        const summary = ((await coreRow.locator('td.conditions').textContent()) || '').trim();
        if (!/from 10\.0\.0\.0\/8/.test(summary) || !/community public/.test(summary)) throw new Error(`conditions summary: ${summary}`);

        // A new trigger: a bad CIDR is named under Device address while typing.
        await frame.locator('vscode-button.new-trigger').click();
        const form = frame.locator('section.trigger-form');
        await form.waitFor({ state: 'visible', timeout: 10_000 });
        await form.locator('vscode-textfield[data-field="name"] input').fill('Loopback');
        const address = form.locator('vscode-textfield[data-field="conditions.deviceAddress"] input');
        await address.fill('10.0.0.0/33');
        const addressError = form.locator('.error[data-error="conditions.deviceAddress"]');
        await addressError.filter({ hasText: 'prefix length must be 0 to 32' }).waitFor({ state: 'visible', timeout: 10_000 });
        await form.locator('vscode-textfield[data-field="conditions.trapOid"] input').fill('1.3.6.1.6.3.1.1.5.3');
        await form.locator('vscode-textfield[data-field="inputs.label"] input').fill('loopback');
        // Room below the dropdown: the select at the top of the page before it opens.
        const pduSelect = form.locator('vscode-single-select[data-field="pduVariable"]');
        await pduSelect.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await choose(frame, pduSelect, 'trap');
        await addressError.scrollIntoViewIfNeeded();
        note(`screenshot: ${await screenshot('vscode-ui-triggers-form-error')}`);
        // Save with the error is refused in the page.
        await form.locator('vscode-button.save').click();
        await form.getByText('Fix 1 problem first.').waitFor({ state: 'visible', timeout: 5000 });
        await address.fill('127.0.0.0/8');
        await addressError.waitFor({ state: 'hidden', timeout: 10_000 });
        await form.locator('vscode-button.save').click();
        const loopRow = frame.locator('tr.trigger-row[data-name="Loopback"]');
        await loopRow.waitFor({ state: 'visible', timeout: 15_000 });
        await form.waitFor({ state: 'detached', timeout: 10_000 });
        const saved = (await api(url, 'GET', `/api/v1/packages/${PKG}/versions/1/triggers`)).triggers.find((t) => t.name === 'Loopback');
        if (!saved || saved.conditions.deviceAddress !== '127.0.0.0/8' || saved.pduVariable !== 'trap' || saved.inputs.label !== 'loopback') {
          throw new Error(`the saved trigger: ${JSON.stringify(saved)}`);
        }
        note(`screenshot: ${await screenshot('vscode-ui-triggers-list')}`);

        // Send Test Trap: a real v2c trap from 127.0.0.2.
        await frame.locator('vscode-tab-header[data-tab="sendTrap"]').click();
        const trapForm = frame.locator('section.trap-form');
        await trapForm.waitFor({ state: 'visible', timeout: 10_000 });
        await trapForm.getByText(`127.0.0.1:${snmpPort}`).first().waitFor({ state: 'visible', timeout: 5000 });
        await trapForm.locator('vscode-textfield[data-field="source"] input').fill('127.0.0.2');
        await trapForm.locator('vscode-button.add-varbind').click();
        await trapForm.locator('vscode-textfield[data-field="varbinds[1].oid"] input').fill('1.3.6.1.2.1.1.5.0');
        await trapForm.locator('vscode-textfield[data-field="varbinds[1].value"] input').fill('ui-router');
        await trapForm.locator('vscode-button.send-trap').click();
        const matched = frame.locator('tr.evaluation.matched[data-trigger="Loopback"]');
        await matched.waitFor({ state: 'visible', timeout: 20_000 });
        const executionLink = matched.locator('a.execution-link');
        await executionLink.waitFor({ state: 'visible', timeout: 10_000 });
        await matched.locator('.exec-status', { hasText: 'Ended' }).waitFor({ state: 'visible', timeout: 15_000 });
        const missed = frame.locator('tr.evaluation.not-matched[data-trigger="Core-Subnet"]');
        await missed.waitFor({ state: 'visible', timeout: 5000 });
        const failed = ((await missed.locator('.failed-condition').textContent()) || '').trim();
        const why = ((await missed.locator('.failed-message').textContent()) || '').trim();
        if (failed !== 'deviceAddress' || !/127\.0\.0\.2/.test(why)) throw new Error(`Core-Subnet: ${failed} ${why}`);
        const executionId = await matched.locator('.execution').getAttribute('data-execution');
        const execution = await api(url, 'GET', `/api/v1/executions/${executionId}`);
        if (execution.initiator?.type !== 'trigger' || execution.initiator?.name !== 'Loopback' || execution.inputs?.trap?.source?.address !== '127.0.0.2') {
          throw new Error(`execution: ${JSON.stringify({ initiator: execution.initiator, inputs: execution.inputs })}`);
        }
        await frame.locator('.trap-result').scrollIntoViewIfNeeded();
        note(`screenshot: ${await screenshot('vscode-ui-triggers-sent')}; execution ${executionId}; Core-Subnet: ${failed}${why}`);

        // Evaluate without sending, from 10.1.2.3: the other way round.
        await trapForm.locator('vscode-textfield[data-field="source"] input').fill('10.1.2.3');
        await trapForm.locator('vscode-button.evaluate-trap').click();
        await frame.getByText('Evaluated by the gateway (not sent)').waitFor({ state: 'visible', timeout: 15_000 });
        await frame.locator('tr.evaluation.matched[data-trigger="Core-Subnet"]').waitFor({ state: 'visible', timeout: 5000 });
        await frame.locator('tr.evaluation.not-matched[data-trigger="Loopback"]').waitFor({ state: 'visible', timeout: 5000 });
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
