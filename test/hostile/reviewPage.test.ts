/**
 * The Review Import page against hostile input, in Node (the parts without `vscode`):
 * - a hostile page (the webview is untrusted): every request's parameters are checked before any
 *   gateway call — random JSON values, prototype keys, wrong types, control characters, lists and
 *   strings past the bounds — and either refused by field (a `ParamsRefused`) or passed on as a
 *   clean copy that holds only the fields the request has;
 * - a hostile package: the references the pickers offer are read from the package's flow texts
 *   (alias bombs, deep nesting, huge texts, not YAML at all, references that are expressions):
 *   read with core's bounded parser, they come back as a bounded list of plain {kind, id};
 * - a hostile (or just huge) target: the pickers' lists stay at LIMITS.reviewPickerChoices.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PreviewResponse } from '../../src/core/api/types';
import { LIMITS } from '../../src/core/limits';
import { diffLineCounts, previewSummary, referencesIn, replacementCandidates, shownUrl } from '../../src/extension/review/reviewModel';
import { applyParams, ParamsRefused, rejectParams, saveReplacementsParams, showDefinitionParams } from '../../src/extension/review/reviewParams';

/** The errors of a refused call, or undefined when it passed. */
function refusal(f: () => unknown): { field: string; message: string }[] | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ParamsRefused, `threw something other than a refusal: ${String(err)}`);
    assert.ok(err.errors.length > 0 && err.errors.length <= 50, `refusal with ${err.errors.length} errors`);
    for (const e of err.errors) {
      assert.equal(typeof e.field, 'string');
      assert.equal(typeof e.message, 'string');
      assert.ok(e.message.length < 400, `an error message of ${e.message.length} characters echoes the input`);
    }
    return err.errors;
  }
}

/** A small deterministic generator of arbitrary JSON-ish values (and a few non-JSON ones). */
function* values(seed: number, count: number): Generator<unknown> {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const atoms: unknown[] = [null, undefined, true, 0, -1, 1.5, NaN, Infinity, 2 ** 60, '', ' ', 'flow', 'connection', 'a\u0000b', 'x'.repeat(300), '\u001b[31m', [], {}, () => 1, Symbol('s')];
  const gen = (depth: number): unknown => {
    const r = next();
    if (depth > 3 || r < 0.4) return atoms[Math.floor(next() * atoms.length)];
    if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => gen(depth + 1));
    const o: Record<string, unknown> = {};
    for (const k of ['kind', 'from', 'to', 'id', 'reason', 'expect', 'new', 'changed', 'replacements', '__proto__', 'constructor', 'extra']) if (next() < 0.4) o[k] = gen(depth + 1);
    return o;
  };
  for (let i = 0; i < count; i++) yield gen(0);
}

describe('a hostile page: the Review Import requests are checked before any gateway call', () => {
  test('random values: refused by field, or a clean copy of exactly the request\'s fields', () => {
    for (const v of values(7, 4000)) {
      const r = refusal(() => saveReplacementsParams(v));
      if (!r) {
        const ok = saveReplacementsParams(v);
        assert.deepEqual(Object.keys(ok), ['replacements']);
        for (const rep of ok.replacements) {
          assert.deepEqual(Object.keys(rep), ['kind', 'from', 'to']);
          assert.ok(rep.kind === 'flow' || rep.kind === 'connection');
        }
      }
      if (!refusal(() => rejectParams(v))) assert.equal(typeof rejectParams(v).reason, 'string');
      if (!refusal(() => applyParams(v))) assert.deepEqual(Object.keys(applyParams(v).expect), ['new', 'changed']);
      if (!refusal(() => showDefinitionParams(v))) assert.deepEqual(Object.keys(showDefinitionParams(v)), ['kind', 'id']);
    }
  });

  test('prototype keys and extra fields do not pass through', () => {
    const polluted = JSON.parse('{"replacements":[{"kind":"flow","from":"a","to":"b","__proto__":{"admin":true}}]}');
    const errors = refusal(() => saveReplacementsParams(polluted));
    assert.deepEqual(errors?.map((e) => e.field), ['replacements[0]']);
    const clean = saveReplacementsParams({ replacements: [{ kind: 'flow', from: 'a', to: 'b' }] });
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.deepEqual(clean, { replacements: [{ kind: 'flow', from: 'a', to: 'b' }] });
  });

  test('a gateway URL with a user and password in it reaches the page without them', () => {
    assert.equal(shownUrl('https://alice:s3cret@qa.example:8443/base'), 'https://qa.example:8443/base');
    assert.equal(shownUrl('http://127.0.0.1:8722'), 'http://127.0.0.1:8722');
    assert.equal(shownUrl('not a url s3cret'), '(not a URL)');
  });

  test('bounds: the list, each id, the reason; each refusal names its field', () => {
    const many = { replacements: Array.from({ length: LIMITS.replacementsPerImport + 1 }, (_, i) => ({ kind: 'flow', from: `a${i}`, to: 'b' })) };
    assert.deepEqual(refusal(() => saveReplacementsParams(many))?.map((e) => e.field), ['replacements']);
    const exactly = { replacements: Array.from({ length: LIMITS.replacementsPerImport }, (_, i) => ({ kind: 'flow', from: `a${i}`, to: 'b' })) };
    assert.equal(saveReplacementsParams(exactly).replacements.length, LIMITS.replacementsPerImport);
    const long = 'x'.repeat(LIMITS.definitionIdLength + 1);
    assert.deepEqual(refusal(() => saveReplacementsParams({ replacements: [{ kind: 'flow', from: long, to: 'b' }] }))?.map((e) => e.field), ['replacements[0].from']);
    assert.deepEqual(refusal(() => rejectParams({ reason: 'r'.repeat(LIMITS.rejectReasonLength + 1) }))?.map((e) => e.field), ['reason']);
    assert.deepEqual(refusal(() => rejectParams({ reason: 'why\u001b[2J' }))?.map((e) => e.field), ['reason']);
    assert.deepEqual(refusal(() => applyParams({ expect: { new: 1e12, changed: 0 } }))?.map((e) => e.field), ['expect.new']);
    assert.deepEqual(refusal(() => showDefinitionParams({ kind: 'flow', id: 'a\nb' }))?.map((e) => e.field), ['id']);
    // Many bad rows: at most 50 problems come back.
    const bad = { replacements: Array.from({ length: 200 }, () => ({ kind: 'x', from: '', to: '' })) };
    assert.equal(refusal(() => saveReplacementsParams(bad))?.length, 50);
  });
});

