import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A message of a webview protocol: a plain object with a `type` discriminant. */
export interface ProtocolMessage {
  type: string;
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
export class WebviewPanelHost<In extends ProtocolMessage, Out extends ProtocolMessage> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the panel closes (by the user or by `dispose`). */
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    options: WebviewPanelHostOptions,
    onMessage: (message: In) => void | Promise<void>,
    onError: (message: In, err: unknown) => void,
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
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        if (!isMessage(raw)) return; // not of this protocol: ignore
        const message = raw as In;
        Promise.resolve()
          .then(() => onMessage(message))
          .catch((err) => onError(message, err));
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
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
