/**
 * The language features of flow files, package drafts and connection files: thin VS Code
 * providers over core's language service (src/core/language), which does all the work. Each
 * request uses the document's current text (the workspace model follows editors a moment later)
 * and the model for every other file.
 */
import * as vscode from 'vscode';
import {
  completions,
  definition,
  resolveCompletion,
  documentSymbols,
  hover,
  prepareRename,
  references,
  renameFlow,
  RenameError,
  type CompletionItem as CoreCompletionItem,
  type CompletionKind,
  type DocumentSymbol,
  type LanguageDocument,
  type Location,
} from '../../core/language';
import type { Position, Range } from '../../core/model/diagnostic';
import type { Workspace } from '../../core/workspace/workspace';
import type { Services } from '../shared/services';

/** Flow files (by language and by name, for users who map them to `yaml`), package drafts and connection files. */
export const FLOWGATE_SELECTOR: vscode.DocumentSelector = [
  { language: 'flowgate-flow' },
  { pattern: '**/*.flow.yaml' },
  { pattern: '**/*.package.yaml' },
  { pattern: '**/*.connection.yaml' },
];

const toPosition = (p: vscode.Position): Position => ({ line: p.line, character: p.character });
const toVsRange = (r: Range) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

const COMPLETION_KINDS: Record<CompletionKind, vscode.CompletionItemKind> = {
  keyword: vscode.CompletionItemKind.Keyword,
  field: vscode.CompletionItemKind.Property,
  flow: vscode.CompletionItemKind.Module,
  connection: vscode.CompletionItemKind.Interface,
  variable: vscode.CompletionItemKind.Variable,
  function: vscode.CompletionItemKind.Function,
  input: vscode.CompletionItemKind.Field,
  value: vscode.CompletionItemKind.EnumMember,
  property: vscode.CompletionItemKind.Field,
};

const SYMBOL_KINDS: Record<DocumentSymbol['kind'], vscode.SymbolKind> = {
  step: vscode.SymbolKind.Event,
  group: vscode.SymbolKind.Namespace,
  input: vscode.SymbolKind.Variable,
  output: vscode.SymbolKind.Variable,
  flow: vscode.SymbolKind.Module,
  connection: vscode.SymbolKind.Interface,
  schedule: vscode.SymbolKind.Event,
  trigger: vscode.SymbolKind.Event,
  field: vscode.SymbolKind.Property,
};

const STEP_SYMBOL_KINDS: Record<string, vscode.SymbolKind> = {
  if: vscode.SymbolKind.Boolean,
  'for-each': vscode.SymbolKind.Array,
  try: vscode.SymbolKind.Object,
  'run-flow': vscode.SymbolKind.Module,
  http: vscode.SymbolKind.Interface,
  set: vscode.SymbolKind.Variable,
  fail: vscode.SymbolKind.Constant,
};

