/**
 * Access tokens for a GatewayClient: OAuth 2.0 client credentials grants (RFC 6749 §4.4) made by
 * `openid-client` (OpenID-certified) against the authorization server found by discovery
 * (RFC 8414 / OIDC Discovery) — the issuer of the credentials, or for credentials without one (the
 * environment's) the document the gateway serves at `/.well-known/openid-configuration`.
 *
 * Tokens are cached per client (issuer, client id, secret) for the whole process, so every client
 * object of a gateway shares one token; a token is fetched again shortly before it expires, and
 * when the gateway refuses it (the GatewayClient retries a 401 once with a fresh token).
 * Plain `http:` is allowed for loopback addresses only (the local emulator); a secret is never
 * sent in clear text over a network. No message of this module contains a secret or a token.
 */
import * as oidc from 'openid-client';
import { credentialsAdvice, findCredentials, CredentialsError, type ClientCredentials, type CredentialLookup } from './credentials';
import { GatewayError } from './gatewayError';
import { readAtMost } from './gatewayClient';
import { refreshSession, SignInError, type Session, type SessionStore } from './signIn';

/** What a GatewayClient asks for a bearer token. */
export interface CredentialSource {
  /** A token to send, or undefined to send none. Throws GatewayError when credentials exist but no token comes. */
  token(): Promise<string | undefined>;
  /** The gateway refused `token` (401): forget it, so that the next token() gets a fresh one. */
  rejected(token: string): void;
  /** Whether credentials were found (after the first token()); for messages on a 401. */
  readonly found?: boolean;
  /** Texts that must never appear in a message (secrets, tokens). */
  secrets(): string[];
  /** What to do when the gateway wants credentials and none were found (a sentence for the 401 message). */
  readonly advice?: string;
}

/** Seconds before expiry at which a cached token is replaced (or a fifth of its life when that is shorter). */
export const TOKEN_REFRESH_MARGIN_SECONDS = 30;
/** Seconds a discovery or token request may take. */
export const TOKEN_REQUEST_TIMEOUT_SECONDS = 15;
/** Bytes a discovery document or token answer may have: a hostile server cannot exhaust the client. */
export const TOKEN_ANSWER_BYTES = 64 * 1024;

/** A fetch for openid-client whose answers are read with a bound (readAtMost), so a huge one is refused early. */
export function boundedFetchWith(fetchImpl: typeof fetch): (url: string, options: oidc.CustomFetchOptions) => Promise<Response> {
  return async (url, options) => {
    const response = await fetchImpl(url, options as RequestInit);
    return boundedAnswer(url, response);
  };
}

/** The global fetch, bounded (boundedFetchWith). */
export const boundedFetch = boundedFetchWith((...args) => fetch(...args));

