import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import {
  buildPackageFile,
  computeContentDigest,
  MAX_PACKAGE_ENTRIES,
  PackageFileError,
  readPackageFile,
  type PackageBuildInput,
} from '../../src/core/package/packageFile';
import { canonicalJson } from '../../src/core/package/canonicalJson';
import { sha256Hex } from '../../src/core/package/sha256';
import { unsafeEntryNameReason } from '../../src/core/package/zipPath';

const examples = path.resolve(__dirname, '../../examples');
const read = (rel: string) => readFileSync(path.join(examples, rel), 'utf8');

const FLOWS = ['network/core/Restart-Service', 'network/core/Check-Reachability', 'network/core/Run-Command', 'network/inventory/Get-Gateway-Status'];
const INSTRUCTIONS = '# network-ops\n\nReplace `local-gateway` before applying.\n';

function sampleInput(overrides: Partial<PackageBuildInput> = {}): PackageBuildInput {
  return {
    name: 'network-ops',
    version: 3,
    description: 'Network operations',
    createdBy: 'flowgate-test/1',
    createdAt: '2026-01-02T03:04:05.000Z',
    definitions: [
      ...FLOWS.map((id) => ({ kind: 'flow' as const, id, text: read(`flows/${id}.flow.yaml`) })),
      { kind: 'connection' as const, id: 'local-gateway', text: read('connections/local-gateway.connection.yaml') },
    ],
    instructions: INSTRUCTIONS,
    authorisation: { groups: ['netops', 'admins'] },
    schedules: [{ name: 'nightly', flow: 'network/core/Restart-Service', cron: '0 2 * * *', timezone: 'UTC', enabled: true }],
    triggers: [],
    ...overrides,
  };
}

// ---- forging hostile files --------------------------------------------------------------------

const FIXED_DATE = new Date(Date.UTC(1980, 0, 1));

/** A zip with exactly these entries and raw names (jszip does not clean names when writing). */
async function zipOf(entries: [string, Uint8Array | string][], level = 6): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [name, data] of entries) zip.file(name, data, { date: FIXED_DATE, createFolders: false, binary: typeof data !== 'string' });
  return zip.generateAsync({ type: 'uint8array', compression: level === 0 ? 'STORE' : 'DEFLATE', compressionOptions: { level } });
}

/** A built package's manifest and entries, to tamper with. */
async function unpack(bytes: Uint8Array): Promise<{ manifest: any; entries: Map<string, Uint8Array> }> {
  const zip = await JSZip.loadAsync(bytes);
  const entries = new Map<string, Uint8Array>();
  for (const file of Object.values(zip.files)) entries.set(file.name, await file.async('uint8array'));
  const manifest = JSON.parse(new TextDecoder().decode(entries.get('manifest.json')!));
  entries.delete('manifest.json');
  return { manifest, entries };
}

/** Recomputes the listed hashes and the digest, as a forger who knows the format would. */
function reseal(manifest: any, entries: Map<string, Uint8Array>): void {
  for (const d of manifest.definitions) if (entries.has(d.file)) d.sha256 = sha256Hex(entries.get(d.file)!);
  manifest.instructions.sha256 = sha256Hex(entries.get('INSTRUCTIONS.md') ?? new Uint8Array());
  manifest.contentDigest = computeContentDigest(manifest);
}

async function repack(manifest: any, entries: Map<string, Uint8Array>, extra: [string, Uint8Array | string][] = []): Promise<Uint8Array> {
  return zipOf([['manifest.json', JSON.stringify(manifest)], ...entries, ...extra]);
}

async function refusal(bytes: Uint8Array, options = {}): Promise<PackageFileError> {
  try {
    await readPackageFile(bytes, options);
  } catch (error) {
    assert.ok(error instanceof PackageFileError, `expected a PackageFileError, got ${String(error)}`);
    assert.ok(error.message.length > 10, 'the message says something');
    return error;
  }
  assert.fail('the package file was accepted');
}

