// The language service (src/core/language) on the real example workspace (examples/) and on
// documents being typed: completion, hover, definition, references, symbols, rename, scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { completions, resolveCompletion, definition, documentSymbols, hover, prepareRename, references, renameFlow, RenameError, variablesInScope } from '../../src/core/language';
import type { Position } from '../../src/core/model/diagnostic';
import { directorySource, loadWorkspace, type Workspace } from '../../src/core/workspace/workspace';
import { validateWorkspace } from '../../src/core/validate/validate';

const examples = path.resolve(__dirname, '../../examples');
const RESTART = 'flows/network/core/Restart-Service.flow.yaml';
const DRAFT = 'packages/network-ops.package.yaml';

let cached: Workspace | undefined;
async function ws(): Promise<Workspace> {
  cached ??= await loadWorkspace(directorySource(examples));
  return cached;
}
const read = (rel: string) => readFile(path.join(examples, rel), 'utf8');

/** Text with one `‸` marking the cursor → the text without it and the cursor's position. */
function cursor(marked: string): { text: string; pos: Position } {
  const at = marked.indexOf('‸');
  assert.ok(at >= 0, 'no cursor marker');
  const before = marked.slice(0, at);
  const line = before.split('\n').length - 1;
  return { text: marked.replace('‸', ''), pos: { line, character: at - (before.lastIndexOf('\n') + 1) } };
}

/** Completion labels at the marked cursor of a document at `relPath`. */
async function labels(relPath: string, marked: string): Promise<string[]> {
  const { text, pos } = cursor(marked);
  return completions(await ws(), { relPath, text }, pos).items.map((i) => i.label);
}

/** The position of the `n`-th occurrence of `needle` in `text`, `offset` characters into it. */
function find(text: string, needle: string, offset = 0, n = 0): Position {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `'${needle}' not found`);
  const before = text.slice(0, at + offset);
  return { line: before.split('\n').length - 1, character: at + offset - (before.lastIndexOf('\n') + 1) };
}

const NEW_FLOW = 'flows/scratch/New.flow.yaml';

test('the example workspace is valid (the language tests start from a clean one)', async () => {
  assert.deepEqual(validateWorkspace(await ws()).filter((d) => d.severity === 'error'), []);
});

// ---- completion ----------------------------------------------------------------------------------

test('completion: step kinds after `kind:`, with their documentation', async () => {
  const { text, pos } = cursor('steps:\n  - kind: ‸\n');
  const items = completions(await ws(), { relPath: NEW_FLOW, text }, pos).items;
  assert.deepEqual(items.map((i) => i.label), ['set', 'log', 'wait', 'http', 'run-flow', 'if', 'for-each', 'try', 'fail']);
  assert.match(items.find((i) => i.label === 'for-each')!.documentation!, /item/);
  // A partial kind: the whole word is replaced.
  const partial = cursor('steps:\n  - kind: ru‸\n');
  const item = completions(await ws(), { relPath: NEW_FLOW, text: partial.text }, partial.pos).items.find((i) => i.label === 'run-flow')!;
  assert.deepEqual(item.range, { start: { line: 1, character: 10 }, end: { line: 1, character: 12 } });
});

test("completion: a step's fields are those its kind accepts (from the schema), without the ones it has", async () => {
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: run-flow\n    name: x\n    ‸\n'), ['flow', 'inputs', 'mode', 'output']);
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: http\n    fl‸\n'), ['name', 'connection', 'url', 'path', 'method', 'headers', 'body', 'timeoutSeconds', 'output']);
  // A new list item in steps: a step's keys, `kind` first.
  const { text, pos } = cursor('steps:\n  - kind: log\n    message: hi\n  - ‸\n');
  const items = completions(await ws(), { relPath: NEW_FLOW, text }, pos).items;
  assert.deepEqual(items.map((i) => i.label).sort(), ['kind', 'name']);
  assert.equal([...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!))[0].label, 'kind');
  assert.equal(items.find((i) => i.label === 'kind')!.insertText, 'kind: ');
  // Top level of a flow file.
  assert.deepEqual(await labels(NEW_FLOW, 'description: x\n‸\n'), ['inputs', 'outputs', 'steps']);
  // Documentation comes with the fields.
  const doc = cursor('steps:\n  - kind: for-each\n    ‸\n');
  const asItem = completions(await ws(), { relPath: NEW_FLOW, text: doc.text }, doc.pos).items.find((i) => i.label === 'as')!;
  assert.match(asItem.documentation!, /current item/);
});

