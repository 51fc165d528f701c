/**
 * Package signatures (issue 10): a detached JWS (RFC 7515 compact form with the payload left out,
 * `header..signature`, `jose`, EdDSA over Ed25519) over the exact bytes of `manifest.json`, kept
 * in the zip as SIGNATURE_ENTRY. The manifest lists every other entry's SHA-256, the package name
 * and version, and the content digest, so signing it signs the whole file: no entry can be changed,
 * added, removed or swapped in from another version without the reader noticing.
 *
 * The protected header carries the signer's public key (`jwk`, RFC 7515 §4.1.3) and its id (`kid`,
 * the RFC 7638 thumbprint of that key). A reader trusts a key by its thumbprint only: the key in the
 * header is used after its thumbprint was computed and found among the trusted ones, so a header
 * cannot bring its own trust. Nothing else in the header is accepted (no `crit`, no `b64`, no
 * `jku`/`x5u`: nothing is ever fetched).
 */
import type { KeyObject } from 'node:crypto';
import JSZip from 'jszip';
import { calculateJwkThumbprint, CompactSign, flattenedVerify, importJWK, base64url } from 'jose';
import { LIMITS } from '../limits';
import { PackageFileError } from './errors';

/** The zip entry holding the signature (not listed in the manifest: it signs the manifest). */
export const SIGNATURE_ENTRY = 'signature.jws';
/** The `typ` of a package signature's header. */
export const SIGNATURE_TYP = 'flowgate-package+jws';

export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

export interface PackageSigner {
  /** RFC 7638 thumbprint of `publicJwk`. */
  kid: string;
  publicJwk: Ed25519PublicJwk;
  privateKey: KeyObject | CryptoKey;
}

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;
const ZIP_ENTRY_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The RFC 7638 thumbprint (SHA-256, base64url) of an Ed25519 public key. */
export function keyThumbprint(jwk: Ed25519PublicJwk): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'sha256');
}

/**
 * Keys met recently (x → thumbprint, and the imported public key of a trusted one): a gateway
 * verifies the same few signers again and again. Bounded; the oldest entry goes first.
 */
