// UI check of the Review Import webview, against two gateway emulators of its own: `dev` (where the
// package is submitted: uploaded, dev signs it) and `qa`, whose gateway.yaml names dev as a
// promotion source; qa pulls the version (POST /api/v1/imports) and is added to `flowgate.gateways`.
// "Flowgate: Review Import…" asks for the gateway and opens qa's one OPEN import. The page shows what
// was pulled, the package's instructions as text (they hold HTML, which must not become elements),
// and a validation error: the package runs a flow qa lacks, so Apply is disabled and says why. Add
// Replacement proposes the missing reference; the `to` picker offers qa's definitions; Save
// validates again (passes) and the preview lists Greet as changed. Show Diff opens VS Code's diff
// editor (qa's text ↔ what apply writes, the replacement applied). Apply, confirmed in place with
// what it writes, makes the import APPLIED on qa. Screenshots: test-results/vscode-ui-review-*.png.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, authHeaders, startEmulator, stopEmulator } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PKG = 'ui-review-pkg';
const QA_NAME = 'UI Review QA';
const HELLO = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
const runs = (flow) => `steps:\n  - kind: run-flow\n    flow: ${flow}\n`;
const INSTRUCTIONS = 'Before applying: point Greet at the ops notifier.\n<img src=x onerror="document.body.dataset.pwned=1"><b>not bold</b>';
const BASE_CONFIG = [
  'directory:',
  '  kind: embedded',
  '  users: []',
  '  groups:',
  '    - {name: flowgate-admins, members: []}',
  'adminGroups: [flowgate-admins]',
  'clients: []',
  '',
].join('\n');

/**
 * The package file `name` `version` with `flows` and `instructions`, built by core's
 * buildPackageFile through tsx (unsigned, as a workspace builds it: the gateway it is uploaded to
 * signs it).
 */