test('completion: enum values (log level, http method, run-flow mode, declaration type)', async () => {
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: log\n    message: x\n    level: ‸\n'), ['debug', 'info', 'warn', 'error']);
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: run-flow\n    flow: a\n    mode: ‸\n'), ['sync', 'async']);
  assert.deepEqual(await labels(NEW_FLOW, 'inputs:\n  device:\n    type: ‸\nsteps: []\n'), ['string', 'number', 'integer', 'boolean', 'object', 'array', 'any']);
});

test('completion: flow names where a child flow is referenced, connection names where a connection is', async () => {
  const flows = await labels(NEW_FLOW, 'steps:\n  - kind: run-flow\n    flow: ‸\n');
  assert.deepEqual(flows, ['network/core/Check-Reachability', 'network/core/Restart-Service', 'network/core/Run-Command', 'network/inventory/Get-Gateway-Status']);
  // A flow does not offer itself.
  const own = await labels(RESTART, (await read(RESTART)).replace('flow: network/core/Check-Reachability', 'flow: ‸'));
  assert.ok(!own.includes('network/core/Restart-Service') && own.includes('network/core/Check-Reachability'));
  const { text, pos } = cursor('steps:\n  - kind: run-flow\n    flow: network/core/Ch‸\n');
  const item = completions(await ws(), { relPath: NEW_FLOW, text }, pos).items.find((i) => i.label === 'network/core/Check-Reachability')!;
  assert.equal(item.detail?.startsWith('Decide whether a device can be reached'), true);
  // Its documentation (description, inputs, outputs) is built when the item is shown.
  assert.equal(item.documentation, undefined);
  assert.match(resolveCompletion(await ws(), item).documentation!, /\*\*Inputs:\*\*\n- `device`: `string`, required[\s\S]*\*\*Outputs:\*\*\n- `reachable`: `boolean`/);
  assert.deepEqual(item.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 25 } }, 'the typed id is replaced');
  const mid = cursor('steps:\n  - kind: run-flow\n    flow: network/‸core/Ch\n');
  const midItem = completions(await ws(), { relPath: NEW_FLOW, text: mid.text }, mid.pos).items[0];
  assert.deepEqual(midItem.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 25 } }, 'the whole value is replaced, also after the cursor');
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: http\n    connection: ‸\n'), ['local-gateway']);
  // Quoted value: inside the quotes.
  const q = cursor('steps:\n  - kind: http\n    connection: "lo‸"\n');
  const qi = completions(await ws(), { relPath: NEW_FLOW, text: q.text }, q.pos).items[0];
  assert.deepEqual(qi.range, { start: { line: 2, character: 17 }, end: { line: 2, character: 19 } });
});

test("completion: a run-flow step's inputs offer the child's declared inputs (type, required, description)", async () => {
  const marked = 'steps:\n  - kind: run-flow\n    flow: network/core/Restart-Service\n    inputs:\n      device: "= x"\n      ‸\n';
  const { text, pos } = cursor(marked);
  const items = completions(await ws(), { relPath: NEW_FLOW, text }, pos).items;
  assert.deepEqual(items.map((i) => i.label), ['service', 'dryRun'], 'device is already given');
  const service = items[0];
  assert.match(service.detail!, /^string, default "sshd"/);
  assert.match(service.documentation!, /The service to restart/);
  // An empty inputs mapping, and a partial key typed below `inputs:`.
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: run-flow\n    flow: network/core/Run-Command\n    inputs:\n      ‸\n'), ['device', 'command', 'dryRun']);
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: run-flow\n    flow: network/core/Run-Command\n    inputs:\n      com‸\n'), ['device', 'command', 'dryRun']);
  // Required inputs sort first.
  const req = cursor('steps:\n  - kind: run-flow\n    flow: network/core/Run-Command\n    inputs:\n      ‸\n');
  const sorted = completions(await ws(), { relPath: NEW_FLOW, text: req.text }, req.pos).items.sort((a, b) => a.sortText!.localeCompare(b.sortText!));
  assert.deepEqual(sorted.map((i) => i.label), ['device', 'command', 'dryRun']);
  // An unknown child: nothing (validation reports the reference).
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: run-flow\n    flow: nope/Nope\n    inputs:\n      ‸\n'), []);
});

