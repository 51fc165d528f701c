/**
 * WorkspaceValidation.update (what the Problems panel runs on each edit) gives exactly what a full
 * validation of the same texts gives — after every one of a long series of edits of many kinds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { validateFile } from '../../src/core/validate/validate';
import { WorkspaceValidation } from '../../src/core/validate/workspaceValidation';
import { directorySource, loadWorkspace, Workspace } from '../../src/core/workspace/workspace';

const examples = path.resolve(__dirname, '../../examples');
const RESTART = 'flows/network/core/Restart-Service.flow.yaml';
const CHECK = 'flows/network/core/Check-Reachability.flow.yaml';
const RUN = 'flows/network/core/Run-Command.flow.yaml';
const STATUS = 'flows/network/inventory/Get-Gateway-Status.flow.yaml';
const CONN = 'connections/local-gateway.connection.yaml';
const DRAFT = 'packages/network-ops.package.yaml';

/** Every file's diagnostics by a fresh workspace with the same texts, the way the extension did before (validateFile of each). */
function fullOf(ws: Workspace): Map<string, unknown> {
  const fresh = new Workspace();
  for (const f of ws.files()) fresh.setFile(f.relPath, f.text);
  const out = new Map<string, unknown>();
  for (const f of fresh.files()) out.set(f.relPath, validateFile(fresh, f.relPath).filter((d) => !d.file || d.file === f.relPath));
  return out;
}

type Edit = { name: string; set?: Record<string, string | ((text: string) => string)>; remove?: string[] };

