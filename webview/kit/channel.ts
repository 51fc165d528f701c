/**
 * The page side of a Flowgate webview's channel to the extension (the other side is
 * src/extension/webviews/webviewHost.ts): typed requests paired with their replies
 * (webview/protocol/rpc.ts), notifications both ways, and the UI state kept across hiding the
 * panel (`getState`/`setState`).
 *
 *   const channel = connect<Requests, ExtensionToWebview, WebviewToExtension, ViewState>();
 *   const reply = await channel.request('save', { body });
 *   if (!reply.ok) showErrors(reply.errors);
 */
import { MAX_PENDING_REQUESTS, isReplyMessage, type Reply, type RequestMap } from '../protocol/rpc';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Channel<M extends RequestMap, In extends { type: string }, Out extends { type: string }, State> {
  /** Sends a request; resolves with its reply (never rejects: a failure is a reply of errors). */
  request<K extends keyof M & string>(method: K, params: M[K]['params']): Promise<Reply<M[K]['result']>>;
  /** Sends a notification (no reply). */
  notify(message: Out): void;
  /** Calls `handler` for every notification of the extension (replies are settled here, not passed on). */
  onNotification(handler: (message: In) => void): void;
  getState(): State | undefined;
  setState(state: State): void;
}

let api: VsCodeApi | undefined;

export function connect<M extends RequestMap, In extends { type: string }, Out extends { type: string }, State>(): Channel<M, In, Out, State> {
  api ??= acquireVsCodeApi();
  const vscode = api;
  let nextId = 1;
  const pending = new Map<number, (reply: Reply<unknown>) => void>();
  const handlers: ((message: In) => void)[] = [];

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (isReplyMessage(data)) {
      const settle = pending.get(data.id);
      pending.delete(data.id);
      settle?.(data.reply);
      return;
    }
    if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') {
      for (const h of handlers) h(data as In);
    }
  });

  return {
    request(method, params) {
      if (pending.size >= MAX_PENDING_REQUESTS) {
        return Promise.resolve({ ok: false, errors: [{ field: '', message: 'Too many requests are waiting for the extension; try again.' }] });
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (reply: Reply<unknown>) => void);
        vscode.postMessage({ type: 'request', id, method, params });
      });
    },
    notify: (message) => vscode.postMessage(message),
    onNotification: (handler) => void handlers.push(handler),
    getState: () => (vscode.getState() as State | undefined) ?? undefined,
    setState: (state) => vscode.setState(state),
  };
}
