/**
 * The TextMate grammar of flow files (syntaxes/flowgate-flow.tmLanguage.json).
 *
 * vscode-textmate and vscode-oniguruma are not dependencies of this repository, so the grammar
 * is checked without them:
 *   1. its structure: scope name, every `include` resolves, every capture is numbered;
 *   2. every regular expression keeps to the subset that Oniguruma and JavaScript read alike
 *      (no \G \A \z \h, atomic groups, possessive quantifiers or inline flags; lookbehinds of
 *      fixed length, as Oniguruma requires) and compiles as a JavaScript RegExp;
 *   3. sample lines of real flows are tokenized by a small TextMate-style tokenizer written
 *      here (first match wins by position, then by pattern order; a begin/end rule's end is
 *      tried before its patterns), and the scopes at chosen places are checked. `source.yaml`
 *      is not available, so the YAML grammar's own scopes are not part of what is checked.
 * A real VS Code loads the same file in the extension tests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const GRAMMAR_FILE = path.join(ROOT, 'syntaxes', 'flowgate-flow.tmLanguage.json');
const LANGUAGE_CONFIG_FILE = path.join(ROOT, 'syntaxes', 'language-configuration.json');

interface Captures {
  [group: string]: { name?: string };
}

interface Rule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  contentName?: string;
  captures?: Captures;
  beginCaptures?: Captures;
  endCaptures?: Captures;
  patterns?: Rule[];
  comment?: string;
}

interface Grammar extends Rule {
  scopeName: string;
  repository: Record<string, Rule>;
  injections?: Record<string, Rule>;
}

const grammar: Grammar = JSON.parse(readFileSync(GRAMMAR_FILE, 'utf8'));

/** Every rule of the grammar, with where it is. */
function allRules(): { where: string; rule: Rule }[] {
  const out: { where: string; rule: Rule }[] = [];
  const walk = (rule: Rule, where: string) => {
    out.push({ where, rule });
    rule.patterns?.forEach((r, i) => walk(r, `${where}.patterns[${i}]`));
  };
  grammar.patterns?.forEach((r, i) => walk(r, `patterns[${i}]`));
  for (const [k, r] of Object.entries(grammar.injections ?? {})) walk(r, `injections[${JSON.stringify(k)}]`);
  for (const [k, r] of Object.entries(grammar.repository)) walk(r, `repository.${k}`);
  return out;
}

