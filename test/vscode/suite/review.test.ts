// The Review Import webview's extension side, against two real emulators of the suite's own
// (privateGateway.ts): `dev`, where package versions are uploaded (submitted: dev signs them),
// and `qa`, whose gateway.yaml names dev as a promotion source (dev's local admin credential,
// dev's signing key trusted). qa pulls a version (core's GatewayClient createImport); the command
// `flowgate.reviewImport` opens the page, and the page's requests (webview/protocol/review.ts) go
// through the panel's host (`host.answer(method, params)`), reached through the extension's API
// (`panels.review(key)`), as the other page tests do. What is checked: the import's header and its
// validation (a flow run by the package that qa lacks is a missing reference), Apply refused while
// it fails, a replacement picked from qa's definitions that resolves it (the validation passes),
// the apply preview (changed, new) with Show Diff opening VS Code's diff editor on read-only
// `flowgate-import:` documents, Apply (what qa's repository then holds is what the preview showed,
// by SHA-256), applying twice changing nothing, and Reject with a reason (REJECTED on both sides).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApiErrorDetail } from '../../../src/core/api/types';
import { defaultGatewayConfigText } from '../../../src/core/gatewayConfig/schema';
import type { ReviewRequests, ReviewSnapshot } from '../../../webview/protocol/review';
import { activated, api, closeEditors, testPackage, waitFor } from './helpers';
import { startPrivateGateway, useGatewaysSetting, type PrivateGateway } from './privateGateway';

const PKG = 'fg-review-test';
const QA_NAME = 'Review QA Gateway';
const HELLO = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
/** A flow that runs `flow` (a reference the target must resolve). */
const runs = (flow: string) => `steps:\n  - kind: run-flow\n    flow: ${flow}\n`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

