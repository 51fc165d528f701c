import * as vscode from 'vscode';
import type { DefinitionSummary, NewVersionRequest, PackageStateResponse, PackageVersionDetail, UploadResponse } from '../../core/api/types';
import type { ManifestDefinition } from '../../core/model/manifest';
import { Cancelled, errorText, notify, showLogAction } from '../shared/errors';
import type { Services } from '../shared/services';
import { asRecord } from '../gateways/nodes';
import { gatewayClient } from '../shared/gateway';
import { confirmedBy, confirmOrCancel, unpublishDetail } from './confirmations';
import { describeVersion, resolveGateway, resolvePackage, resolveVersion, type GatewayTarget, type VersionTarget } from './targets';

/** Runs a gateway call under a progress notification; a failure names what failed and where. */
async function withGateway<T>(title: string, failure: string, gateway: GatewayTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Flowgate: ${title}` }, call);
  } catch (err) {
    throw new Error(`${failure} on ${gateway.name} (${gateway.url}): ${errorText(err)}`);
  }
}

function publishAction(t: VersionTarget) {
  return { title: 'Publish', run: () => vscode.commands.executeCommand('flowgate.publishVersion', { gatewayUrl: t.gateway.url, packageName: t.packageName, version: t.version }) };
}

/** `flowgate.publishVersion [versionNode | { gatewayUrl, packageName, version }]` — answers the package's state. */
export async function publishVersion(s: Services, arg?: unknown): Promise<PackageStateResponse> {
  const t = await resolveVersion(s, arg, 'Publish which version?', (v) => !v.published, 'unpublished versions');
  const state = await withGateway(`publishing ${describeVersion(t)} on ${t.gateway.name}…`, `could not publish ${describeVersion(t)}`, t.gateway, () =>
    gatewayClient(t.gateway.url, 'action').publish(t.packageName, t.version),
  );
  s.log.info(`Published ${describeVersion(t)} on ${t.gateway.url}; default version now ${state.defaultVersion ?? 'none'}`);
  s.refreshGateways();
  notify('info', `Published ${describeVersion(t)} on ${t.gateway.name}.${state.defaultVersion === t.version ? ' It is the default version.' : ''}`);
  return state;
}

/**
 * `flowgate.unpublishVersion [versionNode | { gatewayUrl, packageName, version }] [{ confirmed: true }]` —
 * after a modal that says what changes (running executions finish; an explicit default is dropped).
 */
export async function unpublishVersion(s: Services, arg?: unknown, options?: unknown): Promise<PackageStateResponse> {
  const t = await resolveVersion(s, arg, 'Unpublish which version?', (v) => v.published, 'published versions');
  if (!confirmedBy(options)) await confirmOrCancel(options, `Unpublish ${describeVersion(t)} on ${t.gateway.name}?`, await unpublishDetail(t), 'Unpublish');
  const state = await withGateway(`unpublishing ${describeVersion(t)} on ${t.gateway.name}…`, `could not unpublish ${describeVersion(t)}`, t.gateway, () =>
    gatewayClient(t.gateway.url, 'action').unpublish(t.packageName, t.version),
  );
  s.log.info(`Unpublished ${describeVersion(t)} on ${t.gateway.url}; default version now ${state.defaultVersion ?? 'none'}`);
  s.refreshGateways();
  const fallback =
    state.defaultVersion === null
      ? ` ${t.packageName} has no default version now.`
      : ` The default version of ${t.packageName} is v${state.defaultVersion}.`;
  notify('info', `Unpublished ${describeVersion(t)} on ${t.gateway.name}: no new executions start; running ones finish.${fallback}`);
  return state;
}

/** `flowgate.setDefaultVersion [versionNode | { gatewayUrl, packageName, version }]` — the explicit default. */
export async function setDefaultVersion(s: Services, arg?: unknown): Promise<PackageStateResponse> {
  const t = await resolveVersion(s, arg, 'Make which version the default?', (v) => v.published, 'published versions');
  const state = await withGateway(`making ${describeVersion(t)} the default version…`, `could not make ${describeVersion(t)} the default version`, t.gateway, () =>
    gatewayClient(t.gateway.url, 'action').setDefaultVersion(t.packageName, t.version),
  );
  s.log.info(`${describeVersion(t)} is the explicit default version on ${t.gateway.url}`);
  s.refreshGateways();
  notify('info', `${describeVersion(t)} is now the default version of ${t.packageName} on ${t.gateway.name}, whatever else is published.`);
  return state;
}

/** `flowgate.setDefaultPackage [packageNode | versionNode | { gatewayUrl, packageName }]`. */
export async function setDefaultPackage(s: Services, arg?: unknown): Promise<PackageStateResponse> {
  const t = await resolvePackage(s, arg, 'Make which package the default package?', (p) => p.versions.some((v) => v.published), 'has no package with a published version (only those can be the default package)');
  const state = await withGateway(`making ${t.packageName} the default package…`, `could not make ${t.packageName} the default package`, t.gateway, () =>
    gatewayClient(t.gateway.url, 'action').setDefaultPackage(t.packageName),
  );
  s.log.info(`${t.packageName} is the default package on ${t.gateway.url}`);
  s.refreshGateways();
  notify('info', `${t.packageName} is now the default package of ${t.gateway.name}: requests that name no package run it.`);
  return state;
}

/**
 * `flowgate.exportVersion [versionNode | { gatewayUrl, packageName, version }] [targetUri]` —
 * downloads the version's package file and saves it (`<name>-<version>.fgpkg`). Returns the file.
 */
export async function exportVersion(s: Services, arg?: unknown, target?: unknown): Promise<vscode.Uri> {
  const t = await resolveVersion(s, arg, 'Export which version?');
  let uri = target instanceof vscode.Uri ? target : undefined;
  if (!uri) {
    const fileName = `${t.packageName}-${t.version}.fgpkg`;
    const folder = s.model.rootUri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    uri = await vscode.window.showSaveDialog({
      title: `Export ${describeVersion(t)} from ${t.gateway.name}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters: { 'Flowgate package': ['fgpkg'] },
      saveLabel: 'Export',
    });
    if (!uri) throw new Cancelled();
  }
  const bytes = await withGateway(`exporting ${describeVersion(t)} from ${t.gateway.name}…`, `could not export ${describeVersion(t)}`, t.gateway, () =>
    gatewayClient(t.gateway.url, 'transfer').downloadVersion(t.packageName, t.version),
  );
  try {
    await vscode.workspace.fs.writeFile(uri, bytes);
  } catch (err) {
    throw new Error(`could not write ${uri.fsPath}: ${errorText(err)}`);
  }
  s.log.info(`Exported ${describeVersion(t)} from ${t.gateway.url} to ${uri.fsPath} (${bytes.byteLength} bytes)`);
  const saved = uri;
  notify('info', `Exported ${describeVersion(t)} to ${vscode.workspace.asRelativePath(saved)}.`, {
    title: 'Reveal',
    run: () => vscode.commands.executeCommand('revealFileInOS', saved),
  });
  return uri;
}

