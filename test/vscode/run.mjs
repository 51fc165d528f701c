#!/usr/bin/env node
// Runs Flowgate's VS Code tests in a real VS Code with no internet: code-server (installed by
// scripts/setup-vscode.sh into .vscode-test/) driven by Debian's chromium through playwright-core.
//
//   node test/vscode/run.mjs [--no-build] [--no-ui] [--only <word>[,<word>…]] [--timeout <seconds>] [--keep]
//                            [--extension-path <dir>] [--screenshots <dir>] [--vsix <file.vsix>]
//
// --vsix: the packaged extension instead of the repository. The in-host suite runs with the .vsix
//   unpacked as extensionDevelopmentPath (the exact shipped files), and the UI phase runs with the
//   .vsix installed into code-server (`--install-extension`), as a user has it: no development path.
//
// Phase 1 (in-host): the mocha suite in test/vscode/suite/ is bundled with esbuild and run inside
//   the Node extension host (extensionTestsPath); its progress is streamed from the results file
//   the suite writes next to itself; the exit code comes from window.codeAutomationExit.
// Phase 2 (ui): the workbench is opened again with the extension and checked with test/vscode/ui.mjs.
// Ends with the line `vscode: N passed, M failed`; exits non-zero when anything failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import JSZip from 'jszip';
import { chromium } from 'playwright-core';
import { bundleSuite, readSummary, root } from './bundle-suite.mjs';
import * as ui from './ui.mjs';
import { freePort } from './ui/support.mjs';

// ---------- options ----------
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(name + '='));
  return eq ? eq.slice(name.length + 1) : fallback;
};
const opts = {
  build: !flag('--no-build'),
  ui: !flag('--no-ui'),
  keep: flag('--keep'),
  /** Only the in-host test files and UI check files whose name contains this word. */
  only: option('--only', undefined),
  timeoutMs: Number(option('--timeout', process.env.FLOWGATE_VSCODE_TIMEOUT || '300')) * 1000,
  extensionPath: path.resolve(option('--extension-path', process.env.FLOWGATE_VSCODE_EXTENSION_PATH || root)),
  screenshots: path.resolve(option('--screenshots', path.join(root, 'test-results'))),
  chromium: process.env.FLOWGATE_CHROMIUM || '/usr/bin/chromium',
  /** The packaged extension to test instead of the repository (see --vsix above). */
  vsix: option('--vsix', undefined) ? path.resolve(option('--vsix', undefined)) : undefined,
};
/** `--only a,b`: a file is selected when its name contains any of the words. */
const onlyWords = opts.only ? opts.only.split(',').filter(Boolean) : undefined;
const selected = (file) => !onlyWords || onlyWords.some((w) => file.includes(w));

const CODE_SERVER = path.join(root, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

// ---------- state shared with cleanup ----------
const state = {
  passed: 0,
  failed: 0,
  tmp: undefined,
  outDir: undefined,
  child: undefined, // a running build/setup step
  codeServer: undefined,
  codeServerLog: undefined,
  browser: undefined,
  page: undefined,
  phase: 'setup',
  consoleLines: [],
  failures: [], // titles of failed tests and checks, listed before the summary line
  cleaned: false,
  vsixDir: undefined, // --vsix: where the .vsix was unpacked (the in-host phase's extension)
  installedDir: undefined, // --vsix: the extension's folder in code-server's extensions folder
};

const t0 = Date.now();
const log = (msg) => console.log(`[vscode +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class HarnessError extends Error {}

// ---------- helpers ----------
/** Runs a step (build, setup) asynchronously so the overall timeout and signals still work. */
function run(cmd, args, what, env = process.env) {
  log(`${what}: ${cmd} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    state.child = child;
    child.on('error', (e) => reject(new HarnessError(`${what} failed: ${e.message}`)));
    child.on('exit', (code, signal) => {
      state.child = undefined;
      if (code === 0) resolve();
      else reject(new HarnessError(`${what} failed (exit ${code ?? signal})`));
    });
  });
}

