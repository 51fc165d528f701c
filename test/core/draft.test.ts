import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { addFlowsToDraft, newDraftText, removeFromDraft } from '../../src/core/draft/editDraft';
import { checkSchema } from '../../src/core/schema/checkSchema';
import { validatePackage } from '../../src/core/validate/validate';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';
import type { Workspace } from '../../src/core/workspace/workspace';

const examples = path.resolve(__dirname, '../../examples');

async function withExamples(body: (ws: Workspace, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flowgate-draft-'));
  try {
    await cp(examples, dir, { recursive: true });
    await body(await loadWorkspace(directorySource(dir)), dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const COMMENTED = [
  '# Team package — keep this comment',
  'name: ops',
  'description: Operations flows, described with a line that is long enough that a YAML printer would like to fold it somewhere.',
  'version: 2 # bumped after v1 was submitted',
  'definitions:',
  '  flows:',
  '    # the inventory flow first',
  '    - network/inventory/Get-Gateway-Status',
  '  connections: []',
  'instructions: |',
  '  # ops',
  '',
  '  Read me first.',
  'authorisation:',
  '  groups: [netops]',
  '',
].join('\n');

test('newDraftText gives a valid, empty draft', () => {
  const text = newDraftText('my-package', 'Things: with a colon');
  const value = parse(text);
  assert.deepEqual(checkSchema('package', value), []);
  assert.deepEqual(value, {
    name: 'my-package',
    description: 'Things: with a colon',
    version: 1,
    definitions: { flows: [], connections: [] },
    instructions: '',
    authorisation: { groups: [] },
  });
  assert.equal(parse(newDraftText('x')).description, undefined);
  assert.throws(() => newDraftText('bad name'), /invalid package name 'bad name'/);
});

test('addFlowsToDraft adds the closure and the connections, keeping comments, order and styles', () =>
  withExamples(async (ws, dir) => {
    await writeFile(path.join(dir, 'packages/ops.package.yaml'), COMMENTED);
    ws.setFile('packages/ops.package.yaml', COMMENTED);
    // Get-Gateway-Status is there already: not added again, but its connection is.
    const result = addFlowsToDraft(ws, 'ops', ['network/core/Restart-Service', 'network/inventory/Get-Gateway-Status']);
    assert.deepEqual(result.addedFlows, ['network/core/Restart-Service', 'network/core/Check-Reachability', 'network/core/Run-Command']);
    assert.deepEqual(result.addedConnections, ['local-gateway']);
    assert.deepEqual(result.added, [...result.addedFlows, ...result.addedConnections]);
    assert.equal(
      result.text,
      [
        '# Team package — keep this comment',
        'name: ops',
        'description: Operations flows, described with a line that is long enough that a YAML printer would like to fold it somewhere.',
        'version: 2 # bumped after v1 was submitted',
        'definitions:',
        '  flows:',
        '    # the inventory flow first',
        '    - network/inventory/Get-Gateway-Status',
        '    - network/core/Restart-Service',
        '    - network/core/Check-Reachability',
        '    - network/core/Run-Command',
        '  connections:',
        '    - local-gateway',
        'instructions: |',
        '  # ops',
        '',
        '  Read me first.',
        'authorisation:',
        '  groups: [netops]',
        '',
      ].join('\n'),
    );
    // The caller writes it; the result is a valid package.
    ws.setFile('packages/ops.package.yaml', result.text);
    assert.equal(validatePackage(ws, 'ops').ok, true);
    assert.deepEqual(validatePackage(ws, 'ops').diagnostics, []);
  }));

test('addFlowsToDraft skips what is already there and leaves an unchanged draft byte-identical', () =>
  withExamples(async (ws, dir) => {
    const original = await readFile(path.join(dir, 'packages/network-ops.package.yaml'), 'utf8');
    const result = addFlowsToDraft(ws, 'network-ops', ['network/core/Restart-Service', 'network/core/Run-Command']);
    assert.deepEqual(result.added, []);
    assert.equal(result.text, original);
  }));

test('addFlowsToDraft on a new draft fills the empty lists; creates definitions when absent', () =>
  withExamples(async (ws) => {
    ws.setFile('packages/fresh.package.yaml', newDraftText('fresh'));
    const result = addFlowsToDraft(ws, 'fresh', ['network/core/Check-Reachability']);
    assert.deepEqual(result.added, ['network/core/Check-Reachability']);
    assert.deepEqual(parse(result.text).definitions, { flows: ['network/core/Check-Reachability'], connections: [] });
    assert.match(result.text, /flows:\n {4}- network\/core\/Check-Reachability\n/);

    ws.setFile('packages/bare.package.yaml', 'name: bare\nversion: 1\n');
    const bare = addFlowsToDraft(ws, 'bare', ['network/inventory/Get-Gateway-Status']);
    assert.deepEqual(parse(bare.text).definitions, { flows: ['network/inventory/Get-Gateway-Status'], connections: ['local-gateway'] });
  }));

test('addFlowsToDraft refuses an unknown flow or draft', () =>
  withExamples(async (ws) => {
    assert.throws(() => addFlowsToDraft(ws, 'network-ops', ['network/core/Nope']), /no such flow in the workspace: 'network\/core\/Nope'/);
    assert.throws(() => addFlowsToDraft(ws, 'ghost', ['network/core/Run-Command']), /no package draft 'ghost'/);
  }));

test('removeFromDraft refuses to remove a flow that an included flow runs, naming the dependents', () =>
  withExamples(async (ws) => {
    assert.throws(
      () => removeFromDraft(ws, 'network-ops', 'flow', 'network/core/Check-Reachability'),
      (e: Error) => {
        assert.equal(
          e.message,
          "cannot remove flow 'network/core/Check-Reachability' from package 'network-ops': 'network/core/Restart-Service' runs it. Remove that flow first.",
        );
        return true;
      },
    );
  }));

test('removeFromDraft removes a flow nobody runs, and a connection, keeping the rest', () =>
  withExamples(async (ws) => {
    ws.setFile('packages/ops.package.yaml', COMMENTED);
    const added = addFlowsToDraft(ws, 'ops', ['network/core/Restart-Service', 'network/inventory/Get-Gateway-Status']);
    ws.setFile('packages/ops.package.yaml', added.text);

    const removed = removeFromDraft(ws, 'ops', 'flow', 'network/core/Restart-Service');
    const value = parse(removed.text);
    assert.deepEqual(value.definitions.flows, ['network/inventory/Get-Gateway-Status', 'network/core/Check-Reachability', 'network/core/Run-Command']);
    assert.match(removed.text, /^# Team package — keep this comment\n/);
    assert.match(removed.text, /version: 2 # bumped after v1 was submitted\n/);

    const noConnection = removeFromDraft(ws, 'ops', 'connection', 'local-gateway');
    assert.deepEqual(parse(noConnection.text).definitions.connections, []);
    assert.throws(() => removeFromDraft(ws, 'ops', 'connection', 'crm'), /connection 'crm' is not in package 'ops'/);
  }));
