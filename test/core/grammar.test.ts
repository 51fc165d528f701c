/**
 * The TextMate grammar of flow files (syntaxes/flowgate-flow.tmLanguage.json), tokenized by the
 * engine VS Code uses (vscode-textmate + vscode-oniguruma), token by token:
 *   - on every line of every sample flow in examples/: every key is a key, every step kind a
 *     keyword, every reference a reference, and exactly the strings that core's model reads as
 *     expressions (yaml's own parse of the file says which) are embedded JSONata;
 *   - on chosen lines, the scopes of JSONata operators, variables, functions, strings, numbers,
 *     paths, comments, block scalars and the cases that look like expressions but are not;
 *   - against the schema and the model: the step kinds, top-level keys, step fields, declaration
 *     fields and value types the grammar knows are exactly the schema's.
 * If the grammar breaks, the failing assertion names the line, the text and the scopes it got.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { IGrammar } from 'vscode-textmate';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { STEP_KINDS } from '../../src/core/model/flow';
import flowSchema from '../../src/core/schema/flow.schema.json';
import { EMBEDDED, flowGrammar, GRAMMAR_FILE, ROOT, SCOPE_NAME, scopesAtIndex, tokenizeText } from '../support/textmate';
import type { TokenizedLine } from '../support/textmate';
// The grammar's source (scripts/build-grammar.mjs) and the key sets it scopes.
import * as source from '../../scripts/build-grammar.mjs';

const STEP_KIND = 'keyword.control.step-kind.flowgate-flow';
const TOP_LEVEL = 'entity.name.tag.top-level.flowgate-flow';
const STEP_FIELD = 'entity.name.tag.step-field.flowgate-flow';
const VARIABLE = 'entity.name.tag.variable.flowgate-flow';
const DECL_FIELD = 'entity.name.tag.declaration-field.flowgate-flow';
const FLOW_REF = 'entity.name.function.flow-reference.flowgate-flow';
const CONNECTION_REF = 'entity.name.type.connection-reference.flowgate-flow';
const COMMENT = 'comment.line.number-sign.yaml';

let grammar: IGrammar;
before(async () => {
  grammar = await flowGrammar();
});

/** Every *.flow.yaml under examples/. */
function exampleFlows(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.flow.yaml')) out.push(p);
    }
  };
  walk(path.join(ROOT, 'examples'));
  return out.sort();
}

/** The tokenized `lineNo` (0-based) of `text`; `text` may be a single line. */
function lineOf(text: string, lineNo = 0): TokenizedLine {
  return tokenizeText(grammar, text)[lineNo];
}

/** Scopes at the first character of the `nth` occurrence of `needle` on a line. */
function scopesOf(text: string, needle: string, nth = 0, lineNo = 0): { scopes: string[]; line: string } {
  const t = lineOf(text, lineNo);
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = t.line.indexOf(needle, at + 1);
    assert.ok(at >= 0, `no '${needle}' (#${nth}) in «${t.line}»`);
  }
  return { scopes: scopesAtIndex(t, at), line: t.line };
}

function has(text: string, needle: string, scope: string, nth = 0, lineNo = 0): void {
  const { scopes, line } = scopesOf(text, needle, nth, lineNo);
  assert.ok(scopes.some((s) => s === scope || s.startsWith(scope + '.')), `'${needle}' in «${line}» has [${scopes.join(', ')}], expected ${scope}`);
}

function hasNot(text: string, needle: string, scope: string, nth = 0, lineNo = 0): void {
  const { scopes, line } = scopesOf(text, needle, nth, lineNo);
  assert.ok(!scopes.some((s) => s === scope || s.startsWith(scope + '.')), `'${needle}' in «${line}» has ${scope}: [${scopes.join(', ')}]`);
}