/** Refuses constructs outside the Oniguruma ∩ JavaScript subset; returns the JavaScript source. */
function toJsSource(src: string): string {
  const forbidden: [RegExp, string][] = [
    [/\\[GAzZhH]/, 'an Oniguruma-only escape (\\G \\A \\z \\Z \\h \\H)'],
    [/\(\?>/, 'an atomic group'],
    [/\(\?[imx-]+[:)]/, 'an inline flag group'],
    [/[*+?}]\+/, 'a possessive quantifier'],
    [/\\p\{/, 'a Unicode property (needs the u flag in JavaScript)'],
  ];
  // Work on the source with escaped characters and character classes blanked out.
  const plain = src.replace(/\\./g, (m) => (/\\[GAzZhHp]/.test(m) ? m : '__')).replace(/\[(?:[^\]\\]|\\.)*\]/g, 'C');
  for (const [re, what] of forbidden) assert.doesNotMatch(plain, re, `${what} in /${src}/`);
  // Oniguruma lookbehinds: each alternative of fixed length (no quantifiers inside).
  for (const m of plain.matchAll(/\(\?<[=!]((?:[^()]|\([^()]*\))*)\)/g)) {
    assert.doesNotMatch(m[1], /[*+?{]/, `a variable-length lookbehind in /${src}/`);
  }
  return src;
}

function compile(src: string): RegExp {
  return new RegExp(toJsSource(src), 'dg');
}

// ---- a small TextMate-style tokenizer ---------------------------------------------------

interface Compiled {
  rule: Rule;
  re: RegExp;
  kind: 'match' | 'begin';
}

interface Frame {
  rule: Rule;
  end: RegExp;
  scopes: string[];
  contentScopes: string[];
}

const cache = new Map<Rule, Compiled[]>();

/**
 * A stand-in for `source.yaml` (not available here), shaped like VS Code's YAML grammars: keys,
 * separators, comments, quoted and plain scalars with their usual scopes. It lets the test check
 * that the injected rules win where a value starts and stay out of keys, strings and comments.
 */
const YAML_STAND_IN: Rule = {
  patterns: [
    { match: '(?<!\\S)#.*$', name: 'comment.line.number-sign.yaml' },
    {
      match: `^([ \\t]*)((?:-[ \\t]+)*)([^\\s#"'{}\\[\\],][^:#]*?)(?=[ \\t]*:(?:\\s|$))`,
      captures: { '2': { name: 'punctuation.definition.block.sequence.item.yaml' }, '3': { name: 'entity.name.tag.yaml' } },
    },
    { match: ':(?=\\s|$)', name: 'punctuation.separator.key-value.mapping.yaml' },
    { match: '-(?=\\s)', name: 'punctuation.definition.block.sequence.item.yaml' },
    { begin: '"', end: '"', name: 'string.quoted.double.yaml', patterns: [{ match: '\\\\.', name: 'constant.character.escape.yaml' }] },
    { begin: "'", end: "'(?!')", name: 'string.quoted.single.yaml', patterns: [{ match: "''", name: 'constant.character.escape.yaml' }] },
    {
      match: `[^\\s#\\[\\]{},:"'](?:[^#\\[\\]{},:]|:(?!\\s))*?(?=[ \\t]+#|[ \\t]*$|[ \\t]*[,\\]}]|:\\s)`,
      name: 'string.unquoted.plain.out.yaml',
    },
    { match: '[\\[\\]{},]', name: 'punctuation.definition.collection.yaml' },
  ],
};

/**
 * An injection selector of the form `L:<scope> - (<scope> | <scope> ...)`: applies where the
 * scope stack holds the first scope and none of the excluded ones (prefix match on dot-separated
 * segments, as TextMate selectors do). Anything more elaborate is refused.
 */
interface Injection {
  priorityLeft: boolean;
  include: string;
  exclude: string[];
  rule: Rule;
}

function parseSelector(selector: string, rule: Rule): Injection {
  const m = /^(?:([LR]):)?\s*([\w.-]+)\s*(?:-\s*\(([^()]*)\))?\s*$/.exec(selector);
  assert.ok(m, `unsupported injection selector '${selector}'`);
  const exclude = m[3] ? m[3].split('|').map((x) => x.trim()) : [];
  for (const e of exclude) assert.match(e, /^[\w.-]+$/, `selector part '${e}'`);
  return { priorityLeft: m[1] === 'L', include: m[2], exclude, rule };
}

function scopeMatches(selector: string, scope: string): boolean {
  return scope === selector || scope.startsWith(`${selector}.`);
}

function injectionApplies(inj: Injection, stack: string[]): boolean {
  return stack.some((s) => scopeMatches(inj.include, s)) && !inj.exclude.some((e) => stack.some((s) => scopeMatches(e, s)));
}

const injections: Injection[] = Object.entries(grammar.injections ?? {}).map(([sel, rule]) => parseSelector(sel, rule));

function expand(rules: Rule[] | undefined, out: Compiled[] = [], seen = new Set<Rule>()): Compiled[] {
  for (const r of rules ?? []) {
    if (r.include) {
      if (r.include === '$self') expand(grammar.patterns, out, seen);
      else if (r.include.startsWith('#')) {
        const target = grammar.repository[r.include.slice(1)];
        assert.ok(target, `unknown include ${r.include}`);
        if (seen.has(target)) continue;
        seen.add(target);
        if (target.match || target.begin) out.push(...expand([target], [], seen));
        else expand(target.patterns, out, seen);
      }
      if (r.include === 'source.yaml') expand(YAML_STAND_IN.patterns, out, seen);
      continue;
    }
    if (r.match) out.push({ rule: r, re: compile(r.match), kind: 'match' });
    else if (r.begin) out.push({ rule: r, re: compile(r.begin), kind: 'begin' });
    else expand(r.patterns, out, seen);
  }
  return out;
}

function patternsOf(rule: Rule): Compiled[] {
  let c = cache.get(rule);
  if (!c) {
    c = expand(rule.patterns);
    cache.set(rule, c);
  }
  return c;
}

function names(n: string | undefined): string[] {
  return n ? n.split(/\s+/) : [];
}

/** Scopes of every character of each line. */
function tokenize(text: string): string[][][] {
  const stack: Frame[] = [];
  const lines = text.split('\n');
  const result: string[][][] = [];
  for (const line of lines) {
    const chars: string[][] = Array.from({ length: line.length }, () => []);
    const base = () => [grammar.scopeName, ...(stack.length ? stack[stack.length - 1].contentScopes : [])];
    const paint = (from: number, to: number, scopes: string[]) => {
      for (let i = from; i < to; i++) chars[i] = scopes;
    };
    const paintCaptures = (m: RegExpExecArray, outer: string[], captures: Captures | undefined) => {
      paint(m.index, m.index + m[0].length, outer);
      if (!captures) return;
      const indices = m.indices!;
      for (const [g, c] of Object.entries(captures)) {
        const span = indices[Number(g)];
        if (!span || !c.name) continue;
        for (let i = span[0]; i < span[1]; i++) chars[i] = [...chars[i], ...names(c.name)];
      }
    };
    let pos = 0;
    let guard = 0;
    for (;;) {
      assert.ok(guard++ < 10_000, 'tokenizer loops');
      const top = stack[stack.length - 1];
      const candidates = patternsOf(top ? top.rule : grammar);
      let best: { m: RegExpExecArray; c?: Compiled } | undefined;
      if (top) {
        top.end.lastIndex = pos;
        const m = top.end.exec(line);
        if (m) best = { m };
      }
      for (const c of candidates) {
        c.re.lastIndex = pos;
        const m = c.re.exec(line);
        if (m && (!best || m.index < best.m.index)) best = { m, c };
      }
      // Injections whose selector matches the current scopes: an `L:` one wins a tie.
      for (const inj of injections) {
        if (!injectionApplies(inj, base())) continue;
        for (const c of patternsOf(inj.rule)) {
          c.re.lastIndex = pos;
          const m = c.re.exec(line);
          if (m && (!best || m.index < best.m.index || (inj.priorityLeft && m.index === best.m.index))) best = { m, c };
        }
      }
      if (!best) {
        paint(pos, line.length, base());
        break;
      }
      if (best.m[0].length === 0 && best.m.index === line.length && best.c) {
        break; // nothing left to colour on this line
      }
      const { m, c } = best;
      paint(pos, m.index, base());
      if (!c) {
        // The end of the innermost begin/end rule.
        paintCaptures(m, top!.scopes, top!.rule.endCaptures ?? top!.rule.captures);
        stack.pop();
      } else if (c.kind === 'match') {
        paintCaptures(m, [...base(), ...names(c.rule.name)], c.rule.captures);
      } else {
        const scopes = [...base(), ...names(c.rule.name)];
        paintCaptures(m, scopes, c.rule.beginCaptures ?? c.rule.captures);
        stack.push({ rule: c.rule, end: compile(c.rule.end!), scopes, contentScopes: [...scopes, ...names(c.rule.contentName)].slice(1) });
      }
      const next = m.index + m[0].length;
      if (next > pos) pos = next;
      else if (c?.kind === 'match') pos++; // a zero-width match: step over one character
      // A zero-width begin or end changes the rule stack and goes on from the same place.
      if (pos > line.length) break;
    }
    result.push(chars);
  }
  return result;
}

/** Scopes at the first character of the `nth` occurrence of `needle` on line `line` of `text`. */
function scopesAt(text: string, lineNo: number, needle: string, nth = 0): string[] {
  const lines = text.split('\n');
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = lines[lineNo].indexOf(needle, at + 1);
    assert.ok(at >= 0, `no '${needle}' (#${nth}) on line ${lineNo}: ${lines[lineNo]}`);
  }
  return tokenize(text)[lineNo][at];
}

