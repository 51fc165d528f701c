/**
 * The LDAP directory (gateway.yaml `directory.kind: ldap`), read with ldapts 8.x:
 * - a small pool of service connections bound as `bindDn`, with a cap on requests in flight
 *   (more wait in a bounded queue); a failed connection is dropped and a new one made next time;
 * - checkPassword binds as the user on a fresh connection (wrong password and unknown user give
 *   the same answer: undefined);
 * - a user's groups: by `member` (groups listing the user's DN, then groups listing those, …) or
 *   by `memberOf` (the user's attribute, then the groups' own memberOf), nested groups resolved,
 *   cycles ended, cached `cacheSeconds`;
 * - LDAP unreachable → DirectoryUnavailableError "the directory at ldap://… does not answer" (the
 *   routes answer 503 directory-unavailable); every public method answers within `timeoutMs` (a
 *   request waiting for a free slot included); one log line when the server stops answering and one
 *   when it answers again, not one per request.
 * Group names are the groups' `cn` (the cn of the entry's DN when it has several values).
 * The bind password never appears in an error or a log line.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, EqualityFilter, InvalidCredentialsError, type ClientOptions } from 'ldapts';
import { LIMITS } from '../../core/limits';
import type { Caller } from '../../core/gatewayConfig/directory';
import type { LdapDirectorySettings } from '../../core/gatewayConfig/schema';
import { DirectoryUnavailableError, type Directory, type DirectoryGroupInfo } from './directory';

export { DirectoryUnavailableError };

/** RFC 4515 escaping of a value inside a filter. */
export function escapeFilterValue(v: string): string {
  return EqualityFilter.escape(v);
}

const POOL_SIZE = 2;
const QUEUE_MAX = 10_000;

function cnOf(dn: string): string {
  const m = /^cn=((?:\\.|[^,\\])+)/i.exec(dn);
  return m ? m[1].replace(/\\(.)/g, '$1') : dn;
}
const norm = (dn: string) => dn.replace(/\s*,\s*/g, ',').toLowerCase();

export class LdapDirectory implements Directory {
  readonly kind = 'ldap';
  private readonly pool: (Client | undefined)[] = [];
  private next = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly cache = new Map<string, { at: number; caller: Caller | undefined }>();
  private readonly password: string;
  private readonly tlsOptions: ClientOptions['tlsOptions'];
  /** Whether the last request reached the server (a change is logged once). */
  private answering = true;
  /** The attribute userFilter compares with {user} (`uid` in `(uid={user})`): the user's name as the directory spells it. */
  private readonly nameAttribute: string | undefined;

