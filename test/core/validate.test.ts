import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateFile, validatePackage, validateWorkspace } from '../../src/core/validate/validate';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';
import type { Workspace } from '../../src/core/workspace/workspace';

const examples = path.resolve(__dirname, '../../examples');
const DRAFT = 'packages/network-ops.package.yaml';

/** A copy of the examples on disk, with some files changed or added. */
async function withExamples(changes: Record<string, string>, body: (ws: Workspace) => void | Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flowgate-validate-'));
  try {
    await cp(examples, dir, { recursive: true });
    for (const [rel, text] of Object.entries(changes)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    }
    await body(await loadWorkspace(directorySource(dir)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function draft(flows: string[], connections: string[], extra = ''): string {
  const list = (items: string[]) => (items.length ? items.map((i) => `\n    - ${i}`).join('') : ' []');
  return `name: network-ops\nversion: 1\ndefinitions:\n  flows:${list(flows)}\n  connections:${list(connections)}\n${extra}`;
}

const ALL_FLOWS = ['network/core/Restart-Service', 'network/core/Check-Reachability', 'network/core/Run-Command', 'network/inventory/Get-Gateway-Status'];

test('the examples validate with zero diagnostics', async () => {
  const ws = await loadWorkspace(directorySource(examples));
  assert.deepEqual(validateWorkspace(ws), []);
  assert.deepEqual(validatePackage(ws, 'network-ops'), { ok: true, diagnostics: [], missing: [] });
});

test('an unknown flow reference is an error at the value, suggesting the near match', () =>
  withExamples(
    {
      'flows/app/Main.flow.yaml': [
        'steps:',
        '  - kind: if',
        '    condition: true',
        '    then:',
        '      - kind: run-flow',
        '        flow: network/core/Check-Reachabilty',
        '  - kind: run-flow',
        '    flow: app/Nothing-Like-It',
        '',
      ].join('\n'),
    },
    (ws) => {
      const diags = validateFile(ws, 'flows/app/Main.flow.yaml');
      assert.deepEqual(
        diags.map((d) => [d.code, d.severity, d.message, d.range]),
        [
          [
            'unknown-flow',
            'error',
            "flow 'network/core/Check-Reachabilty' does not exist in the workspace; did you mean 'network/core/Check-Reachability'?",
            { start: { line: 5, character: 14 }, end: { line: 5, character: 44 } },
          ],
          [
            'unknown-flow',
            'error',
            "flow 'app/Nothing-Like-It' does not exist in the workspace (expected flows/app/Nothing-Like-It.flow.yaml)",
            { start: { line: 7, character: 10 }, end: { line: 7, character: 29 } },
          ],
        ],
      );
      assert.ok(diags.every((d) => d.file === 'flows/app/Main.flow.yaml'));
    },
  ));

test('an unknown connection reference is an error at the value', () =>
  withExamples(
    { 'flows/app/Call.flow.yaml': 'steps:\n  - kind: http\n    connection: local-gateway2\n    path: /x\n' },
    (ws) => {
      const diags = validateFile(ws, 'flows/app/Call.flow.yaml');
      assert.equal(diags.length, 1);
      assert.equal(diags[0].code, 'unknown-connection');
      assert.equal(diags[0].message, "connection 'local-gateway2' does not exist in the workspace; did you mean 'local-gateway'?");
      assert.deepEqual(diags[0].range, { start: { line: 2, character: 16 }, end: { line: 2, character: 30 } });
    },
  ));

test('expression syntax errors are reported at the value; == literals and plain strings are not expressions', () =>
  withExamples(
    {
      'flows/app/Expr.flow.yaml': [
        'steps:',
        '  - kind: set',
        '    values:',
        '      good: "= a + 1"',
        "      bad: \"= (a + \"",
        '      literal: "==(not an expression"',
        '      text: (plain text',
        '  - kind: log',
        '    message: "="',
        '',
      ].join('\n'),
    },
    (ws) => {
      const diags = validateFile(ws, 'flows/app/Expr.flow.yaml');
      assert.deepEqual(
        diags.map((d) => [d.code, d.range?.start.line, d.range?.start.character]),
        [
          ['expression-syntax', 4, 11],
          ['expression-syntax', 8, 13],
        ],
      );
      assert.match(diags[0].message, /^expression syntax error: .+/);
      assert.match(diags[1].message, /empty/);
    },
  ));

test('validateWorkspace collects every file; a broken file gives its syntax error only', () =>
  withExamples({ 'flows/app/Broken.flow.yaml': 'steps:\n  - kind: log\n    message: [unclosed\n' }, (ws) => {
    const diags = validateWorkspace(ws);
    assert.ok(diags.length >= 1);
    assert.ok(diags.every((d) => d.file === 'flows/app/Broken.flow.yaml' && d.code === 'yaml-syntax'));
  }));

test('validatePackage: a flow run by an included flow but left out is a missing-dependency error at the entry', () =>
  withExamples({ [DRAFT]: draft(['network/core/Restart-Service', 'network/core/Check-Reachability'], ['local-gateway']) }, (ws) => {
    const result = validatePackage(ws, 'network-ops');
    assert.equal(result.ok, false);
    assert.deepEqual(result.missing, [{ kind: 'flow', id: 'network/core/Run-Command', referencedBy: ['network/core/Restart-Service'] }]);
    assert.equal(result.diagnostics.length, 1);
    const d = result.diagnostics[0];
    assert.equal(d.code, 'missing-dependency');
    assert.equal(d.severity, 'error');
    assert.equal(d.file, DRAFT);
    assert.match(d.message, /'network\/core\/Restart-Service' runs 'network\/core\/Run-Command', which is not in the package/);
    assert.deepEqual(d.range, { start: { line: 4, character: 6 }, end: { line: 4, character: 34 } });
  }));

test('validatePackage: transitive dependencies are all reported, with who runs them', () =>
  withExamples(
    {
      'flows/app/A.flow.yaml': 'steps:\n  - kind: run-flow\n    flow: app/B\n',
      'flows/app/B.flow.yaml': 'steps:\n  - kind: run-flow\n    flow: app/C\n  - kind: run-flow\n    flow: app/A\n',
      'flows/app/C.flow.yaml': 'steps:\n  - kind: run-flow\n    flow: app/B\n',
      [DRAFT]: draft(['app/A'], []),
    },
    (ws) => {
      const result = validatePackage(ws, 'network-ops');
      assert.equal(result.ok, false);
      assert.deepEqual(result.missing, [
        { kind: 'flow', id: 'app/B', referencedBy: ['app/A', 'app/C'] },
        { kind: 'flow', id: 'app/C', referencedBy: ['app/B'] },
      ]);
      assert.deepEqual(result.diagnostics.map((d) => [d.code, d.range?.start.line]), [
        ['missing-dependency', 4],
        ['missing-dependency', 4],
      ]);
      assert.match(result.diagnostics[1].message, /'app\/A' needs 'app\/C' \(run by 'app\/B'\)/);
    },
  ));

test('validatePackage: a connection left out is an error (a package uses only its own connections)', () =>
  withExamples({ [DRAFT]: draft(ALL_FLOWS, []) }, (ws) => {
    const result = validatePackage(ws, 'network-ops');
    assert.equal(result.ok, false);
    assert.deepEqual(result.missing, [{ kind: 'connection', id: 'local-gateway', referencedBy: ['network/inventory/Get-Gateway-Status'] }]);
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0].severity, 'error');
    assert.equal(result.diagnostics[0].code, 'missing-reference');
    assert.match(result.diagnostics[0].message, /not in the package; add it: a package uses only its own connections/);
    assert.equal(result.diagnostics[0].range?.start.line, 7);
  }));

test('validatePackage: a gateway that has the connection does not excuse leaving it out', () =>
  withExamples({ [DRAFT]: draft(ALL_FLOWS, []) }, (ws) => {
    const withIt = validatePackage(ws, 'network-ops', { remote: { has: (kind, id) => kind === 'connection' && id === 'local-gateway' } });
    assert.equal(withIt.ok, false);
    assert.equal(withIt.diagnostics[0].severity, 'error');
    assert.equal(withIt.diagnostics[0].code, 'missing-reference');
  }));

test('validatePackage: a remote having a child flow does not excuse leaving it out', () =>
  withExamples({ [DRAFT]: draft(['network/core/Restart-Service', 'network/core/Check-Reachability'], ['local-gateway']) }, (ws) => {
    const result = validatePackage(ws, 'network-ops', { remote: { has: () => true } });
    assert.equal(result.ok, false);
    assert.equal(result.diagnostics[0].code, 'missing-dependency');
  }));

test('validatePackage: entries that do not exist are errors at the entry; duplicates are warnings', () =>
  withExamples({ [DRAFT]: draft([...ALL_FLOWS, 'network/core/Run-Comand', 'network/core/Run-Command'], ['local-gateway', 'crm']) }, (ws) => {
    const result = validatePackage(ws, 'network-ops');
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.severity, d.range?.start.line]),
      [
        ['unknown-definition', 'error', 8],
        ['duplicate-entry', 'warning', 9],
        ['unknown-definition', 'error', 12],
      ],
    );
    assert.match(result.diagnostics[0].message, /did you mean 'network\/core\/Run-Command'/);
    assert.match(result.diagnostics[2].message, /connection 'crm' does not exist/);
  }));