test('completion in a package draft: flows and connections not yet listed, schedule/trigger flows and inputs, replacement ids', async () => {
  const draft = await read(DRAFT);
  const flows = await labels(DRAFT, draft.replace('    - network/core/Run-Command\n', '    - network/core/Run-Command\n    - ‸\n'));
  assert.deepEqual(flows, [], 'every flow is listed already');
  const fewer = draft.replace('    - network/core/Run-Command\n', '').replace('    - network/inventory/Get-Gateway-Status\n', '    - network/inventory/Get-Gateway-Status\n    - ‸\n');
  assert.deepEqual(await labels(DRAFT, fewer), ['network/core/Run-Command']);
  assert.deepEqual(await labels(DRAFT, draft.replace('    - local-gateway', '    - ‸')), ['local-gateway']);
  assert.deepEqual(await labels(DRAFT, draft.replace('      dryRun: true\n', '      dryRun: true\n      ‸\n')), ['service']);
  const repl = draft.replace('instructions: |', 'replacements:\n  - kind: connection\n    from: ‸\n    to: x\ninstructions: |');
  assert.deepEqual(await labels(DRAFT, repl), ['local-gateway']);
  const sched = draft.replace('    flow: network/inventory/Get-Gateway-Status', '    flow: ‸');
  assert.equal((await labels(DRAFT, sched)).length, 4);
});

test('completion of keys and values in package drafts and connection files comes from their schemas', async () => {
  assert.deepEqual(await labels('packages/p.package.yaml', 'name: p\nversion: 1\ndefinitions: {}\nschedules:\n  - name: x\n    ‸\n'), ['description', 'flow', 'type', 'expression', 'timezone', 'inputs', 'enabled']);
  assert.deepEqual(await labels('packages/p.package.yaml', 'triggers:\n  - name: x\n    conditions:\n      version: ‸\n'), ['v1', 'v2c', 'v3']);
  assert.deepEqual(await labels('connections/c.connection.yaml', 'baseUrl: http://x\n‸\n'), ['description', 'headers', 'auth', 'timeoutSeconds']);
  assert.deepEqual(await labels('packages/p.package.yaml', '‸\n'), ['name', 'description', 'version', 'definitions', 'replacements', 'instructions', 'authorisation', 'schedules', 'triggers']);
});

test('completion inside a JSONata `=` string: the variables in scope at that step, fields of known variables, functions after $', async () => {
  const restart = await read(RESTART);
  // In the last set step (then-branch): inputs, the child outputs set before, the earlier values of the same step.
  const inSet = restart.replace('checkedAt: "= reachability.checkedAt"', 'checkedAt: "= ‸"');
  const names = await labels(RESTART, inSet);
  assert.deepEqual(
    names.filter((n) => !n.startsWith('$')),
    ['device', 'service', 'dryRun', 'reachability', 'result', 'restarted', 'message'],
  );
  assert.ok(names.includes('$string') && names.includes('$now'), 'functions are offered on an empty word');
  // Before the run-flow steps only the inputs exist.
  const first = restart.replace(`message: "= 'Restarting ' & service & ' on ' & device"`, 'message: "= ‸"');
  assert.deepEqual((await labels(RESTART, first)).filter((n) => !n.startsWith('$')), ['device', 'service', 'dryRun']);
  // After a dot: the child flow's declared outputs.
  const dotted = restart.replace('condition: "= reachability.reachable"', 'condition: "= reachability.‸"');
  assert.deepEqual(await labels(RESTART, dotted), ['reachable', 'reason', 'checkedAt']);
  // After `$`: only functions.
  const fn = await labels(RESTART, restart.replace('condition: "= reachability.reachable"', 'condition: "= $su‸"'));
  assert.ok(fn.length > 50 && fn.every((n) => n.startsWith('$')) && fn.includes('$substring'));
  // Inside a string literal of the expression: nothing.
  assert.deepEqual(await labels(RESTART, restart.replace("'Restarting '", "'Resta‸rting '")), []);
  // A literal (no `=`): no variables.
  assert.deepEqual(await labels(NEW_FLOW, 'inputs:\n  a:\n    type: string\nsteps:\n  - kind: log\n    message: hello ‸\n'), []);
});

