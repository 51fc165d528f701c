// UI check that the extension under test is the one running, from its own folder: the views render,
// Start Local Gateway starts the emulator from that folder's dist/emulator.js (the real process's
// command line, found through the gateway's lock file), and Publish to Dev Gateway publishes the
// sample. With `run.mjs --vsix` that folder is the .vsix installed into code-server — the user's
// setup, no development path —; without, the repository.
import fs from 'node:fs';
import path from 'node:path';
import { api, authHeaders } from './support.mjs';

const localPort = (workspace) =>
  JSON.parse(fs.readFileSync(path.join(workspace, '.vscode/settings.json'), 'utf8'))['flowgate.localGateway.port'];

/** Waits for `<data>/gateway.lock` (the running gateway's pid) and answers that process's command line. */
async function gatewayCommandLine(dataDir, timeoutMs) {
  const lock = path.join(dataDir, 'gateway.lock');
  const end = Date.now() + timeoutMs;
  let last = 'no gateway.lock yet';
  while (Date.now() < end) {
    try {
      const { pid } = JSON.parse(fs.readFileSync(lock, 'utf8'));
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      return { pid, argv };
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the local gateway's lock file did not name a live process within ${timeoutMs / 1000}s (${last})`);
}


/**
 * With the .vsix installed: its page in the Extensions view shows the packed (marketplace) README
 * and every image of it loads — the page allows only https: and data: images, so the package
 * inlines them (scripts/package.mjs). A development extension has no such page.
 */
async function checkExtensionPage({ page, ui, extensionDir, screenshot, note }) {
  const readme = fs.readFileSync(path.join(extensionDir, 'readme.md'), 'utf8');
  const expected = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].length;
  if (expected < 3) throw new Error(`the packed README shows ${expected} images`);
  await ui.runCommand(page, 'Extensions: Show Enabled Extensions', { settleMs: 0 });
  const row = page.locator('.part.sidebar .extensions-list .monaco-list-row').filter({ hasText: 'Flowgate' }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
  await page.locator('.extension-editor .header .name').filter({ hasText: 'Flowgate' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const frame = ui.webviewFrame(page);
  await frame.locator('h2').filter({ hasText: 'Features' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const images = frame.locator('img');
  const end = Date.now() + 30_000;
  let state = [];
  for (;;) {
    state = await images.evaluateAll((els) => els.map((el) => ({ src: (el.getAttribute('src') || '').slice(0, 60), loaded: el.complete && el.naturalWidth > 0 })));
    if (state.length >= expected && state.every((i) => i.loaded)) break;
    if (Date.now() > end) throw new Error(`README images on the extension's page (${expected} expected): ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  note(`the extension's page: the README with ${state.length} images loaded; screenshot: ${await screenshot('vscode-ui-installed-readme')}`);
  await ui.runCommand(page, 'View: Close All Editors', { settleMs: 0 });
  await ui.openViewContainer(page, 'Flowgate');
}

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: "the extension runs from its own folder: views render, the local gateway starts from its dist/emulator.js, Publish to Dev Gateway publishes; installed, its page shows the README's screenshots",
    async run(t) {
      const { page, ui, workspace, localDataDir, extensionDir, installed, screenshot, note } = t;
      const title = (await page.title()) || '';
      if (installed && /Extension Development Host/.test(title)) throw new Error(`the workbench is an extension development host ("${title}"), not the installed extension`);
      await ui.openViewContainer(page, 'Flowgate');
      const packages = await ui.readTreeItems(page, 'Packages', { waitForLabel: 'network-ops', timeout: 30_000 });
      if (!packages.some((p) => p.label === 'network-ops')) throw new Error(`Packages view: ${packages.map((p) => p.label).join(' | ')}`);

      const url = `http://127.0.0.1:${localPort(workspace)}`;
      await ui.runCommand(page, 'Flowgate: Start Local Gateway', { settleMs: 0 });
      const { pid, argv } = await gatewayCommandLine(localDataDir, 45_000);
      const script = argv.find((a) => a.endsWith('emulator.js'));
      const expected = fs.realpathSync(path.join(extensionDir, 'dist/emulator.js'));
      if (!script || fs.realpathSync(script) !== expected) {
        throw new Error(`the local gateway (pid ${pid}) runs ${script ?? argv.join(' ')}, not ${expected}`);
      }
      // The lock is taken before the gateway listens: wait for it to answer.
      await ui.statusBarText(page, 'Flowgate: running');
      let health;
      for (const end = Date.now() + 30_000; Date.now() < end && health?.status !== 'ok'; ) {
        health = await api(url, 'GET', '/healthz').catch((e) => ({ error: e.message }));
        if (health?.status !== 'ok') await new Promise((r) => setTimeout(r, 250));
      }
      if (health?.status !== 'ok') throw new Error(`/healthz of ${url}: ${JSON.stringify(health)}`);
      note(`gateway pid ${pid} runs ${path.relative(path.dirname(extensionDir), expected)}`);

      await ui.clearNotifications(page);
      await ui.runCommand(page, 'Flowgate: Publish to Dev Gateway', { settleMs: 0 });
      await ui.waitForToast(page, `Published network-ops 1 to ${url}`, { timeout: 45_000 });
      const pkg = await api(url, 'GET', '/api/v1/packages/network-ops', undefined, await authHeaders(localDataDir));
      const v1 = pkg.versions.find((v) => v.version === 1);
      if (!v1?.published) throw new Error(`network-ops v1 on the gateway: ${JSON.stringify(v1)}`);
      await ui.expandView(page, 'Gateways');
      note(`screenshot: ${await screenshot(installed ? 'vscode-ui-installed-vsix' : 'vscode-ui-installed')}`);
      await ui.clearNotifications(page);
      if (installed) await checkExtensionPage(t);
    },
  },
];
