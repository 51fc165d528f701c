/**
 * The token-attack corpus: each entry is one forged or misused access token, named and explained,
 * made from a real token of the gateway under attack (`good`, got with its local admin client) and,
 * where the attack needs a valid signature so that only one claim is wrong, the gateway's own
 * signing key (`key`, read from its data folder — an attacker would not have it, which is what makes
 * those cases strict: the check of that one claim alone must refuse them). Every entry must be
 * answered 401 `invalid_token` (test/hostile/tokens.test.ts), never 500, and the gateway keeps serving.
 */
import { createHmac, createPrivateKey, generateKeyPairSync, sign, type JsonWebKey } from 'node:crypto';
import { CompactSign, SignJWT, exportJWK, importJWK, type JWK, type JWTPayload } from 'jose';

export interface TokenContext {
  /** A real access token of the gateway (the local admin's). */
  good: string;
  /** The gateway's private signing JWK (EdDSA, with its kid). */
  key: JWK & { kid: string };
  /** A real access token of another gateway (another emulator, another key). */
  foreign: string;
}

export interface TokenAttack {
  name: string;
  why: string;
  make(c: TokenContext): Promise<string>;
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const parts = (t: string) => t.split('.');
const claims = (t: string): JWTPayload => JSON.parse(Buffer.from(parts(t)[1]!, 'base64url').toString('utf8'));
const header = (t: string): Record<string, unknown> => JSON.parse(Buffer.from(parts(t)[0]!, 'base64url').toString('utf8'));
const now = () => Math.floor(Date.now() / 1000);

/** The good token's claims re-signed with the gateway's own key, with `change` applied. */
export async function resigned(c: TokenContext, change: (p: JWTPayload, h: Record<string, unknown>) => void): Promise<string> {
  const p = claims(c.good);
  const h: Record<string, unknown> = { ...header(c.good) };
  change(p, h);
  const key = await importJWK(c.key, 'EdDSA');
  return new SignJWT(p).setProtectedHeader(h as { alg: string }).sign(key);
}

/** A fresh Ed25519 key of the attacker's. */
async function attackerKey(): Promise<{ key: CryptoKey | Uint8Array; jwk: JWK }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { key: await importJWK(privateKey.export({ format: 'jwk' }) as JWK, 'EdDSA'), jwk: await exportJWK(publicKey) };
}

