/** Shared by the emulator tests: HTTP helpers and packages built with the real core. */
import path from 'node:path';
import { buildPackageFile } from '../../src/core/package/packageFile';
import { packDraft } from '../../src/core/package/pack';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';
import { REPO_ROOT, type EmulatorProcess } from '../support/emulatorProcess';

export const EXAMPLES = path.join(REPO_ROOT, 'examples');

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Who a call is made by: the emulator process (its local admin's token), or a URL (no token). */
export type CallTarget = string | Pick<EmulatorProcess, 'url' | 'adminToken'>;

/**
 * One request. Given the EmulatorProcess, it carries the emulator's admin token
 * (`Authorization: Bearer …`, from `<dataDir>/local-admin.json` through `gw.adminToken()`); given a
 * URL, no token. An `authorization` header passed in `headers` is sent instead ("this token"; an
 * empty one: none).
 */
export async function call<T = any>(
  target: CallTarget,
  method: string,
  pathname: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const url = typeof target === 'string' ? target : target.url;
  const given = Object.keys(headers).find((k) => k.toLowerCase() === 'authorization');
  const h: Record<string, string> = { ...headers };
  if (given !== undefined) {
    if (h[given] === '') delete h[given];
  } else if (typeof target !== 'string') {
    h.authorization = `Bearer ${await target.adminToken()}`;
  }
  const init: RequestInit = { method, headers: h };
  if (body instanceof Uint8Array) {
    init.body = body as Uint8Array<ArrayBuffer>;
    (init.headers as Record<string, string>)['content-type'] ??= 'application/zip';
  } else if (typeof body === 'string') {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(url + pathname, init);
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** The sample package `network-ops` of examples/, packed as the extension and CLI pack it. */
export async function packExamples(): Promise<Uint8Array> {
  const ws = await loadWorkspace(directorySource(EXAMPLES));
  const packed = await packDraft(ws, 'network-ops', { createdBy: 'flowgate-tests/0.1.0' });
  return packed.bytes;
}

/** A package from flow and connection texts. */
export async function buildPackage(
  name: string,
  version: number,
  flows: Record<string, string>,
  connections: Record<string, string> = {},
  description?: string,
): Promise<Uint8Array> {
  const { bytes } = await buildPackageFile({
    name,
    version,
    createdBy: 'flowgate-tests/0.1.0',
    ...(description ? { description } : {}),
    definitions: [
      ...Object.entries(flows).map(([id, text]) => ({ kind: 'flow' as const, id, text })),
      ...Object.entries(connections).map(([id, text]) => ({ kind: 'connection' as const, id, text })),
    ],
  });
  return bytes;
}

export function startPath(flow: string, query: Record<string, string | number> = {}): string {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return `/api/default/default/flows/${encodeURIComponent(flow)}/executions${qs ? `?${qs}` : ''}`;
}

export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** The admin's Authorization header of an emulator process, for requests made with fetch directly (downloads, event streams). */
export async function adminHeaders(gw: Pick<EmulatorProcess, 'adminToken'>): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await gw.adminToken()}` };
}
