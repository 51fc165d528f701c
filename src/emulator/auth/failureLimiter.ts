/**
 * Failed authentications per key (a client id, a user, a remote address) in a sliding window: at
 * most `max` failures in `windowMs`, then refused until the oldest of them leaves the window.
 * Bounded memory: at most `max` times per key and `maxKeys` keys (the least recently failed go
 * first). Successes are not counted.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string, t: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const kept = list.filter((x) => x > t - this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== list.length) this.failures.set(key, kept);
    return kept;
  }

  /** Seconds until `key` may try again (0: it may now). */
  retryAfter(key: string): number {
    const t = this.now();
    const list = this.recent(key, t);
    if (list.length < this.max) return 0;
    return Math.max(1, Math.ceil((list[list.length - this.max] + this.windowMs - t) / 1000));
  }

  fail(key: string): void {
    const t = this.now();
    const list = this.recent(key, t);
    list.push(t);
    this.failures.delete(key);
    this.failures.set(key, list.slice(-this.max));
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
  }

  /** Forget `key`'s failures (a success that should reset them). */
  clear(key: string): void {
    this.failures.delete(key);
  }
}
