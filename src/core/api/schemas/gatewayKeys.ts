/** `GET /api/v1/gateway/keys`: this gateway's public package-signing keys (never a private member). */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { Instant, Str } from './common';

const B64URL = '^[A-Za-z0-9_-]+$';

export const GatewayKeyJwk = Type.Object(
  {
    kty: Type.Literal('OKP'),
    crv: Type.Literal('Ed25519'),
    x: Str({ min: 43, max: 43, pattern: B64URL, description: 'The public key (base64url, 32 bytes)' }),
  },
  { additionalProperties: false, description: 'The public Ed25519 key as a JWK (RFC 8037); never a private member' },
);

export const GatewayKey = Type.Object(
  {
    kid: Str({ min: 43, max: 43, pattern: B64URL, description: "The key's id: its RFC 7638 JWK thumbprint (SHA-256)" }),
    jwk: GatewayKeyJwk,
    current: Type.Boolean({ description: 'True for the one key new package versions are signed with' }),
    createdAt: Instant('When the key was created'),
  },
  { additionalProperties: false },
);

export const GatewayKeysResponse = Type.Object(
  { keys: Type.Array(GatewayKey, { minItems: 1, maxItems: LIMITS.packageSigningKeys, description: 'Every package-signing key of this gateway (one current)' }) },
  { additionalProperties: false },
);
export type GatewayKeysResponse = Static<typeof GatewayKeysResponse>;
