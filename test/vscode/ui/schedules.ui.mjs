// UI check of the Schedules webview. A gateway emulator of its own (a child process on a free port,
// temp data folder) is added to `flowgate.gateways` for the check, so the local emulator's store
// stays as the other checks expect. A package built with core's buildPackageFile holds two flows,
// one with inputs (string required, integer with a default, boolean). The panel opens from the
// version node's inline action in the Gateways view; the form shows a bad expression's error
// inline, then the meaning and five next runs of a good one in the picked time zone; a flow is
// picked and its inputs filled (a bad integer is caught before saving); Create adds the row (and
// the gateway has it); Run Now shows the started execution id; Delete asks and removes the row.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
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
        { kind: 'flow', id: 'ui/sched/A-Plain', text: ${JSON.stringify(PLAIN)} },
        { kind: 'flow', id: ${JSON.stringify(GREET_FLOW)}, text: ${JSON.stringify(GREET)} },
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
    [path.join(root, 'dist/emulator.js'), '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--name', 'ui-sched-check', '--snmp-port', '0'],
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

/** The Schedules page inside the workbench's webview iframes (the one visible editor webview). */
function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Runs a palette command by its exact label (clicking that row, wherever the palette ranks it). */
async function runExactCommand(page, label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(`>${label}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  await row.first().click({ timeout: 30_000 });
  await input.waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => {});
}

/** Picks the row with `label` in the open quick pick. */
async function pickQuick(page, label) {
  const widget = page.locator('.quick-input-widget');
  const row = widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
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
    title: 'Schedules: from the version node, a live preview (meaning, five runs in the zone), a flow with inputs, Create, the row, Run Now, Delete',
    async run({ page, ui, workspace, screenshot, note }) {
      const settingsFile = path.join(workspace, '.vscode/settings.json');
      const originalSettings = fs.readFileSync(settingsFile, 'utf8');
      const settings = JSON.parse(originalSettings);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-ui-sched-'));
      let emulator;
      try {
        const started = await startEmulator(dataDir);
        emulator = started.child;
        const url = started.url;
        await api(url, 'POST', '/api/v1/packages', buildPackage(), { 'content-type': 'application/zip' });
        await api(url, 'POST', `/api/v1/packages/${PKG}/versions/1/publish`);

        fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'flowgate.gateways': [{ name: GATEWAY_NAME, url }] }, null, 2));
        await page.waitForTimeout(1500); // the settings file change reaches the extension host
        await ui.clearNotifications(page);

        // Gateways view: the gateway → the package → the version node's inline "Show Schedules".
        await ui.openViewContainer(page, 'Flowgate');
        await ui.runCommand(page, 'Flowgate: Refresh Gateways', { settleMs: 500 });
        const pane = await ui.expandView(page, 'Gateways');
        const rows = pane.locator('.pane-body .monaco-list-row');
        await rows.filter({ hasText: GATEWAY_NAME }).first().waitFor({ state: 'visible', timeout: 30_000 });
        const pkgRow = rows.filter({ hasText: PKG }).first();
        await pkgRow.waitFor({ state: 'visible', timeout: 30_000 });
        if ((await pkgRow.getAttribute('aria-expanded')) !== 'true') await pkgRow.click();
        // The package's children load from the gateway: wait for its version row.
        let items = [];
        let pkgIndex = -1;
        let versionIndex = -1;
        for (const end = Date.now() + 15_000; ; await page.waitForTimeout(200)) {
          items = await ui.readTreeItems(page, 'Gateways');
          pkgIndex = items.findIndex((i) => i.label === PKG);
          versionIndex = items.findIndex((i, n) => n > pkgIndex && i.label === 'v1');
          if (pkgIndex >= 0 && versionIndex === pkgIndex + 1) break;
          if (Date.now() > end) throw new Error(`Gateways tree: ${JSON.stringify(items.map((i) => `${i.level}:${i.label}`))}`);
        }
        const versionRow = rows.nth(versionIndex);
        await versionRow.hover();
        await versionRow.locator('.actions .action-label[aria-label="Show Schedules"]').click();

        const frame = webviewFrame(page);
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
        await choose(frame, frame.locator('vscode-single-select.timezone-field'), 'Europe/London', 'Europe/Lon');
        await frame.locator('.next-runs-title').filter({ hasText: 'Europe/London' }).waitFor({ state: 'visible', timeout: 10_000 });
        const runs = await frame.locator('ol.next-runs li').allTextContents();
        if (runs.length !== 5 || !runs.every((r) => /^\d{4}-\d\d-\d\d 02:30:00 Europe\/London$/.test(r.trim()))) {
          throw new Error(`next runs: ${JSON.stringify(runs)}`);
        }

        // The flow and its inputs; a bad integer is caught in the page.
        await choose(frame, frame.locator('vscode-single-select.flow-field'), GREET_FLOW);
        const who = frame.locator('vscode-textfield[data-input="who"] input');
        await who.waitFor({ state: 'visible', timeout: 10_000 });
        await who.fill('team');
        const times = frame.locator('vscode-textfield[data-input="times"] input');
        await times.fill('three');
        await frame.locator('.field-error[data-error-for="inputs.times"]').filter({ hasText: 'must be an integer' }).waitFor({ state: 'visible', timeout: 5000 });
        await times.fill('3');
        await frame.locator('.field-error[data-error-for="inputs.times"]').waitFor({ state: 'hidden', timeout: 5000 });
        await choose(frame, frame.locator('vscode-single-select[data-input="loud"]'), 'true');
        await frame.locator('.form').scrollIntoViewIfNeeded();
        note(`screenshot: ${await screenshot('vscode-ui-schedules-form')}; meaning "${said}"; runs ${runs[0].trim()} …`);

        // Hidden and shown again (from the palette: gateway → package; its one version), the page
        // keeps the unsaved form.
        await runExactCommand(page, 'File: New Untitled Text File');
        await page.waitForTimeout(500);
        await ui.runCommand(page, 'Flowgate: Show Schedules', { prompt: true });
        await pickQuick(page, GATEWAY_NAME);
        await pickQuick(page, PKG);
        await frame.locator('vscode-textfield[data-input="who"] input').waitFor({ state: 'visible', timeout: 15_000 });
        if ((await frame.locator('vscode-textfield.schedule-name-field input').inputValue()) !== 'Weekday greeting') throw new Error('the form lost its name when hidden');
        if ((await frame.locator('vscode-textfield[data-input="who"] input').inputValue()) !== 'team') throw new Error('the form lost an input when hidden');
        await frame.locator('.next-runs-title').filter({ hasText: 'Europe/London' }).waitFor({ state: 'visible', timeout: 10_000 });

        await frame.locator('vscode-button.save').click();
        const row = frame.locator('tr.schedule[data-name="Weekday greeting"]');
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        const onGateway = (await api(url, 'GET', `/api/v1/packages/${PKG}/versions/1/schedules`)).schedules;
        if (onGateway.length !== 1) throw new Error(`the gateway has ${onGateway.length} schedules`);
        const s = onGateway[0];
        if (s.flow !== GREET_FLOW || s.timezone !== 'Europe/London' || s.expression !== '0 30 2 * * 1-5' || JSON.stringify(s.inputs) !== JSON.stringify({ who: 'team', times: 3, loud: true })) {
          throw new Error(`the saved schedule: ${JSON.stringify(s)}`);
        }
        const cells = (await row.locator('td').allTextContents()).map((t) => t.trim());
        if (cells[1] !== GREET_FLOW || cells[2] !== '0 30 2 * * 1-5' || cells[3] !== 'Europe/London' || !/yes/.test(cells[4]) || !/\d{4}-\d\d-\d\d 02:30/.test(cells[5])) {
          throw new Error(`row cells: ${JSON.stringify(cells)}`);
        }

        // Run Now: the row shows the started execution's id; the gateway has that execution.
        await row.locator('vscode-button.run-now').click();
        const executionId = row.locator('.started .execution-id');
        await executionId.waitFor({ state: 'visible', timeout: 15_000 });
        const id = (await executionId.getAttribute('data-execution-id')) || '';
        if (!id.startsWith(((await executionId.textContent()) || '').trim())) throw new Error(`execution id shown: ${await executionId.textContent()} for ${id}`);
        const execution = await api(url, 'GET', `/api/v1/executions/${id}`);
        if (execution.initiator?.type !== 'schedule' || execution.initiator?.name !== 'Weekday greeting') throw new Error(`execution initiator: ${JSON.stringify(execution.initiator)}`);
        await row.locator('.outcome-started').waitFor({ state: 'visible', timeout: 10_000 });
        note(`screenshot: ${await screenshot('vscode-ui-schedules-list')}; Run Now started ${id}`);

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
        await row.getByText("Delete 'Weekday greeting'?").waitFor({ state: 'visible', timeout: 5000 });
        await row.locator('vscode-button.confirm-delete').click();
        await frame.getByText('No schedules yet').waitFor({ state: 'visible', timeout: 15_000 });
        const after = (await api(url, 'GET', `/api/v1/packages/${PKG}/versions/1/schedules`)).schedules;
        if (after.length !== 0) throw new Error(`after Delete the gateway has ${after.length} schedules`);
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
