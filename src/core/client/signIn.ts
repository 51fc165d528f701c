/**
 * People sign in to a gateway: the OAuth 2.0 authorization code grant with PKCE (RFC 7636, S256)
 * for a native app through a loopback redirect (RFC 8252 §7.3), made by `openid-client` 6
 * (OpenID-certified) against the authorization server the gateway's discovery document names.
 *
 *   const session = await signIn({ gatewayUrl, clientId: 'flowgate-cli', openBrowser: (url) => … });
 *   const fresh = await refreshSession(session);   // refresh token grant (the server rotates it)
 *   await signOut(session);                        // revokes the refresh token (RFC 7009)
 *
 * signIn listens on 127.0.0.1, a free port, path /callback; the `state` of the answer is checked,
 * the code exchanged with the PKCE verifier, and the browser is told it may close the tab. It ends
 * on the first answer to /callback (success or error), on the AbortSignal, or after the timeout.
 * No vscode or express here: the extension and the CLI share it. No message contains a token.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { API_SCOPE } from '../api/schemas/operations';
import { boundedFetch, isLoopbackUrl, TOKEN_REQUEST_TIMEOUT_SECONDS } from './tokens';

/** The built-in public clients of every gateway. */
export const VSCODE_CLIENT_ID = 'flowgate-vscode';
export const CLI_CLIENT_ID = 'flowgate-cli';
/** The scope a sign-in asks for: the gateway's API and a refresh token. */
export const SIGN_IN_SCOPE = `${API_SCOPE} offline_access`;
/** How long signIn waits for the browser by default. */
export const SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/** A signed-in user's tokens for one gateway. Secret: keep it in secret storage or a 0600 file. */
export interface Session {
  /** The gateway's URL (origin, no trailing slash): the key of a SessionStore. */
  gatewayUrl: string;
  issuer: string;
  clientId: string;
  accessToken: string;
  /** ms since the epoch. */
  accessTokenExpiresAt: number;
  refreshToken?: string;
  /** Who signed in (the access token's subject). */
  user: string;
}

/** Where sessions are kept, by gateway URL (the extension: SecretStorage; the CLI: a 0600 file). */
export interface SessionStore {
  get(gatewayUrl: string): Promise<Session | undefined>;
  set(session: Session): Promise<void>;
  delete(gatewayUrl: string): Promise<void>;
}

export interface SignInOptions {
  gatewayUrl: string;
  /** Default `flowgate-cli`. */
  clientId?: string;
  /** Opens the authorization URL in the user's browser (or prints it). A rejection does not end the sign-in. */
  openBrowser(url: string): void | Promise<void>;
  signal?: AbortSignal;
  /** Default SIGN_IN_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** Why a sign-in, a refresh or a sign-out did not work; the message says what to do. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    message: string,
    /** `cancelled`, `timeout`, `refused` (the server or user refused), `expired` (refresh failed), `failed`. */
    readonly code: 'cancelled' | 'timeout' | 'refused' | 'expired' | 'failed',
  ) {
    super(message);
  }
}

