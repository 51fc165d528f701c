/**
 * The `http` step: a request through a connection (baseUrl + path, its headers) or to a URL.
 *
 * Every hop (the first request and each redirect, followed by hand) passes the egress policy of
 * `egress.ts`: http(s) only, never the gateway itself unless allowed, the allow-list when one is
 * set. Host names are resolved once and the connection goes to exactly the checked addresses.
 * Bounded: LIMITS.httpTimeoutSeconds for the whole exchange, LIMITS.httpRedirects hops,
 * LIMITS.httpResponseBytes of (decompressed) body. Credentials — a URL's user and password, the
 * connection's secret, Authorization values — never appear in messages, logs or the step's
 * result: URLs are redacted and the secret values are replaced by `***` wherever a server echoes them.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { LIMITS } from '../../core/limits';
import type { HttpStep } from '../../core/model/flow';
import type { RunContext } from './context';
import {
  allowListRefusal,
  bareHost,
  effectivePort,
  egressSettings,
  isHarmlessSelfCall,
  linkLocalRefusal,
  pinnedLookup,
  reachesSelf,
  redactUrl,
  redactValues,
  resolveHost,
} from './egress';
import { FlowError, StoppedError } from './errors';
import { evaluateValue, toText } from './expressions';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const DEFAULT_TIMEOUT_SECONDS = 30;

/** Headers a flow may not set: the transport's own (and `flowgate-*` / `x-flowgate-*`, which only the gateway writes). */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);
const isReserved = (name: string) => RESERVED_HEADERS.has(name) || /^(x-)?flowgate-/.test(name);
/** Dropped when a redirect leaves the origin (as fetch does), with every header the connection added. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

function joinUrl(base: string, path: string | undefined): string {
  if (!path) return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function refused(method: string, url: string, why: string): FlowError {
  return new FlowError('egress-refused', `${method} ${redactUrl(url)} refused: ${why}`);
}

interface Sensitive {
  values: string[];
}

export async function runHttpStep(step: HttpStep, ctx: RunContext, label: string): Promise<HttpResult> {
  const vars = ctx.vars;
  const path = step.path === undefined ? undefined : toText(await evaluateValue(step.path, vars));
  const headers: Record<string, string> = {};
  /** Lower-case names of headers the connection added (dropped on a cross-origin redirect). */
  const connectionHeaders = new Set<string>();
  const sensitive: Sensitive = { values: [] };
  let url: string;
  let connectionOrigin: string | undefined;
  let timeoutSeconds: unknown = DEFAULT_TIMEOUT_SECONDS;
  if (step.connection) {
    const connectionName = toText(await evaluateValue(step.connection, vars));
    const conn = await ctx.host.connection(connectionName);
    const c = conn.connection;
    url = joinUrl(c.baseUrl, path);
    try {
      connectionOrigin = new URL(c.baseUrl).origin;
    } catch {
      throw new FlowError('http-error', `Connection '${connectionName}' has an invalid base URL '${redactUrl(c.baseUrl)}'`);
    }
    for (const [k, v] of Object.entries(c.headers ?? {})) {
      if (isReserved(k.toLowerCase())) continue;
      headers[k] = v;
      connectionHeaders.add(k.toLowerCase());
    }
    if (c.timeoutSeconds !== undefined) timeoutSeconds = c.timeoutSeconds;
    if (c.auth && c.auth.type !== 'none') {
      // Throws `secret-not-granted` (one error whether missing or not granted) when the store does not grant it.
      const secret = ctx.host.secret(c.auth.secret, conn.id);
      if (c.auth.type === 'bearer') {
        headers['Authorization'] = `Bearer ${secret}`;
        sensitive.values.push(secret);
      } else {
        const token = Buffer.from(`${c.auth.username}:${secret}`).toString('base64');
        headers['Authorization'] = `Basic ${token}`;
        sensitive.values.push(secret, token);
      }
      connectionHeaders.add('authorization');
    }
  } else if (step.url !== undefined) {
    url = joinUrl(toText(await evaluateValue(step.url, vars)), path);
  } else {
    throw new FlowError('invalid-step', 'An http step needs a connection or a url');
  }
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new FlowError('http-error', `Invalid URL '${redactUrl(url)}'`);
  }
  const stepHeaders = (await evaluateValue(step.headers ?? {}, vars)) as Record<string, unknown>;
  for (const [k, v] of Object.entries(stepHeaders ?? {})) {
    if (v === undefined || v === null) continue;
    if (isReserved(k.toLowerCase())) continue;
    headers[k] = toText(v);
    if (CREDENTIAL_HEADERS.has(k.toLowerCase())) sensitive.values.push(headers[k]);
  }
  if (step.timeoutSeconds !== undefined) timeoutSeconds = await evaluateValue(step.timeoutSeconds, vars);
  const seconds = Number(timeoutSeconds);
  if (!Number.isFinite(seconds)) throw new FlowError('invalid-step', `timeoutSeconds must be a number, got ${toText(timeoutSeconds).slice(0, 100)}`);
  const timeoutMs = Math.max(1, Math.min(seconds, LIMITS.httpTimeoutSeconds) * 1000);

  let method: string = step.method ?? 'GET';
  let body: string | undefined;
  if (step.body !== undefined && method !== 'GET' && method !== 'HEAD') {
    const value = await evaluateValue(step.body, vars);
    if (typeof value === 'string') {
      body = value;
    } else if (value !== undefined) {
      body = JSON.stringify(value);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    }
  }
  // A URL's user and password become a Basic Authorization header (fetch refuses them; curl does this).
  if (target.username || target.password) {
    const decode = (v: string) => {
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    };
    const user = decode(target.username);
    const pass = decode(target.password);
    const token = Buffer.from(`${user}:${pass}`).toString('base64');
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers['Authorization'] = `Basic ${token}`;
    sensitive.values.push(token);
    if (pass) sensitive.values.push(pass, target.password);
    target.username = '';
    target.password = '';
  }
  for (const [k, v] of Object.entries(headers)) if (CREDENTIAL_HEADERS.has(k.toLowerCase())) sensitive.values.push(v);

  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const shown = () => redactUrl(target.toString());
  const fail = (err: unknown): never => {
    if (err instanceof FlowError) throw err;
    if (ctx.signal.aborted) throw new StoppedError();
    if (timeout.aborted) throw new FlowError('http-timeout', `${method} ${shown()} timed out after ${timeoutMs / 1000} s`);
    const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
    const why = e.code ?? e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
    throw new FlowError('http-error', redactValues(`${method} ${shown()} failed: ${why}`, sensitive.values));
  };

  let res: IncomingMessage;
  let hops = 0;
  for (;;) {
    const hop = await checkHop(target, method, connectionOrigin, signal).catch(fail);
    const hopHeaders = { ...headers };
    if (hop.self) {
      // An allowed self-call joins the caller's execution tree (depth, size, concurrency, stop).
      const tree = ctx.host.treeHeader();
      hopHeaders[tree.name] = tree.value;
    }
    if (body !== undefined) hopHeaders['Content-Length'] = String(Buffer.byteLength(body));
    res = await send(target, method, hopHeaders, body, hop, signal).catch(fail);
    const location = res.headers.location;
    if (res.statusCode === undefined || ![301, 302, 303, 307, 308].includes(res.statusCode) || typeof location !== 'string') break;
    res.destroy(); // a redirect's body is never read (it could be endless)
    if (++hops > LIMITS.httpRedirects) {
      throw new FlowError('http-error', `${method} ${shown()} failed: more than ${LIMITS.httpRedirects} redirects`);
    }
    let next: URL;
    try {
      next = new URL(location, target);
    } catch {
      throw new FlowError('http-error', `${method} ${shown()} failed: the redirect's Location is not a URL`);
    }
    if (next.username || next.password) throw refused(method, next.toString(), 'a redirect may not carry credentials in its URL');
    if (next.origin !== target.origin) {
      // As fetch: credentials and the connection's own headers stay with the connection's origin.
      for (const k of Object.keys(headers)) {
        const lk = k.toLowerCase();
        if (CREDENTIAL_HEADERS.has(lk) || connectionHeaders.has(lk)) delete headers[k];
      }
    }
    if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
      for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
    }
    target = next;
  }

  const text = method === 'HEAD' ? '' : redactValues(await readBody(res, signal, () => `${method} ${shown()}`).catch(fail), sensitive.values);
  const resHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    resHeaders[k] = redactValues(Array.isArray(v) ? v.join(', ') : v, sensitive.values);
  }
  let parsed: unknown = text;
  if (method === 'HEAD') parsed = null;
  else if (/\bjson\b/i.test(resHeaders['content-type'] ?? '') && text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const status = res.statusCode ?? 0;
  ctx.log('debug', `${method} ${shown()} → ${status}`, label);
  return { status, headers: resHeaders, body: parsed };
}

