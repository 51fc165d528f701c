/**
 * The LDAP directory (gateway.yaml `directory.kind: ldap`), read with ldapts 8.x:
 * - a small pool of service connections bound as `bindDn`, with a cap on requests in flight
 *   (more wait in a bounded queue); a failed connection is dropped and a new one made next time;
 * - checkPassword binds as the user on a fresh connection (wrong password and unknown user give
 *   the same answer: undefined);
 * - a user's groups: by `member` (groups listing the user's DN, then groups listing those, …) or
 *   by `memberOf` (the user's attribute, then the groups' own memberOf), nested groups resolved,
 *   cycles ended, cached `cacheSeconds`;
 * - LDAP unreachable → DirectoryUnavailableError (the routes answer 503 directory-unavailable).
 * The bind password never appears in an error or a log line.
 */
import { readFileSync } from 'node:fs';
import { Client, EqualityFilter, InvalidCredentialsError, type ClientOptions } from 'ldapts';
import { LIMITS } from '../../core/limits';
import type { Caller } from '../../core/gatewayConfig/directory';
import type { LdapDirectorySettings } from '../../core/gatewayConfig/schema';

export class DirectoryUnavailableError extends Error {
  readonly code = 'directory-unavailable';
  constructor(detail: string) {
    super(`the LDAP directory is unavailable: ${detail}`);
  }
}

/** What both directory kinds answer (the LDAP one asynchronously). */
export interface Directory {
  hasGroup(name: string): Promise<boolean>;
  groups(): Promise<string[]>;
  /** Every group of the user, nested groups resolved; undefined when there is no such user. */
  user(name: string): Promise<Caller | undefined>;
  /** The user when the password is right; undefined for a wrong password and for an unknown user alike. */
  checkPassword(user: string, password: string): Promise<Caller | undefined>;
}

/** RFC 4515 escaping of a value inside a filter. */
export function escapeFilterValue(v: string): string {
  return EqualityFilter.escape(v);
}

const POOL_SIZE = 2;
const QUEUE_MAX = 10_000;
const CACHE_MAX = 10_000;

function cnOf(dn: string): string {
  const m = /^cn=((?:\\.|[^,\\])+)/i.exec(dn);
  return m ? m[1].replace(/\\(.)/g, '$1') : dn;
}
const norm = (dn: string) => dn.replace(/\s*,\s*/g, ',').toLowerCase();

export class LdapDirectory implements Directory {
  private readonly pool: (Client | undefined)[] = [];
  private next = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly cache = new Map<string, { at: number; caller: Caller | undefined }>();
  private readonly password: string;
  private readonly tlsOptions: ClientOptions['tlsOptions'];

  constructor(
    private readonly s: LdapDirectorySettings,
    private readonly adminGroups: readonly string[],
  ) {
    this.password = s.bindPassword ?? readFileSync(s.bindPasswordFile!, 'utf8').replace(/\r?\n$/, '');
    this.tlsOptions = { rejectUnauthorized: s.tls.rejectUnauthorized, ...(s.tls.caFile ? { ca: [readFileSync(s.tls.caFile)] } : {}) };
  }

  private newClient(): Client {
    // ldapts speaks TLS from the first byte whenever tlsOptions are given: only for ldaps:// (StartTLS passes them to startTLS).
    const tls = this.s.url.startsWith('ldaps:') ? { tlsOptions: this.tlsOptions } : {};
    return new Client({ url: this.s.url, timeout: this.s.timeoutMs, connectTimeout: this.s.timeoutMs, strictDN: false, ...tls });
  }

  private async open(client: Client, dn: string, password: string): Promise<void> {
    if (this.s.startTls) await client.startTLS(this.tlsOptions ?? {});
    await client.bind(dn, password);
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.s.maxRequestsInFlight) {
      if (this.waiting.length >= QUEUE_MAX) throw new DirectoryUnavailableError('too many requests waiting');
      await new Promise<void>((r) => this.waiting.push(r));
    }
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  /** A request on a pooled service connection; a connection that fails is dropped, and the request tried once on a new one. */
  private async withService<T>(work: (c: Client) => Promise<T>): Promise<T> {
    return this.slot(async () => {
      const i = this.next++ % POOL_SIZE;
      for (let attempt = 0; ; attempt++) {
        let c = this.pool[i];
        try {
          if (!c || !c.isConnected) {
            c?.unbind().catch(() => undefined);
            c = this.newClient();
            this.pool[i] = c;
            await this.open(c, this.s.bindDn, this.password);
          }
          return await work(c);
        } catch (e) {
          if (e instanceof InvalidCredentialsError) throw new DirectoryUnavailableError(`the gateway's bind as ${this.s.bindDn} was refused (directory.bindDn / bindPassword)`);
          this.pool[i] = undefined;
          c?.unbind().catch(() => undefined);
          if (attempt >= 1 || !isConnectionError(e)) throw new DirectoryUnavailableError(describe(e, this.s.url));
        }
      }
    });
  }

