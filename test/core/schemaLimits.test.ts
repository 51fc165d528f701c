/**
 * The definition-file schemas (flows, connections, package drafts) bound every value: each string
 * has a maxLength, each list a maxItems, each open mapping a maxProperties, each bound is a LIMITS
 * value — and a value one past a bound is a schema problem naming the field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { checkSchema, SCHEMAS, type SchemaKind } from '../../src/core/schema/checkSchema';

const ALLOWED = new Set<number>([
  LIMITS.shortStringLength, LIMITS.textLength, LIMITS.instructionsLength, LIMITS.definitionIdLength, LIMITS.nameLength,
  LIMITS.objectKeys, LIMITS.urlLength, LIMITS.definitionsPerVersion, LIMITS.authorisationGroups, LIMITS.schedulesPerVersion,
  LIMITS.triggersPerVersion, LIMITS.conditionLength, LIMITS.conditionListItems, LIMITS.cronExpressionLength, LIMITS.flowSteps,
  LIMITS.maxVersion, LIMITS.scheduleNameLength,
]);

function walk(node: unknown, path: string, out: string[]): void {
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`, out));
  if (!node || typeof node !== 'object') return;
  const s = node as Record<string, unknown>;
  const bound = (key: string) => {
    if (typeof s[key] !== 'number') out.push(`${path}: no ${key}`);
    else if (!ALLOWED.has(s[key] as number)) out.push(`${path}: ${key} ${String(s[key])} is not a LIMITS value`);
  };
  if (s.type === 'string') bound('maxLength');
  if (s.type === 'array') bound('maxItems');
  if (s.type === 'object' && s.additionalProperties !== false && (s.propertyNames || !s.properties || typeof s.additionalProperties === 'object')) bound('maxProperties');
  if (s.type === 'integer' && path.endsWith('version')) bound('maximum');
  for (const [k, v] of Object.entries(s)) walk(v, `${path}/${k}`, out);
}

test('every string, list and open mapping of the three file schemas has a LIMITS bound', () => {
  const problems: string[] = [];
  for (const [kind, schema] of Object.entries(SCHEMAS)) walk(schema, kind, problems);
  assert.deepEqual(problems, []);
});

test('a value one past its bound is a problem naming the field', () => {
  const cases: [SchemaKind, unknown, string][] = [
    ['flow', { description: 'x'.repeat(LIMITS.textLength + 1), steps: [] }, 'description'],
    ['flow', { steps: Array.from({ length: LIMITS.flowSteps + 1 }, () => ({ kind: 'log', message: 'x' })) }, 'steps'],
    ['flow', { inputs: Object.fromEntries(Array.from({ length: LIMITS.objectKeys + 1 }, (_, i) => [`v${i}`, { type: 'string' }])), steps: [] }, 'inputs'],
    ['connection', { baseUrl: `https://example.com/${'a'.repeat(LIMITS.urlLength)}` }, 'baseUrl'],
    ['package', { name: 'p'.repeat(LIMITS.nameLength + 1), version: 1, definitions: {} }, 'name'],
    ['package', { name: 'p', version: LIMITS.maxVersion + 1, definitions: {} }, 'version'],
    ['package', { name: 'p', version: 1, definitions: {}, instructions: 'x'.repeat(LIMITS.instructionsLength + 1) }, 'instructions'],
    ['package', { name: 'p', version: 1, definitions: { flows: Array.from({ length: LIMITS.definitionsPerVersion + 1 }, (_, i) => `f${i}`) } }, 'flows'],
    ['package', { name: 'p', version: 1, definitions: {}, schedules: Array.from({ length: LIMITS.schedulesPerVersion + 1 }, (_, i) => ({ name: `s${i}`, flow: 'f', expression: '* * * * *' })) }, 'schedules'],
  ];
  for (const [kind, value, field] of cases) {
    const problems = checkSchema(kind, value);
    assert.ok(problems.length > 0 && problems.length <= 100, `${kind} ${field}: ${problems.length} problems`);
    assert.ok(problems.some((p) => p.path[p.path.length - 1] === field), `${kind} ${field}: ${JSON.stringify(problems.slice(0, 3))}`);
  }
});
