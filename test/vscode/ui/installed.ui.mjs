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

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'the extension runs from its own folder: views render, the local gateway starts from its dist/emulator.js, Publish to Dev Gateway publishes',
    async run({ page, ui, workspace, localDataDir, extensionDir, installed, screenshot, note }) {
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
    },
  },
];