function findAll(haystack: Uint8Array, needle: string): number[] {
  const bytes = new TextEncoder().encode(needle);
  const found: number[] = [];
  outer: for (let i = 0; i + bytes.length <= haystack.length; i++) {
    for (let j = 0; j < bytes.length; j++) if (haystack[i + j] !== bytes[j]) continue outer;
    found.push(i);
  }
  return found;
}

/** Offset of the central-directory header of the entry `name`. */
function centralHeaderOf(bytes: Uint8Array, name: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const at of findAll(bytes, name)) {
    const header = at - 46;
    if (header >= 0 && view.getUint32(header, true) === 0x02014b50) return header;
  }
  throw new Error(`no central header for ${name}`);
}

// ---- building ---------------------------------------------------------------------------------

test('build → read gives back the same package', async () => {
  const input = sampleInput();
  const { bytes, manifest } = await buildPackageFile(input);
  assert.equal(manifest.format, 'flowgate-package/1');
  assert.equal(manifest.name, 'network-ops');
  assert.equal(manifest.version, 3);
  assert.deepEqual(manifest.authorisation, { groups: ['admins', 'netops'] });
  assert.deepEqual(
    manifest.definitions.map((d) => [d.kind, d.id, d.file]),
    [
      ['flow', 'network/core/Check-Reachability', 'definitions/flows/network/core/Check-Reachability.flow.yaml'],
      ['flow', 'network/core/Restart-Service', 'definitions/flows/network/core/Restart-Service.flow.yaml'],
      ['flow', 'network/core/Run-Command', 'definitions/flows/network/core/Run-Command.flow.yaml'],
      ['flow', 'network/inventory/Get-Gateway-Status', 'definitions/flows/network/inventory/Get-Gateway-Status.flow.yaml'],
      ['connection', 'local-gateway', 'definitions/connections/local-gateway.connection.yaml'],
    ],
  );
  for (const d of manifest.definitions) {
    const source = input.definitions.find((s) => s.kind === d.kind && s.id === d.id)!;
    assert.equal(d.sha256, sha256Hex(source.text));
  }

  const contents = await readPackageFile(bytes);
  assert.deepEqual(contents.manifest, manifest);
  assert.equal(contents.instructions, INSTRUCTIONS);
  assert.deepEqual(contents.flows.map((f) => f.id).sort(), [...FLOWS].sort());
  assert.deepEqual(contents.connections.map((c) => c.id), ['local-gateway']);
  assert.equal(contents.connections[0].connection.baseUrl, 'http://127.0.0.1:8722');
  const restart = contents.flows.find((f) => f.id === 'network/core/Restart-Service')!;
  assert.equal(restart.name, 'Restart-Service');
  assert.equal(restart.folder, 'network/core');
  assert.equal(restart.flow.steps[1].kind, 'run-flow');
  for (const source of input.definitions) {
    assert.equal(contents.sources.find((s) => s.kind === source.kind && s.id === source.id)?.text, source.text);
  }
  assert.deepEqual([...contents.entries.keys()].sort(), ['INSTRUCTIONS.md', 'manifest.json', ...manifest.definitions.map((d) => d.file)].sort());
  assert.deepEqual(contents.manifest.schedules, input.schedules);
});