describe('a hostile package: the references the pickers offer', () => {
  test('an alias bomb, deep nesting, a huge text, not YAML, expressions: a bounded list of plain references', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`), 'steps: *j'].join('\n');
    assert.deepEqual(referencesIn('p/Bomb', bomb), []);
    const deep = 'steps:\n' + '  '.repeat(0) + Array.from({ length: 2000 }, (_, i) => `${'  '.repeat(i)}- kind: if\n${'  '.repeat(i)}  then:`).join('\n');
    assert.ok(Array.isArray(referencesIn('p/Deep', deep)));
    const huge = 'steps:\n' + Array.from({ length: 200_000 }, (_, i) => `  - kind: run-flow\n    flow: f/F${i}`).join('\n');
    assert.deepEqual(referencesIn('p/Huge', huge), [], 'a text past core\'s YAML bounds (lines, keys) is not parsed at all');
    assert.deepEqual(referencesIn('p/Garbage', '\u0000\u0001{[}]: : :'), []);
    assert.deepEqual(referencesIn('p/List', '- 1\n- 2\n'), []);
    const refs = referencesIn('p/Mixed', 'steps:\n  - kind: run-flow\n    flow: "=$lookup(x)"\n  - kind: http\n    connection: crm-dev\n  - kind: run-flow\n    flow: ops/Notify\n');
    assert.deepEqual(refs, [
      { kind: 'connection', id: 'crm-dev' },
      { kind: 'flow', id: 'ops/Notify' },
    ]);
  });

  test('the pickers\' lists are bounded however many references, target definitions and package definitions there are', () => {
    const n = LIMITS.reviewPickerChoices + 500;
    const text = 'steps:\n' + Array.from({ length: n }, (_, i) => `  - kind: run-flow\n    flow: f/F${i}`).join('\n');
    const preview = { definitions: [{ kind: 'flow', id: 'p/Many', change: 'new', sha256: '0'.repeat(64), text }] } as Pick<PreviewResponse, 'definitions'>;
    const detail = {
      validation: { ok: false, problems: [{ severity: 'error' as const, code: 'missing-reference' as const, message: 'm', reference: { kind: 'flow' as const, id: 'f/Missing' } }] },
      replacements: [],
      definitions: Array.from({ length: n }, (_, i) => ({ kind: 'flow' as const, id: `p/D${i}`, file: 'x', sha256: '0'.repeat(64) })),
    };
    const target = Array.from({ length: n }, (_, i) => ({ kind: 'connection' as const, id: `c${i}` }));
    const c = replacementCandidates(detail, preview, target);
    assert.deepEqual(c.references[0], { kind: 'flow', id: 'f/Missing' }, 'what the target lacks comes first');
    assert.equal(c.references.length, LIMITS.reviewPickerChoices);
    assert.equal(c.target.length, LIMITS.reviewPickerChoices);
    assert.equal(c.package.length, LIMITS.reviewPickerChoices);
    assert.deepEqual(Object.keys(c.package[0]), ['kind', 'id'], 'the package\'s entries cross as {kind, id} only');
  });

  test('the preview crosses without texts; line counts of a diff', () => {
    const preview: PreviewResponse = {
      id: 'i1',
      validation: { ok: true, problems: [] },
      definitions: [
        { kind: 'flow', id: 'b/Same', change: 'unchanged', sha256: '1'.repeat(64), text: 'SECRET-TEXT', currentText: 'SECRET-TEXT', currentSha256: '1'.repeat(64) },
        { kind: 'flow', id: 'a/New', change: 'new', sha256: '2'.repeat(64), text: 'SECRET-TEXT' },
        { kind: 'flow', id: 'c/Changed', change: 'changed', sha256: '3'.repeat(64), text: 'SECRET-TEXT', currentText: 'old', diff: '--- a\n+++ b\n@@ -1 +1,2 @@\n-old\n+new\n+more\n' },
      ],
    };
    const s = previewSummary(preview);
    assert.ok(!JSON.stringify(s).includes('SECRET-TEXT'));
    assert.deepEqual(s.items.map((i) => i.id), ['c/Changed', 'a/New', 'b/Same']);
    assert.deepEqual(s.counts, { new: 1, changed: 1, unchanged: 1 });
    assert.deepEqual({ added: s.items[0].added, removed: s.items[0].removed }, { added: 2, removed: 1 });
    assert.deepEqual(diffLineCounts(''), { added: 0, removed: 0 });
  });
});