/** The gateway URL as sessions are keyed: its origin plus path, no trailing slash. */
export function normalizeGatewayUrl(gatewayUrl: string): string {
  let u: URL;
  try {
    u = new URL(gatewayUrl);
  } catch {
    throw new SignInError(`gateway: "${gatewayUrl.slice(0, 200)}" is not a URL`, 'failed');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SignInError(`gateway: ${u.protocol} is not http: or https:`, 'failed');
  if (u.username || u.password) throw new SignInError('gateway: a URL with user information is not accepted', 'failed');
  if (u.protocol === 'http:' && !isLoopbackUrl(u)) throw new SignInError(`gateway: ${u.origin} is plain http on a network address; sign in over https`, 'failed');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

async function configuration(gatewayUrl: string, clientId: string, issuer?: string): Promise<oidc.Configuration> {
  const url = new URL(issuer ?? `${gatewayUrl}/.well-known/openid-configuration`);
  const insecure = url.protocol === 'http:';
  if (insecure && !isLoopbackUrl(url)) throw new SignInError(`the authorization server ${url.origin} is plain http on a network address`, 'failed');
  try {
    return await oidc.discovery(url, clientId, undefined, oidc.None(), {
      timeout: TOKEN_REQUEST_TIMEOUT_SECONDS,
      [oidc.customFetch]: boundedFetch,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  } catch (err) {
    throw new SignInError(`could not discover the authorization server of ${gatewayUrl}: ${reason(err)}`, 'failed');
  }
}

/** The subject of a JWT access token (not verified: only for display; the gateway verifies it). */
function subjectOf(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof payload.sub === 'string' ? payload.sub : '';
  } catch {
    return '';
  }
}

function toSession(gatewayUrl: string, config: oidc.Configuration, clientId: string, answer: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, previousRefresh?: string): Session {
  const lifetime = answer.expiresIn() ?? 60;
  return {
    gatewayUrl,
    issuer: config.serverMetadata().issuer,
    clientId,
    accessToken: answer.access_token,
    accessTokenExpiresAt: Date.now() + lifetime * 1000,
    ...(answer.refresh_token ?? previousRefresh ? { refreshToken: answer.refresh_token ?? previousRefresh } : {}),
    user: subjectOf(answer.access_token),
  };
}

const PAGE_STYLE = 'body{font-family:system-ui,sans-serif;margin:3em auto;max-width:32em;color:#222}';
function page(title: string, text: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${PAGE_STYLE}</style></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>`;
}

/**
 * Signs a person in through their browser. Resolves with the session once the browser comes back
 * to the loopback redirect with a code; rejects with SignInError (cancelled, timeout, refused, failed).
 */
export async function signIn(options: SignInOptions): Promise<Session> {
  const gatewayUrl = normalizeGatewayUrl(options.gatewayUrl);
  const clientId = options.clientId ?? CLI_CLIENT_ID;
  if (options.signal?.aborted) throw new SignInError('sign-in cancelled', 'cancelled');
  const config = await configuration(gatewayUrl, clientId);
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  const state = oidc.randomState();

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const redirectUri = `http://127.0.0.1:${port}/callback`;

  try {
    return await new Promise<Session>((resolve, reject) => {
      let done = false;
      const finish = (err: Error | undefined, session?: Session) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(session!);
      };
      const timeoutMs = options.timeoutMs ?? SIGN_IN_TIMEOUT_MS;
      const timer = setTimeout(() => finish(new SignInError(`no answer from the browser within ${Math.round(timeoutMs / 1000)} s; sign-in abandoned`, 'timeout')), timeoutMs);
      const onAbort = () => finish(new SignInError('sign-in cancelled', 'cancelled'));
      options.signal?.addEventListener('abort', onAbort);

      server.on('request', (req, res) => {
        const answer = (status: number, title: string, text: string) => {
          res.writeHead(status, {
            'Content-Type': 'text/html; charset=utf-8',
            'Cache-Control': 'no-store',
            'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            'Referrer-Policy': 'no-referrer',
            'X-Frame-Options': 'DENY',
          });
          res.end(page(title, text));
        };
        const url = new URL(req.url ?? '/', redirectUri);
        if (req.method !== 'GET' || url.pathname !== '/callback' || done) {
          answer(404, 'Not found', 'Nothing here.');
          return;
        }
        if (url.searchParams.get('state') !== state) {
          // Not our request (a stale tab, or a forged one): ignored, the sign-in goes on waiting.
          answer(400, 'Sign-in not recognised', 'This answer does not belong to the sign-in in progress. Start the sign-in again.');
          return;
        }
        const error = url.searchParams.get('error');
        if (error) {
          const description = (url.searchParams.get('error_description') ?? '').slice(0, 300);
          answer(400, 'Sign-in refused', `${error.slice(0, 100)}${description ? `: ${description}` : ''}. You can close this tab.`);
          finish(new SignInError(`the gateway refused the sign-in: ${error.slice(0, 100)}${description ? ` (${description})` : ''}`, 'refused'));
          return;
        }
        oidc
          .authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state })
          .then((tokens) => {
            const session = toSession(gatewayUrl, config, clientId, tokens);
            answer(200, 'Signed in', `Signed in to ${gatewayUrl} as ${session.user}. You can close this tab.`);
            finish(undefined, session);
          })
          .catch((err: unknown) => {
            answer(400, 'Sign-in failed', 'The gateway did not give tokens for this sign-in. You can close this tab and try again.');
            finish(new SignInError(`the gateway did not give tokens: ${reason(err)}`, 'refused'));
          });
      });

      const authUrl = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: SIGN_IN_SCOPE,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state,
        prompt: 'consent',
      });
      Promise.resolve()
        .then(() => options.openBrowser(authUrl.href))
        .catch(() => undefined);
    });
  } finally {
    // Let the last page reach the browser, then drop whatever is still open.
    server.close();
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  }
}

/** New tokens for a session from its refresh token (which the gateway rotates). SignInError `expired` when it is refused. */
export async function refreshSession(session: Session): Promise<Session> {
  if (!session.refreshToken) throw new SignInError(`the session of ${session.gatewayUrl} has no refresh token; sign in again`, 'expired');
  const config = await configuration(session.gatewayUrl, session.clientId);
  let answer: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
  try {
    answer = await oidc.refreshTokenGrant(config, session.refreshToken);
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    const text = reason(err);
    if (status === 400 || status === 401 || /invalid_grant|invalid_client/.test(text)) throw new SignInError(`the session of ${session.gatewayUrl} has expired: ${text}`, 'expired');
    throw new SignInError(`could not refresh the session of ${session.gatewayUrl}: ${text}`, 'failed');
  }
  return toSession(session.gatewayUrl, config, session.clientId, answer, session.refreshToken);
}

/** Revokes the session's refresh token (and so its grant) at the gateway (RFC 7009). */
export async function signOut(session: Session): Promise<void> {
  const config = await configuration(session.gatewayUrl, session.clientId);
  try {
    if (session.refreshToken) await oidc.tokenRevocation(config, session.refreshToken, { token_type_hint: 'refresh_token' });
  } catch (err) {
    throw new SignInError(`could not revoke the session at ${session.gatewayUrl}: ${reason(err)}`, 'failed');
  }
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { error?: unknown; error_description?: unknown; cause?: unknown };
  if (typeof e.error === 'string') return `${e.error}${typeof e.error_description === 'string' ? ` (${e.error_description})` : ''}`;
  const cause = e.cause instanceof Error ? ` (${(e.cause as NodeJS.ErrnoException).code ?? e.cause.message})` : '';
  return `${e.message}${cause}`;
}
