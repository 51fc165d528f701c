/**
 * The shared part of a page that shows one snapshot the extension reads from a gateway (Review
 * Import, Authorisation, Schedules; the extension side is src/extension/webviews/snapshotPanel.ts):
 * the channel, the UI state kept across hiding the panel (`view`, `setView`, `say` for the status
 * line), `ready` sent on load, the `loading` notification, snapshots counted as `loaded` with their
 * `loadedAt`, the Reload request, and a `busy` state for the request under way. A page keeps only
 * its own: what it takes from a snapshot (`take`), its requests and its rendering.
 */
import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import { errorsText, type PageStatus, type ReadyMessage, type ReloadRequest, type Reply, type RequestMap, type SnapshotMessage } from '../protocol/rpc';
import { connect, type Channel } from './channel';
import { PageElement } from './element';
import './statusLine';

export abstract class SnapshotPage<M extends RequestMap & ReloadRequest<S>, S extends { loadedAt: string }, V extends { status?: PageStatus }> extends PageElement {
  static override properties: PropertyDeclarations = {
    loaded: { state: true },
    loading: { state: true },
    loadedAt: { state: true },
    view: { state: true },
    busy: { state: true },
  };

  /** A snapshot arrived (before it, the page says it is reading). */
  declare loaded: boolean;
  /** The extension is reading from the gateway. */
  declare loading: boolean;
  /** When the last snapshot was read (ISO). */
  declare loadedAt: string;
  /** The UI state kept across hiding the panel. */
  declare view: V;
  /** A request is under way (what it is doing, '' when none): the actions wait. */
  declare busy: string;

  protected readonly channel: Channel<M, SnapshotMessage<S>, ReadyMessage, V>;

  /** `restore` makes the UI state from what was kept (undefined on a first load). */
  constructor(restore: (kept: V | undefined) => V) {
    super();
    this.channel = connect<M, SnapshotMessage<S>, ReadyMessage, V>();
    this.view = restore(this.channel.getState());
    this.loaded = false;
    this.loading = false;
    this.loadedAt = '';
    this.busy = '';
    this.channel.onNotification((m) => {
      if (m.type === 'loading') this.loading = m.loading;
      else this.accept(m);
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.channel.notify({ type: 'ready' });
  }

  /** What the page takes from a snapshot (pushed, or the answer of a request). */
  protected abstract take(s: S): void;

  /** A snapshot, pushed or answered: taken, and the page counts as loaded. */
  protected accept(s: S): void {
    this.loadedAt = s.loadedAt;
    this.loaded = true;
    this.take(s);
  }

  /** Changes the UI state and keeps it for when the panel comes back. */
  protected setView(patch: Partial<V>): void {
    this.view = { ...this.view, ...patch };
    this.channel.setState(this.view);
  }

  /** Says what just happened in the status line. */
  protected say(kind: PageStatus['kind'], text: string): void {
    this.setView({ status: { kind, text } } as Partial<V>);
  }

  /** Runs a request as the one under way (`busy` says what it is doing until it ends). */
  protected async run<T>(what: string, task: () => Promise<T>): Promise<T> {
    this.busy = what;
    try {
      return await task();
    } finally {
      this.busy = '';
    }
  }

  /** A request whose refusal is only said in the status line. */
  protected async ask<K extends keyof M & string>(method: K, params: M[K]['params']): Promise<Reply<M[K]['result']>> {
    const reply = await this.channel.request(method, params);
    if (!reply.ok) this.say('error', errorsText(reply.errors));
    return reply;
  }

  /** Reload: the extension reads again and pushes a snapshot. */
  protected async reload(): Promise<void> {
    await this.ask('reload', {} as M['reload']['params']);
  }

  /** The status line of `view.status`. */
  protected statusLine(): TemplateResult {
    return html`<fg-status-line .kind=${this.view.status?.kind ?? 'info'} .text=${this.view.status?.text ?? ''}></fg-status-line>`;
  }
}