test('completion scope: for-each item and index inside the loop only, catch error variable, set-step order', async () => {
  const flow = [
    'inputs:',
    '  devices:',
    '    type: array',
    'steps:',
    '  - kind: for-each',
    '    items: "= devices"',
    '    as: device',
    '    steps:',
    '      - kind: log',
    '        message: "= A"',
    '  - kind: try',
    '    errorVariable: problem',
    '    steps:',
    '      - kind: http',
    '        url: http://127.0.0.1/',
    '        output: response',
    '      - kind: log',
    '        message: "= B"',
    '    catch:',
    '      - kind: log',
    '        message: "= C"',
    '  - kind: set',
    '    values:',
    '      first: 1',
    '      second: "= D"',
    '      third: 3',
    '',
  ].join('\n');
  const at = (marker: string) => labels(NEW_FLOW, flow.replace(`"= ${marker}"`, '"= ‸"')).then((l) => l.filter((n) => !n.startsWith('$')));
  assert.deepEqual(await at('A'), ['devices', 'device', 'deviceIndex']);
  assert.deepEqual(await at('B'), ['devices', 'device', 'deviceIndex', 'response']);
  assert.deepEqual(await at('C'), ['devices', 'device', 'deviceIndex', 'response', 'problem']);
  assert.deepEqual(await at('D'), ['devices', 'device', 'deviceIndex', 'response', 'problem', 'first']);
  // The http output's fields, and the error's.
  assert.deepEqual(await labels(NEW_FLOW, flow.replace('"= B"', '"= response.‸"')), ['status', 'headers', 'body']);
  assert.deepEqual(await labels(NEW_FLOW, flow.replace('"= C"', '"= problem.‸"')), ['message', 'code', 'step']);
});

test('variablesInScope: outside steps only the inputs; an async run-flow output is an execution id', () => {
  const flow = {
    inputs: { a: { type: 'string', description: 'first' } },
    steps: [{ kind: 'run-flow', flow: 'x/Y', mode: 'async', output: 'id' }, { kind: 'log', message: '= id' }],
  };
  assert.deepEqual(variablesInScope(flow, ['outputs', 'z']).map((v) => v.name), ['a']);
  const scope = variablesInScope(flow, ['steps', 1, 'message']);
  assert.deepEqual(scope.map((v) => [v.name, v.source, v.type]), [['a', 'input', 'string'], ['id', 'output', 'string']]);
  assert.deepEqual(scope[1].definedAt, ['steps', 0]);
  assert.deepEqual(variablesInScope(null, ['steps', 0]), []);
  assert.deepEqual(variablesInScope({ steps: 'nope' }, ['steps', 0, 'x']), []);
});

test('completion never throws and returns nothing in comments, past the end, in broken YAML', async () => {
  const w = await ws();
  const doc = { relPath: NEW_FLOW, text: 'steps:\n  - kind: log # a comment ‸\n'.replace('‸', '') };
  assert.deepEqual(completions(w, doc, { line: 1, character: 30 }).items, []);
  assert.deepEqual(completions(w, { relPath: NEW_FLOW, text: '# kind: ' }, { line: 0, character: 8 }).items, []);
  assert.deepEqual(completions(w, doc, { line: 99, character: 0 }).items, []);
  assert.deepEqual(completions(w, doc, { line: -1, character: -5 }).items, []);
  assert.deepEqual(completions(w, { relPath: 'not/a/flowgate/file.txt', text: 'kind: ' }, { line: 0, character: 6 }).items, []);
  // An unterminated quote: the expression is still read up to the cursor.
  assert.ok((await labels(RESTART, (await read(RESTART)).replace(`message: "= 'Restarting ' & service & ' on ' & device"`, 'message: "= dev‸'))).includes('device'));
  // Unbalanced flow collections and tabs: nothing sensible, no throw.
  for (const text of ['steps: [\n  - kind: ', 'steps:\n\t- kind: ', '{{{{', ': : :', '- - - -', 'steps:\n  - kind: run-flow\n    inputs: {a: ', '"']) {
    for (let line = 0; line < 3; line++) for (let character = 0; character < 20; character += 3) completions(w, { relPath: NEW_FLOW, text }, { line, character });
  }
  // Right after the colon (the `:` trigger): the value comes with its space.
  const colon = cursor('steps:\n  - kind:‸\n');
  const afterColon = completions(w, { relPath: NEW_FLOW, text: colon.text }, colon.pos).items;
  assert.equal(afterColon.find((i) => i.label === 'log')?.insertText, ' log');
  // A YAML error elsewhere in the file does not stop completion here.
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: ‸\n  - kind: log\n    message: "unterminated\n'), ['set', 'log', 'wait', 'http', 'run-flow', 'if', 'for-each', 'try', 'fail']);
  // A second key on a line that already has a value: no key completion mid-value.
  assert.deepEqual(await labels(NEW_FLOW, 'steps:\n  - kind: log\n    message: hi there ‸\n'), []);
});

