import * as vscode from 'vscode';
import { quickFixes, type QuickFix } from '../../core/fixes/quickFixes';
import type { Diagnostic as CoreDiagnostic } from '../../core/model/diagnostic';
import type { Services } from '../shared/services';
import { toRange } from '../diagnostics/convert';

/** Flow, connection and package draft files, whatever language VS Code gives them. */
export const FLOWGATE_FILES: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.flow.yaml' },
  { scheme: 'file', pattern: '**/*.connection.yaml' },
  { scheme: 'file', pattern: '**/*.package.yaml' },
];

/** The core diagnostic a Problems-panel entry shows (same code, message and range). */
function coreOf(d: vscode.Diagnostic, candidates: CoreDiagnostic[]): CoreDiagnostic | undefined {
  return candidates.find((c) => c.code === d.code && c.message === d.message && toRange(c.range).isEqual(d.range));
}

/** A core fix as a WorkspaceEdit: text edits of existing files, new files with their text. */
export function toWorkspaceEdit(s: Services, fix: QuickFix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(s.model.uri(e.file), toRange(e.range), e.newText);
  for (const f of fix.newFiles) {
    // Created empty, then filled by a text edit: an edit with file contents does not survive the
    // trip through vscode.executeCodeActionProvider (and this one is undone as one step).
    const uri = s.model.uri(f.file);
    edit.createFile(uri, { ignoreIfExists: false, overwrite: false });
    edit.insert(uri, new vscode.Position(0, 0), f.text);
  }
  return edit;
}

/**
 * Quick fixes (Ctrl+.) for Flowgate's diagnostics: core `quickFixes` computes them from the
 * diagnostic and the workspace model; here they become CodeActions of kind QuickFix. A fix that
 * creates a file opens it afterwards (flowgate.openFixedFile).
 */
export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly s: Services) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const rel = this.s.model.relPath(document.uri);
    const ws = this.s.model.current;
    if (!rel || !ws) return [];
    // The model follows the editor after a short delay: fixes are computed only on the text they were found in.
    if (ws.file(rel)?.text !== document.getText()) return [];
    const ours = context.diagnostics.filter((d) => d.source === 'flowgate');
    if (!ours.length) return [];
    const core = this.s.diagnostics.coreDiagnostics(rel);
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const c = coreOf(d, core);
      if (!c) continue;
      for (const fix of quickFixes(ws, c)) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.isPreferred;
        action.edit = toWorkspaceEdit(this.s, fix);
        if (fix.open) action.command = { command: 'vscode.open', title: 'Open', arguments: [this.s.model.uri(fix.open)] };
        actions.push(action);
      }
    }
    return actions;
  }
}

export function registerQuickFixes(context: vscode.ExtensionContext, s: Services): void {
  context.subscriptions.push(vscode.languages.registerCodeActionsProvider(FLOWGATE_FILES, new QuickFixProvider(s), QuickFixProvider.metadata));
}
