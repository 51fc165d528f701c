import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { classifyPath } from '../../core/workspace/layout';
import { directorySource, loadWorkspace, type Workspace } from '../../core/workspace/workspace';
import { validatePackage } from '../../core/validate/validate';
import type { Logger } from './log';

/** What changed in the model: workspace-relative paths, and whether files appeared or disappeared. */
export interface ModelChange {
  /** Paths whose text changed or that were created. */
  changed: string[];
  /** Paths that no longer exist. */
  removed: string[];
  /** Files were created or deleted (or the model was reloaded): references elsewhere may change. */
  structural: boolean;
  /** The whole model was (re)loaded. */
  reloaded: boolean;
}

type PackageValidation = ReturnType<typeof validatePackage>;

/** Files and folders: deleting or moving a folder outside VS Code reports only the folder. */
const WATCH_GLOB = '{flows,connections,packages}/**';

/**
 * Holds the in-memory core `Workspace` for the Flowgate folder of the VS Code window: loaded
 * lazily on first use, then kept up to date incrementally from file-system events and from the
 * text of open editors (so the trees and the Problems panel follow what the user types).
 */
function findRoot(): vscode.Uri | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0]?.uri;
  const marked = folders.find(
    (f) => f.uri.scheme === 'file' && ['flows', 'connections', 'packages'].some((d) => fs.existsSync(path.join(f.uri.fsPath, d))),
  );
  return (marked ?? folders[0]).uri;
}

export class WorkspaceModel implements vscode.Disposable {
  private loading: Promise<Workspace> | undefined;
  private ws: Workspace | undefined;
  private generation = 0;
  private readonly validations = new Map<string, { generation: number; result: PackageValidation }>();
  private readonly pendingEdits = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly emitter = new vscode.EventEmitter<ModelChange>();
  private readonly disposables: vscode.Disposable[] = [];
  /** null: not computed yet. */
  private root: vscode.Uri | undefined | null = null;

  /** Fires after every change of the loaded model. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: Logger) {
    this.disposables.push(this.emitter);
    const root = this.rootUri;
    if (root) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, WATCH_GLOB));
      this.disposables.push(
        watcher,
        watcher.onDidCreate((uri) => void this.fromDiskTree(uri)),
        watcher.onDidChange((uri) => void this.fromDisk(uri, false)),
        watcher.onDidDelete((uri) => this.deleted(uri)),
        // Deleting or renaming a folder reports only the folder.
        vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => this.deleted(uri))),
        vscode.workspace.onDidRenameFiles((e) =>
          e.files.forEach(({ oldUri, newUri }) => {
            this.deleted(oldUri);
            void this.fromDiskTree(newUri);
          }),
        ),
        // Folders created or pasted from the explorer.
        vscode.workspace.onDidCreateFiles((e) => e.files.forEach((uri) => void this.fromDiskTree(uri))),
      );
    }
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        if (!vscode.workspace.getConfiguration('flowgate').get<boolean>('validation.onType', true)) return;
        this.scheduleEditorText(e.document);
      }),
      vscode.workspace.onDidOpenTextDocument((doc) => this.fromEditor(doc)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.fromEditor(doc)),
      // An editor closed without saving leaves the disk text as the truth.
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (this.relPath(doc.uri)) void this.fromDisk(doc.uri, false);
      }),
    );
  }

  /** The folder Flowgate works in: the first workspace folder holding flows/, connections/ or packages/, else the first folder. */
  get rootUri(): vscode.Uri | undefined {
    if (this.root === null) this.root = findRoot();
    return this.root;
  }

  /** The loaded model, if a first load already happened (no I/O). */
  get current(): Workspace | undefined {
    return this.ws;
  }

  /** The model, loading it on first call. Throws with a message when no folder is open. */
  get(): Promise<Workspace> {
    if (this.ws) return Promise.resolve(this.ws);
    if (!this.loading) {
      this.loading = this.load().catch((err) => {
        this.loading = undefined;
        throw err;
      });
    }
    return this.loading;
  }

  /** Reads every file from disk again (Refresh), then applies the text of open editors. */
  async reload(): Promise<Workspace> {
    this.ws = undefined;
    this.loading = undefined;
    return this.get();
  }

