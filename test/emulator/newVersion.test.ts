/** Create New Version on the gateway: add, remove, update from the repository; inherited settings; refusals. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildPackageFile, readPackageFile } from '../../src/core/package/packageFile';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call, startPath, adminHeaders } from './helpers';

const greet = (word: string) => `
outputs:
  text:
    type: string
steps:
  - kind: set
    values:
      text: "${word}"
`;
const runs = (child: string) => `
outputs:
  text:
    type: string
steps:
  - kind: run-flow
    flow: ${child}
    output: r
  - kind: set
    values:
      text: "= r.text"
`;
const CONN = 'baseUrl: http://127.0.0.1:9\n';

async function pkg(name: string, version: number, flows: Record<string, string>, extra: Record<string, unknown> = {}) {
  const { bytes } = await buildPackageFile({
    name,
    version,
    createdBy: 'flowgate-tests/0.1.0',
    instructions: `# ${name}\n`,
    definitions: Object.entries(flows).map(([id, text]) => ({ kind: id.startsWith('conn:') ? ('connection' as const) : ('flow' as const), id: id.replace(/^conn:/, ''), text })),
    ...extra,
  });
  return bytes;
}

describe('new version', () => {
  let gw: EmulatorProcess;
  const nv = (name: string, v: number, body: unknown) => call(gw, 'POST', `/api/v1/packages/${name}/versions/${v}/new-version`, body);

  before(async () => {
    gw = await startEmulatorProcess({ name: 'gw-new-version' });
    // app v1: Main runs Child; Other stands alone; a connection. Settings to inherit.
    const v1 = await pkg(
      'app',
      1,
      { 'a/Main': runs('a/Child'), 'a/Child': greet('child v1'), 'a/Other': greet('other v1'), 'conn:svc': CONN },
      {
        authorisation: { groups: ['ops', 'admins'] },
        schedules: [{ name: 'nightly', flow: 'a/Other', type: 'CRON', expression: '0 3 * * *', timezone: 'Europe/London', enabled: false }],
      },
    );
    assert.equal((await call(gw, 'POST', '/api/v1/packages', v1)).status, 201);
    // lib v1 puts newer texts of a/Child and a/Other into the repository, and a new flow a/Extra
    // that runs a/Helper (also only in the repository).
    const lib = await pkg('lib', 1, {
      'a/Child': greet('child v2'),
      'a/Other': greet('other v2'),
      'a/Extra': runs('a/Helper'),
      'a/Helper': greet('helper'),
    });
    assert.equal((await call(gw, 'POST', '/api/v1/packages', lib)).status, 201);
  });
  after(async () => {
    await gw?.stop();
  });

  test('the repository keeps each definition\'s current text on disk (a content file named by its SHA-256)', async () => {
    const defs = (await call(gw, 'GET', '/api/v1/definitions')).body.definitions as Array<{ kind: string; id: string; sha256: string }>;
    const child = defs.find((d) => d.kind === 'flow' && d.id === 'a/Child')!;
    const file = path.join(gw.dataDir, 'content', child.sha256);
    assert.ok(existsSync(file));
    assert.match(readFileSync(file, 'utf8'), /child v2/);
    const svc = defs.find((d) => d.kind === 'connection' && d.id === 'svc')!;
    assert.ok(existsSync(path.join(gw.dataDir, 'content', svc.sha256)));
  });

  test('update, add (with the flows it runs) and remove: a built, stored, unpublished version 2', async () => {
    const r = await nv('app', 1, { update: [{ kind: 'flow', id: 'a/Child' }], add: [{ kind: 'flow', id: 'a/Extra' }], remove: [{ kind: 'connection', id: 'svc' }] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.headers.get('location'), '/api/v1/packages/app/versions/2');
    const v = r.body;
    assert.equal(v.version, 2);
    assert.equal(v.status, 'SUBMITTED');
    assert.equal(v.published, false);
    assert.equal(v.createdBy, 'gw-new-version');
    assert.deepEqual(
      v.definitions.map((d: any) => `${d.kind}:${d.id}`).sort(),
      ['flow:a/Child', 'flow:a/Extra', 'flow:a/Helper', 'flow:a/Main', 'flow:a/Other'],
    );
    assert.match(v.instructions, /# app/);
    // Inherited settings: authorisation, and a copy of the schedule with a fresh id.
    assert.deepEqual([...v.authorisation.groups].sort(), ['admins', 'ops']);

    // A real package file: it reads back, and its texts are the chosen ones.
    const file = await fetch(`${gw.url}/api/v1/packages/app/versions/2/file`, { headers: await adminHeaders(gw) });
    const contents = await readPackageFile(new Uint8Array(await file.arrayBuffer()));
    const text = (id: string) => contents.sources.find((s) => s.id === id)!.text;
    assert.match(text('a/Child'), /child v2/, 'updated to the repository text');
    assert.match(text('a/Other'), /other v1/, 'not updated: the source version text');
    assert.equal(contents.manifest.version, 2);
    assert.equal(contents.manifest.createdBy, 'gw-new-version');
    assert.equal((contents.manifest.schedules[0] as any).name, 'nightly');
    assert.equal((contents.manifest.schedules[0] as any).enabled, false);
    assert.ok(!('id' in (contents.manifest.schedules[0] as any)));

    // Runs with the new content once published; version 1 is unchanged.
    await call(gw, 'POST', '/api/v1/packages/app/versions/1/publish');
    await call(gw, 'POST', '/api/v1/packages/app/versions/2/publish');
    const two = await call(gw, 'POST', startPath('a/Main', { packageName: 'app', packageVersion: 2 }), {});
    assert.equal(two.body.outputVariables.text, 'child v2');
    const one = await call(gw, 'POST', startPath('a/Main', { packageName: 'app', packageVersion: 1 }), {});
    assert.equal(one.body.outputVariables.text, 'child v1');

    // The repository did not change: a/Child is still lib's.
    const defs = (await call(gw, 'GET', '/api/v1/definitions')).body.definitions;
    assert.deepEqual(defs.find((d: any) => d.id === 'a/Child').source, { packageName: 'lib', version: 1 });
  });

  test('schedules are inherited as copies with fresh ids', async () => {
    const s1 = await call(gw, 'GET', '/api/v1/packages/app/versions/1/schedules');
    const s2 = await call(gw, 'GET', '/api/v1/packages/app/versions/2/schedules');
    assert.equal(s1.status, 200, JSON.stringify(s1.body));
    const a = s1.body.schedules[0];
    const b = s2.body.schedules[0];
    assert.equal(b.name, 'nightly');
    assert.equal(b.expression, a.expression);
    assert.equal(b.timezone, 'Europe/London');
    assert.notEqual(b.id, a.id);
  });

  test('the next number is highest + 1, from any source version', async () => {
    const r = await nv('app', 1, {});
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.version, 3);
    assert.equal(r.body.definitions.length, 4);
  });

  test('refusals name the field: unknown, not in the version, already in it, dependents, schedules, empty', async () => {
    const unknown = await nv('app', 1, { add: [{ kind: 'flow', id: 'a/Nowhere' }] });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'bad-request');
    assert.equal(unknown.body.error.details[0].field, 'add[0]');
    assert.match(unknown.body.error.message, /a\/Nowhere.*repository/);

    const notIn = await nv('app', 1, { remove: [{ kind: 'flow', id: 'a/Extra' }] });
    assert.equal(notIn.status, 400);
    assert.equal(notIn.body.error.details[0].field, 'remove[0]');
    assert.match(notIn.body.error.message, /not in version 1/);

    const already = await nv('app', 1, { add: [{ kind: 'flow', id: 'a/Child' }] });
    assert.equal(already.body.error.details[0].field, 'add[0]');
    assert.match(already.body.error.message, /already in/);

    const dependents = await nv('app', 1, { remove: [{ kind: 'flow', id: 'a/Child' }] });
    assert.equal(dependents.status, 400);
    assert.equal(dependents.body.error.details[0].field, 'remove[0]');
    assert.match(dependents.body.error.message, /a\/Child is run by flow a\/Main/);

    const scheduled = await nv('app', 1, { remove: [{ kind: 'flow', id: 'a/Other' }] });
    assert.equal(scheduled.status, 400);
    assert.match(scheduled.body.error.message, /schedule 'nightly'/);

    const bad = await nv('app', 1, { add: [{ kind: 'thing', id: 'x' }], extra: true });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.map((d: any) => d.field).sort(), ['add[0].kind', 'extra']);

    await call(gw, 'POST', '/api/v1/packages', await pkg('solo', 1, { 's/One': greet('one') }));
    const empty = await nv('solo', 1, { remove: [{ kind: 'flow', id: 's/One' }] });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /no definitions/);

    const missingPkg = await nv('nope', 1, {});
    assert.equal(missingPkg.status, 404);
    assert.equal(missingPkg.body.error.code, 'package-not-found');
    const missingVersion = await nv('app', 42, {});
    assert.equal(missingVersion.status, 404);
    assert.equal(missingVersion.body.error.code, 'version-not-found');

    // Nothing was created by the refusals.
    const versions = (await call(gw, 'GET', '/api/v1/packages/app')).body.versions.map((v: any) => v.version);
    assert.deepEqual(versions, [1, 2, 3]);
  });
});
