/**
 * Identity and access of one gateway: the configuration (directory, Admin groups, OAuth clients),
 * the signing key, the authorization server (oidc-provider 8.x mounted at `/oauth`) and the check
 * of every request's bearer token (jose).
 *
 * The authorization server issues RFC 9068 JWT access tokens (`typ: at+jwt`, EdDSA with the
 * gateway's Ed25519 key, audience = the gateway's resource indicator, short-lived) through the
 * resource-indicators feature, for the client credentials grant (configured clients) and for people:
 * authorization code + PKCE with rotating refresh tokens for the built-in public clients, through the
 * gateway's sign-in page (interactions.ts). Client
 * secrets are scrypt hashes in the configuration file: oidc-provider keeps the hash as the client's
 * `client_secret` and its exposed `Client.prototype.compareClientSecret` (what oidc-provider's
 * client authentication calls for client_secret_basic / client_secret_post) is replaced by a
 * check of the presented secret against that hash. Symmetric uses of a client secret
 * (client_secret_jwt, HS* algorithms) are switched off, so the hash is never used as a key.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors as oidcErrors, type Configuration } from 'oidc-provider';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Caller } from '../../core/gatewayConfig/directory';
import type { GatewayConfig } from '../../core/gatewayConfig/schema';
import { verifySecret } from '../../core/gatewayConfig/scrypt';
import { LIMITS } from '../../core/limits';
import { API_SCOPE } from '../../core/api/schemas/operations';
import { fileAdapter } from './adapter';
import type { SigningKeys } from './keys';
import { FailureLimiter } from './failureLimiter';
import type { AuditLog } from '../store/audit';
import { BasicAuth, decodeBasic } from './basic';
import { configClients, DirectoryUnavailableError, embeddedDirectory, type Directory } from './directory';
import { LdapDirectory } from './ldapDirectory';
import { ConfigError } from './config';
import { FIRST_PARTY_CLIENTS, SignInInteractions, type InteractionProvider } from './interactions';
import { BUILT_IN_PUBLIC_CLIENTS } from '../../core/gatewayConfig/schema';

export const OAUTH_MOUNT = '/oauth';

export type Authentication = { caller?: Caller; invalid?: undefined } | { caller?: undefined; invalid: string };

/** Too many failed client authentications: 429, oidc-provider's own error form, with Retry-After. */
const ProviderError = oidcErrors.OIDCProviderError as unknown as new (status: number, message: string) => Error;
class TooManyAttempts extends ProviderError {
  constructor(retryAfter: number) {
    super(429, 'too_many_requests');
    (this as unknown as { error_description: string }).error_description = `too many failed client authentications; try again in ${retryAfter} s`;
  }
}

/** The client id of an `Authorization: Basic` header (RFC 6749 2.3.1: form-urlencoded id ':' secret); the secret is not looked at. */
function basicClientId(header: string | undefined): string | undefined {
  const c = header && header.length <= LIMITS.authorizationHeaderBytes ? decodeBasic(header) : undefined;
  if (!c) return undefined;
  try {
    return decodeURIComponent(c.user.replace(/\+/g, ' ')).slice(0, LIMITS.shortStringLength);
  } catch {
    return undefined;
  }
}

interface RequestScope {
  address: string;
  res: ServerResponse;
}

export class AuthService {
  /** The embedded directory or an LDAP server (gateway.yaml `directory.kind`). */
  readonly directory: Directory;
  /** Failed client authentications per client id and per address (brute force at the token endpoint). */
  private readonly failures = new FailureLimiter(LIMITS.authFailuresPerWindow, LIMITS.authFailureWindowSeconds * 1000, LIMITS.authFailureKeys);
  private readonly scope = new AsyncLocalStorage<RequestScope>();
  /** HTTP Basic credentials of the start route, checked against the directory. */
  readonly basic: BasicAuth;
  private signIn: SignInInteractions | undefined;
  private callback: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  private jwks: ReturnType<typeof createLocalJWKSet>;
  /** Access tokens already verified, by their text (verifyAccessToken). */
  private readonly verifiedTokens = new Map<string, JWTPayload>();
  private adapter: ReturnType<typeof fileAdapter>;
  issuer = '';
  audience = '';

  constructor(
    readonly config: GatewayConfig,
    private readonly keys: SigningKeys,
    dataDir: string,
    private readonly audit?: AuditLog,
  ) {
    this.directory = createDirectory(config);
    const cacheSeconds = config.directory.kind === 'ldap' ? Math.min(config.directory.cacheSeconds, LIMITS.basicCacheSeconds) : LIMITS.basicCacheSeconds;
    this.basic = new BasicAuth((user, password) => this.directory.checkPassword(user, password), cacheSeconds);
    this.jwks = createLocalJWKSet({ keys: [keys.publicJwk] });
    this.adapter = fileAdapter(dataDir);
  }

