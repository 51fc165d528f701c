import * as vscode from 'vscode';
import type { PackageSummary } from '../../core/api/types';
import { GatewayError } from '../../core/client/gatewayClient';
import { bumpedVersion, compareDefinitions, draftHashes, highestPublished, setDraftVersion, type DefinitionChange, type DefinitionHash } from '../../core/draft/draftChanges';
import { readPackageFile } from '../../core/package/packageFile';
import { definitionPath, draftPath } from '../../core/workspace/layout';
import { config } from '../shared/config';
import { Cancelled, errorText, notify } from '../shared/errors';
import { writeWorkspaceFile } from '../shared/files';
import { gatewayClient } from '../shared/gateway';
import type { Services } from '../shared/services';
import { isDraftArg } from './nodes';

/** A draft compared with the highest version published on the dev gateway. */
export interface DraftComparison {
  gatewayUrl: string;
  /** The highest published version. */
  version: number;
  changes: DefinitionChange[];
}

interface Remote {
  fetchedAt: number;
  /** undefined: the package has no published version there. */
  version?: number;
  definitions?: DefinitionHash[];
  versions: number[];
}

/** How long what the gateway answered is reused before asking again (publishes and saves ask at once). */
const REMOTE_TTL_MS = 60_000;
/** Scheme of the left side of "Show Changes Since Published": a definition's text in a gateway's version. */
export const PUBLISHED_SCHEME = 'flowgate-published';

/**
 * What the Packages view shows on a draft that differs from the highest version published on the
 * dev gateway (the `flowgate.devGateway.url` setting, or the local gateway when it runs — never
 * started for this). Computed off the tree's path: cached per draft, refreshed on save, on publish
 * and when the workspace changes (local hashes only), with the gateway's short timeout; a gateway
 * that is down leaves the drafts without a description, quietly.
 */
export class DraftChanges implements vscode.Disposable {
  private readonly remote = new Map<string, Remote>();
  private readonly results = new Map<string, DraftComparison | undefined>();
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a draft's comparison changed (the tree redraws). */
  readonly onDidChangeComparisons = this.emitter.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private forceNext = false;
  private readonly disposables: vscode.Disposable[] = [];
  private started = false;