async function waitForHttp(url, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    if (state.codeServer?.exitCode != null) throw new HarnessError(`code-server exited (code ${state.codeServer.exitCode})`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(200);
  }
  throw new HarnessError(`code-server did not answer ${url} within ${timeoutMs / 1000}s (${last})`);
}

function payloadUrl(port, folder, payload) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const entries = payload.map(([k, v]) => [k, k.endsWith('Path') ? remote(v) : v]);
  return (
    `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}` +
    `&payload=${encodeURIComponent(JSON.stringify(entries))}`
  );
}

async function failureScreenshot(name) {
  if (!state.page || state.page.isClosed()) return;
  try {
    const file = await ui.screenshot(state.page, opts.screenshots, `vscode-failure-${name}`);
    log(`screenshot of the failure: ${path.relative(root, file)}`);
  } catch (e) {
    log(`could not take a screenshot: ${e.message}`);
  }
}

function printCodeServerLog() {
  try {
    const text = fs.readFileSync(state.codeServerLog, 'utf8').trim().split('\n').slice(-40);
    if (text.length) console.log(`--- code-server log (last ${text.length} lines) ---\n${text.join('\n')}\n---`);
  } catch {}
  if (state.consoleLines.length) {
    const lines = state.consoleLines.slice(-40);
    console.log(`--- browser console errors (last ${lines.length}) ---\n${lines.join('\n')}\n---`);
  }
}

async function cleanup() {
  if (state.cleaned) return;
  state.cleaned = true;
  if (state.child && state.child.exitCode == null) {
    try {
      state.child.kill('SIGTERM');
    } catch {}
  }
  try {
    await Promise.race([state.browser?.close(), sleep(5000)]);
  } catch {}
  const cs = state.codeServer;
  if (cs && cs.exitCode == null && cs.signalCode == null) {
    const exited = new Promise((r) => cs.once('exit', r));
    try {
      process.kill(-cs.pid, 'SIGTERM');
    } catch {}
    if ((await Promise.race([exited.then(() => true), sleep(3000)])) !== true) {
      try {
        process.kill(-cs.pid, 'SIGKILL');
      } catch {}
    }
  }
  if (!opts.keep) {
    for (const dir of [state.tmp, state.outDir, state.vsixDir]) {
      if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
    // Remove out/vscode-test and out/ when this run left them empty.
    for (const dir of [path.join(root, 'out/vscode-test'), path.join(root, 'out')]) {
      try {
        if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
      } catch {}
    }
  } else {
    log(`kept temp folders: ${state.tmp} ${state.outDir}`);
  }
}

/** Removes temp and bundle folders that runs killed hard (SIGKILL) left behind, after 2 hours. */
function removeStaleRunFolders() {
  const cutoff = Date.now() - 2 * 3600_000;
  const candidates = [];
  for (const dir of [os.tmpdir(), path.join(root, 'out/vscode-test')]) {
    try {
      for (const f of fs.readdirSync(dir)) if (f.startsWith('flowgate-vscode-')) candidates.push(path.join(dir, f));
    } catch {}
  }
  for (const p of candidates) {
    try {
      if (fs.statSync(p).mtimeMs < cutoff) fs.rmSync(p, { recursive: true, force: true });
    } catch {}
  }
}

/** code-server's environment: its config, data and cache inside this run's temp folder, not the user's home. */
function codeServerEnv() {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(state.tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(state.tmp, 'xdg-data'),
    XDG_CACHE_HOME: path.join(state.tmp, 'xdg-cache'),
    // The in-host suite checks that the extension it runs in was loaded from here (the unpacked .vsix with --vsix).
    FLOWGATE_VSCODE_EXTENSION_UNDER_TEST: opts.extensionPath,
    // Where in-host tests find the repository's node_modules (playwright-core), whatever the extension's folder.
    FLOWGATE_VSCODE_REPO_ROOT: root,
  };
}

// ---------- the packaged extension (--vsix) ----------
/** Unpacks the .vsix as VS Code does (its extension/ folder) into a temp folder; answers that folder. */
async function unpackVsix(file) {
  if (!fs.existsSync(file)) throw new HarnessError(`--vsix ${file}: no such file (npm run package)`);
  state.vsixDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-vscode-vsix-'));
  const zip = await JSZip.loadAsync(fs.readFileSync(file));
  let count = 0;
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir) continue;
    const target = path.resolve(state.vsixDir, name);
    if (!target.startsWith(state.vsixDir + path.sep)) throw new HarnessError(`the .vsix entry ${name} points outside its folder`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await entry.async('uint8array'));
    count++;
  }
  const extension = path.join(state.vsixDir, 'extension');
  if (!fs.existsSync(path.join(extension, 'package.json'))) throw new HarnessError(`${file} has no extension/package.json`);
  log(`vsix: ${path.basename(file)} unpacked (${count} files) to ${extension}`);
  return extension;
}

