/**
 * Attacks on the rules core holds once (src/core/model/packageDraft.ts `isPackageName`,
 * src/core/snmp/users.ts): package files whose manifest names a package the API could never
 * address (too long, path-like) or that is an object member (`__proto__`…), and SNMPv3 users
 * with reserved names or oversized keys. Each: refused naming the field (or, for a name the rule
 * allows, served like any other), the gateway serving within a second, the state unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import JSZip from 'jszip';
import { LIMITS } from '../../src/core/limits';
import { INSTRUCTIONS_ENTRY, MANIFEST_ENTRY, PACKAGE_FORMAT } from '../../src/core/model/manifest';
import { definitionEntryPath } from '../../src/core/package/entryPaths';
import { computeContentDigest } from '../../src/core/package/packageFile';
import { sha256Hex } from '../../src/core/package/sha256';
import { SNMP_KEY_MAX } from '../../src/core/snmp/users';
import type { EmulatorProcess } from '../support/emulatorProcess';
import { assertRefused, call, snapshot, startTarget, whileServing } from './harness';

const encoder = new TextEncoder();

/** An honest package file (valid zip, hashes, digest) whose manifest names `name`. */
async function packageNamed(name: string): Promise<Uint8Array> {
  const zip = new JSZip();
  const file = definitionEntryPath('flow', 'rules/Flow');
  const flow = encoder.encode('steps:\n  - kind: log\n    message: hello\n');
  zip.file(file, flow);
  const instructions = encoder.encode('');
  zip.file(INSTRUCTIONS_ENTRY, instructions);
  const manifest: Record<string, unknown> = {
    format: PACKAGE_FORMAT,
    name,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'hostile-tests',
    definitions: [{ kind: 'flow', id: 'rules/Flow', file, sha256: sha256Hex(flow) }],
    instructions: { file: INSTRUCTIONS_ENTRY, sha256: sha256Hex(instructions) },
    authorisation: { groups: [] },
    schedules: [],
    triggers: [],
  };
  manifest.contentDigest = computeContentDigest(manifest as unknown as Parameters<typeof computeContentDigest>[0]);
  zip.file(MANIFEST_ENTRY, JSON.stringify(manifest));
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

let gw: EmulatorProcess;
before(async () => {
  gw = await startTarget();
});
after(async () => {
  await gw?.stop();
});

test('package files naming a package the rule refuses: 400 on manifest.name, nothing stored', async () => {
  const state = await snapshot(gw);
  const names = [
    'a'.repeat(LIMITS.nameLength + 1), // one past the bound the API's paths accept
    'n'.repeat(200_000), // a name as long as the manifest allows text to be
    '../escape',
    'dot.name',
    'with space',
    '',
  ];
  await whileServing(gw, async () => {
    for (const name of names) {
      const res = await call(gw, 'POST', '/api/v1/packages', await packageNamed(name));
      assertRefused(res, 400, 'manifest.name');
      assert.ok(JSON.stringify(res.body).length < 10_000, `the refusal echoes the whole name (${JSON.stringify(res.body).length} characters)`);
    }
  });
  assert.deepEqual(await snapshot(gw), state);
});

test('package names that are object members: the reserved ones refused, the others ordinary packages', async () => {
  const state = await snapshot(gw);
  await whileServing(gw, async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const res = await call(gw, 'POST', '/api/v1/packages', await packageNamed(name));
      assertRefused(res, 400, 'manifest.name');
      assert.match(JSON.stringify(res.body), /reserved name/);
    }
  });
  assert.deepEqual(await snapshot(gw), state);
  // Allowed by the rule: kept as data, never as a prototype member.
  for (const name of ['toString', 'hasOwnProperty', 'valueOf']) {
    const up = await whileServing(gw, async () => call(gw, 'POST', '/api/v1/packages', await packageNamed(name)));
    assert.equal(up.status, 201, `${name}: ${JSON.stringify(up.body)}`);
    const got = await call(gw, 'GET', `/api/v1/packages/${name}`);
    assert.equal(got.status, 200, `${name}: ${JSON.stringify(got.body)}`);
    assert.equal(got.body.name, name);
    assert.deepEqual(
      got.body.versions.map((v: { version: number }) => v.version),
      [1],
    );
  }
  const listed = (await call(gw, 'GET', '/api/v1/packages')).body.packages.map((p: { name: string }) => p.name);
  for (const name of ['toString', 'hasOwnProperty', 'valueOf', 'network-ops']) assert.ok(listed.includes(name), `${name} not listed: ${listed}`);
  // The sample still runs: nothing it depends on was shadowed.
  const run = await call(gw, 'POST', '/api/default/default/flows/Restart-Service/executions?packageName=network-ops', { inputVariables: { device: '10.0.0.1' } });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  for (const name of ['toString', 'hasOwnProperty', 'valueOf']) {
    assert.equal((await call(gw, 'DELETE', `/api/v1/packages/${name}`)).status, 200);
  }
  // Deleted again: the packages and versions are what they were (their flows stay in the repository, as uploads do).
  const now = (await snapshot(gw)) as { packages: unknown; versions: unknown };
  const was = state as { packages: unknown; versions: unknown };
  assert.deepEqual([now.packages, now.versions], [was.packages, was.versions]);
});

test('SNMPv3 users: reserved names and oversized keys are refused by the one rule, keys never echoed', async () => {
  const state = await snapshot(gw);
  const user = { level: 'authPriv', authProtocol: 'sha', authKey: 'auth-secret-123', privProtocol: 'aes', privKey: 'priv-secret-123' };
  const secret = 'S3CRET-'.repeat(Math.ceil((SNMP_KEY_MAX + 1) / 7));
  await whileServing(gw, async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      assertRefused(await call(gw, 'POST', '/api/v1/snmp/users', { ...user, name }), 400, 'name');
    }
    const longKey = await call(gw, 'POST', '/api/v1/snmp/users', { ...user, name: 'keys', authKey: secret });
    assertRefused(longKey, 400, 'authKey');
    assert.doesNotMatch(JSON.stringify(longKey.body), /S3CRET/);
    const shortPriv = await call(gw, 'POST', '/api/v1/snmp/users', { ...user, name: 'keys', privKey: 'tiny-k' });
    assertRefused(shortPriv, 400, 'privKey');
    assert.doesNotMatch(JSON.stringify(shortPriv.body), /tiny-k/);
    assertRefused(await call(gw, 'POST', '/api/v1/snmp/users', { ...user, name: 'keys', privProtocol: '3des' }), 400, 'privProtocol');
    assertRefused(await call(gw, 'POST', '/api/v1/snmp/users', { ...user, name: 'keys', level: 'authNoPriv' }), 400, /^priv(Protocol|Key)$/);
  });
  assert.deepEqual(await snapshot(gw), state);
});
