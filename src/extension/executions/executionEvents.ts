import * as vscode from 'vscode';
import type { ExecutionSummary } from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import type { FeedState } from '../../../webview/protocol/executions';
import { isFinishedStatus } from '../../../webview/protocol/executions';
import { errorText } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Logger } from '../shared/log';

/** What a listener of one gateway's execution events is told. */
export interface ExecutionEventsListener {
  /** The gateway's unfinished executions: after each (re)connect, and at once when joining a connected stream. */
  snapshot?(executions: ExecutionSummary[]): void;
  /** One execution started or changed status. */
  changed?(execution: ExecutionSummary): void;
  /** The link to the gateway's event stream. */
  state?(state: FeedState): void;
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 10_000;

/** The retry delay after `attempt` failures in a row: 1 s, 2 s, 4 s … at most 10 s. */
export function retryDelay(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.max(0, attempt - 1));
}

const STATUSES = new Set(['Running', 'Stopping', 'Stopped', 'Ended', 'Error']);

/**
 * An event's data as an execution summary, or undefined: the stream comes from a gateway, which
 * may be any server, so only a value of the summary's shape (and bounded) reaches the listeners.
 */
export function asExecutionSummary(data: unknown): ExecutionSummary | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const e = data as Partial<ExecutionSummary>;
  const shortText = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= LIMITS.shortStringLength;
  if (!shortText(e.id) || typeof e.status !== 'string' || !STATUSES.has(e.status)) return undefined;
  if (typeof e.flow !== 'string' || e.flow.length > LIMITS.definitionIdLength) return undefined;
  if (typeof e.packageName !== 'string' || e.packageName.length > LIMITS.nameLength || typeof e.packageVersion !== 'number') return undefined;
  return e as ExecutionSummary;
}

/**
 * The execution event stream (`GET /api/v1/executions/events`) of ONE gateway, shared by every
 * listener of that gateway (Running Executions panels, the Gateways tree). It opens with the first
 * listener and closes with the last; it keeps the gateway's unfinished executions (read once per
 * connect, then followed from the events) so a listener that joins later gets them at once; when
 * the stream drops or the gateway does not answer it reports `disconnected` with the time of the
 * next attempt and reconnects (1 s, 2 s, 4 s … at most 10 s apart).
 */
class GatewayEventStream {
  private readonly listeners = new Set<ExecutionEventsListener>();
  private readonly live = new Map<string, ExecutionSummary>();
  private controller: AbortController | undefined;
  private stopped = false;
  private started = false;
  private wake: (() => void) | undefined;
  private attempt = 0;
  private currentState: FeedState = { state: 'connecting' };

  constructor(
    readonly gatewayUrl: string,
    private readonly log: Logger,
  ) {}

  get state(): FeedState {
    return this.currentState;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** The gateway's unfinished executions as last known. */
  running(): ExecutionSummary[] {
    return [...this.live.values()];
  }

  add(listener: ExecutionEventsListener): void {
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      void this.run();
      return;
    }
    listener.state?.(this.currentState);
    if (this.currentState.state === 'connected') listener.snapshot?.(this.running());
  }

  /** Removes a listener; true when it was the last (the stream is closed then). */
  remove(listener: ExecutionEventsListener): boolean {
    this.listeners.delete(listener);
    if (this.listeners.size > 0) return false;
    this.close();
    return true;
  }

  /** Reconnects now (drops the current stream; a waiting retry happens at once). */
  reconnect(): void {
    this.attempt = 0;
    this.controller?.abort();
    this.wake?.();
  }

  close(): void {
    this.stopped = true;
    this.controller?.abort();
    this.wake?.();
  }

  private each(call: (l: ExecutionEventsListener) => void): void {
    for (const l of [...this.listeners]) {
      try {
        call(l);
      } catch (err) {
        this.log.error(`Execution events of ${this.gatewayUrl}: a listener failed`, err);
      }
    }
  }

  private setState(state: FeedState): void {
    this.currentState = state;
    this.each((l) => l.state?.(state));
  }

  private remember(e: ExecutionSummary): void {
    if (isFinishedStatus(e.status)) {
      this.live.delete(e.id);
      return;
    }
    this.live.delete(e.id);
    this.live.set(e.id, e);
    // A gateway that reports more unfinished executions than any gateway runs loses the oldest here.
    for (const id of this.live.keys()) {
      if (this.live.size <= LIMITS.liveExecutionsPerGateway) break;
      this.live.delete(id);
    }
  }