export interface ImportOptions {
  /** true: publish right after the upload; false: do not offer it; unset: offer it in the message. */
  publish?: boolean;
}

export interface ImportResult extends UploadResponse {
  gatewayUrl: string;
  published: boolean;
}

/**
 * `flowgate.importPackageFile [gatewayNode | url | { gatewayUrl }] [fileUri] [{ publish }]` — uploads a
 * `.fgpkg` to the gateway (an identical version already there is fine; a different one is refused),
 * then offers to publish it.
 */
export async function importPackageFile(s: Services, arg?: unknown, file?: unknown, options?: unknown): Promise<ImportResult> {
  const publish = asRecord(options)?.publish;
  const opts: ImportOptions = typeof publish === 'boolean' ? { publish } : {};
  const gateway = await resolveGateway(s, arg, 'Import a package file into which gateway?');
  let uri = file instanceof vscode.Uri ? file : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      title: `Import a package file into ${gateway.name}`,
      canSelectMany: false,
      canSelectFolders: false,
      filters: { 'Flowgate package': ['fgpkg'] },
      openLabel: 'Import',
      defaultUri: s.model.rootUri,
    });
    if (!picked || picked.length === 0) throw new Cancelled();
    uri = picked[0];
  }
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (err) {
    throw new Error(`could not read ${uri.fsPath}: ${errorText(err)}`);
  }
  const fileName = uri.path.split('/').pop() ?? uri.fsPath;
  const uploaded = await withGateway(`importing ${fileName} into ${gateway.name}…`, `could not import ${fileName}`, gateway, () =>
    gatewayClient(gateway.url, 'transfer').uploadPackage(bytes),
  );
  const t: VersionTarget = { gateway, packageName: uploaded.name, version: uploaded.version };
  s.log.info(`Imported ${fileName} into ${gateway.url}: ${describeVersion(t)}${uploaded.created ? '' : ' (identical version already there)'}`);
  s.refreshGateways();
  let published = false;
  if (opts.publish === true) {
    await publishVersion(s, { gatewayUrl: gateway.url, packageName: uploaded.name, version: uploaded.version });
    published = true;
  } else {
    const text = `Imported ${describeVersion(t)} into ${gateway.name}${uploaded.created ? '' : ' (this version was already there, unchanged)'}.`;
    if (opts.publish === false) notify('info', text);
    else notify('info', `${text} Publish it now?`, publishAction(t));
  }
  return { ...uploaded, gatewayUrl: gateway.url, published };
}