/** Installs the .vsix into code-server's extensions folder as a user would; answers the installed extension's folder. */
async function installVsix(file, extensionsDir, userData, manifest) {
  await run(process.execPath, [CODE_SERVER, '--install-extension', file, '--extensions-dir', extensionsDir, '--user-data-dir', userData], 'install', codeServerEnv());
  const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
  const dir = fs.readdirSync(extensionsDir).find((d) => d.toLowerCase() === `${id}-${manifest.version}`);
  if (!dir) throw new HarnessError(`code-server did not install ${id} ${manifest.version} into ${extensionsDir} (found: ${fs.readdirSync(extensionsDir).join(', ') || 'nothing'})`);
  const installed = path.join(extensionsDir, dir);
  if (!fs.existsSync(path.join(installed, manifest.main))) throw new HarnessError(`the installed extension lacks its main file ${manifest.main}`);
  log(`vsix: installed into code-server as ${dir}`);
  return installed;
}

// ---------- phases ----------
async function start() {
  removeStaleRunFolders();
  // Screenshots of an earlier run would mislead: remove this runner's own ones.
  try {
    for (const f of fs.readdirSync(opts.screenshots)) {
      if (/^vscode-(failure|ui)-.*\.png$/.test(f)) fs.rmSync(path.join(opts.screenshots, f), { force: true });
    }
  } catch {}
  if (opts.build) await run(process.execPath, ['scripts/build.mjs'], 'build');
  await run('bash', ['scripts/setup-vscode.sh'], 'setup');
  if (!fs.existsSync(CODE_SERVER)) throw new HarnessError(`code-server is missing: ${CODE_SERVER}`);
  if (opts.vsix) opts.extensionPath = await unpackVsix(opts.vsix);
  const manifest = JSON.parse(fs.readFileSync(path.join(opts.extensionPath, 'package.json'), 'utf8'));
  const main = path.join(opts.extensionPath, manifest.main || 'extension.js');
  if (!fs.existsSync(main)) throw new HarnessError(`the extension's main file is missing: ${main} (build first)`);

  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-vscode-'));
  // Each phase gets its own copy of examples/: in-host tests may change files.
  const ws = path.join(state.tmp, 'workspace');
  fs.cpSync(path.join(root, 'examples'), ws, { recursive: true });
  const wsUi = path.join(state.tmp, 'workspace-ui');
  fs.cpSync(path.join(root, 'examples'), wsUi, { recursive: true });
  // The UI phase's local gateway on a free port (the in-host suite picks its own), so parallel runs
  // and a gateway on the default port do not collide.
  fs.mkdirSync(path.join(wsUi, '.vscode'));
  fs.writeFileSync(
    path.join(wsUi, '.vscode/settings.json'),
    JSON.stringify({ 'flowgate.localGateway.port': await freePort(), 'flowgate.localGateway.snmpPort': 0 }, null, 2),
  );
  const userData = path.join(state.tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'workbench.enableExperiments': false,
        'git.enabled': false,
        'window.restoreWindows': 'none',
      },
      null,
      2,
    ),
  );
  const extensionsDir = path.join(state.tmp, 'extensions');
  fs.mkdirSync(extensionsDir);
  if (opts.vsix) state.installedDir = await installVsix(opts.vsix, extensionsDir, userData, manifest);

  state.outDir = path.join(root, 'out/vscode-test', path.basename(state.tmp));
  const suiteEntry = await bundleSuite(state.outDir, opts.only);
  if (suiteEntry) log(`suite bundled: ${path.relative(root, suiteEntry)}`);
  else log(`in-host suite: no test file has '${opts.only}' in its name; UI checks only`);

  const port = await freePort();
  state.codeServerLog = path.join(state.tmp, 'code-server.log');
  const logFd = fs.openSync(state.codeServerLog, 'a');
  const args = [
    CODE_SERVER,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
    ws,
  ];
  state.codeServer = spawn(process.execPath, args, {
    cwd: state.tmp,
    detached: true, // own process group: cleanup kills code-server and everything it started
    stdio: ['ignore', logFd, logFd],
    env: codeServerEnv(),
  });
  fs.closeSync(logFd);
  log(`code-server starting on 127.0.0.1:${port} (pid ${state.codeServer.pid})`);
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  log('code-server is up');

  state.browser = await chromium.launch({ executablePath: opts.chromium, args: CHROMIUM_ARGS, headless: true });
  const context = await state.browser.newContext({ viewport: { width: 1400, height: 900 } });
  return { context, port, ws, wsUi, suiteEntry, userData };
}

