/**
 * HTTP Basic credentials on the start route (the reference system's examples use them), checked
 * against the directory (embedded: the user's scrypt hash; LDAP: a bind as the user), over loopback or TLS only:
 * - a right answer is cached briefly, keyed by a SHA-256 of user and password (never the password),
 *   bounded in size; a wrong one is never cached;
 * - failures are counted per user name and per address in bounded maps; past the limit within the
 *   window the answer is 429 with Retry-After, before any password is checked.
 * Wrong password and unknown user give the same answer (and both cost a scrypt check).
 */
import { createHash } from 'node:crypto';
import type { Caller } from '../../core/gatewayConfig/directory';
import { LIMITS } from '../../core/limits';
import { FailureLimiter } from './failureLimiter';

export type PasswordCheck = (user: string, password: string) => Promise<Caller | undefined>;

export type BasicResult = { caller: Caller } | { refused: string } | { retryAfterSeconds: number };

const FAIL_WINDOW_SECONDS = 300;
const FAILS_PER_USER = 5;
const FAILS_PER_ADDRESS = 20;
const FAIL_KEYS_MAX = 10_000;

/** The two halves of `Basic base64(user:password)` as sent (RFC 7617); undefined when malformed. */
export function decodeBasic(header: string): { user: string; password: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** A directory user's Basic credentials: bounded, no control characters in the name, a password given. */
export function parseBasic(header: string): { user: string; password: string } | undefined {
  const c = decodeBasic(header);
  if (!c) return undefined;
  const { user, password } = c;
  if (user.length > LIMITS.directoryNameLength || /[\u0000-\u001f\u007f]/.test(user) || password.length === 0 || password.length > LIMITS.basicPasswordLength) return undefined;
  return { user, password };
}

export class BasicAuth {
  private readonly cache = new Map<string, { at: number; caller: Caller }>();
  private readonly perUser = new FailureLimiter(FAILS_PER_USER, FAIL_WINDOW_SECONDS * 1000, FAIL_KEYS_MAX);
  private readonly perAddress = new FailureLimiter(FAILS_PER_ADDRESS, FAIL_WINDOW_SECONDS * 1000, FAIL_KEYS_MAX);

  /** @param cacheSeconds how long a right answer is served from the cache (at most LIMITS.basicCacheSeconds; 0: never cached) */
  constructor(
    private readonly check: PasswordCheck,
    private readonly cacheSeconds: number = LIMITS.basicCacheSeconds,
  ) {}

  async authenticate(user: string, password: string, address: string): Promise<BasicResult> {
    const now = Date.now();
    // Per user, spellings a directory takes for one name (LDAP: any case, folded spaces) count as one.
    const userKey = user.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
    const wait = Math.max(this.perUser.retryAfter(userKey), this.perAddress.retryAfter(address));
    if (wait > 0) return { retryAfterSeconds: wait };
    const key = createHash('sha256').update(user).update('\0').update(password).digest('base64url');
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.cacheSeconds * 1000) return { caller: hit.caller };
    // A directory that does not answer throws (DirectoryUnavailableError): neither a failure nor a success is counted.
    const caller = await this.check(user, password);
    if (!caller) {
      this.perUser.fail(userKey);
      this.perAddress.fail(address);
      return { refused: 'The user name or password is not right' };
    }
    this.perUser.clear(userKey);
    if (this.cacheSeconds <= 0) return { caller };
    this.cache.delete(key);
    if (this.cache.size >= LIMITS.basicCacheEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { at: now, caller });
    return { caller };
  }
}

/** Loopback peers: 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
