import * as vscode from 'vscode';
import { flowClosure } from '../../core/graph/references';
import { connectionPath, flowPath, splitId } from '../../core/workspace/layout';
import type { Workspace } from '../../core/workspace/workspace';
import { countText } from '../diagnostics/convert';
import type { Logger } from '../shared/log';
import type { WorkspaceModel } from '../shared/workspaceModel';
import type { DraftChanges } from './draftChanges';
import { CONTEXT, type DefinitionNode, type DraftNode, type PackagesNode } from './nodes';

/** The Packages view: package drafts → the flows and connections they list. */
export class PackagesTreeProvider implements vscode.TreeDataProvider<PackagesNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<PackagesNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: vscode.Disposable;
  private changes: DraftChanges | undefined;

  constructor(
    private readonly model: WorkspaceModel,
    private readonly log: Logger,
  ) {
    this.subscription = model.onDidChange(() => this.refreshSoon());
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  /** "Changed since vN" on drafts (draftChanges.ts): redrawn when a comparison changes. */
  useChanges(changes: DraftChanges): vscode.Disposable {
    this.changes = changes;
    return changes.onDidChangeComparisons(() => this.refresh());
  }

  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 100);
  }

  async getChildren(element?: PackagesNode): Promise<PackagesNode[]> {
    let ws: Workspace;
    try {
      ws = await this.model.get();
    } catch (err) {
      this.log.error('Could not load the Flowgate workspace', err);
      return [];
    }
    if (!element) return draftNodes(ws);
    if (element.type === 'draft') return definitionNodes(ws, element.name);
    return [];
  }

  getTreeItem(node: PackagesNode): vscode.TreeItem {
    const ws = this.model.current;
    return node.type === 'draft' ? this.draftItem(ws, node) : this.definitionItem(node);
  }

  getParent(node: PackagesNode): PackagesNode | undefined {
    if (node.type === 'draft') return undefined;
    const ws = this.model.current;
    const d = ws?.drafts().get(node.draftName);
    return d ? { type: 'draft', name: node.draftName, relPath: d.relPath, valid: true } : undefined;
  }

  private draftItem(ws: Workspace | undefined, node: DraftNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.name, node.valid ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `draft:${node.name}`;
    item.resourceUri = this.model.uri(node.relPath);
    item.command = { command: 'vscode.open', title: 'Open Package Draft', arguments: [item.resourceUri] };
    const tooltip = new vscode.MarkdownString(undefined, true);
    if (!ws || !node.valid) {
      const problems = ws?.file(node.relPath)?.diagnostics ?? [];
      item.contextValue = CONTEXT.invalidDraft;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
      item.description = `invalid draft${problems.length ? ` · ${countText(problems)}` : ''}`;
      tooltip.appendMarkdown(`**${node.name}** — the draft file does not parse or fails its schema.\n\n`);
      for (const d of problems.slice(0, 5)) tooltip.appendMarkdown(`- ${escape(d.message)}\n`);
      item.tooltip = tooltip;
      return item;
    }
    const draft = ws.drafts().get(node.name)!.draft;
    const validation = this.model.packageValidation(ws, node.name);
    const counts = countText(validation.diagnostics);
    const errors = validation.diagnostics.filter((d) => d.severity === 'error').length;
    item.contextValue = CONTEXT.draft;
    item.description = `v${draft.version} · ${counts || 'valid'}`;
    const compared = this.changes?.comparison(node.name);
    if (compared) {
      item.contextValue = CONTEXT.changedDraft;
      item.description += ` · changed since v${compared.version}`;
    }
    item.iconPath = errors
      ? new vscode.ThemeIcon('package', new vscode.ThemeColor('problemsErrorIcon.foreground'))
      : counts
        ? new vscode.ThemeIcon('package', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : new vscode.ThemeIcon('package');
    tooltip.appendMarkdown(`**${escape(node.name)}** — next version ${draft.version}\n\n`);
    if (draft.description) tooltip.appendMarkdown(`${escape(draft.description)}\n\n`);
    tooltip.appendMarkdown(
      `${draft.definitions.flows?.length ?? 0} flow(s), ${draft.definitions.connections?.length ?? 0} connection(s)\n\n`,
    );
    if (compared) {
      tooltip.appendMarkdown(`$(git-compare) Changed since v${compared.version} (published on ${escape(compared.gatewayUrl)}):\n\n`);
      for (const c of compared.changes.slice(0, 20)) tooltip.appendMarkdown(`- ${c.kind} ${escape(c.id)} — ${c.change}\n`);
      if (compared.changes.length > 20) tooltip.appendMarkdown(`- … ${compared.changes.length - 20} more\n`);
      tooltip.appendMarkdown('\n');
    }
    if (validation.diagnostics.length === 0) tooltip.appendMarkdown('$(pass) Valid');
    else {
      tooltip.appendMarkdown(`$(warning) ${counts}:\n\n`);
      for (const d of validation.diagnostics.slice(0, 8)) tooltip.appendMarkdown(`- ${escape(d.message)}\n`);
    }
    item.tooltip = tooltip;
    return item;
  }

  private definitionItem(node: DefinitionNode): vscode.TreeItem {
    const { folder, name } = splitId(node.id);
    const item = new vscode.TreeItem(node.kind === 'flow' ? name : node.id, vscode.TreeItemCollapsibleState.None);
    item.id = `def:${node.draftName}:${node.kind}:${node.id}`;
    const rel = node.kind === 'flow' ? flowPath(node.id) : connectionPath(node.id);
    item.resourceUri = this.model.uri(rel);
    if (node.exists) item.command = { command: 'vscode.open', title: 'Open', arguments: [item.resourceUri] };
    const parts: string[] = [];
    if (node.kind === 'flow' && folder) parts.push(folder);
    if (node.required) parts.push('required');
    if (!node.exists) parts.push('missing');
    item.description = parts.join(' · ');
    item.contextValue =
      node.kind === 'connection' ? CONTEXT.removableConnection : node.required ? CONTEXT.requiredFlow : CONTEXT.removableFlow;
    item.iconPath = !node.exists
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon(node.kind === 'flow' ? 'symbol-event' : 'plug');
    item.tooltip = node.exists
      ? `${node.kind} ${node.id}${node.required ? '\nRun by another flow of the package: it cannot be left out.' : ''}`
      : `${node.kind} ${node.id} does not exist in the workspace (${rel})`;
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

export function draftNodes(ws: Workspace): DraftNode[] {
  return ws
    .files()
    .filter((f) => f.kind === 'package')
    .map((f) => ({ type: 'draft' as const, name: f.id, relPath: f.relPath, valid: !!f.draft }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Flows that some other flow of the draft runs (directly or not): they cannot be removed. */
export function requiredFlows(ws: Workspace, flows: string[]): Set<string> {
  const required = new Set<string>();
  for (const id of flows) {
    for (const dep of flowClosure(ws, [id])) if (dep !== id) required.add(dep);
  }
  return required;
}

export function definitionNodes(ws: Workspace, draftName: string): DefinitionNode[] {
  const entry = ws.drafts().get(draftName);
  if (!entry) return [];
  const flows = entry.draft.definitions.flows ?? [];
  const connections = entry.draft.definitions.connections ?? [];
  const required = requiredFlows(ws, flows);
  return [
    ...flows.map((id) => ({
      type: 'definition' as const,
      draftName,
      kind: 'flow' as const,
      id,
      required: required.has(id),
      exists: ws.has('flow', id),
    })),
    ...connections.map((id) => ({
      type: 'definition' as const,
      draftName,
      kind: 'connection' as const,
      id,
      required: false,
      exists: ws.has('connection', id),
    })),
  ];
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
