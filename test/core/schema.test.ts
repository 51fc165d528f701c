import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { checkSchema, SCHEMAS } from '../../src/core/schema/checkSchema';
import { STEP_KINDS } from '../../src/core/model/flow';

const examples = path.resolve(__dirname, '../../examples');

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

test('the schema files are draft-07 JSON Schemas', async () => {
  for (const name of ['flow', 'connection', 'package'] as const) {
    const raw = JSON.parse(await readFile(path.resolve(__dirname, `../../src/core/schema/${name}.schema.json`), 'utf8'));
    assert.equal(raw.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(SCHEMAS[name], raw);
  }
});

test('every example file passes its schema', async () => {
  const files = await filesUnder(examples);
  assert.equal(files.length, 6);
  for (const f of files) {
    const kind = f.endsWith('.flow.yaml') ? 'flow' : f.endsWith('.connection.yaml') ? 'connection' : 'package';
    assert.deepEqual(checkSchema(kind, parse(await readFile(f, 'utf8'))), [], f);
  }
});

test('the flow schema covers every step kind of the model, nested in every step list', () => {
  assert.deepEqual(SCHEMAS.flow.definitions.step.properties.kind.enum, [...STEP_KINDS]);
  const flow = {
    inputs: { items: { type: 'array' }, n: { type: 'integer', required: false, default: 1 } },
    outputs: { result: { type: 'any', description: 'x' } },
    steps: [
      { kind: 'set', values: { a: 1 } },
      { kind: 'log', message: '= a', level: 'warn' },
      { kind: 'wait', seconds: 0.5 },
      { kind: 'wait', seconds: '= n' },
      { kind: 'http', connection: 'crm', method: 'POST', path: '/x', headers: { A: 'b' }, body: { x: 1 }, timeoutSeconds: 5, output: 'resp' },
      { kind: 'http', url: 'https://example.org' },
      { kind: 'run-flow', flow: 'a/B', inputs: { x: 1 }, mode: 'async', output: 'child' },
      {
        kind: 'if',
        condition: '= a > 0',
        then: [{ kind: 'for-each', items: '= items', as: 'it', steps: [{ kind: 'log', message: '= it' }] }],
        else: [{ kind: 'try', steps: [{ kind: 'fail', message: 'no', code: 'E1' }], catch: [{ kind: 'log', message: '= error.message' }], errorVariable: 'err' }],
      },
    ],
  };
  assert.deepEqual(checkSchema('flow', flow), []);
});

test('an unknown step kind is one clear message at the kind value', () => {
  const problems = checkSchema('flow', { steps: [{ kind: 'log', message: 'x' }, { kind: 'reboot', target: 'now' }] });
  assert.equal(problems.length, 1);
  assert.deepEqual(problems[0].path, ['steps', 1, 'kind']);
  assert.equal(problems[0].message, `unknown step kind 'reboot'; expected one of: ${STEP_KINDS.join(', ')}`);
});

test('an unknown step kind deep inside nested lists is found there', () => {
  const flow = { steps: [{ kind: 'if', condition: true, then: [{ kind: 'try', steps: [{ kind: 'sleep', seconds: 1 }] }] }] };
  const problems = checkSchema('flow', flow);
  assert.equal(problems.length, 1);
  assert.deepEqual(problems[0].path, ['steps', 0, 'then', 0, 'steps', 0, 'kind']);
  assert.match(problems[0].message, /unknown step kind 'sleep'/);
});

test('missing required fields name the field and point at the object missing it', () => {
  const problems = checkSchema('flow', { steps: [{ kind: 'run-flow', name: 'x' }, { kind: 'if', condition: '= a' }, { name: 'no kind' }] });
  assert.deepEqual(
    problems.map((p) => [p.path, p.part, p.message]),
    [
      [['steps', 0], 'key', "missing required property 'flow' in 'run-flow' step"],
      [['steps', 1], 'key', "missing required property 'then' in 'if' step"],
      [['steps', 2], 'key', `step is missing 'kind' (one of: ${STEP_KINDS.join(', ')})`],
    ],
  );
  assert.deepEqual(checkSchema('flow', { description: 'x' }), [{ path: [], part: 'key', message: "missing required property 'steps'" }]);
});

test('a misspelt property is not allowed, with a suggestion, at its key', () => {
  const problems = checkSchema('flow', { steps: [{ kind: 'set', valeus: { a: 1 } }] });
  const typo = problems.find((p) => p.path.join('/') === 'steps/0/valeus');
  assert.ok(typo, JSON.stringify(problems));
  assert.equal(typo.part, 'key');
  assert.equal(typo.message, "property 'valeus' is not allowed in a 'set' step (did you mean 'values'?)");
  const root = checkSchema('flow', { steps: [], owner: 'me' });
  assert.deepEqual(root, [{ path: ['owner'], part: 'key', message: "property 'owner' is not allowed (allowed: description, inputs, outputs, steps)" }]);
});

test('declarations need a type from the ValueType list', () => {
  const problems = checkSchema('flow', { inputs: { device: { type: 'text' }, ok: { description: 'no type' } }, steps: [] });
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [
      [['inputs', 'device', 'type'], "'type' must be one of: string, number, integer, boolean, object, array, any (got 'text')"],
      [['inputs', 'ok'], "missing required property 'type' in 'ok'"],
    ],
  );
});

