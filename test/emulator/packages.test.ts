/** Uploads, versions, publish / unpublish and the default package and version rules. */
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { buildPackage, call, packExamples, startPath, adminHeaders } from './helpers';

const HELLO = (text: string) => `
inputs:
  who:
    type: string
    default: world
outputs:
  greeting:
    type: string
steps:
  - kind: set
    values:
      greeting: "= '${text} ' & who"
`;

describe('packages', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startEmulatorProcess();
  });
  after(async () => {
    await gw?.stop();
  });

  test('upload: 201 created, identical again 200 no-op, different content 409', async () => {
    const bytes = await packExamples();
    const first = await call(gw, 'POST', '/api/v1/packages', bytes);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.deepEqual(first.body, { name: 'network-ops', version: 1, created: true });

    const again = await call(gw, 'POST', '/api/v1/packages', await packExamples());
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { name: 'network-ops', version: 1, created: false });

    const different = await buildPackage('network-ops', 1, { 'misc/Hello': HELLO('Hi') });
    const conflict = await call(gw, 'POST', '/api/v1/packages', different);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.code, 'version-conflict');

    const list = await call(gw, 'GET', '/api/v1/packages');
    const pkg = list.body.packages.find((p: any) => p.name === 'network-ops');
    assert.equal(pkg.versions.length, 1);
    assert.equal(pkg.versions[0].published, false);
    assert.equal(pkg.versions[0].status, 'SUBMITTED');
  });

  test('invalid package files: 400 invalid-package-file naming the field', async () => {
    const notZip = await call(gw, 'POST', '/api/v1/packages', new TextEncoder().encode('this is not a zip file at all'));
    assert.equal(notZip.status, 400);
    assert.equal(notZip.body.error.code, 'invalid-package-file');
    assert.ok(notZip.body.error.details[0].field);

    // A valid package whose manifest was edited afterwards: the reader names the manifest field.
    const zip = await JSZip.loadAsync(await buildPackage('broken', 1, { 'misc/Hello': HELLO('Hi') }));
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    manifest.version = 'one';
    zip.file('manifest.json', JSON.stringify(manifest));
    const bad = await call(gw, 'POST', '/api/v1/packages', await zip.generateAsync({ type: 'uint8array' }));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid-package-file');
    assert.match(bad.body.error.details[0].field, /manifest.*version/);
    assert.match(bad.body.error.message, /version/);

    // A tampered definition entry.
    const zip2 = await JSZip.loadAsync(await buildPackage('broken', 1, { 'misc/Hello': HELLO('Hi') }));
    const entry = Object.keys(zip2.files).find((n) => n.endsWith('.flow.yaml'))!;
    zip2.file(entry, HELLO('Tampered'));
    const tampered = await call(gw, 'POST', '/api/v1/packages', await zip2.generateAsync({ type: 'uint8array' }));
    assert.equal(tampered.status, 400);
    assert.equal(tampered.body.error.code, 'invalid-package-file');
    assert.ok(tampered.body.error.details[0].field.includes('Hello'), JSON.stringify(tampered.body));

    const empty = await call(gw, 'POST', '/api/v1/packages', new Uint8Array());
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'invalid-package-file');

    const list = await call(gw, 'GET', '/api/v1/packages');
    assert.ok(!list.body.packages.some((p: any) => p.name === 'broken'));
  });

  test('version detail with flow signatures, the file, and the repository of definitions', async () => {
    await call(gw, 'POST', '/api/v1/packages', await packExamples());
    const v = await call(gw, 'GET', '/api/v1/packages/network-ops/versions/1');
    assert.equal(v.status, 200);
    assert.equal(v.body.name, 'network-ops');
    assert.equal(v.body.version, 1);
    assert.equal(v.body.createdBy, 'flowgate-tests/0.1.0');
    assert.match(v.body.instructions, /# network-ops/);
    assert.deepEqual(v.body.authorisation, { groups: ['netops'] });
    const restart = v.body.flows.find((f: any) => f.id === 'network/core/Restart-Service');
    assert.deepEqual(restart.inputs.device, { type: 'string', required: true, description: 'Host name or IPv4 address of the device' });
    assert.equal(restart.inputs.service.required, false);
    assert.equal(restart.inputs.service.default, 'sshd');
    assert.deepEqual(Object.keys(restart.outputs).sort(), ['checkedAt', 'message', 'restarted']);
    assert.equal(v.body.definitions.length, 5);

    const file = await fetch(`${gw.url}/api/v1/packages/network-ops/versions/1/file`, { headers: await adminHeaders(gw) });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/zip');
    const bytes = new Uint8Array(await file.arrayBuffer());
    // Uploading the downloaded file again is the same version.
    const again = await call(gw, 'POST', '/api/v1/packages', bytes);
    assert.equal(again.status, 200);

    const defs = await call(gw, 'GET', '/api/v1/definitions');
    const restartDef = defs.body.definitions.find((d: any) => d.kind === 'flow' && d.id === 'network/core/Restart-Service');
    assert.deepEqual(
      { name: restartDef.name, folder: restartDef.folder, source: restartDef.source },
      { name: 'Restart-Service', folder: 'network/core', source: { packageName: 'network-ops', version: 1 } },
    );
    assert.ok(defs.body.definitions.some((d: any) => d.kind === 'connection' && d.id === 'local-gateway' && d.folder === ''));

    const missing = await call(gw, 'GET', '/api/v1/packages/network-ops/versions/9');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'version-not-found');
  });

  describe('default version rules (DESIGN.md, "Publishing and defaults")', () => {
    const state = async () => (await call(gw, 'GET', '/api/v1/packages/rules')).body;
    const pub = (v: number) => call(gw, 'POST', `/api/v1/packages/rules/versions/${v}/publish`);
    const unpub = (v: number) => call(gw, 'POST', `/api/v1/packages/rules/versions/${v}/unpublish`);
    const run = async () => call(gw, 'POST', startPath('Hello', { packageName: 'rules' }), { inputVariables: {} });

    before(async () => {
      for (const v of [1, 2, 3]) {
        const r = await call(gw, 'POST', '/api/v1/packages', await buildPackage('rules', v, { 'misc/Hello': HELLO(`v${v}`) }));
        assert.equal(r.status, 201);
      }
    });

    test('nothing published: no default version', async () => {
      assert.equal((await state()).defaultVersion, null);
      assert.equal((await run()).body.error.code, 'no-default-version');
    });

    test('rule 1: the most recently published version is the implicit default', async () => {
      await pub(2);
      const s = (await pub(1)).body;
      assert.equal(s.defaultVersion, 1);
      assert.equal(s.defaultIsExplicit, false);
      assert.equal((await run()).body.outputVariables.greeting, 'v1 world');
      // Publishing an already published version changes nothing.
      assert.equal((await pub(2)).body.defaultVersion, 1);
    });

    test('rule 2: the implicit default unpublished, the next most recently published becomes the implicit default', async () => {
      const s = (await unpub(1)).body;
      assert.equal(s.defaultVersion, 2);
      assert.equal(s.versions.find((v: any) => v.version === 2).isDefault, true);
    });

    test('rule 3: an explicit default stays default whatever else is published or unpublished', async () => {
      let s = (await call(gw, 'POST', '/api/v1/packages/rules/versions/2/default')).body;
      assert.equal(s.defaultIsExplicit, true);
      await pub(3);
      await pub(1);
      s = await state();
      assert.equal(s.defaultVersion, 2);
      assert.equal((await run()).body.outputVariables.greeting, 'v2 world');
      s = (await unpub(3)).body;
      assert.equal(s.defaultVersion, 2);
      await pub(3);
    });

    test('rule 4: the explicit default unpublished, no other version becomes default', async () => {
      const s = (await unpub(2)).body;
      assert.equal(s.defaultVersion, null);
      assert.equal(s.defaultIsExplicit, true);
      const refused = await run();
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'no-default-version');
    });

    test('rule 5: the explicit default published again is the explicit default again', async () => {
      const s = (await pub(2)).body;
      assert.equal(s.defaultVersion, 2);
      assert.equal(s.defaultIsExplicit, true);
    });

    test('rule 6: every version unpublished, then one republished: it is the implicit default, even if it was the explicit one', async () => {
      await unpub(1);
      await unpub(2);
      await unpub(3);
      let s = (await pub(2)).body;
      assert.equal(s.defaultVersion, 2);
      assert.equal(s.defaultIsExplicit, false);
      s = (await pub(3)).body;
      assert.equal(s.defaultVersion, 3, 'implicit again: the most recently published wins');
    });

    test('only a published version can be made the explicit default', async () => {
      const notPublished = await call(gw, 'POST', '/api/v1/packages/rules/versions/1/default');
      assert.equal(notPublished.status, 409);
      assert.equal(notPublished.body.error.code, 'not-published');
    });
  });

  test('default package: refused without a published version; kept when everything is unpublished', async () => {
    await call(gw, 'POST', '/api/v1/packages', await buildPackage('dp', 1, { 'misc/Greet': HELLO('Hello') }));
    const noDefault = await call(gw, 'POST', startPath('Greet'), { inputVariables: {} });
    assert.equal(noDefault.status, 409);
    assert.equal(noDefault.body.error.code, 'no-default-package');

    const refused = await call(gw, 'POST', '/api/v1/packages/dp/default');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'not-published');

    await call(gw, 'POST', '/api/v1/packages/dp/versions/1/publish');
    const made = await call(gw, 'POST', '/api/v1/packages/dp/default');
    assert.equal(made.status, 200);
    assert.equal(made.body.isDefault, true);

    const ran = await call(gw, 'POST', startPath('Greet'), { inputVariables: { who: 'you' } });
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    assert.deepEqual(ran.body.outputVariables, { greeting: 'Hello you' });
    assert.equal(ran.body.packageName, 'dp');
    assert.equal(ran.body.packageVersion, 1);

    await call(gw, 'POST', '/api/v1/packages/dp/versions/1/unpublish');
    const still = await call(gw, 'GET', '/api/v1/packages/dp');
    assert.equal(still.body.isDefault, true);
    const fails = await call(gw, 'POST', startPath('Greet'), { inputVariables: {} });
    assert.equal(fails.status, 409);
    assert.equal(fails.body.error.code, 'no-default-version');
  });
});
