/**
 * The gateway's signing key: one Ed25519 key pair, created once in `<data>/oauth/signing-key.json`
 * (0600) and kept, so tokens issued before a restart still verify. The same file holds the secret
 * the authorization server signs its cookies with.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { writeFileDurable } from '../store/durableFile';

export const OAUTH_DIR = 'oauth';
const KEY_FILE = 'signing-key.json';

export interface SigningKeys {
  /** The private JWK (kty OKP, crv Ed25519, d, x, kid, alg EdDSA, use sig). */
  privateJwk: JWK & { kid: string };
  publicJwk: JWK & { kid: string };
  cookieKeys: string[];
}

function isKeyFile(v: unknown): v is { key: JWK & { kid: string }; cookieKeys: string[] } {
  const o = v as { key?: JWK; cookieKeys?: unknown } | undefined;
  return (
    !!o?.key &&
    o.key.kty === 'OKP' &&
    o.key.crv === 'Ed25519' &&
    typeof o.key.d === 'string' &&
    typeof o.key.x === 'string' &&
    typeof o.key.kid === 'string' &&
    Array.isArray(o.cookieKeys) &&
    o.cookieKeys.length > 0 &&
    o.cookieKeys.every((k) => typeof k === 'string' && k.length >= 32)
  );
}

function publicOf(key: JWK & { kid: string }): JWK & { kid: string } {
  return { kty: key.kty, crv: key.crv, x: key.x, kid: key.kid, alg: 'EdDSA', use: 'sig' };
}

/** Reads the signing key, or creates it on first start. A damaged file refuses the start (tokens would silently change keys). */
export async function loadSigningKeys(dataDir: string): Promise<SigningKeys> {
  const file = path.join(dataDir, OAUTH_DIR, KEY_FILE);
  let text: string | undefined;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isKeyFile(parsed)) throw new Error(`${file} is not a Flowgate signing key file; move it away to create a new key (tokens issued with the old one stop working)`);
    return { privateJwk: parsed.key, publicJwk: publicOf(parsed.key), cookieKeys: parsed.cookieKeys };
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
  const key = { ...jwk, kid, alg: 'EdDSA', use: 'sig' };
  const cookieKeys = [randomBytes(32).toString('base64url')];
  await writeFileDurable(file, JSON.stringify({ key, cookieKeys }, null, 2) + '\n');
  return { privateJwk: key, publicJwk: publicOf(key), cookieKeys };
}
