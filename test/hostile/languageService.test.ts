/**
 * Hostile workspace files aimed at the language service (src/core/language): a file over the
 * parser's bounds, 10,000 steps, nesting at and past the depth bound, 10,000 variables, more
 * references than one answer may hold, names at and past the length bounds, 64 KB descriptions,
 * cyclic child flows, prototype-named keys, alias bombs and nonsense positions. Every feature must
 * answer (bounded by LIMITS.language*) and never throw.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completions, definition, documentSymbols, findReferences, hover, prepareRename, references, renameFlow, RenameError, resolveCompletion, variablesInScope } from '../../src/core/language';
import { LIMITS } from '../../src/core/limits';
import type { Position } from '../../src/core/model/diagnostic';
import { Workspace } from '../../src/core/workspace/workspace';

const FLOW = 'flows/h/Target.flow.yaml';

/** Every feature at `pos`; each must return (not throw). */
function everything(ws: Workspace, relPath: string, text: string, pos: Position) {
  const doc = { relPath, text };
  const c = completions(ws, doc, pos);
  const h = hover(ws, doc, pos);
  const d = definition(ws, doc, pos);
  const r = references(ws, doc, pos, true);
  const s = documentSymbols(doc);
  let rename: unknown;
  try {
    rename = prepareRename(ws, doc, pos);
  } catch (e) {
    assert.ok(e instanceof RenameError, `prepareRename threw ${String(e)}`);
  }
  return { c, h, d, r, s, rename };
}

function workspace(files: Record<string, string>): Workspace {
  const ws = new Workspace();
  for (const [rel, text] of Object.entries(files)) ws.setFile(rel, text);
  return ws;
}

test('a file over the parser bounds: every feature answers nothing', () => {
  const huge = `steps:\n  - kind: log\n    message: "${'x'.repeat(LIMITS.yamlFileBytes)}"\n`;
  const ws = workspace({});
  for (const pos of [{ line: 0, character: 0 }, { line: 1, character: 10 }, { line: 2, character: 20 }]) {
    const all = everything(ws, FLOW, huge, pos);
    assert.deepEqual(all.c.items, []);
    assert.equal(all.h, undefined);
    assert.deepEqual(all.s, []);
  }
});

test('10,000 steps: the outline stops at LIMITS.languageSymbols; completion still answers at the end', () => {
  const text = `steps:\n${'  - kind: log\n'.repeat(10_000)}  - kind: set\n    values:\n      last: "= "\n`;
  const ws = workspace({ [FLOW]: text });
  assert.equal(ws.file(FLOW)!.yaml.errors.filter((e) => e.code === 'yaml-limit').length, 0, 'within the parser bounds');
  const symbols = documentSymbols({ relPath: FLOW, text }, ws.file(FLOW));
  assert.equal(symbols.length, LIMITS.languageSymbols);
  const lastLine = text.split('\n').length - 2;
  const items = completions(ws, { relPath: FLOW, text }, { line: lastLine, character: 15 }).items;
  assert.ok(items.some((i) => i.label === '$string'));
});

test('10,000 variables: the scope lists LIMITS.languageScopeVariables of them, completion stays within LIMITS.languageItems', () => {
  const values = Array.from({ length: 10_000 }, (_, i) => `      v${i}: ${i}\n`).join('');
  const text = `steps:\n  - kind: set\n    values:\n${values}  - kind: log\n    message: "= v"\n`;
  const ws = workspace({ [FLOW]: text });
  assert.equal(variablesInScope(ws.file(FLOW)!.yaml.value, ['steps', 1, 'message']).length, LIMITS.languageScopeVariables);
  const lastLine = text.split('\n').length - 2;
  const c = completions(ws, { relPath: FLOW, text }, { line: lastLine, character: 17 });
  assert.ok(c.items.length <= LIMITS.languageItems && c.items.some((i) => i.label === 'v0'), `${c.items.length} items`);
});

test('nesting: at the depth bound the deepest step still completes; past it (refused by the parser) nothing', () => {
  const nested = (levels: number) => {
    let text = 'steps:\n';
    let indent = '  ';
    for (let i = 0; i < levels; i++) {
      text += `${indent}- kind: if\n${indent}  condition: true\n${indent}  then:\n`;
      indent += '    ';
    }
    return { text: `${text}${indent}- kind: log\n${indent}  message: "= "\n`, line: 3 * levels + 2, character: indent.length + 14 };
  };
  const ok = nested(25);
  const ws = workspace({});
  const c = completions(ws, { relPath: FLOW, text: ok.text }, { line: ok.line, character: ok.character });
  assert.ok(c.items.some((i) => i.label === '$string'), 'functions offered at depth 25');
  let depth = 0;
  for (let s = documentSymbols({ relPath: FLOW, text: ok.text }); s.length; s = s[0].children) depth++;
  assert.equal(depth, 25 * 2 + 1, 'each if and its then group');
  const deep = nested(60);
  const all = everything(ws, FLOW, deep.text, { line: deep.line, character: deep.character });
  assert.deepEqual(all.c.items, []);
  assert.deepEqual(all.s, []);
});

