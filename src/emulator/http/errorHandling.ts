/** JSON errors for everything: unknown routes, malformed bodies, thrown errors. No stack traces. */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { ApiErrorBody, ApiErrorCode, ApiErrorDetail } from '../../core/api/types';
import { MAX_ERROR_DETAILS } from '../../core/api/schemas/errors';
import { ApiError } from '../errors';
import { DirectoryUnavailableError } from '../auth/directory';

export function sendError(res: Response, status: number, code: ApiErrorCode, message: string, details?: ApiErrorDetail[]): void {
  const bounded = details?.slice(0, MAX_ERROR_DETAILS);
  const body: ApiErrorBody = { error: { code, message, ...(bounded && bounded.length ? { details: bounded } : {}) } };
  res.status(status).json(body);
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, 404, 'not-found', `No route ${req.method} ${req.path} on this gateway (see /api/openapi.json)`);
};

export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  if (err instanceof ApiError) return sendError(res, err.status, err.code, err.message, err.details);
  // The LDAP directory does not answer: 503 naming its URL (never the bind password), try again later.
  if (err instanceof DirectoryUnavailableError) {
    res.setHeader('Retry-After', String(err.retryAfterSeconds));
    return sendError(res, 503, 'directory-unavailable', err.message);
  }
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string; limit?: number };
  const status = e?.status ?? e?.statusCode;
  switch (e?.type) {
    case 'entity.parse.failed':
      return sendError(res, 400, 'bad-request', `Malformed JSON body: ${(e.message ?? 'parse error').slice(0, 200)}`, [{ field: 'body', message: 'malformed JSON' }]);
    case 'entity.too.large':
      return sendError(res, 413, 'payload-too-large', `Request body larger than the limit of ${e.limit} bytes`, [{ field: 'body', message: `more than ${e.limit} bytes` }]);
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return sendError(res, 400, 'bad-request', (e.message ?? 'Bad request body').slice(0, 200), [{ field: 'body', message: 'unreadable body' }]);
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendError(res, status, 'bad-request', (e.message ?? 'Bad request').slice(0, 200));
  }
  console.error(`Flowgate emulator: ${req.method} ${req.originalUrl} failed:`, err);
  sendError(res, 500, 'internal', 'Internal gateway error');
};