async function boundedAnswer(url: string, response: Response): Promise<Response> {
  const body = await readAtMost(response, TOKEN_ANSWER_BYTES);
  if (body === undefined) throw new Error(`the answer of ${new URL(url).origin}${new URL(url).pathname} is longer than ${TOKEN_ANSWER_BYTES} bytes`);
  const nullBody = [101, 204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : (body as unknown as BodyInit), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** True for URLs whose host is a loopback address (127.0.0.0/8, ::1, localhost). */
export function isLoopbackUrl(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

interface Cached {
  token: string;
  /** ms since epoch after which it is not used any more. */
  renewAt: number;
}

export interface ClientCredentialsOptions {
  /** The fetch discovery and the grant go through (default the global one); its answers are read with a bound. */
  fetch?: typeof fetch;
  /** Seconds a discovery or token request may take (default TOKEN_REQUEST_TIMEOUT_SECONDS). */
  timeoutSeconds?: number;
}

/**
 * One client's tokens: one discovery, one grant at a time, the token cached until near its expiry.
 * The CLI and the extension get theirs through `tokensFor` (process-wide); a gateway pulling from a
 * source makes one with that source's own fetch (its CA, no redirects).
 */
export class ClientCredentialsTokens implements CredentialSource {
  private config: oidc.Configuration | undefined;
  private cached: Cached | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly fetchBounded: (url: string, options: oidc.CustomFetchOptions) => Promise<Response>;
  private readonly timeoutSeconds: number;
  readonly found = true;

  constructor(
    private readonly credentials: ClientCredentials,
    private readonly gatewayUrl: string,
    options: ClientCredentialsOptions = {},
  ) {
    this.fetchBounded = options.fetch ? boundedFetchWith(options.fetch) : boundedFetch;
    this.timeoutSeconds = options.timeoutSeconds ?? TOKEN_REQUEST_TIMEOUT_SECONDS;
  }

  secrets(): string[] {
    return [this.credentials.clientSecret, ...(this.cached ? [this.cached.token] : [])];
  }

  async token(): Promise<string> {
    if (this.cached && Date.now() < this.cached.renewAt) return this.cached.token;
    this.inFlight ??= this.fetchToken().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  rejected(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  /** Where the discovery document is: the issuer's, or (no issuer known) the gateway's. */
  private discoveryUrl(): URL {
    return new URL(this.credentials.issuer ?? `${this.gatewayUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  }

  private fail(status: number, code: string, message: string): GatewayError {
    let text = message;
    for (const s of this.secrets()) if (s) text = text.split(s).join('***');
    return new GatewayError(status, code, text);
  }

  private async configuration(): Promise<oidc.Configuration> {
    if (this.config) return this.config;
    const url = this.discoveryUrl();
    const insecure = url.protocol === 'http:';
    if (insecure && !isLoopbackUrl(url)) {
      throw this.fail(0, 'insecure-credentials', `Client credentials of ${this.credentials.source} are not sent over plain http to ${url.origin}: use https (plain http is for loopback addresses only).`);
    }
    try {
      this.config = await oidc.discovery(url, this.credentials.clientId, undefined, oidc.ClientSecretBasic(this.credentials.clientSecret), {
        timeout: this.timeoutSeconds,
        [oidc.customFetch]: this.fetchBounded,
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
    } catch (err) {
      throw this.fail(0, 'discovery-failed', `Could not discover the authorization server of ${this.gatewayUrl} at ${url.href} (for the credentials of ${this.credentials.source}): ${reason(err)}`);
    }
    const tokenEndpoint = this.config.serverMetadata().token_endpoint;
    if (tokenEndpoint) {
      const t = new URL(tokenEndpoint);
      if (t.protocol === 'http:' && !isLoopbackUrl(t)) {
        this.config = undefined;
        throw this.fail(0, 'insecure-credentials', `The token endpoint ${t.origin} is plain http on a network address; client credentials are not sent there.`);
      }
    }
    return this.config;
  }

  private async fetchToken(): Promise<string> {
    const config = await this.configuration();
    let answer: Awaited<ReturnType<typeof oidc.clientCredentialsGrant>>;
    try {
      answer = await oidc.clientCredentialsGrant(config);
    } catch (err) {
      const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 0;
      if (status === 401 || /invalid_client/.test(reason(err))) {
        throw this.fail(
          401,
          'unauthorized',
          `The authorization server of ${this.gatewayUrl} refused the client credentials of ${this.credentials.source} (client "${this.credentials.clientId}"): ${reason(err)}`,
        );
      }
      throw this.fail(status, 'token-failed', `No access token from the authorization server of ${this.gatewayUrl} for the client "${this.credentials.clientId}" of ${this.credentials.source}: ${reason(err)}`);
    }
    const lifetime = answer.expiresIn() ?? 60;
    const margin = Math.min(TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 5);
    this.cached = { token: answer.access_token, renewAt: Date.now() + (lifetime - margin) * 1000 };
    return answer.access_token;
  }
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { error?: unknown; error_description?: unknown; code?: unknown; cause?: unknown };
  if (typeof e.error === 'string') return `${e.error}${typeof e.error_description === 'string' ? ` (${e.error_description})` : ''}`;
  // A 401 with a WWW-Authenticate challenge (RFC 6749 §5.2 for client_secret_basic): its error parameter.
  if (Array.isArray(e.cause)) {
    const params = (e.cause[0] as { parameters?: Record<string, unknown> } | undefined)?.parameters ?? {};
    if (typeof params.error === 'string') return `${params.error}${typeof params.error_description === 'string' ? ` (${params.error_description})` : ''}`;
  }
  const cause = e.cause instanceof Error ? ` (${(e.cause as NodeJS.ErrnoException).code ?? e.cause.message})` : '';
  return `${e.message}${cause}`;
}

const sources = new Map<string, ClientCredentialsTokens>();

/** The process-wide token cache of these credentials (one per issuer or gateway, client id and secret). */
export function tokensFor(credentials: ClientCredentials, gatewayUrl: string): { token(): Promise<string>; rejected(token: string): void; secrets(): string[] } {
  const key = JSON.stringify([credentials.issuer ?? gatewayUrl, credentials.clientId, credentials.clientSecret]);
  let s = sources.get(key);
  if (!s) {
    s = new ClientCredentialsTokens(credentials, gatewayUrl);
    sources.set(key, s);
  }
  return s;
}

/**
 * A person's session as a token source: the stored access token while it is fresh, else a refresh
 * (the gateway rotates the refresh token; the new session is stored at once). The session is read
 * from the store on every use, so a sign-in, a sign-out or a refresh by another process (a second
 * CLI run) counts at once. One source per store and gateway for the whole process
 * (`sessionTokensFor`), so concurrent requests share one refresh: a rotated-out refresh token is
 * never presented twice (the gateway would end the whole grant). A refused refresh is a
 * GatewayError `session-expired` (401) whose message says how to sign in again; the store's entry
 * is removed and `events.expired` told.
 */
class SessionTokens {
  private last: Session | undefined;
  /** Access tokens the gateway refused before their time (revoked, keys changed): refreshed on next use. */
  private readonly stale = new Set<string>();
  private inFlight: Promise<string> | undefined;
  advice = 'Sign in to it again.';
  events: SessionEvents | undefined;

  constructor(
    private readonly store: SessionStore,
    private readonly gatewayUrl: string,
  ) {}

  /** The stored session (undefined: none). */
  async load(): Promise<Session | undefined> {
    this.last = await this.store.get(this.gatewayUrl);
    return this.last;
  }

  secrets(): string[] {
    return this.last ? [this.last.accessToken, ...(this.last.refreshToken ? [this.last.refreshToken] : [])] : [];
  }

  private fresh(s: Session): boolean {
    const lifetimeLeft = (s.accessTokenExpiresAt - Date.now()) / 1000;
    return lifetimeLeft > TOKEN_REFRESH_MARGIN_SECONDS;
  }

  async token(): Promise<string | undefined> {
    if (this.inFlight) return this.inFlight;
    const s = await this.load();
    if (!s) return undefined;
    if (!this.stale.has(s.accessToken) && this.fresh(s)) return s.accessToken;
    this.inFlight ??= this.refresh(s).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  rejected(token: string): void {
    if (this.stale.size >= 100) this.stale.clear();
    this.stale.add(token);
  }

  private async refresh(current: Session): Promise<string> {
    let next: Session;
    try {
      next = await refreshSession(current);
    } catch (err) {
      const why = err instanceof SignInError ? err.message : String(err);
      let text = `The session for ${this.gatewayUrl} has expired (${why}), so the gateway needs credentials again. ${this.advice}`;
      for (const secret of this.secrets()) if (secret) text = text.split(secret).join('***');
      if (err instanceof SignInError && err.code === 'expired') {
        await this.store.delete(this.gatewayUrl).catch(() => undefined);
        this.last = undefined;
        this.events?.expired?.(this.gatewayUrl);
        throw new GatewayError(401, 'session-expired', text);
      }
      throw new GatewayError(0, 'token-failed', text);
    }
    await this.store.set(next);
    this.last = next;
    this.stale.delete(current.accessToken);
    this.events?.refreshed?.(next, current);
    return next.accessToken;
  }
}

/** What a session's owner hears of it (the extension: the Gateways tree, the "has expired — Sign In" prompt). */
export interface SessionEvents {
  /** A refresh gave new tokens (already stored). */
  refreshed?(next: Session, previous: Session): void;
  /** The gateway refused the refresh: the session is removed from the store. */
  expired?(gatewayUrl: string): void;
}

const sessionSources = new WeakMap<SessionStore, Map<string, SessionTokens>>();

/** The process-wide token source of the session of `gatewayUrl` in `store`. */
function sessionTokensFor(store: SessionStore, gatewayUrl: string, advice: string | undefined, events: SessionEvents | undefined): SessionTokens {
  let byUrl = sessionSources.get(store);
  if (!byUrl) sessionSources.set(store, (byUrl = new Map()));
  const key = gatewayUrl.replace(/\/+$/, '');
  let s = byUrl.get(key);
  if (!s) byUrl.set(key, (s = new SessionTokens(store, key)));
  if (advice) s.advice = advice;
  s.events = events;
  return s;
}

/**
 * The credential source of the gateway at `gatewayUrl`: credentials found by core's rules
 * (credentials.ts) when first asked, then client-credentials tokens for them. A CredentialsError
 * (an unusable file or variable) becomes GatewayError `bad-credentials`.
 */
export function credentialSource(gatewayUrl: string, lookup: CredentialLookup = {}, advice?: string): CredentialSource {
  let tokens: ReturnType<typeof tokensFor> | undefined;
  let session: SessionTokens | undefined;
  const source = {
    found: undefined as boolean | undefined,
    advice: advice ?? credentialsAdvice(gatewayUrl),
    async token(): Promise<string | undefined> {
      // Found credentials are kept; none found is looked up again next time (an emulator writes its
      // local-admin.json just after it starts listening, and a user may add some meanwhile).
      if (!tokens) {
        let creds: ClientCredentials | undefined;
        try {
          creds = findCredentials(gatewayUrl, lookup);
        } catch (err) {
          if (err instanceof CredentialsError) throw new GatewayError(0, 'bad-credentials', err.message);
          throw err;
        }
        if (creds) tokens = tokensFor(creds, gatewayUrl);
        else if (lookup.sessions && !session) {
          const s = sessionTokensFor(lookup.sessions, gatewayUrl, lookup.sessionAdvice, lookup.sessionEvents);
          try {
            if (await s.load()) session = s;
          } catch (err) {
            throw new GatewayError(0, 'bad-credentials', err instanceof Error ? err.message : String(err));
          }
        }
        source.found = tokens !== undefined || session !== undefined;
      }
      if (tokens) return tokens.token();
      const token = await session?.token();
      if (session && token === undefined) {
        // The session ended meanwhile (signed out, or expired elsewhere): none now, looked up again next time.
        session = undefined;
        source.found = false;
      }
      return token;
    },
    rejected(token: string): void {
      tokens?.rejected(token);
      session?.rejected(token);
    },
    secrets(): string[] {
      return [...(tokens?.secrets() ?? []), ...(session?.secrets() ?? [])];
    },
  };
  return source;
}