// ---- Create New Version ------------------------------------------------------------------------------

type DefinitionRef = { kind: 'flow' | 'connection'; id: string };

interface DefItem extends vscode.QuickPickItem {
  ref: DefinitionRef;
}

const refKey = (r: DefinitionRef) => `${r.kind}:${r.id}`;

function defItem(ref: DefinitionRef, description: string, detail?: string): DefItem {
  return {
    label: `$(${ref.kind === 'flow' ? 'symbol-event' : 'plug'}) ${ref.id}`,
    description,
    detail,
    ref: { kind: ref.kind, id: ref.id },
  };
}

/** One step of a multi-step quick pick: the picked items, 'back', or Cancelled on Escape. */
function step<T extends vscode.QuickPickItem>(o: {
  title: string;
  step: number;
  totalSteps: number;
  placeholder: string;
  items: T[];
  selected?: T[];
  canPickMany: boolean;
  back: boolean;
}): Promise<T[] | 'back'> {
  return new Promise((resolve, reject) => {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.placeholder = o.placeholder;
    qp.canSelectMany = o.canPickMany;
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    qp.items = o.items;
    if (o.selected) qp.selectedItems = o.selected;
    if (o.back) qp.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    const finish = (value: T[] | 'back' | undefined) => {
      if (done) return;
      done = true;
      qp.dispose();
      if (value === undefined) reject(new Cancelled());
      else resolve(value);
    };
    qp.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish('back');
    });
    qp.onDidAccept(() => finish(o.canPickMany ? [...qp.selectedItems] : qp.activeItems.length ? [qp.activeItems[0]] : []));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

/**
 * `flowgate.createNewVersion [versionNode | { gatewayUrl, packageName, version }] [request]` —
 * a new version of the package from an existing one on the gateway: choose definitions to remove,
 * to update to the repository's current content, and to add from the gateway's repository, then
 * confirm. With `request` (`{ add, remove, update }`) nothing is asked. Answers the new version.
 */
export async function createNewVersion(s: Services, arg?: unknown, requestArg?: unknown): Promise<PackageVersionDetail> {
  const t = await resolveVersion(s, arg, 'Create a new version from which version?');
  const client = gatewayClient(t.gateway.url, 'action');
  let request: NewVersionRequest;
  if (isNewVersionRequest(requestArg)) {
    request = requestArg;
  } else {
    const [detail, repository] = await withGateway(`reading ${describeVersion(t)} and the repository of ${t.gateway.name}…`, `could not read ${describeVersion(t)}`, t.gateway, () =>
      Promise.all([client.getVersion(t.packageName, t.version), client.listDefinitions()]),
    );
    request = await askNewVersion(t, detail.definitions, repository.definitions);
  }
  const created = await withGateway(`creating a new version of ${t.packageName} from v${t.version}…`, `could not create a new version from ${describeVersion(t)}`, t.gateway, () =>
    client.createNewVersion(t.packageName, t.version, request),
  );
  const n = (list?: unknown[]) => list?.length ?? 0;
  s.log.info(
    `Created ${t.packageName} v${created.version} from v${t.version} on ${t.gateway.url} (${n(request.remove)} removed, ${n(request.update)} updated, ${n(request.add)} added)`,
  );
  s.refreshGateways();
  const next: VersionTarget = { ...t, version: created.version };
  notify('info', `Created ${describeVersion(next)} on ${t.gateway.name} from v${t.version}. It is not published yet.`, publishAction(next), showLogAction(s.log));
  return created;
}

/** `{ add?, remove?, update? }`, each a list of `{ kind, id }` (the gateway checks the rest). */
function isNewVersionRequest(arg: unknown): arg is NewVersionRequest {
  const a = asRecord(arg);
  if (!a) return false;
  const refs = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((r) => typeof asRecord(r)?.id === 'string' && typeof asRecord(r)?.kind === 'string'));
  return refs(a.add) && refs(a.remove) && refs(a.update);
}

