/** The error body and the one list of error codes every gateway answers with. */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { List, Str, Text } from './common';

/** Every stable error code of the API; ApiErrorCode is derived from this list. */
export const API_ERROR_CODES = [
  'bad-request',
  'invalid-package-file',
  'invalid-inputs',
  'not-found',
  'package-not-found',
  'version-not-found',
  'flow-not-found',
  'execution-not-found',
  'version-conflict',
  'not-published',
  'no-default-package',
  'no-default-version',
  'ambiguous-flow',
  'flow-failed',
  'unauthorized',
  'forbidden',
  'payload-too-large',
  'already-exists',
  'unsupported-media-type',
  'forbidden-origin',
  'misdirected-request',
  'too-many-executions',
  'too-many-attempts',
  'budget-exceeded',
  'quota-exceeded',
  'version-published',
  'directory-unavailable',
  'protected-target',
  'invalid-signature',
  'untrusted-signer',
  'rollback-refused',
  'source-not-found',
  'source-unavailable',
  'import-not-found',
  'import-closed',
  'validation-failed',
  'not-submitted',
  'already-pulled',
  'internal',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const ApiErrorCodeSchema = Type.Unsafe<ApiErrorCode>({ type: 'string', enum: [...API_ERROR_CODES] });

export const ApiErrorDetail = Type.Object(
  {
    field: Str({ max: LIMITS.textLength, description: 'The field or object at fault: `inputVariables.device`, `manifest.version`, `steps[2].flow`' }),
    message: Text(),
  },
  { additionalProperties: false },
);

/** Most details one error answer carries. */
export const MAX_ERROR_DETAILS = 100;

export const ApiErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: ApiErrorCodeSchema,
        message: Text(),
        details: Type.Optional(List(ApiErrorDetail, MAX_ERROR_DETAILS, { description: 'Field-level problems, e.g. one entry per bad input variable' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
