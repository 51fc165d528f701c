/**
 * Quick fixes (core/fixes): each fix of each diagnostic, applied to real files in a temp copy of
 * the examples, the workspace loaded again from disk and revalidated: the diagnostic is gone and
 * no error appeared that was not there before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Diagnostic } from '../../src/core/model/diagnostic';
import { quickFixes, closestMatches, inferredType, type QuickFix } from '../../src/core/fixes/quickFixes';
import { applyTextEdits } from '../../src/core/fixes/textEdits';
import { WorkspaceValidation } from '../../src/core/validate/workspaceValidation';
import { directorySource, loadWorkspace, type Workspace } from '../../src/core/workspace/workspace';

const examples = path.resolve(__dirname, '../../examples');
const RESTART = 'flows/network/core/Restart-Service.flow.yaml';
const CHECK = 'flows/network/core/Check-Reachability.flow.yaml';
const STATUS = 'flows/network/inventory/Get-Gateway-Status.flow.yaml';
const DRAFT = 'packages/network-ops.package.yaml';

async function exampleText(rel: string): Promise<string> {
  return readFile(path.join(examples, rel), 'utf8');
}

async function workspaceDir(changes: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flowgate-fixes-'));
  await cp(examples, dir, { recursive: true });
  for (const [rel, text] of Object.entries(changes)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

function errorsOf(v: WorkspaceValidation): Diagnostic[] {
  return [...v.all().values()].flat();
}

/** One problem, whatever its message says (a message may change when another file appears: "… and it does not exist"). */
const key = (d: Diagnostic) =>
  d.data?.id !== undefined || d.data?.child !== undefined
    ? `${d.file}|${d.code}|${d.data?.kind}|${d.data?.id}|${d.data?.child}|${JSON.stringify(d.data?.inputs)}`
    : `${d.file}|${d.code}|${d.message}`;
const sameProblem = (a: Diagnostic, b: Diagnostic) =>
  a.file === b.file && a.code === b.code && a.data?.id === b.data?.id && a.data?.child === b.data?.child && JSON.stringify(a.data?.inputs) === JSON.stringify(b.data?.inputs) && (a.code !== 'schema' || a.message === b.message);

async function applyFix(dir: string, fix: QuickFix): Promise<void> {
  for (const edit of fix.edits) {
    const abs = path.join(dir, edit.file);
    await writeFile(abs, applyTextEdits(await readFile(abs, 'utf8'), [edit]));
  }
  for (const nf of fix.newFiles) {
    const abs = path.join(dir, nf.file);
    await assert.rejects(access(abs), `${nf.file} must not exist before the fix`);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, nf.text);
  }
}

/**
 * With the examples changed by `changes`: the diagnostic `code` in `file` (the first that
 * `which` accepts) has exactly the fixes titled `titles` (the preferred one first); each, applied
 * on its own copy, removes it without a new error. Returns the texts after each fix, by title.
 */
