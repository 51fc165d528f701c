/** Export: a version's file re-imports on another gateway as the same version with its current settings. */
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { after, before, describe, test } from 'node:test';
import { buildPackageFile, readPackageFile } from '../../src/core/package/packageFile';
import { SIGNATURE_ENTRY } from '../../src/core/package/signature';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { currentKid, startTrusting } from '../support/signingFixture';
import { call, adminHeaders } from './helpers';

const FLOW = `
inputs:
  target:
    type: string
    default: core
steps:
  - kind: log
    message: "= 'checking ' & target"
`;
const AUTH_KEY = 'Auth-Key-Never-Exported-7731';
const PRIV_KEY = 'Priv-Key-Never-Exported-7731';

async function download(gw: EmulatorProcess, name: string, version: number): Promise<Uint8Array> {
  const res = await fetch(`${gw.url}/api/v1/packages/${name}/versions/${version}/file`, { headers: await adminHeaders(gw) });
  assert.equal(res.status, 200);
  return new Uint8Array(await res.arrayBuffer());
}

async function allText(bytes: Uint8Array): Promise<string> {
  const zip = await JSZip.loadAsync(bytes);
  const parts: string[] = [];
  for (const f of Object.values(zip.files)) if (!f.dir) parts.push(await f.async('string'));
  return parts.join('\n');
}

describe('export', () => {
  let a: EmulatorProcess;
  let b: EmulatorProcess;
  let original: Uint8Array;
  const base = '/api/v1/packages/ops/versions/1';

  before(async () => {
    a = await startEmulatorProcess({ name: 'gw-a' });
    // B takes A's exports: it trusts A's signing key, as an admin configures it (flowgate keys show on A).
    b = await startTrusting([{ name: 'gw-a', gw: a }], { name: 'gw-b' });
    ({ bytes: original } = await buildPackageFile({
      name: 'ops',
      version: 1,
      createdBy: 'flowgate-tests/0.1.0',
      definitions: [{ kind: 'flow', id: 'net/Check', text: FLOW }],
      instructions: '# ops\n',
      authorisation: { groups: ['netops'] },
      schedules: [{ name: 'hourly', flow: 'net/Check', type: 'CRON', expression: '0 * * * *', timezone: 'UTC', inputs: {}, enabled: true }],
    }));
    assert.equal((await call(a, 'POST', '/api/v1/packages', original)).status, 201);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test('unchanged settings: the export is the stored file — the upload as it was, signed by the gateway', async () => {
    const bytes = await download(a, 'ops', 1);
    assert.deepEqual(Buffer.from(await download(a, 'ops', 1)), Buffer.from(bytes), 'the stored file, the same bytes each time');
    const kid = await currentKid(a);
    const served = await readPackageFile(bytes, { verifySignature: { isTrusted: (k) => k === kid, required: true } });
    assert.equal(served.signer, kid);
    const uploaded = await readPackageFile(original);
    assert.deepEqual([...served.entries.keys()].sort(), [...uploaded.entries.keys(), SIGNATURE_ENTRY].sort());
    for (const [name, data] of uploaded.entries) assert.deepEqual(Buffer.from(served.entries.get(name)!), Buffer.from(data), name);
  });

  test('changed settings: the export carries them, never a key; same gateway no-op; another gateway the same version', async () => {
    // Change the version's settings on gateway A: the schedule, a new trigger; and an SNMPv3 user with keys.
    const user = await call(a, 'POST', '/api/v1/snmp/users', {
      name: 'alice', level: 'authPriv', authProtocol: 'sha', authKey: AUTH_KEY, privProtocol: 'aes', privKey: PRIV_KEY,
    });
    assert.ok(user.status === 201 || user.status === 200, JSON.stringify(user.body));
    const schedules = (await call(a, 'GET', `${base}/schedules`)).body.schedules;
    const put = await call(a, 'PUT', `${base}/schedules/${schedules[0].id}`, {
      name: 'hourly', flow: 'net/Check', type: 'CRON', expression: '15 * * * *', timezone: 'Europe/Paris', inputs: { target: 'edge' }, enabled: true,
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const trig = await call(a, 'POST', `${base}/triggers`, {
      name: 'link-down', flow: 'net/Check',
      conditions: { deviceAddress: '10.0.0.0/8', devicePort: '*', trapOid: '1.3.6.1.6.3.1.1.5.3', version: 'v3', users: ['alice'] },
    });
    assert.equal(trig.status, 201, JSON.stringify(trig.body));

    const exported = await download(a, 'ops', 1);
    const kidA = await currentKid(a);
    const contents = await readPackageFile(exported, { verifySignature: { isTrusted: (k) => k === kidA, required: true } });
    assert.equal(contents.signer, kidA, 'the rebuilt file is signed by A on the way out');
    assert.equal(contents.manifest.name, 'ops');
    assert.equal(contents.manifest.version, 1);
    assert.equal(contents.manifest.createdBy, 'gw-a', 'rebuilt by the gateway');
    assert.deepEqual(contents.manifest.authorisation, { groups: ['netops'] });
    const sched = contents.manifest.schedules[0] as any;
    assert.equal(sched.expression, '15 * * * *');
    assert.equal(sched.timezone, 'Europe/Paris');
    assert.deepEqual(sched.inputs, { target: 'edge' });
    assert.ok(!('id' in sched));
    const t = contents.manifest.triggers[0] as any;
    assert.equal(t.name, 'link-down');
    assert.deepEqual(t.conditions.users, ['alice']);
    assert.ok(!('id' in t));
    const text = await allText(exported);
    assert.ok(!text.includes(AUTH_KEY) && !text.includes(PRIV_KEY), 'no SNMPv3 key in the file');
    assert.notEqual(contents.manifest.contentDigest, (await readPackageFile(original)).manifest.contentDigest);

    // Re-import on the same gateway: the identical no-op (and so is the original file).
    const again = await call(a, 'POST', '/api/v1/packages', exported);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(again.body, { name: 'ops', version: 1, created: false });
    assert.equal((await call(a, 'POST', '/api/v1/packages', original)).status, 200);

    // Import on gateway B: the same name and version, with A's current settings.
    const onB = await call(b, 'POST', '/api/v1/packages', exported);
    assert.equal(onB.status, 201, JSON.stringify(onB.body));
    assert.deepEqual(onB.body, { name: 'ops', version: 1, created: true });
    const vB = (await call(b, 'GET', base)).body;
    assert.deepEqual(vB.authorisation, { groups: ['netops'] });
    assert.equal(vB.contentDigest, contents.manifest.contentDigest);
    const sB = (await call(b, 'GET', `${base}/schedules`)).body.schedules;
    assert.equal(sB.length, 1);
    assert.equal(sB[0].expression, '15 * * * *');
    assert.equal(sB[0].timezone, 'Europe/Paris');
    const tB = (await call(b, 'GET', `${base}/triggers`)).body.triggers;
    assert.equal(tB.length, 1);
    assert.equal(tB[0].conditions.deviceAddress, '10.0.0.0/8');

    // B's export of it is the very file it received, and A takes it back as a no-op.
    const fromB = await download(b, 'ops', 1);
    assert.deepEqual(Buffer.from(fromB), Buffer.from(exported));
    assert.equal((await call(a, 'POST', '/api/v1/packages', fromB)).status, 200);
  });

  test('export of an unknown version: 404 naming it', async () => {
    const r = await call(a, 'GET', '/api/v1/packages/ops/versions/7/file');
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'version-not-found');
    assert.match(r.body.error.message, /version 7/);
  });
});
