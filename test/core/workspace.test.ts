import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { classifyPath, connectionPath, draftPath, flowPath } from '../../src/core/workspace/layout';
import { parseWorkspaceFile } from '../../src/core/workspace/parseFile';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';

const examples = path.resolve(__dirname, '../../examples');

async function tempWorkspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flowgate-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

test('classifyPath and its inverses', () => {
  assert.deepEqual(classifyPath('flows/a/b/X.flow.yaml'), { kind: 'flow', id: 'a/b/X' });
  assert.deepEqual(classifyPath('flows/Top.flow.yaml'), { kind: 'flow', id: 'Top' });
  assert.deepEqual(classifyPath('connections/crm-dev.connection.yaml'), { kind: 'connection', id: 'crm-dev' });
  assert.deepEqual(classifyPath('packages/net_ops.package.yaml'), { kind: 'package', name: 'net_ops' });
  assert.deepEqual(classifyPath('flows\\a\\X.flow.yaml'), { kind: 'flow', id: 'a/X' });
  for (const p of ['flows/X.yaml', 'other/X.flow.yaml', 'connections/a/b.connection.yaml', 'packages/x.flow.yaml', 'flows/../X.flow.yaml', 'flows/.flow.yaml', 'README.md']) {
    assert.equal(classifyPath(p), undefined, p);
  }
  assert.equal(flowPath('a/b/X'), 'flows/a/b/X.flow.yaml');
  assert.equal(connectionPath('crm'), 'connections/crm.connection.yaml');
  assert.equal(draftPath('p'), 'packages/p.package.yaml');
  assert.deepEqual(classifyPath(flowPath('x/Y')), { kind: 'flow', id: 'x/Y' });
});

test('the examples load with zero diagnostics', async () => {
  const ws = await loadWorkspace(directorySource(examples));
  assert.equal(ws.files().length, 6);
  assert.deepEqual(ws.files().flatMap((f) => f.diagnostics), []);
  assert.deepEqual([...ws.flows().keys()].sort(), [
    'network/core/Check-Reachability',
    'network/core/Restart-Service',
    'network/core/Run-Command',
    'network/inventory/Get-Gateway-Status',
  ]);
  assert.deepEqual([...ws.connections().keys()], ['local-gateway']);
  const draft = ws.drafts().get('network-ops');
  assert.equal(draft?.relPath, 'packages/network-ops.package.yaml');
  assert.equal(draft?.draft.definitions.flows?.length, 4);
  const flow = ws.flows().get('network/core/Restart-Service');
  assert.equal(flow?.name, 'Restart-Service');
  assert.equal(flow?.folder, 'network/core');
  assert.equal(ws.connections().get('local-gateway')?.connection.baseUrl, 'http://127.0.0.1:8722');
});

