/**
 * Signed-in sessions of the extension (a person's OAuth tokens for a gateway that is not the local
 * emulator): kept in VS Code's SecretStorage only — access and refresh tokens never go to settings,
 * globalState, logs, messages or webviews. A small index of who is signed in where (gateway URL and
 * user name, no token) is kept in globalState so the Gateways tree can say it without reading
 * secrets.
 *
 * `Sessions.lookup(url)` is what the extension's gateway client adds to core's credential lookup
 * (shared/gateway.ts): core's one session token source (src/core/client/tokens.ts, shared with the
 * CLI) uses the session when no local-admin or configured credential applies, refreshes it silently
 * shortly before it expires (one refresh at a time per gateway) and, when the gateway refuses the
 * refresh, removes it; the extension then tells the user once, with a button:
 * "Your session on <gateway> has expired — Sign In".
 *
 * How tokens are got (the browser sign-in with PKCE, refresh, revocation) is a `SessionFlow`
 * (signInFlow.ts: core's sign-in client), kept apart from the storage and the prompts.
 */
import * as vscode from 'vscode';
import type { Session, SessionStore } from '../../core/client/signIn';
import type { CredentialLookup } from '../../core/client/credentials';
import type { SessionEvents } from '../../core/client/tokens';
import { LIMITS } from '../../core/limits';
import { isJsonObject } from '../../core/model/jsonObject';
import type { Logger } from '../shared/log';

/** A signed-in session and where sessions are kept: core's types (src/core/client/signIn.ts), shared with the CLI. */
export type { Session, SessionStore };
/** How tokens are got and ended (refresh is core's, in the token source). */
export interface SessionFlow {
  /** Gets a session for the gateway through the browser; `openBrowser` shows the URL to the user. */
  signIn(gatewayUrl: string, options: { openBrowser(url: string): Promise<void>; signal: AbortSignal }): Promise<Session>;
  /** Revokes the session's tokens at the authorization server (best effort). */
  revoke?(session: Session): Promise<void>;
}

/** Bounds of what is read back from SecretStorage (anything else is dropped, not used). */
const SESSION_FIELD_CHARS = { url: LIMITS.urlLength, clientId: LIMITS.sessionNameLength, user: LIMITS.sessionNameLength, token: LIMITS.sessionTokenLength } as const;

const SECRET_PREFIX = 'flowgate.session:';
const INDEX_KEY = 'flowgate.sessions';

/** A gateway URL as the key of its session: no trailing slash. */
export function sessionKey(url: string): string {
  return url.replace(/\/+$/, '');
}

function text(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

/** The session in a stored text, or undefined when it is not one (a damaged or foreign entry). */
export function parseSession(raw: string | undefined): Session | undefined {
  if (!raw || raw.length > LIMITS.sessionEntryBytes) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isJsonObject(v)) return undefined;
  const ok =
    text(v.gatewayUrl, SESSION_FIELD_CHARS.url) &&
    text(v.issuer, SESSION_FIELD_CHARS.url) &&
    text(v.clientId, SESSION_FIELD_CHARS.clientId) &&
    text(v.user, SESSION_FIELD_CHARS.user) &&
    text(v.accessToken, SESSION_FIELD_CHARS.token) &&
    (v.refreshToken === undefined || text(v.refreshToken, SESSION_FIELD_CHARS.token)) &&
    typeof v.accessTokenExpiresAt === 'number' &&
    Number.isFinite(v.accessTokenExpiresAt);
  if (!ok) return undefined;
  return {
    gatewayUrl: v.gatewayUrl as string,
    issuer: v.issuer as string,
    clientId: v.clientId as string,
    user: v.user as string,
    accessToken: v.accessToken as string,
    ...(v.refreshToken !== undefined ? { refreshToken: v.refreshToken as string } : {}),
    accessTokenExpiresAt: v.accessTokenExpiresAt as number,
  };
}

/** Sessions in VS Code's SecretStorage, one entry per gateway. */
export class SecretSessionStore implements SessionStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(gatewayUrl: string): Promise<Session | undefined> {
    const session = parseSession(await this.secrets.get(SECRET_PREFIX + sessionKey(gatewayUrl)));
    return session && sessionKey(session.gatewayUrl) === sessionKey(gatewayUrl) ? session : undefined;
  }

  async set(session: Session): Promise<void> {
    await this.secrets.store(SECRET_PREFIX + sessionKey(session.gatewayUrl), JSON.stringify({ ...session, gatewayUrl: sessionKey(session.gatewayUrl) }));
  }

  async delete(gatewayUrl: string): Promise<void> {
    await this.secrets.delete(SECRET_PREFIX + sessionKey(gatewayUrl));
  }
}

