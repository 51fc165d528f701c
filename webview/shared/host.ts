/**
 * The page side of a Flowgate webview's typed channel (the extension side is
 * src/extension/webviews/webviewHost.ts). `In` is what the extension sends, `Out` what the page
 * sends, `State` what the page keeps across hiding with setState/getState.
 */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel<In extends { type: string }, Out extends { type: string }, State> {
  post(message: Out): void;
  getState(): State | undefined;
  setState(state: State): void;
  /** Calls `handler` for every message of the extension (ignores anything without a string `type`). */
  onMessage(handler: (message: In) => void): void;
}

let api: VsCodeApi | undefined;

export function hostChannel<In extends { type: string }, Out extends { type: string }, State>(): HostChannel<In, Out, State> {
  api ??= acquireVsCodeApi();
  const vscode = api;
  return {
    post: (message) => vscode.postMessage(message),
    getState: () => (vscode.getState() as State | undefined) ?? undefined,
    setState: (state) => vscode.setState(state),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const data = event.data;
        if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') handler(data as In);
      }),
  };
}

/** `document.createElement` with class, attributes and children in one call. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; title?: string; attrs?: Record<string, string | boolean | undefined> } = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}