interface Hop {
  addresses: Awaited<ReturnType<typeof resolveHost>>;
  self: boolean;
}

/** The egress policy for one hop: scheme, allow-list, and the gateway's own address. */
async function checkHop(url: URL, method: string, connectionOrigin: string | undefined, signal: AbortSignal): Promise<Hop> {
  const raw = url.toString();
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refused(method, raw, `only http and https URLs can be called, not ${url.protocol.slice(0, 20)}`);
  }
  const addresses = await resolveHost(bareHost(url), signal);
  if (!addresses.length) throw Object.assign(new Error('no address'), { code: 'ENOTFOUND' });
  const self = reachesSelf(addresses, effectivePort(url));
  if (self) {
    // The gateway itself: only with --allow-self-calls (the allow-list does not apply), or its health.
    if (egressSettings().allowSelfCalls || isHarmlessSelfCall(url, method)) return { addresses, self };
    throw refused(
      method,
      raw,
      `that is this gateway's own address (port ${effectivePort(url)}); flows may not call the gateway's API unless it runs with --allow-self-calls`,
    );
  }
  const notAllowed = allowListRefusal(url, connectionOrigin) ?? linkLocalRefusal(url, addresses);
  if (notAllowed) throw refused(method, raw, notAllowed);
  return { addresses, self };
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, hop: Hop, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    let req: http.ClientRequest;
    try {
      req = mod.request(url, { method, headers, signal, lookup: pinnedLookup(hop.addresses), agent: false, maxHeaderSize: 64 * 1024 });
    } catch (err) {
      // Invalid header names or values are refused synchronously; the message names no value.
      const e = err as { code?: string };
      reject(Object.assign(new Error('invalid request header'), { code: e.code ?? 'ERR_INVALID_HEADER' }));
      return;
    }
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

/** The body as UTF-8 text, decompressed when encoded, at most LIMITS.httpResponseBytes. */
function readBody(res: IncomingMessage, signal: AbortSignal, what: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
    let stream: NodeJS.ReadableStream = res;
    let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined;
    if (encoding === 'gzip' || encoding === 'x-gzip') decoder = zlib.createGunzip();
    else if (encoding === 'deflate') decoder = zlib.createInflate();
    else if (encoding === 'br') decoder = zlib.createBrotliDecompress();
    if (decoder) {
      res.pipe(decoder);
      res.once('error', (e) => decoder!.destroy(e));
      stream = decoder;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (err?: unknown, text?: string) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err) {
        res.destroy();
        decoder?.destroy();
        reject(err);
      } else resolve(text ?? '');
    };
    const onAbort = () => finish(signal.reason ?? new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > LIMITS.httpResponseBytes) {
        finish(new FlowError('http-response-too-large', `${what()}: the response is larger than ${LIMITS.httpResponseBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
    stream.once('error', (e) => finish(e));
    res.once('aborted', () => finish(Object.assign(new Error('the response was cut short'), { code: 'ECONNRESET' })));
  });
}
