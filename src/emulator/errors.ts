/** Errors that carry an HTTP status and an API error code; the HTTP layer turns them into JSON. */
import type { ApiErrorCode, ApiErrorDetail } from '../core/api/types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ApiErrorDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (code: ApiErrorCode, message: string) => new ApiError(404, code, message);
export const badRequest = (message: string, details?: ApiErrorDetail[]) =>
  new ApiError(400, 'bad-request', message, details);
export const conflict = (code: ApiErrorCode, message: string, details?: ApiErrorDetail[]) =>
  new ApiError(409, code, message, details);
/** A package file refused at upload, naming each field at fault (`manifest.triggers[0].name`). */
export const invalidPackageFile = (details: ApiErrorDetail[]) =>
  new ApiError(400, 'invalid-package-file', `Invalid package file: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
