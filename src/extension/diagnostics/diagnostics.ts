import * as vscode from 'vscode';
import type { Diagnostic as CoreDiagnostic } from '../../core/model/diagnostic';
import { connectionPath, draftPath, flowPath } from '../../core/workspace/layout';
import type { Workspace } from '../../core/workspace/workspace';
import { validateFile } from '../../core/validate/validate';
import { WorkspaceValidation } from '../../core/validate/workspaceValidation';
import type { Logger } from '../shared/log';
import type { ModelChange, WorkspaceModel } from '../shared/workspaceModel';
import { toDiagnostic } from './convert';

/**
 * The Problems panel (collection `flowgate`): core `validateFile` for every flow, connection and
 * package draft, kept current from the workspace model through core `WorkspaceValidation` — the
 * whole workspace at first load, then after each change only what depends on it (the file, the
 * flows that reference it, the files whose "did you mean" may change, and every draft). The
 * model debounces typing (250 ms), so the panel follows the editor as the user types.
 */
export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('flowgate');
  private readonly subscription: vscode.Disposable;
  private validation: WorkspaceValidation | undefined;

  constructor(
    private readonly model: WorkspaceModel,
    private readonly log: Logger,
  ) {
    this.subscription = model.onDidChange((change) => this.onModelChange(change));
  }

  /** The core diagnostics of a file as the Problems panel shows them now (for quick fixes). */
  coreDiagnostics(relPath: string): CoreDiagnostic[] {
    return this.validation && this.validation.ws === this.model.current ? this.validation.get(relPath) : [];
  }

  private onModelChange(change: ModelChange): void {
    const ws = this.model.current;
    if (!ws) return;
    try {
      if (change.reloaded || !this.validation || this.validation.ws !== ws) {
        this.validateAll(ws);
        return;
      }
      const started = performance.now();
      const { updated, removed } = this.validation.update(change.changed, change.removed);
      for (const rel of [...change.removed, ...removed]) this.collection.delete(this.model.uri(rel));
      for (const [rel, diags] of updated) this.collection.set(this.model.uri(rel), diags.map(toDiagnostic));
      this.log.debug(`Revalidated ${updated.size} file(s) in ${(performance.now() - started).toFixed(1)} ms`);
    } catch (err) {
      this.log.error('Validation failed', err);
    }
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
    const started = performance.now();
    this.collection.clear();
    this.validation = new WorkspaceValidation(ws);
    const all = this.validation.validateAll();
    let problems = 0;
    for (const [rel, diags] of all) {
      problems += diags.length;
      this.collection.set(this.model.uri(rel), diags.map(toDiagnostic));
    }
    this.log.info(`Validated ${all.size} files: ${problems} problem(s) (${(performance.now() - started).toFixed(0)} ms)`);
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