export const TOKEN_ATTACKS: TokenAttack[] = [
  {
    name: 'alg-none',
    why: 'unsigned token (RFC 7519 "none"): the algorithm allow-list holds EdDSA only',
    make: async (c) => `${b64({ ...header(c.good), alg: 'none' })}.${parts(c.good)[1]}.`,
  },
  {
    name: 'hs256-with-public-key',
    why: 'algorithm confusion: HMAC keyed with the public key the JWKS publishes',
    make: async (c) => {
      const input = `${b64({ ...header(c.good), alg: 'HS256' })}.${parts(c.good)[1]}`;
      return `${input}.${createHmac('sha256', Buffer.from(c.key.x!, 'base64url')).update(input).digest('base64url')}`;
    },
  },
  { name: 'expired', why: 'exp an hour ago (past the clock tolerance)', make: (c) => resigned(c, (p) => ((p.iat = now() - 7200), (p.exp = now() - 3600))) },
  { name: 'not-yet-valid', why: 'nbf an hour ahead', make: (c) => resigned(c, (p) => (p.nbf = now() + 3600)) },
  { name: 'issued-in-the-future', why: 'iat an hour ahead, with nbf', make: (c) => resigned(c, (p) => ((p.iat = now() + 3600), (p.nbf = now() + 3600))) },
  { name: 'wrong-issuer', why: 'another issuer', make: (c) => resigned(c, (p) => (p.iss = 'http://evil.example/oauth')) },
  { name: 'wrong-audience', why: 'a token for another resource server', make: (c) => resigned(c, (p) => (p.aud = 'http://evil.example/')) },
  { name: 'wrong-typ', why: 'typ JWT instead of at+jwt (RFC 9068: an ID token or other JWT is not an access token)', make: (c) => resigned(c, (_p, h) => (h.typ = 'JWT')) },
  { name: 'no-typ', why: 'no typ header at all', make: (c) => resigned(c, (_p, h) => delete h.typ) },
  { name: 'no-exp', why: 'a token that never expires', make: (c) => resigned(c, (p) => delete p.exp) },
  { name: 'unknown-client', why: 'validly signed, but for a client the configuration does not have', make: (c) => resigned(c, (p) => ((p.client_id = 'ghost'), (p.sub = 'ghost'))) },
  { name: 'subject-not-client', why: 'sub differs from client_id (a user token forged from a client token)', make: (c) => resigned(c, (p) => (p.sub = 'someone-else')) },
  { name: 'other-gateway', why: "a real token of another gateway (its key, its issuer)", make: async (c) => c.foreign },
  {
    name: 'tampered-payload',
    why: 'the real signature over a changed payload (client_id swapped)',
    make: async (c) => {
      const [h, , sig] = parts(c.good);
      return `${h}.${b64({ ...claims(c.good), client_id: 'someone-else', scope: 'everything' })}.${sig}`;
    },
  },
  {
    name: 'unknown-kid',
    why: "signed with the attacker's key under a kid the gateway does not have",
    make: async (c) => {
      const a = await attackerKey();
      return new SignJWT(claims(c.good)).setProtectedHeader({ ...header(c.good), alg: 'EdDSA', kid: 'attacker-key' } as { alg: string }).sign(a.key);
    },
  },
  {
    name: 'gateway-kid-attacker-key',
    why: "the gateway's kid, signed with the attacker's key",
    make: async (c) => new SignJWT(claims(c.good)).setProtectedHeader({ ...header(c.good), alg: 'EdDSA' } as { alg: string }).sign((await attackerKey()).key),
  },
  {
    name: 'embedded-jwk',
    why: "the attacker's public key embedded in the header (jwk), as if to verify with it",
    make: async (c) => {
      const a = await attackerKey();
      return new SignJWT(claims(c.good)).setProtectedHeader({ ...header(c.good), alg: 'EdDSA', kid: undefined, jwk: a.jwk } as { alg: string }).sign(a.key);
    },
  },
  {
    name: 'jku-header',
    why: "signed with the attacker's key, the header pointing at the attacker's key set (jku)",
    make: async (c) =>
      new SignJWT(claims(c.good)).setProtectedHeader({ ...header(c.good), alg: 'EdDSA', kid: 'attacker-key', jku: 'http://evil.example/jwks.json' } as { alg: string }).sign((await attackerKey()).key),
  },
  {
    name: 'unknown-crit',
    why: 'signed with the gateway key, with a critical header extension the verifier does not know (RFC 7515 crit)',
    make: async (c) => {
      const input = `${b64({ ...header(c.good), crit: ['exp-ext'], 'exp-ext': true })}.${parts(c.good)[1]}`;
      const key = createPrivateKey({ key: c.key as unknown as JsonWebKey, format: 'jwk' });
      return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
    },
  },
  { name: 'kid-path-traversal', why: 'kid naming a file of the data folder', make: (c) => resigned(c, (_p, h) => (h.kid = '../../secret.key')) },
  {
    name: 'nested-jwt',
    why: 'the real token wrapped as the payload of another JWS signed with the gateway key (cty JWT)',
    make: async (c) =>
      new CompactSign(new TextEncoder().encode(c.good)).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', cty: 'JWT', kid: c.key.kid }).sign(await importJWK(c.key, 'EdDSA')),
  },
  { name: 'huge', why: 'a 12 KB token (under the HTTP header limit, over the gateway bound)', make: async (c) => `${parts(c.good)[0]}.${b64({ ...claims(c.good), pad: 'x'.repeat(9000) })}.${parts(c.good)[2]}` },
  { name: 'two-segments', why: 'not a JWS compact serialization', make: async (c) => parts(c.good).slice(0, 2).join('.') },
  { name: 'garbage', why: 'base64url noise', make: async () => 'e30.e30.AAAA' },
];
