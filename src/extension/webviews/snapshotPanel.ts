import * as vscode from 'vscode';
import type { ReadyMessage, ReloadRequest, RequestMap, SnapshotMessage } from '../../../webview/protocol/rpc';
import { errorText } from '../shared/errors';
import type { Logger } from '../shared/log';
import { RequestRefused, WebviewPanelHost, type RequestHandlers, type WebviewPanelHostOptions } from './webviewHost';

export interface SnapshotPanelOptions extends Omit<WebviewPanelHostOptions, 'codicons' | 'iconPath'> {
  /** What the panel's log lines start with: "Schedules", "Review Import". */
  logName: string;
}

/**
 * The shared part of a panel that shows one snapshot read from a gateway (Review Import,
 * Authorisation, Schedules): the page's host (with the codicons and the Flowgate icon), the
 * page's `ready` answered with a snapshot (read first when none was), one `reload` at a time that
 * tells the page it is loading and pushes the snapshot after, failed requests logged as
 * `<logName>: <what>: <why>` (a `RequestRefused` is the page's own and is not), and the dispose
 * plumbing. A panel keeps only its own: what it reads (`load`), its `snapshot`, its requests.
 *
 * A subclass starts its first read itself (`void this.reload()` at the end of its constructor):
 * its fields are set only after this constructor returns.
 */
export abstract class SnapshotPanel<S extends { loadedAt: string }, M extends RequestMap & ReloadRequest<S>> implements vscode.Disposable {
  /** The page's host; in-host tests run a request with `host.answer(method, params)`. */
  readonly host: WebviewPanelHost<ReadyMessage, SnapshotMessage<S>, M>;
  protected readonly disposables: vscode.Disposable[] = [];
  /** When the last read ended (ISO; '' before the first). */
  protected loadedAt = '';
  private loading: Promise<void> | undefined;
  private handlers: RequestHandlers<M> | undefined;
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    extensionUri: vscode.Uri,
    private readonly options: SnapshotPanelOptions,
    protected readonly log: Logger,
  ) {
    const requests = () => (this.handlers ??= this.requests());
    this.host = new WebviewPanelHost<ReadyMessage, SnapshotMessage<S>, M>(
      extensionUri,
      { ...options, codicons: true, iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'flowgate.svg') },
      {
        // Made on first use: the subclass's fields are not set while this constructor runs.
        get requests() {
          return requests();
        },
        notification: async (message) => {
          if (message.type === 'ready') await this.ready();
        },
        describe: (method, params) => this.describe(method, params),
        onError: (what, err) => {
          if (this.quiet(what, err)) return;
          this.log.warn(`${this.options.logName}: ${what}: ${errorText(err)}`);
        },
      },
    );
    this.onDidDispose = this.host.onDidDispose;
    this.disposables.push(this.host);
    this.host.onDidDispose(() => this.dispose());
  }

  get panel(): vscode.WebviewPanel {
    return this.host.panel;
  }

  reveal(): void {
    this.host.reveal();
  }

  /** One handler per request method of the page's protocol (`reload` answers `reloaded()`). */
  protected abstract requests(): RequestHandlers<M>;

  /** What the page is sent. */
  protected abstract snapshot(): S;

  /** What a read says in the window's progress, after "Flowgate: reading ". */
  protected abstract reading(): string;

  /** Reads from the gateway into the panel's fields (what a failure leaves is the panel's to say). */
  protected abstract load(): Promise<void>;

  /** A read that threw (after `load`): by default the `reload` fails with it. */
  protected loadFailed(err: unknown): void {
    throw err;
  }

  /** What a failed request of `method` was doing, for its error; default: the method. */
  protected describe(method: string, _params: unknown): string {
    return method;
  }

  /** Whether a failed request goes unlogged: a refusal is the page's own mistake, or logged where made. */
  protected quiet(_what: string, err: unknown): boolean {
    return err instanceof RequestRefused;
  }

  /** The `reload` request: read again, answer the snapshot. */
  protected async reloaded(): Promise<S> {
    await this.reload();
    return this.snapshot();
  }

  /** The page (re)loaded: it gets the snapshot (read first when none was). */
  private async ready(): Promise<void> {
    if (this.loading) await this.loading;
    else if (!this.loadedAt) await this.reload();
    await this.host.post({ type: 'snapshot', ...this.snapshot() });
  }

  /** Reads again (one read at a time: a reload during a read waits for it) and pushes the page a snapshot. */
  reload(): Promise<void> {
    this.loading ??= (async () => {
      await this.host.post({ type: 'loading', loading: true });
      try {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Flowgate: reading ${this.reading()}` }, () => this.load());
      } catch (err) {
        this.loadFailed(err);
      } finally {
        this.loadedAt = new Date().toISOString();
        this.loading = undefined;
      }
      await this.host.post({ type: 'loading', loading: false });
      await this.host.post({ type: 'snapshot', ...this.snapshot() });
    })();
    return this.loading;
  }

  dispose(): void {
    const list = this.disposables.splice(0);
    list.forEach((d) => d.dispose());
  }
}