  constructor(private readonly s: Services) {
    this.disposables.push(
      this.emitter,
      s.model.onDidChange(() => this.schedule(false, 500)),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (s.model.relPath(doc.uri)) this.schedule(true, 100);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('flowgate')) this.schedule(true, 100);
      }),
      vscode.workspace.registerTextDocumentContentProvider(PUBLISHED_SCHEME, { provideTextDocumentContent: (uri) => this.texts.get(uri.toString()) ?? '' }),
    );
  }

  /** The comparison of a draft, if known and different; the first call starts the first refresh (off the caller's path). */
  comparison(draftName: string): DraftComparison | undefined {
    if (!this.started) {
      this.started = true;
      this.schedule(false, 0);
    }
    const r = this.results.get(draftName);
    return r && r.changes.length ? r : undefined;
  }

  /** Ask the gateway again (after a publish). */
  refresh(): Promise<void> {
    this.schedule(true, 0);
    return this.idle();
  }

  /** Resolves once no refresh is pending or running. */
  async idle(): Promise<void> {
    while (this.timer !== undefined || this.running) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 20));
    }
  }

  private schedule(force: boolean, delayMs: number): void {
    this.started = true;
    if (force) this.forceNext = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = this.run().finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule(false, 0);
        }
      });
    }, delayMs);
  }

  /** The dev gateway to compare with, without starting anything. */
  private gatewayUrl(): string | undefined {
    return config.devGatewayUrl() ?? (this.s.local.isRunning() ? this.s.local.url() : undefined);
  }

  private async run(): Promise<void> {
    const force = this.forceNext;
    this.forceNext = false;
    let changed = false;
    try {
      const ws = await this.s.model.get();
      const url = this.gatewayUrl();
      const names = [...ws.drafts().keys()];
      for (const gone of [...this.results.keys()].filter((n) => !names.includes(n))) {
        this.results.delete(gone);
        changed = true;
      }
      for (const name of names) {
        let next: DraftComparison | undefined;
        if (url) {
          const remote = await this.remoteOf(url, name, force);
          const local = draftHashes(ws, name);
          if (remote?.version !== undefined && remote.definitions && local) {
            next = { gatewayUrl: url, version: remote.version, changes: compareDefinitions(local, remote.definitions) };
          }
        }
        if (JSON.stringify(next) !== JSON.stringify(this.results.get(name))) changed = true;
        this.results.set(name, next);
      }
    } catch (err) {
      this.s.log.warn(`Changed since published: ${errorText(err)}`);
    }
    if (changed) this.emitter.fire();
  }

  private async remoteOf(url: string, name: string, force: boolean): Promise<Remote | undefined> {
    const k = `${url}\u0000${name}`;
    const cached = this.remote.get(k);
    if (cached && !force && Date.now() - cached.fetchedAt < REMOTE_TTL_MS) return cached;
    const gw = gatewayClient(url, 'tree');
    let pkg: PackageSummary;
    try {
      pkg = await gw.getPackage(name);
    } catch (err) {
      if (err instanceof GatewayError && err.status === 404) {
        const none: Remote = { fetchedAt: Date.now(), versions: [] };
        this.remote.set(k, none);
        return none;
      }
      // Down, slow or refusing: no description, quietly (the log says why).
      this.s.log.debug(`Changed since published: ${url} did not answer for ${name}: ${errorText(err)}`);
      return cached;
    }
    const versions = pkg.versions.map((v) => v.version);
    const top = highestPublished(pkg.versions);
    let remote: Remote = { fetchedAt: Date.now(), versions };
    if (top !== undefined) {
      try {
        const detail = await gw.getVersion(name, top);
        remote = { ...remote, version: top, definitions: detail.definitions.map((d) => ({ kind: d.kind, id: d.id, sha256: d.sha256 })) };
      } catch (err) {
        this.s.log.debug(`Changed since published: could not read ${name} ${top} on ${url}: ${errorText(err)}`);
        return cached;
      }
    }
    this.remote.set(k, remote);
    return remote;
  }

  /** The versions the dev gateway holds of a package (asked now). */
  async versionsOf(name: string): Promise<{ url: string; versions: number[] }> {
    const url = this.gatewayUrl() ?? (await this.s.local.ensureRunning());
    const remote = await this.remoteOf(url, name, true);
    if (!remote) throw new Error(`the dev gateway ${url} did not answer`);
    return { url, versions: remote.versions };
  }

  /** A read-only document with a definition's text in a version on a gateway (the left side of a diff). */
  async publishedUri(url: string, name: string, version: number, kind: 'flow' | 'connection', id: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: PUBLISHED_SCHEME, path: `/${name}/v${version}/${definitionPath(kind, id)}`, query: url });
    const file = await gatewayClient(url, 'action').downloadVersion(name, version);
    const contents = await readPackageFile(file);
    const text = contents.sources.find((d) => d.kind === kind && d.id === id)?.text ?? '';
    this.texts.set(uri.toString(), text);
    return uri;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Which changed draft a palette command means: the node's, or a pick among the changed ones. */
async function changedDraft(s: Services, changes: DraftChanges, arg: unknown): Promise<{ name: string; comparison: DraftComparison }> {
  await changes.refresh();
  if (isDraftArg(arg) || typeof arg === 'string') {
    const name = typeof arg === 'string' ? arg : arg.name;
    const comparison = changes.comparison(name);
    if (!comparison) throw new Error(`package draft '${name}' does not differ from a version published on the dev gateway`);
    return { name, comparison };
  }
  const ws = await s.model.get();
  const candidates = [...ws.drafts().keys()].flatMap((name) => {
    const comparison = changes.comparison(name);
    return comparison ? [{ name, comparison }] : [];
  });
  if (candidates.length === 0) throw new Error('no package draft differs from the version published on the dev gateway');
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((c) => ({ label: c.name, description: `changed since v${c.comparison.version}`, detail: c.comparison.changes.map((x) => `${x.id} (${x.change})`).join(', '), c })),
    { placeHolder: 'Which package draft?', ignoreFocusOut: true },
  );
  if (!picked) throw new Cancelled();
  return picked.c;
}