test('validatePackage: replacements are applied to references and checked', () =>
  withExamples(
    {
      'connections/prod-gateway.connection.yaml': 'baseUrl: https://gw.example.org\n',
      [DRAFT]: draft(ALL_FLOWS, ['prod-gateway'], [
        'replacements:',
        '  - kind: connection',
        '    from: local-gateway',
        '    to: prod-gateway',
        '  - kind: connection',
        '    from: nobody-uses-this',
        '    to: nowhere',
        '',
      ].join('\n')),
    },
    (ws) => {
      const result = validatePackage(ws, 'network-ops');
      assert.equal(result.ok, true);
      assert.deepEqual(result.missing, []);
      assert.deepEqual(
        result.diagnostics.map((d) => [d.code, d.severity, d.range?.start.line, d.range?.start.character]),
        [
          ['unused-replacement', 'warning', 15, 10],
          ['unknown-replacement-target', 'warning', 16, 8],
        ],
      );
    },
  ));

test('validatePackage: problems of included flows count; validateFile on a draft gives only its own', () =>
  withExamples(
    {
      'flows/network/core/Run-Command.flow.yaml': 'steps:\n  - kind: log\n    message: "= (oops"\n',
      [DRAFT]: draft(['network/core/Run-Command', 'network/core/Missing'], []),
    },
    (ws) => {
      const result = validatePackage(ws, 'network-ops');
      assert.equal(result.ok, false);
      assert.deepEqual(result.diagnostics.map((d) => [d.code, d.file]).sort(), [
        ['expression-syntax', 'flows/network/core/Run-Command.flow.yaml'],
        ['unknown-definition', DRAFT],
      ]);
      assert.deepEqual(validateFile(ws, DRAFT).map((d) => d.code), ['unknown-definition']);
    },
  ));

