/**
 * HTTP Basic credentials on the start route (the reference system's examples use them), checked
 * against the directory (embedded: the user's scrypt hash), over loopback or TLS only:
 * - a right answer is cached briefly, keyed by a SHA-256 of user and password (never the password),
 *   bounded in size; a wrong one is never cached;
 * - failures are counted per user name and per address in bounded maps; past the limit within the
 *   window the answer is 429 with Retry-After, before any password is checked.
 * Wrong password and unknown user give the same answer (and both cost a scrypt check).
 */
import { createHash } from 'node:crypto';
import type { Caller } from '../../core/gatewayConfig/directory';
import { LIMITS } from '../../core/limits';

export type PasswordCheck = (user: string, password: string) => Promise<Caller | undefined>;

export type BasicResult = { caller: Caller } | { refused: string } | { retryAfterSeconds: number };

const CACHE_SECONDS = 60;
const CACHE_MAX = 1000;
const FAIL_WINDOW_SECONDS = 300;
const FAILS_PER_USER = 5;
const FAILS_PER_ADDRESS = 20;
const FAIL_KEYS_MAX = 10_000;

/** Parses `Basic base64(user:password)`; undefined when malformed. */
export function parseBasic(header: string): { user: string; password: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const user = text.slice(0, colon);
  const password = text.slice(colon + 1);
  if (user.length > LIMITS.directoryNameLength || /[\u0000-\u001f\u007f]/.test(user) || password.length === 0 || password.length > LIMITS.basicPasswordLength) return undefined;
  return { user, password };
}

class FailureCounter {
  private readonly fails = new Map<string, { first: number; count: number }>();
  constructor(private readonly limit: number) {}
  /** Seconds until a new attempt is allowed, or 0. */
  blockedFor(key: string, now: number): number {
    const f = this.fails.get(key);
    if (!f) return 0;
    const end = f.first + FAIL_WINDOW_SECONDS * 1000;
    if (now >= end) {
      this.fails.delete(key);
      return 0;
    }
    return f.count >= this.limit ? Math.ceil((end - now) / 1000) : 0;
  }
  fail(key: string, now: number): void {
    const f = this.fails.get(key);
    if (f && now < f.first + FAIL_WINDOW_SECONDS * 1000) f.count++;
    else {
      if (this.fails.size >= FAIL_KEYS_MAX) this.fails.delete(this.fails.keys().next().value!);
      this.fails.delete(key);
      this.fails.set(key, { first: now, count: 1 });
    }
  }
  clear(key: string): void {
    this.fails.delete(key);
  }
}

export class BasicAuth {
  private readonly cache = new Map<string, { at: number; caller: Caller }>();
  private readonly perUser = new FailureCounter(FAILS_PER_USER);
  private readonly perAddress = new FailureCounter(FAILS_PER_ADDRESS);

  constructor(private readonly check: PasswordCheck) {}

  async authenticate(user: string, password: string, address: string): Promise<BasicResult> {
    const now = Date.now();
    const wait = Math.max(this.perUser.blockedFor(user, now), this.perAddress.blockedFor(address, now));
    if (wait > 0) return { retryAfterSeconds: wait };
    const key = createHash('sha256').update(user).update('\0').update(password).digest('base64url');
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CACHE_SECONDS * 1000) return { caller: hit.caller };
    const caller = await this.check(user, password);
    if (!caller) {
      this.perUser.fail(user, now);
      this.perAddress.fail(address, now);
      return { refused: 'The user name or password is not right' };
    }
    this.perUser.clear(user);
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { at: now, caller });
    return { caller };
  }
}

/** Loopback peers: 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