function trackConsole(page, phase) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') state.consoleLines.push(`[${phase}] ${msg.text()}`);
  });
  page.on('pageerror', (err) => state.consoleLines.push(`[${phase}] page error: ${err.message}`));
}

async function inHostPhase({ context, port, ws, suiteEntry }) {
  state.phase = 'in-host';
  const page = await context.newPage();
  state.page = page;
  trackConsole(page, 'in-host');
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationExit', (code) => {
    resolveExit(Number(code));
  });
  const url = payloadUrl(port, ws, [
    ['extensionDevelopmentPath', opts.extensionPath],
    ['extensionTestsPath', suiteEntry],
    ['skipWelcome', 'true'],
  ]);
  log('in-host suite: opening the workbench with extensionTestsPath');
  await page.goto(url, { waitUntil: 'domcontentloaded' });

  // Stream the suite's results.log while it runs.
  const resultsLog = path.join(path.dirname(suiteEntry), 'results.log');
  let printed = 0;
  const flush = () => {
    let text;
    try {
      text = fs.readFileSync(resultsLog, 'utf8');
    } catch {
      return;
    }
    if (text.length > printed) {
      process.stdout.write(
        text
          .slice(printed)
          .split('\n')
          .map((l, i, a) => (i === a.length - 1 && l === '' ? '' : `  ${l}`))
          .join('\n'),
      );
      printed = text.length;
    }
  };
  const timer = setInterval(flush, 250);
  let code;
  try {
    code = await exited;
  } finally {
    clearInterval(timer);
    flush();
  }
  const summary = readSummary(suiteEntry);
  if (!summary) throw new HarnessError(`the in-host suite exited with code ${code} and wrote no results.json`);
  state.passed += summary.passed;
  state.failed += summary.failed;
  for (const f of summary.failures || []) state.failures.push(`in-host: ${f.title}`);
  log(`in-host suite: exit code ${code}, ${summary.passed} passed, ${summary.failed} failed (${summary.durationMs} ms)`);
  if (code !== 0 && summary.failed === 0) {
    state.failed += 1;
    state.failures.push(`in-host: exit code ${code} although no test failed`);
    log(`in-host suite: FAIL exit code ${code} although no test failed`);
  }
  if (code !== 0 || summary.failed > 0) await failureScreenshot('in-host');
  await page.close().catch(() => {});
  state.page = undefined;
}