test('validatePackage: an unknown or invalid draft is not ok', () =>
  withExamples({ 'packages/bad.package.yaml': 'name: bad\nversion: one\ndefinitions: {}\n' }, (ws) => {
    const unknown = validatePackage(ws, 'nope');
    assert.equal(unknown.ok, false);
    assert.equal(unknown.diagnostics[0].code, 'unknown-package');
    const bad = validatePackage(ws, 'bad');
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.range?.start.line]), [['schema', 1]]);
  }));

test('run-flow inputs are checked against the child flow: undeclared, missing, wrongly typed', () =>
  withExamples(
    {
      'flows/app/Caller.flow.yaml': [
        'steps:',
        '  - kind: run-flow',
        '    flow: network/core/Run-Command',
        '    inputs:',
        '      device: 10.0.0.1',
        '      dryRun: "yes"',
        '      comand: ls',
        '  - kind: run-flow',
        '    flow: network/core/Check-Reachability',
        '  - kind: run-flow',
        '    flow: network/core/Restart-Service',
        '    inputs:',
        '      device: "= host"',
        '      dryRun: "= flag"',
        '',
      ].join('\n'),
    },
    (ws) => {
      const diags = validateFile(ws, 'flows/app/Caller.flow.yaml');
      assert.deepEqual(
        diags.map((d) => [d.code, d.severity, d.range?.start.line, d.range?.start.character]),
        [
          ['input-type', 'error', 5, 14],
          ['unknown-input', 'error', 6, 6],
          ['missing-input', 'error', 3, 4],
          ['missing-input', 'error', 8, 10],
        ],
      );
      assert.equal(diags[0].message, "input 'dryRun' of flow 'network/core/Run-Command' must be a boolean, not a string");
      assert.equal(diags[1].message, "flow 'network/core/Run-Command' has no input 'comand' (its inputs: device, command, dryRun)");
      assert.equal(diags[2].message, "flow 'network/core/Run-Command' needs input 'command'");
      assert.equal(diags[3].message, "flow 'network/core/Check-Reachability' needs input 'device'");
    },
  ));

test('a connection header that holds a credential is a warning', () =>
  withExamples(
    { 'connections/crm.connection.yaml': 'baseUrl: https://crm.example.org\nheaders:\n  Accept: application/json\n  Authorization: Bearer abc123\n' },
    (ws) => {
      const diags = validateFile(ws, 'connections/crm.connection.yaml');
      assert.deepEqual(diags.map((d) => [d.code, d.severity, d.range?.start.line]), [['secret-in-connection', 'warning', 3]]);
      assert.match(diags[0].message, /header 'Authorization' looks like a credential/);
    },
  ));

test('validatePackage: a listed connection replaced by one the workspace has ships the target, so nothing is missing', () =>
  withExamples(
    {
      'connections/prod-gateway.connection.yaml': 'baseUrl: https://gw.example.org\n',
      [DRAFT]: draft(ALL_FLOWS, ['local-gateway'], [
        'replacements:',
        '  - kind: connection',
        '    from: local-gateway',
        '    to: prod-gateway',
        '',
      ].join('\n')),
    },
    (ws) => {
      const result = validatePackage(ws, 'network-ops');
      assert.deepEqual(result.diagnostics, []);
      assert.deepEqual(result.missing, []);
      assert.equal(result.ok, true);
    },
  ));
