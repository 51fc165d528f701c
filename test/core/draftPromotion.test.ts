// The promotion edits of a package draft (core/draft/editDraft.ts): references the draft makes,
// reference replacements, instructions, and adding every referenced definition in one edit — on a
// copy of examples/ on disk, checked on the texts the edits produce (comments kept, schema-valid).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { addReferencedDefinitions, draftInstructions, draftReferences, setInstructions, setReplacement } from '../../src/core/draft/editDraft';
import { checkSchema } from '../../src/core/schema/checkSchema';
import { validatePackage } from '../../src/core/validate/validate';
import { directorySource, loadWorkspace, type Workspace } from '../../src/core/workspace/workspace';

const examples = path.resolve(__dirname, '../../examples');

async function withExamples(files: Record<string, string>, body: (ws: Workspace, dir: string) => Promise<void> | void): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flowgate-draft-promo-'));
  try {
    await cp(examples, dir, { recursive: true });
    for (const [rel, text] of Object.entries(files)) await writeFile(path.join(dir, rel), text);
    await body(await loadWorkspace(directorySource(dir)), dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const DRAFT = [
  '# keep me',
  'name: small',
  'version: 1',
  'definitions:',
  '  flows:',
  '    - network/core/Restart-Service',
  '  connections: []',
  "instructions: ''",
  '',
].join('\n');

const PROD_CONNECTION = 'baseUrl: https://inventory.example.com\n';

test('draftReferences lists what the flows reference, through the flows they run, with replacements', () =>
  withExamples({}, (ws) => {
    const refs = draftReferences(ws, 'network-ops');
    assert.deepEqual(
      refs.map((r) => `${r.kind}:${r.id}`),
      ['connection:local-gateway', 'flow:network/core/Check-Reachability', 'flow:network/core/Run-Command'],
    );
    assert.deepEqual(refs[0].referencedBy, ['network/inventory/Get-Gateway-Status']);
    assert.equal(refs[0].replacedBy, undefined);
  }));

test('setReplacement adds, changes in place, removes; only one per reference; comments kept', () =>
  withExamples({ 'connections/inventory-prod.connection.yaml': PROD_CONNECTION, 'connections/other.connection.yaml': PROD_CONNECTION }, async (ws, dir) => {
    const rel = 'packages/network-ops.package.yaml';
    const first = setReplacement(ws, 'network-ops', 'connection', 'local-gateway', 'inventory-prod');
    assert.equal(first.changed, true);
    assert.deepEqual(parse(first.text).replacements, [{ kind: 'connection', from: 'local-gateway', to: 'inventory-prod' }]);
    assert.deepEqual(checkSchema('package', parse(first.text)), []);
    assert.match(first.text, /Before applying on a new gateway/);
    await writeFile(path.join(dir, rel), first.text);
    ws = await loadWorkspace(directorySource(dir));
    assert.equal(draftReferences(ws, 'network-ops')[0].replacedBy, 'inventory-prod');

    assert.equal(setReplacement(ws, 'network-ops', 'connection', 'local-gateway', 'inventory-prod').changed, false);
    const second = setReplacement(ws, 'network-ops', 'connection', 'local-gateway', 'other');
    assert.deepEqual(parse(second.text).replacements, [{ kind: 'connection', from: 'local-gateway', to: 'other' }]);
    await writeFile(path.join(dir, rel), second.text);
    ws = await loadWorkspace(directorySource(dir));
    const removed = setReplacement(ws, 'network-ops', 'connection', 'local-gateway', undefined);
    assert.equal(removed.changed, true);
    assert.equal(parse(removed.text).replacements, undefined);

    assert.throws(() => setReplacement(ws, 'network-ops', 'connection', 'local-gateway', 'local-gateway'), /by itself/);
    assert.throws(() => setReplacement(ws, 'network-ops', 'flow', 'x', 'bad\nid'), /^Error: to:/);
    assert.throws(() => setReplacement(ws, 'network-ops', 'flow', '', 'x'), /^Error: from:/);
    assert.throws(() => setReplacement(ws, 'nope', 'flow', 'a', 'b'), /no package draft 'nope'/);
  }));

test('setInstructions writes a block scalar that reads back exactly; draftInstructions reads it', () =>
  withExamples({}, async (ws, dir) => {
    const text = '# Apply me\n\nReplace `local-gateway` first.\n';
    const r = setInstructions(ws, 'network-ops', text);
    assert.equal(r.changed, true);
    assert.equal(parse(r.text).instructions, text);
    assert.match(r.text, /^instructions: \|/m);
    assert.deepEqual(checkSchema('package', parse(r.text)), []);
    await writeFile(path.join(dir, 'packages/network-ops.package.yaml'), r.text);
    ws = await loadWorkspace(directorySource(dir));
    assert.equal(draftInstructions(ws, 'network-ops'), text);
    assert.equal(setInstructions(ws, 'network-ops', text).changed, false);
    assert.throws(() => setInstructions(ws, 'network-ops', 'x'.repeat(1024 * 1024 + 1)), /^Error: instructions:/);
  }));

test('addReferencedDefinitions adds the closure in one edit, follows replacements, lists what the workspace lacks', () =>
  withExamples({ 'packages/small.package.yaml': DRAFT, 'connections/inventory-prod.connection.yaml': PROD_CONNECTION }, async (ws, dir) => {
    assert.equal(validatePackage(ws, 'small').ok, false);
    const r = addReferencedDefinitions(ws, 'small');
    assert.deepEqual(r.addedFlows, ['network/core/Check-Reachability', 'network/core/Run-Command']);
    assert.deepEqual(r.addedConnections, []);
    assert.deepEqual(r.absent, []);
    assert.match(r.text, /^# keep me/);
    await writeFile(path.join(dir, 'packages/small.package.yaml'), r.text);
    ws = await loadWorkspace(directorySource(dir));
    assert.deepEqual(validatePackage(ws, 'small').diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(addReferencedDefinitions(ws, 'small').addedFlows, [], 'a second run adds nothing');

    // A flow that uses a replaced connection: the replacement's target is added, not the source.
    const withStatus = r.text.replace('    - network/core/Restart-Service', '    - network/core/Restart-Service\n    - network/inventory/Get-Gateway-Status');
    await writeFile(path.join(dir, 'packages/small.package.yaml'), withStatus);
    ws = await loadWorkspace(directorySource(dir));
    await writeFile(path.join(dir, 'packages/small.package.yaml'), setReplacement(ws, 'small', 'connection', 'local-gateway', 'inventory-prod').text);
    ws = await loadWorkspace(directorySource(dir));
    assert.deepEqual(addReferencedDefinitions(ws, 'small').addedConnections, ['inventory-prod']);
    await writeFile(path.join(dir, 'packages/small.package.yaml'), setReplacement(ws, 'small', 'connection', 'local-gateway', 'nowhere').text);
    ws = await loadWorkspace(directorySource(dir));
    const lacking = addReferencedDefinitions(ws, 'small');
    assert.deepEqual(lacking.addedConnections, []);
    assert.deepEqual(lacking.absent, [{ kind: 'connection', id: 'nowhere' }]);
  }));
