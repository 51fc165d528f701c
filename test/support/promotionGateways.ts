/**
 * Real emulator processes wired as promotion sources of each other (issue 10): by default three,
 * dev → qa → prod — qa's gateway.yaml has a source `dev` (dev's local-admin client id, its secret in
 * a 0600 file, dev's package-signing key id as the trusted key), prod has a source `qa`.
 *
 *   const chain = await startPromotionChain();
 *   await submit(chain.dev, bytes);                         // uploaded to dev, which signs it as its creator
 *   await call(chain.qa, 'POST', '/api/v1/imports', { source: 'dev', name, version });
 *   await chain.dev.kill(); await chain.dev.start();        // kill -9 and back on the same port and data
 *   await chain.stop();
 *
 * Lower level: `startPromotionGateway(root, name, { sources })` with a source's URL or trusted keys of
 * the test's choosing (a tampering proxy between qa and dev, an untrusted key). Every gateway runs
 * with the outbox's test tuning (fast retries, short source timeout: promotion/tuning.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { defaultGatewayConfigText } from '../../src/core/gatewayConfig/schema';
import { signPackageFile } from '../../src/core/package/signature';
import { credentials, startEmulatorProcess, type EmulatorProcess } from './emulatorProcess';

/** Environment for fast tests: outbox retries from 50 ms up to 400 ms, a source answers within 4 s. */
export const PROMOTION_TEST_ENV: NodeJS.ProcessEnv = {
  FLOWGATE_OUTBOX_RETRY_MS: '50',
  FLOWGATE_OUTBOX_RETRY_MAX_MS: '400',
  FLOWGATE_SOURCE_TIMEOUT_MS: '4000',
};

export interface SourceSpec {
  name: string;
  url: string;
  clientId: string;
  clientSecret: string;
  trustedKeys: string[];
  /** PEM file of the source's CA (absolute, or relative to the target's gateway.yaml). */
  caFile?: string;
}

/** A gateway that survives its own restarts: same name, data folder and port. */
export interface PromotionGateway {
  readonly name: string;
  readonly dataDir: string;
  readonly configFile: string;
  /** Stable across restarts (its scheme changes when `tls` is added to the configuration). */
  url: string;
  /** PEM of the CA to trust for the start's health wait when the gateway serves HTTPS. */
  ca?: string;
  readonly port: number;
  /** The current process (undefined while stopped). */
  proc: EmulatorProcess | undefined;
  /** The gateway's current package-signing key id. */
  kid: string;
  adminToken(): Promise<string>;
  /** Start again (same port and data). */
  start(): Promise<void>;
  /** SIGTERM. */
  stop(): Promise<void>;
  /** kill -9. */
  kill(): Promise<void>;
  /** This gateway as another gateway's source entry. */
  asSource(overrides?: Partial<SourceSpec>): SourceSpec;
  output(): string;
}

