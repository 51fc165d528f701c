import * as vscode from 'vscode';
import type { WorkspaceModel } from './workspaceModel';

/**
 * Writes a Flowgate file the extension changed (a draft): through the open editor when there is
 * one (keeps undo, then saves), else straight to disk; the model is updated at once.
 */
export async function writeWorkspaceFile(model: WorkspaceModel, relPath: string, text: string): Promise<void> {
  const uri = model.uri(relPath);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, open.lineCount, 0), text);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not edit ${relPath}`);
    await open.save();
  } else {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  }
  await model.setText(relPath, text);
}

/** Saves unsaved editors of Flowgate files, so that packing reads what the user sees. */
export async function saveFlowgateDocuments(model: WorkspaceModel): Promise<void> {
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && model.relPath(d.uri));
  await Promise.all(dirty.map((d) => d.save()));
  for (const d of dirty) await model.setText(model.relPath(d.uri)!, d.getText());
}