  private async search(base: string, filter: string, attributes: string[]) {
    return this.withService(async (c) => {
      const { searchEntries } = await c.search(base, { scope: 'sub', filter, attributes, sizeLimit: LIMITS.ldapGroupsMax });
      return searchEntries;
    });
  }

  private async findUserDn(name: string): Promise<string | undefined> {
    if (!name || name.length > LIMITS.directoryNameLength) return undefined;
    const filter = this.s.userFilter.split('{user}').join(escapeFilterValue(name));
    const entries = await this.search(this.s.userBase, filter, this.s.membership === 'memberOf' ? ['memberOf'] : ['dn']);
    return entries.length === 1 ? entries[0].dn : undefined;
  }

  async groups(): Promise<string[]> {
    const entries = await this.search(this.s.groupBase, this.s.groupFilter, ['cn']);
    return entries.map((e) => (typeof e.cn === 'string' ? e.cn : cnOf(e.dn))).slice(0, LIMITS.ldapGroupsMax);
  }

  async hasGroup(name: string): Promise<boolean> {
    if (!name || name.length > LIMITS.directoryNameLength) return false;
    const entries = await this.search(this.s.groupBase, `(&${this.s.groupFilter}(cn=${escapeFilterValue(name)}))`, ['cn']);
    return entries.length > 0;
  }

  /** Group DNs containing `dn`, transitively (breadth first, each visited once, bounded). */
  private async groupDnsOf(dn: string): Promise<Set<string>> {
    const seen = new Map<string, string>();
    let frontier = [dn];
    while (frontier.length && seen.size < LIMITS.ldapGroupsMax) {
      const next: string[] = [];
      for (const d of frontier) {
        const entries =
          this.s.membership === 'member'
            ? await this.search(this.s.groupBase, `(&${this.s.groupFilter}(member=${escapeFilterValue(d)}))`, ['cn'])
            : await this.memberOfGroups(d);
        for (const e of entries) {
          const k = norm(e.dn);
          if (seen.has(k)) continue;
          seen.set(k, typeof e.cn === 'string' ? e.cn : cnOf(e.dn));
          next.push(e.dn);
        }
      }
      frontier = next;
    }
    return new Set(seen.values());
  }

  /** The groups an entry's memberOf names (those under groupBase matching groupFilter). */
  private async memberOfGroups(dn: string): Promise<{ dn: string; cn?: unknown }[]> {
    const entries = await this.withService(async (c) => (await c.search(dn, { scope: 'base', attributes: ['memberOf'] })).searchEntries);
    const raw = entries[0]?.memberOf;
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const base = norm(this.s.groupBase);
    return list.map(String).filter((g) => norm(g).endsWith(base)).map((g) => ({ dn: g, cn: cnOf(g) }));
  }

  async user(name: string): Promise<Caller | undefined> {
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < this.s.cacheSeconds * 1000) return hit.caller;
    const dn = await this.findUserDn(name);
    const caller = dn ? this.caller(name, await this.groupDnsOf(dn)) : undefined;
    if (this.s.cacheSeconds > 0) {
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(name, { at: Date.now(), caller });
    }
    return caller;
  }

  private caller(name: string, groups: Set<string>): Caller {
    return { kind: 'user', id: name, groups, admin: this.adminGroups.some((g) => groups.has(g)) };
  }

  async checkPassword(name: string, password: string): Promise<Caller | undefined> {
    // An empty password would be an unauthenticated bind (RFC 4513 5.1.2), which succeeds: refused here.
    if (!password || password.length > LIMITS.ldapStringLength) return undefined;
    const dn = await this.findUserDn(name);
    if (!dn) return undefined;
    const ok = await this.slot(async () => {
      const c = this.newClient();
      try {
        await this.open(c, dn, password);
        return true;
      } catch (e) {
        if (e instanceof InvalidCredentialsError) return false;
        throw new DirectoryUnavailableError(describe(e, this.s.url));
      } finally {
        await c.unbind().catch(() => undefined);
      }
    });
    return ok ? this.user(name) : undefined;
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.map((c) => c?.unbind().catch(() => undefined)));
    this.pool.length = 0;
  }
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  const msg = e instanceof Error ? e.message : '';
  return typeof code === 'string' || /connect|closed|socket|timeout|ECONN|EPIPE/i.test(msg);
}

function describe(e: unknown, url: string): string {
  const code = (e as { code?: unknown }).code;
  const msg = e instanceof Error ? e.message : String(e);
  return `${url}: ${typeof code === 'string' ? code + ' ' : ''}${msg}`.slice(0, 300);
}
