/**
 * The one middleware that applies each operation's access (src/core/api/schemas/operations.ts,
 * `access`): it finds the request's operation with Express's own route matching (the same
 * matcher, case and trailing-slash rules as the routes themselves), checks the bearer token
 * (AuthService.authenticate: jose, EdDSA only, issuer, audience, `typ: at+jwt`, exp/nbf), and
 * answers 401 (`WWW-Authenticate: Bearer realm="flowgate"[, error="invalid_token"]`) or 403 with
 * the API's error body. A request no operation matches needs Admin (deny by default; an Admin then
 * gets the 404). `execute` and `read-executions` leave the caller in `res.locals.caller` for the
 * route's own rule (a version's groups).
 */
import { Router, type RequestHandler, type Response } from 'express';
import type { Caller } from '../../core/gatewayConfig/directory';
import { API_OPERATIONS, type ApiAccess, type ApiOperation } from '../../core/api/schemas/operations';
import { ApiError } from '../errors';
import { LIMITS } from '../../core/limits';
import type { AuthService } from './service';
import { isLoopback, parseBasic } from './basic';
import { DirectoryUnavailableError } from './directory';

export const REALM = 'flowgate';

/** Express's form of an OpenAPI path: `{name}` → `:name`; a flow id (which may hold `/`) → `*flow`. */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => (name === 'flow' ? `*${name}` : `:${name}`));
}

/** More literal segments first, so `/api/v1/executions/events` wins over `/api/v1/executions/{id}`. */
function specificity(o: ApiOperation): number {
  const segs = o.path.split('/').filter(Boolean);
  return segs.filter((s) => !s.startsWith('{')).length * 100 - segs.length;
}

/** 401: no token where one is needed (`invalid` false) or a token refused (`invalid` true, error="invalid_token"). */
export function unauthorized(res: Response, message: string, invalid: boolean): ApiError {
  res.setHeader('WWW-Authenticate', `Bearer realm="${REALM}"${invalid ? ', error="invalid_token"' : ''}`);
  return new ApiError(401, 'unauthorized', message);
}

/** 401 for refused Basic credentials: both schemes offered. */
function basicRefused(res: Response, message: string): ApiError {
  res.setHeader('WWW-Authenticate', [`Basic realm="${REALM}", charset="UTF-8"`, `Bearer realm="${REALM}"`]);
  return new ApiError(401, 'unauthorized', message);
}

export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);

/** The caller the access middleware found (undefined: no token, on an `execute` operation). */
export const callerOf = (res: Response): Caller | undefined => res.locals.caller as Caller | undefined;

/** On the start route: the caller's groups are unknown because the directory does not answer (its versions with groups answer 503). */
export const directoryUnavailableOf = (res: Response): DirectoryUnavailableError | undefined => res.locals.directoryUnavailable as DirectoryUnavailableError | undefined;

/**
 * Finds the request's operation with Express's own route matching and leaves its id in
 * `res.locals.operationId` and its path parameters in `res.locals.operationParams` (none: no
 * operation matches).
 */
export function operationMatcher(): RequestHandler {
  const matcher = Router();
  const ops = Object.entries<ApiOperation>(API_OPERATIONS).sort(([, a], [, b]) => specificity(b) - specificity(a));
  for (const [id, o] of ops) {
    matcher[o.method](expressPath(o.path), (req, res, next) => {
      res.locals.operationId = id;
      res.locals.operationParams = { ...req.params };
      next('router');
    });
  }
  return matcher;
}

export function accessControl(auth: AuthService): RequestHandler {
  const matcher = operationMatcher();
  return (req, res, next) => {
    matcher(req, res, (err?: unknown) => {
      if (err && err !== 'router') return next(err);
      const id = res.locals.operationId as keyof typeof API_OPERATIONS | undefined;
      const access: ApiAccess = id ? API_OPERATIONS[id].access : 'admin';
      if (access === 'public') return next();
      const header = req.headers.authorization;
      if (header !== undefined && /^Basic\b/i.test(header)) {
        // HTTP Basic: the start route only (the reference system's examples), over loopback or TLS.
        if (access !== 'execute') return next(unauthorized(res, 'HTTP Basic credentials are accepted on the start route only; this route needs a Bearer access token from this gateway', false));
        if (!req.secure && !isLoopback(req.socket.remoteAddress)) return next(unauthorized(res, 'HTTP Basic credentials are accepted over TLS or loopback only; use a Bearer access token', false));
        const basic = header.length <= LIMITS.authorizationHeaderBytes ? parseBasic(header) : undefined;
        if (!basic) return next(basicRefused(res, 'Malformed HTTP Basic credentials (Authorization: Basic base64(user:password))'));
        auth.basic.authenticate(basic.user, basic.password, req.socket.remoteAddress ?? '').then((r) => {
          if ('retryAfterSeconds' in r) {
            res.setHeader('Retry-After', String(r.retryAfterSeconds));
            return next(new ApiError(429, 'too-many-attempts', `Too many failed sign-ins for this user or from this address; try again in ${r.retryAfterSeconds} s`));
          }
          if ('refused' in r) return next(basicRefused(res, r.refused));
          res.locals.caller = r.caller;
          next();
        }, next);
        return;
      }
      auth.authenticate(req.headers.authorization).then((result) => {
        if (result.invalid !== undefined) return next(unauthorized(res, result.invalid, true));
        res.locals.caller = result.caller;
        if (access === 'execute') return next();
        if (!result.caller) return next(unauthorized(res, 'This needs an access token from this gateway (see /.well-known/openid-configuration)', false));
        if (access === 'admin' && !result.caller.admin) return next(forbidden('This needs the Admin role'));
        next();
      }, (err: unknown) => {
        // A person's valid token while the directory does not answer: the start route still runs versions with no
        // groups for it (groupless, no Admin); anything needing its groups answers 503 (directoryUnavailableOf).
        if (access === 'execute' && err instanceof DirectoryUnavailableError && err.user !== undefined) {
          res.locals.caller = { kind: 'user', id: err.user, groups: new Set<string>(), admin: false } satisfies Caller;
          res.locals.directoryUnavailable = err;
          return next();
        }
        next(err);
      });
    });
  };
}
