import type { ExecutionListQuery, ExecutionSummary } from '../../core/api/types';
import { GatewayClient } from '../../core/client/gatewayClient';
import type { FeedState } from '../../../webview/protocol/executions';
import { errorText } from '../shared/errors';
import type { Logger } from '../shared/log';

export interface FeedListener {
  /** The running executions after a (re)connect: the list to show. */
  snapshot(executions: ExecutionSummary[]): void;
  /** One execution started or changed status. */
  changed(execution: ExecutionSummary): void;
  state(state: FeedState): void;
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 10_000;

/**
 * The live execution list of one gateway (optionally one package version): opens the gateway's
 * event stream (`GatewayClient.executionEvents`), loads the running executions, then forwards
 * every change. When the stream drops or the gateway does not answer it reports `disconnected`
 * with the time of the next attempt and reconnects (1 s, 2 s, 4 s … at most 10 s apart).
 */
export class ExecutionFeed {
  private controller: AbortController | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private attempt = 0;
  private currentState: FeedState = { state: 'connecting' };

  constructor(
    readonly client: GatewayClient,
    private readonly query: Pick<ExecutionListQuery, 'packageName' | 'packageVersion'>,
    private readonly listener: FeedListener,
    private readonly log: Logger,
    private readonly describe: string,
  ) {}

  get state(): FeedState {
    return this.currentState;
  }

  start(): void {
    void this.run();
  }

  /** Reconnects now (drops the current stream; a waiting retry happens at once). */
  reconnect(): void {
    this.attempt = 0;
    this.controller?.abort();
    this.wake?.();
  }

  dispose(): void {
    this.stopped = true;
    this.controller?.abort();
    this.wake?.();
  }

  private setState(state: FeedState): void {
    this.currentState = state;
    this.listener.state(state);
  }

  private matches(e: ExecutionSummary): boolean {
    return (
      (this.query.packageName === undefined || e.packageName === this.query.packageName) &&
      (this.query.packageVersion === undefined || e.packageVersion === this.query.packageVersion)
    );
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const controller = new AbortController();
      this.controller = controller;
      let failure: unknown;
      try {
        if (this.currentState.state !== 'disconnected') this.setState({ state: 'connecting' });
        const events = this.client.executionEvents(controller.signal);
        // The first next() sends the stream request; the list is read after it, so no change
        // between the two is lost (changes are merged by status order on the webview side).
        const first = events.next();
        first.catch(() => undefined);
        const [running, stopping] = await Promise.all([
          this.client.listExecutions({ ...this.query, status: 'Running' }),
          this.client.listExecutions({ ...this.query, status: 'Stopping' }),
        ]);
        if (controller.signal.aborted || this.stopped) continue;
        this.attempt = 0;
        this.listener.snapshot([...running.executions, ...stopping.executions]);
        this.setState({ state: 'connected', since: new Date().toISOString() });
        this.log.info(`Running Executions (${this.describe}): connected to the event stream`);
        let next = await first;
        while (!next.done) {
          const event = next.value;
          if (event.event === 'execution' && event.data && typeof event.data === 'object') {
            const summary = event.data as ExecutionSummary;
            if (typeof summary.id === 'string' && this.matches(summary)) this.listener.changed(summary);
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
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.attempt - 1));
      const error = errorText(failure);
      this.log.warn(`Running Executions (${this.describe}): disconnected (${error}); retrying in ${delay / 1000} s`);
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