test('directorySource skips node_modules, dot-folders and files that are not Flowgate files', async () => {
  const dir = await tempWorkspace({
    'flows/a/X.flow.yaml': 'steps: []\n',
    'flows/node_modules/Y.flow.yaml': 'steps: []\n',
    'flows/.hidden/Z.flow.yaml': 'steps: []\n',
    'flows/a/notes.md': '# notes\n',
    '.git/flows/W.flow.yaml': 'steps: []\n',
    'connections/c.connection.yaml': 'baseUrl: http://x\n',
    'packages/p.package.yaml': 'name: p\nversion: 1\ndefinitions: {}\n',
    'other/Q.flow.yaml': 'steps: []\n',
  });
  try {
    const source = directorySource(dir);
    assert.deepEqual(await source.list(), ['connections/c.connection.yaml', 'flows/a/X.flow.yaml', 'packages/p.package.yaml']);
    assert.equal(await source.read('flows/a/X.flow.yaml'), 'steps: []\n');
    await assert.rejects(source.read('../outside.flow.yaml'), /outside the workspace/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a workspace without some of the folders still loads', async () => {
  const dir = await tempWorkspace({ 'flows/A.flow.yaml': 'steps: []\n' });
  try {
    const ws = await loadWorkspace(directorySource(dir));
    assert.deepEqual([...ws.flows().keys()], ['A']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('setFile and removeFile update one file incrementally', async () => {
  const ws = await loadWorkspace(directorySource(examples));
  const rel = 'flows/network/core/Run-Command.flow.yaml';
  const before = ws.file('flows/network/core/Restart-Service.flow.yaml');

  const broken = ws.setFile(rel, 'steps:\n  - kind: log\n');
  assert.equal(broken?.definition, undefined);
  assert.equal(broken?.diagnostics[0].code, 'schema');
  assert.equal(ws.flows().has('network/core/Run-Command'), false);
  assert.ok(ws.file(rel), 'the invalid file is still in the workspace');
  assert.equal(ws.has('flow', 'network/core/Run-Command'), true);
  // Other files were not parsed again.
  assert.equal(ws.file('flows/network/core/Restart-Service.flow.yaml'), before);

  ws.setFile(rel, 'steps:\n  - kind: log\n    message: fixed\n');
  assert.equal(ws.flows().get('network/core/Run-Command')?.flow.steps.length, 1);

  ws.setFile('flows/new/Added.flow.yaml', 'steps: []\n');
  assert.ok(ws.flows().has('new/Added'));

  assert.equal(ws.removeFile(rel), true);
  assert.equal(ws.removeFile(rel), false);
  assert.equal(ws.flows().has('network/core/Run-Command'), false);
  assert.equal(ws.file(rel), undefined);

  assert.equal(ws.setFile('README.md', '# hi'), undefined);
  assert.equal(ws.file('README.md'), undefined);
});

test('parseWorkspaceFile: schema problems at the value, the key, or the parent key', () => {
  const text = ['description: x', 'steps:', '  - kind: set', '    valeus:', '      a: 1', '  - kind: log', '    message: hi', '    level: loud', ''].join('\n');
  const file = parseWorkspaceFile('flows/a/X.flow.yaml', text);
  assert.equal(file.definition, undefined);
  const byMessage = new Map(file.diagnostics.map((d) => [d.message, d]));
  const missing = byMessage.get("missing required property 'values' in 'set' step");
  assert.deepEqual(missing?.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 13 } });
  const extra = byMessage.get("property 'valeus' is not allowed in a 'set' step (did you mean 'values'?)");
  assert.deepEqual(extra?.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 10 } });
  const level = byMessage.get("'level' must be one of: debug, info, warn, error (got 'loud')");
  assert.deepEqual(level?.range, { start: { line: 7, character: 11 }, end: { line: 7, character: 15 } });
  assert.ok(file.diagnostics.every((d) => d.file === 'flows/a/X.flow.yaml' && d.severity === 'error' && d.code === 'schema'));
  assert.equal(file.diagnostics.length, 3);
});

test('parseWorkspaceFile: an unknown step kind is one diagnostic at the kind value', () => {
  const text = 'steps:\n  - kind: log\n    message: a\n  - kind: reboot\n    delay: 5\n';
  const file = parseWorkspaceFile('flows/X.flow.yaml', text);
  assert.equal(file.diagnostics.length, 1);
  assert.match(file.diagnostics[0].message, /^unknown step kind 'reboot'; expected one of: set, log, /);
  assert.deepEqual(file.diagnostics[0].range, { start: { line: 3, character: 10 }, end: { line: 3, character: 16 } });
});

test('parseWorkspaceFile: YAML syntax errors stop there, with their position', () => {
  const file = parseWorkspaceFile('connections/c.connection.yaml', 'baseUrl: "http://x\nheaders:\n  A: b\n');
  assert.equal(file.kind, 'connection');
  assert.equal(file.diagnostics.length, 1);
  assert.equal(file.diagnostics[0].code, 'yaml-syntax');
  assert.equal(file.diagnostics[0].range?.start.line, 0);
  assert.equal(file.diagnostics[0].range?.start.character, 9);
  assert.equal(file.definition, undefined);
});

test('parseWorkspaceFile: flow id segments with other characters are an error', () => {
  const file = parseWorkspaceFile('flows/my folder/Do it!.flow.yaml', 'steps: []\n');
  const d = file.diagnostics.find((x) => x.code === 'invalid-name');
  assert.ok(d);
  assert.match(d.message, /'my folder', 'Do it!'/);
  assert.equal(d.severity, 'error');
  assert.deepEqual(parseWorkspaceFile('flows/ok.v2/Fine_1-x.flow.yaml', 'steps: []\n').diagnostics, []);
});

test('parseWorkspaceFile: a draft named differently from its file is an error at name', () => {
  const file = parseWorkspaceFile('packages/net-ops.package.yaml', '# comment\nversion: 1\nname: netops\ndefinitions: {}\n');
  assert.equal(file.diagnostics.length, 1);
  assert.equal(file.diagnostics[0].code, 'name-mismatch');
  assert.match(file.diagnostics[0].message, /'netops'.*'net-ops\.package\.yaml'/);
  assert.deepEqual(file.diagnostics[0].range, { start: { line: 2, character: 6 }, end: { line: 2, character: 12 } });
  assert.equal(file.id, 'net-ops');
});

test('parseWorkspaceFile refuses a path that is not a Flowgate file', () => {
  assert.throws(() => parseWorkspaceFile('src/x.ts', ''), /not a Flowgate/);
});
