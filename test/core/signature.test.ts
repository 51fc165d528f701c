/**
 * Package signatures (core/package/signature.ts, readPackageFile's verifySignature): a signed file
 * reads back with its signer; each kind of tampering is refused with an error that says which.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import JSZip from 'jszip';
import { buildPackageFile, readPackageFile, PackageFileError, type PackageBuildInput } from '../../src/core/package/packageFile';
import {
  isUntrustedSigner,
  keyThumbprint,
  SIGNATURE_ENTRY,
  signManifest,
  signPackageFile,
  verifyManifestSignature,
  type PackageSigner,
} from '../../src/core/package/signature';

const FLOW = (msg: string) => `steps:\n  - kind: log\n    message: "${msg}"\n`;

async function newSigner(): Promise<PackageSigner> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
  const publicJwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x };
  return { kid: await keyThumbprint(publicJwk), publicJwk, privateKey };
}

function input(name: string, version: number, message = 'hello'): PackageBuildInput {
  return {
    name,
    version,
    createdBy: 'flowgate-tests/0.1.0',
    createdAt: '2026-01-01T00:00:00.000Z',
    definitions: [
      { kind: 'flow', id: 'net/Check', text: FLOW(message) },
      { kind: 'flow', id: 'net/Other', text: FLOW('other') },
    ],
    instructions: '# read me\n',
  };
}

async function signed(signer: PackageSigner, name = 'ops', version = 1, message = 'hello'): Promise<Uint8Array> {
  return signPackageFile((await buildPackageFile(input(name, version, message))).bytes, signer);
}

/** The zip with its entries changed by `edit` (entry name → bytes; undefined removes it). */
async function rewrite(bytes: Uint8Array, edit: (entries: Map<string, Uint8Array>) => void | Promise<void>): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(bytes);
  const entries = new Map<string, Uint8Array>();
  for (const f of Object.values(zip.files)) if (!f.dir) entries.set(f.name, await f.async('uint8array'));
  await edit(entries);
  const out = new JSZip();
  for (const [name, data] of entries) out.file(name, data, { date: new Date(Date.UTC(1980, 0, 1)), createFolders: false });
  return out.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

const trusting = (...kids: string[]) => ({ verifySignature: { isTrusted: (k: string) => kids.includes(k), required: true } });

async function refusal(bytes: Uint8Array, options: Parameters<typeof readPackageFile>[1]): Promise<PackageFileError> {
  try {
    await readPackageFile(bytes, options);
  } catch (err) {
    assert.ok(err instanceof PackageFileError, `a PackageFileError, not ${String(err)}`);
    return err;
  }
  assert.fail('the file was accepted');
}

function flipByte(data: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(data);
  copy[at] = copy[at] === 0x61 ? 0x62 : 0x61;
  return copy;
}