  /** Creates the authorization server once the gateway's URL is known (after listening). */
  start(gatewayUrl: string): void {
    this.issuer = `${gatewayUrl}${OAUTH_MOUNT}`;
    this.audience = gatewayUrl;
    const audience = this.audience;
    const ttl = this.config.accessTokenTtlSeconds;
    const interactionBase = `${new URL(this.issuer).pathname}/interaction/`;
    let signIn: SignInInteractions | undefined;
    const configuration: Configuration = {
      adapter: this.adapter.Adapter as unknown as Configuration['adapter'],
      clients: [
        ...this.config.clients.map((c) => ({
          client_id: c.id,
          client_secret: c.secretHash,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'EdDSA',
        })),
        // People sign in with these (interactions.ts): public native clients, authorization code + PKCE,
        // loopback redirects on any port (RFC 8252 §7.3, oidc-provider's Client#redirectUriAllowed).
        ...BUILT_IN_PUBLIC_CLIENTS.map((id) => ({
          client_id: id,
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/callback'],
          id_token_signed_response_alg: 'EdDSA',
        })),
      ],
      jwks: { keys: [this.keys.privateJwk as never] },
      cookies: { keys: this.keys.cookieKeys },
      clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
      enabledJWA: {
        clientAuthSigningAlgValues: ['EdDSA'],
        idTokenSigningAlgValues: ['EdDSA'],
        requestObjectSigningAlgValues: ['EdDSA'],
        userinfoSigningAlgValues: ['EdDSA'],
        introspectionSigningAlgValues: ['EdDSA'],
        authorizationSigningAlgValues: ['EdDSA'],
      },
      scopes: [API_SCOPE, 'offline_access'],
      // Authorization code with PKCE (S256 only, always required); no implicit or hybrid flows.
      responseTypes: ['code'],
      pkce: { methods: ['S256'], required: () => true },
      interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => signIn!.url(interaction.uid) },
      // Every use of a refresh token gives a new one; the old one is then refused (and its reuse revokes the grant).
      rotateRefreshToken: true,
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            if (resource !== audience) throw new oidcErrors.InvalidTarget(`this gateway's resource indicator is ${audience}`);
            return { scope: API_SCOPE, audience, accessTokenTTL: ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'EdDSA' } } };
          },
        },
      },
      ttl: {
        ClientCredentials: ttl,
        AccessToken: ttl,
        AuthorizationCode: 60,
        RefreshToken: LIMITS.refreshTokenTtlSeconds,
        Grant: LIMITS.grantTtlSeconds,
        Session: LIMITS.signInSessionTtlSeconds,
        Interaction: LIMITS.signInInteractionTtlSeconds,
      },
      // The account of a code or refresh token: a user the directory still has (a removed user's refresh tokens stop working).
      findAccount: async (_ctx, id) => ((await this.directory.user(id)) ? { accountId: id, claims: async () => ({ sub: id }) } : undefined) as never,
      renderError: async (ctx, out) => {
        ctx.type = 'json';
        ctx.body = out;
      },
    };
    const provider = new Provider(this.issuer, configuration);
    signIn = new SignInInteractions(
      provider as unknown as InteractionProvider,
      interactionBase,
      new URL(this.issuer).origin,
      audience,
      (user, password) => this.directory.checkPassword(user, password),
      this.audit,
    );
    this.signIn = signIn;
    // The supported hook for hashed client secrets (see the header comment).
    // Brute force: a client id or address over its failures is refused (429) before the secret is checked.
    const service = this;
    provider.Client.prototype.compareClientSecret = async function (this: { clientId: string; clientSecret?: string }, actual: string) {
      const scope = service.scope.getStore();
      const address = scope?.address ?? 'unknown';
      const wait = Math.max(service.failures.retryAfter(`client:${this.clientId}`), service.failures.retryAfter(`address:${address}`));
      if (wait > 0) {
        scope?.res.setHeader('Retry-After', String(wait));
        throw new TooManyAttempts(wait);
      }
      const ok = typeof this.clientSecret === 'string' ? await verifySecret(actual, this.clientSecret) : false;
      if (!ok) await service.authFailure(this.clientId, address);
      return ok;
    } as never;
    // An unknown client id at the token endpoint counts against the address (and is recorded): guessing ids is guessing too.
    provider.on('grant.error', (...args: unknown[]) => {
      const [ctx, err] = args as [{ oidc?: { authorization?: { clientId?: unknown } } } | undefined, { error_detail?: unknown } | undefined];
      if (err?.error_detail !== 'client not found') return;
      const id = ctx?.oidc?.authorization?.clientId;
      void service.authFailure(typeof id === 'string' ? id : '', service.scope.getStore()?.address ?? 'unknown', false);
    });
    this.callback = provider.callback();
  }

  /** The authorization server's request handler (mounted at /oauth), 503 until start(). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.callback) {
      res.statusCode = 503;
      res.end();
      return;
    }
    // Brute force, before anything is read: an address (or a Basic client id) over its failures gets 429.
    const address = req.socket.remoteAddress ?? 'unknown';
    if (req.method === 'POST') {
      const client = basicClientId(req.headers.authorization);
      const wait = Math.max(this.failures.retryAfter(`address:${address}`), client === undefined ? 0 : this.failures.retryAfter(`client:${client}`));
      if (wait > 0) {
        res.statusCode = 429;
        res.setHeader('Retry-After', String(wait));
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify({ error: 'too_many_requests', error_description: `too many failed client authentications; try again in ${wait} s` }));
        return;
      }
    }
    const pathname = (req.url ?? '/').split('?')[0];
    if (this.signIn?.handles(pathname)) {
      const signIn = this.signIn;
      void signIn.handle(req, res, pathname, address).catch((err: unknown) => {
        console.error(`Flowgate emulator: sign-in page: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        }
      });
      return;
    }
    const callback = this.callback;
    this.scope.run({ address, res }, () => void callback(req, res));
  }

  /** A wrong client secret: counted against the client id and the address (an unknown client id: the address), and recorded (never the secret). */
  private async authFailure(clientId: string, address: string, knownClient = true): Promise<void> {
    if (knownClient) this.failures.fail(`client:${clientId}`);
    this.failures.fail(`address:${address}`);
    try {
      await this.audit?.append({ action: 'auth-failure', status: 401, client: clientId.slice(0, LIMITS.shortStringLength), address });
    } catch (err) {
      console.error(`Flowgate emulator: could not record auth-failure in the audit log: ${String(err)}`);
    }
  }

  /**
   * The caller of a request from its Authorization header: none (no header or another scheme than
   * Bearer), a caller (a valid access token of a configured client), or why the token is refused.
   */
  async authenticate(header: string | undefined): Promise<Authentication> {
    if (header === undefined || header === '') return {};
    if (header.length > LIMITS.authorizationHeaderBytes) return { invalid: 'The Authorization header is too long' };
    const m = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
    if (!m) return /^Bearer\b/i.test(header) ? { invalid: 'Malformed bearer token' } : {};
    let payload: JWTPayload;
    try {
      payload = await this.verifyAccessToken(m[1]);
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return { invalid: 'The access token has expired' };
      return { invalid: 'The access token is not valid for this gateway' };
    }
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
    // Client credentials: the subject is the client itself; its groups come from the configuration file.
    if (clientId !== undefined && payload.sub === clientId && !Object.hasOwn(FIRST_PARTY_CLIENTS, clientId)) {
      const client = this.directory.client(clientId);
      return client ? { caller: client } : { invalid: 'The access token names no client this gateway knows' };
    }
    // A person's token comes only through a first-party client's sign-in (authorization code): the subject is
    // a user of the directory, groups resolved there (cached; DirectoryUnavailableError → 503 when it does not answer).
    if (clientId === undefined || !Object.hasOwn(FIRST_PARTY_CLIENTS, clientId)) return { invalid: 'The access token names no client this gateway knows' };
    let user: Caller | undefined;
    try {
      user = typeof payload.sub === 'string' ? await this.directory.user(payload.sub) : undefined;
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) err.user = payload.sub;
      throw err;
    }
    if (!user) return { invalid: 'The access token names no user or client this gateway knows' };
    return { caller: user };
  }

  /**
   * The claims of a valid access token (jose: EdDSA only, issuer, audience, `at+jwt`, expiry). A token
   * verified once is remembered by its exact text until it expires (bounded, oldest dropped first):
   * the same bytes carry the same signature, and issuer and audience do not change while the gateway
   * runs — the signature check was a third of a guarded execution's cost (bench/auth.ts).
   */
  private async verifyAccessToken(token: string): Promise<JWTPayload> {
    const known = this.verifiedTokens.get(token);
    if (known && typeof known.exp === 'number' && Date.now() / 1000 <= known.exp + LIMITS.tokenClockToleranceSeconds) return known;
    if (known) this.verifiedTokens.delete(token);
    const { payload } = await jwtVerify(token, this.jwks, {
      algorithms: ['EdDSA'],
      issuer: this.issuer,
      audience: this.audience,
      typ: 'at+jwt',
      clockTolerance: LIMITS.tokenClockToleranceSeconds,
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    if (this.verifiedTokens.size >= LIMITS.verifiedTokenCacheEntries) this.verifiedTokens.delete(this.verifiedTokens.keys().next().value!);
    this.verifiedTokens.set(token, payload);
    return payload;
  }

  async close(): Promise<void> {
    await this.adapter.flush();
    await this.directory.close();
  }
}

/** The directory gateway.yaml names; a setting's file that cannot be read refuses the start (ConfigError naming the field). */
function createDirectory(config: GatewayConfig): Directory {
  if (config.directory.kind === 'embedded') return embeddedDirectory(config);
  try {
    return new LdapDirectory(config.directory, config.adminGroups, configClients(config));
  } catch (err) {
    throw new ConfigError(`Gateway configuration: ${(err as Error).message}`);
  }
}
