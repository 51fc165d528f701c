#!/usr/bin/env node
/**
 * Source of syntaxes/flowgate-flow.tmLanguage.json. Edit this file, then run
 *   node scripts/build-grammar.mjs
 * (test/core/grammar.test.ts fails while the JSON differs from what this file writes).
 *
 * The grammar is self-contained (it does not include `source.yaml`), so what VS Code shows is
 * exactly what the grammar tests tokenize. It follows the structure of a flow file:
 *
 * - Every block-mapping key opens a begin/while region that lasts while the following lines are
 *   indented deeper than the key (blank lines and comments do not end it). The region decides how
 *   the keys below it are scoped: `steps`/`then`/`else`/`catch` hold steps (step fields, step
 *   kinds, flow and connection references); `values` and a step's `inputs` hold variables;
 *   top-level `inputs`/`outputs` hold declarations; `headers`/`body` hold data.
 * - A block scalar (`|`, `>`) after a key lives inside the key's region, so it ends where YAML
 *   ends it. Its first content line decides whether it is an expression (`=`) or text.
 * - A string whose value starts with `=` (not `==`) is JSONata, in "…", '…', plain and block form.
 *
 * Every regular expression is linear: no nested quantifiers over overlapping classes, so a long
 * line or a deeply nested expression cannot make Oniguruma backtrack (test/hostile/grammar.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const SUFFIX = 'flowgate-flow';
export const STEP_KINDS = ['set', 'log', 'wait', 'http', 'run-flow', 'if', 'for-each', 'try', 'fail'];
export const TOP_LEVEL_KEYS = ['description', 'inputs', 'outputs', 'steps'];
/** Step fields other than the ones with their own rule (kind, flow, connection, the nested ones). */
export const STEP_FIELDS = [
  'name', 'message', 'level', 'seconds', 'url', 'path', 'method', 'timeoutSeconds', 'output',
  'mode', 'condition', 'items', 'as', 'errorVariable', 'code',
];
export const STEP_LIST_FIELDS = ['steps', 'then', 'else', 'catch'];
export const VARIABLE_MAP_FIELDS = ['values', 'inputs'];
export const DATA_MAP_FIELDS = ['headers', 'body'];
export const DECLARATION_FIELDS = ['type', 'description', 'required', 'default'];
export const VALUE_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'any'];

const alt = (words) => words.map((w) => w.replace(/[-.]/g, (c) => '\\' + c)).join('|');

// ---- pieces of regular expressions ------------------------------------------------------------
/** A plain key: words separated by blanks, none holding ':' or '#'. Linear (the classes are disjoint). */
const PLAIN_KEY = String.raw`[^\s:#'"\[\]{},\-?|>!&*%@` + '`' + String.raw`][^\s:#]*(?:[ \t]+[^\s:#]+)*|-[^\s:#]+(?:[ \t]+[^\s:#]+)*`;
const QUOTED_KEY = String.raw`"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'`;
const ANY_KEY = `${QUOTED_KEY}|${PLAIN_KEY}`;
/** After a key: the colon, then a blank or the end of the line. */
const COLON = String.raw`[ \t]*(:)(?=[ \t]|$)`;
/** The end of a scalar in block context: blanks to the end of the line or to a comment. */
const SCALAR_END = String.raw`(?=[ \t]*$|[ \t]+#)`;
const FLOW_SCALAR_END = String.raw`(?=[ \t]*[,\]}]|[ \t]*$|[ \t]+#)`;
/** A line inside a region opened by a key at indentation \1 (zero-width: `^` rules still match). */
const deeper = (indent) => String.raw`^(?=${indent}[ ]+\S|[ \t]*$|[ \t]*#)`;

