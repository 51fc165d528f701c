// UI check of promotion in the Gateways view, against two emulators of the check's own: dev, and qa
// with dev as its promotion source. Through the API, qa pulls and applies v1 and pulls v2; the view
// then shows the statuses as badges (dev: v1 PROMOTED, v2 ACCEPTED, v3 SUBMITTED; qa: v1 APPLIED)
// and qa's Imports node (v2 OPEN, v1 APPLIED) — screenshot; hovering dev's v1 shows its per-target
// history — screenshot. Then the OPEN import's inline Apply
// action, confirmed in its modal (which says what it writes): APPLIED on qa, PROMOTED on dev —
// screenshot.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, authHeaders, startEmulator, stopEmulator } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PKG = 'promo-ui';
const HELLO = 'description: Says hello.\nsteps:\n  - kind: log\n    message: hello\n';

/** Runs TypeScript module code of the repository through tsx; answers its stdout. */
function tsx(code) {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
}

const mod = (rel) => `(await import(${JSON.stringify(path.join(root, rel))}))`;

/** Package `PKG` `version`, signed with the key in `dataDir` (what the gateway does to what is submitted to it). */
function signedPackage(dataDir, version) {
  const out = tsx(`
    const pf = ${mod('src/core/package/packageFile.ts')}; const sg = ${mod('src/core/package/signature.ts')};
    const { buildPackageFile } = pf.buildPackageFile ? pf : pf.default;
    const { signPackageFile } = sg.signPackageFile ? sg : sg.default;
    const { createPrivateKey } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const { bytes } = await buildPackageFile({ name: ${JSON.stringify(PKG)}, version: ${version}, createdBy: 'flowgate-ui-check/0.1.0',
      definitions: [{ kind: 'flow', id: 'promo/ui/Hello', text: ${JSON.stringify(HELLO)} }] });
    const k = JSON.parse(readFileSync(${JSON.stringify(path.join(dataDir, 'signing', 'package-key.json'))}, 'utf8')).keys.find((x) => x.current);
    const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x, d: k.d }, format: 'jwk' });
    const signed = await signPackageFile(bytes, { kid: k.kid, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: k.x }, privateKey });
    process.stdout.write(Buffer.from(signed).toString('base64'));`);
  return Buffer.from(out, 'base64');
}

function defaultConfig() {
  return tsx(`const m = ${mod('src/core/gatewayConfig/schema.ts')}; process.stdout.write((m.defaultGatewayConfigText ? m : m.default).defaultGatewayConfigText([]));`);
}