export interface GatewayOptions {
  sources?: SourceSpec[];
  /** gateway.yaml `promotion.protected`: versions by promotion only, direct uploads refused. */
  protectedTarget?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** gateway.yaml text: the default configuration plus `promotion.sources`, secrets in files beside it. */
export function configText(dir: string, sources: SourceSpec[], protectedTarget = false): string {
  let text = defaultGatewayConfigText([]);
  if (sources.length || protectedTarget) text += `\npromotion:\n  protected: ${protectedTarget}\n`;
  if (sources.length) {
    text += '  sources:\n';
    for (const s of sources) {
      const secretFile = path.join(dir, `source-${s.name}.secret`);
      writeFileSync(secretFile, `${s.clientSecret}\n`, { mode: 0o600 });
      text += `    - name: ${s.name}\n      url: ${JSON.stringify(s.url)}\n      clientId: ${JSON.stringify(s.clientId)}\n      clientSecretFile: ${JSON.stringify(path.basename(secretFile))}\n      trustedKeys: [${s.trustedKeys.map((k) => JSON.stringify(k)).join(', ')}]\n`;
      if (s.caFile) text += `      caFile: ${JSON.stringify(s.caFile)}\n`;
    }
  }
  return text;
}

/** Starts gateway `name` with its data folder under `root` (root/<name>/data, config root/<name>/gateway.yaml). */
export async function startPromotionGateway(root: string, name: string, opts: GatewayOptions = {}): Promise<PromotionGateway> {
  const dir = path.join(root, name);
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const configFile = path.join(dir, 'gateway.yaml');
  writeFileSync(configFile, configText(dir, opts.sources ?? [], opts.protectedTarget), { mode: 0o600 });
  const env = { ...PROMOTION_TEST_ENV, ...(opts.env ?? {}) };
  const gw: PromotionGateway = {
    name,
    dataDir,
    configFile,
    url: '',
    port: 0,
    proc: undefined,
    kid: '',
    adminToken: () => {
      if (!gw.proc) throw new Error(`gateway ${name} is not running`);
      return gw.proc.adminToken();
    },
    start: async () => {
      if (gw.proc) throw new Error(`gateway ${name} is already running`);
      // The first start picks a free port; every later one takes the same (sources name it in their gateway.yaml).
      gw.proc = await startEmulatorProcess({ dataDir, port: gw.port, name, env, args: ['--config', configFile], ...(gw.ca ? { ca: gw.ca } : {}) });
      gw.url = gw.proc.url;
      (gw as { port: number }).port = gw.proc.port;
    },
    stop: async () => {
      const p = gw.proc;
      gw.proc = undefined;
      await p?.stop();
    },
    kill: async () => {
      const p = gw.proc;
      gw.proc = undefined;
      await p?.kill();
    },
    asSource: (overrides = {}) => {
      const c = credentials(dataDir);
      return { name, url: gw.url, clientId: c.client_id, clientSecret: c.client_secret, trustedKeys: [gw.kid], ...overrides };
    },
    output: () => gw.proc?.output() ?? '',
  };
  await gw.start();
  const keys = (await (await fetch(`${gw.url}/api/v1/gateway/keys`)).json()) as { keys: { kid: string; current: boolean }[] };
  gw.kid = keys.keys.find((k) => k.current)!.kid;
  return gw;
}

export interface PromotionChain {
  root: string;
  dev: PromotionGateway;
  qa: PromotionGateway;
  prod: PromotionGateway;
  /** Stops all three and removes their folders. */
  stop(): Promise<void>;
}

/** dev, qa (source dev) and prod (source qa, a protected target: versions by promotion only), in that order. `qaSource` may change qa's entry for dev (a proxy's URL, other keys). */
export async function startPromotionChain(opts: { qaSource?: (dev: PromotionGateway) => Partial<SourceSpec>; env?: NodeJS.ProcessEnv } = {}): Promise<PromotionChain> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'flowgate-promotion-'));
  const started: PromotionGateway[] = [];
  const stop = async () => {
    await Promise.all(started.map((g) => g.stop().catch(() => undefined)));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const dev = await startPromotionGateway(root, 'dev', { env: opts.env });
    started.push(dev);
    const qa = await startPromotionGateway(root, 'qa', { sources: [dev.asSource(opts.qaSource?.(dev))], env: opts.env });
    started.push(qa);
    const prod = await startPromotionGateway(root, 'prod', { sources: [qa.asSource()], protectedTarget: true, env: opts.env });
    started.push(prod);
    return { root, dev, qa, prod, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The package file signed with `gw`'s own current key (read from its data folder), e.g. to measure verification. */
export async function signedBy(gw: Pick<PromotionGateway, 'dataDir'>, bytes: Uint8Array): Promise<Uint8Array> {
  const file = JSON.parse(readFileSync(path.join(gw.dataDir, 'signing', 'package-key.json'), 'utf8')) as { keys: { kid: string; x: string; d: string; current: boolean }[] };
  const k = file.keys.find((x) => x.current)!;
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x, d: k.d }, format: 'jwk' });
  return signPackageFile(bytes, { kid: k.kid, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: k.x }, privateKey });
}

/** Submit a package file to `gw` (an Admin's upload of an unsigned file: the gateway signs it as its creator): answers the upload's status. */
export async function submit(gw: PromotionGateway, bytes: Uint8Array): Promise<number> {
  const res = await fetch(`${gw.url}/api/v1/packages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await gw.adminToken()}`, 'content-type': 'application/zip' },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  await res.text();
  return res.status;
}
