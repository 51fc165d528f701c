/**
 * Which OAuth client credentials a Flowgate client (the CLI, the extension) presents to a gateway.
 * The rules, in order:
 *
 *  1. `FLOWGATE_CLIENT_ID` and `FLOWGATE_CLIENT_SECRET` in the environment (CI jobs). Both or
 *     neither: one without the other is an error. Their issuer is the one the gateway's discovery
 *     document names.
 *  2. A credentials file given explicitly (the CLI's `--credentials <file>`, a `credentialsFile` of a
 *     `flowgate.gateways` entry): used for that gateway only — a file whose issuer is on another
 *     origin than the gateway is an error, never sent elsewhere.
 *  3. `local-admin.json` in a data folder the caller knows (the emulator it started, the CLI's default
 *     emulator data folder): used when its issuer's origin equals the gateway's origin, skipped
 *     otherwise (it belongs to another emulator).
 *  4. A person's session for that gateway (`flowgate login`, the extension's Sign In), from the
 *     caller's SessionStore (tokens.ts refreshes it silently).
 *  5. Nothing: requests go without a token (a gateway may answer some routes to anyone).
 *
 * A credentials file is `{"issuer", "client_id", "client_secret"}` (what the emulator writes as
 * `<data>/local-admin.json`), at most CREDENTIALS_FILE_BYTES, and — on POSIX systems — readable by
 * its owner only (mode 0600 or stricter): a file others may read is refused with the `chmod` to
 * run. No message of this module ever contains a secret.
 */
import type { SessionEvents } from './tokens';
import fs from 'node:fs';
import path from 'node:path';
import { isJsonObject } from '../model/jsonObject';
import type { SessionStore } from './signIn';

/** The file name of an emulator's local admin credential in its data folder. */
export const LOCAL_ADMIN_FILE = 'local-admin.json';
/** A credentials file is tiny; anything longer is not one. */
export const CREDENTIALS_FILE_BYTES = 16 * 1024;
/** Bounds of the fields of a credentials file and of the environment variables. */
export const CREDENTIAL_FIELD_CHARS = { clientId: 256, clientSecret: 1024, issuer: 2048 } as const;

export const ENV_CLIENT_ID = 'FLOWGATE_CLIENT_ID';
export const ENV_CLIENT_SECRET = 'FLOWGATE_CLIENT_SECRET';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** The authorization server's issuer; undefined: the one the gateway's discovery names. */
  issuer?: string;
  /** Where they came from, for messages: `the environment (FLOWGATE_CLIENT_ID)` or a file path. */
  source: string;
}

export interface CredentialLookup {
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** An explicit credentials file for this gateway. */
  credentialsFile?: string;
  /** Data folders of emulators the caller knows, searched in order for LOCAL_ADMIN_FILE. */
  dataDirs?: readonly string[];
  /** People's sessions (after client credentials): the CLI's sessions file, the extension's SecretStorage. */
  sessions?: SessionStore;
  /** What to do when a session has expired (one sentence), e.g. "Run `flowgate login --gateway URL`." */
  sessionAdvice?: string;
  /** Told when a session is refreshed or has expired (tokens.ts SessionEvents). */
  sessionEvents?: SessionEvents;
}

/** A credentials file or variable that cannot be used; the message says which and what to do. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  readonly code = 'bad-credentials';
}

/** The origin (`scheme://host:port`) of a URL, or undefined when it is not one. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads and checks a credentials file. Throws CredentialsError naming the file and the problem
 * (missing, not a regular file, readable by others, too long, not JSON, a field missing or wrong).
 */
