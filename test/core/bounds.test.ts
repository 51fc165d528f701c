/**
 * The bounded algorithms of parsing, closest-match and trigger conditions, unit by unit: the
 * linear duplicate-key check finds what yaml's own check found (at the same place), the node bound
 * is an upper bound, nesting and aliases are bounded, the banded edit distance equals the plain
 * one within its band, and condition lists are bounded before they are split.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { LIMITS } from '../../src/core/limits';
import { boundedEditDistance, closestMatch } from '../../src/core/schema/closestMatch';
import { parseAddressCondition, parseCommunityCondition, parseOid } from '../../src/core/triggers/conditions';
import { parseYaml, yamlNodeBound, YAML_LIMITS } from '../../src/core/yaml/parseYaml';

function plainDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

test('duplicate keys: found in linear time, where yaml found them', () => {
  const texts = ['a: 1\nb: 2\na: 3\n', 'x:\n  y: 1\n  y: 2\n', '- {k: 1, k: 2}\n', '1: a\n"1": b\n', 'a: 1\nb: {a: 1}\n'];
  for (const text of texts) {
    const ours = parseYaml(text).errors.filter((e) => /unique/.test(e.message)).map((e) => e.range);
    const theirs = parseDocument(text, { uniqueKeys: true }).errors.filter((e) => e.code === 'DUPLICATE_KEY');
    assert.equal(ours.length, theirs.length, text);
  }
  const many = Array.from({ length: 20_000 }, (_, i) => `k${i}: 1`).join('\n') + '\nk7: 2\n';
  const parsed = parseYaml(many);
  assert.deepEqual(parsed.errors.map((e) => [e.message, e.range?.start.line]), [['YAML syntax error: Map keys must be unique', 20_000]]);
});

test('the node bound counts at least every key and item, and refuses before parsing', () => {
  for (const text of ['a: 1\nb: [1, 2, {c: 3}]\n', '- a\n- b: c\n  d: e\n', '{"a":1,"b":[1,2]}', '? complex\n: value\n']) {
    const doc = parseDocument(text);
    let nodes = 0;
    const count = (n: unknown): void => {
      const c = n as { items?: unknown[]; key?: unknown; value?: unknown };
      if (Array.isArray(c?.items)) for (const item of c.items) {
        nodes++;
        const p = item as { key?: unknown; value?: unknown };
        if (p && typeof p === 'object' && 'value' in p && 'key' in p) count(p.value);
        else count(item);
      }
    };
    count(doc.contents);
    assert.ok(yamlNodeBound(text) >= nodes, `${JSON.stringify(text)}: bound ${yamlNodeBound(text)} < ${nodes}`);
  }
  const crowded = `steps: []\nv: [${'1,'.repeat(YAML_LIMITS.nodes)}1]\n`;
  const p = parseYaml(crowded);
  assert.equal(p.value, null);
  assert.equal(p.errors[0].code, 'yaml-limit');
  assert.equal(p.errors[0].range?.start.line, 1);
});

test('nesting deeper than the bound and alias bombs are errors, not stack overflows or expansions', () => {
  const deep = parseYaml(`a: ${'['.repeat(LIMITS.jsonDepth + 1)}${']'.repeat(LIMITS.jsonDepth + 1)}`);
  assert.equal(deep.value, null);
  assert.match(deep.errors[0].message, /deeper than/);
  const fine = parseYaml(`a: ${'['.repeat(LIMITS.jsonDepth - 2)}${']'.repeat(LIMITS.jsonDepth - 2)}`);
  assert.deepEqual(fine.errors, []);
  let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++) bomb += `a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
  assert.match(parseYaml(bomb).errors.map((e) => e.message).join(' '), /alias|resource/i);
});

test('the banded edit distance equals the plain one within its band', () => {
  let seed = 1;
  const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const word = () => Array.from({ length: Math.floor(r() * 10) }, () => 'abc'[Math.floor(r() * 3)]).join('');
  for (let k = 0; k < 3000; k++) {
    const a = word();
    const b = word();
    const max = Math.floor(r() * 5);
    const d = plainDistance(a, b);
    assert.equal(boundedEditDistance(a, b, max), d <= max ? d : max + 1, `${a} ${b} ${max}`);
  }
  assert.equal(closestMatch('Europe/Londn', Intl.supportedValuesOf('timeZone')), 'Europe/London');
  assert.equal(closestMatch('x'.repeat(100_000), ['x']), undefined);
});

test('condition lists are bounded before they are split', () => {
  const many = Array.from({ length: LIMITS.conditionListItems + 1 }, (_, i) => `c${i}`).join(',');
  const r = parseCommunityCondition(many);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.message, /at most 256/);
  const long = parseAddressCondition(`10.0.0.1,${' '.repeat(LIMITS.conditionLength)}`);
  assert.equal(long.ok, false);
  assert.equal(parseOid(`1.3.${'6.'.repeat(200)}1`).ok, false);
});

test('lines and anchors are bounded before parsing; prose in a block scalar is not counted as keys', () => {
  const blank = parseYaml(`steps: []\n${'\n'.repeat(YAML_LIMITS.lines)}`);
  assert.equal(blank.value, null);
  assert.match(blank.errors[0].message, /lines/);
  const anchors = parseYaml(`steps: []\n${Array.from({ length: YAML_LIMITS.anchors + 1 }, (_, i) => `a${i}: &x${i} v`).join('\n')}`);
  assert.equal(anchors.value, null);
  assert.match(anchors.errors[0].message, /anchors/);
  // JSONata's & is not an anchor.
  assert.deepEqual(parseYaml(`steps: []\nm: "= a & b"\nn: =a&b\n`).errors, []);
  // 1 MB of prose with commas and colons in a block scalar: more "indicators" than the node bound, but one string.
  const prose = `instructions: |\n${'  Restart, then check: the link, the port, the log - and so on.\n'.repeat(16_000)}`;
  assert.ok(yamlNodeBound(prose) > YAML_LIMITS.nodes);
  const p = parseYaml(prose);
  assert.deepEqual(p.errors, []);
  assert.equal(typeof (p.value as { instructions: string }).instructions, 'string');
});