/** Offsets of every string scalar of `text` with whether core's model reads it as an expression. */
function scalarsOf(text: string): { start: number; end: number; value: string; isKey: boolean; expression: boolean }[] {
  const doc = parseDocument(text, { keepSourceTokens: true });
  assert.deepEqual(doc.errors, [], 'the sample parses');
  const out: { start: number; end: number; value: string; isKey: boolean; expression: boolean }[] = [];
  const walk = (node: unknown, isKey: boolean) => {
    if (isScalar(node)) {
      const [start, end] = (node as Node).range!;
      const value = node.value;
      if (typeof value === 'string') out.push({ start, end, value, isKey, expression: !isKey && value.startsWith('=') && !value.startsWith('==') });
    } else if (isMap(node)) {
      for (const p of node.items) {
        walk(p.key, true);
        walk(p.value, false);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, false);
    } else if (isPair(node)) {
      walk(node.key, true);
      walk(node.value, false);
    }
  };
  walk(doc.contents, false);
  return out;
}

/**
 * The grammar agrees with the YAML parser and the model: the text of every scalar that is an
 * expression is embedded JSONata (from the character after `=` to its end, quotes aside), and no
 * character of any other scalar is.
 */
function assertExpressionsAgree(text: string, where: string): number {
  const lines = tokenizeText(grammar, text);
  const counter = new LineCounter();
  parseDocument(text, { lineCounter: counter });
  const at = (offset: number) => {
    const { line, col } = counter.linePos(offset);
    return { t: lines[line - 1], col: col - 1 };
  };
  let expressions = 0;
  for (const s of scalarsOf(text)) {
    const raw = text.slice(s.start, s.end);
    for (let o = s.start; o < s.end; o++) {
      const { t, col } = at(o);
      if (col >= t.line.length || /\s/.test(t.line[col])) continue;
      const scopes = scopesAtIndex(t, col);
      const embedded = scopes.includes(EMBEDDED);
      // An expression's text: after its `=` (after a quote or a block header), before a closing quote.
      const inside = o > s.start + raw.indexOf('=') && !(o === s.end - 1 && /["']/.test(raw[0]));
      if (s.expression && inside) {
        assert.ok(embedded, `${where}:${counter.linePos(o).line}: «${t.line}» col ${col + 1} ('${t.line[col]}') of the expression ${JSON.stringify(s.value)} is not embedded: [${scopes.join(', ')}]`);
      }
      if (!s.expression) {
        assert.ok(!embedded, `${where}:${counter.linePos(o).line}: «${t.line}» col ${col + 1} of ${JSON.stringify(s.value)} (not an expression) is embedded JSONata`);
      }
    }
    if (s.expression) expressions++;
  }
  return expressions;
}

describe('flow grammar: structure', () => {
  test('the grammar file is what scripts/build-grammar.mjs writes, and package.json contributes it', () => {
    assert.equal(readFileSync(GRAMMAR_FILE, 'utf8'), source.buildGrammar(), 'run node scripts/build-grammar.mjs');
    const g = JSON.parse(readFileSync(GRAMMAR_FILE, 'utf8'));
    assert.equal(g.scopeName, SCOPE_NAME);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const contributed = pkg.contributes.grammars.find((x: { language: string }) => x.language === 'flowgate-flow');
    assert.equal(contributed.scopeName, SCOPE_NAME);
    assert.equal(path.resolve(ROOT, contributed.path), GRAMMAR_FILE);
  });

  test('self-contained: every include is a rule of its own repository', () => {
    const g = JSON.parse(readFileSync(GRAMMAR_FILE, 'utf8'));
    let includes = 0;
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'include') {
            includes++;
            assert.match(String(x), /^#/, `include ${String(x)} reaches outside the grammar`);
            assert.ok(g.repository[String(x).slice(1)], `include ${String(x)} resolves`);
          } else walk(x);
        }
      }
    };
    walk(g);
    assert.ok(includes > 20);
  });

  test('the step kinds, keys, fields and value types it knows are exactly the schema\'s', () => {
    const defs = flowSchema.definitions as Record<string, { properties?: Record<string, unknown>; enum?: string[] }>;
    const kinds = (defs.step.properties!.kind as { enum: string[] }).enum;
    assert.deepEqual([...source.STEP_KINDS].sort(), [...kinds].sort(), 'step kinds: grammar vs flow.schema.json');
    assert.deepEqual([...source.STEP_KINDS].sort(), [...STEP_KINDS].sort(), 'step kinds: grammar vs the model');
    assert.deepEqual([...source.TOP_LEVEL_KEYS].sort(), Object.keys(flowSchema.properties).sort(), 'top-level keys');
    assert.deepEqual([...source.DECLARATION_FIELDS].sort(), Object.keys(defs.declaration.properties!).sort(), 'declaration fields');
    assert.deepEqual([...source.VALUE_TYPES].sort(), [...defs.valueType.enum!].sort(), 'value types');
    const known = new Set(['kind', 'flow', 'connection', ...source.STEP_FIELDS, ...source.STEP_LIST_FIELDS, ...source.VARIABLE_MAP_FIELDS, ...source.DATA_MAP_FIELDS]);
    const schemaFields = new Set<string>();
    for (const [name, def] of Object.entries(defs)) {
      if (!name.endsWith('Step')) continue;
      for (const field of Object.keys(def.properties ?? {})) {
        schemaFields.add(field);
        assert.ok(known.has(field), `${name}.${field} is a step field the grammar does not scope`);
      }
    }
    for (const field of known) assert.ok(schemaFields.has(field), `the grammar scopes '${field}', which no step has`);
  });
});

