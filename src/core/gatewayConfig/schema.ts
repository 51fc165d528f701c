/**
 * The gateway configuration file (`gateway.yaml`): ONE TypeBox schema (the validator and the type),
 * the rules a schema cannot say (names unique, members and groups that exist), and parsing a file's
 * text into a checked configuration with problems that name the field:
 * `directory.users[1].passwordHash: must be an scrypt hash …`.
 *
 * Used by the emulator (loading at start) and by tools (writing hashes, checking a file).
 */
import Ajv, { type ErrorObject } from 'ajv';
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { NO_CONTROL_CHARS } from '../model/controlChars';
import { parseYaml } from '../yaml/parseYaml';
import { SCRYPT_HASH_MAX_LENGTH, SCRYPT_HASH_PATTERN, scryptHashProblem } from './scrypt';

/** The Admin groups when the file names none. */
export const DEFAULT_ADMIN_GROUPS = ['flowgate-admins'] as const;
/** The client id of the local admin credential (`<data>/local-admin.json`). */
export const LOCAL_ADMIN_CLIENT_ID = 'local-admin';

const DirName = (description: string) =>
  Type.String({ minLength: 1, maxLength: LIMITS.directoryNameLength, pattern: NO_CONTROL_CHARS, description });
const Hash = (description: string) => Type.String({ maxLength: SCRYPT_HASH_MAX_LENGTH, pattern: SCRYPT_HASH_PATTERN, description });

export const DirectoryUser = Type.Object(
  {
    name: DirName('User name'),
    passwordHash: Hash('scrypt$N$r$p$salt$hash of the password'),
    groups: Type.Optional(Type.Array(DirName('Group name'), { maxItems: LIMITS.clientGroups, description: 'Groups the user is a direct member of' })),
  },
  { additionalProperties: false },
);

export const DirectoryGroup = Type.Object(
  {
    name: DirName('Group name'),
    members: Type.Array(DirName('A user or group name'), { maxItems: LIMITS.groupMembers, description: 'Users and groups (nested groups are resolved)' }),
  },
  { additionalProperties: false },
);

export const EmbeddedDirectory = Type.Object(
  {
    kind: Type.Literal('embedded'),
    users: Type.Array(DirectoryUser, { maxItems: LIMITS.directoryUsers }),
    groups: Type.Array(DirectoryGroup, { maxItems: LIMITS.directoryGroups }),
  },
  { additionalProperties: false },
);

const LdapString = (description: string) =>
  Type.String({ minLength: 1, maxLength: LIMITS.ldapStringLength, pattern: NO_CONTROL_CHARS, description });

/** `directory.kind: ldap` — an LDAP server read with ldapts (src/emulator/auth/ldapDirectory.ts). */
export const LdapDirectoryConfig = Type.Object(
  {
    kind: Type.Literal('ldap'),
    url: Type.String({ minLength: 8, maxLength: LIMITS.ldapStringLength, pattern: '^ldaps?://[^\\s]+$', description: 'ldap:// or ldaps:// URL' }),
    startTls: Type.Optional(Type.Boolean()),
    tls: Type.Optional(
      Type.Object(
        { caFile: Type.Optional(LdapString('PEM file of the CA')), rejectUnauthorized: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
    bindDn: LdapString('DN the gateway binds as'),
    bindPassword: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.ldapStringLength })),
    bindPasswordFile: Type.Optional(LdapString('File holding the bind password')),
    userBase: LdapString('Base DN of users'),
    userFilter: Type.Optional(LdapString('Filter finding a user; {user} is the escaped user name')),
    groupBase: LdapString('Base DN of groups'),
    groupFilter: Type.Optional(LdapString('Filter of groups')),
    membership: Type.Optional(Type.Union([Type.Literal('member'), Type.Literal('memberOf')])),
    maxRequestsInFlight: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.ldapMaxRequestsInFlightMax })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: LIMITS.ldapTimeoutMinMs, maximum: LIMITS.ldapTimeoutMaxMs })),
    cacheSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.ldapCacheSecondsMax })),
  },
  { additionalProperties: false },
);
export type LdapDirectoryFile = Static<typeof LdapDirectoryConfig>;