// ---- hover ---------------------------------------------------------------------------------------

test('hover on a flow reference: description, inputs with type and required/default, outputs', async () => {
  const text = await read(RESTART);
  const h = hover(await ws(), { relPath: RESTART, text }, find(text, 'network/core/Run-Command', 5))!;
  assert.ok(h);
  assert.match(h.contents, /\*\*flow\*\* `network\/core\/Run-Command`/);
  assert.match(h.contents, /Run a command on a device/);
  assert.match(h.contents, /`device`: `string`, required/);
  assert.match(h.contents, /`dryRun`: `boolean`, default `false`/);
  assert.match(h.contents, /\*\*Outputs:\*\*\n- `exitCode`: `integer`/);
  const line = find(text, 'network/core/Run-Command').line;
  assert.deepEqual(h.range, { start: { line, character: 14 }, end: { line, character: 38 } });
  // In a package draft, on an entry and on a trigger's flow.
  const draft = await read(DRAFT);
  assert.match(hover(await ws(), { relPath: DRAFT, text: draft }, find(draft, 'network/core/Check-Reachability', 3))!.contents, /Decide whether a device can be reached/);
  assert.match(hover(await ws(), { relPath: DRAFT, text: draft }, find(draft, 'flow: network/core/Restart-Service', 10))!.contents, /`service`: `string`, default `"sshd"` — The service to restart/);
});