describe('flow grammar: the sample flows, every line', () => {
  const files = exampleFlows();
  test('there are sample flows', () => assert.ok(files.length >= 4, files.join(', ')));

  for (const file of files) {
    const rel = path.relative(ROOT, file);
    test(rel, () => {
      const text = readFileSync(file, 'utf8');
      const lines = tokenizeText(grammar, text, 5000);
      let kinds = 0;
      lines.forEach((t, i) => {
        const where = `${rel}:${i + 1} «${t.line}»`;
        assert.equal(t.stoppedEarly, false, `${where}: the tokenizer stopped early`);
        // Tokens cover the line, in order.
        let pos = 0;
        for (const k of t.tokens) {
          assert.equal(k.start, pos, `${where}: tokens leave a gap`);
          pos += k.text.length;
        }
        assert.ok(pos >= t.line.length, `${where}: tokens end at ${pos}`);
        // Nothing quoted or embedded stays open past the end of the line (no sample spans lines).
        for (const s of t.openAtEnd) {
          assert.ok(!s.startsWith('string.quoted') && s !== EMBEDDED && !s.startsWith('meta.flow'), `${where}: '${s}' is still open at the end of the line`);
        }
        const key = /^(\s*(?:-\s+)?)([A-Za-z_][\w-]*):(?:\s|$)/.exec(t.line);
        if (key) {
          const scopes = scopesAtIndex(t, key[1].length);
          assert.ok(scopes.some((s) => s.startsWith('entity.name.tag.')), `${where}: key '${key[2]}' has [${scopes.join(', ')}]`);
          if (key[1] === '') assert.ok(scopes.includes(TOP_LEVEL), `${where}: top-level key '${key[2]}' has [${scopes.join(', ')}]`);
        }
        const kind = /^\s*(?:-\s+)?kind:\s+(\S+)/.exec(t.line);
        if (kind) {
          kinds++;
          assert.ok(scopesAtIndex(t, t.line.indexOf(kind[1], t.line.indexOf('kind:'))).includes(STEP_KIND), `${where}: step kind '${kind[1]}'`);
          assert.ok(scopesAtIndex(t, t.line.indexOf('kind')).includes(STEP_FIELD), `${where}: 'kind' is a step field`);
        }
        const ref = /^\s*(?:-\s+)?(flow|connection):\s+(\S+)/.exec(t.line);
        if (ref) {
          const scopes = scopesAtIndex(t, t.line.lastIndexOf(ref[2]));
          assert.ok(scopes.includes(ref[1] === 'flow' ? FLOW_REF : CONNECTION_REF), `${where}: reference '${ref[2]}' has [${scopes.join(', ')}]`);
        }
        const comment = t.line.indexOf(' #');
        if (comment >= 0 && !/["']/.test(t.line)) assert.ok(scopesAtIndex(t, comment + 1).includes(COMMENT), `${where}: comment`);
      });
      assert.ok(kinds > 0, `${rel} has steps`);
      assertExpressionsAgree(text, rel);
    });
  }

  test('the samples hold expressions, and the grammar embeds exactly those', () => {
    let n = 0;
    for (const f of files) n += assertExpressionsAgree(readFileSync(f, 'utf8'), path.relative(ROOT, f));
    assert.ok(n >= 15, `${n} expressions in the samples`);
  });
});

describe('flow grammar: token by token', () => {
  test('step kinds are keywords; an unknown kind is marked; kind elsewhere is not', () => {
    for (const kind of STEP_KINDS) {
      has(`steps:\n  - kind: ${kind}`, kind, STEP_KIND, 0, 1);
      has(`steps:\n  - name: x\n    kind: ${kind}  # c`, kind, STEP_KIND, 0, 2);
    }
    has("  - kind: 'log'", 'log', STEP_KIND);
    has('  - kind: reboot', 'reboot', 'invalid.illegal.unknown-step-kind.flowgate-flow');
    hasNot('  - kind: logger', 'logger', STEP_KIND);
    // Below `values:` a key named kind is a variable, and its value is data.
    const values = 'steps:\n  - kind: set\n    values:\n      kind: log';
    has(values, 'kind', VARIABLE, 0, 3);
    hasNot(values, 'log', STEP_KIND, 0, 3);
    hasNot('description: the kind: of thing', 'of', STEP_KIND);
  });

  test('top-level keys, step fields, variables, declaration fields and value types', () => {
    const text = [
      'description: d', // 0
      'inputs:', // 1
      '  device:', // 2
      '    type: string', // 3
      '    required: true', // 4
      'steps:', // 5
      '  - kind: run-flow', // 6
      '    flow: a/B', // 7
      '    inputs:', // 8
      '      message: 1', // 9
      '    output: r', // 10
      '  - kind: http', // 11
      '    headers:', // 12
      '      Accept: text/plain', // 13
      '    connection: crm-dev', // 14
    ].join('\n');
    has(text, 'description', TOP_LEVEL, 0, 0);
    has(text, 'inputs', TOP_LEVEL, 0, 1);
    has(text, 'device', VARIABLE, 0, 2);
    has(text, 'type', DECL_FIELD, 0, 3);
    has(text, 'string', 'support.type.value-type.flowgate-flow', 0, 3);
    has(text, 'required', DECL_FIELD, 0, 4);
    has(text, 'true', 'constant.language.boolean.yaml', 0, 4);
    has(text, 'steps', TOP_LEVEL, 0, 5);
    has(text, '-', 'punctuation.definition.block.sequence.item.yaml', 0, 6);
    has(text, 'kind', STEP_FIELD, 0, 6);
    has(text, 'a/B', FLOW_REF, 0, 7);
    has(text, 'inputs', STEP_FIELD, 0, 8);
    hasNot(text, 'inputs', TOP_LEVEL, 0, 8);
    has(text, 'message', VARIABLE, 0, 9);
    hasNot(text, 'message', STEP_FIELD, 0, 9);
    has(text, '1', 'constant.numeric.yaml', 0, 9);
    has(text, 'output', STEP_FIELD, 0, 10);
    has(text, 'headers', STEP_FIELD, 0, 12);
    has(text, 'Accept', 'entity.name.tag.yaml', 0, 13);
    has(text, 'text/plain', 'string.unquoted.plain.out.yaml', 0, 13);
    has(text, 'crm-dev', CONNECTION_REF, 0, 14);
  });

  test('compact sequences (a list at its key\'s indentation) are steps too', () => {
    const text = ['steps:', '- kind: if', '  condition: "= x"', '  then:', '  - kind: log', '    message: "= y"', '  - kind: set', '    values:', '      message: 1'].join('\n');
    has(text, 'if', STEP_KIND, 0, 1);
    has(text, 'condition', STEP_FIELD, 0, 2);
    has(text, 'x', EMBEDDED, 0, 2);
    has(text, 'log', STEP_KIND, 0, 4);
    has(text, 'message', STEP_FIELD, 0, 5);
    has(text, 'set', STEP_KIND, 0, 6);
    has(text, 'message', VARIABLE, 0, 8);
  });

  test('declarations written as flow mappings: fields and value types', () => {
    const text = 'inputs:\n  device: { type: string, required: false }\noutputs:\n  n: {type: integer}';
    has(text, 'device', VARIABLE, 0, 1);
    has(text, 'type', DECL_FIELD, 0, 1);
    has(text, 'string', 'support.type.value-type.flowgate-flow', 0, 1);
    has(text, 'required', DECL_FIELD, 0, 1);
    has(text, 'false', 'constant.language.boolean.yaml', 0, 1);
    has(text, 'integer', 'support.type.value-type.flowgate-flow', 0, 3);
    // Elsewhere a flow mapping's keys are plain keys.
    has('    x: { type: string }', 'type', 'entity.name.tag.yaml');
  });

  test('comments, strings, numbers, booleans, null', () => {
    has('# steps: not a key', 'steps', COMMENT);
    has('  - kind: log  # say it', '# say', COMMENT);
    has('  - kind: log  # say it', '#', 'punctuation.definition.comment.yaml');
    has('    message: "hi # there"', '# there', 'string.quoted.double.yaml');
    hasNot('    message: "hi # there"', '# there', COMMENT);
    has("    message: 'it''s'", "''", 'constant.character.escape.yaml');
    has('    message: "a\\tb"', '\\t', 'constant.character.escape.yaml');
    has('    seconds: 1.5e3', '1.5e3', 'constant.numeric.yaml');
    has('    seconds: -2', '-2', 'constant.numeric.yaml');
    has('    x: 12 monkeys', '12', 'string.unquoted.plain.out.yaml');
    has('    x: false', 'false', 'constant.language.boolean.yaml');
    has('    x: null', 'null', 'constant.language.null.yaml');
    has('    x: trueish', 'trueish', 'string.unquoted.plain.out.yaml');
    has('    x: [1, "a", b]', '1', 'constant.numeric.yaml');
    has('    x: [1, "a", b]', 'b', 'string.unquoted.plain.in.yaml');
    has('    x: { a: 1 }', 'a', 'entity.name.tag.yaml');
  });

  test('JSONata in "= …": operators, variables, functions, strings, numbers, paths', () => {
    const line = `    message: "= 'Restarting ' & service & ' on ' & device"`;
    has(line, 'message', STEP_FIELD);
    hasNot(line, 'message', EMBEDDED);
    has(line, '"', 'punctuation.definition.string.begin.yaml');
    has(line, '=', 'keyword.operator.expression.flowgate-flow');
    has(line, "'Restarting", 'string.quoted.single.jsonata');
    has(line, "'Restarting", EMBEDDED);
    has(line, '&', 'keyword.operator.concatenation.jsonata');
    has(line, 'service', 'variable.other.property.jsonata');
    has(line, '"', 'punctuation.definition.string.end.yaml', 1);
    hasNot(line, '"', EMBEDDED, 1);

    const fn = '      reachable: "= $not($contains(device, /^192\\\\.0\\\\.2\\\\./))"';
    has(fn, '$not', 'support.function.jsonata');
    has(fn, '$contains', 'support.function.jsonata');
    has(fn, '/^192', 'string.regexp.jsonata');
    has(fn, ')', 'punctuation.section.parens.jsonata');

    const cond = `      message: "= dryRun ? 'Would run: ' & result.command : 'Restarted ' & service"`;
    has(cond, '?', 'keyword.operator.conditional.jsonata');
    has(cond, ": 'Restarted", 'keyword.operator.conditional.jsonata');
    has(cond, "'Would run: '", 'string.quoted.single.jsonata');
    has(cond, '.command', 'punctuation.accessor.jsonata');
    has(cond, 'command', 'variable.other.property.jsonata');

    const logic = '      restarted: "= result.exitCode = 0 and $not(dryRun) or x in [1, 2.5]"';
    has(logic, '= 0', 'keyword.operator.comparison.jsonata');
    has(logic, '0 and', 'constant.numeric.jsonata');
    has(logic, 'and', 'keyword.operator.logical.jsonata');
    has(logic, 'in', 'keyword.operator.logical.jsonata');
    has(logic, '2.5', 'constant.numeric.jsonata');
    has(logic, '[', 'punctuation.section.brackets.jsonata');

    const vars = '    total: "= $sum($$.items.price) / $count(items) * 2 ~> $string()"';
    has(vars, '$$', 'variable.other.jsonata');
    has(vars, '/ ', 'keyword.operator.arithmetic.jsonata');
    hasNot(vars, '/ ', 'string.regexp.jsonata');
    has(vars, '~>', 'keyword.operator.chain.jsonata');
    has('    x: "= $item"', '$item', 'variable.other.jsonata');
    has('    x: "= ($a := 1; $a)"', ':=', 'keyword.operator.assignment.jsonata');
    has('    x: "= true"', 'true', 'constant.language.boolean.jsonata');
    has('    x: "= \\"quoted\\" & x"', '\\"quoted', 'string.quoted.double.jsonata');
    has('    x: "= a /* why */ + 1"', '/* why', 'comment.block.jsonata');
  });

  test("'= …', plain = … and block scalars with = are expressions too", () => {
    const single = `    condition: '= status = ''up'' and $exists(x)'`;
    has(single, '=', 'keyword.operator.expression.flowgate-flow');
    has(single, "''up''", 'string.quoted.single.jsonata');
    has(single, '$exists', 'support.function.jsonata');
    has(single, "'", 'punctuation.definition.string.end.yaml', 5);

    const plain = '    condition: = reachability.reachable and count > 2  # note';
    has(plain, '=', 'keyword.operator.expression.flowgate-flow');
    has(plain, 'reachability', EMBEDDED);
    has(plain, '>', 'keyword.operator.comparison.jsonata');
    has(plain, '# note', COMMENT);
    hasNot(plain, '# note', EMBEDDED);

    const block = ['steps:', '  - kind: log', '    message: >-', '      = $join(', "        [device, ' up'])", '  - kind: wait', '    seconds: 1'].join('\n');
    has(block, '>', 'keyword.control.flow.block-scalar.folded.yaml', 0, 2);
    has(block, '=', 'keyword.operator.expression.flowgate-flow', 0, 3);
    has(block, '$join', 'support.function.jsonata', 0, 3);
    has(block, "' up'", 'string.quoted.single.jsonata', 0, 4);
    has(block, 'device', EMBEDDED, 0, 4);
    has(block, 'kind', STEP_FIELD, 0, 5);
    hasNot(block, 'kind', EMBEDDED, 0, 5);
    has(block, 'wait', STEP_KIND, 0, 5);

    const text = ['    message: |', '      Result:', '      = not an expression', '    level: info'].join('\n');
    has(text, 'Result', 'string.unquoted.block.yaml', 0, 1);
    has(text, 'not', 'string.unquoted.block.yaml', 0, 2);
    hasNot(text, 'not', EMBEDDED, 0, 2);
    has(text, 'level', STEP_FIELD, 0, 3);

    has('    items: [ = a.b, 2 ]', 'a', EMBEDDED);
    has('    inputs: { device: "= device", n: 1 }', 'device', EMBEDDED, 1);
    has('  - "= item.name"', 'item', EMBEDDED);
  });

  test('what only looks like an expression is not one', () => {
    hasNot('    message: "== not an expression"', 'not', EMBEDDED);
    hasNot("    message: '==x'", 'x', EMBEDDED);
    hasNot('    message: plain text = fine', 'fine', EMBEDDED);
    has('    message: plain text = fine', 'fine', 'string.unquoted.plain.out.yaml');
    hasNot('    message: "a = b"', 'b', EMBEDDED);
    hasNot('    message: "x=$y"', '$y', EMBEDDED);
    // A key that looks like an expression is a key.
    const key = 'steps:\n  - kind: set\n    values:\n      "= $x": 1\n      =y: 2';
    has(key, '"= $x"', VARIABLE, 0, 3);
    hasNot(key, '$x', EMBEDDED, 0, 3);
    hasNot(key, 'y', EMBEDDED, 0, 4);
    hasNot('    x: { "= k": 1 }', 'k', EMBEDDED);
    hasNot('# = a comment', 'a', EMBEDDED);
  });

  test('VS Code treats an expression as code, its JSONata strings and a plain value as strings, comments as comments', () => {
    // The standard token type VS Code reads from the binary tokens (tokenizeLine2): it decides
    // where quick suggestions and auto-closing quotes apply (strings: no suggestions by default).
    const OTHER = 0;
    const COMMENT = 1;
    const STRING = 2;
    const typeAt = (line: string, needle: string): number => {
      const at = line.indexOf(needle);
      assert.ok(at >= 0, needle);
      const { tokens } = grammar.tokenizeLine2(line, null);
      let meta = tokens[1];
      for (let i = 0; i < tokens.length; i += 2) if (tokens[i] <= at) meta = tokens[i + 1];
      return (meta >>> 8) & 0b11;
    };
    const line = `    message: "= $sum(items.price) & ' total'"  # why`;
    assert.equal(typeAt(line, '$sum'), OTHER, 'an expression is code');
    assert.equal(typeAt(line, 'items'), OTHER);
    assert.equal(typeAt(line, "' total'"), STRING, "a JSONata 'string' is a string");
    assert.equal(typeAt(line, '# why'), COMMENT);
    assert.equal(typeAt('    message: just text', 'just'), STRING, 'a plain value is a string');
    assert.equal(typeAt('    message: "a = b"', 'a = b'), STRING);
    assert.equal(typeAt('    message: = a and b', 'and'), OTHER);
  });

  test('an expression spanning lines stays embedded until its closing quote, and no further', () => {
    const text = ['steps:', '  - kind: log', '    message: "= \'a\' &', "      'b'\"", '  - kind: fail', '    message: x'].join('\n');
    has(text, "'b'", 'string.quoted.single.jsonata', 0, 3);
    has(text, "'b'", EMBEDDED, 0, 3);
    assert.ok(lineOf(text, 2).openAtEnd.includes(EMBEDDED), 'open at the end of the first line');
    assert.ok(!lineOf(text, 3).openAtEnd.includes(EMBEDDED), 'closed after the quote');
    has(text, 'fail', STEP_KIND, 0, 4);
    hasNot(text, 'message', EMBEDDED, 0, 5);
  });

  test('a YAML edge-case flow: the grammar embeds exactly what the model reads as expressions', () => {
    const text = [
      'description: |',
      '  = not an expression: a description is text, but YAML reads it as "= …", so it is one',
      'steps:',
      '  # a comment',
      '  - kind: set',
      '    values:',
      '      a: "= $x + 1"',
      '      "=b": 2',
      '      c: = a and $f(b)  # note',
      '      d: plain text = fine',
      '      e: "a = b"',
      '      f: "== not"',
      "      g: '= status = ''up'''",
      '      h: |-',
      '        = $sum(items.price)',
      '          * 2',
      '      i: >',
      '        hello = world',
      '      j: { device: "= device", n: 1, b: true, e: = a.b }',
      '      k: [ "= x", y, = z ]',
      '  - kind: log',
      '    message: "= \'a\' &',
      "      'b'\"",
      '  - kind: if',
      '    condition: "= reachable"   # cmt',
      '    then: []',
    ].join('\n');
    const n = assertExpressionsAgree(text, 'edge case');
    assert.equal(n, 11);
  });
});
