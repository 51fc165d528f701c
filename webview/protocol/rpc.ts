/**
 * The request/reply half of every Flowgate webview protocol, declared once for both sides: the page
 * (webview/kit/channel.ts) and the extension (src/extension/webviews/webviewHost.ts).
 *
 * A page's protocol file declares a `RequestMap`: for each method, the `params` the page sends and
 * the `result` the extension answers with. The page calls `request(method, params)` and gets a
 * `Reply`: the result, or the problems as field errors (`field` names a form field as the gateway
 * does — `name`, `expression`, `inputs.who` — or is `''` for the request as a whole). The host
 * dispatches every request to one handler per method and turns whatever a handler throws into a
 * `Reply` of errors, so a page never waits for an answer that does not come.
 *
 * Notifications (snapshots, feed changes, the page's `ready`) stay plain messages with a `type`
 * other than `request` and `reply`.
 */
import type { ApiErrorDetail } from '../../src/core/api/types';

export type { ApiErrorDetail };

/** Method name → what the page sends and what it gets back. */
export type RequestMap = Record<string, { params: unknown; result: unknown }>;

/** The answer to one request. */
export type Reply<R> = { ok: true; result: R } | { ok: false; errors: ApiErrorDetail[] };

/** Page → extension: one request. `id` pairs it with its reply. */
export interface RequestMessage<M extends RequestMap = RequestMap, K extends keyof M & string = keyof M & string> {
  type: 'request';
  id: number;
  method: K;
  params: M[K]['params'];
}

/** Extension → page: the reply to the request with the same `id`. */
export interface ReplyMessage<R = unknown> {
  type: 'reply';
  id: number;
  reply: Reply<R>;
}

/** The most requests a page keeps waiting at once; past it a request is answered at once with an error. */
export const MAX_PENDING_REQUESTS = 64;

/** A reply's errors as one line, for a status line: `''`-field messages first, then `field: message`. */
export function errorsText(errors: readonly ApiErrorDetail[]): string {
  return errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
}

/** Whether a message is a request of some protocol (checked by the host before dispatching). */
export function isRequestMessage(raw: unknown): raw is RequestMessage {
  if (!raw || typeof raw !== 'object') return false;
  const m = raw as Partial<RequestMessage>;
  return m.type === 'request' && typeof m.id === 'number' && Number.isSafeInteger(m.id) && typeof m.method === 'string';
}

/** Whether a message is a reply (checked by the page before settling a request). */
export function isReplyMessage(raw: unknown): raw is ReplyMessage {
  if (!raw || typeof raw !== 'object') return false;
  const m = raw as Partial<ReplyMessage>;
  return m.type === 'reply' && typeof m.id === 'number' && !!m.reply && typeof m.reply === 'object';
}

// ---- the notifications of a snapshot page (Review Import, Authorisation, Schedules) -------------

/**
 * Extension → page of a page that shows one snapshot read from a gateway: the snapshot (first
 * load, after a change, on Reload) and whether a read is under way (true) or over (false).
 */
export type SnapshotMessage<S> = ({ type: 'snapshot' } & S) | { type: 'loading'; loading: boolean };

/** Page → extension: the page loaded (also after it was hidden and shown again): push a snapshot. */
export interface ReadyMessage {
  type: 'ready';
}

/** The last thing that happened, shown in a page's status line (kept in its UI state). */
export interface PageStatus {
  kind: 'info' | 'error';
  text: string;
}

/** What every snapshot page's requests include: read again (Reload), answered with the snapshot. */
export type ReloadRequest<S> = {
  reload: { params: Record<string, never>; result: S };
};