test('more references than one answer holds: find references is truncated, rename refuses', () => {
  const runs = (n: number) => `steps:\n${'  - kind: run-flow\n    flow: h/Target\n'.repeat(n)}`;
  const ws = workspace({ [FLOW]: 'steps: []\n', 'flows/h/A.flow.yaml': runs(5001), 'flows/h/B.flow.yaml': runs(5001) });
  const { locations, truncated } = findReferences(ws, 'flow', 'h/Target');
  assert.equal(truncated, true);
  assert.equal(locations.length, LIMITS.languageLocations);
  assert.throws(() => renameFlow(ws, 'h/Target', 'h/Renamed'), (e: unknown) => e instanceof RenameError && /more than 10000 places/.test(e.message));
  // Under the bound: every one is renamed.
  const fewer = workspace({ [FLOW]: 'steps: []\n', 'flows/h/A.flow.yaml': runs(3000) });
  assert.equal(renameFlow(fewer, 'h/Target', 'h/Renamed').edits.length, 3000);
});

test('long names and descriptions: ids at the bounds work, beyond them a rename is refused; text is clipped', () => {
  const seg = 'n'.repeat(LIMITS.nameLength);
  const longId = `${seg}/${seg}/${'m'.repeat(LIMITS.definitionIdLength - 2 * LIMITS.nameLength - 2)}`;
  assert.equal(longId.length, LIMITS.definitionIdLength);
  const description = 'd'.repeat(64 * 1024);
  const ws = workspace({ [`flows/${longId}.flow.yaml`]: `description: ${description}\ninputs:\n  a:\n    type: string\n    description: ${description}\nsteps: []\n` });
  const text = `steps:\n  - kind: run-flow\n    flow: ${longId}\n`;
  const item = completions(ws, { relPath: FLOW, text }, { line: 2, character: 10 }).items.find((i) => i.label === longId)!;
  assert.ok(item.detail!.length <= 121, `detail of ${item.detail!.length} characters`);
  assert.ok(resolveCompletion(ws, item).documentation!.length < 5000);
  const h = hover(ws, { relPath: FLOW, text }, { line: 2, character: 12 })!;
  assert.ok(h.contents.length < 5000, `hover of ${h.contents.length} characters`);
  assert.throws(() => renameFlow(ws, longId, `${longId}x`), /at most 255 characters/);
  assert.throws(() => renameFlow(ws, longId, `a/${'x'.repeat(LIMITS.nameLength + 1)}`), /longer than 100 characters/);
  assert.equal(renameFlow(ws, longId, 'short/Name').fileRenames[0].to, 'flows/short/Name.flow.yaml');
});

test('cyclic child flows: completion, hover, scope, references and rename terminate', () => {
  const a = 'inputs:\n  x:\n    type: string\noutputs:\n  y:\n    type: string\nsteps:\n  - kind: run-flow\n    flow: c/B\n    inputs:\n      \n    output: b\n  - kind: run-flow\n    flow: c/A\n    output: self\n  - kind: log\n    message: "= b."\n';
  const b = 'inputs:\n  x:\n    type: string\noutputs:\n  z:\n    type: string\nsteps:\n  - kind: run-flow\n    flow: c/A\n    output: a\n';
  const ws = workspace({ 'flows/c/A.flow.yaml': a, 'flows/c/B.flow.yaml': b });
  const doc = { relPath: 'flows/c/A.flow.yaml', text: a };
  assert.deepEqual(completions(ws, doc, { line: 10, character: 6 }).items.map((i) => i.label), ['x']);
  assert.deepEqual(completions(ws, doc, { line: 16, character: 18 }).items.map((i) => i.label), ['z']);
  assert.match(hover(ws, doc, { line: 13, character: 11 })!.contents, /`c\/A`/);
  assert.equal(references(ws, doc, { line: 13, character: 11 }, false).length, 2);
  const r = renameFlow(ws, 'c/A', 'c/Z');
  assert.equal(r.edits.length, 2);
});

test('prototype-named keys and inputs, alias bombs, nonsense positions: no throw, no prototype leaks', () => {
  const child = 'inputs:\n  __proto__:\n    type: string\n  constructor:\n    type: string\nsteps: []\n';
  const parent = 'constructor: 1\nsteps:\n  - kind: run-flow\n    flow: p/Child\n    inputs:\n      toString: "= 1"\n      \n    __proto__: x\n';
  const ws = workspace({ 'flows/p/Child.flow.yaml': child });
  const doc = { relPath: 'flows/p/Parent.flow.yaml', text: parent };
  const labels = completions(ws, doc, { line: 6, character: 6 }).items.map((i) => i.label);
  assert.ok(labels.every((l) => l === '__proto__' || l === 'constructor'), labels.join(','));
  assert.match(hover(ws, doc, { line: 5, character: 8 })!.contents, /flow `p\/Child` has no input `toString`/, 'not the prototype\'s toString');
  assert.equal(hover(ws, doc, { line: 0, character: 3 }), undefined, 'no doc for a prototype-named top-level key');
  const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nsteps:\n  - *a\n  - kind: `;
  for (let line = 0; line < 8; line++) for (let character = 0; character < 30; character += 4) everything(ws, FLOW, bomb, { line, character });
  for (const pos of [{ line: Number.NaN, character: 0 }, { line: 0, character: Infinity }, { line: -1, character: -1 }, { line: 1e12, character: 1e12 }, { line: 1.5, character: 0 }]) {
    const all = everything(ws, FLOW, parent, pos as Position);
    assert.deepEqual(all.c.items, []);
  }
  // Not a Flowgate path, a path escaping the workspace.
  assert.deepEqual(everything(ws, '../../etc/passwd.flow.yaml', parent, { line: 2, character: 10 }).c.items, []);
  assert.deepEqual(everything(ws, 'flows/../x.flow.yaml', parent, { line: 2, character: 10 }).s, []);
});
