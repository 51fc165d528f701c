/**
 * The flow grammar (syntaxes/flowgate-flow.tmLanguage.json) loaded into the real TextMate engine
 * VS Code uses: vscode-textmate with Oniguruma (vscode-oniguruma's onig.wasm).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export const ROOT = path.resolve(__dirname, '..', '..');
export const GRAMMAR_FILE = path.join(ROOT, 'syntaxes', 'flowgate-flow.tmLanguage.json');
export const SCOPE_NAME = 'source.flowgate-flow';
export const EMBEDDED = 'meta.embedded.expression.jsonata';

let loaded: Promise<vsctm.IGrammar> | undefined;

/** The flow grammar, loaded once per process. */
export function flowGrammar(): Promise<vsctm.IGrammar> {
  loaded ??= (async () => {
    const wasm = readFileSync(path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) => {
        if (scopeName !== SCOPE_NAME) return null; // the grammar is self-contained
        return vsctm.parseRawGrammar(readFileSync(GRAMMAR_FILE, 'utf8'), GRAMMAR_FILE);
      },
    });
    const grammar = await registry.loadGrammar(SCOPE_NAME);
    if (!grammar) throw new Error('the flow grammar did not load');
    return grammar;
  })();
  return loaded;
}

export interface Token {
  text: string;
  start: number;
  scopes: string[];
}

export interface TokenizedLine {
  line: string;
  tokens: Token[];
  /** The scopes an empty line would get after this one: what is still open at its end. */
  openAtEnd: string[];
  stoppedEarly: boolean;
}

/** Tokenizes `text` line by line; each line may take up to `timeLimitMs` (0: no limit). */
export function tokenizeText(grammar: vsctm.IGrammar, text: string, timeLimitMs = 0): TokenizedLine[] {
  let stack: vsctm.StateStack = vsctm.INITIAL;
  const out: TokenizedLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = grammar.tokenizeLine(line, stack, timeLimitMs);
    stack = r.ruleStack;
    const tokens = r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, scopes: t.scopes }));
    const probe = grammar.tokenizeLine('', stack);
    out.push({ line, tokens, openAtEnd: probe.tokens[0]?.scopes ?? [], stoppedEarly: r.stoppedEarly });
  }
  return out;
}

/** Scopes at the character `at` of a tokenized line. */
export function scopesAtIndex(t: TokenizedLine, at: number): string[] {
  const token = t.tokens.find((k) => k.start <= at && at < k.start + Math.max(k.text.length, 1));
  if (!token) throw new Error(`no token at ${at} of «${t.line}»`);
  return token.scopes;
}