test('an http step needs a connection or a url: one message, not branch noise', () => {
  const problems = checkSchema('flow', { steps: [{ kind: 'http', method: 'GET' }] });
  assert.deepEqual(problems, [{ path: ['steps', 0], part: 'key', message: "'http' step needs either 'connection' (a connection name) or 'url'" }]);
});

test('wrong types and enum values are named', () => {
  const problems = checkSchema('flow', { steps: [{ kind: 'wait', seconds: 'soon' }, { kind: 'log', message: 'x', level: 'verbose' }, { kind: 'run-flow', flow: 'a', output: 'bad name' }] });
  assert.deepEqual(
    problems.map((p) => [p.path.join('/'), p.message]),
    [
      ['steps/0/seconds', "'seconds' must be a number of seconds (0 or more) or an expression starting with '='"],
      ['steps/1/level', "'level' must be one of: debug, info, warn, error (got 'verbose')"],
      ['steps/2/output', "'output' must be a variable name: a letter or '_', then letters, digits or '_' (got 'bad name')"],
    ],
  );
  assert.deepEqual(checkSchema('flow', { steps: { kind: 'log' } }), [{ path: ['steps'], message: "'steps' must be a list (got a mapping)" }]);
});

test('connection: http(s) base URL, string headers, auth by secret name', () => {
  assert.deepEqual(checkSchema('connection', { baseUrl: 'https://crm.example.org/api', auth: { type: 'basic', username: 'u', secret: 'crm-password' } }), []);
  assert.deepEqual(checkSchema('connection', { baseUrl: 'http://x', auth: { type: 'none' } }), []);
  const problems = checkSchema('connection', { baseUrl: 'ftp://files', headers: { A: 1 }, auth: { type: 'bearer', token: 'abc' }, timeoutSeconds: 0 });
  assert.deepEqual(
    problems.map((p) => [p.path.join('/'), p.message]),
    [
      ['baseUrl', "'baseUrl' must be an http:// or https:// URL (got 'ftp://files')"],
      ['headers/A', "'A' must be a string (got the number 1)"],
      ['auth', "missing required property 'secret' in 'auth'"],
      ['auth/token', "property 'token' is not allowed in 'auth' (allowed: type, secret)"],
      ['timeoutSeconds', "'timeoutSeconds' must be > 0 (got 0)"],
    ],
  );
  const secretValue = checkSchema('connection', { baseUrl: 'http://x', auth: { type: 'bearer', secret: 'eyJhbGci OiJIUzI1' } });
  assert.equal(secretValue.length, 1);
  assert.match(secretValue[0].message, /never the secret value/);
  assert.deepEqual(checkSchema('connection', { baseUrl: 'http://x', auth: { type: 'kerberos' } }).map((p) => p.path.join('/')), ['auth/type']);
});

test('package draft: name pattern, positive integer version, definition lists', () => {
  const ok = { name: 'net_ops-2', version: 3, definitions: { flows: ['a/B'], connections: [] }, replacements: [{ kind: 'connection', from: 'a', to: 'b' }], authorisation: { groups: ['g'] }, schedules: [{ name: 's', flow: 'a/B', expression: '* * * * *' }], triggers: [] };
  assert.deepEqual(checkSchema('package', ok), []);
  const problems = checkSchema('package', { name: 'net ops', version: 1.5, definitions: { flows: 'a/B', workflows: [] }, replacements: [{ kind: 'secret', from: 'a' }] });
  assert.deepEqual(
    problems.map((p) => [p.path.join('/'), p.message]),
    [
      ['name', "'name' must contain only letters, digits, '-' and '_' (got 'net ops')"],
      ['version', "'version' must be a whole number (got the number 1.5)"],
      ['definitions/workflows', "property 'workflows' is not allowed in 'definitions' (allowed: flows, connections)"],
      ['definitions/flows', "'flows' must be a list (got the string 'a/B')"],
      ['replacements/0', "missing required property 'to' in 'replacements[0]'"],
      ['replacements/0/kind', "'kind' must be one of: flow, connection (got 'secret')"],
    ],
  );
  assert.deepEqual(checkSchema('package', { name: 'a', version: 0, definitions: {} }).map((p) => p.message), ["'version' must be >= 1 (got 0)"]);
});

test('an empty file says so', () => {
  assert.deepEqual(checkSchema('flow', null), [{ path: [], message: 'the file is empty; expected a flow (a YAML mapping of key: value pairs)' }]);
  assert.deepEqual(checkSchema('connection', ['a']), [{ path: [], message: 'the file must be a YAML mapping (key: value pairs)' }]);
});