const KEY = (extra) => `entity.name.tag.${extra}`;
const SCOPES = {
  topLevel: KEY(`top-level.${SUFFIX}`),
  stepField: KEY(`step-field.${SUFFIX}`),
  variable: KEY(`variable.${SUFFIX}`),
  declarationField: KEY(`declaration-field.${SUFFIX}`),
  other: KEY('yaml'),
  colon: 'punctuation.separator.key-value.mapping.yaml',
  dash: 'punctuation.definition.block.sequence.item.yaml',
  stepKind: `keyword.control.step-kind.${SUFFIX}`,
  unknownKind: `invalid.illegal.unknown-step-kind.${SUFFIX}`,
  flowRef: `entity.name.function.flow-reference.${SUFFIX}`,
  connectionRef: `entity.name.type.connection-reference.${SUFFIX}`,
  valueType: `support.type.value-type.${SUFFIX}`,
  exprMark: `keyword.operator.expression.${SUFFIX}`,
  embedded: 'meta.embedded.expression.jsonata',
};

/**
 * A key that opens a region: two rules, one for `key:` and one for `- key:` (whose content must
 * be indented deeper than the key, past the dash).
 */
function entry(keys, keyScope, patterns, comment) {
  const plain = {
    comment,
    begin: String.raw`^([ ]*)(${keys})${COLON}`,
    beginCaptures: { 2: { name: keyScope }, 3: { name: SCOPES.colon } },
    while: deeper('\\1'),
    patterns,
  };
  const dashed = {
    begin: String.raw`^([ ]*)(-)([ ]+)(${keys})${COLON}`,
    beginCaptures: { 2: { name: SCOPES.dash }, 4: { name: keyScope }, 5: { name: SCOPES.colon } },
    while: deeper('\\1 \\3'),
    patterns,
  };
  return { patterns: [plain, dashed] };
}

/** A one-line `key: value` whose value has its own scope (a step kind, a reference, a type). */
function keyValue(key, keyScope, value, valueScope, comment) {
  return {
    comment,
    match: String.raw`^([ ]*)((?:-[ ]+)*)(${key})[ \t]*(:)[ \t]+(["']?)(${value})\5${SCALAR_END}`,
    captures: {
      2: { name: SCOPES.dash },
      3: { name: keyScope },
      4: { name: SCOPES.colon },
      6: { name: valueScope },
    },
  };
}

const include = (name) => ({ include: `#${name}` });

/**
 * The JSONata tokens of one context, as ONE rule: a single regular expression whose alternatives
 * are the token rules in order (Oniguruma takes the leftmost match, then the first alternative, as
 * TextMate does across rules), each alternative a capture group carrying the token's scope. One
 * rule instead of ~25 keeps a long expression line linear: the scanner searches the rest of the
 * line once per token for every rule that does not match, so each extra rule costs O(line) per token.
 */
function combine(rules, comment) {
  const alternatives = [];
  const captures = {};
  let group = 0;
  for (const r of rules) {
    group++;
    const own = group;
    if (r.name) captures[own] = { name: r.name };
    for (const [g, c] of Object.entries(r.captures ?? {})) captures[own + Number(g)] = c;
    group += countGroups(r.match);
    alternatives.push(`(${r.match})`);
  }
  return { comment, match: alternatives.join('|'), captures };
}

/** Capturing groups in a regular expression: '(' not escaped, not in a class, not '(?'. */
function countGroups(re) {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(' && re[i + 1] !== '?') n++;
  }
  return n;
}