async function uiCheck(title, fn) {
  try {
    await fn();
    state.passed++;
    console.log(`  ui: ok   ${title}`);
    return true;
  } catch (e) {
    state.failed++;
    state.failures.push(`ui: ${title}`);
    const text = String(e.stack || e).replace(/\x1b\[[0-9;]*m/g, '');
    console.log(`  ui: FAIL ${title}\n       ${text.split('\n').join('\n       ')}`);
    await failureScreenshot(`ui-${title.slice(0, 40)}`);
    // A failed check may leave a dialog or the palette open: clear them for the next check.
    await ui.dismissDialogs(state.page).catch(() => {});
    await state.page?.keyboard.press('Escape').catch(() => {});
    return false;
  }
}

/**
 * What a UI check gets: the page, the helpers of ui.mjs, `screenshot(name)` (saves
 * `<screenshots>/<name>.png`, returns its path relative to the repository) and `note(text)` (prints
 * a line under the check).
 * `localDataDir` is the data folder of the emulator the extension starts (its local-admin.json).
 * `extensionDir` is the folder the running extension was loaded from (the repository, or with
 * --vsix the installed extension's folder); `installed` is true with --vsix.
 * @typedef {{ page: import('playwright-core').Page, ui: typeof ui, workspace: string, localDataDir: string,
 *   extensionDir: string, installed: boolean,
 *   screenshot: (name: string) => Promise<string>, note: (text: string) => void }} UiContext
 */

/** Loads the UI checks: the default export (an array of `{ title, run }`) of each ui/*.ui.mjs. */
async function loadUiChecks() {
  const dir = path.join(root, 'test/vscode/ui');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ui.mjs') && selected(f)).sort();
  const checks = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(dir, f)).href);
    // `export const workspace = 'empty'`: the file's checks run in a window of their own on an empty folder.
    for (const c of mod.default || []) checks.push({ ...c, title: `${f.replace(/\.ui\.mjs$/, '')}: ${c.title}`, empty: mod.workspace === 'empty' });
  }
  if (checks.length === 0 && !opts.only) throw new HarnessError(`no UI checks in ${dir}/*.ui.mjs`);
  return checks;
}

