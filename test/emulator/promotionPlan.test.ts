/**
 * promotion/plan.ts in process, on a real PackageStore in a temp folder: what apply would write and
 * the validation — definitions included from the repository (transitively), a replaced flow the
 * package carries dropped, the problem list bounded, missing secrets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { readPackageFile } from '../../src/core/package/packageFile';
import { planImport } from '../../src/emulator/promotion/plan';
import { PackageStore } from '../../src/emulator/store/packageStore';
import { buildPackage } from './helpers';

const SET = 'steps:\n  - kind: set\n    values:\n      done: true\n';
const runs = (...flows: string[]) => `steps:\n${flows.map((f) => `  - kind: run-flow\n    flow: ${f}\n`).join('')}`;
const HTTP = (conn: string) => `steps:\n  - kind: http\n    connection: ${conn}\n    path: /x\n    output: r\n`;

describe('promotion plan: what apply writes, and the validation', () => {
  let dir: string;
  let store: PackageStore;
  const plan = async (bytes: Uint8Array, replacements: { kind: 'flow' | 'connection'; from: string; to: string }[] = [], secrets: string[] = []) =>
    planImport(await readPackageFile(bytes), replacements, { store, hasSecret: (n) => secrets.includes(n) });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-plan-'));
    store = await PackageStore.open(dir);
    // The repository: ops/Audit uses connection audit-conn (secret audit-token); ops/Other is plain.
    await store.upload(await buildPackage('repo', 1, { 'ops/Audit': HTTP('audit-conn'), 'ops/Other': SET }, { 'audit-conn': 'baseUrl: http://127.0.0.1:9\nauth:\n  type: bearer\n  secret: audit-token\n' }));
  });
  after(async () => {
    await store?.flush();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a flow the package lacks is included from the repository, and what it uses with it', async () => {
    const p = await plan(await buildPackage('app', 1, { 'app/Main': runs('ops/Audit') }));
    assert.deepEqual(p.definitions.map((d) => [`${d.kind}:${d.id}`, d.fromRepository]), [['flow:app/Main', false], ['flow:ops/Audit', true], ['connection:audit-conn', true]]);
    assert.equal(p.validation.ok, true);
    assert.deepEqual(p.validation.problems.map((x) => [x.code, x.reference?.id]), [['missing-secret', 'audit-token']]);
    const withSecret = await plan(await buildPackage('app', 1, { 'app/Main': runs('ops/Audit') }), [], ['audit-token']);
    assert.deepEqual(withSecret.validation.problems, []);
  });

  test('a replaced flow the package carries is dropped when nothing uses it any more; the texts name the replacement', async () => {
    const bytes = await buildPackage('app', 1, { 'app/Main': runs('app/Notify'), 'app/Notify': SET });
    const p = await plan(bytes, [{ kind: 'flow', from: 'app/Notify', to: 'ops/Other' }]);
    assert.deepEqual(p.definitions.map((d) => d.id), ['app/Main', 'ops/Other']);
    assert.match(p.definitions[0].text, /flow: ops\/Other/);
    assert.doesNotMatch(p.definitions[0].text, /app\/Notify/);
    assert.equal(p.validation.ok, true);
    // Kept while something still runs it.
    const kept = await plan(await buildPackage('app', 1, { 'app/Main': runs('app/Notify'), 'app/Second': runs('app/Notify'), 'app/Notify': SET }), [{ kind: 'flow', from: 'app/Notify', to: 'ops/Other' }]);
    assert.deepEqual(kept.definitions.map((d) => d.id), ['app/Main', 'app/Second', 'ops/Other']);
  });

  test('the problem list is bounded and says how many more there are; ok stays false', async () => {
    const half = (LIMITS.validationProblems + 50) / 2;
    const missing = (from: number) => Array.from({ length: half }, (_, i) => `gone/F${from + i}`);
    const p = await plan(await buildPackage('app', 1, { 'app/A': runs(...missing(0)), 'app/B': runs(...missing(half)) }));
    assert.equal(p.validation.ok, false);
    assert.equal(p.validation.problems.length, LIMITS.validationProblems);
    assert.match(p.validation.problems[LIMITS.validationProblems - 1].message, /\(and 50 more problems not listed\)$/);
  });
});
