/**
 * A draft's instructions (the `instructions` text of `packages/<Name>.package.yaml`) as a Markdown
 * document of its own: `flowgate-instructions:/<Name>.instructions.md`. Reading it reads the
 * draft; saving it writes the text back into the draft (core `setInstructions`, keeping the rest of
 * the file as it was), so the author edits Markdown in a Markdown editor and the draft stays the
 * one file that holds the package.
 */
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { draftInstructions, setInstructions } from '../../core/draft/editDraft';
import { isPackageName } from '../../core/model/packageDraft';
import { draftPath } from '../../core/workspace/layout';
import type { WorkspaceModel } from '../shared/workspaceModel';

export const INSTRUCTIONS_SCHEME = 'flowgate-instructions';
const SUFFIX = '.instructions.md';

export function instructionsUri(draftName: string): vscode.Uri {
  return vscode.Uri.from({ scheme: INSTRUCTIONS_SCHEME, path: `/${draftName}${SUFFIX}` });
}

/** The draft an instructions URI names (a valid package name), else a FileNotFound error. */
function draftOf(uri: vscode.Uri): string {
  const name = uri.path.startsWith('/') && uri.path.endsWith(SUFFIX) ? uri.path.slice(1, -SUFFIX.length) : '';
  if (!isPackageName(name)) throw vscode.FileSystemError.FileNotFound(uri);
  return name;
}

export class InstructionsFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** Modification times handed out per draft (a save bumps it; VS Code compares them on save). */
  private readonly mtimes = new Map<string, number>();

  constructor(private readonly model: WorkspaceModel) {}

  private async text(uri: vscode.Uri): Promise<{ name: string; text: string }> {
    const name = draftOf(uri);
    const ws = await this.model.get();
    if (!ws.file(draftPath(name))) throw vscode.FileSystemError.FileNotFound(uri);
    try {
      return { name, text: draftInstructions(ws, name) };
    } catch (err) {
      throw vscode.FileSystemError.Unavailable(`${draftPath(name)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { name, text } = await this.text(uri);
    if (!this.mtimes.has(name)) this.mtimes.set(name, Date.now());
    return { type: vscode.FileType.File, ctime: 0, mtime: this.mtimes.get(name)!, size: Buffer.byteLength(text) };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return new TextEncoder().encode((await this.text(uri)).text);
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const name = draftOf(uri);
    const ws = await this.model.get();
    if (!ws.file(draftPath(name))) throw vscode.FileSystemError.FileNotFound(uri);
    let result: { text: string; changed: boolean };
    try {
      result = setInstructions(ws, name, new TextDecoder().decode(content));
    } catch (err) {
      throw vscode.FileSystemError.NoPermissions(`${draftPath(name)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Straight to disk, not through an open editor of the draft (saving another document from
    // inside this save makes VS Code cancel this one), and quickly: Node's fs for a local folder
    // (the extension host runs where the workspace is), the model told after this save returns.
    if (result.changed) {
      const draftUri = this.model.uri(draftPath(name));
      const draftDoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === draftUri.toString());
      if (draftDoc?.isDirty) throw vscode.FileSystemError.Unavailable(`${draftPath(name)} has unsaved changes; save or revert it first`);
      if (draftUri.scheme === 'file') await fs.writeFile(draftUri.fsPath, result.text);
      else await vscode.workspace.fs.writeFile(draftUri, new TextEncoder().encode(result.text));
      setTimeout(() => void this.model.setText(draftPath(name), result.text).catch(() => undefined), 0);
    }
    this.mtimes.set(name, Math.max(Date.now(), (this.mtimes.get(name) ?? 0) + 1));
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
