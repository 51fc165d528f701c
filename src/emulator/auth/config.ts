/**
 * The gateway configuration file at start: `--config <file>` / `FLOWGATE_CONFIG`, else
 * `<data>/gateway.yaml`, created with sensible contents on first start (mode 0600). Parsed and
 * checked by core's one schema (src/core/gatewayConfig/schema.ts); a bad file refuses the start
 * (exit code 2) naming the field.
 *
 * The local admin credential: `<data>/local-admin.json` (0600) `{issuer, client_id, client_secret}`
 * of the client `local-admin` in the first Admin group, whose secret's hash is in the configuration
 * file. Kept across restarts (its issuer follows the gateway's URL); re-created with a new secret
 * when deleted or when it no longer matches the file — the new hash replaces the old one, so the
 * old secret no longer gets tokens.
 */
import { accessSync, constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { hashSecret, newSecret, verifySecret } from '../../core/gatewayConfig/scrypt';
import { defaultGatewayConfigText, LOCAL_ADMIN_CLIENT_ID, parseGatewayConfig, type GatewayConfig } from '../../core/gatewayConfig/schema';
import { LIMITS } from '../../core/limits';
import { writeFileDurable } from '../store/durableFile';

export const CONFIG_FILE = 'gateway.yaml';
export const LOCAL_ADMIN_FILE = 'local-admin.json';

/** A configuration problem that refuses the start: exit code 2. */
export class ConfigError extends Error {
  readonly exitCode = 2;
}

export interface LoadedConfig {
  config: GatewayConfig;
  file: string;
  /** The local admin's client secret (written to local-admin.json once the issuer is known). */
  localAdminSecret: string;
}

export interface LocalAdminCredential {
  issuer: string;
  client_id: string;
  client_secret: string;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new ConfigError(`Gateway configuration ${file} is not a file`);
    if (st.size > LIMITS.gatewayConfigBytes) throw new ConfigError(`Gateway configuration ${file}: larger than ${LIMITS.gatewayConfigBytes} bytes`);
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`Cannot read the gateway configuration ${file}: ${(err as Error).message}`);
  }
}

function check(file: string, text: string): GatewayConfig {
  const result = parseGatewayConfig(text);
  if (!result.ok) throw new ConfigError(`Gateway configuration ${file} is not valid:\n${result.problems.map((p) => `  ${p}`).join('\n')}`);
  // An LDAP directory's files must be readable now (their contents are never shown).
  const d = result.config.directory;
  if (d.kind === 'ldap') {
    for (const [field, f] of [['directory.bindPasswordFile', d.bindPasswordFile], ['directory.tls.caFile', d.tls.caFile]] as const) {
      if (f === undefined) continue;
      try {
        accessSync(f, constants.R_OK);
      } catch (err) {
        throw new ConfigError(`Gateway configuration ${file} is not valid:\n  ${field}: cannot read ${f} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  }
  return result.config;
}

async function readLocalAdmin(dataDir: string): Promise<Partial<LocalAdminCredential> | undefined> {
  try {
    const text = await fs.readFile(path.join(dataDir, LOCAL_ADMIN_FILE), 'utf8');
    const v = JSON.parse(text.slice(0, 64 * 1024)) as unknown;
    return v && typeof v === 'object' ? (v as Partial<LocalAdminCredential>) : undefined;
  } catch {
    return undefined;
  }
}

/** The configuration text with the local admin client set to `entry` (comments and the rest kept). */
function withLocalAdmin(text: string, entry: { id: string; secretHash: string; groups: string[] }): string {
  const doc = parseDocument(text);
  let clients = doc.get('clients');
  if (!isSeq(clients)) {
    doc.set('clients', doc.createNode([]));
    clients = doc.get('clients');
  }
  if (!isSeq(clients)) throw new ConfigError('clients: must be a list');
  clients.flow = false;
  const node = doc.createNode(entry);
  const at = clients.items.findIndex((item) => isMap(item) && item.get('id') === entry.id);
  if (at >= 0) clients.items[at] = node;
  else clients.items.push(node);
  return doc.toString();
}

/**
 * Reads (or creates) the configuration file and makes sure the local admin client exists and
 * matches local-admin.json.
 */
export async function loadGatewayConfig(dataDir: string, configFile: string | undefined): Promise<LoadedConfig> {
  const file = configFile ?? path.join(dataDir, CONFIG_FILE);
  let text = await readText(file);
  let created = false;
  if (text === undefined) {
    if (configFile !== undefined) throw new ConfigError(`Gateway configuration ${file} does not exist (--config / FLOWGATE_CONFIG)`);
    text = defaultGatewayConfigText([]);
    created = true;
  } else {
    await fs.chmod(file, 0o600).catch(() => undefined);
  }
  let config = check(file, text);
  const saved = await readLocalAdmin(dataDir);
  const entry = config.clients.find((c) => c.id === LOCAL_ADMIN_CLIENT_ID);
  if (
    entry &&
    saved?.client_id === LOCAL_ADMIN_CLIENT_ID &&
    typeof saved.client_secret === 'string' &&
    (await verifySecret(saved.client_secret, entry.secretHash))
  ) {
    return { config, file, localAdminSecret: saved.client_secret };
  }
  const secret = newSecret();
  const next = { id: LOCAL_ADMIN_CLIENT_ID, secretHash: await hashSecret(secret), groups: entry?.groups ?? [config.adminGroups[0]] };
  text = created ? defaultGatewayConfigText([next]) : withLocalAdmin(text, next);
  config = check(file, text);
  try {
    await writeFileDurable(file, text);
  } catch (err) {
    throw new ConfigError(`Cannot write the gateway configuration ${file}: ${(err as Error).message}`);
  }
  // The old credential is void from here on: remove it before the new one is written with the issuer.
  await fs.rm(path.join(dataDir, LOCAL_ADMIN_FILE), { force: true });
  return { config, file, localAdminSecret: secret };
}

/** Writes `<data>/local-admin.json` (0600) for the gateway's current issuer. */
export async function writeLocalAdmin(dataDir: string, issuer: string, secret: string): Promise<void> {
  const cred: LocalAdminCredential = { issuer, client_id: LOCAL_ADMIN_CLIENT_ID, client_secret: secret };
  await writeFileDurable(path.join(dataDir, LOCAL_ADMIN_FILE), JSON.stringify(cred, null, 2) + '\n');
}
