import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PackageValidationError, packDraft } from '../../src/core/package/pack';
import { readPackageFile } from '../../src/core/package/packageFile';
import { rewriteReferences } from '../../src/core/package/rewriteReferences';
import { parseWorkspaceFile } from '../../src/core/workspace/parseFile';
import { directorySource, loadWorkspace, type Workspace } from '../../src/core/workspace/workspace';
import type { FlowDefinition } from '../../src/core/model/flow';
import { withoutSchedulesAndTriggers } from '../support/sampleDraft';

const examples = path.resolve(__dirname, '../../examples');
const NOW = new Date('2026-03-04T05:06:07.000Z');
const DRAFT = 'packages/network-ops.package.yaml';
const RESTART = 'flows/network/core/Restart-Service.flow.yaml';
const STATUS = 'flows/network/inventory/Get-Gateway-Status.flow.yaml';

const loadExamples = () => loadWorkspace(directorySource(examples));
const textOf = (ws: Workspace, rel: string) => ws.file(rel)!.text;

function flowOf(relPath: string, text: string): FlowDefinition {
  const parsed = parseWorkspaceFile(relPath, text);
  assert.deepEqual(parsed.diagnostics, []);
  return parsed.definition as FlowDefinition;
}

test('packs the examples workspace as it is', async () => {
  const ws = await loadExamples();
  const packed = await packDraft(ws, 'network-ops', { createdBy: 'flowgate-test/1', now: NOW });
  assert.equal(packed.fileName, 'network-ops-1.fgpkg');
  assert.equal(packed.manifest.name, 'network-ops');
  assert.equal(packed.manifest.version, 1);
  assert.equal(packed.manifest.createdAt, NOW.toISOString());
  assert.equal(packed.manifest.createdBy, 'flowgate-test/1');
  assert.equal(packed.manifest.description, 'Network operations — restart services on devices after a reachability check.');
  assert.deepEqual(packed.manifest.authorisation, { groups: ['netops'] });
  assert.deepEqual(
    packed.manifest.definitions.map((d) => `${d.kind}:${d.id}`),
    [
      'flow:network/core/Check-Reachability',
      'flow:network/core/Restart-Service',
      'flow:network/core/Run-Command',
      'flow:network/inventory/Get-Gateway-Status',
      'connection:local-gateway',
    ],
  );
  assert.deepEqual(packed.warnings, []);

  const contents = await readPackageFile(packed.bytes);
  assert.deepEqual(contents.manifest, packed.manifest);
  assert.match(contents.instructions, /^# network-ops\n/);
  assert.equal(contents.instructions, ws.drafts().get('network-ops')!.draft.instructions);
  // Without replacements every definition is packed byte for byte as it is in the workspace.
  for (const source of contents.sources) {
    const rel = source.kind === 'flow' ? `flows/${source.id}.flow.yaml` : `connections/${source.id}.connection.yaml`;
    assert.equal(source.text, textOf(ws, rel), rel);
  }

  const again = await packDraft(ws, 'network-ops', { createdBy: 'flowgate-test/1', now: NOW });
  assert.deepEqual(Buffer.from(again.bytes), Buffer.from(packed.bytes));
});

test('applies replacements: references rewritten in place, the target takes the source’s place', async () => {
  const ws = await loadExamples();
  // A commented reference, to see that comments and layout survive the rewrite.
  const restart = textOf(ws, RESTART).replace(
    '    flow: network/core/Check-Reachability\n',
    '    flow: network/core/Check-Reachability # the probe to use\n',
  );
  ws.setFile(RESTART, `# Restart a service (maintained by netops)\n${restart}`);
  ws.setFile('flows/network/core/Check-Reachability-v2.flow.yaml', textOf(ws, 'flows/network/core/Check-Reachability.flow.yaml').replace('Decide whether', 'Decide (v2) whether'));
  ws.setFile('connections/prod-gateway.connection.yaml', 'description: Production\nbaseUrl: https://gateway.example.com\n');
  ws.setFile(
    DRAFT,
    withoutSchedulesAndTriggers(textOf(ws, DRAFT))
      .replace('    - network/core/Run-Command\n', '    - network/core/Run-Command\n    - network/core/Check-Reachability-v2\n')
      .replace(
        'instructions: |',
        [
          'replacements:',
          '  - kind: connection',
          '    from: local-gateway',
          '    to: prod-gateway',
          '  - kind: flow',
          '    from: network/core/Check-Reachability',
          '    to: network/core/Check-Reachability-v2',
          'schedules:',
          '  - name: probe',
          '    flow: network/core/Check-Reachability',
          '    expression: "*/5 * * * *"',
          '    inputs:',
          '      device: 10.0.0.1',
          'instructions: |',
        ].join('\n'),
      ),
  );
  assert.deepEqual(ws.file(DRAFT)!.diagnostics, []);

  const packed = await packDraft(ws, 'network-ops', { createdBy: 'flowgate-test/1', now: NOW });
  assert.deepEqual(
    packed.manifest.definitions.map((d) => `${d.kind}:${d.id}`),
    [
      'flow:network/core/Check-Reachability-v2',
      'flow:network/core/Restart-Service',
      'flow:network/core/Run-Command',
      'flow:network/inventory/Get-Gateway-Status',
      'connection:prod-gateway',
    ],
    'the sources are left out, the connection target is packed in its place',
  );
  const contents = await readPackageFile(packed.bytes);
  const text = (id: string) => contents.sources.find((s) => s.id === id)!.text;

  const expectedRestart = textOf(ws, RESTART).replace(
    'flow: network/core/Check-Reachability # the probe',
    'flow: network/core/Check-Reachability-v2 # the probe',
  );
  assert.notEqual(expectedRestart, textOf(ws, RESTART));
  assert.equal(text('network/core/Restart-Service'), expectedRestart, 'only the value changed; comments kept');
  assert.match(text('network/core/Restart-Service'), /^# Restart a service \(maintained by netops\)\n/);
  assert.equal(text('network/inventory/Get-Gateway-Status'), textOf(ws, STATUS).replace('connection: local-gateway', 'connection: prod-gateway'));
  assert.equal(text('network/core/Run-Command'), textOf(ws, 'flows/network/core/Run-Command.flow.yaml'));
  assert.deepEqual(contents.manifest.schedules, [{ name: 'probe', flow: 'network/core/Check-Reachability-v2', expression: '*/5 * * * *', inputs: { device: '10.0.0.1' } }]);

  const restartFlow = contents.flows.find((f) => f.id === 'network/core/Restart-Service')!;
  assert.equal((restartFlow.flow.steps[1] as { flow: string }).flow, 'network/core/Check-Reachability-v2');
  // The workspace itself is not touched.
  assert.match(textOf(ws, RESTART), /flow: network\/core\/Check-Reachability # the probe/);
});

test('a replaced connection that was not packed is an error (a package carries its connections)', async () => {
  const ws = await loadExamples();
  ws.setFile(
    DRAFT,
    textOf(ws, DRAFT)
      .replace('  connections:\n    - local-gateway\n', '')
      .replace('instructions: |', 'replacements:\n  - kind: connection\n    from: local-gateway\n    to: inventory-prod\ninstructions: |'),
  );
  await assert.rejects(packDraft(ws, 'network-ops', { createdBy: 'flowgate-test/1', now: NOW }), (error: unknown) => {
    assert.ok(error instanceof PackageValidationError);
    assert.ok(error.errors.some((d) => d.code === 'missing-reference' && /inventory-prod/.test(d.message)), error.message);
    return true;
  });
});

test('refuses to pack a draft with validation errors', async () => {
  const ws = await loadExamples();
  ws.setFile(DRAFT, textOf(ws, DRAFT).replace('    - network/core/Check-Reachability\n', ''));
  await assert.rejects(packDraft(ws, 'network-ops', { createdBy: 'flowgate-test/1' }), (error: unknown) => {
    assert.ok(error instanceof PackageValidationError);
    assert.ok(error.errors.some((d) => d.code === 'missing-dependency' && /Check-Reachability/.test(d.message)));
    assert.equal(error.errors.length, error.diagnostics.filter((d) => d.severity === 'error').length);
    assert.match(error.message, /Package 'network-ops' has 1 validation error; the first: packages\/network-ops\.package\.yaml:\d+: /);
    return true;
  });
  await assert.rejects(packDraft(ws, 'no-such-package', { createdBy: 'flowgate-test/1' }), (error: unknown) => {
    assert.ok(error instanceof PackageValidationError);
    assert.equal(error.diagnostics[0].code, 'unknown-package');
    return true;
  });
  ws.setFile(DRAFT, `${withoutSchedulesAndTriggers((await loadExamples()).file(DRAFT)!.text)}schedules:\n  - just a string\n`);
  await assert.rejects(packDraft(ws, 'network-ops', { createdBy: 'flowgate-test/1' }), (error: unknown) => {
    assert.ok(error instanceof PackageValidationError);
    // The package schema describes schedule items: a non-object item is a schema error of the draft.
    assert.equal(error.errors[0].code, 'schema');
    assert.match(error.errors[0].message, /schedules\[0\]/);
    return true;
  });
  ws.setFile(RESTART, textOf(ws, RESTART).replace('kind: log', 'kind: reboot'));
  ws.setFile(DRAFT, (await loadExamples()).file(DRAFT)!.text);
  await assert.rejects(packDraft(ws, 'network-ops', { createdBy: 'flowgate-test/1' }), (error: unknown) => {
    assert.ok(error instanceof PackageValidationError);
    assert.ok(error.errors.some((d) => d.file === RESTART && /reboot/.test(d.message)));
    return true;
  });
});

test('rewriteReferences keeps each value’s quoting and everything around it', () => {
  const rel = 'flows/T.flow.yaml';
  const text = [
    '# header comment',
    'steps:',
    '  - kind: run-flow',
    "    flow: 'a/Old'   # single quoted",
    '  - kind: run-flow',
    '    flow: "a/Old"',
    '  - {kind: run-flow, flow: a/Old, output: x}',
    '  - kind: http',
    '    connection: &conn dev',
    '    path: /x',
    '  - kind: http',
    '    connection: *conn',
    '  - kind: run-flow',
    '    flow: "= \'a/\' & name"',
    '  - kind: try',
    '    steps:',
    '      - kind: if',
    '        condition: true',
    '        then:',
    '          - kind: run-flow',
    '            flow: a/Old',
    '  - kind: log',
    '    message: a/Old stays, it is not a reference',
    '',
  ].join('\n');
  const flow = flowOf(rel, text);
  const result = rewriteReferences(text, flow, (kind, id) =>
    kind === 'flow' && id === 'a/Old' ? 'b/New it\'s' : kind === 'connection' && id === 'dev' ? 'prod' : undefined,
  );
  assert.equal(result.rewritten, 6);
  assert.equal(
    result.text,
    [
      '# header comment',
      'steps:',
      '  - kind: run-flow',
      "    flow: 'b/New it''s'   # single quoted",
      '  - kind: run-flow',
      '    flow: "b/New it\'s"',
      '  - {kind: run-flow, flow: "b/New it\'s", output: x}',
      '  - kind: http',
      '    connection: &conn prod',
      '    path: /x',
      '  - kind: http',
      '    connection: prod',
      '  - kind: run-flow',
      '    flow: "= \'a/\' & name"',
      '  - kind: try',
      '    steps:',
      '      - kind: if',
      '        condition: true',
      '        then:',
      '          - kind: run-flow',
      '            flow: "b/New it\'s"',
      '  - kind: log',
      '    message: a/Old stays, it is not a reference',
      '',
    ].join('\n'),
  );
  assert.deepEqual(rewriteReferences(text, flow, () => undefined), { text, rewritten: 0 });
  const plain = rewriteReferences(text, flow, (kind) => (kind === 'flow' ? 'c/Plain' : undefined));
  assert.match(plain.text, /\{kind: run-flow, flow: c\/Plain, output: x\}/);
  assert.match(plain.text, /flow: 'c\/Plain'   # single quoted/);
});