/** Registers the providers; returns nothing to hold (everything goes into context.subscriptions). */
export function registerLanguageFeatures(context: vscode.ExtensionContext, services: Services): void {
  const { model, log } = services;
  /** The model and the document as core sees it; undefined outside the Flowgate folder. */
  const request = async (document: vscode.TextDocument): Promise<{ ws: Workspace; doc: LanguageDocument } | undefined> => {
    const relPath = model.relPath(document.uri);
    if (!relPath) return undefined;
    const ws = await model.get();
    return { ws, doc: { relPath, text: document.getText() } };
  };
  /** Runs a provider; an unexpected error is logged once and answers nothing (a provider must not break the editor). */
  const guarded =
    <A extends unknown[], R>(what: string, fn: (...args: A) => Promise<R | undefined>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await fn(...args);
      } catch (err) {
        if (err instanceof RenameError) throw err;
        log.error(`${what} failed`, err);
        return undefined;
      }
    };
  /** Items whose documentation is built when shown (flow and connection names). */
  const unresolved = new WeakMap<vscode.CompletionItem, CoreCompletionItem>();
  const toLocation = (l: Location) => new vscode.Location(model.uri(l.relPath), toVsRange(l.range));

  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(
      FLOWGATE_SELECTOR,
      {
        provideCompletionItems: guarded('Completion', async (document: vscode.TextDocument, position: vscode.Position) => {
          const r = await request(document);
          if (!r) return undefined;
          const result = completions(r.ws, r.doc, toPosition(position));
          const items = result.items.map((i) => {
            const item = new vscode.CompletionItem(i.label, COMPLETION_KINDS[i.kind]);
            item.range = toVsRange(i.range);
            if (i.detail) item.detail = i.detail;
            if (i.documentation) item.documentation = new vscode.MarkdownString(i.documentation);
            if (i.insertText !== undefined) item.insertText = i.insertText;
            if (i.sortText) item.sortText = i.sortText;
            if (i.resolve) unresolved.set(item, i);
            return item;
          });
          return new vscode.CompletionList(items, result.incomplete);
        }),
        resolveCompletionItem: (item: vscode.CompletionItem) => {
          const core = unresolved.get(item);
          const ws = model.current;
          if (!core || !ws) return item;
          const resolved = resolveCompletion(ws, core);
          if (resolved.documentation) item.documentation = new vscode.MarkdownString(resolved.documentation);
          return item;
        },
      },
      '$',
      '.',
      ':',
    ),
    vscode.languages.registerHoverProvider(FLOWGATE_SELECTOR, {
      provideHover: guarded('Hover', async (document: vscode.TextDocument, position: vscode.Position) => {
        const r = await request(document);
        const h = r && hover(r.ws, r.doc, toPosition(position));
        // Not trusted: a file's text can show no command links.
        return h ? new vscode.Hover(new vscode.MarkdownString(h.contents), toVsRange(h.range)) : undefined;
      }),
    }),
    vscode.languages.registerDefinitionProvider(FLOWGATE_SELECTOR, {
      provideDefinition: guarded('Go to Definition', async (document: vscode.TextDocument, position: vscode.Position) => {
        const r = await request(document);
        return r ? definition(r.ws, r.doc, toPosition(position)).map(toLocation) : undefined;
      }),
    }),
    vscode.languages.registerReferenceProvider(FLOWGATE_SELECTOR, {
      provideReferences: guarded('Find References', async (document: vscode.TextDocument, position: vscode.Position, ctx: vscode.ReferenceContext) => {
        const r = await request(document);
        return r ? references(r.ws, r.doc, toPosition(position), ctx.includeDeclaration).map(toLocation) : undefined;
      }),
    }),
    vscode.languages.registerDocumentSymbolProvider(
      FLOWGATE_SELECTOR,
      {
        provideDocumentSymbols: guarded('Outline', async (document: vscode.TextDocument) => {
          const relPath = model.relPath(document.uri);
          if (!relPath) return undefined;
          const convert = (s: DocumentSymbol): vscode.DocumentSymbol => {
            const sym = new vscode.DocumentSymbol(s.name, s.detail, (s.stepKind ? STEP_SYMBOL_KINDS[s.stepKind] : undefined) ?? SYMBOL_KINDS[s.kind], toVsRange(s.range), toVsRange(s.selectionRange));
            sym.children = s.children.map(convert);
            return sym;
          };
          return documentSymbols({ relPath, text: document.getText() }).map(convert);
        }),
      },
      { label: 'Flowgate' },
    ),
    vscode.languages.registerRenameProvider(FLOWGATE_SELECTOR, {
      prepareRename: async (document, position) => {
        const r = await request(document);
        if (!r) throw new Error('This file is not in the Flowgate folder.');
        const p = prepareRename(r.ws, r.doc, toPosition(position));
        return { range: toVsRange(p.range), placeholder: p.id };
      },
      provideRenameEdits: async (document, position, newName) => {
        const r = await request(document);
        if (!r) return undefined;
        const { id } = prepareRename(r.ws, r.doc, toPosition(position));
        const result = renameFlow(r.ws, id, newName, r.doc);
        // The target may exist on disk without being a file the model knows (e.g. just created).
        const target = model.uri(result.fileRenames[0].to);
        const exists = await vscode.workspace.fs.stat(target).then(
          () => true,
          () => false,
        );
        if (exists) throw new RenameError(`Cannot rename flow '${id}' to '${newName.trim()}': ${result.fileRenames[0].to} already exists.`);
        const edit = new vscode.WorkspaceEdit();
        for (const e of result.edits) edit.replace(model.uri(e.relPath), toVsRange(e.range), e.newText);
        for (const f of result.fileRenames) edit.renameFile(model.uri(f.from), model.uri(f.to), { overwrite: false });
        log.info(`Rename flow '${id}' → '${newName.trim()}': ${result.edits.length} reference(s) in ${new Set(result.edits.map((e) => e.relPath)).size} file(s), and the file moves to ${result.fileRenames[0].to}`);
        return edit;
      },
    }),
  );
}
