import * as vscode from 'vscode';
import { classifyPath, connectionPath, draftPath, flowPath } from '../../core/workspace/layout';
import type { Workspace } from '../../core/workspace/workspace';
import { validateFile } from '../../core/validate/validate';
import type { Logger } from '../shared/log';
import type { ModelChange, WorkspaceModel } from '../shared/workspaceModel';
import { toDiagnostic } from './convert';

/**
 * The Problems panel (collection `flowgate`): core `validateFile` for every flow, connection and
 * package draft, kept current from the workspace model — the whole workspace at first load, then
 * the files that change, the files that reference a definition that appeared or disappeared, and
 * every draft (a draft's problems — missing dependencies, unknown entries — follow the
 * definitions it lists).
 */
export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('flowgate');
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly model: WorkspaceModel,
    private readonly log: Logger,
  ) {
    this.subscription = model.onDidChange((change) => this.onModelChange(change));
  }

  private onModelChange(change: ModelChange): void {
    const ws = this.model.current;
    if (!ws) return;
    try {
      if (change.reloaded) {
        this.validateAll(ws);
        return;
      }
      for (const rel of change.removed) this.collection.delete(this.model.uri(rel));
      const todo = new Set(change.changed);
      for (const f of ws.files()) if (f.kind === 'package') todo.add(f.relPath);
      if (change.structural) {
        for (const rel of [...change.changed, ...change.removed]) {
          for (const other of this.referencing(ws, rel)) todo.add(other);
        }
      }
      for (const rel of todo) this.validate(ws, rel);
    } catch (err) {
      this.log.error('Validation failed', err);
    }
  }

  /** Files whose text names the definition at `rel` (flows running it or using the connection). */
  private referencing(ws: Workspace, rel: string): string[] {
    const c = classifyPath(rel);
    if (!c || c.kind === 'package') return [];
    return ws
      .files()
      .filter((f) => f.relPath !== rel && f.text.includes(c.id))
      .map((f) => f.relPath);
  }

  private validate(ws: Workspace, rel: string): number {
    const uri = this.model.uri(rel);
    if (!ws.file(rel)) {
      this.collection.delete(uri);
      return 0;
    }
    const mine = validateFile(ws, rel).filter((d) => !d.file || d.file === rel);
    this.collection.set(uri, mine.map(toDiagnostic));
    return mine.length;
  }

  private validateAll(ws: Workspace): void {
    this.collection.clear();
    const files = ws.files();
    const problems = files.reduce((n, f) => n + this.validate(ws, f.relPath), 0);
    this.log.info(`Validated ${files.length} files: ${problems} problem(s)`);
  }

  /**
   * Brings the Problems panel up to date for a package: its draft file (package rules) and every
   * definition file it lists (core `validatePackage` reports those files' own problems too).
   */
  showPackage(ws: Workspace, draftName: string): void {
    const draft = ws.drafts().get(draftName);
    const files = new Set<string>([draftPath(draftName)]);
    for (const d of this.model.packageValidation(ws, draftName).diagnostics) if (d.file) files.add(d.file);
    for (const id of draft?.draft.definitions.flows ?? []) files.add(flowPath(id));
    for (const id of draft?.draft.definitions.connections ?? []) files.add(connectionPath(id));
    for (const rel of files) this.validate(ws, rel);
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
