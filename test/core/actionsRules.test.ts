/**
 * The rules behind VS Code's New Flow and Add Gateway (src/core/workspace/newFlow.ts,
 * src/core/model/gatewayEntry.ts): what a user may type, and a template that validates as written.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayEntryProblems, gatewayUrlProblems, normalizeGatewayEntryUrl } from '../../src/core/model/gatewayEntry';
import { validateWorkspace } from '../../src/core/validate/validate';
import { newFlowId, newFlowPath, newFlowProblems, newFlowText } from '../../src/core/workspace/newFlow';
import { loadWorkspace, type FileSource } from '../../src/core/workspace/workspace';

const fields = (p: { field: string }[]) => p.map((x) => x.field);

function memory(files: Record<string, string>): FileSource {
  return { list: async () => Object.keys(files), read: async (p: string) => files[p] };
}

test('new flow: folder and name follow the flow-file rule; the id and path', () => {
  assert.deepEqual(newFlowProblems('network/core', 'Check-Link'), []);
  assert.deepEqual(newFlowProblems('', 'Hello_1.2'), []);
  assert.equal(newFlowId('/network/core/', 'Check-Link'), 'network/core/Check-Link');
  assert.equal(newFlowPath('', 'Hello'), 'flows/Hello.flow.yaml');
  assert.deepEqual(fields(newFlowProblems('', '')), ['name']);
  assert.deepEqual(fields(newFlowProblems('', 'has space')), ['name']);
  assert.deepEqual(fields(newFlowProblems('', '..')), ['name']);
  assert.deepEqual(fields(newFlowProblems('', '__proto__')), ['name']);
  assert.deepEqual(fields(newFlowProblems('a/../b', 'X')), ['folder']);
  assert.deepEqual(fields(newFlowProblems('a//b', 'X')), ['folder']);
  assert.deepEqual(fields(newFlowProblems('ok', 'x'.repeat(101))), ['name']);
  assert.deepEqual(fields(newFlowProblems('f'.repeat(99) + '/' + 'g'.repeat(99) + '/' + 'h'.repeat(60), 'Name')), ['name']);
  assert.match(newFlowProblems('', 'a b')[0].message, /letters, digits/);
});

test('new flow: the template validates with no problem and is a flow of that name', async () => {
  const rel = newFlowPath('demo', 'Greet');
  const ws = await loadWorkspace(memory({ [rel]: newFlowText('Greet') }));
  const problems = validateWorkspace(ws);
  assert.deepEqual(problems, []);
  assert.ok(ws.flows().has('demo/Greet'));
});

test('add gateway: name, URL and credentials file are checked, naming the field', () => {
  const existing = [{ name: 'qa', url: 'https://qa.example.com/' }];
  assert.deepEqual(gatewayEntryProblems({ name: 'prod', url: 'https://prod.example.com' }, existing), []);
  assert.deepEqual(gatewayEntryProblems({ name: 'dev', url: 'http://127.0.0.1:8722', credentialsFile: '~/dev.json' }, existing), []);
  assert.deepEqual(fields(gatewayEntryProblems({ name: 'QA', url: 'https://other.example.com' }, existing)), ['name']);
  assert.deepEqual(fields(gatewayEntryProblems({ name: 'x', url: 'https://qa.example.com' }, existing)), ['url']);
  assert.deepEqual(fields(gatewayEntryProblems({ name: '', url: 'nope' }, existing)), ['name', 'url']);
  assert.deepEqual(fields(gatewayEntryProblems({ name: 'a\u0007', url: 'ftp://x' }, existing)), ['name', 'url']);
  assert.deepEqual(fields(gatewayEntryProblems({ name: 'y', url: 'https://u:p@h.example.com' }, existing)), ['url']);
  assert.deepEqual(fields(gatewayEntryProblems({ name: 'y', url: 'https://h.example.com/?a=1' }, existing)), ['url']);
  assert.deepEqual(fields(gatewayEntryProblems({ name: 'y', url: 'https://h.example.com', credentialsFile: ' ' }, existing)), ['credentialsFile']);
  assert.deepEqual(gatewayUrlProblems('https://h.example.com/api/'), []);
  assert.equal(normalizeGatewayEntryUrl(' https://h.example.com/api/ '), 'https://h.example.com/api');
});
