// The extension measures its own activation, cheaply: how long its bundle took to evaluate and
// how long activate() ran (FlowgateApi.activationTimings). bench/activation.ts reads them from
// here over several fresh windows: with FLOWGATE_ACTIVATION_OUT set, this test writes them to that
// file as JSON. No speed is asserted here (bench/RESULTS.md has the numbers against the goal).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension, waitFor } from './helpers';

suite('activation timings', () => {
  test('the extension running is the one under test (run.mjs --extension-path, or the unpacked .vsix with --vsix)', () => {
    const ext = extension();
    const expected = process.env.FLOWGATE_VSCODE_EXTENSION_UNDER_TEST;
    const manifest = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'flowgate');
    if (expected) assert.equal(fs.realpathSync(ext.extensionPath), fs.realpathSync(expected), `the extension was loaded from ${ext.extensionPath}, not ${expected}`);
    // The extension runs its bundle (not sources), with the emulator beside it.
    assert.ok(fs.existsSync(path.join(ext.extensionPath, 'dist/extension.js')) && fs.existsSync(path.join(ext.extensionPath, 'dist/emulator.js')));
  });


  test('activate() reports how long the bundle took to evaluate and how long activate() ran', async () => {
    const ext = extension();
    await waitFor('the extension to activate', () => ext.isActive, 30_000);
    const timings = ext.exports.activationTimings;
    assert.ok(timings, 'the API has no activationTimings');
    assert.equal(typeof timings.activateMs, 'number');
    assert.ok(Number.isFinite(timings.activateMs) && timings.activateMs > 0, `activateMs: ${timings.activateMs}`);
    // The extension runs from its bundle (dist/extension.js), whose first line records its start.
    assert.equal(typeof timings.bundleEvaluationMs, 'number', 'bundleEvaluationMs is missing: does dist/extension.js start with the timing banner (scripts/build.mjs)?');
    assert.ok(Number.isFinite(timings.bundleEvaluationMs!) && timings.bundleEvaluationMs! > 0, `bundleEvaluationMs: ${timings.bundleEvaluationMs}`);
    const out = process.env.FLOWGATE_ACTIVATION_OUT;
    if (out) {
      fs.writeFileSync(out, JSON.stringify({ ...timings, extensionPath: ext.extensionPath, vscode: vscode.version }) + '\n');
    }
  });
});
