import * as vscode from 'vscode';

/** Scheme of the read-only documents Run Flow shows outputs in (`flowgate-outputs:/<flow> — outputs?<execution>`). */
export const OUTPUTS_SCHEME = 'flowgate-outputs';
/** Documents kept (the oldest are forgotten; reopening one then shows a note). */
const KEPT = 50;

/**
 * The outputs of finished runs as read-only JSON documents titled "<flow> — outputs": one per
 * execution (the query holds its id), so an earlier run's document keeps its text.
 */
export class OutputsDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '// These outputs are no longer kept: run the flow again.\n';
  }

  /** Opens the document for one execution's outputs (beside the active editor, keeping focus there). */
  async show(flowName: string, executionId: string, content: unknown): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({ scheme: OUTPUTS_SCHEME, path: `/${flowName.replace(/[\\/]/g, '_')} — outputs`, query: executionId });
    this.texts.set(uri.toString(), `${JSON.stringify(content, null, 2)}\n`);
    while (this.texts.size > KEPT) this.texts.delete(this.texts.keys().next().value!);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'json') doc = await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    return doc;
  }
}

let shared: OutputsDocuments | undefined;

/** Registers the outputs documents' provider (once, from activate). */
export function registerOutputsDocuments(context: vscode.ExtensionContext): OutputsDocuments {
  shared = new OutputsDocuments();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(OUTPUTS_SCHEME, shared));
  return shared;
}

export function outputsDocuments(): OutputsDocuments {
  if (!shared) throw new Error('the outputs documents are not registered');
  return shared;
}
