/**
 * syntaxes/language-configuration.json: parsed as VS Code parses it, and its regular expressions
 * applied to sample lines the way VS Code applies them — the indentation after pressing Enter
 * (onEnterRules, first match wins, then indentationRules), what folds, what a word is.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const FILE = path.join(ROOT, 'syntaxes', 'language-configuration.json');
const conf = JSON.parse(readFileSync(FILE, 'utf8'));
const TAB = '  ';

interface EnterRule {
  beforeText: string;
  action: { indent: 'none' | 'indent' | 'outdent'; appendText?: string };
}

/** The indentation VS Code gives the new line after pressing Enter at the end of `line`. */
function indentAfterEnter(line: string): string {
  const indent = /^\s*/.exec(line)![0];
  for (const rule of conf.onEnterRules as EnterRule[]) {
    if (!new RegExp(rule.beforeText).test(line)) continue;
    const base = rule.action.indent === 'indent' ? indent + TAB : rule.action.indent === 'outdent' ? indent.slice(TAB.length) : indent;
    return base + (rule.action.appendText ?? '');
  }
  if (new RegExp(conf.indentationRules.increaseIndentPattern).test(line)) return indent + TAB;
  return indent;
}

/** Every word of `text` by the word pattern. */
function words(text: string): string[] {
  return [...text.matchAll(new RegExp(conf.wordPattern, 'g'))].map((m) => m[0]);
}

describe('language configuration', () => {
  test('is contributed for flowgate-flow and parses', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'flowgate-flow');
    assert.equal(path.resolve(ROOT, lang.configuration), FILE);
  });

  test('comments, brackets, auto-closing and surrounding pairs including quotes', () => {
    assert.deepEqual(conf.comments, { lineComment: '#' });
    assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
    const auto = new Map(conf.autoClosingPairs.map((p: { open: string; close: string }) => [p.open, p.close]));
    for (const [o, c] of [['{', '}'], ['[', ']'], ['(', ')'], ['"', '"'], ["'", "'"]]) assert.equal(auto.get(o), c, `auto-closes ${o}`);
    const quote = conf.autoClosingPairs.find((p: { open: string }) => p.open === '"');
    assert.deepEqual(quote.notIn, ['string'], 'a quote typed inside a string is not doubled');
    const surround = conf.surroundingPairs.map((p: string[]) => p.join(''));
    for (const p of ['{}', '[]', '()', '""', "''"]) assert.ok(surround.includes(p), `surrounds with ${p}`);
  });

  test('folding follows indentation (offSide), with # region markers', () => {
    assert.equal(conf.folding.offSide, true);
    const start = new RegExp(conf.folding.markers.start);
    const end = new RegExp(conf.folding.markers.end);
    assert.match('  # region checks', start);
    assert.match('#endregion', end);
    assert.doesNotMatch('  # regional office', start);
    assert.doesNotMatch('description: region', start);
  });

  test('indentation increases after a key that opens a block, not after a value or a comment', () => {
    const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
    for (const l of ['steps:', '  - then:', '    then:', '  inputs: # the inputs', '    message: |', '    message: >-', '  -', '    inputs: {', '    items: [']) {
      assert.match(l, inc, `indent after «${l}»`);
    }
    for (const l of ['# steps:', '  # then:', '    kind: log', '  message: "= a:b"', '    message: "x:"', '  - kind: if', '    seconds: 1']) {
      assert.doesNotMatch(l, inc, `no indent after «${l}»`);
    }
    const dec = new RegExp(conf.indentationRules.decreaseIndentPattern);
    assert.match('  }', dec);
    assert.match('    ],', dec);
    assert.doesNotMatch('  x: }', dec);
  });

  test('Enter: where the next line starts', () => {
    const cases: [string, string][] = [
      ['steps:', '  '],
      ['  - kind: log', '    '], // the next field of the step, under `kind`
      ['  - then:', '      '], // inside `then`, deeper than the key after the dash
      ['    values:', '      '],
      ['      x: 1', '      '],
      ['    message: |', '      '],
      ['# steps:', ''],
      ['  # then:', '  '],
      ['  -', '    '],
      ['    message: "= a:b"', '    '],
    ];
    for (const [line, want] of cases) assert.equal(JSON.stringify(indentAfterEnter(line)), JSON.stringify(want), `after «${line}»`);
  });

  test('a word keeps $variables, dotted paths and dashed names together', () => {
    assert.deepEqual(words(`"= $sum(items.price) & $x & $$.a"`), ['$sum', 'items.price', '$x', '$$', 'a']);
    assert.deepEqual(words('  - kind: run-flow'), ['kind', 'run-flow']);
    assert.deepEqual(words('    flow: network/core/Check-Reachability'), ['flow', 'network', 'core', 'Check-Reachability']);
    assert.deepEqual(words('    seconds: 0.25'), ['seconds', '0.25']);
  });
});
