// Node-side support of the UI checks (not a check file: run.mjs loads only *.ui.mjs) and of the
// runner: a free port, a package built with core's buildPackageFile, a gateway emulator process of a
// check's own, its REST API, and `withPrivateGateway`, which runs a check with such an emulator in
// `flowgate.gateways` and undoes it all afterwards. The workbench helpers are in ../ui.mjs.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A TCP port on 127.0.0.1 that was free a moment ago (nothing listens on it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The package file of `name` version 1 with `flows` (`{ id: text }`, in that order), built by core's
 * buildPackageFile (TypeScript, run through tsx).
 */
export function buildPackage(name, flows) {
  const definitions = Object.entries(flows).map(([id, text]) => ({ kind: 'flow', id, text }));
  const code = `
    const mod = await import(${JSON.stringify(path.join(root, 'src/core/package/packageFile.ts'))});
    const { buildPackageFile } = mod.buildPackageFile ? mod : mod.default;
    const { bytes } = await buildPackageFile({
      name: ${JSON.stringify(name)}, version: 1, createdBy: 'flowgate-ui-check/0.1.0',
      definitions: ${JSON.stringify(definitions)},
    });
    process.stdout.write(Buffer.from(bytes).toString('base64'));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  return Buffer.from(out, 'base64');
}

/**
 * Starts dist/emulator.js on a free port (or `port`) with data in `dataDir`, gateway name `name` and
 * SNMP trap port 0 (a free one), with `config` as its gateway configuration file when given; resolves
 * `{ child, url }` once /healthz answers and local-admin.json is there.
 */
export async function startEmulator(dataDir, name, { port: wanted, config } = {}) {
  const port = wanted ?? (await freePort());
  const child = spawn(
    process.execPath,
    [path.join(root, 'dist/emulator.js'), '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--name', name, '--snmp-port', '0', ...(config ? ['--config', config] : [])],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the emulator exited: ${stderr.slice(-500)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok && fs.existsSync(path.join(dataDir, 'local-admin.json'))) return { child, url };
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`the emulator did not answer ${url}/healthz: ${stderr.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Stops an emulator started by startEmulator (SIGTERM, SIGKILL after 5 s); nothing when it is gone. */
export function stopEmulator(child) {
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

const tokens = new Map();

/**
 * `{ authorization: 'Bearer …' }` of the admin client of the emulator whose data folder is `dataDir`
 * (its local-admin.json): a client-credentials token from the token endpoint its discovery names,
 * cached until shortly before it expires.
 */
export async function authHeaders(dataDir) {
  // Keyed by the file's content: a data folder removed and made again (a new emulator, new keys and
  // client) must not be answered with the old gateway's token.
  const text = fs.readFileSync(path.join(dataDir, 'local-admin.json'), 'utf8');
  const key = `${dataDir}\n${text}`;
  const cached = tokens.get(key);
  if (cached && cached.expiresAt - Date.now() > 30_000) return { authorization: `Bearer ${cached.token}` };
  const c = JSON.parse(text);
  const { token_endpoint } = await (await fetch(`${c.issuer}/.well-known/openid-configuration`)).json();
  const basic = Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret)}`).toString('base64');
  const res = await fetch(token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const body = await res.json();
  if (!res.ok || !body.access_token) throw new Error(`no token for ${c.client_id} of ${c.issuer}: ${res.status} ${JSON.stringify(body)}`);
  tokens.set(key, { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 60) * 1000 });
  return { authorization: `Bearer ${body.access_token}` };
}

/** Calls the gateway at `url`; throws on an HTTP error, answers the JSON body (undefined if empty). */
export async function api(url, method, pathname, body, headers = {}) {
  const res = await fetch(url + pathname, { method, body, headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * @typedef {{
 *   url: string,
 *   api: (method: string, pathname: string, body?: BodyInit, headers?: Record<string, string>) => Promise<any>,
 *   dataDir: string,
 *   addToSettings: () => Promise<void>,
 *   writeSettings: (extra?: Record<string, unknown>) => void,
 *   stop: () => Promise<void>,
 *   restart: (edit: (configText: string) => string) => Promise<void>,
 * }} PrivateGateway
 */

/**
 * Runs `fn(gateway)` against a gateway emulator of the check's own (startEmulator with `emulatorName`,
 * a temp data folder) that holds package `pkg` version 1 with `flows`, published. So that the local
 * emulator's store stays as the other checks expect, the check's gateway is separate:
 * - `gateway.api(method, pathname, body, headers)`: `api()` on it, as its admin client (a token of the
 *   local-admin.json in its data folder);
 * - `gateway.addToSettings()`: adds it to `flowgate.gateways` as `gatewayName` with that
 *   local-admin.json as its `credentialsFile` (the workspace's settings file) — how the extension
 *   gets its credentials — waits for the change to reach the extension host and clears the notifications;
 * - `gateway.writeSettings(extra)`: writes the settings with the gateway and `extra`;
 * - `gateway.stop()`: stops the emulator;
 * - `gateway.restart(edit)`: with `config` given, stops the emulator and starts it again on the same
 *   port and data folder with its configuration file's text changed by `edit`.
 * Afterwards (also on failure) the emulator stops, the settings file is restored, the editors close,
 * the notifications clear and the data folder is removed.
 * @param {import('../run.mjs').UiContext} t
 * `config`: the text of a gateway configuration file (gateway.yaml, beside the data folder) to start with.
 * @param {{ gatewayName: string, emulatorName: string, pkg: string, flows: Record<string, string>, config?: string }} options
 * @param {(gateway: PrivateGateway) => Promise<void>} fn
 */
export async function withPrivateGateway({ page, ui, workspace }, { gatewayName, emulatorName, pkg, flows, config }, fn) {
  const settingsFile = path.join(workspace, '.vscode/settings.json');
  const originalSettings = fs.readFileSync(settingsFile, 'utf8');
  const settings = JSON.parse(originalSettings);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `flowgate-${emulatorName}-`));
  const configDir = config ? fs.mkdtempSync(path.join(os.tmpdir(), `flowgate-${emulatorName}-config-`)) : undefined;
  const configFile = configDir ? path.join(configDir, 'gateway.yaml') : undefined;
  if (configFile) fs.writeFileSync(configFile, config, { mode: 0o600 });
  let emulator;
  try {
    const started = await startEmulator(dataDir, emulatorName, { config: configFile });
    emulator = started.child;
    const url = started.url;
    const asAdmin = async (method, pathname, body, headers = {}) => api(url, method, pathname, body, { ...(await authHeaders(dataDir)), ...headers });
    await asAdmin('POST', '/api/v1/packages', buildPackage(pkg, flows), { 'content-type': 'application/zip' });
    await asAdmin('POST', `/api/v1/packages/${pkg}/versions/1/publish`);
    const credentialsFile = path.join(dataDir, 'local-admin.json');
    const writeSettings = (extra = {}) =>
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'flowgate.gateways': [{ name: gatewayName, url, credentialsFile }], ...extra }, null, 2));
    await fn({
      url,
      api: asAdmin,
      writeSettings,
      async addToSettings() {
        writeSettings();
        await page.waitForTimeout(1500); // the settings file change reaches the extension host
        await ui.clearNotifications(page);
      },
      dataDir,
      stop: () => stopEmulator(emulator),
      async restart(edit) {
        if (!configFile) throw new Error('restart needs a gateway started with `config`');
        await stopEmulator(emulator);
        fs.writeFileSync(configFile, edit(fs.readFileSync(configFile, 'utf8')), { mode: 0o600 });
        emulator = (await startEmulator(dataDir, emulatorName, { port: Number(new URL(url).port), config: configFile })).child;
      },
    });
  } finally {
    await stopEmulator(emulator);
    fs.writeFileSync(settingsFile, originalSettings);
    await ui.runCommand(page, 'View: Close All Editors', { settleMs: 300, allowError: true }).catch(() => {});
    await ui.clearNotifications(page).catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
  }
}
