/**
 * Request validation at the boundary, from the API's schemas (src/core/api/schemas):
 *
 * - `jsonBody()`: a JSON route's body. Only `application/json` or a `+json` type (charset utf-8 if
 *   given) is read — anything else is 415, which also refuses the cross-site `text/plain` and form
 *   POSTs a web page could send. At most LIMITS.jsonBodyBytes (413), valid UTF-8, nested at most
 *   LIMITS.jsonDepth deep (checked on the raw text BEFORE parsing, so nothing recursive ever sees a
 *   deeper value), no `__proto__` / `constructor` / `prototype` keys. A request with no body is
 *   fine (the route's schema says whether one is required).
 * - `binaryBody()`: a package upload: only the given content types.
 * - `check(schema, value, where)`: ajv (compiled once, at startup, for every operation's schemas)
 *   → 400 `bad-request` with one detail per field (`inputVariables.x`, `ids[3]`, `packageVersion`).
 *   Routes whose own checker words problems better (schedules, triggers, users, traps, cron) pass
 *   it as `explain`: its details are merged with the schema's — except when a value is over a
 *   size bound, which is answered at once and never handed to anything costlier.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import express, { type RequestHandler } from 'express';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ApiErrorCode, ApiErrorDetail } from '../../core/api/types';
import { MAX_ERROR_DETAILS } from '../../core/api/schemas/errors';
import { API_OPERATIONS, type ApiOperation } from '../../core/api/schemas/operations';
import { LIMITS } from '../../core/limits';
import { RESERVED_NAMES } from '../../core/model/reservedNames';
import { ApiError, badRequest } from '../errors';

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, verbose: true });
const ajvFast = new Ajv({ allErrors: false, strict: false, validateFormats: false });

interface Compiled {
  full: ValidateFunction;
  fast: ValidateFunction;
}
const compiled = new Map<TSchema, Compiled>();

function compiledFor(schema: TSchema): Compiled {
  let c = compiled.get(schema);
  if (!c) {
    c = { full: ajv.compile(schema), fast: ajvFast.compile(schema) };
    compiled.set(schema, c);
  }
  return c;
}

// Compiled once, when the gateway starts: every schema an operation validates requests with.
for (const op of Object.values<ApiOperation>(API_OPERATIONS)) {
  for (const s of [op.params, op.query, op.body?.schema]) if (s) compiledFor(s);
}

/** Size bounds: a value over one is refused at once, without running slower checkers on it. */
const SIZE_KEYWORDS = new Set(['maxLength', 'maxItems', 'maxProperties']);
/** Beyond this many JSON values, an invalid body is answered with its first problem only. */
const FULL_REPORT_NODES = 20_000;

export type Where = 'body' | 'query' | 'path';

