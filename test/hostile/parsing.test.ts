/**
 * Hostile package files aimed at the parsers: YAML definitions with 40,000 keys (the quadratic
 * duplicate-key check froze the gateway for 21 s), deep nesting, alias bombs, huge strings,
 * manifests with 200,000 schedules (64 s), deep or oversized manifests, and packages whose
 * definitions together hold too much YAML. Each is a real zip, built here with every hash and the
 * content digest right (so the reader gets as far as the parser), uploaded to a real emulator.
 * Each must be refused with 400 naming the file or field, while /healthz answers within a second,
 * and the gateway's state must be what it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import JSZip from 'jszip';
import { LIMITS } from '../../src/core/limits';
import { INSTRUCTIONS_ENTRY, MANIFEST_ENTRY, PACKAGE_FORMAT } from '../../src/core/model/manifest';
import { definitionEntryPath } from '../../src/core/package/entryPaths';
import { entryField } from '../../src/core/package/errors';
import { computeContentDigest } from '../../src/core/package/packageFile';
import { sha256Hex } from '../../src/core/package/sha256';
import type { EmulatorProcess } from '../support/emulatorProcess';
import { assertRefused, call, snapshot, startTarget, whileServing } from './harness';

const encoder = new TextEncoder();
const GOOD_FLOW = 'steps:\n  - kind: log\n    message: hello\n';

interface RawPackage {
  name?: string;
  version?: number;
  /** Flow id → text (not checked here: the gateway must check it). */
  flows?: Record<string, string>;
  /** Manifest members to set or replace after the honest ones are computed (the digest follows). */
  manifest?: Record<string, unknown>;
  /** A manifest.json text to use as it is (no digest). */
  manifestText?: string;
}

/** A package file as a hostile client would make it: a valid zip, honest hashes, hostile content. */
async function rawPackage(p: RawPackage): Promise<Uint8Array> {
  const flows = p.flows ?? { 'hostile/Flow': GOOD_FLOW };
  const zip = new JSZip();
  const definitions = Object.entries(flows).map(([id, text]) => {
    const file = definitionEntryPath('flow', id);
    const bytes = encoder.encode(text);
    zip.file(file, bytes);
    return { kind: 'flow' as const, id, file, sha256: sha256Hex(bytes) };
  });
  const instructions = encoder.encode('');
  zip.file(INSTRUCTIONS_ENTRY, instructions);
  const manifest: Record<string, unknown> = {
    format: PACKAGE_FORMAT,
    name: p.name ?? 'hostile',
    version: p.version ?? 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'hostile-tests',
    definitions,
    instructions: { file: INSTRUCTIONS_ENTRY, sha256: sha256Hex(instructions) },
    authorisation: { groups: [] },
    schedules: [],
    triggers: [],
    ...p.manifest,
  };
  manifest.contentDigest = computeContentDigest(manifest as unknown as Parameters<typeof computeContentDigest>[0]);
  zip.file(MANIFEST_ENTRY, p.manifestText ?? JSON.stringify(manifest));
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}

const flowEntry = (id: string) => entryField(definitionEntryPath('flow', id));

