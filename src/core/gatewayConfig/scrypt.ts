/**
 * Password and client-secret hashes of the gateway configuration file: scrypt from `node:crypto`,
 * written `scrypt$N$r$p$salt$hash` (salt and hash base64url, no padding). The cost parameters travel
 * with each hash, so stronger ones can be chosen later without breaking old entries; they are
 * bounded (LIMITS.scryptMax*) so a configuration file cannot make one check take a gigabyte.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { LIMITS } from '../limits';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** The cost of new hashes: N 2^15, r 8, p 1 (32 MB, tens of milliseconds). */
export const SCRYPT_DEFAULTS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** The shape of a hash, for schemas: `scrypt$N$r$p$salt$hash`. */
export const SCRYPT_HASH_PATTERN = '^scrypt\\$[0-9]{1,7}\\$[0-9]{1,3}\\$[0-9]{1,3}\\$[A-Za-z0-9_-]{16,128}\\$[A-Za-z0-9_-]{16,128}$';
export const SCRYPT_HASH_MAX_LENGTH = 300;

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/** Why `encoded` is not a usable scrypt hash, or undefined when it is. */
export function scryptHashProblem(encoded: string): string | undefined {
  const parsed = parse(encoded);
  return typeof parsed === 'string' ? parsed : undefined;
}

function parse(encoded: string): ParsedHash | string {
  if (encoded.length > SCRYPT_HASH_MAX_LENGTH || !new RegExp(SCRYPT_HASH_PATTERN).test(encoded)) {
    return 'must be an scrypt hash: scrypt$N$r$p$salt$hash (salt and hash base64url)';
  }
  const [, n, r, p, salt, hash] = encoded.split('$');
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (N < 2 || N > LIMITS.scryptMaxN || (N & (N - 1)) !== 0) return `N must be a power of 2 from 2 to ${LIMITS.scryptMaxN}`;
  if (R < 1 || R > LIMITS.scryptMaxR) return `r must be from 1 to ${LIMITS.scryptMaxR}`;
  if (P < 1 || P > LIMITS.scryptMaxP) return `p must be from 1 to ${LIMITS.scryptMaxP}`;
  const s = Buffer.from(salt, 'base64url');
  const h = Buffer.from(hash, 'base64url');
  if (s.length < 8) return 'the salt must be at least 8 bytes';
  if (h.length < 16) return 'the hash must be at least 16 bytes';
  return { N, r: R, p: P, salt: s, hash: h };
}

function derive(secret: string, salt: Buffer, length: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(secret.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A new hash of `secret` (fresh random salt). */
export async function hashSecret(secret: string, params: ScryptParams = SCRYPT_DEFAULTS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, HASH_BYTES, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** True when `secret` is the one `encoded` was made from (constant-time comparison); false for a malformed hash. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  if (typeof secret !== 'string' || secret.length > LIMITS.shortStringLength * 4) return false;
  const parsed = parse(encoded);
  if (typeof parsed === 'string') return false;
  const actual = await derive(secret, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(actual, parsed.hash);
}

/** A new random secret (256 bits, base64url). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