test('the same input gives the same bytes; createdAt and order do not change the digest', async () => {
  const a = await buildPackageFile(sampleInput());
  const b = await buildPackageFile(sampleInput());
  assert.deepEqual(Buffer.from(a.bytes), Buffer.from(b.bytes));

  const reversed = await buildPackageFile(sampleInput({ definitions: [...sampleInput().definitions].reverse() }));
  assert.deepEqual(Buffer.from(reversed.bytes), Buffer.from(a.bytes));

  const later = await buildPackageFile(sampleInput({ createdAt: '2027-05-06T07:08:09.000Z', createdBy: 'someone-else' }));
  assert.notDeepEqual(Buffer.from(later.bytes), Buffer.from(a.bytes));
  assert.equal(later.manifest.contentDigest, a.manifest.contentDigest);

  const regrouped = await buildPackageFile(sampleInput({ authorisation: { groups: ['netops', 'admins', 'netops'] } }));
  assert.equal(regrouped.manifest.contentDigest, a.manifest.contentDigest);

  for (const change of [
    { instructions: INSTRUCTIONS + 'more\n' },
    { authorisation: { groups: ['netops'] } },
    { version: 4 },
    { schedules: [] },
    { triggers: [{ name: 't', flow: 'network/core/Run-Command' }] },
    { definitions: sampleInput().definitions.slice(1) },
  ]) {
    const other = await buildPackageFile(sampleInput(change));
    assert.notEqual(other.manifest.contentDigest, a.manifest.contentDigest, JSON.stringify(Object.keys(change)));
  }
});

test('computeContentDigest is the SHA-256 of the canonical content', async () => {
  const { manifest } = await buildPackageFile(sampleInput());
  const expected = sha256Hex(
    canonicalJson({
      name: manifest.name,
      version: manifest.version,
      definitions: manifest.definitions.map(({ kind, id, sha256 }) => ({ kind, id, sha256 })),
      instructions: manifest.instructions.sha256,
      authorisation: manifest.authorisation,
      schedules: manifest.schedules,
      triggers: manifest.triggers,
    }),
  );
  assert.equal(manifest.contentDigest, expected);
  assert.equal(computeContentDigest({ ...manifest, createdBy: 'x', createdAt: 'y', description: 'z' } as never), expected);
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] }), '{"a":[{"d":2}],"b":1}');
});

test('build refuses input it could not read back', async () => {
  const cases: [Partial<PackageBuildInput>, string][] = [
    [{ name: 'net ops' }, 'input.name'],
    [{ name: '' }, 'input.name'],
    [{ version: 0 }, 'input.version'],
    [{ version: 1.5 }, 'input.version'],
    [{ createdBy: '' }, 'input.createdBy'],
    [{ createdAt: 'yesterday' }, 'input.createdAt'],
    [{ definitions: [{ kind: 'flow', id: '../evil', text: 'steps: []\n' }] }, 'input.definitions[0].id'],
    [{ definitions: [{ kind: 'flow', id: 'a\\b', text: 'steps: []\n' }] }, 'input.definitions[0].id'],
    [{ definitions: [{ kind: 'connection', id: 'a/b', text: 'baseUrl: http://x\n' }] }, 'input.definitions[0].id'],
    [{ definitions: [{ kind: 'flow', id: 'A', text: 'steps: []\n' }, { kind: 'flow', id: 'A', text: 'steps: []\n' }] }, 'input.definitions[1].id'],
    [{ definitions: [{ kind: 'flow', id: 'A', text: 'steps:\n  - kind: reboot\n' }] }, 'input.definitions[0]'],
    [{ schedules: ['not an object'] }, 'input.schedules[0]'],
  ];
  for (const [override, field] of cases) {
    await assert.rejects(buildPackageFile(sampleInput(override)), (error: unknown) => {
      assert.ok(error instanceof PackageFileError, String(error));
      assert.equal(error.field, field, JSON.stringify(override));
      return true;
    });
  }
});

// ---- reading: refusals ------------------------------------------------------------------------

test('refuses what is not a zip', async () => {
  for (const bytes of [new Uint8Array(), new TextEncoder().encode('just some text, not a zip at all'), new Uint8Array(1000).fill(7)]) {
    const error = await refusal(bytes);
    assert.equal(error.field, 'file');
    assert.match(error.message, /not a package file/);
  }
  const truncated = (await buildPackageFile(sampleInput())).bytes.slice(0, 200);
  assert.equal((await refusal(truncated)).field, 'file');
});