function packageFile(name, version, flows, instructions = '') {
  const definitions = Object.entries(flows).map(([id, text]) => ({ kind: 'flow', id, text }));
  const code = `
    const pf = await import(${JSON.stringify(path.join(root, 'src/core/package/packageFile.ts'))});
    const { buildPackageFile } = pf.buildPackageFile ? pf : pf.default;
    const { bytes } = await buildPackageFile({
      name: ${JSON.stringify(name)}, version: ${version}, createdBy: 'flowgate-ui-check/0.1.0',
      instructions: ${JSON.stringify(instructions)}, definitions: ${JSON.stringify(definitions)},
    });
    process.stdout.write(Buffer.from(bytes).toString('base64'));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  return Buffer.from(out, 'base64');
}

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Review Import: a missing reference blocks Apply, the replacement picker resolves it, the preview lists a changed definition, Show Diff opens the diff editor, Apply',
    async run({ page, ui, workspace, screenshot, note }) {
      const settingsFile = path.join(workspace, '.vscode/settings.json');
      const originalSettings = fs.readFileSync(settingsFile, 'utf8');
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-ui-review-'));
      const devData = path.join(tmp, 'dev');
      const qaData = path.join(tmp, 'qa');
      fs.mkdirSync(devData);
      fs.mkdirSync(qaData);
      let dev;
      let qa;
      try {
        const devConfig = path.join(tmp, 'dev.yaml');
        fs.writeFileSync(devConfig, BASE_CONFIG, { mode: 0o600 });
        const d = await startEmulator(devData, 'ui-review-dev', { config: devConfig });
        dev = d.child;
        const asDev = async (method, pathname, body, headers = {}) => api(d.url, method, pathname, body, { ...(await authHeaders(devData)), ...headers });
        const devAdmin = JSON.parse(fs.readFileSync(path.join(devData, 'local-admin.json'), 'utf8'));
        const { keys } = await api(d.url, 'GET', '/api/v1/gateway/keys');
        const secretFile = path.join(tmp, 'dev.secret');
        fs.writeFileSync(secretFile, devAdmin.client_secret, { mode: 0o600 });
        const qaConfig = path.join(tmp, 'qa.yaml');
        fs.writeFileSync(
          qaConfig,
          [
            BASE_CONFIG.trimEnd(),
            'promotion:',
            '  sources:',
            '    - name: dev',
            `      url: ${d.url}`,
            `      clientId: ${JSON.stringify(devAdmin.client_id)}`,
            `      clientSecretFile: ${JSON.stringify(secretFile)}`,
            `      trustedKeys: [${keys.map((k) => k.kid).join(', ')}]`,
            '',
          ].join('\n'),
          { mode: 0o600 },
        );
        const q = await startEmulator(qaData, 'ui-review-qa', { config: qaConfig });
        qa = q.child;
        let qaErr = '';
        qa.stderr.on('data', (c) => (qaErr = (qaErr + c).slice(-3000)));
        const qaAlive = () => (qa.exitCode === null && qa.signalCode === null ? '' : ` (qa exited ${qa.exitCode ?? qa.signalCode}: ${qaErr})`);
        const asQa = async (method, pathname, body, headers = {}) => {
          try {
            return await api(q.url, method, pathname, body, { ...(await authHeaders(qaData)), ...headers });
          } catch (err) {
            throw new Error(`${method} ${pathname} on qa: ${err.message}${err.cause ? ` (${err.cause.message ?? err.cause})` : ''}${qaAlive()}`);
          }
        };
        const zip = { 'content-type': 'application/zip' };
        await asDev('POST', '/api/v1/packages', packageFile('ui-review-dev-base', 1, { 'ops/Notify-Dev': HELLO }), zip);
        await asDev('POST', '/api/v1/packages', packageFile(PKG, 1, { 'review/Greet': runs('ops/Notify-Dev'), 'review/New-One': HELLO }, INSTRUCTIONS), zip);
        await asQa('POST', '/api/v1/packages', packageFile('ui-review-qa-base', 1, { 'ops/Notify-Ops': HELLO, 'review/Greet': HELLO }), zip);
        const pulled = await asQa('POST', '/api/v1/imports', JSON.stringify({ source: 'dev', name: PKG, version: 1 }), { 'content-type': 'application/json' });
        if (pulled.status !== 'OPEN') throw new Error(`the pull answered ${JSON.stringify(pulled).slice(0, 300)}`);

        const settings = JSON.parse(originalSettings);
        fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'flowgate.gateways': [{ name: QA_NAME, url: q.url, credentialsFile: path.join(qaData, 'local-admin.json') }] }, null, 2));
        await page.waitForTimeout(1500); // the settings file change reaches the extension host
        await ui.clearNotifications(page);

        // The command asks for the gateway; qa has one OPEN import: its page opens.
        await ui.runCommand(page, 'Flowgate: Review Import…', { prompt: true });
        await ui.pickQuick(page, QA_NAME);
        const frame = ui.webviewFrame(page);
        await frame.locator('.validation-badge.errors').waitFor({ state: 'visible', timeout: 30_000 });
        const subtitle = ((await frame.locator('.subtitle').textContent()) || '').trim();
        if (subtitle !== `${PKG} v1 from dev on ${QA_NAME}`) throw new Error(`subtitle: "${subtitle}"`);
        const signer = ((await frame.locator('.facts .signer code').textContent()) || '').trim();
        if (!keys.some((k) => k.kid === signer)) throw new Error(`signer shown: "${signer}"`);

        // The instructions are text: the HTML in them is shown, not made into elements.
        const shown = await frame.locator('pre.instructions').textContent();
        if (shown !== INSTRUCTIONS) throw new Error(`instructions shown: ${JSON.stringify(shown)}`);
        if ((await frame.locator('pre.instructions img, pre.instructions b').count()) !== 0) throw new Error('the instructions became HTML elements');
        if ((await frame.locator('body[data-pwned]').count()) !== 0) throw new Error("the instructions' script ran");

        // The missing reference, by definition and reference; Apply disabled, saying why.
        const problem = frame.locator('.problem.error[data-code="missing-reference"]');
        await problem.waitFor({ state: 'visible', timeout: 5_000 });
        const problemText = ((await problem.textContent()) || '').replace(/\s+/g, ' ');
        if (!problemText.includes('review/Greet') || !problemText.includes('ops/Notify-Dev')) throw new Error(`problem: "${problemText}"`);
        if ((await frame.locator('vscode-button.apply').getAttribute('disabled')) === null) throw new Error('Apply is enabled while the validation has errors');
        await frame.locator('.apply-blocked').filter({ hasText: 'Apply is blocked: the validation has 1 error' }).waitFor({ state: 'visible', timeout: 5_000 });
        note(`screenshot: ${await screenshot('vscode-ui-review-missing')}`);

        // Add Replacement proposes the missing reference; the `to` picker offers qa's definitions.
        await frame.locator('vscode-button.add-row').click();
        const row = frame.locator('.replacement[data-index="0"]');
        await row.waitFor({ state: 'visible', timeout: 5_000 });
        const from = await row.locator('vscode-single-select.from-field').evaluate((el) => el.value);
        if (from !== 'ops/Notify-Dev') throw new Error(`Add Replacement proposed from "${from}"`);
        const to = row.locator('vscode-single-select.to-field');
        const input = to.locator('input.combobox-input');
        await input.click();
        await input.fill('Notify');
        const option = to.locator('li[role="option"]').filter({ hasText: 'ops/Notify-Ops' }).first();
        await option.waitFor({ state: 'visible', timeout: 10_000 });
        note(`screenshot: ${await screenshot('vscode-ui-review-picker')}`);
        await option.click();
        await frame.locator('.fg-badge.unsaved').waitFor({ state: 'visible', timeout: 5_000 });

        // A second row left empty: Save is refused and the refusal shows by that row's fields.
        await frame.locator('vscode-button.add-row').click();
        await frame.locator('.replacement[data-index="1"]').waitFor({ state: 'visible', timeout: 5_000 });
        await frame.locator('vscode-button.save').click();
        await frame
          .locator('.replacement[data-index="1"] .field-error[data-error-for="replacements[1].from"]')
          .filter({ hasText: 'must not be empty' })
          .waitFor({ state: 'visible', timeout: 10_000 });
        await frame.locator('.status-line.error').filter({ hasText: 'Replacements not saved: replacements[1].from: must not be empty' }).waitFor({ state: 'visible', timeout: 5_000 });
        const notSaved = await asQa('GET', `/api/v1/imports/${pulled.id}`);
        if (notSaved.replacements.length !== 0) throw new Error(`a refused save reached qa: ${JSON.stringify(notSaved.replacements)}`);
        note(`screenshot: ${await screenshot('vscode-ui-review-row-error')}`);
        await frame.locator('.replacement[data-index="1"] vscode-button.remove-row').click();
        await frame.locator('.replacement[data-index="1"]').waitFor({ state: 'detached', timeout: 5_000 });

        // Save: validated again (passes); the preview lists Greet as changed, New-One as new.
        await frame.locator('vscode-button.save').click();
        await frame.locator('.status-line .status-text').filter({ hasText: 'Replacements saved. The validation passes.' }).waitFor({ state: 'visible', timeout: 15_000 });
        await frame.locator('.validation-badge.ok').waitFor({ state: 'visible', timeout: 5_000 });
        const greet = frame.locator('.preview-row.changed[data-id="review/Greet"]');
        await greet.waitFor({ state: 'visible', timeout: 5_000 });
        await frame.locator('.preview-row.new[data-id="review/New-One"]').waitFor({ state: 'visible', timeout: 5_000 });
        const stored = await asQa('GET', `/api/v1/imports/${pulled.id}`);
        if (JSON.stringify(stored.replacements) !== JSON.stringify([{ kind: 'flow', from: 'ops/Notify-Dev', to: 'ops/Notify-Ops' }])) {
          throw new Error(`qa holds the replacements ${JSON.stringify(stored.replacements)}`);
        }
        note(`screenshot: ${await screenshot('vscode-ui-review-preview')}`);

        // Show Diff: VS Code's diff editor, qa's text on the left, what apply writes on the right.
        await greet.locator('vscode-button.show-diff').click();
        const diff = page.locator('.monaco-diff-editor').first();
        await diff.waitFor({ state: 'visible', timeout: 15_000 });
        const modified = diff.locator('.editor.modified .view-lines');
        await modified.filter({ hasText: 'ops/Notify-Ops' }).waitFor({ state: 'visible', timeout: 10_000 });
        const original = ((await diff.locator('.editor.original .view-lines').textContent()) || '').replace(/\u00a0/g, ' ');
        if (!original.includes('done: true')) throw new Error(`the diff's left side: "${original}"`);
        const tab = page.locator('.tabs-container .tab.active');
        const tabLabel = ((await tab.textContent()) || '').trim();
        if (!tabLabel.includes('review/Greet')) throw new Error(`the diff tab is "${tabLabel}"`);
        note(`screenshot: ${await screenshot('vscode-ui-review-diff')}`);

        // Back to the page: Apply, confirmed in place with what it writes.
        await page.locator('.tabs-container .tab').filter({ hasText: `Review Import: ${PKG} v1` }).click();
        const again = ui.webviewFrame(page);
        await again.locator('.validation-badge.ok').waitFor({ state: 'visible', timeout: 20_000 });
        await again.locator('vscode-button.apply').click();
        const question = ((await again.locator('.confirm .confirm-text').textContent()) || '').trim();
        if (question !== `Apply ${PKG} v1: write 1 new and 1 changed definitions to ${QA_NAME}?`) throw new Error(`confirm: "${question}"`);
        await again.locator('vscode-button.confirm-apply').click();
        await again.locator('.status-badge.status-applied').waitFor({ state: 'visible', timeout: 15_000 });
        await again.locator('.status-line .status-text').filter({ hasText: /^Applied: 1 new and 1 changed definitions written/ }).waitFor({ state: 'visible', timeout: 5_000 });
        const after = await asQa('GET', `/api/v1/imports/${pulled.id}`);
        if (after.status !== 'APPLIED') throw new Error(`qa says the import is ${after.status}`);
        note(`screenshot: ${await screenshot('vscode-ui-review-applied')}`);
      } finally {
        await stopEmulator(qa);
        await stopEmulator(dev);
        fs.writeFileSync(settingsFile, originalSettings);
        await ui.runCommand(page, 'View: Close All Editors', { settleMs: 300, allowError: true }).catch(() => {});
        await ui.clearNotifications(page).catch(() => {});
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
  },
];