const KEY_CACHE_SIZE = LIMITS.signatureKeyCache;
const keyCache = new Map<string, { kid: string; key?: CryptoKey | KeyObject | Uint8Array }>();
function remember(x: string, entry: { kid: string; key?: CryptoKey | KeyObject | Uint8Array }): void {
  keyCache.delete(x);
  keyCache.set(x, entry);
  if (keyCache.size > KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
}

/** base64url of bytes (Node's own encoder: jose's is ~25× slower on a large manifest). */
function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** A detached compact JWS over `manifestBytes`: `header..signature`. */
export async function signManifest(manifestBytes: Uint8Array, signer: PackageSigner): Promise<string> {
  const jws = await new CompactSign(manifestBytes)
    .setProtectedHeader({ alg: 'EdDSA', typ: SIGNATURE_TYP, kid: signer.kid, jwk: { ...signer.publicJwk } })
    .sign(signer.privateKey);
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

export interface VerifiedSignature {
  /** The signer's key id (a trusted one). */
  kid: string;
}

function refuse(message: string): PackageFileError {
  return new PackageFileError('signature', message);
}

/**
 * Verifies a detached JWS over `manifestBytes`. `isTrusted(kid)` says whether a key id is trusted.
 * Throws PackageFileError (field `signature`) saying what is wrong: malformed, an unexpected header,
 * an untrusted signer (`untrusted: true`), or a signature that does not match the manifest.
 */
export async function verifyManifestSignature(
  manifestBytes: Uint8Array,
  jwsBytes: Uint8Array | string,
  isTrusted: (kid: string) => boolean,
): Promise<VerifiedSignature> {
  const size = typeof jwsBytes === 'string' ? jwsBytes.length : jwsBytes.length;
  if (size > LIMITS.signatureEntryBytes) throw refuse(`${SIGNATURE_ENTRY} is ${size} bytes; a signature has at most ${LIMITS.signatureEntryBytes}.`);
  let jws: string;
  try {
    jws = typeof jwsBytes === 'string' ? jwsBytes : utf8.decode(jwsBytes);
  } catch {
    throw refuse(`${SIGNATURE_ENTRY} is not text.`);
  }
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || parts[1] !== '' || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^[A-Za-z0-9_-]+$/.test(parts[2])) {
    throw refuse(`${SIGNATURE_ENTRY} is not a detached JWS (header..signature).`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(utf8.decode(base64url.decode(parts[0]))) as Record<string, unknown>;
  } catch {
    throw refuse(`${SIGNATURE_ENTRY}: the JWS header is not base64url JSON.`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw refuse(`${SIGNATURE_ENTRY}: the JWS header is not an object.`);
  const allowed = new Set(['alg', 'typ', 'kid', 'jwk']);
  const unexpected = Object.keys(header).filter((k) => !allowed.has(k));
  if (unexpected.length) throw refuse(`${SIGNATURE_ENTRY}: the JWS header has parameters a package signature never has (${unexpected.slice(0, 5).join(', ')}).`);
  if (header.alg !== 'EdDSA') throw refuse(`${SIGNATURE_ENTRY}: the signature algorithm is ${JSON.stringify(header.alg)?.slice(0, 20)}; only EdDSA (Ed25519) is accepted.`);
  if (header.typ !== SIGNATURE_TYP) throw refuse(`${SIGNATURE_ENTRY}: typ must be ${SIGNATURE_TYP}.`);
  const jwk = header.jwk as Partial<Ed25519PublicJwk> | undefined;
  if (
    !jwk ||
    typeof jwk !== 'object' ||
    Object.keys(jwk).sort().join(',') !== 'crv,kty,x' ||
    jwk.kty !== 'OKP' ||
    jwk.crv !== 'Ed25519' ||
    typeof jwk.x !== 'string' ||
    !B64URL_32.test(jwk.x)
  ) {
    throw refuse(`${SIGNATURE_ENTRY}: the header's jwk must be an Ed25519 public key {kty, crv, x} and nothing else.`);
  }
  const cached = keyCache.get(jwk.x);
  const kid = cached?.kid ?? (await keyThumbprint(jwk as Ed25519PublicJwk));
  if (!cached) remember(jwk.x, { kid });
  if (header.kid !== kid) throw refuse(`${SIGNATURE_ENTRY}: the header's kid is not the thumbprint of its key.`);
  if (!isTrusted(kid)) {
    const e = refuse(`The package is signed by key ${kid}, which this gateway does not trust.`);
    (e as PackageFileError & { untrusted?: boolean }).untrusted = true;
    throw e;
  }
  try {
    let key = keyCache.get(jwk.x)?.key;
    if (!key) {
      key = await importJWK({ ...jwk, alg: 'EdDSA' } as Ed25519PublicJwk & { alg: string }, 'EdDSA');
      remember(jwk.x, { kid, key });
    }
    await flattenedVerify({ protected: parts[0], payload: b64url(manifestBytes), signature: parts[2] }, key, { algorithms: ['EdDSA'] });
  } catch {
    throw refuse(`The signature does not match manifest.json: the manifest was changed after key ${kid} signed it.`);
  }
  return { kid };
}

/** Whether a PackageFileError is an untrusted signer (as opposed to a bad signature). */
export function isUntrustedSigner(error: unknown): boolean {
  return error instanceof PackageFileError && (error as PackageFileError & { untrusted?: boolean }).untrusted === true;
}

/**
 * The package file with SIGNATURE_ENTRY set to a signature of its manifest by `signer` (an
 * existing signature is replaced). The other entries are kept byte for byte (their compressed
 * data is copied, not recompressed).
 */
export async function signPackageFile(bytes: Uint8Array, signer: PackageSigner): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(bytes, { createFolders: false });
  const manifest = zip.file('manifest.json');
  if (!manifest) throw new PackageFileError('manifest', 'This is not a package file: it has no manifest.json.');
  const manifestBytes = await manifest.async('uint8array');
  const jws = await signManifest(manifestBytes, signer);
  zip.remove(SIGNATURE_ENTRY);
  zip.file(SIGNATURE_ENTRY, jws, { date: ZIP_ENTRY_DATE, createFolders: false, binary: false });
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'UNIX' });
}