describe('package signatures', () => {
  test('the key id is the RFC 7638 thumbprint, computed independently', async () => {
    const s = await newSigner();
    const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x: s.publicJwk.x });
    assert.equal(s.kid, createHash('sha256').update(canonical).digest('base64url'));
  });

  test('a signed file reads back with its signer; the signature covers manifest.json only and sits beside it', async () => {
    const s = await newSigner();
    const bytes = await signed(s);
    const read = await readPackageFile(bytes, trusting(s.kid));
    assert.equal(read.signer, s.kid);
    assert.equal(read.signed, true);
    assert.equal(read.manifest.name, 'ops');
    // Without the option the signature is allowed and not checked; unsigned files read as unsigned.
    const plain = await readPackageFile(bytes);
    assert.equal(plain.signer, undefined);
    assert.equal(plain.signed, true);
    const unsigned = await readPackageFile((await buildPackageFile(input('ops', 1))).bytes, { verifySignature: { isTrusted: () => true } });
    assert.equal(unsigned.signed, false);
    assert.equal(unsigned.signer, undefined);
  });

  test('signing again replaces the signature; the other entries are kept byte for byte', async () => {
    const [s1, s2] = [await newSigner(), await newSigner()];
    const once = await signed(s1);
    const twice = await signPackageFile(once, s2);
    const a = await readPackageFile(once);
    const b = await readPackageFile(twice, trusting(s2.kid));
    assert.equal(b.signer, s2.kid);
    assert.deepEqual([...a.entries.keys()].sort(), [...b.entries.keys()].sort());
    for (const [name, data] of a.entries) if (name !== SIGNATURE_ENTRY) assert.deepEqual(Buffer.from(b.entries.get(name)!), Buffer.from(data), name);
    const e = await refusal(twice, trusting(s1.kid));
    assert.ok(isUntrustedSigner(e), 'only the new signer counts');
  });

  test('a changed byte in a definition entry: refused, naming the entry', async () => {
    const s = await newSigner();
    const bytes = await rewrite(await signed(s), (m) => void m.set('definitions/flows/net/Check.flow.yaml', flipByte(m.get('definitions/flows/net/Check.flow.yaml')!, 30)));
    const e = await refusal(bytes, trusting(s.kid));
    assert.match(e.field, /net\/Check/);
    assert.match(e.message, /Entry "definitions\/flows\/net\/Check\.flow\.yaml" has been changed/);
    assert.ok(!isUntrustedSigner(e));
  });

  test('a changed byte in manifest.json: the signature does not match it', async () => {
    const s = await newSigner();
    const bytes = await rewrite(await signed(s), (m) => {
      const text = new TextDecoder().decode(m.get('manifest.json')!);
      m.set('manifest.json', new TextEncoder().encode(text.replace('flowgate-tests/0.1.0', 'flowgate-tests/0.1.1')));
    });
    const e = await refusal(bytes, trusting(s.kid));
    assert.equal(e.field, 'signature');
    assert.match(e.message, /does not match manifest\.json/);
    assert.ok(e.message.includes(s.kid), 'names the key that signed');
  });

  test('a missing entry: refused, naming it', async () => {
    const s = await newSigner();
    const bytes = await rewrite(await signed(s), (m) => void m.delete('definitions/flows/net/Other.flow.yaml'));
    const e = await refusal(bytes, trusting(s.kid));
    assert.match(e.message, /Entry "definitions\/flows\/net\/Other\.flow\.yaml" is listed in the manifest but missing/);
  });

  test('an extra entry: refused, naming it', async () => {
    const s = await newSigner();
    const bytes = await rewrite(await signed(s), (m) => void m.set('definitions/flows/net/Sneaky.flow.yaml', new TextEncoder().encode(FLOW('sneaky'))));
    const e = await refusal(bytes, trusting(s.kid));
    assert.match(e.message, /Entry "definitions\/flows\/net\/Sneaky\.flow\.yaml" is not listed in the manifest/);
  });

  test("another version's signed manifest put in (with its valid signature): the file's entries no longer match", async () => {
    const s = await newSigner();
    const v1 = await signed(s, 'ops', 1, 'version one');
    const v2 = await signed(s, 'ops', 2, 'version two');
    const v2entries = await readPackageFile(v2);
    const mixed = await rewrite(v1, (m) => {
      m.set('manifest.json', v2entries.entries.get('manifest.json')!);
      m.set(SIGNATURE_ENTRY, v2entries.entries.get(SIGNATURE_ENTRY)!);
    });
    const e = await refusal(mixed, trusting(s.kid));
    assert.match(e.message, /Entry "definitions\/flows\/net\/Check\.flow\.yaml" has been changed: its SHA-256 differs from the manifest's/);
    // Another name's manifest likewise.
    const other = await readPackageFile(await signed(s, 'other', 1, 'other content'));
    const renamed = await rewrite(v1, (m) => {
      m.set('manifest.json', other.entries.get('manifest.json')!);
      m.set(SIGNATURE_ENTRY, other.entries.get(SIGNATURE_ENTRY)!);
    });
    assert.match((await refusal(renamed, trusting(s.kid))).message, /has been changed/);
  });

  test('a whole validly signed file of another version reads, and names its own version (the caller compares)', async () => {
    const s = await newSigner();
    const v2 = await signed(s, 'ops', 2, 'version two');
    const read = await readPackageFile(v2, trusting(s.kid));
    assert.equal(read.manifest.version, 2);
    assert.equal(read.manifest.name, 'ops');
  });

  test('an untrusted signer: refused before the manifest is parsed, naming the key', async () => {
    const [s, other] = [await newSigner(), await newSigner()];
    // A manifest that is not even JSON: the signer is judged first.
    const bytes = await signed(s);
    const e = await refusal(bytes, trusting(other.kid));
    assert.ok(isUntrustedSigner(e));
    assert.equal(e.field, 'signature');
    assert.ok(e.message.includes(s.kid));
    assert.match(e.message, /does not trust/);
    const garbage = new TextEncoder().encode('{not json');
    const jws = await signManifest(garbage, s);
    const e2 = await refusal(await rewrite(bytes, (m) => { m.set('manifest.json', garbage); m.set(SIGNATURE_ENTRY, new TextEncoder().encode(jws)); }), trusting(other.kid));
    assert.ok(isUntrustedSigner(e2), 'untrusted, not "manifest is not JSON"');
  });

  test('an unsigned file where a signature is required: refused, saying so', async () => {
    const e = await refusal((await buildPackageFile(input('ops', 1))).bytes, trusting('x'));
    assert.equal(e.field, 'signature');
    assert.match(e.message, /not signed/);
  });

  test('a signature entry of the wrong shape: refused, saying what is wrong', async () => {
    const s = await newSigner();
    const good = await signed(s);
    const jws = new TextDecoder().decode((await readPackageFile(good)).entries.get(SIGNATURE_ENTRY)!);
    const [header, , sig] = jws.split('.');
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cases: [string, string, RegExp][] = [
      ['not a JWS', 'hello', /not a detached JWS/],
      ['attached payload', `${header}.${Buffer.from('x').toString('base64url')}.${sig}`, /not a detached JWS/],
      ['four parts', `${header}..${sig}.x`, /not a detached JWS/],
      ['header not JSON', `${Buffer.from('nope').toString('base64url')}..${sig}`, /not base64url JSON/],
      ['header an array', `${b64([1])}..${sig}`, /not an object/],
      ['wrong typ', `${b64({ alg: 'EdDSA', typ: 'JWT', kid: s.kid, jwk: s.publicJwk })}..${sig}`, /typ must be/],
      ['no jwk', `${b64({ alg: 'EdDSA', typ: 'flowgate-package+jws', kid: s.kid })}..${sig}`, /jwk must be an Ed25519 public key/],
      ['signature not base64url', `${header}..${'%'.repeat(86)}`, /not a detached JWS/],
      ['bad signature bytes', `${header}..${Buffer.alloc(64).toString('base64url')}`, /does not match manifest\.json/],
    ];
    for (const [what, text, expected] of cases) {
      const bytes = await rewrite(good, (m) => void m.set(SIGNATURE_ENTRY, new TextEncoder().encode(text)));
      const e = await refusal(bytes, trusting(s.kid));
      assert.equal(e.field, 'signature', what);
      assert.match(e.message, expected, what);
      assert.ok(!isUntrustedSigner(e), what);
    }
    // Not UTF-8 at all.
    const binary = await rewrite(good, (m) => void m.set(SIGNATURE_ENTRY, new Uint8Array([0xff, 0xfe, 0x00])));
    assert.match((await refusal(binary, trusting(s.kid))).message, /not text/);
  });

  test('verifyManifestSignature alone: the manifest bytes it is given are what is signed', async () => {
    const s = await newSigner();
    const manifest = new TextEncoder().encode('{"a":1}\n');
    const jws = await signManifest(manifest, s);
    assert.deepEqual(await verifyManifestSignature(manifest, jws, (k) => k === s.kid), { kid: s.kid });
    await assert.rejects(verifyManifestSignature(new TextEncoder().encode('{"a":2}\n'), jws, (k) => k === s.kid), /does not match/);
  });
});