test('refuses a zip without a manifest, or with a manifest that is not JSON', async () => {
  const none = await refusal(await zipOf([['INSTRUCTIONS.md', 'hi']]));
  assert.equal(none.field, 'manifest');
  assert.match(none.message, /no manifest\.json/);

  const garbled = await refusal(await zipOf([['manifest.json', '{"format": "flowgate-package/1",']]));
  assert.equal(garbled.field, 'manifest');
  assert.match(garbled.message, /not valid JSON/);

  const array = await refusal(await zipOf([['manifest.json', '[]']]));
  assert.equal(array.field, 'manifest');
});

test('refuses a manifest with a wrong format, name or version', async () => {
  const { bytes } = await buildPackageFile(sampleInput());
  const cases: [(m: any) => void, string, RegExp][] = [
    [(m) => (m.format = 'flowgate-package/2'), 'manifest.format', /flowgate-package\/1/],
    [(m) => delete m.format, 'manifest.format', /flowgate-package\/1/],
    [(m) => (m.name = 'network ops'), 'manifest.name', /letters, digits/],
    [(m) => (m.name = '../x'), 'manifest.name', /letters, digits/],
    [(m) => (m.version = 0), 'manifest.version', /positive integer/],
    [(m) => (m.version = -2), 'manifest.version', /positive integer/],
    [(m) => (m.version = 2.5), 'manifest.version', /positive integer/],
    [(m) => (m.version = '3'), 'manifest.version', /positive integer/],
    [(m) => (m.createdAt = 'soon'), 'manifest.createdAt', /ISO date/],
    [(m) => (m.definitions = {}), 'manifest.definitions', /array/],
    [(m) => (m.definitions[0].kind = 'script'), 'manifest.definitions[0].kind', /'flow' or 'connection'/],
    [(m) => (m.definitions[0].sha256 = 'abc'), 'manifest.definitions[0].sha256', /SHA-256/],
    [(m) => (m.definitions[1].file = 'definitions/flows/elsewhere.flow.yaml'), 'manifest.definitions[1].file', /must be/],
    [(m) => m.definitions.push({ ...m.definitions[0] }), 'manifest.definitions[5].id', /second time/],
    [(m) => (m.authorisation = { groups: [1] }), 'manifest.authorisation', /groups/],
    [(m) => (m.schedules = 'nightly'), 'manifest.schedules', /array/],
    [(m) => (m.instructions.file = '../INSTRUCTIONS.md'), 'manifest.instructions.file', /INSTRUCTIONS\.md/],
    [(m) => (m.secretKey = 'x'), 'manifest.secretKey', /unknown property/],
  ];
  for (const [mutate, field, message] of cases) {
    const { manifest, entries } = await unpack(bytes);
    mutate(manifest);
    const error = await refusal(await repack(manifest, entries));
    assert.equal(error.field, field, String(mutate));
    assert.match(error.message, message);
  }
});

test('refuses entry names that escape the package folder, before extracting anything', async () => {
  const { bytes } = await buildPackageFile(sampleInput());
  const { manifest, entries } = await unpack(bytes);
  const names = [
    '../evil.sh',
    'definitions/../../evil.sh',
    'definitions/flows/../../../etc/cron.d/x',
    '/etc/passwd',
    'definitions\\flows\\x.flow.yaml',
    '..\\..\\evil.bat',
    'C:/Windows/evil.dll',
    'c:evil',
    './manifest.json',
    'definitions//x',
    // jszip would clean this into "manifest.json" and let it replace the real manifest
    'x/../manifest.json',
  ];
  for (const name of names) {
    assert.ok(unsafeEntryNameReason(name), name);
    const error = await refusal(await repack(manifest, entries, [[name, 'payload']]));
    assert.equal(error.field, `entries[${JSON.stringify(name)}]`);
    assert.match(error.message, /refused/);
  }
  // Also when the hostile name is the only entry and a forger lists it in the manifest.
  const listed = structuredClone(manifest);
  listed.definitions[0].file = '../evil.flow.yaml';
  const error = await refusal(await zipOf([['../evil.flow.yaml', 'steps: []'], ['manifest.json', JSON.stringify(listed)]]));
  assert.equal(error.field, 'entries["../evil.flow.yaml"]');
  for (const safe of ['manifest.json', 'definitions/flows/a/b/X.flow.yaml', 'definitions/', 'INSTRUCTIONS.md']) {
    assert.equal(unsafeEntryNameReason(safe), undefined, safe);
  }
});

