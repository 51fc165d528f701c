/**
 * Where the command line keeps people's sessions (signIn.ts): one JSON file,
 * `$XDG_CONFIG_HOME/flowgate/sessions.json` (else `~/.config/flowgate/sessions.json`), mode 0600 in
 * a 0700 folder, `{"version": 1, "sessions": {"<gateway URL>": Session}}`, written atomically (a
 * temporary file in the same folder, fsync, rename). A file others may read is refused like a
 * credentials file. The extension keeps its sessions in SecretStorage behind the same
 * SessionStore interface.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isJsonObject } from '../model/jsonObject';
import { normalizeGatewayUrl, type Session, type SessionStore } from './signIn';

/** A sessions file is small; anything longer is not one. */
export const SESSIONS_FILE_BYTES = 256 * 1024;
/** Gateways one sessions file keeps. */
export const SESSIONS_MAX = 100;

export class SessionsFileError extends Error {
  override readonly name = 'SessionsFileError';
}

/** The sessions file of this user. */
export function defaultSessionsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'flowgate', 'sessions.json');
}

function isSession(v: unknown): v is Session {
  if (!isJsonObject(v)) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.gatewayUrl === 'string' &&
    typeof s.issuer === 'string' &&
    typeof s.clientId === 'string' &&
    typeof s.accessToken === 'string' &&
    typeof s.accessTokenExpiresAt === 'number' &&
    typeof s.user === 'string' &&
    (s.refreshToken === undefined || typeof s.refreshToken === 'string')
  );
}

export class FileSessionStore implements SessionStore {
  constructor(readonly file: string = defaultSessionsFile()) {}

  private read(): Record<string, Session> {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new SessionsFileError(`cannot read the sessions file ${this.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!st.isFile()) throw new SessionsFileError(`the sessions file ${this.file} is not a regular file`);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new SessionsFileError(`the sessions file ${this.file} may be read by other users; it holds tokens: run \`chmod 600 ${this.file}\` (or delete it and sign in again)`);
    }
    if (st.size > SESSIONS_FILE_BYTES) throw new SessionsFileError(`the sessions file ${this.file} is longer than ${SESSIONS_FILE_BYTES} bytes`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      throw new SessionsFileError(`the sessions file ${this.file} is not JSON; delete it and sign in again`);
    }
    const sessions = isJsonObject(parsed) ? (parsed as { sessions?: unknown }).sessions : undefined;
    if (!isJsonObject(sessions)) throw new SessionsFileError(`the sessions file ${this.file}: "sessions" must be an object`);
    const out: Record<string, Session> = {};
    for (const [k, v] of Object.entries(sessions)) if (isSession(v)) out[k] = v;
    return out;
  }

  private write(sessions: Record<string, Session>): void {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.sessions-${randomBytes(6).toString('hex')}.tmp`);
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, JSON.stringify({ version: 1, sessions }, null, 2) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(tmp, this.file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  async get(gatewayUrl: string): Promise<Session | undefined> {
    const key = normalizeGatewayUrl(gatewayUrl);
    const s = this.read()[key];
    return s && s.gatewayUrl === key ? s : undefined;
  }

  async set(session: Session): Promise<void> {
    const key = normalizeGatewayUrl(session.gatewayUrl);
    const all = this.read();
    delete all[key];
    all[key] = { ...session, gatewayUrl: key };
    const keys = Object.keys(all);
    for (const k of keys.slice(0, Math.max(0, keys.length - SESSIONS_MAX))) delete all[k];
    this.write(all);
  }

  async delete(gatewayUrl: string): Promise<void> {
    const key = normalizeGatewayUrl(gatewayUrl);
    const all = this.read();
    if (!(key in all)) return;
    delete all[key];
    this.write(all);
  }
}