  private async load(): Promise<Workspace> {
    const root = this.rootUri;
    if (!root) throw new Error('open a folder with flows/, connections/ or packages/ first');
    const started = Date.now();
    const ws = await loadWorkspace(directorySource(root.fsPath));
    for (const doc of vscode.workspace.textDocuments) {
      const rel = this.relPath(doc.uri);
      if (rel && doc.isDirty) ws.setFile(rel, doc.getText());
    }
    this.ws = ws;
    this.loading = undefined;
    this.generation++;
    this.log.info(`Loaded workspace ${root.fsPath}: ${ws.flows().size} flows, ${ws.connections().size} connections, ${ws.drafts().size} package drafts (${Date.now() - started} ms)`);
    this.emitter.fire({ changed: [], removed: [], structural: true, reloaded: true });
    return ws;
  }

  /** Workspace-relative `/` path of a Flowgate file (flow, connection, package draft) under the root, else undefined. */
  relPath(uri: vscode.Uri): string | undefined {
    const root = this.rootUri;
    if (!root || uri.scheme !== root.scheme) return undefined;
    const rel = path.relative(root.fsPath, uri.fsPath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const posix = rel.split(path.sep).join('/');
    return classifyPath(posix) ? posix : undefined;
  }

  /** The URI of a workspace-relative path. */
  uri(relPath: string): vscode.Uri {
    const root = this.rootUri;
    if (!root) throw new Error('no workspace folder is open');
    return vscode.Uri.joinPath(root, ...relPath.split('/'));
  }

  /** Sets a file's text in the model at once (after the extension itself wrote it). */
  async setText(relPath: string, text: string): Promise<void> {
    const ws = await this.get();
    this.apply(ws, relPath, text);
  }

  /**
   * Core's validatePackage for a draft, computed once per model generation (the Packages tree,
   * the Problems panel and the commands all ask for it).
   */
  packageValidation(ws: Workspace, draftName: string): PackageValidation {
    const cached = this.validations.get(draftName);
    if (cached && cached.generation === this.generation) return cached.result;
    const result = validatePackage(ws, draftName);
    this.validations.set(draftName, { generation: this.generation, result });
    return result;
  }

  private scheduleEditorText(doc: vscode.TextDocument): void {
    const rel = this.relPath(doc.uri);
    if (!rel) return;
    const key = doc.uri.toString();
    clearTimeout(this.pendingEdits.get(key));
    this.pendingEdits.set(
      key,
      setTimeout(() => {
        this.pendingEdits.delete(key);
        this.fromEditor(doc);
      }, 250),
    );
  }

  private fromEditor(doc: vscode.TextDocument): void {
    const rel = this.relPath(doc.uri);
    if (!rel || doc.isClosed) return;
    const text = doc.getText();
    void this.get().then(
      (ws) => this.apply(ws, rel, text),
      (err) => this.log.error(`Could not load the workspace for ${rel}`, err),
    );
  }

  private async fromDisk(uri: vscode.Uri, created: boolean): Promise<void> {
    const rel = this.relPath(uri);
    if (!rel || !this.ws) return; // not loaded yet: the first load reads it
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open && open.isDirty) return; // the editor's text is the model's text
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      this.deleted(uri);
      return;
    }
    if (this.ws) this.apply(this.ws, rel, text, created);
  }

  /** A file, or every Flowgate file under a folder, read from disk. */
  private async fromDiskTree(uri: vscode.Uri): Promise<void> {
    if (this.relPath(uri)) return this.fromDisk(uri, true);
    const root = this.rootUri;
    if (!root || !this.ws) return;
    try {
      if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) {
        const files = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, '**/*.yaml'));
        await Promise.all(files.map((f) => this.fromDisk(f, true)));
      }
    } catch {
      /* gone again */
    }
  }

  private apply(ws: Workspace, rel: string, text: string, created = false): void {
    const before = ws.file(rel);
    if (before && before.text === text) return;
    ws.setFile(rel, text);
    this.generation++;
    this.emitter.fire({ changed: [rel], removed: [], structural: created || !before, reloaded: false });
  }

  private deleted(uri: vscode.Uri): void {
    const ws = this.ws;
    const root = this.rootUri;
    if (!ws || !root) return;
    const rel = path.relative(root.fsPath, uri.fsPath).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) return;
    const removed = [...ws.files()]
      .map((f) => f.relPath)
      .filter((p) => p === rel || p.startsWith(`${rel}/`));
    if (removed.length === 0) return;
    for (const p of removed) ws.removeFile(p);
    this.generation++;
    this.emitter.fire({ changed: [], removed, structural: true, reloaded: false });
  }

  dispose(): void {
    for (const t of this.pendingEdits.values()) clearTimeout(t);
    this.disposables.forEach((d) => d.dispose());
  }
}