/** A checked LDAP directory section with its defaults filled in (the bind password read by the caller when it is a file). */
export interface LdapDirectorySettings {
  kind: 'ldap';
  url: string;
  startTls: boolean;
  tls: { caFile?: string; rejectUnauthorized: boolean };
  bindDn: string;
  bindPassword?: string;
  bindPasswordFile?: string;
  userBase: string;
  userFilter: string;
  groupBase: string;
  groupFilter: string;
  membership: 'member' | 'memberOf';
  maxRequestsInFlight: number;
  timeoutMs: number;
  cacheSeconds: number;
}

export type LdapCheck = { ok: true; settings: LdapDirectorySettings } | { ok: false; problems: string[] };
let ldapValidator: ReturnType<Ajv['compile']> | undefined;

/** Checks a `directory:` section of kind ldap; problems name the field (`directory.url: …`). */
export function checkLdapDirectory(value: unknown): LdapCheck {
  ldapValidator ??= new Ajv({ allErrors: true, strict: false }).compile(LdapDirectoryConfig);
  if (!ldapValidator(value)) {
    const problems = [...new Set((ldapValidator.errors ?? []).map((e) => {
      const p = schemaProblem({ ...e, instancePath: '/directory' + e.instancePath });
      return /\.url: must not hold/.test(p) ? 'directory.url: must be an ldap:// or ldaps:// URL' : p;
    }))];
    return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
  }
  const f = value as LdapDirectoryFile;
  const out: string[] = [];
  if ((f.bindPassword === undefined) === (f.bindPasswordFile === undefined)) out.push('directory.bindPassword: give exactly one of bindPassword and bindPasswordFile');
  if (f.startTls && f.url.startsWith('ldaps:')) out.push('directory.startTls: not with an ldaps:// url (it is TLS already)');
  const userFilter = f.userFilter ?? '(uid={user})';
  if (!userFilter.includes('{user}')) out.push('directory.userFilter: must contain {user}');
  for (const [k, v] of [['userFilter', userFilter], ['groupFilter', f.groupFilter ?? '(objectClass=groupOfNames)']] as const)
    if (!/^\(.*\)$/.test(v)) out.push(`directory.${k}: must be an LDAP filter in parentheses, e.g. (uid={user})`);
  if (out.length) return { ok: false, problems: out };
  return {
    ok: true,
    settings: {
      kind: 'ldap',
      url: f.url,
      startTls: f.startTls ?? false,
      tls: { caFile: f.tls?.caFile, rejectUnauthorized: f.tls?.rejectUnauthorized ?? true },
      bindDn: f.bindDn,
      bindPassword: f.bindPassword,
      bindPasswordFile: f.bindPasswordFile,
      userBase: f.userBase,
      userFilter,
      groupBase: f.groupBase,
      groupFilter: f.groupFilter ?? '(objectClass=groupOfNames)',
      membership: f.membership ?? 'member',
      maxRequestsInFlight: f.maxRequestsInFlight ?? LIMITS.ldapMaxRequestsInFlight,
      timeoutMs: f.timeoutMs ?? LIMITS.ldapTimeoutMs,
      cacheSeconds: f.cacheSeconds ?? LIMITS.ldapCacheSeconds,
    },
  };
}

export const OAuthClientConfig = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: LIMITS.nameLength, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'client_id' }),
    secretHash: Hash('scrypt$N$r$p$salt$hash of the client secret'),
    groups: Type.Array(DirName('Group name'), { maxItems: LIMITS.clientGroups }),
  },
  { additionalProperties: false },
);

/** `tls:` — the gateway serves HTTPS with this certificate (PEM files, read at start). */
export const TlsConfig = Type.Object(
  {
    certFile: Type.String({ minLength: 1, maxLength: LIMITS.tlsPathLength, pattern: NO_CONTROL_CHARS, description: 'PEM file of the certificate (chain: leaf first)' }),
    keyFile: Type.String({ minLength: 1, maxLength: LIMITS.tlsPathLength, pattern: NO_CONTROL_CHARS, description: 'PEM file of its private key (unencrypted)' }),
  },
  { additionalProperties: false },
);
export type TlsFiles = Static<typeof TlsConfig>;

