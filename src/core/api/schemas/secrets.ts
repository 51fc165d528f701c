/** Connection secrets (`/api/v1/secrets[/{name}]`): values are write-only — no answer holds one. */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { PACKAGE_NAME_SOURCE } from '../../model/packageDraft';
import { SECRET_NAME_MAX, SECRET_NAME_PATTERN, type SecretGrant as SecretGrantModel } from '../../secrets/rules';
import { assertType, DefinitionId, Instant, List, Str, type Equal } from './common';

export const SecretName = Str({ min: 1, max: SECRET_NAME_MAX, pattern: SECRET_NAME_PATTERN, description: "A secret's name: what a connection's `auth.secret` names" });

export const SecretParams = Type.Object({ name: SecretName }, { additionalProperties: false });

export const SecretGrant = Type.Object(
  {
    package: Str({ min: 1, max: LIMITS.nameLength, pattern: PACKAGE_NAME_SOURCE, description: 'The package whose connection may use the secret' }),
    connection: DefinitionId,
  },
  { additionalProperties: false, description: "A connection of one package (a connection of the same name in another package gets nothing)" },
);
assertType<Equal<Static<typeof SecretGrant>, SecretGrantModel>>();

const Grants = List(SecretGrant, LIMITS.secretGrants, { description: 'The connections that may use the secret' });

export const PutSecretRequest = Type.Object(
  {
    value: Type.String({ minLength: LIMITS.secretValueMin, maxLength: LIMITS.secretValueLength, description: 'The value (write-only: never answered, logged or audited)' }),
    grants: Type.Optional(Grants),
  },
  { additionalProperties: false },
);
export type PutSecretRequest = Static<typeof PutSecretRequest>;

export const PutSecretGrantsRequest = Type.Object({ grants: Grants }, { additionalProperties: false });
export type PutSecretGrantsRequest = Static<typeof PutSecretGrantsRequest>;

export const SecretSummary = Type.Object(
  {
    name: SecretName,
    grants: Grants,
    createdAt: Instant(),
    updatedAt: Instant('When the value or the grants last changed'),
    createdBy: Type.Optional(Str({ description: 'Who set it first' })),
    updatedBy: Type.Optional(Str({ description: 'Who changed it last' })),
  },
  { additionalProperties: false },
);
export type SecretSummary = Static<typeof SecretSummary>;

export const SecretListResponse = Type.Object({ secrets: List(SecretSummary, LIMITS.connectionSecrets) }, { additionalProperties: false });
export type SecretListResponse = Static<typeof SecretListResponse>;
