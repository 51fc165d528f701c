/**
 * Hostile workspaces against validation (WorkspaceValidation, what the Problems panel runs) and
 * quick-fix computation: 10,000 files, a flow naming 1,000 missing flows near 10,000 existing
 * names, reference cycles and a 10,000-deep chain, names of 10,000 characters. Each must finish
 * with the right counts and results (bounded work: closestMatch's budget, LIMITS.quickFixChoices,
 * LIMITS.quickFixFlowsScanned, LIMITS.definitionIdLength); no timed assertions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { quickFixes } from '../../src/core/fixes/quickFixes';
import { WorkspaceValidation } from '../../src/core/validate/workspaceValidation';
import { Workspace } from '../../src/core/workspace/workspace';

const leaf = (i: number) => `inputs:\n  x:\n    type: integer\n    default: ${i}\nsteps:\n  - kind: log\n    message: "= 'leaf ${i}'"\n`;

function count(v: WorkspaceValidation, code?: string): number {
  let n = 0;
  for (const d of v.all().values()) n += code ? d.filter((x) => x.code === code).length : d.length;
  return n;
}

test('10,000 flows: full validation, then an edit recomputes only what depends on it', () => {
  const ws = new Workspace();
  for (let i = 0; i < 10_000; i++) ws.setFile(`flows/big/F${i}.flow.yaml`, leaf(i));
  ws.setFile('flows/big/Caller.flow.yaml', 'steps:\n  - kind: run-flow\n    flow: big/F5\n    inputs:\n      y: 1\n');
  const v = new WorkspaceValidation(ws);
  const all = v.validateAll();
  assert.equal(all.size, 10_001);
  assert.equal(count(v), 1, 'one problem: the unknown input y');
  assert.equal(count(v, 'unknown-input'), 1);
  ws.setFile('flows/big/F5.flow.yaml', leaf(5).replace('  x:\n', '  y:\n'));
  const u = v.update(['flows/big/F5.flow.yaml']);
  assert.deepEqual([...u.updated.keys()].sort(), ['flows/big/Caller.flow.yaml', 'flows/big/F5.flow.yaml']);
  assert.equal(count(v), 0);
  // Declaring an input scans the callers of the flow: bounded by LIMITS.quickFixFlowsScanned.
  ws.setFile('flows/big/Caller.flow.yaml', 'steps:\n  - kind: run-flow\n    flow: big/F5\n    inputs:\n      verbose: true\n');
  v.update(['flows/big/Caller.flow.yaml']);
  const d = v.get('flows/big/Caller.flow.yaml').find((x) => x.code === 'unknown-input')!;
  assert.deepEqual(quickFixes(ws, d).map((f) => f.title), ["Declare input 'verbose' (boolean) in flow 'big/F5'"]);
  assert.ok(LIMITS.quickFixFlowsScanned >= 10_000);
});

test('a flow naming 1,000 missing flows, each near some of 10,000 names: every one reported, at most three "Change to" each', () => {
  const ws = new Workspace();
  for (let i = 0; i < 10_000; i++) ws.setFile(`flows/n/Flow-${i}.flow.yaml`, 'steps:\n  - kind: log\n    message: x\n');
  const steps = Array.from({ length: LIMITS.flowSteps }, (_, i) => `  - kind: run-flow\n    flow: n/Flow-${i}x\n`).join('');
  ws.setFile('flows/Fan.flow.yaml', `steps:\n${steps}`);
  const v = new WorkspaceValidation(ws);
  v.validateAll();
  const unknown = v.get('flows/Fan.flow.yaml').filter((d) => d.code === 'unknown-flow');
  assert.equal(unknown.length, LIMITS.flowSteps);
  for (const d of unknown.slice(0, 50)) {
    const fixes = quickFixes(ws, d);
    const change = fixes.filter((f) => f.title.startsWith('Change to'));
    assert.ok(change.length >= 1 && change.length <= LIMITS.quickFixChoices, `${change.length} "Change to" fixes`);
    assert.equal(fixes.filter((f) => f.isPreferred).length, 1);
    assert.equal(change[0].title, `Change to flow '${d.data!.id!.slice(0, -1)}'`, 'the nearest first');
  }
});

test('reference cycles and a 10,000-deep chain: validated, drafts walked once per flow, fixes computed', () => {
  const ws = new Workspace();
  ws.setFile('flows/c/Self.flow.yaml', 'steps:\n  - kind: run-flow\n    flow: c/Self\n');
  ws.setFile('flows/c/A.flow.yaml', 'steps:\n  - kind: run-flow\n    flow: c/B\n');
  ws.setFile('flows/c/B.flow.yaml', 'steps:\n  - kind: run-flow\n    flow: c/A\n');
  const N = 10_000;
  for (let i = 0; i < N; i++) ws.setFile(`flows/chain/C${i}.flow.yaml`, i + 1 < N ? `steps:\n  - kind: run-flow\n    flow: chain/C${i + 1}\n` : 'steps:\n  - kind: log\n    message: end\n');
  ws.setFile('packages/p.package.yaml', 'name: p\nversion: 1\ndefinitions:\n  flows:\n    - c/Self\n    - c/A\n    - chain/C0\n  connections: []\n');
  const v = new WorkspaceValidation(ws);
  v.validateAll();
  const draft = v.get('packages/p.package.yaml');
  assert.equal(draft.filter((d) => d.code === 'missing-dependency').length, N - 1 + 1, 'c/B and chain/C1..C9999');
  const missingB = draft.find((d) => d.code === 'missing-dependency' && d.data?.id === 'c/B')!;
  assert.deepEqual(quickFixes(ws, missingB).map((f) => f.title), ["Add flow 'c/B' to the package"]);
  const missingC1 = draft.find((d) => d.code === 'missing-dependency' && d.data?.id === 'chain/C1')!;
  const [add] = quickFixes(ws, missingC1);
  assert.equal(add.title, `Add flow 'chain/C1' and ${N - 2} more it needs to the package`);
  // An edit in the middle of the chain: the chain's flow before it and the draft are recomputed, not the chain.
  ws.setFile('flows/chain/C5000.flow.yaml', 'steps:\n  - kind: log\n    message: cut\n');
  assert.deepEqual([...v.update(['flows/chain/C5000.flow.yaml']).updated.keys()].sort(), ['flows/chain/C4999.flow.yaml', 'flows/chain/C5000.flow.yaml', 'packages/p.package.yaml']);
  assert.equal(v.get('packages/p.package.yaml').filter((d) => d.code === 'missing-dependency').length, 5000 + 1);
});

test('names of 10,000 characters: reported, no suggestion computed, no fix that would create such a file', () => {
  const long = 'a'.repeat(10_000);
  const ws = new Workspace();
  ws.setFile('flows/x/Near.flow.yaml', 'steps:\n  - kind: log\n    message: x\n');
  ws.setFile('flows/x/Child.flow.yaml', 'inputs:\n  a:\n    type: string\n    required: false\nsteps:\n  - kind: log\n    message: x\n');
  ws.setFile(
    'flows/x/Long.flow.yaml',
    `steps:\n  - kind: run-flow\n    flow: x/${long}\n  - kind: http\n    connection: ${long}\n    path: /\n  - kind: run-flow\n    flow: x/Child\n    inputs:\n      ? ${long}\n      : 1\n  - kind: ${long}\n`,
  );
  ws.setFile(`flows/x/${long}.flow.yaml`, 'steps: []\n');
  const v = new WorkspaceValidation(ws);
  v.validateAll();
  const diags = v.get('flows/x/Long.flow.yaml');
  // The run-flow finds the file with the long name; the schema bounds the fields (255) and refuses the kind.
  assert.deepEqual(diags.map((d) => d.code).sort(), ['schema', 'schema', 'schema', 'unknown-connection', 'unknown-input']);
  for (const d of diags) assert.deepEqual(quickFixes(ws, d), [], `no fix for ${d.code}: ${d.message.slice(0, 60)}`);
  ws.removeFile(`flows/x/${long}.flow.yaml`);
  v.update([], [`flows/x/${long}.flow.yaml`]);
  const now = v.get('flows/x/Long.flow.yaml');
  assert.deepEqual(now.map((d) => d.code).sort(), ['schema', 'schema', 'schema', 'unknown-connection', 'unknown-flow', 'unknown-input']);
  for (const d of now) {
    assert.ok(!/did you mean/.test(d.message), d.message.slice(0, 80));
    assert.ok(d.code === 'schema' || d.data?.id !== undefined || d.data?.inputs !== undefined);
    assert.deepEqual(quickFixes(ws, d), [], `no fix for ${d.code} of a 10,000-character name`);
  }
});

test('references that would climb out of the workspace or hide in dot-folders get no "Create" fix', () => {
  const ws = new Workspace();
  const names = ['../../etc/evil', 'a/../../evil', './x', 'a//b', 'a/.', 'C:\\evil', '/abs/evil', 'a b', 'x\u0000y'];
  ws.setFile(
    'flows/h/Climb.flow.yaml',
    'steps:\n' +
      names.map((n) => `  - kind: run-flow\n    flow: ${JSON.stringify(n)}\n  - kind: http\n    connection: ${JSON.stringify(n)}\n    path: /\n`).join(''),
  );
  ws.setFile('flows/h/Other.flow.yaml', 'steps:\n  - kind: log\n    message: x\n');
  const v = new WorkspaceValidation(ws);
  v.validateAll();
  const unknown = v.get('flows/h/Climb.flow.yaml').filter((d) => d.code === 'unknown-flow' || d.code === 'unknown-connection');
  assert.equal(unknown.length, names.length * 2);
  for (const d of unknown) {
    const created = quickFixes(ws, d).flatMap((f) => f.newFiles.map((n) => n.file));
    assert.deepEqual(created, [], `${d.code} '${d.data?.id}' offers to create ${created.join(', ')}`);
  }
});
