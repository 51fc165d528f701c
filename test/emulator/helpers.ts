/** Shared by the emulator tests: HTTP helpers and packages built with the real core. */
import path from 'node:path';
import { buildPackageFile } from '../../src/core/package/packageFile';
import { packDraft } from '../../src/core/package/pack';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';
import { REPO_ROOT } from '../support/emulatorProcess';

export const EXAMPLES = path.join(REPO_ROOT, 'examples');

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  url: string,
  method: string,
  pathname: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
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