test('incremental revalidation equals full revalidation after each edit', async () => {
  const ws = await loadWorkspace(directorySource(examples));
  const v = new WorkspaceValidation(ws);
  v.validateAll();
  assert.deepEqual(v.all(), fullOf(ws));
  const text = (rel: string) => ws.file(rel)?.text ?? '';
  const checkText = text(CHECK);
  const edits: Edit[] = [
    { name: 'rename a referenced flow (remove + create under a new name)', remove: [CHECK], set: { 'flows/network/core/Check-Reach.flow.yaml': checkText } },
    { name: 'a flow appears whose name is near the missing one (did-you-mean changes)', set: { 'flows/network/core/Check-Reachabilit.flow.yaml': checkText } },
    { name: 'the renamed flow comes back', set: { [CHECK]: checkText }, remove: ['flows/network/core/Check-Reach.flow.yaml', 'flows/network/core/Check-Reachabilit.flow.yaml'] },
    { name: 'remove an input the caller passes', set: { [CHECK]: (t) => t.replace('inputs:\n  device:\n    type: string\n', 'inputs:\n  host:\n    type: string\n') } },
    { name: 'put it back', set: { [CHECK]: checkText } },
    { name: 'make the child flow fail its schema (no longer a valid definition)', set: { [RUN]: (t) => t.replace('steps:', 'stepz:') } },
    { name: 'fix it', set: { [RUN]: (t) => t.replace('stepz:', 'steps:') } },
    { name: 'break the YAML of a child', set: { [CHECK]: (t) => t + '  - kind: log\n   bad: [\n' } },
    { name: 'fix the YAML', set: { [CHECK]: checkText } },
    { name: 'remove the connection', remove: [CONN] },
    { name: 'a connection with a near name appears', set: { 'connections/local-gatewa.connection.yaml': 'baseUrl: http://x\n' } },
    { name: 'the connection comes back', set: { [CONN]: 'baseUrl: http://127.0.0.1:8722\n' } },
    { name: 'a secret header in the connection', set: { [CONN]: 'baseUrl: http://127.0.0.1:8722\nheaders:\n  Authorization: x\n' } },
    { name: 'the draft drops a flow', set: { [DRAFT]: (t) => t.replace('    - network/core/Run-Command\n', '') } },
    { name: 'the draft lists an unknown flow and a duplicate', set: { [DRAFT]: (t) => t.replace('    - network/core/Check-Reachability\n', '    - network/core/Check-Reachability\n    - network/core/Check-Reachability\n    - network/core/Nope\n') } },
    { name: 'the unknown flow appears', set: { 'flows/network/core/Nope.flow.yaml': 'steps:\n  - kind: run-flow\n    flow: network/core/Restart-Service\n    inputs:\n      device: a\n' } },
    { name: 'a flow outside every draft appears', set: { 'flows/other/Leaf.flow.yaml': 'steps:\n  - kind: log\n    message: leaf\n' } },
    { name: 'a flow of the draft starts running it (the draft now misses a dependency)', set: { [STATUS]: (t) => t + '  - kind: run-flow\n    flow: other/Leaf\n' } },
    { name: 'the flow outside changes what it runs (read by the draft through the closure)', set: { 'flows/other/Leaf.flow.yaml': 'steps:\n  - kind: http\n    connection: local-gateway\n    path: /x\n' } },
    { name: 'a call with a wrong literal type', set: { [RESTART]: (t) => t.replace('      device: "= device"\n    output: reachability', '      device: 42\n    output: reachability') } },
    { name: 'an expression syntax error in a leaf', set: { [STATUS]: (t) => t.replace('"= response.status"', '"= response.status +"') } },
    { name: 'remove a flow several files name', remove: [RUN] },
    { name: 'two files in one update', set: { [RUN]: (_t) => 'inputs:\n  device:\n    type: string\n  command:\n    type: string\nsteps:\n  - kind: log\n    message: x\n', [STATUS]: (t) => t.replace('"= response.status +"', '"= response.status"') } },
    { name: 'the draft breaks', set: { [DRAFT]: 'name: [\n' } },
    { name: 'a second draft that names the first draft\'s flows', set: { 'packages/other.package.yaml': 'name: other\nversion: 1\ndefinitions:\n  flows:\n    - network/core/Restart-Service\n  connections: []\n' } },
    { name: 'remove the first draft', remove: [DRAFT] },
    { name: 'a flow that runs itself (cycle)', set: { 'flows/a/Self.flow.yaml': 'steps:\n  - kind: run-flow\n    flow: a/Self\n' } },
    { name: 'remove a file that was never there', remove: ['flows/not/There.flow.yaml'] },
  ];
  for (const e of edits) {
    const changed: string[] = [];
    for (const rel of e.remove ?? []) ws.removeFile(rel);
    for (const [rel, t] of Object.entries(e.set ?? {})) {
      ws.setFile(rel, typeof t === 'function' ? t(text(rel)) : t);
      changed.push(rel);
    }
    const u = v.update(changed, e.remove ?? []);
    assert.deepEqual(v.all(), fullOf(ws), `after: ${e.name}`);
    for (const rel of e.remove ?? []) assert.ok(!v.all().has(rel), `${rel} dropped after: ${e.name}`);
    // What was recomputed is reported with its diagnostics now.
    for (const [rel, diags] of u.updated) assert.deepEqual(diags, v.get(rel), `reported ${rel} after: ${e.name}`);
  }
});

test('an edit recomputes the file, its dependents and the drafts that read it — not the whole workspace', async () => {
  const ws = new Workspace();
  for (let i = 0; i < 200; i++) ws.setFile(`flows/f/F${i}.flow.yaml`, `steps:\n  - kind: log\n    message: "= 'x${i}'"\n`);
  ws.setFile('flows/f/Parent.flow.yaml', 'steps:\n  - kind: run-flow\n    flow: f/F7\n');
  ws.setFile('packages/p.package.yaml', 'name: p\nversion: 1\ndefinitions:\n  flows:\n    - f/F7\n  connections: []\n');
  const v = new WorkspaceValidation(ws);
  v.validateAll();
  ws.setFile('flows/f/F7.flow.yaml', 'steps:\n  - kind: log\n    message: changed\n');
  assert.deepEqual([...v.update(['flows/f/F7.flow.yaml']).updated.keys()].sort(), ['flows/f/F7.flow.yaml', 'flows/f/Parent.flow.yaml', 'packages/p.package.yaml']);
  ws.setFile('flows/f/F9.flow.yaml', 'steps:\n  - kind: log\n    message: changed\n');
  assert.deepEqual([...v.update(['flows/f/F9.flow.yaml']).updated.keys()].sort(), ['flows/f/F9.flow.yaml'], 'a flow no draft reads: the draft is not recomputed');
});