/** The Gateways view's rows as `level:label [description]`. */
function describe(items) {
  return items.map((i) => `${i.level}:${i.label}${i.description ? ` [${i.description}]` : ''}`);
}

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Gateways view: status badges on dev and qa, the Imports node of qa; Apply on the OPEN import (modal) → APPLIED on qa, PROMOTED on dev',
    async run({ page, ui, workspace, screenshot, note }) {
      const settingsFile = path.join(workspace, '.vscode/settings.json');
      const originalSettings = fs.readFileSync(settingsFile, 'utf8');
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-ui-promotion-'));
      const devData = path.join(tmp, 'dev');
      const qaData = path.join(tmp, 'qa');
      fs.mkdirSync(devData, { mode: 0o700 });
      fs.mkdirSync(qaData, { mode: 0o700 });
      let dev;
      let qa;
      try {
        dev = await startEmulator(devData, 'dev');
        const devCreds = JSON.parse(fs.readFileSync(path.join(devData, 'local-admin.json'), 'utf8'));
        const kid = (await api(dev.url, 'GET', '/api/v1/gateway/keys')).keys.find((k) => k.current).kid;
        const qaConfig = path.join(tmp, 'qa-gateway.yaml');
        fs.writeFileSync(
          qaConfig,
          defaultConfig() +
            ['promotion:', '  sources:', '    - name: dev', `      url: ${JSON.stringify(dev.url)}`, `      clientId: ${JSON.stringify(devCreds.client_id)}`, `      clientSecret: ${JSON.stringify(devCreds.client_secret)}`, `      trustedKeys: [${JSON.stringify(kid)}]`, ''].join('\n'),
          { mode: 0o600 },
        );
        qa = await startEmulator(qaData, 'qa', { config: qaConfig });
        const asDev = async (method, p, body, headers = {}) => api(dev.url, method, p, body, { ...(await authHeaders(devData)), ...headers });
        const asQa = async (method, p, body, headers = {}) => api(qa.url, method, p, body, { ...(await authHeaders(qaData)), ...headers });
        for (const v of [1, 2, 3]) await asDev('POST', '/api/v1/packages', signedPackage(devData, v), { 'content-type': 'application/zip' });
        const json = { 'content-type': 'application/json' };
        const first = await asQa('POST', '/api/v1/imports', JSON.stringify({ source: 'dev', name: PKG, version: 1 }), json);
        await asQa('POST', `/api/v1/imports/${first.id}/apply`, '{}', json);
        const second = await asQa('POST', '/api/v1/imports', JSON.stringify({ source: 'dev', name: PKG, version: 2 }), json);

        const settings = JSON.parse(originalSettings);
        fs.writeFileSync(
          settingsFile,
          JSON.stringify(
            {
              ...settings,
              'flowgate.gateways': [
                { name: 'dev', url: dev.url, credentialsFile: path.join(devData, 'local-admin.json') },
                { name: 'qa', url: qa.url, credentialsFile: path.join(qaData, 'local-admin.json') },
              ],
            },
            null,
            2,
          ),
        );
        await page.waitForTimeout(1500);
        await ui.clearNotifications(page);
        await ui.openViewContainer(page, 'Flowgate');
        await ui.runCommand(page, 'Flowgate: Refresh Gateways', { settleMs: 500 });
        const pane = await ui.expandView(page, 'Gateways');
        const rows = pane.locator('.pane-body .monaco-list-row');

        /** Opens every collapsed row labelled `label` (packages on both gateways, the Imports node). */
        const openAll = async (label, expect) => {
          await rows.filter({ hasText: label }).first().waitFor({ state: 'visible', timeout: 30_000 });
          for (let n = 0; n < expect; n++) {
            const items = await ui.readTreeItems(page, 'Gateways');
            const index = items.findIndex((i) => i.label === label && i.expanded === 'false');
            if (index < 0) break;
            await rows.nth(index).click();
            await page.waitForTimeout(700);
          }
        };
        await openAll(PKG, 2);
        await openAll('Imports', 1);
        const expected = [
          `3:v3 [SUBMITTED · unpublished]`,
          `3:v2 [ACCEPTED · unpublished]`,
          `3:v1 [PROMOTED · unpublished]`,
          `3:v1 [APPLIED · unpublished]`,
          `2:Imports [1 open · 2 imports · from dev]`,
          `3:${PKG} v2 [OPEN · from dev]`,
          `3:${PKG} v1 [APPLIED · from dev]`,
        ];
        let shown = [];
        for (const end = Date.now() + 20_000; ; await page.waitForTimeout(300)) {
          shown = describe(await ui.readTreeItems(page, 'Gateways'));
          if (expected.every((e) => shown.includes(e))) break;
          if (Date.now() > end) throw new Error(`Gateways view: ${JSON.stringify(shown)}; expected rows ${JSON.stringify(expected)}`);
        }
        // dev's rows come before qa's: the badges sit under the right gateway.
        const devAt = shown.findIndex((r) => r.startsWith('1:dev ['));
        const qaAt = shown.findIndex((r) => r.startsWith('1:qa ['));
        if (!(devAt >= 0 && qaAt > devAt && shown.indexOf('3:v1 [PROMOTED · unpublished]') < qaAt && shown.indexOf('3:v1 [APPLIED · unpublished]') > qaAt)) {
          throw new Error(`gateways and badges out of place: ${JSON.stringify(shown)}`);
        }
        note(`screenshot: ${await screenshot('vscode-ui-promotion-tree')}`);

        // Hovering dev's v1 shows its per-target history (the tooltip resolveTreeItem fills).
        const devV1 = rows.nth(shown.indexOf('3:v1 [PROMOTED · unpublished]'));
        let hoverText = '';
        for (const end = Date.now() + 20_000; ; ) {
          await page.mouse.move(0, 0);
          await devV1.hover();
          const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'History:' }).first();
          try {
            await hover.waitFor({ state: 'visible', timeout: 4_000 });
            hoverText = ((await hover.innerText()) || '').replace(/\s+/g, ' ');
            break;
          } catch {
            if (Date.now() > end) throw new Error('no history tooltip on dev v1');
          }
        }
        if (!/Targets: qa: PROMOTED/.test(hoverText) || !/ACCEPTED on qa by /.test(hoverText) || !/PROMOTED on qa by /.test(hoverText)) throw new Error(`dev v1 tooltip: "${hoverText}"`);
        note(`tooltip: ${hoverText.slice(0, 300)}`);
        note(`screenshot: ${await screenshot('vscode-ui-promotion-history')}`);
        await page.mouse.move(0, 0);

        // Apply the OPEN import from its inline action; the modal says what it writes.
        const openRow = rows.filter({ hasText: `${PKG} v2` }).first();
        await openRow.hover();
        await openRow.locator('.actions .action-label[aria-label="Apply Import"]').click();
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ state: 'visible', timeout: 20_000 });
        const text = (await ui.dialogs(page)).join(' | ');
        // v2 carries the same flow text v1 put into qa's repository: nothing new, nothing changed.
        if (!text.includes(`Apply ${PKG} v2 from dev on qa?`) || !text.includes('It writes 0 new and 0 changed definitions (1 unchanged) into the repository of qa')) {
          throw new Error(`Apply dialog: "${text}"`);
        }
        note(`dialog: ${text}`);
        note(`screenshot: ${await screenshot('vscode-ui-promotion-apply-dialog')}`);
        await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
        for (const end = Date.now() + 20_000; ; await page.waitForTimeout(300)) {
          const imp = await asQa('GET', `/api/v1/imports/${second.id}`);
          if (imp.status === 'APPLIED') break;
          if (Date.now() > end) throw new Error(`qa import of v2: ${imp.status}`);
        }
        const after = [`3:v2 [PROMOTED · unpublished]`, `3:${PKG} v2 [APPLIED · from dev]`, `2:Imports [2 imports · from dev]`];
        for (const end = Date.now() + 20_000; ; await page.waitForTimeout(300)) {
          shown = describe(await ui.readTreeItems(page, 'Gateways'));
          if (after.every((e) => shown.includes(e))) break;
          if (Date.now() > end) throw new Error(`after Apply: ${JSON.stringify(shown)}; expected rows ${JSON.stringify(after)}`);
          await ui.runCommand(page, 'Flowgate: Refresh Gateways', { settleMs: 300 });
          await openAll(PKG, 2);
          await openAll('Imports', 1);
        }
        const devV2 = (await asDev('GET', `/api/v1/packages/${PKG}`)).versions.find((v) => v.version === 2);
        if (devV2.status !== 'PROMOTED') throw new Error(`dev v2: ${devV2.status}`);
        note(`screenshot: ${await screenshot('vscode-ui-promotion-applied')}`);
      } finally {
        await stopEmulator(qa?.child);
        await stopEmulator(dev?.child);
        fs.writeFileSync(settingsFile, originalSettings);
        await ui.clearNotifications(page).catch(() => {});
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
  },
];
