/**
 * Hostile flow files against the TextMate grammar (syntaxes/flowgate-flow.tmLanguage.json): VS
 * Code tokenizes whatever is opened, so a file a colleague or a package sends must not make a
 * regular expression backtrack catastrophically and freeze the editor's tokenizer. Each input is
 * tokenized with vscode-textmate + Oniguruma, the engine VS Code uses, with a per-line time limit:
 * the check is vscode-textmate's `stoppedEarly` flag (it is set when a line did not finish within
 * the limit), and that every line was tokenized. The limit is generous (a loaded machine must not
 * fail the test; a catastrophically backtracking expression does not finish at all): what it
 * catches is a regular expression whose cost explodes, not a slow machine.
 *
 * Line lengths: VS Code does not tokenize lines longer than `editor.maxTokenizationLineLength`
 * (20,000 by default), so lines made of many tokens are that long; lines that are one or a few
 * tokens (a plain value, blanks) are also tried at the 2 MB bound of a YAML file.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { IGrammar } from 'vscode-textmate';
import { INITIAL } from 'vscode-textmate';
import { LIMITS } from '../../src/core/limits';
import { EMBEDDED, flowGrammar } from '../support/textmate';

/** Per line: far more than any line needs when the grammar is linear; a backtracking one blows it. */
const LINE_LIMIT_MS = 20_000;
const VSCODE_MAX_TOKENIZED_LINE = 20_000;

let grammar: IGrammar;
before(async () => {
  grammar = await flowGrammar();
});

/**
 * Tokenizes every line as VS Code does (`tokenizeLine2`: binary tokens, no scope-name arrays per
 * token); returns how many lines were tokenized and the scopes open at the end.
 */
function tokenizeAll(text: string): { lines: number; tokens: number; stoppedEarly: number[]; openAtEnd: string[] } {
  let stack = INITIAL;
  let lines = 0;
  let tokens = 0;
  const stoppedEarly: number[] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine2(line, stack, LINE_LIMIT_MS);
    if (r.stoppedEarly) stoppedEarly.push(lines + 1);
    stack = r.ruleStack;
    tokens += r.tokens.length / 2;
    lines++;
  }
  const openAtEnd = grammar.tokenizeLine('', stack).tokens[0].scopes;
  return { lines, tokens, stoppedEarly, openAtEnd };
}

function assertCompletes(text: string, what: string): ReturnType<typeof tokenizeAll> {
  const r = tokenizeAll(text);
  assert.deepEqual(r.stoppedEarly, [], `${what}: lines that did not finish within the limit`);
  assert.equal(r.lines, text.split('\n').length, `${what}: every line tokenized`);
  assert.ok(r.tokens >= r.lines, `${what}: tokens`);
  return r;
}