  private async run(): Promise<void> {
    const client = gatewayClient(this.gatewayUrl, 'panel');
    while (!this.stopped) {
      const controller = new AbortController();
      this.controller = controller;
      let failure: unknown;
      try {
        if (this.currentState.state !== 'disconnected') this.setState({ state: 'connecting' });
        const events = client.executionEvents(controller.signal);
        // The first next() sends the stream request; the list is read after it, so no change
        // between the two is lost (a status only moves forward: listeners merge by status order).
        const first = events.next();
        first.catch(() => undefined);
        const [running, stopping] = await Promise.all([
          client.listExecutions({ status: 'Running' }),
          client.listExecutions({ status: 'Stopping' }),
        ]);
        if (controller.signal.aborted || this.stopped) continue;
        this.attempt = 0;
        this.live.clear();
        for (const e of [...running.executions, ...stopping.executions]) {
          const summary = asExecutionSummary(e);
          if (summary) this.remember(summary);
        }
        const snapshot = this.running();
        this.each((l) => l.snapshot?.(snapshot));
        this.setState({ state: 'connected', since: new Date().toISOString() });
        this.log.info(`Execution events of ${this.gatewayUrl}: connected (${this.listeners.size} listener(s))`);
        let next = await first;
        while (!next.done) {
          const event = next.value;
          const summary = event.event === 'execution' ? asExecutionSummary(event.data) : undefined;
          if (summary) {
            this.remember(summary);
            this.each((l) => l.changed?.(summary));
          }
          next = await events.next();
        }
        failure = new Error('the gateway closed the event stream');
      } catch (err) {
        failure = err;
      }
      if (this.stopped) return;
      if (controller.signal.aborted && this.attempt === 0 && this.currentState.state !== 'disconnected') {
        // reconnect() asked for it: go again at once.
        continue;
      }
      this.attempt++;
      const delay = retryDelay(this.attempt);
      const error = errorText(failure);
      const line = `Execution events of ${this.gatewayUrl}: disconnected (${error}); retrying in ${delay / 1000} s`;
      // The first failure is worth a warning; the retries that follow are not news.
      if (this.attempt === 1) this.log.warn(line);
      else this.log.debug(line);
      this.setState({ state: 'disconnected', error, attempt: this.attempt, retryAt: new Date(Date.now() + delay).toISOString() });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

/**
 * The execution events of every gateway the extension shows: one stream per gateway URL,
 * reference-counted — `subscribe` opens it (or joins the open one), disposing the last
 * subscription closes it.
 */
export class ExecutionEvents implements vscode.Disposable {
  private readonly streams = new Map<string, GatewayEventStream>();

  constructor(private readonly log: Logger) {}

  private static key(url: string): string {
    return url.replace(/\/+$/, '');
  }

  subscribe(gatewayUrl: string, listener: ExecutionEventsListener): vscode.Disposable {
    const key = ExecutionEvents.key(gatewayUrl);
    let stream = this.streams.get(key);
    if (!stream) {
      stream = new GatewayEventStream(key, this.log);
      this.streams.set(key, stream);
    }
    const mine = stream;
    mine.add(listener);
    let disposed = false;
    return new vscode.Disposable(() => {
      if (disposed) return;
      disposed = true;
      if (mine.remove(listener) && this.streams.get(key) === mine) this.streams.delete(key);
    });
  }

  /** The link state of a gateway's stream (`connecting` when none is open). */
  state(gatewayUrl: string): FeedState {
    return this.streams.get(ExecutionEvents.key(gatewayUrl))?.state ?? { state: 'connecting' };
  }

  /** A gateway's unfinished executions as last known (none when no stream is open). */
  running(gatewayUrl: string): ExecutionSummary[] {
    return this.streams.get(ExecutionEvents.key(gatewayUrl))?.running() ?? [];
  }

  reconnect(gatewayUrl: string): void {
    this.streams.get(ExecutionEvents.key(gatewayUrl))?.reconnect();
  }

  /** The gateways with an open stream and how many listen to each (tests, the log). */
  open(): { gatewayUrl: string; listeners: number }[] {
    return [...this.streams.values()].map((s) => ({ gatewayUrl: s.gatewayUrl, listeners: s.listenerCount }));
  }

  dispose(): void {
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
  }
}