async function checkFixes(
  changes: Record<string, string>,
  file: string,
  code: string,
  titles: string[],
  which: (d: Diagnostic) => boolean = () => true,
): Promise<Map<string, Record<string, string>>> {
  const dir = await workspaceDir(changes);
  const results = new Map<string, Record<string, string>>();
  try {
    const ws = await loadWorkspace(directorySource(dir));
    const v = new WorkspaceValidation(ws);
    v.validateAll();
    const before = errorsOf(v);
    const diag = v.get(file).find((d) => d.code === code && which(d));
    assert.ok(diag, `no ${code} in ${file}: ${JSON.stringify(v.get(file).map((d) => d.code + ': ' + d.message))}`);
    const fixes = quickFixes(ws, diag);
    assert.deepEqual(fixes.map((f) => f.title), titles, `fixes of ${code}: ${diag.message}`);
    if (titles.length) assert.equal(fixes.filter((f) => f.isPreferred).length, 1, 'exactly one preferred fix');
    if (titles.length) assert.equal(fixes[0].isPreferred, true, 'the first fix is the preferred one');
    for (const fix of fixes) {
      const copy = await workspaceDir(changes);
      try {
        await applyFix(copy, fix);
        const after = new WorkspaceValidation(await loadWorkspace(directorySource(copy)));
        after.validateAll();
        const now = errorsOf(after);
        assert.ok(!now.some((d) => sameProblem(d, diag)), `after '${fix.title}', still: ${diag.message}\n${JSON.stringify(now.map(key))}`);
        const old = new Set(before.map(key));
        const fresh = now.filter((d) => d.severity === 'error' && !old.has(key(d)));
        assert.deepEqual(fresh, [], `'${fix.title}' made new errors`);
        const texts: Record<string, string> = {};
        for (const e of [...fix.edits.map((x) => x.file), ...fix.newFiles.map((x) => x.file)]) texts[e] = await readFile(path.join(copy, e), 'utf8');
        results.set(fix.title, texts);
      } finally {
        await rm(copy, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

test('the examples have no diagnostics, so every problem below is the one made', async () => {
  const v = new WorkspaceValidation(await loadWorkspace(directorySource(examples)));
  assert.deepEqual(errorsOf(v.validateAll() && v), []);
});

test('a flow using a connection no file defines: create connections/<Name>.connection.yaml', async () => {
  const status = (await exampleText(STATUS)).replace('connection: local-gateway', 'connection: crm-dev');
  const r = await checkFixes({ [STATUS]: status }, STATUS, 'unknown-connection', ["Create connection 'crm-dev' (connections/crm-dev.connection.yaml)"]);
  const created = r.get("Create connection 'crm-dev' (connections/crm-dev.connection.yaml)")!['connections/crm-dev.connection.yaml'];
  assert.match(created, /^baseUrl: /m);
});

test('a misspelt connection: change to the nearest (preferred), or create it', async () => {
  const status = (await exampleText(STATUS)).replace('connection: local-gateway', 'connection: local-gatway');
  const r = await checkFixes({ [STATUS]: status }, STATUS, 'unknown-connection', [
    "Change to connection 'local-gateway'",
    "Create connection 'local-gatway' (connections/local-gatway.connection.yaml)",
  ]);
  assert.match(r.get("Change to connection 'local-gateway'")![STATUS], /connection: local-gateway\n/);
});

test('a misspelt flow in run-flow: one "Change to" per close match, nearest first, and "Create flow" with the inputs given', async () => {
  // A flow outside the package (so changing its reference changes no package's dependencies).
  const CALLER = 'flows/other/Caller.flow.yaml';
  const changes = {
    'flows/network/core/Check-Reachabilty2.flow.yaml': await exampleText(CHECK),
    [CALLER]: 'steps:\n  - kind: run-flow\n    flow: network/core/Check-Reachabilty\n    inputs:\n      device: "= \'x\'"\n',
  };
  const r = await checkFixes(changes, CALLER, 'unknown-flow', [
    "Change to flow 'network/core/Check-Reachability'",
    "Change to flow 'network/core/Check-Reachabilty2'",
    "Create flow 'network/core/Check-Reachabilty' (flows/network/core/Check-Reachabilty.flow.yaml)",
  ]);
  const created = r.get("Create flow 'network/core/Check-Reachabilty' (flows/network/core/Check-Reachabilty.flow.yaml)")!['flows/network/core/Check-Reachabilty.flow.yaml'];
  assert.match(created, /inputs:\n {2}device:\n {4}type: any\n/, 'the input the call passes is declared (an expression: any)');
});

test('a child flow called with an input it does not declare: declare it, typed from the value', async () => {
  const restart = (await exampleText(RESTART)).replace('      device: "= device"\n    output: reachability', '      device: "= device"\n      retries: 3\n    output: reachability');
  const r = await checkFixes({ [RESTART]: restart }, RESTART, 'unknown-input', ["Declare input 'retries' (integer) in flow 'network/core/Check-Reachability'"]);
  const child = r.get("Declare input 'retries' (integer) in flow 'network/core/Check-Reachability'")![CHECK];
  assert.equal(child, (await exampleText(CHECK)).replace('    type: string\noutputs:', '    type: string\n  retries:\n    type: integer\noutputs:'), 'one entry inserted, nothing else touched');
});

test('declaring an input other callers do not pass makes it optional (no new missing-input elsewhere)', async () => {
  const caller = ['steps:', '  - kind: run-flow', '    flow: network/core/Check-Reachability', '    inputs:', '      device: a', ''].join('\n');
  const restart = (await exampleText(RESTART)).replace('      device: "= device"\n    output: reachability', '      device: "= device"\n      verbose: true\n    output: reachability');
  const r = await checkFixes({ [RESTART]: restart, 'flows/other/Caller.flow.yaml': caller }, RESTART, 'unknown-input', [
    "Declare input 'verbose' (boolean) in flow 'network/core/Check-Reachability'",
  ]);
  assert.match(r.get("Declare input 'verbose' (boolean) in flow 'network/core/Check-Reachability'")![CHECK], / {2}verbose:\n {4}type: boolean\n {4}required: false\n/);
});

test('a misspelt input name: change to the declared one (preferred), or declare it', async () => {
  const restart = (await exampleText(RESTART)).replace('      device: "= device"\n    output: reachability', '      devce: "= device"\n    output: reachability');
  const r = await checkFixes({ [RESTART]: restart }, RESTART, 'unknown-input', [
    "Change to input 'device' of flow 'network/core/Check-Reachability'",
    "Declare input 'devce' (any) in flow 'network/core/Check-Reachability'",
  ]);
  assert.match(r.get("Change to input 'device' of flow 'network/core/Check-Reachability'")![RESTART], /\n {6}device: "= device"\n {4}output: reachability/);
});

test('a child flow declaring no inputs yet: declare it in a new inputs block', async () => {
  const status = (await exampleText(STATUS)) + '  - kind: run-flow\n    flow: network/inventory/Leaf\n    inputs:\n      name: x\n';
  const leaf = 'description: a leaf\nsteps:\n  - kind: log\n    message: hi\n';
  const r = await checkFixes({ [STATUS]: status, 'flows/network/inventory/Leaf.flow.yaml': leaf }, STATUS, 'unknown-input', ["Declare input 'name' (string) in flow 'network/inventory/Leaf'"]);
  assert.equal(r.get("Declare input 'name' (string) in flow 'network/inventory/Leaf'")!['flows/network/inventory/Leaf.flow.yaml'], 'description: a leaf\ninputs:\n  name:\n    type: string\nsteps:\n  - kind: log\n    message: hi\n');
});

test('a child flow with an empty or flow-style inputs mapping: the input is declared there', async () => {
  for (const inputs of ['inputs: {}\n', 'inputs: { other: { type: string, required: false } }\n']) {
    const status = (await exampleText(STATUS)) + '  - kind: run-flow\n    flow: network/inventory/Leaf\n    inputs:\n      name: x\n';
    const leaf = `description: a leaf\n${inputs}steps:\n  - kind: log\n    message: hi # a comment\n`;
    const r = await checkFixes({ [STATUS]: status, 'flows/network/inventory/Leaf.flow.yaml': leaf }, STATUS, 'unknown-input', ["Declare input 'name' (string) in flow 'network/inventory/Leaf'"]);
    const after = r.get("Declare input 'name' (string) in flow 'network/inventory/Leaf'")!['flows/network/inventory/Leaf.flow.yaml'];
    assert.match(after, /name/);
    assert.match(after, /message: hi # a comment\n/, 'the rest of the file kept');
  }
});

test('a call without a required input: add it to the call (with inputs, and without an inputs block)', async () => {
  const withOther = (await exampleText(RESTART)).replace(
    '        inputs:\n          device: "= device"\n          command: "= \'systemctl restart \' & service"',
    '        inputs:\n          device: "= device"',
  );
  const r1 = await checkFixes({ [RESTART]: withOther }, RESTART, 'missing-input', ["Add input 'command' to the call of 'network/core/Run-Command'"]);
  assert.match(r1.get("Add input 'command' to the call of 'network/core/Run-Command'")![RESTART], /\n {10}device: "= device"\n {10}dryRun: "= dryRun"\n {10}command: ""\n {8}output: result\n/);
  const without = (await exampleText(RESTART)).replace('    inputs:\n      device: "= device"\n    output: reachability', '    output: reachability');
  await checkFixes({ [RESTART]: without }, RESTART, 'missing-input', ["Add input 'device' to the call of 'network/core/Check-Reachability'"]);
});

test('misspelt keys, step kinds and enum values: "Change to" the schema\'s name', async () => {
  const base = await exampleText(CHECK);
  const key = base.replace("    message: \"= device & ' reachable: ' & $string(reachable)\"", "    mesage: \"= device & ' reachable: ' & $string(reachable)\"");
  await checkFixes({ [CHECK]: key }, CHECK, 'schema', ["Change to 'message'"], (d) => /mesage/.test(d.message));
  const kind = base.replace('  - kind: log\n', '  - kind: lgo\n');
  const r = await checkFixes({ [CHECK]: kind }, CHECK, 'schema', ["Change to 'log'"], (d) => /step kind/.test(d.message));
  assert.match(r.get("Change to 'log'")![CHECK], /\n {2}- kind: log\n/);
  const level = base.replace('    level: debug\n', '    level: debog\n');
  await checkFixes({ [CHECK]: level }, CHECK, 'schema', ["Change to 'debug'"], (d) => /debog/.test(d.message));
});

test("a package name that differs from its file name: change it to the file's", async () => {
  const draft = (await exampleText(DRAFT)).replace('name: network-ops', 'name: network-opz');
  await checkFixes({ [DRAFT]: draft }, DRAFT, 'name-mismatch', ["Change the name to 'network-ops' (the file's name)"]);
});

test('a package leaving out a flow its flows run: add it, with what it needs', async () => {
  const draft = (await exampleText(DRAFT)).replace('    - network/core/Check-Reachability\n    - network/core/Run-Command\n', '');
  const r = await checkFixes({ [DRAFT]: draft }, DRAFT, 'missing-dependency', ["Add flow 'network/core/Check-Reachability' to the package"], (d) => d.data?.id === 'network/core/Check-Reachability');
  assert.match(r.get("Add flow 'network/core/Check-Reachability' to the package")![DRAFT], /- network\/core\/Check-Reachability\n/);
});

test('a package leaving out a connection its flows use: add it; a connection that does not exist: create it and add it', async () => {
  const draft = (await exampleText(DRAFT)).replace('  connections:\n    - local-gateway\n', '  connections: []\n');
  await checkFixes({ [DRAFT]: draft }, DRAFT, 'missing-reference', ["Add connection 'local-gateway' to the package"]);
  const status = (await exampleText(STATUS)).replace('connection: local-gateway', 'connection: inventory-api');
  const r = await checkFixes({ [STATUS]: status }, DRAFT, 'missing-reference', ["Create connection 'inventory-api' (connections/inventory-api.connection.yaml) and add it to the package"]);
  const texts = r.get("Create connection 'inventory-api' (connections/inventory-api.connection.yaml) and add it to the package")!;
  assert.ok(texts['connections/inventory-api.connection.yaml']);
  assert.match(texts[DRAFT], /- inventory-api\n/);
});

test('a package entry that does not exist: change to the nearest, or remove it; a duplicate entry: remove it', async () => {
  const draft = (await exampleText(DRAFT)).replace('    - network/core/Run-Command\n', '    - network/core/Run-Comand\n    - network/core/Run-Command\n');
  await checkFixes({ [DRAFT]: draft }, DRAFT, 'unknown-definition', ["Change to flow 'network/core/Run-Command'", "Remove flow 'network/core/Run-Comand' from the package"]);
  const dup = (await exampleText(DRAFT)).replace('    - network/core/Run-Command\n', '    - network/core/Run-Command\n    - network/core/Run-Command\n');
  await checkFixes({ [DRAFT]: dup }, DRAFT, 'duplicate-entry', ["Remove the second 'network/core/Run-Command' entry"]);
});

test('replacements: remove an unused one; change an unknown target to the nearest', async () => {
  const unused = (await exampleText(DRAFT)) + 'replacements:\n  - kind: connection\n    from: nowhere\n    to: local-gateway\n';
  await checkFixes({ [DRAFT]: unused }, DRAFT, 'unused-replacement', ["Remove the replacement of connection 'nowhere'"]);
  const target = (await exampleText(DRAFT)) + 'replacements:\n  - kind: flow\n    from: network/core/Run-Command\n    to: network/core/Check-Reachabilty\n';
  await checkFixes({ [DRAFT]: target }, DRAFT, 'unknown-replacement-target', ["Replace with flow 'network/core/Check-Reachability'"]);
});

test('a schedule of a flow the package leaves out: add the flow', async () => {
  const draft = (await exampleText(DRAFT)).replace('    - network/inventory/Get-Gateway-Status\n', '');
  await checkFixes({ [DRAFT]: draft }, DRAFT, 'schedule-flow-not-in-package', ["Add flow 'network/inventory/Get-Gateway-Status' (and what it runs) to the package"]);
});

test('no fix where none is obvious: YAML syntax, expression syntax, input type, a secret in a connection', async () => {
  const broken = (await exampleText(CHECK)).replace('  - kind: log\n', '  - kind: log\n   bad: [\n');
  await checkFixes({ [CHECK]: broken }, CHECK, 'yaml-syntax', []);
  const expr = (await exampleText(CHECK)).replace('condition: "= reachable"', 'condition: "= reachable and"');
  await checkFixes({ [CHECK]: expr }, CHECK, 'expression-syntax', []);
  const type = (await exampleText(RESTART)).replace('      device: "= device"\n    output: reachability', '      device: 42\n    output: reachability');
  await checkFixes({ [RESTART]: type }, RESTART, 'input-type', []);
  const conn = (await exampleText('connections/local-gateway.connection.yaml')).replace('  Accept: application/json', '  Accept: application/json\n  Authorization: Bearer x');
  await checkFixes({ 'connections/local-gateway.connection.yaml': conn }, 'connections/local-gateway.connection.yaml', 'secret-in-connection', []);
});

test('a fix computed for a diagnostic of another text offers nothing wrong: it follows the file as it is now', async () => {
  const dir = await workspaceDir({ [STATUS]: (await exampleText(STATUS)).replace('connection: local-gateway', 'connection: local-gatway') });
  try {
    const ws: Workspace = await loadWorkspace(directorySource(dir));
    const v = new WorkspaceValidation(ws);
    v.validateAll();
    const d = v.get(STATUS).find((x) => x.code === 'unknown-connection')!;
    ws.setFile(STATUS, 'steps: [\n'); // the file broke meanwhile
    assert.deepEqual(quickFixes(ws, d).filter((f) => f.edits.length), []);
    assert.deepEqual(quickFixes(ws, { ...d, file: 'flows/not/There.flow.yaml' }), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('closestMatches: nearest first (agreeing with closestMatch), at most three; inferredType', () => {
  assert.deepEqual(closestMatches('lgg', ['set', 'log', 'if', 'wait', 'lug', 'leg', 'lag']), ['log', 'lag', 'leg']);
  assert.deepEqual(closestMatches('lgo', ['log', 'set']), [], 'two edits: too far for a name');
  assert.deepEqual(closestMatches('lgo', ['log', 'set'], 3, 2), ['log'], 'but near enough for a step kind');
  assert.deepEqual(closestMatches('zzzzzz', ['log']), []);
  assert.deepEqual(['a', 1, 1.5, true, [], {}, null, '= x', '== x'].map(inferredType), ['string', 'integer', 'number', 'boolean', 'array', 'object', 'any', 'any', 'string']);
});
