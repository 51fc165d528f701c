/**
 * The `fetch` every request to a source gateway goes through (API calls and the OAuth token
 * requests alike): node:http / node:https, so that a source's own CA (`caFile`) is trusted for
 * that source only, and a redirect is never followed — a source that answers 3xx is refused (a
 * credential or a package request is never re-sent elsewhere). Timeouts come from the caller's
 * AbortSignal (the GatewayClient's per-request timer, openid-client's `timeout`).
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

export interface SourceFetchOptions {
  /** PEM of the CA(s) to trust for HTTPS (besides none: only these when given). */
  ca?: string;
}

/** Thrown for a 3xx answer (never followed). */
export class SourceRedirectError extends Error {
  override readonly name = 'SourceRedirectError';
}

function headerObject(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init ?? {}).forEach((value, key) => (out[key] = value));
  return out;
}

async function bodyBytes(body: unknown): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return Buffer.from(await new Response(body as BodyInit).arrayBuffer());
}

export function sourceFetch(options: SourceFetchOptions = {}): typeof fetch {
  const impl = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol}`);
    const body = await bodyBytes(init.body);
    const headers = headerObject(init.headers);
    if (body) headers['content-length'] = String(body.length);
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      const requestOptions: https.RequestOptions = { method: init.method ?? 'GET', headers, ...(signal ? { signal } : {}) };
      if (url.protocol === 'https:' && options.ca) requestOptions.ca = options.ca;
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(url, requestOptions, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.destroy();
          const to = typeof res.headers.location === 'string' ? res.headers.location.slice(0, 200) : 'elsewhere';
          reject(new SourceRedirectError(`it answered a redirect (${status}) to ${to}; a source's answers are never followed elsewhere`));
          return;
        }
        const responseHeaders = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          try {
            responseHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          } catch {
            /* a header fetch would refuse: left out */
          }
        }
        const nullBody = [101, 204, 205, 304].includes(status) || requestOptions.method === 'HEAD';
        if (nullBody) res.resume();
        const stream = nullBody ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
        try {
          resolve(new Response(stream, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        } catch (err) {
          res.destroy();
          reject(err);
        }
      });
      req.on('error', reject);
      req.end(body);
    });
  };
  return impl as typeof fetch;
}
