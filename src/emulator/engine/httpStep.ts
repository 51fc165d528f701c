/** The `http` step: a request through a connection (baseUrl + path, its headers) or to a URL. */
import type { HttpStep } from '../../core/model/flow';
import type { RunContext } from './context';
import { FlowError, StoppedError } from './errors';
import { evaluateValue, toText } from './expressions';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const DEFAULT_TIMEOUT_SECONDS = 30;

function joinUrl(base: string, path: string | undefined): string {
  if (!path) return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export async function runHttpStep(step: HttpStep, ctx: RunContext, label: string): Promise<HttpResult> {
  const vars = ctx.vars;
  const path = step.path === undefined ? undefined : toText(await evaluateValue(step.path, vars));
  const headers: Record<string, string> = {};
  let url: string;
  let timeoutSeconds: unknown = DEFAULT_TIMEOUT_SECONDS;
  if (step.connection) {
    const connectionName = toText(await evaluateValue(step.connection, vars));
    const conn = await ctx.host.connection(connectionName);
    if (!conn) throw new FlowError('connection-not-found', `Connection '${connectionName}' does not exist on this gateway`);
    const c = conn.connection;
    url = joinUrl(c.baseUrl, path);
    for (const [k, v] of Object.entries(c.headers ?? {})) headers[k] = v;
    if (c.timeoutSeconds !== undefined) timeoutSeconds = c.timeoutSeconds;
    if (c.auth && c.auth.type !== 'none') {
      const secret = ctx.host.secret(c.auth.secret);
      if (secret === undefined) {
        ctx.log('warn', `secret '${c.auth.secret}' of connection '${connectionName}' is not available; sending without credentials`, label);
      } else if (c.auth.type === 'bearer') {
        headers['Authorization'] = `Bearer ${secret}`;
      } else {
        headers['Authorization'] = `Basic ${Buffer.from(`${c.auth.username}:${secret}`).toString('base64')}`;
      }
    }
  } else if (step.url !== undefined) {
    url = joinUrl(toText(await evaluateValue(step.url, vars)), path);
  } else {
    throw new FlowError('invalid-step', 'An http step needs a connection or a url');
  }
  try {
    new URL(url);
  } catch {
    throw new FlowError('http-error', `Invalid URL '${url}'`);
  }
  for (const [k, v] of Object.entries((await evaluateValue(step.headers ?? {}, vars)) as Record<string, unknown>)) {
    if (v !== undefined && v !== null) headers[k] = toText(v);
  }
  if (step.timeoutSeconds !== undefined) timeoutSeconds = await evaluateValue(step.timeoutSeconds, vars);
  const timeoutMs = Math.max(1, Number(timeoutSeconds) * 1000);
  if (!Number.isFinite(timeoutMs)) throw new FlowError('invalid-step', `timeoutSeconds must be a number, got ${toText(timeoutSeconds)}`);

  const method = step.method ?? 'GET';
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

  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { method, headers, body, signal, redirect: 'follow' });
    text = method === 'HEAD' ? '' : await res.text();
  } catch (err) {
    if (ctx.signal.aborted) throw new StoppedError();
    if (timeout.aborted) throw new FlowError('http-timeout', `${method} ${url} timed out after ${timeoutMs / 1000} s`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new FlowError('http-error', `${method} ${url} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const resHeaders: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    resHeaders[k] = v;
  });
  let parsed: unknown = text;
  if (method === 'HEAD') parsed = null;
  else if (/\bjson\b/i.test(res.headers.get('content-type') ?? '') && text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  ctx.log('debug', `${method} ${url} → ${res.status}`, label);
  return { status: res.status, headers: resHeaders, body: parsed };
}