async function askNewVersion(t: VersionTarget, current: ManifestDefinition[], repository: DefinitionSummary[]): Promise<NewVersionRequest> {
  const title = `Create New Version of ${t.packageName} from v${t.version}`;
  const repo = new Map(repository.map((d) => [refKey(d), d]));
  const inVersion = new Set(current.map(refKey));
  const sorted = [...current].sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  let remove: DefItem[] = [];
  let update: DefItem[] = [];
  let add: DefItem[] = [];
  let index = 0;
  for (;;) {
    if (index === 0) {
      const items = sorted.map((d) => defItem(d, d.kind));
      const picked = await step({
        title,
        step: 1,
        totalSteps: 4,
        placeholder: 'Definitions to REMOVE from the new version (none: press Enter)',
        items,
        selected: items.filter((i) => remove.some((r) => refKey(r.ref) === refKey(i.ref))),
        canPickMany: true,
        back: false,
      });
      if (picked === 'back') continue;
      remove = picked;
      index = 1;
    } else if (index === 1) {
      const removed = new Set(remove.map((r) => refKey(r.ref)));
      const items = sorted
        .filter((d) => !removed.has(refKey(d)))
        .flatMap((d) => {
          const r = repo.get(refKey(d));
          if (!r || r.sha256 === d.sha256) return [];
          return [defItem(d, `repository: from ${r.source.packageName} v${r.source.version}`, 'The repository holds a different version of this definition')];
        });
      const picked = await step({
        title,
        step: 2,
        totalSteps: 4,
        placeholder: items.length
          ? "Definitions to UPDATE to the repository's current version (none: press Enter)"
          : "Every definition is the repository's current version: nothing to update (press Enter)",
        items,
        selected: items.filter((i) => update.some((u) => refKey(u.ref) === refKey(i.ref))),
        canPickMany: true,
        back: true,
      });
      if (picked === 'back') {
        index = 0;
        continue;
      }
      update = picked;
      index = 2;
    } else if (index === 2) {
      const items = [...repository]
        .filter((d) => !inVersion.has(refKey(d)))
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id))
        .map((d) => defItem(d, `${d.kind} · from ${d.source.packageName} v${d.source.version}`));
      const picked = await step({
        title,
        step: 3,
        totalSteps: 4,
        placeholder: items.length ? "Definitions to ADD from the gateway's repository (none: press Enter)" : 'The repository has nothing else to add (press Enter)',
        items,
        selected: items.filter((i) => add.some((a) => refKey(a.ref) === refKey(i.ref))),
        canPickMany: true,
        back: true,
      });
      if (picked === 'back') {
        index = 1;
        continue;
      }
      add = picked;
      index = 3;
    } else {
      const list = (items: DefItem[]) => items.map((i) => i.ref.id).join(', ') || 'none';
      const summary = `remove: ${list(remove)} · update: ${list(update)} · add: ${list(add)}`;
      const confirm = { label: '$(check) Create the New Version', description: '', detail: summary };
      const picked = await step({
        title,
        step: 4,
        totalSteps: 4,
        placeholder: `Create a new version of ${t.packageName} from v${t.version}?`,
        items: [confirm],
        canPickMany: false,
        back: true,
      });
      if (picked === 'back') {
        index = 2;
        continue;
      }
      if (picked.length === 0) throw new Cancelled();
      return {
        remove: remove.map((i) => i.ref),
        update: update.map((i) => i.ref),
        add: add.map((i) => i.ref),
      };
    }
  }
}
