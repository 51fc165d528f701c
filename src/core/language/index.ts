/**
 * The Flowgate language service: completion, hover, go to definition, find references, document
 * symbols and flow rename for flow files, package drafts and connection files. Pure: a core
 * `Workspace` and the editor's text in, plain results out (positions are VS Code's zero-based
 * line/character). The extension's providers (src/extension/language) only convert types; the
 * command line or any other editor integration can use the same functions.
 */
export { completions, resolveCompletion, type CompletionItem, type CompletionKind, type CompletionResult } from './completion';
export { hover, type HoverResult } from './hover';
export { definition, findReferences, references, referenceTarget, type Location } from './navigation';
export { documentSymbols, type DocumentSymbol, type SymbolKind } from './symbols';
export { flowIdProblem, prepareRename, renameFlow, RenameError, type RenameResult, type TextEdit } from './rename';
export { variablesInScope, type ScopeVariable } from './scope';
export type { LanguageDocument } from './context';