  /**
   * @param adminGroups gateway.yaml `adminGroups` (LDAP group names)
   * @param clients gateway.yaml clients with their groups (configClients)
   * @throws Error naming `directory.bindPasswordFile` or `directory.tls.caFile` when that file cannot be read
   */
  constructor(
    private readonly s: LdapDirectorySettings,
    private readonly adminGroups: readonly string[],
    readonly client: (id: string) => Caller | undefined = () => undefined,
  ) {
    this.password = s.bindPassword ?? readSetting('directory.bindPasswordFile', s.bindPasswordFile!).toString('utf8').replace(/\r?\n$/, '');
    this.nameAttribute = /\(([A-Za-z][A-Za-z0-9-]*)=\{user\}\)/.exec(s.userFilter)?.[1];
    this.tlsOptions = { rejectUnauthorized: s.tls.rejectUnauthorized, ...(s.tls.caFile ? { ca: [readSetting('directory.tls.caFile', s.tls.caFile)] } : {}) };
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

  private unavailable(detail: string): DirectoryUnavailableError {
    if (this.answering) {
      this.answering = false;
      console.error(`Flowgate emulator: the directory at ${this.s.url} does not answer (${detail}); requests that need it answer 503 until it does`);
    }
    return new DirectoryUnavailableError(`The directory at ${this.s.url} does not answer (${detail}); try again later`);
  }

  private answered(): void {
    if (this.answering) return;
    this.answering = true;
    console.error(`Flowgate emulator: the directory at ${this.s.url} answers again`);
  }

  /** `work` answered within timeoutMs, or DirectoryUnavailableError (the work itself ends by ldapts' own timeouts). */
  private async deadline<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(this.unavailable(`no answer within ${this.s.timeoutMs} ms`)), this.s.timeoutMs);
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.s.maxRequestsInFlight) {
      if (this.waiting.length >= QUEUE_MAX) throw this.unavailable('too many requests waiting');
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

  /** A request on a pooled service connection; a connection that fails is dropped, and the request tried once more on a new one when the failed one was an old (possibly stale) connection. */
  private async withService<T>(work: (c: Client) => Promise<T>): Promise<T> {
    return this.slot(async () => {
      const i = this.next++ % POOL_SIZE;
      for (let attempt = 0; ; attempt++) {
        let c = this.pool[i];
        const reused = c !== undefined && c.isConnected;
        try {
          if (!reused) {
            c?.unbind().catch(() => undefined);
            c = this.newClient();
            this.pool[i] = c;
            await this.open(c, this.s.bindDn, this.password);
          }
          const out = await work(c!);
          this.answered();
          // Two requests opened this slot's connection at once: the one no longer pooled is closed, not leaked.
          if (this.pool[i] !== c) c!.unbind().catch(() => undefined);
          return out;
        } catch (e) {
          if (this.pool[i] === c) this.pool[i] = undefined;
          c?.unbind().catch(() => undefined);
          if (e instanceof InvalidCredentialsError) throw this.unavailable(`it refused the gateway's bind as ${this.s.bindDn}: check directory.bindDn and the bind password`);
          if (attempt >= 1 || !reused || !isConnectionError(e)) throw this.unavailable(describe(e));
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

  /**
   * The one entry `name` finds with userFilter, and the user's name as the directory spells it: LDAP
   * matches names by the attribute's rule (uid: any case, spaces folded), so `ALICE` finds alice; the
   * caller is then named by the entry's value of the filter's attribute, never by the spelling sent.
   */
  private async findUser(name: string): Promise<{ dn: string; name: string } | undefined> {
    if (!name || name.length > LIMITS.directoryNameLength || /[\u0000-\u001f\u007f]/.test(name)) return undefined;
    const filter = this.s.userFilter.split('{user}').join(escapeFilterValue(name));
    const entries = await this.search(this.s.userBase, filter, this.nameAttribute ? [this.nameAttribute] : ['dn']);
    if (entries.length !== 1) return undefined;
    const e = entries[0];
    const raw = this.nameAttribute ? e[this.nameAttribute] : undefined;
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
    const spelled = values.length === 1 ? values[0] : (values.find((v) => v.toLowerCase() === name.toLowerCase()) ?? name);
    return { dn: e.dn, name: spelled };
  }

  async listGroups(): Promise<DirectoryGroupInfo[]> {
    const entries = await this.deadline(this.search(this.s.groupBase, this.s.groupFilter, ['cn']));
    const names = [...new Set(entries.map(groupName))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return names.slice(0, LIMITS.ldapGroupsMax).map((name) => ({ name }));
  }

  async hasGroup(name: string): Promise<boolean> {
    if (!name || name.length > LIMITS.directoryNameLength) return false;
    const entries = await this.deadline(this.search(this.s.groupBase, `(&${this.s.groupFilter}(cn=${escapeFilterValue(name)}))`, ['cn']));
    // LDAP matches cn case-insensitively and on any of its values: the name must be the group's name exactly.
    return entries.some((e) => groupName(e) === name);
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
          seen.set(k, groupName(e));
          next.push(e.dn);
        }
      }
      frontier = next;
    }
    return new Set(seen.values());
  }

  /** The groups an entry's memberOf names (those under groupBase). */
  private async memberOfGroups(dn: string): Promise<{ dn: string; cn?: unknown }[]> {
    const entries = await this.withService(async (c) => (await c.search(dn, { scope: 'base', attributes: ['memberOf'] })).searchEntries);
    const raw = entries[0]?.memberOf;
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const base = norm(this.s.groupBase);
    return list.map(String).filter((g) => norm(g).endsWith(base)).map((g) => ({ dn: g, cn: cnOf(g) }));
  }

  /** The user with its groups, cached `cacheSeconds` (at most LIMITS.ldapCacheEntries users). */
  async user(name: string): Promise<Caller | undefined> {
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < this.s.cacheSeconds * 1000) return hit.caller;
    return this.deadline(this.lookUp(name));
  }

  private async lookUp(name: string): Promise<Caller | undefined> {
    const found = await this.findUser(name);
    const caller = found ? this.caller(found.name, await this.groupDnsOf(found.dn)) : undefined;
    if (this.s.cacheSeconds > 0) {
      this.cache.delete(name);
      if (this.cache.size >= LIMITS.ldapCacheEntries) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(name, { at: Date.now(), caller });
    }
    return caller;
  }

  async groupsOf(name: string): Promise<ReadonlySet<string> | undefined> {
    return (await this.user(name))?.groups;
  }

  private caller(name: string, groups: Set<string>): Caller {
    return { kind: 'user', id: name, groups, admin: this.adminGroups.some((g) => groups.has(g)) };
  }

  async checkPassword(name: string, password: string): Promise<Caller | undefined> {
    // An empty password would be an unauthenticated bind (RFC 4513 5.1.2), which succeeds: refused here.
    if (!password || password.length > LIMITS.ldapStringLength) return undefined;
    const ok = await this.deadline(this.bindAs(name, password));
    return ok ? this.user(name) : undefined;
  }

  /**
   * True when `name` is exactly one user and binding as it with `password` succeeds. An unknown name
   * still binds — as an entry that does not exist, which the server refuses like a wrong password —
   * so the answer's time does not tell whether a user exists.
   */
  private async bindAs(name: string, password: string): Promise<boolean> {
    const found = (await this.findUser(name))?.dn;
    const dn = found ?? `cn=flowgate-decoy-${randomUUID()},${this.s.userBase}`;
    return this.slot(async () => {
      const c = this.newClient();
      try {
        await this.open(c, dn, password);
        return found !== undefined;
      } catch (e) {
        if (e instanceof InvalidCredentialsError) return false;
        throw this.unavailable(describe(e));
      } finally {
        await c.unbind().catch(() => undefined);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.map((c) => c?.unbind().catch(() => undefined)));
    this.pool.length = 0;
  }
}

function readSetting(field: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`${field}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function groupName(e: { dn: string; cn?: unknown }): string {
  return typeof e.cn === 'string' ? e.cn : cnOf(e.dn);
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  const msg = e instanceof Error ? e.message : '';
  return typeof code === 'string' || /connect|closed|socket|timeout|ECONN|EPIPE/i.test(msg);
}

/** What went wrong, without anything the error might quote from the request (a password is never in an ldapts error). */
function describe(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const msg = e instanceof Error ? e.message : String(e);
  return `${typeof code === 'string' ? code + ': ' : ''}${msg}`.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
}