function joinField(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base || 'body'}[${key}]`;
  const k = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return base ? `${base}.${k}` : k;
}

function fieldOf(instancePath: string, where: Where): string {
  let field = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    field = /^\d+$/.test(seg) ? `${field || where}[${seg}]` : joinField(field, seg);
  }
  return field || (where === 'body' ? 'body' : where);
}

function detailsOf(errors: ErrorObject[], where: Where): { details: ApiErrorDetail[]; sizeBound: boolean } {
  const byField = new Map<string, ApiErrorDetail[]>();
  let sizeBound = false;
  const anyOfAt = new Set<string>();
  for (const e of errors) if (e.keyword === 'anyOf') anyOfAt.add(e.instancePath);
  for (const e of errors) {
    if (SIZE_KEYWORDS.has(e.keyword)) sizeBound = true;
    let field = fieldOf(e.instancePath, where);
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      field = joinField(field === 'body' || field === where ? '' : field, (e.params as { missingProperty: string }).missingProperty);
      message = 'required';
    } else if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      field = where === 'body' ? joinField(field === 'body' ? '' : field, extra) : extra;
      message = where === 'query' ? `unknown query parameter '${extra}'` : `unknown property '${extra}'`;
    } else if (anyOfAt.has(e.instancePath)) {
      if (e.keyword !== 'anyOf') continue;
      const branches = (e.schema as Array<{ const?: unknown }>) ?? [];
      const consts = branches.map((b) => b.const).filter((c) => c !== undefined);
      message = consts.length === branches.length && consts.length ? `must be one of ${consts.map((c) => JSON.stringify(c)).join(', ')}` : 'does not match any allowed form';
    } else if (where === 'query' && e.keyword === 'type' && Array.isArray(e.data)) {
      message = 'given more than once';
    } else if (e.keyword === 'pattern' && typeof e.data === 'string') {
      message = `does not match ${String((e.params as { pattern: string }).pattern)}`;
    }
    const list = byField.get(field) ?? [];
    if (!list.some((d) => d.message === message)) list.push({ field, message });
    byField.set(field, list);
  }
  return { details: [...byField.values()].flat().slice(0, MAX_ERROR_DETAILS), sizeBound };
}

function countNodes(value: unknown, stopAt: number): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length && n < stopAt) {
    const v = stack.pop();
    n++;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) stack.push(x);
  }
  return n;
}

export interface CheckOptions {
  /** The route's own checker, whose details (better worded) replace the schema's for the same fields. */
  explain?: () => ApiErrorDetail[];
  /** The error code (default bad-request). */
  code?: ApiErrorCode;
  /** What is being checked, for the message (`schedule`, `trigger`). */
  what?: string;
}

/** The value, typed by its schema — or a 400 naming every field at fault. */
export function check<T extends TSchema>(schema: T, value: unknown, where: Where, opts: CheckOptions = {}): Static<T> {
  const c = compiledFor(schema);
  if (c.fast(value)) return value as Static<T>;
  const big = countNodes(value, FULL_REPORT_NODES + 1) > FULL_REPORT_NODES;
  const errors = big ? (c.fast.errors ?? []) : (c.full(value), c.full.errors ?? []);
  let { details, sizeBound } = detailsOf(errors, where);
  if (!sizeBound && !big && opts.explain) {
    const own = opts.explain();
    const covered = new Set(own.map((d) => d.field));
    details = [...own, ...details.filter((d) => !covered.has(d.field))].slice(0, MAX_ERROR_DETAILS);
  }
  const what = opts.what ?? (where === 'body' ? 'request body' : where === 'query' ? 'query' : 'path');
  const message = `Invalid ${what}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`.slice(0, 2000);
  throw new ApiError(400, opts.code ?? 'bad-request', message, details);
}

// ---- bodies ----------------------------------------------------------------------------------

function mediaType(header: string | undefined): { type: string; charset?: string } | undefined {
  if (!header) return undefined;
  const [type, ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/^"|"$/g, '');
  return { type, ...(charset ? { charset } : {}) };
}

const isJsonType = (type: string) => type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type);

function hasBody(headers: Record<string, unknown>): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

function unsupported(message: string): ApiError {
  return new ApiError(415, 'unsupported-media-type', message, [{ field: 'content-type', message: 'unsupported' }]);
}

/**
 * One linear pass over raw JSON text, before it is parsed: the path of the first value nested
 * deeper than `max` (`inputVariables.a.b[0]`), or of the first `__proto__` / `constructor` /
 * `prototype` key (escaped spellings included). No recursion, no allocation per value: strings
 * are skipped with indexOf, and a key is sliced only when it could be a forbidden one.
 */
export function scanJson(text: string, max: number): { tooDeep?: string; forbidden?: string } {
  interface Frame { obj: boolean; key: string; index: number }
  const stack: Frame[] = [];
  let strStart = -1;
  let strEnd = -1;
  /** The path of the container being opened, or (with `key`) of that key in the innermost object. */
  const pathTo = (key?: string): string => {
    let field = '';
    stack.forEach((f, d) => {
      const k = key !== undefined && d === stack.length - 1 ? key : f.key;
      field = f.obj ? joinField(field, k) : `${field || 'body'}[${f.index}]`;
    });
    return field || 'body';
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    switch (ch) {
      case 34 /* " */: {
        let j = i + 1;
        for (;;) {
          j = text.indexOf('"', j);
          if (j < 0) return {}; // unterminated: JSON.parse will say so
          let bs = 0;
          while (text.charCodeAt(j - 1 - bs) === 92) bs++;
          if (bs % 2 === 0) break;
          j++;
        }
        strStart = i + 1;
        strEnd = j;
        i = j;
        break;
      }
      case 58 /* : */: {
        const top = stack[stack.length - 1];
        if (top?.obj && strEnd >= 0) {
          const len = strEnd - strStart;
          // A forbidden key is 9, 11 or 9 characters; escaped (\u0070...) at most 6 times as long.
          if (len <= 66) {
            let key = text.slice(strStart, strEnd);
            if (key.includes('\\')) {
              try {
                key = JSON.parse(`"${key}"`) as string;
              } catch {
                /* JSON.parse of the whole body will report it */
              }
            }
            if (RESERVED_NAMES.has(key)) return { forbidden: pathTo(key) };
            top.key = key;
          } else top.key = text.slice(strStart, strStart + 200);
        }
        strEnd = -1;
        break;
      }
      case 44 /* , */: {
        const top = stack[stack.length - 1];
        if (top && !top.obj) top.index++;
        break;
      }
      case 123 /* { */:
      case 91 /* [ */:
        if (stack.length >= max) return { tooDeep: pathTo() };
        stack.push({ obj: ch === 123, key: '', index: 0 });
        break;
      case 125 /* } */:
      case 93 /* ] */:
        stack.pop();
        break;
    }
  }
  return {};
}

/** The path of the first value nested deeper than `max`, or undefined (see scanJson). */
export function tooDeep(text: string, max: number): string | undefined {
  return scanJson(text, max).tooDeep;
}

/** The first forbidden key in a parsed value, as a field path (for values that did not come through jsonBody). */
export function forbiddenKey(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? scanJson(JSON.stringify(value), Infinity).forbidden : undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const readRaw = express.raw({ type: () => true, limit: LIMITS.jsonBodyBytes });

/** Reads a JSON body (see the module comment); `req.body` is the parsed value, or undefined when none was sent. */
export function jsonBody(): RequestHandler<any> {
  return (req, res, next) => {
    if (!hasBody(req.headers)) {
      req.body = undefined;
      return next();
    }
    const mt = mediaType(req.headers['content-type']);
    if (!mt || !isJsonType(mt.type)) {
      return next(unsupported(`This route takes a JSON body: send it as application/json (got ${mt ? mt.type.slice(0, 100) : 'no content type'})`));
    }
    if (mt.charset && mt.charset !== 'utf-8' && mt.charset !== 'utf8') {
      return next(unsupported(`JSON bodies are UTF-8 (got charset ${mt.charset.slice(0, 50)})`));
    }
    readRaw(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (bytes.length === 0) {
          req.body = undefined;
          return next();
        }
        let text: string;
        try {
          text = utf8.decode(bytes);
        } catch {
          throw badRequest('The body is not valid UTF-8', [{ field: 'body', message: 'not valid UTF-8' }]);
        }
        const scan = scanJson(text, LIMITS.jsonDepth);
        const deep = scan.tooDeep;
        if (deep !== undefined) {
          throw badRequest(`The body is nested deeper than ${LIMITS.jsonDepth} levels (at ${deep.slice(0, 500)})`, [
            { field: deep.slice(0, 1000), message: `nested deeper than ${LIMITS.jsonDepth} levels` },
          ]);
        }
        const bad = scan.forbidden;
        if (bad !== undefined) {
          throw badRequest(`The body holds a forbidden key at ${bad.slice(0, 500)}`, [{ field: bad.slice(0, 1000), message: 'keys __proto__, constructor and prototype are not allowed' }]);
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          throw badRequest(`Malformed JSON body: ${(e as Error).message.slice(0, 200)}`, [{ field: 'body', message: 'malformed JSON' }]);
        }
        req.body = value;
        next();
      } catch (e) {
        next(e);
      }
    });
  };
}

/** Refuses a body of any other content type than `types` (415) before reading it. */
export function binaryBody(types: readonly string[], limit: number): RequestHandler[] {
  return [
    (req, _res, next) => {
      const mt = mediaType(req.headers['content-type']);
      if (hasBody(req.headers) && (!mt || !types.includes(mt.type))) {
        return next(unsupported(`Send the package file as ${types.join(' or ')} (got ${mt ? mt.type.slice(0, 100) : 'no content type'})`));
      }
      next();
    },
    express.raw({ type: () => true, limit }),
  ];
}

/** A route that takes no body: one sent with a non-JSON content type is refused (415). */
export const noBody: RequestHandler<any> = (req, _res, next) => {
  if (!hasBody(req.headers)) return next();
  const mt = mediaType(req.headers['content-type']);
  if (!mt || !isJsonType(mt.type)) return next(unsupported('This route takes no body; a body may only be sent as application/json'));
  next();
};
