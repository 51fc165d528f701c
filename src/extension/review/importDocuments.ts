import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { DefinitionKind } from '../../../webview/protocol/review';

/** The scheme of the read-only documents of an import's preview (the two sides of Show Diff). */
export const IMPORT_SCHEME = 'flowgate-import';

/** Which text of a preview entry: what the target's repository holds now, or what apply writes. */
export type ImportSide = 'current' | 'import';

/**
 * The texts of the Review Import panels' previews as read-only virtual documents
 * (`flowgate-import://<gateway>/<import>/<side>/<id>.<kind>.yaml`): a TextDocumentContentProvider
 * has no save, so neither side of a diff can be edited, and a package's text (hostile until
 * applied) is only ever shown by VS Code's own text editor. A panel sets its texts on every
 * preview it reads (an open document follows) and forgets them when it closes.
 */
export class ImportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(IMPORT_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This text is no longer held: open it again from its Review Import page.\n';
  }

  /** The document of one side of one preview entry of an import on a gateway. */
  uri(gatewayUrl: string, importId: string, side: ImportSide, kind: DefinitionKind, id: string): vscode.Uri {
    return vscode.Uri.from({ scheme: IMPORT_SCHEME, authority: gatewayKey(gatewayUrl), path: `/${importId}/${side}/${id}.${kind}.yaml` });
  }

  /** Sets a document's text; an open document shows the new one. */
  set(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    if (this.texts.get(key) === text) return;
    this.texts.set(key, text);
    this.emitter.fire(uri);
  }

  /** The text held for a document (tests). */
  text(uri: vscode.Uri): string | undefined {
    return this.texts.get(uri.toString());
  }

  /** Forgets every document of an import (its panel closed). */
  forget(gatewayUrl: string, importId: string): void {
    const prefix = vscode.Uri.from({ scheme: IMPORT_SCHEME, authority: gatewayKey(gatewayUrl), path: `/${importId}/` }).toString();
    for (const key of [...this.texts.keys()]) if (key.startsWith(prefix)) this.texts.delete(key);
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
    this.texts.clear();
  }
}

/** A short stable name of a gateway URL for the documents' authority (no credentials in a URI). */
function gatewayKey(url: string): string {
  return createHash('sha256').update(url.replace(/\/+$/, '')).digest('hex').slice(0, 16);
}