suite('review import webview', () => {
  let dev: PrivateGateway;
  let qa: PrivateGateway;
  let secretDir: string;
  let devSecret: string;
  let restoreSettings: (() => Promise<void>) | undefined;
  let key: string;
  let importId: string;

  type Method = keyof ReviewRequests;
  async function answer<K extends Method>(method: K, params: ReviewRequests[K]['params'], at = key) {
    const panel = api().panels.review(at);
    assert.ok(panel, `no Review Import panel is open for ${at}`);
    return panel.host.answer(method, params);
  }
  async function ok<K extends Method>(method: K, params: ReviewRequests[K]['params'], at = key): Promise<ReviewRequests[K]['result']> {
    const reply = await answer(method, params, at);
    assert.ok(reply.ok, `${method} was refused: ${JSON.stringify(reply)}`);
    return reply.result;
  }
  async function refused<K extends Method>(method: K, params: unknown, at = key): Promise<ApiErrorDetail[]> {
    const reply = await answer(method, params as ReviewRequests[K]['params'], at);
    assert.equal(reply.ok, false, `${method} answered ${JSON.stringify(reply).slice(0, 400)}`);
    return reply.ok ? [] : reply.errors;
  }
  const qaDefinition = async (id: string) => (await qa.admin.listDefinitions()).definitions.find((d) => d.kind === 'flow' && d.id === id);
  const noSecrets = (snap: ReviewSnapshot) => {
    const text = JSON.stringify(snap);
    assert.ok(!text.includes(devSecret), 'the snapshot holds the source\'s client secret');
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/.test(text), 'the snapshot holds a token');
  };

  suiteSetup(async () => {
    await activated();
    dev = await startPrivateGateway('review-dev', defaultGatewayConfigText([]));
    const devAdmin = JSON.parse(fs.readFileSync(dev.credentialsFile, 'utf8')) as { client_id: string; client_secret: string };
    devSecret = devAdmin.client_secret;
    secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-review-secret-'));
    const secretFile = path.join(secretDir, 'dev-secret');
    fs.writeFileSync(secretFile, devAdmin.client_secret, { mode: 0o600 });
    const { keys } = await dev.admin.gatewayKeys();
    const config = [
      defaultGatewayConfigText([]),
      'promotion:',
      '  sources:',
      '    - name: dev',
      `      url: ${dev.url}`,
      `      clientId: ${JSON.stringify(devAdmin.client_id)}`,
      `      clientSecretFile: ${JSON.stringify(secretFile)}`,
      `      trustedKeys: [${keys.map((k) => k.kid).join(', ')}]`,
      '',
    ].join('\n');
    qa = await startPrivateGateway('review-qa', config);
    // dev: the flow the package runs (in another package), then the package: submitted, signed by dev.
    await dev.admin.uploadPackage(await testPackage('fg-review-dev-base', 1, { 'ops/Notify-Dev': HELLO }));
    await dev.admin.uploadPackage(await testPackage(PKG, 1, { 'review/Greet': runs('ops/Notify-Dev'), 'review/New-One': HELLO }));
    // qa: its own notifier and an older Greet (so the import changes it).
    await qa.admin.uploadPackage(await testPackage('fg-review-qa-base', 1, { 'ops/Notify-Ops': HELLO, 'review/Greet': HELLO }));
    const pulled = await qa.admin.createImport({ source: 'dev', name: PKG, version: 1 });
    assert.equal(pulled.status, 'OPEN');
    importId = pulled.id;
    restoreSettings = await useGatewaysSetting([{ name: QA_NAME, url: qa.url, credentialsFile: qa.credentialsFile }]);
  });

  suiteTeardown(async () => {
    await closeEditors();
    await restoreSettings?.();
    await qa?.stop();
    await dev?.stop();
    if (secretDir) fs.rmSync(secretDir, { recursive: true, force: true });
  });

  test('Review Import opens one panel per import with what was pulled, the instructions and the validation: a missing reference', async () => {
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === `Review Import: ${PKG} v1`);
    const shown = await vscode.commands.executeCommand<{ key: string; scope: { gatewayName: string; gatewayUrl: string; importId: string } }>('flowgate.reviewImport', {
      gatewayUrl: qa.url,
      importId,
    });
    assert.ok(shown, 'reviewImport returned nothing (it failed)');
    assert.deepEqual(shown.scope, { gatewayName: QA_NAME, gatewayUrl: qa.url, importId });
    key = shown.key;
    await waitFor('the panel tab', () => tabs().length === 1);
    const again = await vscode.commands.executeCommand<{ key: string }>('flowgate.reviewImport', { gatewayUrl: qa.url, importId });
    assert.equal(again?.key, key);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(tabs().length, 1, 'a second panel was opened for the same import');

    const snap = await ok('reload', {});
    noSecrets(snap);
    assert.equal(snap.error, undefined, snap.error);
    const d = snap.import;
    assert.ok(d);
    assert.equal(d.name, PKG);
    assert.equal(d.version, 1);
    assert.equal(d.source, 'dev');
    assert.equal(d.status, 'OPEN');
    const { keys } = await dev.admin.gatewayKeys();
    assert.ok(keys.some((k) => k.kid === d.signer), `signer ${d.signer} is not one of dev's keys`);
    assert.equal(d.validation.ok, false);
    const missing = d.validation.problems.find((p) => p.code === 'missing-reference');
    assert.ok(missing, JSON.stringify(d.validation));
    assert.deepEqual(missing.reference, { kind: 'flow', id: 'ops/Notify-Dev' });
    assert.deepEqual(missing.definition, { kind: 'flow', id: 'review/Greet' });
    // The pickers: the missing reference first; qa's definitions (its notifier) and the package's.
    assert.deepEqual(snap.candidates.references[0], { kind: 'flow', id: 'ops/Notify-Dev' });
    assert.ok(snap.candidates.target.some((r) => r.kind === 'flow' && r.id === 'ops/Notify-Ops'), JSON.stringify(snap.candidates.target));
    assert.deepEqual(snap.candidates.package.map((r) => r.id).sort(), ['review/Greet', 'review/New-One']);
  });

  test("an import qa does not have: the page says so (the gateway's error), and names no secret", async () => {
    const shown = await vscode.commands.executeCommand<{ key: string }>('flowgate.reviewImport', { gatewayUrl: qa.url, importId: 'no-such-import' });
    assert.ok(shown);
    const snap = await ok('reload', {}, shown.key);
    assert.equal(snap.import, undefined);
    assert.match(snap.error ?? '', /^Could not read import no-such-import of Review QA Gateway \(http:\/\/127\.0\.0\.1:\d+\): /);
    assert.equal(snap.preview, undefined);
    noSecrets(snap);
    const bad = await vscode.commands.executeCommand('flowgate.reviewImport', { gatewayUrl: qa.url, importId: '../x' });
    assert.equal(bad, undefined, 'an import id that is a path trick opened a page');
  });

  test('Apply is refused while the validation has errors; qa keeps what it had', async () => {
    const before = await qaDefinition('review/Greet');
    const errors = await refused('apply', { expect: { new: 1, changed: 1 } });
    assert.match(errors[0].message, /Not applied: the validation has 1 error/);
    assert.equal(api().panels.review(key)?.current()?.status, 'OPEN');
    assert.deepEqual(await qaDefinition('review/Greet'), before);
    assert.equal((await qa.admin.getImport(importId)).status, 'OPEN');
  });

  test('params the host refuses, naming the field, before any gateway call', async () => {
    const cases: [Method, unknown, string, RegExp][] = [
      ['saveReplacements', null, '', /must be an object/],
      ['saveReplacements', { replacements: 'x' }, 'replacements', /must be a list/],
      ['saveReplacements', { replacements: [{ kind: 'secret', from: 'a', to: 'b' }] }, 'replacements[0].kind', /'flow' or 'connection'/],
      ['saveReplacements', { replacements: [{ kind: 'flow', from: '', to: 'b' }] }, 'replacements[0].from', /must not be empty/],
      ['saveReplacements', { replacements: [{ kind: 'flow', from: 'a', to: 'b\nc' }] }, 'replacements[0].to', /control characters/],
      ['saveReplacements', { replacements: [{ kind: 'flow', from: 'a', to: 'a' }] }, 'replacements[0].to', /with itself/],
      ['saveReplacements', { replacements: [{ kind: 'flow', from: 'a', to: 'b' }, { kind: 'flow', from: 'a', to: 'c' }] }, 'replacements[1].from', /replaced twice/],
      ['saveReplacements', { replacements: Array.from({ length: 257 }, (_, i) => ({ kind: 'flow', from: `a${i}`, to: 'b' })) }, 'replacements', /at most 256/],
      ['reject', { reason: '   ' }, 'reason', /a reason is required/],
      ['reject', { reason: 'two\nlines' }, 'reason', /control characters/],
      ['reject', {}, 'reason', /a reason is required/],
      ['apply', {}, 'expect', /must say what the confirmation named/],
      ['apply', { expect: { new: -1, changed: 0 } }, 'expect.new', /whole number/],
      ['showDefinition', { kind: 'flow', id: 7 }, 'id', /must be a definition id/],
    ];
    for (const [method, params, field, message] of cases) {
      const errors = await refused(method, params);
      assert.equal(errors[0]?.field, field, `${method} ${JSON.stringify(params).slice(0, 80)}: ${JSON.stringify(errors)}`);
      assert.match(errors[0].message, message);
    }
    const unknownMethod = await api().panels.review(key)!.host.answer('delete' as Method, {} as never);
    assert.equal(unknownMethod.ok, false);
    assert.deepEqual((await qa.admin.getImport(importId)).replacements, []);
  });

  test("a replacement whose target qa lacks: saved, and the gateway's validation says so", async () => {
    const snap = await ok('saveReplacements', { replacements: [{ kind: 'flow', from: 'ops/Notify-Dev', to: 'ops/Notify-Nowhere' }] });
    assert.equal(snap.import?.validation.ok, false);
    assert.ok(
      snap.import?.validation.problems.some((p) => p.severity === 'error' && /Notify-Nowhere/.test(p.message)),
      JSON.stringify(snap.import?.validation.problems),
    );
  });

  test('a replacement picked from qa\'s definitions resolves the missing reference: the validation passes, the preview says what apply writes', async () => {
    const snap = await ok('saveReplacements', { replacements: [{ kind: 'flow', from: 'ops/Notify-Dev', to: 'ops/Notify-Ops' }] });
    noSecrets(snap);
    assert.deepEqual((await qa.admin.getImport(importId)).replacements, [{ kind: 'flow', from: 'ops/Notify-Dev', to: 'ops/Notify-Ops' }]);
    assert.equal(snap.import?.validation.ok, true, JSON.stringify(snap.import?.validation));
    assert.equal(snap.import?.validation.problems.filter((p) => p.severity === 'error').length, 0);
    assert.ok(snap.preview, snap.previewError);
    const byId = new Map(snap.preview.items.map((i) => [i.id, i]));
    assert.equal(byId.get('review/Greet')?.change, 'changed');
    assert.equal(byId.get('review/New-One')?.change, 'new');
    assert.equal(snap.preview.counts.changed, 1);
    assert.equal(snap.preview.counts.new, 1);
    // No definition text crosses into the webview.
    assert.ok(!JSON.stringify(snap).includes('kind: run-flow'), 'a definition text reached the snapshot');
  });

  test('Show Diff opens the diff editor on read-only flowgate-import: documents: qa\'s text and what apply writes (replacement applied); a new one opens alone', async () => {
    const greetDocs = api().panels.review(key)!.documentsOf('flow', 'review/Greet');
    assert.equal(api().importDocumentText(greetDocs.import), runs('ops/Notify-Ops'));
    await closeEditors();
    await waitFor('the panel to close with the editors', () => !api().panels.review(key));
    assert.equal(api().importDocumentText(greetDocs.import), undefined, 'a closed panel left its texts behind');
    await vscode.commands.executeCommand('flowgate.reviewImport', { gatewayUrl: qa.url, importId });
    await waitFor('the panel again', () => api().panels.review(key));
    await ok('reload', {});
    assert.deepEqual(await ok('showDefinition', { kind: 'flow', id: 'review/Greet' }), { opened: 'diff' });
    const diffTab = await waitFor('the diff editor', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && (t.input as vscode.TabInputTextDiff).modified.scheme === 'flowgate-import'),
    );
    const input = diffTab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'flowgate-import');
    const original = await vscode.workspace.openTextDocument(input.original);
    const modified = await vscode.workspace.openTextDocument(input.modified);
    assert.equal(original.getText(), HELLO, 'the left side is what qa holds now');
    assert.equal(modified.getText(), runs('ops/Notify-Ops'), 'the right side is what apply writes, with the replacement applied');
    assert.match(diffTab.label, /review\/Greet|Greet/);

    // Other replacements saved: the open diff follows (the documents are the preview's), then back.
    await ok('saveReplacements', { replacements: [{ kind: 'flow', from: 'ops/Notify-Dev', to: 'review/New-One' }] });
    await waitFor('the open diff to show the new text', () => modified.getText() === runs('review/New-One'));
    const back = await ok('saveReplacements', { replacements: [{ kind: 'flow', from: 'ops/Notify-Dev', to: 'ops/Notify-Ops' }] });
    assert.equal(back.import?.validation.ok, true);
    await waitFor('the open diff to show the text again', () => modified.getText() === runs('ops/Notify-Ops'));

    assert.deepEqual(await ok('showDefinition', { kind: 'flow', id: 'review/New-One' }), { opened: 'document' });
    await waitFor('the new definition open', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/import/review/New-One.flow.yaml'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.scheme, 'flowgate-import');
    assert.equal(vscode.window.activeTextEditor?.document.getText(), HELLO);

    const unknown = await refused('showDefinition', { kind: 'flow', id: 'review/Not-There' });
    assert.equal(unknown[0].field, 'id');
  });

  test('Apply with counts the preview no longer matches is refused (field expect); with the confirmed ones it writes what the preview showed', async () => {
    const stale = await refused('apply', { expect: { new: 2, changed: 1 } });
    assert.equal(stale[0].field, 'expect');
    assert.match(stale[0].message, /now writes 1 new and 1 changed definitions/);
    assert.equal((await qa.admin.getImport(importId)).status, 'OPEN');

    const panel = api().panels.review(key)!;
    const written = api().importDocumentText(panel.documentsOf('flow', 'review/Greet').import);
    assert.ok(written);
    const result = await ok('apply', { expect: { new: 1, changed: 1 } });
    assert.equal(result.changed, true);
    assert.equal(result.status, 'APPLIED');
    assert.equal(result.snapshot.import?.status, 'APPLIED');
    assert.equal(result.snapshot.preview, undefined, 'an applied import has no preview');
    assert.equal((await qa.admin.getImport(importId)).status, 'APPLIED');
    const greet = await qaDefinition('review/Greet');
    assert.equal(greet?.sha256, sha256(written), 'qa holds another text than the preview showed');
    assert.deepEqual(greet?.source, { packageName: PKG, version: 1 });
    assert.ok(await qaDefinition('review/New-One'));

    const twice = await ok('apply', { expect: { new: 1, changed: 1 } });
    assert.equal(twice.changed, false);
    assert.equal(twice.status, 'APPLIED');

    // The gateway's refusal of a closed import's replacements comes back as the request's error, saying what failed.
    const closed = await refused('saveReplacements', { replacements: [] });
    assert.equal(closed[0].field, '');
    assert.match(closed[0].message, /^Could not save the replacements of import fg-review-test v1 on Review QA Gateway: .*is APPLIED; only an OPEN import can be changed/);
    assert.deepEqual((await qa.admin.getImport(importId)).replacements, [{ kind: 'flow', from: 'ops/Notify-Dev', to: 'ops/Notify-Ops' }]);
  });

  test('Reject… of another version: a reason is required; REJECTED on qa and on dev; with no import named, the one OPEN import of a gateway opens', async () => {
    await dev.admin.uploadPackage(await testPackage(PKG, 2, { 'review/Greet': HELLO }));
    const pulled = await qa.admin.createImport({ source: 'dev', name: PKG, version: 2 });
    const shown = await vscode.commands.executeCommand<{ key: string; scope: { importId: string } }>('flowgate.reviewImport', { gatewayUrl: qa.url });
    assert.ok(shown, 'reviewImport with a gateway only returned nothing');
    assert.equal(shown.scope.importId, pulled.id, 'the one OPEN import of qa was not the one opened');
    const at = shown.key;
    await waitFor('the second panel', () => api().panels.review(at));
    const errors = await refused('reject', { reason: '' }, at);
    assert.equal(errors[0].field, 'reason');
    const result = await ok('reject', { reason: 'Greet must keep calling the notifier' }, at);
    assert.equal(result.changed, true);
    assert.equal(result.status, 'REJECTED');
    assert.equal(result.snapshot.import?.reason, 'Greet must keep calling the notifier');
    assert.equal((await qa.admin.getImport(pulled.id)).status, 'REJECTED');
    const history = await waitFor('dev to record the rejection', async () => {
      const h = await dev.admin.versionHistory(PKG, 2);
      return h.targets.some((t) => t.status === 'REJECTED') ? h : undefined;
    });
    assert.equal(history.targets.find((t) => t.status === 'REJECTED')?.reason, 'Greet must keep calling the notifier');
    const twice = await ok('reject', { reason: 'again' }, at);
    assert.equal(twice.changed, false);
  });
});
