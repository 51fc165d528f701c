/**
 * `Flowgate: Set Connection Secret` and `Flowgate: Delete Connection Secret`: a gateway's connection
 * secrets through the one gateway client. The value is typed in a password box (never shown,
 * logged or kept by the extension); the grants are picked among the connections of the gateway's
 * packages (each package's newest version), as package/connection pairs.
 */
import * as vscode from 'vscode';
import type { SecretGrant, SecretSummary } from '../../core/api/types';
import { grantKey, isSecretName, SECRET_NAME_RULE, secretValueProblems } from '../../core/secrets/rules';
import { resolveGateway, type GatewayTarget } from '../gatewayActions/targets';
import { Cancelled, errorText, notify } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Services } from '../shared/services';

/** What a test (or another command) may give instead of answering the prompts; the value is still asked for unless given. */
export interface SetSecretPreset {
  name?: string;
  grants?: SecretGrant[];
  value?: string;
}

export interface SetSecretResult {
  gateway: string;
  secret: SecretSummary;
  created: boolean;
}

async function pickName(gateway: GatewayTarget, existing: SecretSummary[], placeHolder: string, allowNew: boolean): Promise<string> {
  const NEW = '$(add) New secret…';
  const items = [...(allowNew ? [{ label: NEW, description: '' }] : []), ...existing.map((s) => ({ label: s.name, description: s.grants.map(grantKey).join(', ') || 'no connections' }))];
  if (!allowNew && items.length === 0) throw new Error(`${gateway.name} (${gateway.url}) has no connection secrets`);
  const picked = items.length === 1 && allowNew ? items[0] : await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true });
  if (!picked) throw new Cancelled();
  if (picked.label !== NEW) return picked.label;
  const name = await vscode.window.showInputBox({
    title: `New connection secret on ${gateway.name}`,
    prompt: "The name a connection's auth.secret gives",
    ignoreFocusOut: true,
    validateInput: (v) => (isSecretName(v) ? undefined : `A name is ${SECRET_NAME_RULE}`),
  });
  if (name === undefined) throw new Cancelled();
  return name;
}

/** The connections of each package's newest version on the gateway, as grants. */
async function connectionsOf(gateway: GatewayTarget): Promise<SecretGrant[]> {
  const client = gatewayClient(gateway.url, 'picker');
  const out: SecretGrant[] = [];
  for (const p of (await client.listPackages()).packages) {
    const newest = [...p.versions].sort((a, b) => b.version - a.version)[0];
    if (!newest) continue;
    const detail = await client.getVersion(p.name, newest.version);
    for (const d of detail.definitions) if (d.kind === 'connection') out.push({ package: p.name, connection: d.id });
  }
  return out;
}

async function pickGrants(gateway: GatewayTarget, name: string, current: SecretGrant[]): Promise<SecretGrant[]> {
  const known = await connectionsOf(gateway);
  const all = [...known, ...current.filter((c) => !known.some((k) => grantKey(k) === grantKey(c)))];
  if (all.length === 0) return [];
  const picked = await vscode.window.showQuickPick(
    all.map((g) => ({ label: grantKey(g), description: known.some((k) => grantKey(k) === grantKey(g)) ? '' : 'not in a package now', picked: current.some((c) => grantKey(c) === grantKey(g)), g })),
    { title: `Grant ${name} to which connections? (package/connection)`, canPickMany: true, ignoreFocusOut: true },
  );
  if (!picked) throw new Cancelled();
  return picked.map((p) => p.g);
}

/** `flowgate.setConnectionSecret [gatewayNode | url | { gatewayUrl }] [preset]` */
export async function setConnectionSecret(s: Services, arg?: unknown, preset: SetSecretPreset = {}): Promise<SetSecretResult> {
  const gateway = await resolveGateway(s, arg, 'Set a connection secret on which gateway?');
  const client = gatewayClient(gateway.url, 'action');
  const existing = (await client.listSecrets()).secrets;
  const name = preset.name ?? (await pickName(gateway, existing, 'Which secret?', true));
  if (!isSecretName(name)) throw new Error(`'${name}' is not a secret name: a name is ${SECRET_NAME_RULE}`);
  const before = existing.find((x) => x.name === name);
  const grants = preset.grants ?? (await pickGrants(gateway, name, before?.grants ?? []));
  let value = preset.value;
  if (value === undefined) {
    value = await vscode.window.showInputBox({
      title: `Value of ${name} on ${gateway.name}`,
      prompt: before ? 'Leave empty to keep the current value and change the grants only' : 'Never shown again: the gateway keeps it sealed and never answers it',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (before && v === '' ? undefined : secretValueProblems(v)[0]?.message.replace(/^must/, 'The value must')),
    });
    if (value === undefined) throw new Cancelled();
  }
  let result: SetSecretResult;
  try {
    if (before && value === '') result = { gateway: gateway.url, secret: await client.setSecretGrants(name, grants), created: false };
    else {
      const r = await client.setSecret(name, value, grants);
      result = { gateway: gateway.url, secret: r.secret, created: r.created };
    }
  } catch (err) {
    throw new Error(`${gateway.name} (${gateway.url}) refused ${name}: ${errorText(err)}`);
  }
  const to = result.secret.grants.length ? result.secret.grants.map(grantKey).join(', ') : 'no connection';
  notify('info', `Flowgate: connection secret ${name} ${result.created ? 'set' : 'updated'} on ${gateway.name}, granted to ${to}.`);
  return result;
}

/** `flowgate.deleteConnectionSecret [gatewayNode | url | { gatewayUrl }] [name]` */
export async function deleteConnectionSecret(s: Services, arg?: unknown, givenName?: unknown): Promise<string> {
  const gateway = await resolveGateway(s, arg, 'Delete a connection secret on which gateway?');
  const client = gatewayClient(gateway.url, 'action');
  const name = typeof givenName === 'string' ? givenName : await pickName(gateway, (await client.listSecrets()).secrets, 'Delete which secret?', false);
  if (typeof givenName !== 'string') {
    const ok = await vscode.window.showWarningMessage(`Delete connection secret ${name} on ${gateway.name}? Connections that use it will fail until it is set again.`, { modal: true }, 'Delete');
    if (ok !== 'Delete') throw new Cancelled();
  }
  await client.deleteSecret(name);
  notify('info', `Flowgate: connection secret ${name} deleted on ${gateway.name}.`);
  return name;
}