test('hover on a connection, a step kind, a field, a child input; a missing flow says so', async () => {
  const w = await ws();
  const gw = await read('flows/network/inventory/Get-Gateway-Status.flow.yaml');
  const c = hover(w, { relPath: 'flows/network/inventory/Get-Gateway-Status.flow.yaml', text: gw }, find(gw, 'local-gateway', 2))!;
  assert.match(c.contents, /\*\*connection\*\* `local-gateway`[\s\S]*The local Flowgate emulator[\s\S]*Base URL: `http:\/\/127.0.0.1:8722`/);
  const text = await read(RESTART);
  assert.match(hover(w, { relPath: RESTART, text }, find(text, 'kind: if', 7))!.contents, /\*\*if\*\* step — Run the `then` steps/);
  assert.match(hover(w, { relPath: RESTART, text }, find(text, 'output: reachability', 2))!.contents, /`output` — Variable receiving the child's output/);
  assert.match(hover(w, { relPath: RESTART, text }, find(text, 'command: "=', 2))!.contents, /Input of flow `network\/core\/Run-Command`: `command`: `string`, required/);
  const missing = 'steps:\n  - kind: run-flow\n    flow: nowhere/Flow\n';
  assert.match(hover(w, { relPath: NEW_FLOW, text: missing }, { line: 2, character: 14 })!.contents, /does not exist in the workspace \(expected \*flows\/nowhere\/Flow.flow.yaml\*\)/);
  // Nothing in a comment, on a blank line, in a description.
  assert.equal(hover(w, { relPath: RESTART, text: `# flow: network/core/Run-Command\n${text}` }, { line: 0, character: 12 }), undefined);
  assert.equal(hover(w, { relPath: RESTART, text }, find(text, 'Restart a service', 3)), undefined);
});

test('hover inside an `=` string: a variable as the scope sees it there, a JSONata function; nothing on keywords and literals', async () => {
  const w = await ws();
  const text = await read(RESTART);
  const at = (needle: string, offset: number) => hover(w, { relPath: RESTART, text }, find(text, needle, offset));
  const child = at('= reachability.reachable', 4)!;
  assert.match(child.contents, /`reachability`: `object` — output of a step[\s\S]*the outputs of the child flow 'network\/core\/Check-Reachability'[\s\S]*Fields: `reachable`: `boolean`, `reason`: `string`, `checkedAt`: `string`/);
  assert.deepEqual(child.range.end.character - child.range.start.character, 'reachability'.length);
  assert.match(at("& service & ' on '", 4)!.contents, /`service`: `string` — input of this flow\n\nThe service to restart/);
  assert.match(at('$not(dryRun)', 2)!.contents, /`\$not\(arg\)` — Logical negation/);
  assert.equal(at('= 0 and $not', 5), undefined, 'a JSONata keyword');
  assert.equal(at("'Restarting '", 3), undefined, 'inside a string literal');
  assert.equal(at('reachability.reachable', 15), undefined, 'a field after a dot');
  const unknown = 'steps:\n  - kind: log\n    message: "= nowhere"\n';
  assert.match(hover(w, { relPath: NEW_FLOW, text: unknown }, { line: 2, character: 17 })!.contents, /`nowhere` is not set at this step/);
});

test('hover text from a file cannot inject markdown links or HTML', async () => {
  const w = await ws();
  const { Workspace } = await import('../../src/core/workspace/workspace');
  const ws2 = new Workspace();
  for (const f of w.files()) ws2.setFile(f.relPath, f.text);
  ws2.setFile('flows/x/Evil.flow.yaml', 'description: "[click](command:workbench.action.quit) <img src=x onerror=alert(1)>"\nsteps: []\n');
  const h = hover(ws2, { relPath: NEW_FLOW, text: 'steps:\n  - kind: run-flow\n    flow: x/Evil\n' }, { line: 2, character: 12 })!;
  assert.ok(!/(^|[^\\])\[click/.test(h.contents) && !/(^|[^\\])</.test(h.contents), h.contents);
});

// ---- definition and references -------------------------------------------------------------------

test('go to definition: from a flow or connection reference to its file; from a child input key to its declaration', async () => {
  const w = await ws();
  const text = await read(RESTART);
  assert.deepEqual(definition(w, { relPath: RESTART, text }, find(text, 'network/core/Check-Reachability', 1)), [
    { relPath: 'flows/network/core/Check-Reachability.flow.yaml', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
  ]);
  const draft = await read(DRAFT);
  assert.deepEqual(definition(w, { relPath: DRAFT, text: draft }, find(draft, '- local-gateway', 3)).map((l) => l.relPath), ['connections/local-gateway.connection.yaml']);
  const input = definition(w, { relPath: RESTART, text }, find(text, 'dryRun: "= dryRun"', 1));
  assert.equal(input.length, 1);
  assert.equal(input[0].relPath, 'flows/network/core/Run-Command.flow.yaml');
  const child = await read('flows/network/core/Run-Command.flow.yaml');
  assert.deepEqual(input[0].range.start, find(child, 'dryRun:'));
  assert.deepEqual(definition(w, { relPath: RESTART, text }, find(text, 'description', 2)), []);
  assert.deepEqual(definition(w, { relPath: NEW_FLOW, text: 'steps:\n  - kind: run-flow\n    flow: nope/X\n' }, { line: 2, character: 12 }), []);
});

test('find references: every flow and package draft naming a flow or a connection, with the declaration', async () => {
  const w = await ws();
  const text = await read(RESTART);
  const refs = references(w, { relPath: RESTART, text }, find(text, 'network/core/Check-Reachability', 2), true);
  assert.deepEqual(refs.map((r) => r.relPath), ['flows/network/core/Check-Reachability.flow.yaml', RESTART, DRAFT]);
  const draft = await read(DRAFT);
  assert.deepEqual(refs[2].range, { start: find(draft, 'network/core/Check-Reachability'), end: { ...find(draft, 'network/core/Check-Reachability'), character: find(draft, 'network/core/Check-Reachability').character + 'network/core/Check-Reachability'.length } });
  // Without the declaration; a flow named by a trigger too.
  const restartRefs = references(w, { relPath: DRAFT, text: draft }, find(draft, '- network/core/Restart-Service', 4), false);
  assert.deepEqual(restartRefs.map((r) => `${r.relPath}:${r.range.start.line}`), [`${DRAFT}:${find(draft, 'network/core/Restart-Service').line}`, `${DRAFT}:${find(draft, 'flow: network/core/Restart-Service').line}`]);
  // From inside a connection file: its own references.
  const conn = await read('connections/local-gateway.connection.yaml');
  assert.deepEqual(
    references(w, { relPath: 'connections/local-gateway.connection.yaml', text: conn }, { line: 1, character: 2 }, false).map((r) => r.relPath),
    ['flows/network/inventory/Get-Gateway-Status.flow.yaml', DRAFT],
  );
  // The editor's unsaved text counts: a new reference typed in Run-Command.
  const rc = 'flows/network/core/Run-Command.flow.yaml';
  const edited = (await read(rc)).replace('steps:\n', 'steps:\n  - kind: run-flow\n    flow: network/core/Check-Reachability\n');
  const withEdit = references(w, { relPath: rc, text: edited }, { line: find(edited, 'network/core/Check-Reachability').line, character: 12 }, false);
  assert.ok(withEdit.some((r) => r.relPath === rc));
});

// ---- symbols ---------------------------------------------------------------------------------------

test('document symbols: steps as a tree (then/else groups, for-each and try bodies), inputs and outputs', async () => {
  const text = await read(RESTART);
  const symbols = documentSymbols({ relPath: RESTART, text });
  assert.deepEqual(symbols.map((s) => s.name), ['inputs', 'outputs', 'log', 'Check reachability', 'Reachable?']);
  assert.deepEqual(symbols[0].children.map((c) => `${c.name}:${c.detail}`), ['device:string', 'service:string', 'dryRun:boolean']);
  const ifStep = symbols[4];
  assert.equal(ifStep.stepKind, 'if');
  assert.deepEqual(ifStep.children.map((c) => c.name), ['then', 'else']);
  assert.deepEqual(ifStep.children[0].children.map((c) => `${c.name}|${c.detail}`), ['Restart|run-flow network/core/Run-Command', 'set|']);
  assert.deepEqual(ifStep.children[1].children.map((c) => c.name), ['fail']);
  assert.equal(symbols[3].detail, 'run-flow network/core/Check-Reachability');
  // Ranges: a step's range holds its selection range; lines are right.
  const check = symbols[3];
  assert.equal(check.range.start.line, find(text, '- kind: run-flow').line);
  assert.equal(check.selectionRange.start.line, check.range.start.line);
  const nested = 'steps:\n  - kind: for-each\n    items: "= xs"\n    steps:\n      - kind: try\n        steps:\n          - kind: log\n            message: a\n        catch:\n          - kind: fail\n            message: b\n';
  const tree = documentSymbols({ relPath: NEW_FLOW, text: nested });
  assert.equal(tree[0].name, 'for-each');
  assert.equal(tree[0].children[0].name, 'try');
  assert.deepEqual(tree[0].children[0].children.map((c) => c.name), ['log', 'catch']);
  assert.deepEqual(tree[0].children[0].children[1].children.map((c) => c.name), ['fail']);
  // A package draft: its definitions, schedule and trigger.
  const draft = documentSymbols({ relPath: DRAFT, text: await read(DRAFT) });
  assert.deepEqual(draft.map((s) => `${s.kind}:${s.name}`), [
    'flow:network/core/Restart-Service',
    'flow:network/core/Check-Reachability',
    'flow:network/core/Run-Command',
    'flow:network/inventory/Get-Gateway-Status',
    'connection:local-gateway',
    'schedule:Gateway status every 15 minutes',
    'trigger:Link down restarts sshd (dry run)',
  ]);
  // Broken YAML and non-Flowgate files: no throw.
  assert.deepEqual(documentSymbols({ relPath: NEW_FLOW, text: 'steps: [' }), []);
  assert.deepEqual(documentSymbols({ relPath: 'x.txt', text: 'steps: []' }), []);
  assert.deepEqual(documentSymbols({ relPath: NEW_FLOW, text: '' }), []);
});

// ---- rename ----------------------------------------------------------------------------------------

/** The texts after applying a rename's edits (a copy of the workspace, in memory). */
function applyRename(w: Workspace, result: ReturnType<typeof renameFlow>): Map<string, string> {
  const texts = new Map(w.files().map((f) => [f.relPath, f.text]));
  const byFile = new Map<string, typeof result.edits>();
  for (const e of result.edits) byFile.set(e.relPath, [...(byFile.get(e.relPath) ?? []), e]);
  for (const [rel, edits] of byFile) {
    const lines = texts.get(rel)!.split('\n');
    for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
      assert.equal(e.range.start.line, e.range.end.line);
      const l = lines[e.range.start.line];
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    texts.set(rel, lines.join('\n'));
  }
  for (const r of result.fileRenames) {
    texts.set(r.to, texts.get(r.from)!);
    texts.delete(r.from);
  }
  return texts;
}

test('rename a flow: the file moves, every flow and package draft reference follows, and the workspace stays valid', async () => {
  const w = await ws();
  const text = await read(RESTART);
  const prep = prepareRename(w, { relPath: RESTART, text }, find(text, 'network/core/Run-Command', 4));
  assert.equal(prep.id, 'network/core/Run-Command');
  const result = renameFlow(w, prep.id, 'network/ops/Execute');
  assert.deepEqual(result.fileRenames, [{ from: 'flows/network/core/Run-Command.flow.yaml', to: 'flows/network/ops/Execute.flow.yaml' }]);
  assert.deepEqual(result.edits.map((e) => e.relPath).sort(), [RESTART, DRAFT].sort());
  const after = applyRename(w, result);
  assert.match(after.get(RESTART)!, /flow: network\/ops\/Execute\n/);
  assert.match(after.get(DRAFT)!, /- network\/ops\/Execute\n/);
  const { Workspace } = await import('../../src/core/workspace/workspace');
  const renamed = new Workspace();
  for (const [rel, t] of after) renamed.setFile(rel, t);
  assert.deepEqual(validateWorkspace(renamed).filter((d) => d.severity === 'error'), []);
  // Only the id changed: same number of lines, comments and the rest untouched.
  assert.equal(after.get(RESTART)!.split('\n').length, text.split('\n').length);
});

test('rename keeps quoting, renames a flow named by a schedule, a replacement and itself (a cycle)', async () => {
  const { Workspace } = await import('../../src/core/workspace/workspace');
  const w = new Workspace();
  w.setFile('flows/a/Loop.flow.yaml', "steps:\n  - kind: run-flow\n    flow: 'a/Loop' # itself\n  - kind: run-flow\n    flow: \"a/Loop\"\n");
  w.setFile('packages/p.package.yaml', 'name: p\nversion: 1\ndefinitions:\n  flows: [a/Loop]\nreplacements:\n  - kind: flow\n    from: a/Loop\n    to: b/Other\nschedules:\n  - name: s\n    flow: a/Loop\n    expression: "* * * * *"\n');
  const result = renameFlow(w, 'a/Loop', 'a/Cycle');
  const after = applyRename(w, result);
  assert.equal(after.get('flows/a/Cycle.flow.yaml'), "steps:\n  - kind: run-flow\n    flow: 'a/Cycle' # itself\n  - kind: run-flow\n    flow: \"a/Cycle\"\n");
  assert.equal(after.get('packages/p.package.yaml'), 'name: p\nversion: 1\ndefinitions:\n  flows: [a/Cycle]\nreplacements:\n  - kind: flow\n    from: a/Cycle\n    to: b/Other\nschedules:\n  - name: s\n    flow: a/Cycle\n    expression: "* * * * *"\n');
});

test('rename refuses an invalid or colliding name, and a cursor that is not on a flow', async () => {
  const w = await ws();
  const refuse = (to: string, message: RegExp) => assert.throws(() => renameFlow(w, 'network/core/Run-Command', to), (e: unknown) => e instanceof RenameError && message.test(e.message));
  refuse('network/core/Check-Reachability', /flow 'network\/core\/Check-Reachability' already exists/);
  refuse('NETWORK/core/check-reachability', /already exists/);
  refuse('network/core/Run-Command', /already has that name/);
  refuse('bad name', /may only contain letters, digits/);
  refuse('a//b', /empty, '\.' or '\.\.'/);
  refuse('../escape', /empty, '\.' or '\.\.'/);
  refuse('', /cannot be empty/);
  refuse(`x/${'n'.repeat(101)}`, /longer than 100 characters/);
  refuse('a/__proto__', /reserved name/);
  refuse('x'.repeat(300), /at most 255 characters/);
  assert.throws(() => renameFlow(w, 'no/Such', 'a/B'), /does not exist/);
  const text = await read(RESTART);
  assert.throws(() => prepareRename(w, { relPath: RESTART, text }, find(text, 'description', 2)), (e: unknown) => e instanceof RenameError && /Put the cursor on a flow's name/.test(e.message));
  const gw = await read('flows/network/inventory/Get-Gateway-Status.flow.yaml');
  assert.throws(() => prepareRename(w, { relPath: 'flows/network/inventory/Get-Gateway-Status.flow.yaml', text: gw }, find(gw, 'local-gateway', 1)), /Only flows can be renamed/);
});