describe('hostile flow files against the grammar', () => {
  const longLen = VSCODE_MAX_TOKENIZED_LINE;
  const hugeLen = LIMITS.yamlFileBytes;

  test('very long lines: a plain value, an expression, blanks, a key with no colon, quotes never closed', () => {
    const words = 'word '.repeat(longLen / 5);
    const cases: [string, string][] = [
      ['a long plain value', `description: ${words}`],
      ['a long expression', `steps:\n  - kind: log\n    message: "= ${'a.b & '.repeat(longLen / 6)}x"`],
      ['a long plain expression', `steps:\n  - kind: log\n    message: = ${'$f(x) + '.repeat(longLen / 8)}1`],
      ['blanks between two words', `description: a${' '.repeat(longLen)}b`],
      ['blanks then a hash', `description: a${' \t'.repeat(longLen / 2)}#`],
      ['a key-like line with no colon', `  - ${'key '.repeat(longLen / 4)}`],
      ['a key-like line ending in a colon without a blank', `  - ${'key '.repeat(longLen / 4)}:x`],
      ['an unclosed double quote', `description: "${'\\" '.repeat(longLen / 3)}`],
      ['an unclosed single quote in an expression', `    message: '= ${"'' ".repeat(longLen / 3)}`],
      ['an unclosed regular expression', `    message: "= /${'\\\\'.repeat(longLen / 2)}`],
      ['an unclosed JSONata comment', `    message: "= /*${'*'.repeat(longLen)}`],
      ['many colons', `description: ${': '.repeat(longLen / 2)}`],
      ['many dashes', `${'- '.repeat(longLen / 2)}x: 1`],
      ['many flow brackets', `x: ${'{a: ['.repeat(longLen / 5)}`],
      ['a long number-like value', `seconds: ${'1'.repeat(longLen)}e`],
      ['a long block header comment', `description: |${'#'.repeat(longLen)}`],
    ];
    for (const [what, text] of cases) assertCompletes(text, what);
    // One or a few tokens however long: the 2 MB bound of a YAML file.
    assertCompletes(`description: ${'word '.repeat(hugeLen / 5)}`, 'a 2 MB plain value');
    assertCompletes(`description: a${' '.repeat(hugeLen)}b`, '2 MB of blanks between two words');
    assertCompletes(`  - ${'key '.repeat(hugeLen / 4)}`, 'a 2 MB key-like line with no colon');
    assertCompletes(`description: "${'x'.repeat(hugeLen)}`, 'a 2 MB unclosed quote');
  });

  test('a deeply nested expression: many parentheses, brackets and braces', () => {
    const depth = VSCODE_MAX_TOKENIZED_LINE / 2;
    const r = assertCompletes(`steps:\n  - kind: set\n    values:\n      x: "= ${'('.repeat(depth)}1${')'.repeat(depth)}"\n      y: 1`, 'parentheses');
    assert.ok(!r.openAtEnd.includes(EMBEDDED), 'the expression closed');
    assertCompletes(`    x: "= ${'$f(['.repeat(depth / 2)}${'])'.repeat(depth / 2)}"`, 'calls and arrays');
    assertCompletes(`    x: "= ${'{"a": '.repeat(depth / 2)}1${'}'.repeat(depth / 2)}"`, 'objects');
    assertCompletes(`    x: = ${'('.repeat(depth)}`, 'unbalanced, plain');
  });

  test('a flow of 20,000 lines', () => {
    const step = [
      '  - kind: set',
      '    name: step',
      '    values:',
      '      a: "= $sum(items.price) * 2 & \'x\'"',
      "      b: '= a = ''y'''",
      '      c: = $not(b)  # note',
      '      d: |',
      '        = $join([a, b])',
      '  - kind: log',
      '    message: plain = text',
    ];
    const lines = ['description: big', 'steps:'];
    while (lines.length + step.length <= 20_000) lines.push(...step);
    const text = lines.join('\n');
    const r = assertCompletes(text, 'many lines');
    assert.ok(r.lines >= 20_000 - step.length);
    assert.ok(!r.openAtEnd.includes(EMBEDDED), 'nothing left open');
  });

  // Each key opens a begin/while region, and vscode-textmate checks every open region's `while` at
  // the start of each line: a line costs O(depth). 200 levels is three times the YAML nesting
  // bound (LIMITS.jsonDepth); each line must still finish.
  test('deep indentation: every key one level deeper (each opens a region)', () => {
    const depth = LIMITS.jsonDepth * 3;
    const lines = ['steps:'];
    for (let i = 1; i <= depth; i++) lines.push(`${' '.repeat(i)}k${i}:`);
    for (let i = 0; i < depth; i++) lines.push(`${' '.repeat(depth + 1)}- kind: log`);
    assertCompletes(lines.join('\n'), 'deep indentation');
  });

  test('a block scalar of 20,000 lines, and one that opens a region on every line', () => {
    const block = ['steps:', '  - kind: log', '    message: |', ...Array.from({ length: 20_000 }, (_, i) => `      = a${i} & ${'x: '.repeat(20)}`)];
    assertCompletes(block.join('\n'), 'block scalar');
    const ladder = Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}- |`);
    assertCompletes(ladder.join('\n'), 'block scalar ladder');
  });

  test('an unclosed quote at the top of a 20,000-line file', () => {
    const lines = ['description: "= (', ...Array.from({ length: 20_000 }, () => "  - kind: log  # it's all one string")];
    const r = assertCompletes(lines.join('\n'), 'unclosed quote');
    assert.ok(r.openAtEnd.includes(EMBEDDED), 'the expression is still open, as YAML reads it');
  });
});