async function uiPhase({ context, port, wsUi, userData }) {
  state.phase = 'ui';
  // Both phases share code-server's user data: start the UI phase with an empty emulator store.
  fs.rmSync(path.join(userData, 'User/globalStorage/flowgate.flowgate/emulator'), { recursive: true, force: true });
  const checks = await loadUiChecks();
  if (checks.length === 0) {
    log(`ui: no UI check file has '${opts.only}' in its name`);
    return;
  }
  const page = await context.newPage();
  state.page = page;
  trackConsole(page, 'ui');
  // --vsix: the installed extension, as a user has it (no development path).
  const url = payloadUrl(port, wsUi, [...(opts.vsix ? [] : [['extensionDevelopmentPath', opts.extensionPath]]), ['skipWelcome', 'true']]);
  log(`ui: opening the workbench with the ${opts.vsix ? `installed extension (${path.basename(state.installedDir)})` : 'extension'} (${checks.length} checks)`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  console.log('ui');
  const rendered = await uiCheck('the workbench renders', () => ui.waitForWorkbench(page, 90_000));
  /** @type {UiContext} */
  const t = {
    page,
    ui,
    workspace: wsUi,
    localDataDir: path.join(userData, 'User/globalStorage/flowgate.flowgate/emulator'),
    extensionDir: opts.vsix ? state.installedDir : opts.extensionPath,
    installed: Boolean(opts.vsix),
    screenshot: async (name) => path.relative(root, await ui.screenshot(page, opts.screenshots, name)),
    note: (text) => console.log(`       ${text}`),
  };
  for (const check of checks.filter((c) => !c.empty)) {
    if (!rendered) {
      // Not skipped: without a workbench every check fails.
      state.failed++;
      state.failures.push(`ui: ${check.title}`);
      console.log(`  ui: FAIL ${check.title} (the workbench did not render)`);
      continue;
    }
    await uiCheck(check.title, () => check.run(t));
  }
  await page.close().catch(() => {});
  state.page = undefined;
  const emptyChecks = checks.filter((c) => c.empty);
  if (emptyChecks.length) await emptyFolderChecks({ context, port, userData, checks: emptyChecks, t });
}

/**
 * The checks of files that `export const workspace = 'empty'`: a second window on an empty folder
 * (only .vscode/settings.json with its own free gateway port). The first window's local emulator
 * holds the shared data folder while its extension host lingers: it is stopped first (its pid is in
 * the folder's gateway.lock).
 */
async function emptyFolderChecks({ context, port, userData, checks, t }) {
  const lock = path.join(t.localDataDir, 'gateway.lock');
  try {
    const pid = JSON.parse(fs.readFileSync(lock, 'utf8')).pid;
    if (Number.isSafeInteger(pid) && pid > 0) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && fs.existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
    }
  } catch {}
  fs.rmSync(t.localDataDir, { recursive: true, force: true });
  const wsEmpty = path.join(state.tmp, 'workspace-empty');
  fs.mkdirSync(path.join(wsEmpty, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(wsEmpty, '.vscode/settings.json'), JSON.stringify({ 'flowgate.localGateway.port': await freePort(), 'flowgate.localGateway.snmpPort': 0 }, null, 2));
  const page = await context.newPage();
  state.page = page;
  trackConsole(page, 'ui-empty');
  log(`ui: opening a window on an empty folder (${checks.length} checks)`);
  await page.goto(payloadUrl(port, wsEmpty, [['extensionDevelopmentPath', opts.extensionPath], ['skipWelcome', 'true']]), { waitUntil: 'domcontentloaded' });
  const rendered = await uiCheck('the workbench renders on an empty folder', () => ui.waitForWorkbench(page, 90_000));
  for (const check of checks) {
    if (!rendered) {
      state.failed++;
      state.failures.push(`ui: ${check.title}`);
      console.log(`  ui: FAIL ${check.title} (the workbench did not render)`);
      continue;
    }
    const screenshot = async (name) => path.relative(root, await ui.screenshot(page, opts.screenshots, name));
    await uiCheck(check.title, () => check.run({ ...t, page, workspace: wsEmpty, screenshot }));
  }
  await page.close().catch(() => {});
  state.page = undefined;
}

// ---------- main ----------
async function main() {
  let timeoutHandle;
  const timedOut = new Promise((_, reject) => {
    timeoutHandle = setTimeout(
      () => reject(new HarnessError(`timed out after ${opts.timeoutMs / 1000}s (phase: ${state.phase})`)),
      opts.timeoutMs,
    );
  });
  let harnessError;
  try {
    await Promise.race([
      (async () => {
        const env = await start();
        if (env.suiteEntry) await inHostPhase(env);
        if (opts.ui) await uiPhase(env);
      })(),
      timedOut,
    ]);
  } catch (e) {
    harnessError = e;
    console.log(`vscode: ERROR ${e instanceof HarnessError ? e.message : e.stack || e}`);
    await failureScreenshot(state.phase);
    printCodeServerLog();
    state.failed += 1;
    state.failures.push(`harness: ${e.message || e}`);
  } finally {
    clearTimeout(timeoutHandle);
    await cleanup();
  }
  if (!harnessError && state.passed + state.failed === 0) {
    console.log('vscode: ERROR no tests ran');
    state.failed += 1;
  }
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  if (state.failures.length) console.log(`failed:\n${state.failures.map((f) => `  - ${f}`).join('\n')}`);
  console.log(`vscode: ${state.passed} passed, ${state.failed} failed`);
  process.exit(state.failed > 0 ? 1 : 0);
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    console.log(`vscode: interrupted (${sig})`);
    await cleanup();
    console.log(`vscode: ${state.passed} passed, ${state.failed + 1} failed`);
    process.exit(130);
  });
}

main();
