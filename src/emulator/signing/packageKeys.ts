/**
 * The gateway's package-signing keys (issue 10, "Signing"): Ed25519 key pairs in
 * `<data>/signing/package-key.json` (file 0600, folder 0700, durable write), created on first start
 * and kept across restarts. Separate from the OAuth token-signing key (auth/keys.ts): a leaked or
 * rotated token key must not let anyone forge package signatures, and the reverse.
 * The file may hold several keys (rotation); exactly one is `current`. Each key's id is its
 * RFC 7638 thumbprint. A damaged file refuses the start with a message naming the file, never its contents.
 * The data folder is locked (dataLock.ts) before this runs, so two first starts cannot both create a key.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { LIMITS } from '../../core/limits';
import { writeFileDurable } from '../store/durableFile';
import type { PackageSigner } from '../../core/package/signature';

export const SIGNING_DIR = 'signing';
export const PACKAGE_KEY_FILE = 'package-key.json';
/** Keys one file may hold (rotation keeps old public keys listed). */
const MAX_KEYS = LIMITS.packageSigningKeys;

export interface PublicPackageKey {
  kid: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string };
  current: boolean;
  createdAt: string;
}

interface StoredKey {
  kid: string;
  x: string;
  d: string;
  current: boolean;
  createdAt: string;
}

export interface PackageSigningKeys {
  /** Every key's public half (never `d`). */
  publicKeys(): PublicPackageKey[];
  /** The current key's id. */
  currentKid: string;
  /** The current key, to sign with (its private half never leaves this process). */
  signer(): PackageSigner;
  /** Whether a key id is one of this gateway's own keys (current or older). */
  isOwn(kid: string): boolean;
}

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;

function isStoredKey(v: unknown): v is StoredKey {
  const k = v as Partial<StoredKey> | undefined;
  return (
    !!k &&
    typeof k === 'object' &&
    typeof k.kid === 'string' &&
    typeof k.x === 'string' &&
    B64URL_32.test(k.x) &&
    typeof k.d === 'string' &&
    B64URL_32.test(k.d) &&
    typeof k.current === 'boolean' &&
    typeof k.createdAt === 'string' &&
    !Number.isNaN(Date.parse(k.createdAt))
  );
}

async function thumbprint(x: string): Promise<string> {
  return calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x });
}

function damaged(file: string, why: string): Error {
  return new Error(`${file} is not a Flowgate package-signing key file (${why}); move it away to create a new key (packages signed with the old one no longer verify against this gateway)`);
}

async function parseKeyFile(file: string, text: string): Promise<StoredKey[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged(file, 'not JSON');
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) throw damaged(file, `"keys" must list 1 to ${MAX_KEYS} keys`);
  if (!keys.every(isStoredKey)) throw damaged(file, 'a key is malformed');
  if (keys.filter((k) => k.current).length !== 1) throw damaged(file, 'exactly one key must be current');
  for (const k of keys) if ((await thumbprint(k.x)) !== k.kid) throw damaged(file, 'a key id is not its thumbprint');
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw damaged(file, 'a key id is listed twice');
  return keys;
}

function view(keys: StoredKey[]): PackageSigningKeys {
  const current = keys.find((k) => k.current)!;
  const own = new Set(keys.map((k) => k.kid));
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: current.x, d: current.d }, format: 'jwk' });
  const signer: PackageSigner = { kid: current.kid, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: current.x }, privateKey };
  return {
    currentKid: current.kid,
    signer: () => signer,
    isOwn: (kid) => own.has(kid),
    publicKeys: () =>
      keys.map((k) => ({ kid: k.kid, jwk: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: k.x }, current: k.current, createdAt: k.createdAt })),
  };
}

/** Reads the package-signing keys, or creates the first one. */
export async function loadPackageSigningKeys(dataDir: string): Promise<PackageSigningKeys> {
  const file = path.join(dataDir, SIGNING_DIR, PACKAGE_KEY_FILE);
  let text: string | undefined;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) return view(await parseKeyFile(file, text));
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  const key: StoredKey = { kid: await thumbprint(jwk.x), x: jwk.x, d: jwk.d, current: true, createdAt: new Date().toISOString() };
  await writeFileDurable(file, JSON.stringify({ keys: [key] }, null, 2) + '\n');
  return view([key]);
}