test('refuses a zip that holds one name twice', async () => {
  const { bytes } = await buildPackageFile(sampleInput());
  const { manifest, entries } = await unpack(bytes);
  const forged = await repack(manifest, entries, [['INSTRUCTIONS.mX', 'the second, unchecked instructions']]);
  const patch = new TextEncoder().encode('INSTRUCTIONS.md');
  for (const at of findAll(forged, 'INSTRUCTIONS.mX')) forged.set(patch, at);
  const error = await refusal(forged);
  assert.equal(error.field, 'entries["INSTRUCTIONS.md"]');
  assert.match(error.message, /more than once/);
});

test('refuses a listed entry that is missing, and an entry that is not listed', async () => {
  const { bytes } = await buildPackageFile(sampleInput());
  {
    const { manifest, entries } = await unpack(bytes);
    entries.delete('definitions/flows/network/core/Run-Command.flow.yaml');
    const error = await refusal(await repack(manifest, entries));
    assert.equal(error.field, 'entries["definitions/flows/network/core/Run-Command.flow.yaml"]');
    assert.match(error.message, /missing/);
  }
  {
    const { manifest, entries } = await unpack(bytes);
    const error = await refusal(await repack(manifest, entries, [['definitions/flows/Extra.flow.yaml', 'steps: []\n']]));
    assert.equal(error.field, 'entries["definitions/flows/Extra.flow.yaml"]');
    assert.match(error.message, /not listed/);
  }
  {
    const { manifest, entries } = await unpack(bytes);
    const error = await refusal(await repack(manifest, entries, [['SIGNATURE', 'sig']]));
    assert.equal(error.field, 'entries["SIGNATURE"]');
    const accepted = await readPackageFile(await repack(manifest, entries, [['SIGNATURE', 'sig']]), { extraEntries: ['SIGNATURE'] });
    assert.equal(new TextDecoder().decode(accepted.entries.get('SIGNATURE')), 'sig');
  }
  {
    // Folder entries carry nothing and are tolerated.
    const { manifest, entries } = await unpack(bytes);
    const withFolders = await zipOf([['definitions/', ''], ['manifest.json', JSON.stringify(manifest)], ...entries]);
    const zip = await JSZip.loadAsync(withFolders);
    assert.equal(zip.files['definitions/']?.dir, true);
    assert.equal((await readPackageFile(withFolders)).flows.length, 4);
  }
});

test('refuses an entry whose content was changed', async () => {
  const { bytes } = await buildPackageFile(sampleInput());
  const { manifest, entries } = await unpack(bytes);
  const file = 'definitions/connections/local-gateway.connection.yaml';
  entries.set(file, new TextEncoder().encode(new TextDecoder().decode(entries.get(file)).replace('127.0.0.1', 'evil.example')));
  const error = await refusal(await repack(manifest, entries));
  assert.equal(error.field, `entries["${file}"]`);
  assert.match(error.message, /SHA-256/);

  const { manifest: m2, entries: e2 } = await unpack(bytes);
  e2.set('INSTRUCTIONS.md', new TextEncoder().encode('different'));
  assert.equal((await refusal(await repack(m2, e2))).field, 'entries["INSTRUCTIONS.md"]');
});

