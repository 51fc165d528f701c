import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectionsUsedBy, dependentsOf, flowClosure, referencesOf } from '../../src/core/graph/references';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';
import type { Workspace } from '../../src/core/workspace/workspace';

const examples = path.resolve(__dirname, '../../examples');

async function withWorkspace(files: Record<string, string>, body: (ws: Workspace) => void | Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flowgate-graph-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    }
    await body(await loadWorkspace(directorySource(dir)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const run = (flow: string, indent = '  ') => `${indent}- kind: run-flow\n${indent}  flow: ${flow}\n`;

test('referencesOf finds run-flow and http references at any depth, with their paths', async () => {
  const ws = await loadWorkspace(directorySource(examples));
  const restart = ws.flows().get('network/core/Restart-Service')!;
  assert.deepEqual(
    referencesOf(restart).map((r) => [r.to.kind, r.to.id, r.path]),
    [
      ['flow', 'network/core/Check-Reachability', ['steps', 1, 'flow']],
      ['flow', 'network/core/Run-Command', ['steps', 2, 'then', 0, 'flow']],
    ],
  );
  assert.deepEqual(referencesOf(restart)[0].from, { kind: 'flow', id: 'network/core/Restart-Service' });
  const status = ws.flows().get('network/inventory/Get-Gateway-Status')!;
  assert.deepEqual(referencesOf(status).map((r) => [r.to.kind, r.to.id, r.path]), [['connection', 'local-gateway', ['steps', 0, 'connection']]]);
  assert.deepEqual(referencesOf(ws.connections().get('local-gateway')!), []);
});

test('referencesOf looks inside else, for-each, try and catch; skips expressions; unescapes ==', () => {
  const refs = referencesOf({
    kind: 'flow',
    id: 'x/Main',
    name: 'Main',
    folder: 'x',
    flow: {
      steps: [
        {
          kind: 'if',
          condition: true,
          then: [],
          else: [{ kind: 'for-each', items: [1], steps: [{ kind: 'try', steps: [{ kind: 'http', connection: 'crm' }], catch: [{ kind: 'run-flow', flow: 'x/OnError' }] }] }],
        },
        { kind: 'run-flow', flow: '= "x/" & name' },
        { kind: 'run-flow', flow: '==odd' },
        { kind: 'http', url: 'https://example.org' },
      ],
    },
  });
  assert.deepEqual(
    refs.map((r) => [r.to.kind, r.to.id, r.path.join('/')]),
    [
      ['connection', 'crm', 'steps/0/else/0/steps/0/steps/0/connection'],
      ['flow', 'x/OnError', 'steps/0/else/0/steps/0/catch/0/flow'],
      ['flow', '=odd', 'steps/2/flow'],
    ],
  );
});

test('flowClosure follows nested references transitively', async () => {
  const ws = await loadWorkspace(directorySource(examples));
  assert.deepEqual(flowClosure(ws, ['network/core/Restart-Service']), [
    'network/core/Restart-Service',
    'network/core/Check-Reachability',
    'network/core/Run-Command',
  ]);
  assert.deepEqual(flowClosure(ws, ['network/core/Run-Command']), ['network/core/Run-Command']);
});

test('flowClosure tolerates cycles and self-references and skips flows that do not exist', () =>
  withWorkspace(
    {
      'flows/A.flow.yaml': `steps:\n${run('B')}`,
      'flows/B.flow.yaml': `steps:\n  - kind: if\n    condition: true\n    then:\n${run('c/C', '      ')}    else:\n${run('Ghost', '      ')}`,
      'flows/c/C.flow.yaml': `steps:\n${run('A')}  - kind: for-each\n    items: [1]\n    steps:\n${run('D', '      ')}${run('c/C', '      ')}`,
      'flows/D.flow.yaml': 'steps: []\n',
      'flows/E.flow.yaml': `steps:\n${run('A')}`,
    },
    (ws) => {
      assert.deepEqual(flowClosure(ws, ['A']), ['A', 'B', 'c/C', 'D']);
      assert.deepEqual(flowClosure(ws, ['c/C']), ['c/C', 'A', 'D', 'B']);
      assert.deepEqual(flowClosure(ws, ['D', 'D']), ['D']);
      assert.deepEqual(dependentsOf(ws, 'A'), ['E', 'c/C']);
      assert.deepEqual(dependentsOf(ws, 'c/C'), ['B', 'c/C']);
      assert.deepEqual(dependentsOf(ws, 'E'), []);
    },
  ));

test('a flow that fails its schema still contributes its references', () =>
  withWorkspace(
    {
      'flows/A.flow.yaml': `steps:\n${run('B')}`,
      'flows/B.flow.yaml': `steps:\n${run('C')}  - kind: log\n`,
      'flows/C.flow.yaml': 'steps: []\n',
    },
    (ws) => {
      assert.equal(ws.flows().has('B'), false);
      assert.deepEqual(flowClosure(ws, ['A']), ['A', 'B', 'C']);
    },
  ));

test('connectionsUsedBy lists the connections of the given flows', () =>
  withWorkspace(
    {
      'flows/A.flow.yaml': 'steps:\n  - kind: http\n    connection: crm\n  - kind: try\n    steps:\n      - kind: http\n        connection: erp\n      - kind: http\n        connection: crm\n',
      'flows/B.flow.yaml': 'steps:\n  - kind: http\n    connection: mail\n',
    },
    (ws) => {
      assert.deepEqual(connectionsUsedBy(ws, ['A']), ['crm', 'erp']);
      assert.deepEqual(connectionsUsedBy(ws, ['A', 'B']), ['crm', 'erp', 'mail']);
      assert.deepEqual(dependentsOf(ws, 'crm', 'connection'), ['A']);
    },
  ));
