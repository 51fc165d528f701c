/**
 * The embedded directory of a gateway configuration: who is in which group, nested groups resolved
 * (a group's members may be groups; cycles end the walk, they do not loop), and who holds Admin.
 */
import type { EmbeddedDirectoryFile, GatewayConfig } from './schema';
import { hashSecret, verifySecret } from './scrypt';

/** Checked for an unknown user so that it costs what a wrong password costs. */
let decoyHash: Promise<string> | undefined;

export interface Caller {
  kind: 'client' | 'user';
  /** client_id or user name. */
  id: string;
  /** Every group the caller is in, directly or through nested groups. */
  groups: ReadonlySet<string>;
  admin: boolean;
}

export class EmbeddedDirectory {
  /** Group → the groups that list it as a member. */
  private readonly parents = new Map<string, string[]>();
  /** User → the groups that list the user (members) or that the user lists (groups). */
  private readonly userGroups = new Map<string, string[]>();
  private readonly groupNames: ReadonlySet<string>;
  private readonly clientGroups = new Map<string, readonly string[]>();
  /** The file's users and groups (none when the configuration names an LDAP directory). */
  private readonly dir: EmbeddedDirectoryFile;

  constructor(private readonly config: GatewayConfig) {
    this.dir = config.directory.kind === 'embedded' ? config.directory : { kind: 'embedded', users: [], groups: [] };
    this.groupNames = new Set(this.dir.groups.map((g) => g.name));
    const users = new Set(this.dir.users.map((u) => u.name));
    const add = (m: Map<string, string[]>, k: string, v: string) => {
      const list = m.get(k);
      if (list) list.push(v);
      else m.set(k, [v]);
    };
    for (const g of this.dir.groups) {
      for (const m of g.members) {
        if (this.groupNames.has(m)) add(this.parents, m, g.name);
        else if (users.has(m)) add(this.userGroups, m, g.name);
      }
    }
    for (const u of this.dir.users) for (const g of u.groups ?? []) add(this.userGroups, u.name, g);
    for (const c of config.clients) this.clientGroups.set(c.id, c.groups);
  }

  hasGroup(name: string): boolean {
    return this.groupNames.has(name);
  }

  groups(): string[] {
    return [...this.groupNames];
  }

  /** Every group with its direct members counted once each: listed members, users that name it, clients given it. */
  groupList(): { name: string; members: number }[] {
    const members = new Map<string, Set<string>>([...this.groupNames].map((g) => [g, new Set<string>()]));
    for (const g of this.dir.groups) for (const m of g.members) members.get(g.name)?.add(m);
    for (const u of this.dir.users) for (const g of u.groups ?? []) members.get(g)?.add(u.name);
    for (const c of this.config.clients) for (const g of c.groups) members.get(g)?.add(`client:${c.id}`);
    return [...members].map(([name, set]) => ({ name, members: set.size })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The groups `direct` name and every group containing them, transitively (each visited once). */
  private closure(direct: readonly string[]): Set<string> {
    const out = new Set<string>();
    const queue = direct.filter((g) => this.groupNames.has(g));
    while (queue.length) {
      const g = queue.pop()!;
      if (out.has(g)) continue;
      out.add(g);
      for (const p of this.parents.get(g) ?? []) if (!out.has(p)) queue.push(p);
    }
    return out;
  }

  private caller(kind: Caller['kind'], id: string, direct: readonly string[]): Caller {
    const groups = this.closure(direct);
    return { kind, id, groups, admin: this.config.adminGroups.some((g) => groups.has(g)) };
  }

  /** An OAuth client of the configuration, or undefined when it is not (or no longer) configured. */
  client(id: string): Caller | undefined {
    const direct = this.clientGroups.get(id);
    return direct ? this.caller('client', id, direct) : undefined;
  }

  user(name: string): Caller | undefined {
    if (!this.dir.users.some((u) => u.name === name)) return undefined;
    return this.caller('user', name, this.userGroups.get(name) ?? []);
  }

  /** The user when the password is right; undefined for a wrong password and for an unknown user alike (same work). */
  async checkPassword(name: string, password: string): Promise<Caller | undefined> {
    const entry = this.dir.users.find((u) => u.name === name);
    if (!entry) {
      decoyHash ??= hashSecret('flowgate-decoy');
      await verifySecret(password, await decoyHash);
      return undefined;
    }
    return (await verifySecret(password, entry.passwordHash)) ? this.user(name) : undefined;
  }
}

/** True when `caller` may act on a version whose authorisation lists `groups` (none: anyone). */
export function mayUseVersion(caller: Caller | undefined, groups: readonly string[]): boolean {
  if (groups.length === 0) return true;
  if (!caller) return false;
  return caller.admin || groups.some((g) => caller.groups.has(g));
}