const J = {
  comment: { match: String.raw`/\*.*?\*/`, name: 'comment.block.jsonata' },
  singleInDouble: { match: String.raw`'(?:[^'\\"]|\\.)*'`, name: 'string.quoted.single.jsonata' },
  doubleInDouble: { match: String.raw`\\"(?:[^"\\]|\\[^"])*\\"`, name: 'string.quoted.double.jsonata' },
  singleInSingle: { match: "''(?:[^']|'(?!'))*''", name: 'string.quoted.single.jsonata' },
  doubleQuoted: { match: String.raw`"(?:[^"\\]|\\.)*"`, name: 'string.quoted.double.jsonata' },
  singlePlain: { match: String.raw`'(?:[^'\\]|\\.)*'`, name: 'string.quoted.single.jsonata' },
  yamlEscape: {
    // A YAML escape other than \" and \\ (those belong to JSONata strings and regular expressions).
    match: String.raw`\\(?:[0abtnvfre /N_LP\t]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})`,
    name: 'constant.character.escape.yaml',
  },
  // A slash after an operand is division; elsewhere it opens a regular expression.
  division: { match: String.raw`(?<=[\w$)\]}'"` + '`' + String.raw`])[ \t]*(/)(?![/*])`, captures: { 1: { name: 'keyword.operator.arithmetic.jsonata' } } },
  regex: {
    match: String.raw`(/)((?:[^/\\"\n]|\\.)+)(/)([im]*)`,
    name: 'string.regexp.jsonata',
    captures: {
      1: { name: 'punctuation.definition.string.begin.regexp.jsonata' },
      3: { name: 'punctuation.definition.string.end.regexp.jsonata' },
      4: { name: 'keyword.other.regexp-flags.jsonata' },
    },
  },
};
const JSONATA_TOKENS = [
  { match: String.raw`\bfunction\b|λ`, name: 'storage.type.function.jsonata' },
  { match: String.raw`\b(?:and|or|in)\b`, name: 'keyword.operator.logical.jsonata' },
  { match: String.raw`\b(?:true|false)\b`, name: 'constant.language.boolean.jsonata' },
  { match: String.raw`\bnull\b`, name: 'constant.language.null.jsonata' },
  { match: String.raw`\b(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\b`, name: 'constant.numeric.jsonata' },
  { match: String.raw`\$[A-Za-z_][A-Za-z0-9_]*(?=[ \t]*\()`, name: 'support.function.jsonata' },
  { match: String.raw`\$\$|\$[A-Za-z_][A-Za-z0-9_]*|\$(?![A-Za-z0-9_$])`, name: 'variable.other.jsonata' },
  { match: '`[^`]*`', name: 'variable.other.property.jsonata' },
  { match: String.raw`[A-Za-z_][A-Za-z0-9_]*`, name: 'variable.other.property.jsonata' },
  { match: ':=', name: 'keyword.operator.assignment.jsonata' },
  { match: '~>', name: 'keyword.operator.chain.jsonata' },
  { match: String.raw`\?\?|\?:|\?|:`, name: 'keyword.operator.conditional.jsonata' },
  { match: '&', name: 'keyword.operator.concatenation.jsonata' },
  { match: '!=|<=|>=|=|<|>', name: 'keyword.operator.comparison.jsonata' },
  { match: String.raw`\.\.`, name: 'keyword.operator.range.jsonata' },
  { match: String.raw`\.`, name: 'punctuation.accessor.jsonata' },
  { match: String.raw`\*\*|[-+*%]`, name: 'keyword.operator.arithmetic.jsonata' },
  { match: '[@#^|]', name: 'keyword.operator.jsonata' },
  { match: '[()]', name: 'punctuation.section.parens.jsonata' },
  { match: String.raw`[\[\]]`, name: 'punctuation.section.brackets.jsonata' },
  { match: '[{}]', name: 'punctuation.section.braces.jsonata' },
  { match: '[,;]', name: 'punctuation.separator.jsonata' },
];
const jsonata = (strings) => [J.comment, ...strings, J.division, J.regex, ...JSONATA_TOKENS];

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Flowgate Flow',
  scopeName: `source.${SUFFIX}`,
  fileTypes: ['flow.yaml'],
  comment: 'Generated by scripts/build-grammar.mjs — edit that file, not this one.',
  patterns: [include('comment'), include('document'), include('top-level'), include('step-context')],
  repository: {
    comment: {
      match: String.raw`(?<=^|[ \t])(#).*$`,
      name: 'comment.line.number-sign.yaml',
      captures: { 1: { name: 'punctuation.definition.comment.yaml' } },
    },
    document: {
      patterns: [
        { match: String.raw`^---(?=[ \t]|$)`, name: 'entity.other.document.begin.yaml' },
        { match: String.raw`^\.\.\.(?=[ \t]|$)`, name: 'entity.other.document.end.yaml' },
        { match: String.raw`^%.*$`, name: 'meta.directive.yaml' },
      ],
    },
    'top-level': {
      comment: 'The keys of a flow at column 0.',
      patterns: [
        {
          begin: String.raw`^(description)${COLON}`,
          beginCaptures: { 1: { name: SCOPES.topLevel }, 2: { name: SCOPES.colon } },
          while: deeper(''),
          patterns: [include('comment'), include('block-scalar'), include('data-context')],
        },
        {
          begin: String.raw`^(inputs|outputs)${COLON}`,
          beginCaptures: { 1: { name: SCOPES.topLevel }, 2: { name: SCOPES.colon } },
          while: deeper(''),
          patterns: [include('comment'), include('declaration'), include('data-context')],
        },
        {
          begin: String.raw`^(steps)${COLON}`,
          beginCaptures: { 1: { name: SCOPES.topLevel }, 2: { name: SCOPES.colon } },
          while: deeper(''),
          patterns: [include('step-context')],
        },
      ],
    },
    declaration: {
      comment: 'An input or output of the flow: its name, then type, description, required, default.',
      begin: String.raw`^([ ]+)(${ANY_KEY})${COLON}`,
      beginCaptures: { 2: { name: SCOPES.variable }, 3: { name: SCOPES.colon } },
      while: deeper('\\1'),
      patterns: [
        include('comment'),
        keyValue('type', SCOPES.declarationField, alt(VALUE_TYPES), SCOPES.valueType, '`type: string` — a value type.'),
        entry(alt(DECLARATION_FIELDS), SCOPES.declarationField, [include('comment'), include('block-scalar'), include('data-context')]),
        include('declaration-flow'),
        include('data-context'),
      ],
    },
    'declaration-flow': {
      comment: '`device: { type: string, required: false }` — a declaration written as a flow mapping.',
      begin: String.raw`(?<=:)[ \t]*(\{)`,
      beginCaptures: { 1: { name: 'punctuation.definition.mapping.begin.yaml' } },
      end: String.raw`\}`,
      endCaptures: { 0: { name: 'punctuation.definition.mapping.end.yaml' } },
      name: 'meta.flow.mapping.yaml',
      patterns: [
        {
          match: String.raw`(?:(?<=[{,])|^)[ \t]*(type)[ \t]*(:)[ \t]*(${alt(VALUE_TYPES)})(?=[ \t]*[,}]|[ \t]*$)`,
          captures: { 1: { name: SCOPES.declarationField }, 2: { name: SCOPES.colon }, 3: { name: SCOPES.valueType } },
        },
        {
          match: String.raw`(?:(?<=[{,])|^)[ \t]*(${alt(DECLARATION_FIELDS)})[ \t]*(:)(?=[\s,}"']|$)`,
          captures: { 1: { name: SCOPES.declarationField }, 2: { name: SCOPES.colon } },
        },
        include('flow-mapping-entries'),
      ],
    },
    'step-context': {
      comment: 'Where steps are: a list of steps, and the fields of each step.',
      patterns: [
        include('comment'),
        include('document'),
        include('block-scalar'),
        include('block-scalar-item'),
        keyValue('kind', SCOPES.stepField, alt(STEP_KINDS), SCOPES.stepKind, '`kind: <step kind>` — the keywords of a flow.'),
        {
          comment: 'Any other kind is marked.',
          match: String.raw`^([ ]*)((?:-[ ]+)*)(kind)[ \t]*(:)[ \t]+([^\s#]\S*(?:[ \t]+[^\s#]\S*)*)`,
          captures: {
            2: { name: SCOPES.dash },
            3: { name: SCOPES.stepField },
            4: { name: SCOPES.colon },
            5: { name: SCOPES.unknownKind },
          },
        },
        keyValue('flow', SCOPES.stepField, String.raw`[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*`, SCOPES.flowRef, '`flow: network/core/X` — the id of a child flow.'),
        keyValue('connection', SCOPES.stepField, String.raw`[A-Za-z0-9_.\-]+`, SCOPES.connectionRef, '`connection: crm-dev` — a connection definition.'),
        entry(alt(STEP_LIST_FIELDS), SCOPES.stepField, [include('step-context')], 'Nested steps.'),
        entry(alt(VARIABLE_MAP_FIELDS), SCOPES.stepField, [include('comment'), include('variable-context')], 'Variables: set values, a child flow\'s inputs.'),
        entry(alt(DATA_MAP_FIELDS), SCOPES.stepField, [include('comment'), include('block-scalar'), include('data-context')], 'Data: headers, a request body.'),
        entry(`kind|flow|connection|${alt(STEP_FIELDS)}`, SCOPES.stepField, [include('comment'), include('block-scalar'), include('data-context')], 'Other step fields.'),
        include('data-context'),
      ],
    },
    'variable-context': {
      comment: 'Below `values:` or a step\'s `inputs:`: variable names, then any data.',
      patterns: [
        include('comment'),
        entry(ANY_KEY, SCOPES.variable, [include('comment'), include('block-scalar'), include('data-context')]),
        include('data-context'),
      ],
    },
    'data-context': {
      comment: 'Any YAML: keys, sequences, scalars, expressions.',
      patterns: [
        include('comment'),
        include('block-scalar-item'),
        entry(ANY_KEY, SCOPES.other, [include('comment'), include('block-scalar'), include('data-context')]),
        include('sequence-item'),
        include('value'),
      ],
    },
    'sequence-item': {
      match: String.raw`(?:^[ \t]*|(?<=-)[ \t]+)(-)(?=[ \t]|$)`,
      captures: { 1: { name: SCOPES.dash } },
    },
    'block-scalar': {
      comment: 'A block scalar after a key; the key\'s region ends it.',
      begin: String.raw`(?<=:)[ \t]+(?:(\|)|(>))([1-9][-+]?|[-+][1-9]?)?[ \t]*(?:((#).*))?$`,
      beginCaptures: {
        1: { name: 'keyword.control.flow.block-scalar.literal.yaml' },
        2: { name: 'keyword.control.flow.block-scalar.folded.yaml' },
        3: { name: 'storage.modifier.chomping-indicator.yaml' },
        4: { name: 'comment.line.number-sign.yaml' },
        5: { name: 'punctuation.definition.comment.yaml' },
      },
      while: '^',
      patterns: [include('block-scalar-content')],
    },
    'block-scalar-item': {
      comment: 'A block scalar as a sequence item (`- |`), indented deeper than its dash.',
      begin: String.raw`^([ ]*)((?:-[ ]+)*-)[ \t]+(?:(\|)|(>))([1-9][-+]?|[-+][1-9]?)?[ \t]*(?:((#).*))?$`,
      beginCaptures: {
        2: { name: SCOPES.dash },
        3: { name: 'keyword.control.flow.block-scalar.literal.yaml' },
        4: { name: 'keyword.control.flow.block-scalar.folded.yaml' },
        5: { name: 'storage.modifier.chomping-indicator.yaml' },
        6: { name: 'comment.line.number-sign.yaml' },
        7: { name: 'punctuation.definition.comment.yaml' },
      },
      while: String.raw`^(?=\1[ ]+\S|[ \t]*$)`,
      patterns: [include('block-scalar-content')],
    },
    'block-scalar-content': {
      comment: 'The first content line decides: `=` makes the whole scalar a JSONata expression.',
      patterns: [
        {
          begin: String.raw`^[ \t]+(=)(?!=)`,
          beginCaptures: { 1: { name: SCOPES.exprMark } },
          end: '(?!)',
          contentName: SCOPES.embedded,
          patterns: [include('jsonata-plain')],
        },
        { begin: String.raw`^[ \t]+(?=\S)`, end: '(?!)', contentName: 'string.unquoted.block.yaml' },
      ],
    },
    value: {
      comment: 'A scalar or flow collection in block context.',
      patterns: [
        include('expression-double'),
        include('expression-single'),
        include('expression-plain'),
        include('string-double'),
        include('string-single'),
        include('flow-mapping'),
        include('flow-sequence'),
        include('node-property'),
        { match: String.raw`(?<=^|[ \t])(?:true|false|True|False|TRUE|FALSE)${SCALAR_END}`, name: 'constant.language.boolean.yaml' },
        { match: String.raw`(?<=^|[ \t])(?:null|Null|NULL|~)${SCALAR_END}`, name: 'constant.language.null.yaml' },
        { match: String.raw`(?<=^|[ \t])(?:[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|0x[0-9A-Fa-f]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))${SCALAR_END}`, name: 'constant.numeric.yaml' },
        { match: String.raw`[^\s#]\S*(?:[ \t]+[^\s#]\S*)*`, name: 'string.unquoted.plain.out.yaml' },
      ],
    },
    'flow-value': {
      comment: 'A scalar or collection inside [ ] or { }.',
      patterns: [
        include('comment'),
        include('expression-double'),
        include('expression-single'),
        include('expression-flow-plain'),
        include('string-double'),
        include('string-single'),
        include('flow-mapping'),
        include('flow-sequence'),
        include('node-property'),
        { match: ',', name: 'punctuation.separator.sequence.yaml' },
        { match: String.raw`(?:true|false|True|False|TRUE|FALSE)${FLOW_SCALAR_END}`, name: 'constant.language.boolean.yaml' },
        { match: String.raw`(?:null|Null|NULL|~)${FLOW_SCALAR_END}`, name: 'constant.language.null.yaml' },
        { match: String.raw`[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?${FLOW_SCALAR_END}`, name: 'constant.numeric.yaml' },
        { match: String.raw`[^\s#,\[\]{}]+(?:[ \t]+[^\s#,\[\]{}]+)*`, name: 'string.unquoted.plain.in.yaml' },
      ],
    },
    'flow-mapping': {
      begin: String.raw`\{`,
      beginCaptures: { 0: { name: 'punctuation.definition.mapping.begin.yaml' } },
      end: String.raw`\}`,
      endCaptures: { 0: { name: 'punctuation.definition.mapping.end.yaml' } },
      name: 'meta.flow.mapping.yaml',
      patterns: [include('flow-mapping-entries')],
    },
    'flow-mapping-entries': {
      patterns: [
        {
          match: String.raw`(?:(?<=[{,])|^)[ \t]*(${QUOTED_KEY}|[^\s,\[\]{}:#'"]+(?:[ \t]+[^\s,\[\]{}:#]+)*)[ \t]*(:)(?=[\s,\]}"']|$)`,
          captures: { 1: { name: SCOPES.other }, 2: { name: SCOPES.colon } },
        },
        include('flow-value'),
      ],
    },
    'flow-sequence': {
      begin: String.raw`\[`,
      beginCaptures: { 0: { name: 'punctuation.definition.sequence.begin.yaml' } },
      end: String.raw`\]`,
      endCaptures: { 0: { name: 'punctuation.definition.sequence.end.yaml' } },
      name: 'meta.flow.sequence.yaml',
      patterns: [include('flow-value')],
    },
    'node-property': {
      patterns: [
        { match: String.raw`&[^\s,\[\]{}]+`, name: 'entity.name.type.anchor.yaml' },
        { match: String.raw`\*[^\s,\[\]{}]+`, name: 'variable.other.alias.yaml' },
        { match: String.raw`![^\s,\[\]{}]*`, name: 'storage.type.tag.yaml' },
      ],
    },
    'string-double': {
      begin: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.yaml' } },
      end: '"',
      endCaptures: { 0: { name: 'punctuation.definition.string.end.yaml' } },
      name: 'string.quoted.double.yaml',
      patterns: [include('yaml-double-escape')],
    },
    'string-single': {
      begin: "'",
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.yaml' } },
      end: "'(?!')",
      endCaptures: { 0: { name: 'punctuation.definition.string.end.yaml' } },
      name: 'string.quoted.single.yaml',
      patterns: [include('yaml-single-escape')],
    },
    'expression-double': {
      comment: '"= expr" — a double-quoted value holding a JSONata expression ("== x" is literal text).',
      begin: String.raw`(?<![^ \t\[{,:])(")(=)(?!=)`,
      beginCaptures: {
        1: { name: 'string.quoted.double.yaml punctuation.definition.string.begin.yaml' },
        2: { name: SCOPES.exprMark },
      },
      end: '(")',
      endCaptures: { 1: { name: 'string.quoted.double.yaml punctuation.definition.string.end.yaml' } },
      contentName: SCOPES.embedded,
      patterns: [include('jsonata-in-double')],
    },
    'expression-single': {
      comment: "'= expr' — a single-quoted value holding a JSONata expression ('' is a quote).",
      begin: String.raw`(?<![^ \t\[{,:])(')(=)(?!=)`,
      beginCaptures: {
        1: { name: 'string.quoted.single.yaml punctuation.definition.string.begin.yaml' },
        2: { name: SCOPES.exprMark },
      },
      end: "(')(?!')",
      endCaptures: { 1: { name: 'string.quoted.single.yaml punctuation.definition.string.end.yaml' } },
      contentName: SCOPES.embedded,
      patterns: [include('jsonata-in-single')],
    },
    'expression-plain': {
      comment: '= expr — a plain value holding a JSONata expression, up to a comment or the end of the line.',
      begin: String.raw`(?<![^ \t\[{,:])(=)(?!=)`,
      beginCaptures: { 1: { name: SCOPES.exprMark } },
      end: String.raw`(?=[ \t]+#|[ \t]*$)`,
      contentName: SCOPES.embedded,
      patterns: [include('jsonata-plain')],
    },
    'expression-flow-plain': {
      comment: '= expr inside [ ] or { }: YAML ends it at , ] or }.',
      begin: String.raw`(?<![^ \t\[{,:])(=)(?!=)`,
      beginCaptures: { 1: { name: SCOPES.exprMark } },
      end: String.raw`(?=[ \t]*[,\]}]|[ \t]+#|[ \t]*$)`,
      contentName: SCOPES.embedded,
      patterns: [include('jsonata-plain')],
    },
    'yaml-double-escape': {
      match: String.raw`\\(?:[0abtnvfre "/\\N_LP\t]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})`,
      name: 'constant.character.escape.yaml',
    },
    'yaml-single-escape': { match: "''", name: 'constant.character.escape.yaml' },
    'jsonata-in-double': combine([J.yamlEscape, ...jsonata([J.singleInDouble, J.doubleInDouble])], 'JSONata inside "…": \'text\', or \\"text\\" with YAML-escaped quotes.'),
    'jsonata-in-single': combine(jsonata([J.singleInSingle, J.doubleQuoted]), "JSONata inside '…': a JSONata 'text' is written ''text''."),
    'jsonata-plain': combine(jsonata([J.singlePlain, J.doubleQuoted]), 'JSONata in a plain or block scalar.'),
  },
};

export function buildGrammar() {
  return JSON.stringify(grammar, null, 2) + '\n';
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const GRAMMAR_PATH = path.join(here, '..', 'syntaxes', 'flowgate-flow.tmLanguage.json');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(GRAMMAR_PATH, buildGrammar());
  console.log(`wrote ${path.relative(process.cwd(), GRAMMAR_PATH)}`);
}