describe('hostile package files: parsing', () => {
  let gw: EmulatorProcess;
  let before0: unknown;

  before(async () => {
    gw = await startTarget();
    before0 = await snapshot(gw);
  });
  after(async () => {
    await gw?.stop();
  });

  /** Upload `bytes` while probing health; expect 400 (or `status`) naming `field`; the state unchanged. */
  async function refused(bytes: Uint8Array, field: string | RegExp, status = 400): Promise<string> {
    const res = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', bytes));
    assertRefused(res, status, field);
    assert.deepEqual(await snapshot(gw), before0, 'the state changed');
    return JSON.stringify(res.body);
  }

  test('the honest package of this builder is accepted (so each refusal below is about its attack)', async () => {
    const other = await startTarget({ publishSample: false });
    try {
      const res = await call(other, 'POST', '/api/v1/packages', await rawPackage({ name: 'honest' }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    } finally {
      await other.stop();
    }
  });

  test('a 96 KB flow with 40,000 keys (flow style) is refused at once, naming the file', async () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i.toString(36)}: 1`).join(',');
    const text = `description: x\ninputs: {${keys}}\nsteps: []\n`;
    assert.ok(text.length < 400_000);
    const body = await refused(await rawPackage({ flows: { 'hostile/Keys': text } }), flowEntry('hostile/Keys'));
    assert.match(body, /keys and list items/);
  });

  test('40,000 keys in block style, and 40,000 duplicate keys, are refused', async () => {
    const block = `steps: []\ninputs:\n${Array.from({ length: 40_000 }, (_, i) => `  k${i}: {type: string}`).join('\n')}\n`;
    await refused(await rawPackage({ flows: { 'hostile/Block': block } }), flowEntry('hostile/Block'));
    // Under the node bound, every key the same: the linear duplicate check names the file.
    const dup = `steps: []\nvalues:\n${Array.from({ length: 9_000 }, () => '  same: 1').join('\n')}\n`;
    const body = await refused(await rawPackage({ flows: { 'hostile/Dup': dup } }), flowEntry('hostile/Dup'));
    assert.match(body, /unique/);
  });

  test('deep nesting (flow and block style) is refused', async () => {
    const flowStyle = `steps: []\ndescription: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    await refused(await rawPackage({ flows: { 'hostile/DeepFlow': flowStyle } }), flowEntry('hostile/DeepFlow'));
    let block = 'steps:\n';
    for (let d = 1; d <= 200; d++) block += `${'  '.repeat(d)}- kind: try\n${'  '.repeat(d + 1)}steps:\n`;
    const body = await refused(await rawPackage({ flows: { 'hostile/DeepBlock': block } }), flowEntry('hostile/DeepBlock'));
    assert.match(body, /deeper than|Nesting|nest/i);
  });

  test('2 MB of blank lines and 14,000 anchors (seconds of parser time each) are refused before parsing', async () => {
    const blank = `steps: []\n${'\n'.repeat(2_000_000 - 20)}`;
    const body = await refused(await rawPackage({ flows: { 'hostile/Blank': blank } }), flowEntry('hostile/Blank'));
    assert.match(body, /lines/);
    const anchors = `steps: []\n${Array.from({ length: 14_000 }, (_, i) => `a${i}: &x${i} v`).join('\n')}\n`;
    assert.match(await refused(await rawPackage({ flows: { 'hostile/Anchors': anchors } }), flowEntry('hostile/Anchors')), /anchors/);
  });

  test('an alias bomb (billion laughs) is refused', async () => {
    let text = 'steps: []\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++) text += `a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
    const body = await refused(await rawPackage({ flows: { 'hostile/Bomb': text } }), flowEntry('hostile/Bomb'));
    assert.match(body, /alias|resource/i);
  });

  test('huge strings: a 3 MB flow, a 1.5 MB description and a 100 KB step name', async () => {
    const huge = `steps: []\ndescription: "${'x'.repeat(3 * 1024 * 1024)}"\n`;
    // Over the definition-text quota: refused from the zip's declared sizes, nothing inflated.
    await refused(await rawPackage({ flows: { 'hostile/Huge': huge } }), flowEntry('hostile/Huge'), 413);
    const long = `steps: []\ndescription: "${'x'.repeat(1536 * 1024)}"\n`;
    await refused(await rawPackage({ flows: { 'hostile/LongText': long } }), flowEntry('hostile/LongText'));
    const name = `steps:\n  - kind: log\n    name: "${'n'.repeat(100_000)}"\n    message: x\n`;
    const body = await refused(await rawPackage({ flows: { 'hostile/LongName': name } }), flowEntry('hostile/LongName'));
    assert.match(body, /more than 256 characters|256/);
  });

  test('a manifest with 200,000 schedules is refused before any schedule is looked at', async () => {
    const schedules = Array.from({ length: 200_000 }, () => ({}));
    const body = await refused(await rawPackage({ manifest: { schedules } }), 'manifest.schedules');
    assert.match(body, /200000 schedules/);
    const triggers = Array.from({ length: LIMITS.triggersPerVersion + 1 }, () => ({}));
    await refused(await rawPackage({ manifest: { triggers } }), 'manifest.triggers');
  });

  test('schedule and trigger names with control characters in a package file are refused (they could not be answered by the API)', async () => {
    const schedules = [{ name: 'nightly\nforged log line', flow: 'hostile/Flow', expression: '0 3 * * *' }];
    const body = await refused(await rawPackage({ manifest: { schedules } }), /schedules\[0\]\.name/);
    assert.match(body, /control characters/);
    const triggers = [{ name: 'link\u0000down', flow: 'hostile/Flow', conditions: { snmpVersion: 'v2c' } }];
    assert.match(await refused(await rawPackage({ manifest: { triggers } }), /triggers\[0\]\.name/), /control characters/);
  });

  test('manifest lists and strings over their bounds', async () => {
    await refused(await rawPackage({ manifest: { description: 'd'.repeat(LIMITS.textLength + 1) } }), 'manifest.description');
    await refused(await rawPackage({ manifest: { createdBy: 'c'.repeat(100_000) } }), 'manifest.createdBy');
    await refused(await rawPackage({ manifest: { authorisation: { groups: Array.from({ length: 10_000 }, (_, i) => `g${i}`) } } }), 'manifest.authorisation.groups');
    await refused(await rawPackage({ manifest: { definitions: Array.from({ length: LIMITS.definitionsPerVersion + 1 }, (_, i) => ({ kind: 'flow', id: `f/F${i}` })) } }), 'manifest.definitions');
    await refused(await rawPackage({ version: 2 ** 53 - 1 }), 'manifest.version');
  });

  test('a manifest nested a million levels deep is refused before JSON.parse', async () => {
    const text = `{"format":"${PACKAGE_FORMAT}","schedules":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    const body = await refused(await rawPackage({ manifestText: text }), 'manifest');
    assert.match(body, /nests deeper/);
    // Deep but under the manifest bound: inside a schedule's inputs, refused before the digest walks it.
    let deep: unknown = 1;
    for (let i = 0; i < LIMITS.jsonDepth + 5; i++) deep = { d: deep };
    await refused(await rawPackage({ manifest: { schedules: [{ name: 's', flow: 'hostile/Flow', expression: '* * * * *', inputs: { deep } }] } }), 'manifest');
  });

  test('definitions that together hold too much YAML are refused, naming where the budget ran out', async () => {
    const perFile = 29_000;
    const text = `steps: []\nvalues:\n  v: [${Array.from({ length: perFile - 10 }, () => '1').join(',')}]\n`;
    const flows: Record<string, string> = {};
    const files = Math.ceil(LIMITS.packageYamlNodes / perFile) + 1;
    for (let i = 0; i < files; i++) flows[`hostile/Many${i}`] = text;
    const body = await refused(await rawPackage({ flows }), /^entries\["definitions\/flows\/hostile\/Many\d+\.flow\.yaml"\]$/);
    assert.match(body, /YAML keys and list items together/);
    // Lines: each file under its own bound, together over the package's.
    const blank = `steps: []\n${'\n'.repeat(LIMITS.yamlLines - 10)}`;
    const blanks: Record<string, string> = {};
    for (let i = 0; i <= Math.ceil(LIMITS.packageYamlLines / LIMITS.yamlLines); i++) blanks[`hostile/Blank${i}`] = blank;
    const lines = await refused(await rawPackage({ flows: blanks }), /^entries\["definitions\/flows\/hostile\/Blank\d+\.flow\.yaml"\]$/);
    assert.match(lines, /lines together/);
  });
});