/** `promotion.sources[]`: a gateway this one pulls versions from (issue 10). */
export const PromotionSourceConfig = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: LIMITS.nameLength, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'How this gateway calls the source (in routes, histories, the CLI)' }),
    url: Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://[^\\s]+$', description: "The source gateway's base URL" }),
    clientId: Type.String({ minLength: 1, maxLength: LIMITS.nameLength, pattern: NO_CONTROL_CHARS, description: "This gateway's OAuth client on the source (an Admin there)" }),
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, pattern: NO_CONTROL_CHARS, description: 'Its secret (prefer clientSecretFile)' })),
    clientSecretFile: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.tlsPathLength, pattern: NO_CONTROL_CHARS, description: 'A file holding the secret (relative to this file)' })),
    trustedKeys: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: "A signing key id of the source (`flowgate keys show` on it)" }), { minItems: 1, maxItems: LIMITS.trustedKeysPerSource }),
    caFile: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.tlsPathLength, pattern: NO_CONTROL_CHARS, description: "PEM file of the CA that issued the source's HTTPS certificate" })),
  },
  { additionalProperties: false },
);
export type PromotionSourceEntry = Static<typeof PromotionSourceConfig>;

/** `promotion:` — sources to pull from, and whether this gateway is a protected target. */
export const PromotionConfig = Type.Object(
  {
    protected: Type.Optional(Type.Boolean({ description: 'Accept versions only by promotion from trusted sources (direct uploads refused unless allowUnsigned by an Admin)' })),
    sources: Type.Optional(Type.Array(PromotionSourceConfig, { maxItems: LIMITS.promotionSources })),
  },
  { additionalProperties: false },
);

export const GatewayConfigSchema = Type.Object(
  {
    directory: EmbeddedDirectory,
    adminGroups: Type.Optional(Type.Array(DirName('Group name'), { minItems: 1, maxItems: LIMITS.clientGroups })),
    clients: Type.Optional(Type.Array(OAuthClientConfig, { maxItems: LIMITS.oauthClients })),
    accessTokenTtlSeconds: Type.Optional(Type.Integer({ minimum: LIMITS.accessTokenTtlMinSeconds, maximum: LIMITS.accessTokenTtlMaxSeconds })),
    tls: Type.Optional(TlsConfig),
    promotion: Type.Optional(PromotionConfig),
  },
  { additionalProperties: false },
);

export type GatewayConfigFile = Static<typeof GatewayConfigSchema>;
export type OAuthClientEntry = Static<typeof OAuthClientConfig>;

/** A checked configuration with its defaults filled in. */
export type EmbeddedDirectoryFile = Static<typeof EmbeddedDirectory>;

export interface GatewayConfig {
  /** The embedded directory (users and groups in the file) or an LDAP server's settings. */
  directory: EmbeddedDirectoryFile | LdapDirectorySettings;
  adminGroups: string[];
  clients: OAuthClientEntry[];
  accessTokenTtlSeconds: number;
  /** HTTPS certificate and key files (paths as written; relative ones are relative to the configuration file). */
  tls?: TlsFiles;
  /** Promotion: a protected target refuses direct uploads; sources are the gateways this one pulls from (secret files not yet read). */
  promotion: { protected: boolean; sources: PromotionSourceEntry[] };
}

export type ConfigCheck = { ok: true; config: GatewayConfig } | { ok: false; problems: string[] };

const MAX_PROBLEMS = 20;
let validator: ReturnType<Ajv['compile']> | undefined;

function fieldOf(instancePath: string): string {
  let field = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    field = /^\d+$/.test(seg) ? `${field}[${seg}]` : field ? `${field}.${seg}` : seg;
  }
  return field;
}