test('refuses a manifest whose content digest does not match', async () => {
  const { bytes } = await buildPackageFile(sampleInput());
  const { manifest, entries } = await unpack(bytes);
  manifest.authorisation.groups.push('everyone');
  const error = await refusal(await repack(manifest, entries));
  assert.equal(error.field, 'manifest.contentDigest');
  assert.match(error.message, /digest/);
});

test('refuses a definition whose YAML or schema is invalid, with the workspace diagnostics', async () => {
  const { bytes } = await buildPackageFile(sampleInput());
  const file = 'definitions/flows/network/core/Run-Command.flow.yaml';
  const cases: [string, RegExp][] = [
    ['steps:\n  - kind: log\n    message: "unterminated\n', /line \d+/],
    ['description: x\nsteps:\n  - kind: reboot\n', /reboot/],
    ['description: no steps at all\n', /steps/],
  ];
  for (const [text, message] of cases) {
    const { manifest, entries } = await unpack(bytes);
    entries.set(file, new TextEncoder().encode(text));
    reseal(manifest, entries);
    const error = await refusal(await repack(manifest, entries));
    assert.equal(error.field, `entries["${file}"]`);
    assert.match(error.message, /Flow "network\/core\/Run-Command" is not valid/);
    assert.match(error.message, message);
    assert.ok(error.diagnostics.length > 0);
    assert.ok(error.diagnostics.every((d) => d.severity === 'error' && d.file === 'flows/network/core/Run-Command.flow.yaml'));
  }
  // Not UTF-8.
  const { manifest, entries } = await unpack(bytes);
  entries.set(file, new Uint8Array([0x73, 0x74, 0xff, 0xfe]));
  reseal(manifest, entries);
  assert.match((await refusal(await repack(manifest, entries))).message, /UTF-8/);
});

test('refuses more than 5,000 entries', async () => {
  const entries: [string, string][] = [];
  for (let i = 0; i <= MAX_PACKAGE_ENTRIES; i++) entries.push([`definitions/flows/F${i}.flow.yaml`, '']);
  const error = await refusal(await zipOf(entries, 0));
  assert.equal(error.field, 'file');
  assert.match(error.message, /5001 entries; at most 5000/);
});

test('refuses more than 50 MB uncompressed (zip bomb)', async () => {
  const bomb = await zipOf([['manifest.json', '{}'], ['INSTRUCTIONS.md', new Uint8Array(51 * 1024 * 1024)]], 1);
  assert.ok(bomb.length < 1024 * 1024, 'the bomb itself is small');
  const error = await refusal(bomb);
  assert.equal(error.field, 'file');
  assert.match(error.message, /inflates to 51\.0 MB .*; at most 50 MB \(52428800 bytes\)/);
});

test('refuses an entry that inflates beyond the limit even when its header lies about its size', async () => {
  const { bytes } = await buildPackageFile(sampleInput({ instructions: 'a'.repeat(200_000) }));
  const header = centralHeaderOf(bytes, 'INSTRUCTIONS.md');
  const forged = bytes.slice();
  new DataView(forged.buffer).setUint32(header + 24, 10, true); // declared: 10 bytes
  const error = await refusal(forged, { maxUncompressedBytes: 100_000 });
  assert.equal(error.field, 'file');
  assert.match(error.message, /more than 0\.1 MB \(100000 bytes\)/);
  // Without the limit the lie is still caught (the entry does not inflate to its declared size).
  const caught = await refusal(forged);
  assert.equal(caught.field, 'entries["INSTRUCTIONS.md"]');
});

test('refuses an entry damaged in transit (CRC-32), even where no SHA-256 covers it', async () => {
  const { bytes } = await buildPackageFile(sampleInput());
  const forged = bytes.slice();
  const header = centralHeaderOf(forged, 'manifest.json');
  const view = new DataView(forged.buffer);
  view.setUint32(header + 16, view.getUint32(header + 16, true) ^ 1, true);
  const error = await refusal(forged);
  assert.equal(error.field, 'entries["manifest.json"]');
  assert.match(error.message, /damaged/);
});
