import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { GatewayError } from '../../core/client/gatewayError';
import { isRequestMessage, type ApiErrorDetail, type Reply, type RequestMap } from '../../../webview/protocol/rpc';
import { errorText } from '../shared/errors';

/** A message of a webview protocol: a plain object with a `type` discriminant. */
export interface ProtocolMessage {
  type: string;
}

/** One handler per request method of a page's protocol: resolves with the result, or throws. */
export type RequestHandlers<M extends RequestMap> = { [K in keyof M & string]: (params: M[K]['params']) => Promise<M[K]['result']> };

/** Thrown by a request handler to answer with these field errors (a form's checks, a refused body). */
export class RequestRefused extends Error {
  constructor(readonly errors: ApiErrorDetail[]) {
    super(errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '));
  }
}

/**
 * What a handler threw, as the errors of a reply: its own field errors (`RequestRefused`), the
 * gateway's per-field details (a 400's `details`), else one error for the request as a whole
 * that names what failed (`what`).
 */
export function replyErrors(err: unknown, what: string): ApiErrorDetail[] {
  if (err instanceof RequestRefused) return err.errors;
  if (err instanceof GatewayError && err.details.length > 0) return err.details.map((d) => ({ field: d.field, message: d.message }));
  return [{ field: '', message: `${what}: ${errorText(err)}` }];
}

/** How a panel answers its page: one handler per request method, one for notifications. */
export interface PageHandlers<M extends RequestMap, In extends ProtocolMessage> {
  requests: RequestHandlers<M>;
  /** The page's notifications (`ready`, `refresh`, …): anything that is not a request. */
  notification(message: In): void | Promise<void>;
  /** What a failed request of this method was doing, for its error ("Save schedule"); default: the method. */
  describe?(method: string, params: unknown): string;
  /** Told of every failed request and notification (for the output channel). */
  onError?(what: string, err: unknown): void;
}

export interface WebviewPanelHostOptions {
  /** `WebviewPanel.viewType`, e.g. `flowgate.executions`. */
  viewType: string;
  title: string;
  /** The page's script bundle under `dist/webview/`, e.g. `executions.js` (built by scripts/build.mjs). */
  script: string;
  /** Its stylesheet under `dist/webview/`, e.g. `executions.css`. */
  style?: string;
  /** Loads `dist/webview/codicons/codicon.css` as `#vscode-codicon-stylesheet` (for `<vscode-icon>`). */
  codicons?: boolean;
  iconPath?: vscode.Uri | { light: vscode.Uri; dark: vscode.Uri };
  viewColumn?: vscode.ViewColumn;
  /** Text of `<body data-…>` attributes the page reads before its first message (no secrets). */
  bodyData?: Record<string, string>;
}

/**
 * The reusable host of a Flowgate webview panel (Running Executions, Schedules, Triggers): creates
 * the panel with scripts enabled and local resources limited to `dist/webview` (where the bundles
 * and the codicons are), writes the HTML with a fresh nonce and a strict content security policy,
 * sends typed messages (`Out`) and dispatches the webview's (`In`) to one handler. The page is not
 * kept alive while hidden: it restores its UI state with `getState`/`setState` and asks for a
 * snapshot (its "ready" message) when it loads again.
 */
export class WebviewPanelHost<In extends ProtocolMessage, Out extends ProtocolMessage, M extends RequestMap = RequestMap> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the panel closes (by the user or by `dispose`). */
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    options: WebviewPanelHostOptions,
    private readonly handlers: PageHandlers<M, In>,
  ) {
    const webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(
      options.viewType,
      options.title,
      { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        enableCommandUris: false,
        enableForms: false,
        retainContextWhenHidden: false,
        localResourceRoots: [webviewRoot],
      },
    );
    if (options.iconPath) this.panel.iconPath = options.iconPath;
    this.panel.webview.html = this.html(options);
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.dispatch(raw)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /**
   * The one dispatcher: a request goes to its method's handler and is always answered (with the
   * result, or with errors — an unknown method, a handler that threw); anything else with a
   * `type` is a notification.
   */
  async dispatch(raw: unknown): Promise<void> {
    if (isRequestMessage(raw)) {
      await this.post({ type: 'reply', id: raw.id, reply: await this.answer(raw.method, raw.params) } as unknown as Out);
      return;
    }
    if (!isMessage(raw)) return; // not of this protocol: ignore
    try {
      await this.handlers.notification(raw as In);
    } catch (err) {
      this.handlers.onError?.(`${(raw as In).type}`, err);
    }
  }

  /** Runs one request's handler and returns its reply (also what in-host tests call). */
  async answer<K extends keyof M & string>(method: K, params: M[K]['params']): Promise<Reply<M[K]['result']>> {
    const handler = Object.prototype.hasOwnProperty.call(this.handlers.requests, method) ? this.handlers.requests[method] : undefined;
    if (typeof handler !== 'function') return { ok: false, errors: [{ field: '', message: `unknown request '${String(method).slice(0, 64)}'` }] };
    try {
      return { ok: true, result: await handler(params) };
    } catch (err) {
      const what = this.handlers.describe?.(method, params) ?? method;
      this.handlers.onError?.(what, err);
      return { ok: false, errors: replyErrors(err, what) };
    }
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Sends a message; false when the page is not there to receive it (hidden or closed). */
  async post(message: Out): Promise<boolean> {
    if (this.disposed) return false;
    try {
      return await this.panel.webview.postMessage(message);
    } catch {
      return false;
    }
  }

  reveal(): void {
    if (!this.disposed) this.panel.reveal(undefined, false);
  }

  set title(title: string) {
    if (!this.disposed) this.panel.title = title;
  }

  private html(options: WebviewPanelHostOptions): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(18).toString('base64');
    const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', ...segments)).toString();
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
    ].join('; ');
    const data = Object.entries(options.bodyData ?? {})
      .map(([k, v]) => ` data-${k.replace(/[^a-z0-9-]/gi, '')}="${escapeAttr(v)}"`)
      .join('');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${options.codicons ? `<link rel="stylesheet" nonce="${nonce}" id="vscode-codicon-stylesheet" href="${asset('codicons', 'codicon.css')}">` : ''}
${options.style ? `<link rel="stylesheet" nonce="${nonce}" href="${asset(options.style)}">` : ''}
<title>${escapeAttr(options.title)}</title>
</head>
<body${data}>
<div id="app"></div>
<script type="module" nonce="${nonce}" src="${asset(options.script)}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}

function isMessage(raw: unknown): raw is ProtocolMessage {
  return !!raw && typeof raw === 'object' && !Array.isArray(raw) && typeof (raw as ProtocolMessage).type === 'string';
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