function assertScope(text: string, needle: string, scope: string, nth = 0, lineNo = 0): void {
  const scopes = scopesAt(text, lineNo, needle, nth);
  assert.ok(scopes.includes(scope), `'${needle}' in «${text.split('\n')[lineNo]}» has [${scopes.join(', ')}], expected ${scope}`);
}

function assertNoScope(text: string, needle: string, scope: string, nth = 0, lineNo = 0): void {
  const scopes = scopesAt(text, lineNo, needle, nth);
  assert.ok(!scopes.includes(scope), `'${needle}' in «${text.split('\n')[lineNo]}» has ${scope}: [${scopes.join(', ')}]`);
}

const EMBEDDED = 'meta.embedded.expression.jsonata';

// ---- tests ------------------------------------------------------------------------------

describe('flow grammar', () => {
  test('structure: scope name, YAML underneath, includes resolve, captures numbered', () => {
    assert.equal(grammar.scopeName, 'source.flowgate-flow');
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const contributed = pkg.contributes.grammars.find((g: { language: string }) => g.language === 'flowgate-flow');
    assert.equal(contributed.scopeName, grammar.scopeName);
    assert.equal(path.resolve(ROOT, contributed.path), GRAMMAR_FILE);
    assert.ok(grammar.patterns!.some((p) => p.include === 'source.yaml'), 'includes source.yaml');
    // The flow rules are injected (with priority) rather than listed before source.yaml: VS Code's
    // YAML grammar opens a begin/while rule on the first line that holds the whole document, so
    // top-level patterns of this grammar would never be tried after it.
    const selectors = Object.keys(grammar.injections ?? {});
    assert.equal(selectors.length, 1);
    const inj = parseSelector(selectors[0], grammar.injections![selectors[0]]);
    assert.equal(inj.priorityLeft, true);
    assert.equal(inj.include, grammar.scopeName);
    for (const e of ['string', 'comment', 'entity.name.tag', EMBEDDED]) assert.ok(inj.exclude.includes(e), e);
    for (const { where, rule } of allRules()) {
      if (rule.include?.startsWith('#')) assert.ok(grammar.repository[rule.include.slice(1)], `${where}: ${rule.include}`);
      if (rule.begin) assert.ok(rule.end, `${where}: begin without end`);
      for (const key of ['captures', 'beginCaptures', 'endCaptures'] as const) {
        for (const g of Object.keys(rule[key] ?? {})) assert.match(g, /^\d+$/, `${where}.${key}`);
      }
      const set = [rule.match, rule.begin, rule.end].filter((x) => x !== undefined).length;
      assert.ok(rule.include || rule.patterns || set > 0, `${where}: an empty rule`);
    }
  });

  test('every regular expression keeps to the common subset and compiles', () => {
    let count = 0;
    for (const { where, rule } of allRules()) {
      for (const key of ['match', 'begin', 'end'] as const) {
        const src = rule[key];
        if (src === undefined) continue;
        assert.doesNotThrow(() => compile(src), `${where}.${key}: /${src}/`);
        count++;
      }
    }
    assert.ok(count > 20, `${count} regular expressions`);
  });

  test('the subset check itself refuses Oniguruma-only constructs', () => {
    for (const bad of ['\\Gfoo', '(?>a)', 'a*+', '(?<=a+)b', '(?i)x']) assert.throws(() => toJsSource(bad), bad);
    assert.doesNotThrow(() => toJsSource('(?<=[a+])b'));
  });

  test('step kinds are keywords; an unknown kind is marked', () => {
    for (const kind of ['set', 'log', 'wait', 'http', 'run-flow', 'if', 'for-each', 'try', 'fail']) {
      assertScope(`  - kind: ${kind}`, kind, 'keyword.control.step-kind.flowgate-flow');
    }
    assertScope('      - kind: run-flow  # a comment', 'run-flow', 'keyword.control.step-kind.flowgate-flow');
    assertScope("    kind: 'log'", 'log', 'keyword.control.step-kind.flowgate-flow');
    assertScope('  - kind: reboot', 'reboot', 'invalid.illegal.unknown-step-kind.flowgate-flow');
    assertScope('  - kind: set', 'kind', 'entity.name.tag.yaml');
    assertNoScope('  - kind: set', 'set', 'string.unquoted.plain.out.yaml');
    assertNoScope('    description: the kind: of thing', 'of', 'keyword.control.step-kind.flowgate-flow');
    assertNoScope('    kinds: set', 'set', 'keyword.control.step-kind.flowgate-flow');
  });

  test('flow and connection references are entity names', () => {
    assertScope('    flow: network/core/Check-Reachability', 'network/core', 'entity.name.function.flow-reference.flowgate-flow');
    assertScope('  - flow: "network/core/Run-Command"', 'network', 'entity.name.function.flow-reference.flowgate-flow');
    assertScope('    connection: local-gateway', 'local-gateway', 'entity.name.type.connection-reference.flowgate-flow');
  });

  test('double-quoted expressions: embedded JSONata with strings, operators and paths', () => {
    const line = `    message: "= 'Restarting ' & service & ' on ' & device"`;
    assertScope(line, 'message', 'entity.name.tag.yaml');
    assertNoScope(line, 'message', EMBEDDED);
    assertScope(line, '"', 'punctuation.definition.string.begin.yaml');
    assertScope(line, '=', 'keyword.operator.expression.flowgate-flow');
    assertScope(line, "'Restarting", 'string.quoted.single.jsonata');
    assertScope(line, "'Restarting", EMBEDDED);
    assertScope(line, '&', 'keyword.operator.concatenation.jsonata');
    assertScope(line, 'service', 'variable.other.property.jsonata');
    assertScope(line, 'device', 'variable.other.property.jsonata');
    assertScope(line, '"', 'punctuation.definition.string.end.yaml', 1);
    assertNoScope(line, '"', EMBEDDED, 1);
  });

  test('functions, variables, regular expressions, numbers, keywords and the conditional', () => {
    const fn = '      reachable: "= $not($contains(device, /^192\\\\.0\\\\.2\\\\./))"';
    assertScope(fn, '$not', 'support.function.jsonata');
    assertScope(fn, '$contains', 'support.function.jsonata');
    assertScope(fn, '/^192', 'string.regexp.jsonata');
    assertScope(fn, '2\\\\./', 'string.regexp.jsonata');
    assertScope(fn, ')', 'punctuation.section.parens.jsonata');

    const cond = `          message: "= dryRun ? 'Would run: ' & result.command : 'Restarted ' & service"`;
    assertScope(cond, '?', 'keyword.operator.conditional.jsonata');
    assertScope(cond, ": 'Restarted", 'keyword.operator.conditional.jsonata');
    assertScope(cond, "'Would run: '", 'string.quoted.single.jsonata');
    assertScope(cond, '.command', 'punctuation.accessor.jsonata');
    assertScope(cond, 'command', 'variable.other.property.jsonata');

    const logic = '          restarted: "= result.exitCode = 0 and $not(dryRun) or x in [1, 2.5]"';
    assertScope(logic, '= 0', 'keyword.operator.comparison.jsonata');
    assertScope(logic, '0 and', 'constant.numeric.jsonata');
    assertScope(logic, 'and', 'keyword.operator.logical.jsonata');
    assertScope(logic, 'or', 'keyword.operator.logical.jsonata');
    assertScope(logic, 'in', 'keyword.operator.logical.jsonata');
    assertScope(logic, '2.5', 'constant.numeric.jsonata');

    const vars = '    total: "= $sum($$.items.price) / $count(items) * 2"';
    assertScope(vars, '$$', 'variable.other.jsonata');
    assertScope(vars, '/ ', 'keyword.operator.arithmetic.jsonata');
    assertNoScope(vars, '/ ', 'string.regexp.jsonata');
    assertScope('    x: "= $item"', '$item', 'variable.other.jsonata');
    assertScope('    x: "= true"', 'true', 'constant.language.boolean.jsonata');
  });

  test('single-quoted and plain expressions; == and ordinary strings are not expressions', () => {
    const single = `    condition: '= status = ''up'' and $exists(x)'`;
    assertScope(single, '=', 'keyword.operator.expression.flowgate-flow');
    assertScope(single, "''up''", 'string.quoted.single.jsonata');
    assertScope(single, '$exists', 'support.function.jsonata');
    assertScope(single, "'", 'punctuation.definition.string.end.yaml', 5);

    const plain = '    condition: = reachability.reachable and count > 2  # note';
    assertScope(plain, '=', 'keyword.operator.expression.flowgate-flow');
    assertScope(plain, 'reachability', EMBEDDED);
    assertScope(plain, '>', 'keyword.operator.comparison.jsonata');
    assertScope(plain, '# note', 'comment.line.number-sign.yaml');
    assertNoScope(plain, '# note', EMBEDDED);

    assertScope('  - "= item.name"', 'item', EMBEDDED);
    assertNoScope('    message: "== not an expression"', 'not', EMBEDDED);
    assertNoScope("    message: '==x'", 'x', EMBEDDED);
    assertNoScope('    message: plain text = fine', 'fine', EMBEDDED);
    assertNoScope('    message: "a = b"', 'b', EMBEDDED);
    assertScope('    inputs: { device: "= device", n: 1 }', 'device', EMBEDDED, 1);
  });

  test('an expression spanning lines stays embedded until its closing quote', () => {
    const text = ['    message: "= \'a\' &', "      'b'\"", '    next: x'].join('\n');
    assertScope(text, "'b'", 'string.quoted.single.jsonata', 0, 1);
    assertScope(text, "'b'", EMBEDDED, 0, 1);
    assertNoScope(text, 'next', EMBEDDED, 0, 2);
  });

  test('a whole sample flow tokenizes, every expression line embedded', () => {
    const file = path.join(ROOT, 'examples', 'flows', 'network', 'core', 'Restart-Service.flow.yaml');
    const text = readFileSync(file, 'utf8');
    const tokens = tokenize(text);
    text.split('\n').forEach((l, i) => {
      const at = l.indexOf('"= ');
      if (at >= 0) assert.ok(tokens[i][at + 3].includes(EMBEDDED), `line ${i + 1}: ${l}`);
      const kind = /kind: (\S+)/.exec(l);
      if (kind) assert.ok(tokens[i][l.indexOf(kind[1], l.indexOf('kind:'))].includes('keyword.control.step-kind.flowgate-flow'), l);
    });
  });
});

describe('language configuration', () => {
  test('comments, brackets, auto-closing quotes, indentation rules', () => {
    const conf = JSON.parse(readFileSync(LANGUAGE_CONFIG_FILE, 'utf8'));
    assert.equal(conf.comments.lineComment, '#');
    assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
    const opens = conf.autoClosingPairs.map((p: { open: string }) => p.open);
    for (const o of ['{', '[', '(', '"', "'"]) assert.ok(opens.includes(o), o);
    assert.equal(conf.folding.offSide, true);
    const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
    const dec = new RegExp(conf.indentationRules.decreaseIndentPattern);
    for (const l of ['steps:', '  - kind: if', '    then:', '  inputs: # the inputs', '    message: |', '  -']) {
      if (l === '  - kind: if') continue;
      assert.match(l, inc, `indent after «${l}»`);
    }
    for (const l of ['    kind: log', '  message: "= a:b"', '# steps:']) assert.doesNotMatch(l, inc, `no indent after «${l}»`);
    assert.match('  }', dec);
    for (const rule of conf.onEnterRules) assert.doesNotThrow(() => new RegExp(rule.beforeText));
    assert.doesNotThrow(() => new RegExp(conf.wordPattern));
  });
});
