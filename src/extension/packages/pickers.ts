import * as vscode from 'vscode';
import { classifyPath, splitId } from '../../core/workspace/layout';
import type { Workspace } from '../../core/workspace/workspace';
import { Cancelled } from '../shared/errors';
import type { WorkspaceModel } from '../shared/workspaceModel';
import { isDraftArg } from './nodes';

/**
 * The draft a command works on: from a tree node / `{ type: 'draft', name }`, a draft name, the
 * URI of a `.package.yaml`, the active editor's draft, or a quick pick (skipped when there is one).
 */
export async function resolveDraft(model: WorkspaceModel, ws: Workspace, arg: unknown, placeHolder: string): Promise<string> {
  let name: string | undefined;
  if (isDraftArg(arg)) name = arg.name;
  else if (typeof arg === 'string') name = arg;
  else if (arg instanceof vscode.Uri) {
    const rel = model.relPath(arg);
    const c = rel ? classifyPath(rel) : undefined;
    if (c?.kind === 'package') name = c.name;
  }
  if (!name) {
    const active = vscode.window.activeTextEditor?.document.uri;
    const rel = active ? model.relPath(active) : undefined;
    const c = rel ? classifyPath(rel) : undefined;
    if (c?.kind === 'package' && arg === undefined && ws.drafts().has(c.name)) name = c.name;
  }
  if (name) {
    if (!ws.drafts().has(name)) {
      if (ws.files().some((f) => f.kind === 'package' && f.id === name)) {
        throw new Error(`the package draft '${name}' has errors in its file; fix them first (see Problems)`);
      }
      throw new Error(`there is no package draft '${name}' in this workspace`);
    }
    return name;
  }
  const drafts = [...ws.drafts().entries()].sort(([a], [b]) => a.localeCompare(b));
  if (drafts.length === 0) throw new Error('this workspace has no package drafts yet; create one with "Flowgate: Create Package"');
  if (drafts.length === 1) return drafts[0][0];
  const picked = await vscode.window.showQuickPick(
    drafts.map(([n, { draft }]) => ({ label: n, description: `v${draft.version}`, detail: draft.description })),
    { placeHolder, ignoreFocusOut: true },
  );
  if (!picked) throw new Cancelled();
  return picked.label;
}

/** A multi-select quick pick of workspace flows (ids), leaving out `exclude`. */
export async function pickFlows(ws: Workspace, exclude: Set<string>, placeHolder: string): Promise<string[]> {
  const items = [...ws.flows().values()]
    .filter((f) => !exclude.has(f.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((f) => ({ label: f.name, description: f.folder, detail: f.flow.description, id: f.id }));
  if (items.length === 0) throw new Error(exclude.size ? 'every flow of the workspace is already in the package' : 'this workspace has no valid flows');
  const picked = await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true, ignoreFocusOut: true, matchOnDescription: true });
  if (!picked || picked.length === 0) throw new Cancelled();
  return picked.map((p) => p.id);
}

/** The flow id of a `.flow.yaml` URI under the Flowgate folder. */
export function flowIdOf(model: WorkspaceModel, uri: vscode.Uri): string {
  const rel = model.relPath(uri);
  const c = rel ? classifyPath(rel) : undefined;
  if (c?.kind !== 'flow') throw new Error(`${uri.fsPath} is not a flow of this workspace (flows/<folders>/<Name>.flow.yaml)`);
  return c.id;
}

export function flowLabel(id: string): string {
  return splitId(id).name;
}
