/**
 * Add Gateway and Remove Gateway: they edit the `flowgate.gateways` setting (core's entry rule,
 * src/core/model/gatewayEntry.ts), where the list in effect is defined — the workspace's settings
 * when the workspace has its own list, else the user's. Remove asks first.
 */
import * as vscode from 'vscode';
import type { ApiErrorDetail } from '../../core/api/types';
import { gatewayEntryProblems, gatewayUrlProblems, normalizeGatewayEntryUrl, type GatewayEntry } from '../../core/model/gatewayEntry';
import { confirmOrCancel } from '../gatewayActions/confirmations';
import { Cancelled, notify } from '../shared/errors';
import type { Services } from '../shared/services';
import { asRecord, isGatewayNode } from './nodes';

const KEY = 'gateways';

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('flowgate');
}

/** The raw entries a configuration target holds (undefined: that target does not define the list). */
function listAt(target: vscode.ConfigurationTarget): unknown[] | undefined {
  const i = section().inspect<unknown[]>(KEY);
  const v = target === vscode.ConfigurationTarget.Global ? i?.globalValue : target === vscode.ConfigurationTarget.Workspace ? i?.workspaceValue : i?.workspaceFolderValue;
  return Array.isArray(v) ? v : undefined;
}

/** Where the list in effect is defined: the workspace when it has its own list, else the user's settings. */
function targetInEffect(): vscode.ConfigurationTarget {
  return listAt(vscode.ConfigurationTarget.Workspace) !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

const targetName = (t: vscode.ConfigurationTarget) => (t === vscode.ConfigurationTarget.Global ? 'user settings' : 'workspace settings');

function entriesOf(list: unknown[] | undefined): GatewayEntry[] {
  return (list ?? []).flatMap((g) => {
    const r = asRecord(g);
    return r && typeof r.url === 'string' ? [{ name: typeof r.name === 'string' ? r.name : r.url, url: r.url }] : [];
  });
}

const problemText = (p: ApiErrorDetail[]) => p.map((x) => `${x.field}: ${x.message}`).join('; ');

/** The argument of Add Gateway from a script or test: `{ name, url, credentialsFile? }`. */
function entryArg(arg: unknown): GatewayEntry | undefined {
  const a = asRecord(arg);
  if (!a || typeof a.name !== 'string' || typeof a.url !== 'string') return undefined;
  if (a.credentialsFile !== undefined && typeof a.credentialsFile !== 'string') return undefined;
  return { name: a.name, url: a.url, ...(typeof a.credentialsFile === 'string' ? { credentialsFile: a.credentialsFile } : {}) };
}

/**
 * `flowgate.addGateway [{ name, url, credentialsFile? }]` — asks the name, the URL (checked as you
 * type) and an optional credentials file (a file picker), then adds the entry to `flowgate.gateways`.
 * Answers the entry as written.
 */
export async function addGateway(s: Services, arg?: unknown): Promise<GatewayEntry> {
  const target = targetInEffect();
  const existing = entriesOf(listAt(target));
  let entry = entryArg(arg);
  if (arg !== undefined && !entry) throw new Error('the argument must be { name, url, credentialsFile? } (strings)');
  if (!entry) {
    const name = await vscode.window.showInputBox({
      title: 'Add Gateway (1/3)',
      prompt: 'A name for the gateway, as the Gateways view shows it',
      placeHolder: 'qa',
      ignoreFocusOut: true,
      validateInput: (v) => gatewayEntryProblems({ name: v, url: 'https://example.invalid' }, existing).find((p) => p.field === 'name')?.message,
    });
    if (name === undefined) throw new Cancelled();
    const url = await vscode.window.showInputBox({
      title: 'Add Gateway (2/3)',
      prompt: `The URL of "${name.trim()}" (the address its API answers at)`,
      placeHolder: 'https://gateway.example.com',
      ignoreFocusOut: true,
      validateInput: (v) => (gatewayUrlProblems(v)[0] ?? gatewayEntryProblems({ name, url: v }, existing).find((p) => p.field === 'url'))?.message,
    });
    if (url === undefined) throw new Cancelled();
    const how = await vscode.window.showQuickPick(
      [
        { label: 'No credentials file', description: 'sign in with Flowgate: Sign In, or use FLOWGATE_CLIENT_ID / FLOWGATE_CLIENT_SECRET', file: false },
        { label: 'Choose a Credentials File…', description: 'a JSON file {"issuer", "client_id", "client_secret"}, mode 0600', file: true },
      ],
      { title: 'Add Gateway (3/3)', placeHolder: `How does Flowgate authenticate to ${name.trim()}?`, ignoreFocusOut: true },
    );
    if (!how) throw new Cancelled();
    let credentialsFile: string | undefined;
    if (how.file) {
      const picked = await vscode.window.showOpenDialog({ title: `Credentials file for ${name.trim()}`, canSelectFiles: true, canSelectFolders: false, canSelectMany: false, filters: { JSON: ['json'] }, openLabel: 'Use This File' });
      if (!picked?.[0]) throw new Cancelled();
      credentialsFile = picked[0].fsPath;
    }
    entry = { name, url, ...(credentialsFile ? { credentialsFile } : {}) };
  }
  const problems = gatewayEntryProblems(entry, existing);
  if (problems.length) throw new Error(`the gateway was not added: ${problemText(problems)}`);
  const written: GatewayEntry = {
    name: entry.name.trim(),
    url: normalizeGatewayEntryUrl(entry.url),
    ...(entry.credentialsFile ? { credentialsFile: entry.credentialsFile.trim() } : {}),
  };
  await section().update(KEY, [...(listAt(target) ?? []), written], target);
  s.log.info(`Added the gateway "${written.name}" (${written.url}) to flowgate.gateways in the ${targetName(target)}`);
  s.refreshGateways();
  notify('info', `Flowgate: added the gateway "${written.name}" (${written.url}) to the ${targetName(target)}.`);
  return written;
}

/** The URL a Remove Gateway argument names: a remote gateway node, a URL, `{ url }` or `{ gatewayUrl }`. */
function urlArg(arg: unknown): string | undefined {
  if (isGatewayNode(arg)) return arg.local ? undefined : arg.url;
  if (typeof arg === 'string') return arg;
  const a = asRecord(arg);
  if (typeof a?.url === 'string') return a.url;
  if (typeof a?.gatewayUrl === 'string') return a.gatewayUrl;
  return undefined;
}

const sameUrl = (a: string, b: string) => {
  try {
    return normalizeGatewayEntryUrl(a) === normalizeGatewayEntryUrl(b);
  } catch {
    return a === b;
  }
};

/**
 * `flowgate.removeGateway [gatewayNode | url | { url }] [{ confirmed: true }]` — after a modal,
 * removes the gateway from `flowgate.gateways` wherever it is listed (user, workspace, folder
 * settings). Nothing on the gateway changes. Answers true when it was removed.
 */
export async function removeGateway(s: Services, arg?: unknown, options?: unknown): Promise<boolean> {
  if (isGatewayNode(arg) && arg.local) throw new Error('the Local Emulator is not in flowgate.gateways; stop it with Flowgate: Stop Local Gateway');
  let url = urlArg(arg);
  const all = entriesOf(section().get<unknown[]>(KEY, []));
  if (!url) {
    if (all.length === 0) throw new Error('no gateways are configured (flowgate.gateways is empty)');
    const picked = await vscode.window.showQuickPick(
      all.map((g) => ({ label: g.name, description: g.url, url: g.url })),
      { placeHolder: 'Remove which gateway?', ignoreFocusOut: true },
    );
    if (!picked) throw new Cancelled();
    url = picked.url;
  }
  const targets = [vscode.ConfigurationTarget.WorkspaceFolder, vscode.ConfigurationTarget.Workspace, vscode.ConfigurationTarget.Global].filter((t) =>
    entriesOf(t === vscode.ConfigurationTarget.WorkspaceFolder && !vscode.workspace.workspaceFolders?.length ? undefined : listAt(t)).some((g) => sameUrl(g.url, url!)),
  );
  if (targets.length === 0) throw new Error(`${url} is not in flowgate.gateways`);
  const name = all.find((g) => sameUrl(g.url, url!))?.name ?? url;
  const where = targets.map((t) => (t === vscode.ConfigurationTarget.WorkspaceFolder ? 'folder settings' : targetName(t))).join(' and ');
  await confirmOrCancel(
    options,
    `Remove the gateway "${name}" from Flowgate?`,
    `It leaves flowgate.gateways in the ${where} and the Gateways view. Nothing on the gateway itself changes (its packages, versions and executions stay), and you can add it again with Flowgate: Add Gateway.`,
    'Remove Gateway',
  );
  for (const t of targets) {
    const list = listAt(t) ?? [];
    const kept = list.filter((g) => {
      const r = asRecord(g);
      return !(r && typeof r.url === 'string' && sameUrl(r.url, url!));
    });
    await section().update(KEY, kept, t);
  }
  s.log.info(`Removed the gateway "${name}" (${url}) from flowgate.gateways in the ${where}`);
  s.refreshGateways();
  notify('info', `Flowgate: removed the gateway "${name}".`);
  return true;
}