export function readCredentialsFile(file: string): ClientCredentials & { issuer: string } {
  const where = path.resolve(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(where);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CredentialsError(code === 'ENOENT' ? `the credentials file ${where} does not exist` : `cannot read the credentials file ${where} (${code ?? 'error'})`);
  }
  if (!st.isFile()) throw new CredentialsError(`the credentials file ${where} is not a regular file`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new CredentialsError(
      `the credentials file ${where} may be read by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); ` +
        `it holds a client secret: run \`chmod 600 ${where}\` and try again`,
    );
  }
  if (st.size > CREDENTIALS_FILE_BYTES) throw new CredentialsError(`the credentials file ${where} is longer than ${CREDENTIALS_FILE_BYTES} bytes; it is not a Flowgate credentials file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(where, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw new CredentialsError(`cannot read the credentials file ${where} (${(err as NodeJS.ErrnoException).code})`);
    throw new CredentialsError(`the credentials file ${where} is not JSON; expected {"issuer", "client_id", "client_secret"}`);
  }
  if (!isJsonObject(parsed)) throw new CredentialsError(`the credentials file ${where} is not a JSON object; expected {"issuer", "client_id", "client_secret"}`);
  const field = (name: string, max: number): string => {
    const v = parsed[name];
    if (typeof v !== 'string' || v === '') throw new CredentialsError(`the credentials file ${where}: "${name}" must be a non-empty string`);
    if (v.length > max) throw new CredentialsError(`the credentials file ${where}: "${name}" is longer than ${max} characters`);
    return v;
  };
  const issuer = field('issuer', CREDENTIAL_FIELD_CHARS.issuer);
  if (!originOf(issuer)) throw new CredentialsError(`the credentials file ${where}: "issuer" must be an http(s) URL`);
  return {
    issuer,
    clientId: field('client_id', CREDENTIAL_FIELD_CHARS.clientId),
    clientSecret: field('client_secret', CREDENTIAL_FIELD_CHARS.clientSecret),
    source: where,
  };
}

/** FLOWGATE_CLIENT_ID / FLOWGATE_CLIENT_SECRET, undefined when neither is set. */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): ClientCredentials | undefined {
  const id = env[ENV_CLIENT_ID] ?? '';
  const secret = env[ENV_CLIENT_SECRET] ?? '';
  if (id === '' && secret === '') return undefined;
  if (id === '') throw new CredentialsError(`${ENV_CLIENT_SECRET} is set but ${ENV_CLIENT_ID} is not; set both (or neither)`);
  if (secret === '') throw new CredentialsError(`${ENV_CLIENT_ID} is set but ${ENV_CLIENT_SECRET} is not; set both (or neither)`);
  if (id.length > CREDENTIAL_FIELD_CHARS.clientId) throw new CredentialsError(`${ENV_CLIENT_ID} is longer than ${CREDENTIAL_FIELD_CHARS.clientId} characters`);
  if (secret.length > CREDENTIAL_FIELD_CHARS.clientSecret) throw new CredentialsError(`${ENV_CLIENT_SECRET} is longer than ${CREDENTIAL_FIELD_CHARS.clientSecret} characters`);
  return { clientId: id, clientSecret: secret, source: `the environment (${ENV_CLIENT_ID})` };
}

/**
 * The credentials to present to the gateway at `gatewayUrl` (rules above), undefined when there are
 * none. Throws CredentialsError for unusable ones.
 */
export function findCredentials(gatewayUrl: string, lookup: CredentialLookup = {}): ClientCredentials | undefined {
  const fromEnv = environmentCredentials(lookup.env ?? process.env);
  if (fromEnv) return fromEnv;
  const origin = originOf(gatewayUrl);
  if (lookup.credentialsFile) {
    const c = readCredentialsFile(lookup.credentialsFile);
    if (originOf(c.issuer) !== origin) {
      throw new CredentialsError(
        `the credentials file ${c.source} is for the gateway at ${originOf(c.issuer)}, not ${origin ?? gatewayUrl}; ` + `give the credentials of this gateway`,
      );
    }
    return c;
  }
  for (const dir of lookup.dataDirs ?? []) {
    const file = path.join(dir, LOCAL_ADMIN_FILE);
    if (!fs.existsSync(file)) continue;
    const c = readCredentialsFile(file);
    if (origin !== undefined && originOf(c.issuer) === origin) return c;
  }
  return undefined;
}

/** What to do when a gateway wants credentials and none were found: one sentence for messages. */
export function credentialsAdvice(gatewayUrl: string, options: { cliOption?: boolean; setting?: boolean } = {}): string {
  const ways = [`set ${ENV_CLIENT_ID} and ${ENV_CLIENT_SECRET} to an OAuth client of the gateway at ${gatewayUrl}`];
  if (options.cliOption) {
    ways.push(`pass --credentials <file> (a ${LOCAL_ADMIN_FILE} of that gateway's data folder)`);
    ways.push(`sign in as a person with \`flowgate login --gateway ${gatewayUrl}\``);
  }
  if (options.setting) ways.push(`give "credentialsFile" (that gateway's ${LOCAL_ADMIN_FILE}) in its flowgate.gateways entry`);
  return `To authorise, ${ways.length > 1 ? `${ways.slice(0, -1).join(', ')} or ${ways[ways.length - 1]}` : ways[0]}.`;
}