function schemaProblem(e: ErrorObject): string {
  let field = fieldOf(e.instancePath);
  const join = (k: string) => (field ? `${field}.${k}` : k);
  switch (e.keyword) {
    case 'required':
      return `${join(String(e.params.missingProperty))}: is required`;
    case 'additionalProperties':
      return `${join(String(e.params.additionalProperty))}: is not a known setting`;
    case 'pattern':
      if (/passwordHash$|secretHash$/.test(field)) return `${field}: must be an scrypt hash: scrypt$N$r$p$salt$hash (salt and hash base64url)`;
      return `${field || 'file'}: ${/\.id$/.test(field) ? 'may hold letters, digits, ".", "-" and "_" (starting with a letter or digit)' : 'must not hold control characters'}`;
    case 'const':
      return `${field}: must be ${JSON.stringify(e.params.allowedValue)}`;
    default:
      field ||= 'file';
      return `${field}: ${e.message ?? 'is invalid'}`;
  }
}

/** The rules a schema cannot say: unique names, members, Admin and client groups that exist, usable hashes. */
function crossProblems(c: GatewayConfigFile, ldap: boolean): string[] {
  const out: string[] = [];
  const users = new Set<string>();
  const groups = new Set<string>();
  // With an LDAP directory, group names (adminGroups, clients[].groups) are LDAP groups' cn: not knowable here.
  const known = (g: string) => ldap || groups.has(g);
  c.directory.users.forEach((u, i) => {
    if (users.has(u.name)) out.push(`directory.users[${i}].name: '${u.name}' is named twice`);
    users.add(u.name);
    const bad = scryptHashProblem(u.passwordHash);
    if (bad) out.push(`directory.users[${i}].passwordHash: ${bad}`);
  });
  c.directory.groups.forEach((g, i) => {
    if (groups.has(g.name)) out.push(`directory.groups[${i}].name: '${g.name}' is named twice`);
    if (users.has(g.name)) out.push(`directory.groups[${i}].name: '${g.name}' is also a user's name`);
    groups.add(g.name);
  });
  c.directory.groups.forEach((g, i) =>
    g.members.forEach((m, j) => {
      if (!users.has(m) && !groups.has(m)) out.push(`directory.groups[${i}].members[${j}]: no user or group is named '${m}'`);
    }),
  );
  c.directory.users.forEach((u, i) =>
    (u.groups ?? []).forEach((g, j) => {
      if (!groups.has(g)) out.push(`directory.users[${i}].groups[${j}]: no group is named '${g}'`);
    }),
  );
  (c.adminGroups ?? DEFAULT_ADMIN_GROUPS).forEach((g, i) => {
    if (!known(g)) out.push(`${c.adminGroups ? `adminGroups[${i}]` : 'adminGroups'}: no group is named '${g}' in directory.groups`);
  });
  const ids = new Set<string>();
  (c.clients ?? []).forEach((cl, i) => {
    if (ids.has(cl.id)) out.push(`clients[${i}].id: '${cl.id}' is named twice`);
    if (BUILT_IN_PUBLIC_CLIENTS.includes(cl.id)) out.push(`clients[${i}].id: '${cl.id}' is a built-in sign-in client of every gateway; choose another id`);
    ids.add(cl.id);
    const bad = scryptHashProblem(cl.secretHash);
    if (bad) out.push(`clients[${i}].secretHash: ${bad}`);
    cl.groups.forEach((g, j) => {
      if (!known(g)) out.push(`clients[${i}].groups[${j}]: no group is named '${g}'`);
    });
  });
  const sources = new Set<string>();
  (c.promotion?.sources ?? []).forEach((src, i) => {
    if (sources.has(src.name)) out.push(`promotion.sources[${i}].name: '${src.name}' is named twice`);
    sources.add(src.name);
    if ((src.clientSecret === undefined) === (src.clientSecretFile === undefined)) {
      out.push(`promotion.sources[${i}]: give exactly one of clientSecret and clientSecretFile`);
    }
    try {
      new URL(src.url);
    } catch {
      out.push(`promotion.sources[${i}].url: is not a URL`);
    }
  });
  return out;
}

