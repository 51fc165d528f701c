import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseYaml } from '../../src/core/yaml/parseYaml';

const examples = path.resolve(__dirname, '../../examples');

test('parses a flow file into plain values with no errors', async () => {
  const text = await readFile(path.join(examples, 'flows/network/core/Restart-Service.flow.yaml'), 'utf8');
  const parsed = parseYaml(text);
  assert.deepEqual(parsed.errors, []);
  const value = parsed.value as { steps: { kind: string }[]; inputs: Record<string, { default?: unknown }> };
  assert.equal(value.steps[1].kind, 'run-flow');
  assert.equal(value.inputs.service.default, 'sshd');
});

test('rangeOf gives zero-based ranges of values and keys, nested in maps and lists', () => {
  const text = ['steps:', '  - kind: log', '    message: hello', '  - kind: run-flow', '    flow: a/B', ''].join('\n');
  const parsed = parseYaml(text);
  assert.deepEqual(parsed.rangeOf(['steps', 1, 'flow']), { start: { line: 4, character: 10 }, end: { line: 4, character: 13 } });
  assert.deepEqual(parsed.rangeOf(['steps', 1, 'flow'], 'key'), { start: { line: 4, character: 4 }, end: { line: 4, character: 8 } });
  assert.deepEqual(parsed.rangeOf(['steps', 0, 'message']), { start: { line: 2, character: 13 }, end: { line: 2, character: 18 } });
  // A list item has no key: its 'key' range is its first line.
  assert.deepEqual(parsed.rangeOf(['steps', 1], 'key'), { start: { line: 3, character: 4 }, end: { line: 3, character: 18 } });
  assert.equal(parsed.rangeOf(['steps', 2]), undefined);
  assert.equal(parsed.rangeOf(['nope']), undefined);
});

test('nearestRangeOf falls back to the closest existing ancestor', () => {
  const parsed = parseYaml('definitions:\n  flows: []\n');
  assert.deepEqual(parsed.nearestRangeOf(['definitions', 'connections']), {
    start: { line: 0, character: 0 },
    end: { line: 0, character: 11 },
  });
});

test('malformed YAML gives a yaml-syntax error at the line where it is detected', () => {
  const text = ['description: broken', 'steps:', '  - kind: log', '    message: "unterminated', ''].join('\n');
  const parsed = parseYaml(text);
  const errors = parsed.errors.filter((e) => e.code === 'yaml-syntax');
  assert.ok(errors.length >= 1, 'expected a yaml-syntax error');
  assert.equal(errors[0].severity, 'error');
  assert.equal(errors[0].range?.start.line, 3);
  assert.match(errors[0].message, /^YAML syntax error: /);
});

test('a bad indentation is reported on its own line', () => {
  const parsed = parseYaml('a: 1\nb:\n  c: 2\n d: 3\n');
  assert.ok(parsed.errors.length > 0);
  assert.equal(parsed.errors[0].code, 'yaml-syntax');
  assert.equal(parsed.errors[0].range?.start.line, 3);
});

test('duplicate keys are syntax errors, placed at the duplicate', () => {
  const parsed = parseYaml('name: a\nversion: 1\nname: b\n');
  assert.equal(parsed.errors.length, 1);
  assert.equal(parsed.errors[0].code, 'yaml-syntax');
  assert.match(parsed.errors[0].message, /unique/);
  assert.equal(parsed.errors[0].range?.start.line, 2);
});

test('CRLF line endings give the same positions', () => {
  const parsed = parseYaml('a: 1\r\nb: two\r\n');
  assert.deepEqual(parsed.rangeOf(['b']), { start: { line: 1, character: 3 }, end: { line: 1, character: 6 } });
});

test('an empty document has the value null and no errors', () => {
  const parsed = parseYaml('');
  assert.equal(parsed.value, null);
  assert.deepEqual(parsed.errors, []);
});