/** Who is signed in where (no tokens): what the Gateways tree shows. */
export interface SignedIn {
  gatewayUrl: string;
  user: string;
}

export class Sessions implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with a gateway URL when its session starts, is refreshed into another user, or ends. */
  readonly onDidChange = this.emitter.event;
  /** Gateways whose expiry the user was already told of (until they sign in again). */
  private readonly told = new Set<string>();
  /** The prompts shown (texts), for tests. */
  readonly prompts: string[] = [];
  /** What core's token source tells of a session (refreshed, expired). */
  private readonly events: SessionEvents = {
    refreshed: (next, previous) => {
      this.log.info(`Session on ${this.nameOf(sessionKey(next.gatewayUrl))} refreshed`);
      if (next.user !== previous.user) void this.setIndex(next.gatewayUrl, next.user).then(() => this.emitter.fire(sessionKey(next.gatewayUrl)));
    },
    expired: (url) => {
      this.log.warn(`Session on ${this.nameOf(sessionKey(url))} could not be refreshed: the gateway refused it`);
      void this.expired(sessionKey(url));
    },
  };

  constructor(
    private readonly store: SessionStore,
    private readonly state: vscode.Memento,
    private flow: SessionFlow,
    private readonly log: Logger,
    /** The display name of a gateway URL (the `flowgate.gateways` entry's, or the URL). */
    private readonly nameOf: (url: string) => string,
  ) {}

  /** Replaces how tokens are got (tests drive the browser part themselves). */
  useFlow(flow: SessionFlow): void {
    this.flow = flow;
  }

  get currentFlow(): SessionFlow {
    return this.flow;
  }

  /** Who is signed in at `url`, from the index (no secret read). */
  signedIn(url: string): SignedIn | undefined {
    return this.index().find((s) => s.gatewayUrl === sessionKey(url));
  }

  all(): SignedIn[] {
    return this.index();
  }

  private index(): SignedIn[] {
    const raw = this.state.get<unknown>(INDEX_KEY);
    return Array.isArray(raw)
      ? raw.filter((s): s is SignedIn => isJsonObject(s) && text(s.gatewayUrl, SESSION_FIELD_CHARS.url) && text(s.user, SESSION_FIELD_CHARS.user)).slice(0, 1000)
      : [];
  }

  private async setIndex(url: string, user: string | undefined): Promise<void> {
    const key = sessionKey(url);
    const rest = this.index().filter((s) => s.gatewayUrl !== key);
    await this.state.update(INDEX_KEY, user ? [...rest, { gatewayUrl: key, user }] : rest);
  }

  /** Stores a new session (after a sign-in) and says so. */
  async save(session: Session): Promise<void> {
    const key = sessionKey(session.gatewayUrl);
    await this.store.set({ ...session, gatewayUrl: key });
    await this.setIndex(key, session.user);
    this.told.delete(key);
    this.emitter.fire(key);
  }

  /** The stored session of a gateway (tests check what SecretStorage holds). */
  get(url: string): Promise<Session | undefined> {
    return this.store.get(url);
  }

  /** Ends the session: tokens revoked (best effort) and removed from SecretStorage. False when there was none. */
  async signOut(url: string): Promise<boolean> {
    const key = sessionKey(url);
    const session = await this.store.get(key);
    if (session && this.flow.revoke) {
      await this.flow.revoke(session).catch((err: unknown) => this.log.warn(`Sign Out of ${this.nameOf(key)}: the tokens could not be revoked (${err instanceof Error ? err.message : String(err)}); they are removed here`));
    }
    await this.store.delete(key);
    const had = !!session || !!this.signedIn(key);
    await this.setIndex(key, undefined);
    this.emitter.fire(key);
    return had;
  }

  /** The session can no longer be used: removed (core's token source did), and the user told once with a Sign In button. */
  private async expired(key: string): Promise<void> {
    await this.setIndex(key, undefined);
    this.emitter.fire(key);
    if (this.told.has(key)) return;
    this.told.add(key);
    const message = `Your session on ${this.nameOf(key)} has expired — Sign In`;
    this.prompts.push(message);
    void vscode.window.showWarningMessage(`Flowgate: ${message}`, 'Sign In').then((picked) => {
      if (picked === 'Sign In') void vscode.commands.executeCommand('flowgate.signIn', key);
    });
  }

  /** What core's credential lookup needs for the gateway's session (after every other credential). */
  lookup(url: string): Pick<CredentialLookup, 'sessions' | 'sessionAdvice' | 'sessionEvents'> {
    return { sessions: this.store, sessionAdvice: `Run "Flowgate: Sign In" for ${this.nameOf(sessionKey(url))}.`, sessionEvents: this.events };
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