/** Checks a parsed configuration value (from YAML or JSON). */
export function checkGatewayConfig(value: unknown): ConfigCheck {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problems: ['file: must be a mapping of settings (directory, adminGroups, clients, accessTokenTtlSeconds, tls, promotion)'] };
  const dir = (value as { directory?: unknown }).directory;
  const kind = dir && typeof dir === 'object' ? (dir as { kind?: unknown }).kind : undefined;
  if (kind !== undefined && kind !== 'embedded') {
    const shown = typeof kind === 'string' ? `'${kind.slice(0, 40)}'` : JSON.stringify(kind)?.slice(0, 40);
    if (kind !== 'ldap') return { ok: false, problems: [`directory.kind: must be 'embedded' or 'ldap', got ${shown}`] };
  }
  let ldap: LdapDirectorySettings | undefined;
  let rest = value;
  if (kind === 'ldap') {
    const checked = checkLdapDirectory(dir);
    if (!checked.ok) return checked;
    ldap = checked.settings;
    // The rest of the file is checked by the one schema, with an empty embedded directory in place of the LDAP one.
    rest = { ...(value as object), directory: { kind: 'embedded', users: [], groups: [] } };
  }
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(GatewayConfigSchema);
  if (!validator(rest)) {
    const problems = [...new Set((validator.errors ?? []).map(schemaProblem))];
    return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
  }
  const file = rest as GatewayConfigFile;
  const cross = crossProblems(file, ldap !== undefined);
  if (cross.length) return { ok: false, problems: cross.slice(0, MAX_PROBLEMS) };
  return {
    ok: true,
    config: {
      directory: ldap ?? file.directory,
      adminGroups: [...(file.adminGroups ?? DEFAULT_ADMIN_GROUPS)],
      clients: file.clients ?? [],
      accessTokenTtlSeconds: file.accessTokenTtlSeconds ?? LIMITS.accessTokenTtlSeconds,
      ...(file.tls ? { tls: { certFile: file.tls.certFile, keyFile: file.tls.keyFile } } : {}),
      promotion: { protected: file.promotion?.protected ?? false, sources: file.promotion?.sources ?? [] },
    },
  };
}

/** Parses and checks a configuration file's text; problems name the field (or the line of a YAML error). */
export function parseGatewayConfig(text: string): ConfigCheck {
  if (Buffer.byteLength(text, 'utf8') > LIMITS.gatewayConfigBytes) return { ok: false, problems: [`file: larger than ${LIMITS.gatewayConfigBytes} bytes`] };
  const parsed = parseYaml(text);
  const errors = parsed.errors.filter((e) => e.severity === 'error');
  if (errors.length) {
    return { ok: false, problems: errors.slice(0, MAX_PROBLEMS).map((e) => `line ${(e.range?.start.line ?? 0) + 1}: ${e.message}`) };
  }
  return checkGatewayConfig(parsed.value);
}

/** The public clients people sign in with (authorization code + PKCE): the extension and the CLI. */
export const BUILT_IN_PUBLIC_CLIENTS: readonly string[] = ['flowgate-vscode', 'flowgate-cli'];

/** The text of a new configuration file: an embedded directory with the Admin group, and the given clients. */
export function defaultGatewayConfigText(clients: OAuthClientEntry[]): string {
  const lines = [
    '# Flowgate gateway configuration (created on first start; edit and restart the gateway).',
    '# Hashes are scrypt$N$r$p$salt$hash (node:crypto scrypt; salt and hash base64url).',
    'directory:',
    '  kind: embedded            # users and groups in this file (or kind: ldap, see the emulator README)',
    '  users: []                 # - {name: alice, passwordHash: "scrypt$...", groups: [operators]}',
    '  groups:',
    `    - name: ${DEFAULT_ADMIN_GROUPS[0]}`,
    '      members: []            # user and group names; nested groups are resolved',
    'adminGroups: [' + DEFAULT_ADMIN_GROUPS.join(', ') + ']   # members of these groups hold the Admin role',
    `accessTokenTtlSeconds: ${LIMITS.accessTokenTtlSeconds}`,
    '# HTTPS: needed to bind beyond loopback (--host). Paths relative to this file; PEM, key unencrypted.',
    '# tls: {certFile: gateway.crt, keyFile: gateway.key}',
    '# OAuth clients (client credentials grant) for CI jobs and the local admin (local-admin.json).',
    clients.length ? 'clients:' : 'clients: []',
    ...clients.flatMap((c) => [`  - id: ${c.id}`, `    secretHash: "${c.secretHash}"`, `    groups: [${c.groups.join(', ')}]`]),
  ];
  return lines.join('\n') + '\n';
}
