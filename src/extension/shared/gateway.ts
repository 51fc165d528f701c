import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GatewayClient } from '../../core/client/gatewayClient';
import { credentialsAdvice, originOf, type CredentialLookup } from '../../core/client/credentials';
import { credentialSource } from '../../core/client/tokens';
import { config } from './config';

/**
 * How long the extension waits for a gateway, by what it is doing: the one table of client
 * timeouts (each is per request, until the whole answer is read). A call that has no name here
 * gets one before it gets a client.
 */
export const GATEWAY_TIMEOUTS = {
  /** Is a gateway there? `/healthz` of the configured local port, before adopting or starting one. */
  probe: 1_000,
  /** `/healthz` polled while the local emulator starts (many tries, each short). */
  startPoll: 500,
  /** `/healthz` of the dev gateway right before a publish. */
  reachable: 5_000,
  /** A tree's children (packages of a gateway, flows of a version): a slow gateway must not hold the view. */
  tree: 5_000,
  /** Lists behind a quick pick (packages of a gateway). */
  picker: 10_000,
  /** What a webview panel and the event stream ask (lists, details, previews, saves, opening the stream). */
  panel: 15_000,
  /** A management call (publish, unpublish, defaults, new version, reading before Run Flow). */
  action: 30_000,
  /** Uploading a package file on Publish to Dev Gateway. */
  upload: 60_000,
  /** Package files in and out of a gateway (Import, Export). */
  transfer: 120_000,
  /** A synchronous Run Flow: the answer comes when the flow ends. */
  run: 5 * 60_000,
} as const;

export type GatewayTimeout = keyof typeof GATEWAY_TIMEOUTS;

/**
 * The one way the extension gets a client of a gateway: core's GatewayClient (the one the CLI
 * uses too; its errors are `GatewayError { status, code, message, details }`) with a named
 * timeout. Clients hold no connection, so each caller takes one per task.
/** Data folders of emulators this window knows (set at activation: the local emulator's). */
let emulatorDataDirs: string[] = [];

/** Signed-in sessions (signIn/sessions.ts), set at activation: used for a gateway with no credentials of its own. */
let sessionLookup: ((url: string) => Partial<CredentialLookup>) | undefined;

/**
 * Tells the factory where a gateway's signed-in session comes from. Core's credential rules use it
 * after every other credential — the local emulator's local-admin.json, a configured
 * credentialsFile, the environment's client — so the local emulator never needs a sign-in.
 */
export function useSessions(lookup: (url: string) => Partial<CredentialLookup>): void {
  sessionLookup = lookup;
}

/** Tells the factory where the local emulator this window starts keeps its data (its local-admin.json). */
export function useEmulatorDataDir(dataDir: string): void {
  emulatorDataDirs = [dataDir];
}

function expandPath(p: string): string {
  const home = p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return path.isAbsolute(home) || !base ? path.resolve(home) : path.resolve(base, home);
}

/**
 * Where the credentials of the gateway at `url` are looked for (core's rules, credentials.ts):
 * FLOWGATE_CLIENT_ID / FLOWGATE_CLIENT_SECRET of VS Code's environment; else the `credentialsFile` of
 * the `flowgate.gateways` entry of that gateway; else the local-admin.json of a data folder whose
 * issuer is the gateway's origin: the emulator this window starts, `flowgate emulator`'s default
 * (~/.flowgate/emulator) and, in a trusted workspace, its `.flowgate/emulator` (what `npm start`
 * uses in a Flowgate clone).
 */
export function credentialLookup(url: string): CredentialLookup {
  const origin = originOf(url);
  const entry = config.gateways().find((g) => g.url === url.replace(/\/+$/, '')) ?? config.gateways().find((g) => originOf(g.url) === origin);
  const dataDirs = [...emulatorDataDirs, path.join(os.homedir(), '.flowgate', 'emulator')];
  if (vscode.workspace.isTrusted) for (const f of vscode.workspace.workspaceFolders ?? []) dataDirs.push(path.join(f.uri.fsPath, '.flowgate', 'emulator'));
  return {
    env: process.env,
    ...(entry?.credentialsFile ? { credentialsFile: expandPath(entry.credentialsFile) } : {}),
    dataDirs,
  };
}

/**
 * The one way the extension gets a client of a gateway: core's GatewayClient (the one the CLI
 * uses too; its errors are `GatewayError { status, code, message, details }`) with a named
 * timeout and the gateway's credentials (credentialLookup; client-credentials tokens cached per
 * client by core, so clients are cheap). Clients hold no connection, so each caller takes one per task.
 */
export function gatewayClient(url: string, timeout: GatewayTimeout): GatewayClient {
  return new GatewayClient(url, {
    timeoutMs: GATEWAY_TIMEOUTS[timeout],
    credentials: credentialSource(
      url,
      { ...credentialLookup(url), ...sessionLookup?.(url) },
      `${credentialsAdvice(url, { setting: true })}${sessionLookup ? ' Or run "Flowgate: Sign In" for it.' : ''}`,
    ),
  });
}
