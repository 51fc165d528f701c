/**
 * The one directory interface of the gateway: who a user is (a password check), which groups a user
 * is in (nested groups resolved), which groups exist (for pickers and for checking a version's
 * authorisation), and OAuth clients' groups (always from gateway.yaml `clients[].groups`, never from
 * a directory server, so clients keep working when the server is down).
 *
 * Two kinds, chosen by gateway.yaml `directory.kind`:
 * - `embedded` (core's EmbeddedDirectory: users with scrypt hashes and groups in the file);
 * - `ldap` (LdapDirectory: an LDAP server read with ldapts). Group names — in `adminGroups`,
 *   `clients[].groups` and a version's authorisation — are then the LDAP groups' `cn` (the cn of the
 *   group entry's DN when it has several).
 *
 * A directory server that does not answer throws DirectoryUnavailableError: the HTTP layer answers
 * 503 `directory-unavailable` with Retry-After, naming the server's URL (never the bind password).
 */
import { EmbeddedDirectory, type Caller } from '../../core/gatewayConfig/directory';
import type { GatewayConfig } from '../../core/gatewayConfig/schema';
import { LIMITS } from '../../core/limits';

/** A group for pickers: its name and, where the directory knows it cheaply, its direct member count. */
export interface DirectoryGroupInfo {
  name: string;
  members?: number;
}

export interface Directory {
  readonly kind: 'embedded' | 'ldap';
  /** The user when the password is right; undefined for a wrong password and for an unknown user alike. */
  checkPassword(user: string, password: string): Promise<Caller | undefined>;
  /** The user with every group it is in (nested groups resolved); undefined when there is no such user. */
  user(name: string): Promise<Caller | undefined>;
  /** Every group of the user, nested resolved; undefined when there is no such user. */
  groupsOf(user: string): Promise<ReadonlySet<string> | undefined>;
  /** The directory's groups, sorted by name, at most LIMITS.ldapGroupsMax. */
  listGroups(): Promise<DirectoryGroupInfo[]>;
  hasGroup(name: string): Promise<boolean>;
  /** An OAuth client of gateway.yaml with its groups (from the file: no directory request). */
  client(id: string): Caller | undefined;
  close(): Promise<void>;
}

/** The directory server does not answer (or refuses the gateway's own bind): 503 directory-unavailable. */
export class DirectoryUnavailableError extends Error {
  readonly code = 'directory-unavailable';
  /** Seconds a client should wait before trying again. */
  readonly retryAfterSeconds = LIMITS.directoryRetryAfterSeconds;
  /** The user whose groups could not be resolved (a person's valid token): the start route may still run an open version for it. */
  user?: string;
}

/** The embedded directory behind the async interface. */
export class EmbeddedDirectorySource implements Directory {
  readonly kind = 'embedded';
  constructor(private readonly d: EmbeddedDirectory) {}
  checkPassword(user: string, password: string) {
    return this.d.checkPassword(user, password);
  }
  async user(name: string) {
    return this.d.user(name);
  }
  async groupsOf(user: string) {
    return this.d.user(user)?.groups;
  }
  async listGroups() {
    return this.d.groupList();
  }
  async hasGroup(name: string) {
    return this.d.hasGroup(name);
  }
  client(id: string) {
    return this.d.client(id);
  }
  async close() {}
}

/** gateway.yaml clients with an LDAP directory: their groups as listed (LDAP group names), Admin from adminGroups. */
export function configClients(config: GatewayConfig): (id: string) => Caller | undefined {
  const byId = new Map(config.clients.map((c) => [c.id, new Set(c.groups)] as const));
  return (id) => {
    const groups = byId.get(id);
    return groups ? { kind: 'client', id, groups, admin: config.adminGroups.some((g) => groups.has(g)) } : undefined;
  };
}

export function embeddedDirectory(config: GatewayConfig): Directory {
  return new EmbeddedDirectorySource(new EmbeddedDirectory(config));
}
