/**
 * The durable outbox of promotion notices (target side): what this gateway did with a version
 * pulled from a source (ACCEPTED on pull, PROMOTED on apply, REJECTED on reject) waits in
 * `store.json` (`outbox`, written in the same atomic write as the change it reports) until the
 * source recorded it (`POST …/history` answered 200, `recorded` true or false — the source records
 * an event id once, so a notice delivered twice has one effect).
 *
 * Delivery runs in the background, never inside a request: `kick()` after each new notice, and a
 * timer for retries. Per source, notices go in order; a source that does not answer (or answers
 * 5xx, 401, 408, 429) is retried with exponential backoff (tuning.ts: 1 s doubling to 60 s) and
 * across restarts; any other 4xx is permanent: the notice stays with its `lastError` and
 * `permanent`, is not retried, and the import's `notifyError` says so.
 */
import { GatewayError } from '../../core/client/gatewayError';
import type { OutboxNotice } from '../store/schema';
import type { PackageStore } from '../store/packageStore';
import type { PromotionSource } from './sources';
import { promotionTuning } from './tuning';

/** Longest lastError kept. */
const ERROR_TEXT = 500;

export class Outbox {
  /** One runner per source at most: a source that hangs delays only its own notices. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly tuning = promotionTuning();

  constructor(
    private readonly store: PackageStore,
    private readonly sources: ReadonlyMap<string, PromotionSource>,
    private readonly gatewayName: string,
  ) {}

  /** Notices waiting (oldest first, read only). */
  pending(): readonly OutboxNotice[] {
    return this.store.state.outbox ?? [];
  }

  /** Deliver what is due, soon (never waits for it). */
  kick(): void {
    if (this.closed) return;
    const sources = new Set(this.pending().filter((n) => !n.permanent).map((n) => n.source));
    for (const source of sources) this.run(source);
    this.schedule();
  }

  private run(source: string): void {
    if (this.running.has(source)) {
      this.again.add(source);
      return;
    }
    const run = this.deliverInOrder(source)
      .catch((err) => console.error(`Flowgate emulator: outbox (source ${source}): ${String((err as Error)?.message ?? err)}`))
      .finally(() => {
        this.running.delete(source);
        if (this.again.delete(source)) this.run(source);
        else this.schedule();
      });
    this.running.set(source, run);
  }

  /**
   * Stop delivering; waits up to a second for deliveries in flight (a source that hangs must not hold
   * the gateway's shutdown for its whole timeout). A delivery cut short leaves its notice in the
   * outbox: it is delivered again after the restart, and the source records its id once.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    let cap: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([...this.running.values()]), new Promise<void>((r) => (cap = setTimeout(r, 1000)))]);
    clearTimeout(cap);
  }

  /** The next wake-up: the earliest retry among notices that are not permanent, of sources not being delivered to now (a runner reschedules when it ends). */
  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.pending().filter((n) => !n.permanent && !this.running.has(n.source)).map((n) => Date.parse(n.nextAttemptAt));
    if (!due.length) return;
    const wait = Math.max(0, Math.min(...due) - Date.now());
    this.timer = setTimeout(() => this.kick(), Math.min(wait, 2_147_000_000));
    this.timer.unref();
  }

  /** One source's notices in order, until one is not due or fails for now. */
  private async deliverInOrder(sourceName: string): Promise<void> {
    const source = this.sources.get(sourceName);
    const notices = this.pending().filter((n) => n.source === sourceName && !n.permanent);
    for (const n of notices) {
      if (this.closed) return;
      if (Date.parse(n.nextAttemptAt) > Date.now()) return; // later ones wait: order per source
      if (!source) {
        await this.failed(n, `the source ${sourceName} is no longer configured in gateway.yaml`, true);
        continue;
      }
      try {
        await source.client.recordVersionEvent(n.name, n.version, {
          id: n.id,
          event: n.event,
          target: this.gatewayName,
          at: n.at,
          by: n.by,
          ...(n.reason !== undefined ? { reason: n.reason } : {}),
          contentDigest: n.contentDigest,
        });
      } catch (err) {
        const status = err instanceof GatewayError ? err.status : 0;
        const transient = status === 0 || status >= 500 || status === 401 || status === 408 || status === 429;
        const why = err instanceof GatewayError ? `${err.status ? `${err.status} ${err.code}: ` : ''}${err.message}` : String((err as Error)?.message ?? err);
        await this.failed(n, redact(why, source), !transient);
        if (transient) return;
        continue;
      }
      await this.store.mutate((data) => {
        data.outbox = (data.outbox ?? []).filter((x) => x.id !== n.id);
      });
      if (this.closed) return;
    }
  }

  private async failed(n: OutboxNotice, why: string, permanent: boolean): Promise<void> {
    const attempts = n.attempts + 1;
    const delay = Math.min(this.tuning.retryMaxMs, this.tuning.retryMinMs * 2 ** Math.min(attempts - 1, 30));
    await this.store.mutate((data) => {
      const at = (data.outbox ?? []).find((x) => x.id === n.id);
      if (!at) return;
      at.attempts = attempts;
      at.lastError = `${permanent ? 'refused for good (not retried): ' : ''}${why}`.slice(0, ERROR_TEXT);
      at.nextAttemptAt = new Date(Date.now() + delay).toISOString();
      if (permanent) at.permanent = true;
    });
  }
}

function redact(text: string, source: PromotionSource | undefined): string {
  let out = text;
  for (const s of source?.secrets() ?? []) if (s) out = out.split(s).join('***');
  return out;
}