/**
 * `flowgate.showDraftChanges [draft] [definition]`: a diff per changed definition — the version's
 * text on the dev gateway against the workspace file (a pick when several changed; `definition`
 * `{kind, id}` names one). Returns what it opened.
 */
export async function showDraftChanges(s: Services, changes: DraftChanges, arg?: unknown, which?: unknown): Promise<{ left: string; right: string } | undefined> {
  const { name, comparison } = await changedDraft(s, changes, arg);
  const diffable = comparison.changes;
  const w = which as { kind?: unknown; id?: unknown } | undefined;
  let change: DefinitionChange | undefined = w && typeof w.id === 'string' ? diffable.find((c) => c.id === w.id && (w.kind === undefined || c.kind === w.kind)) : undefined;
  if (!change && diffable.length === 1) change = diffable[0];
  if (!change) {
    const picked = await vscode.window.showQuickPick(
      diffable.map((c) => ({ label: c.id, description: `${c.kind} · ${c.change}`, c })),
      { placeHolder: `${name}: which definition changed since v${comparison.version}?`, ignoreFocusOut: true },
    );
    if (!picked) throw new Cancelled();
    change = picked.c;
  }
  const left =
    change.change === 'added'
      ? vscode.Uri.from({ scheme: PUBLISHED_SCHEME, path: `/${name}/v${comparison.version}/${definitionPath(change.kind, change.id)}`, query: 'absent' })
      : await changes.publishedUri(comparison.gatewayUrl, name, comparison.version, change.kind, change.id);
  const right = change.change === 'removed' ? vscode.Uri.from({ scheme: PUBLISHED_SCHEME, path: `/workspace/${definitionPath(change.kind, change.id)}`, query: 'absent' }) : s.model.uri(definitionPath(change.kind, change.id));
  await vscode.commands.executeCommand('vscode.diff', left, right, `${change.id}: ${name} v${comparison.version} ↔ workspace`);
  return { left: left.toString(), right: right.toString() };
}

/**
 * `flowgate.bumpDraftVersion [draft]`: one step — the draft's `version` becomes one past the
 * highest version the dev gateway holds of the package (core's setDraftVersion keeps the file's
 * comments and layout). Returns the new version.
 */
export async function bumpDraftVersion(s: Services, changes: DraftChanges, arg?: unknown): Promise<number> {
  let name: string;
  const ws = await s.model.get();
  if (isDraftArg(arg) || typeof arg === 'string') name = typeof arg === 'string' ? arg : arg.name;
  else {
    // The palette: the changed drafts first; any valid draft may be bumped.
    await changes.refresh();
    const names = [...ws.drafts().keys()].sort((a, b) => Number(!!changes.comparison(b)) - Number(!!changes.comparison(a)) || a.localeCompare(b));
    if (names.length === 0) throw new Error('the workspace has no valid package draft');
    const picked =
      names.length === 1
        ? names[0]
        : (
            await vscode.window.showQuickPick(
              names.map((n) => ({ label: n, description: changes.comparison(n) ? `changed since v${changes.comparison(n)!.version}` : `v${ws.drafts().get(n)!.draft.version}` })),
              { placeHolder: 'Bump the version of which package draft?', ignoreFocusOut: true },
            )
          )?.label;
    if (!picked) throw new Cancelled();
    name = picked;
  }
  const rel = draftPath(name);
  const file = ws.file(rel);
  const draft = ws.drafts().get(name)?.draft;
  if (!file || !draft) throw new Error(`package draft '${name}' is missing or not valid (${rel})`);
  const { url, versions } = await changes.versionsOf(name);
  const next = bumpedVersion(versions.map((version) => ({ version })));
  if (draft.version === next) {
    notify('info', `Flowgate: ${name} is already at version ${next}, the next free one on ${url}.`);
    return next;
  }
  await writeWorkspaceFile(s.model, rel, setDraftVersion(file.text, next));
  s.log.info(`${name}: version set to ${next} (highest on ${url}: ${Math.max(0, ...versions)})`);
  notify('info', `Flowgate: ${name} is now version ${next}. Publish it to make the changes a version.`, {
    title: 'Publish',
    run: () => vscode.commands.executeCommand('flowgate.publishToDevGateway', name),
  });
  void changes.refresh();
  return next;
}
