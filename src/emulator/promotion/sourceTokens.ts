/**
 * Client-credentials access tokens for one source gateway (RFC 6749 §4.4), as core's tokens.ts gets
 * them for the CLI — discovery of the source's authorization server at
 * `<source url>/.well-known/openid-configuration`, then a grant with client_secret_basic — but
 * every request goes through the source's own fetch (sourceFetch.ts: its CA, no redirects), and
 * every answer is read with a bound. Plain http only for loopback sources. No message of this
 * module contains the secret or a token (`secrets()` lists them for the client's redaction).
 */
import * as oidc from 'openid-client';
import type { ClientCredentials } from '../../core/client/credentials';
import { GatewayError } from '../../core/client/gatewayError';
import { readAtMost } from '../../core/client/gatewayClient';
import type { CredentialSource } from '../../core/client/tokens';
import { isLoopbackUrl, TOKEN_ANSWER_BYTES, TOKEN_REFRESH_MARGIN_SECONDS } from '../../core/client/tokens';

export class SourceTokens implements CredentialSource {
  private config: oidc.Configuration | undefined;
  private cached: { token: string; renewAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  readonly found = true;

  constructor(
    private readonly credentials: ClientCredentials,
    private readonly sourceUrl: string,
    private readonly fetchImpl: typeof fetch,
    private readonly timeoutSeconds: number,
  ) {}

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

  private fail(status: number, code: string, message: string): GatewayError {
    let text = message;
    for (const s of this.secrets()) if (s) text = text.split(s).join('***');
    return new GatewayError(status, code, text);
  }

  private bounded = async (url: string, options: oidc.CustomFetchOptions): Promise<Response> => {
    const response = await this.fetchImpl(url, options as RequestInit);
    const body = await readAtMost(response, TOKEN_ANSWER_BYTES);
    if (body === undefined) throw new Error(`the answer of ${new URL(url).origin}${new URL(url).pathname} is longer than ${TOKEN_ANSWER_BYTES} bytes`);
    const nullBody = [101, 204, 205, 304].includes(response.status);
    return new Response(nullBody ? null : (body as unknown as BodyInit), { status: response.status, statusText: response.statusText, headers: response.headers });
  };

  private async configuration(): Promise<oidc.Configuration> {
    if (this.config) return this.config;
    const url = new URL(`${this.sourceUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    const insecure = url.protocol === 'http:';
    if (insecure && !isLoopbackUrl(url)) {
      throw this.fail(0, 'insecure-credentials', `The client credential for ${this.credentials.source} is not sent over plain http to ${url.origin}: use https (plain http is for loopback addresses only).`);
    }
    try {
      this.config = await oidc.discovery(url, this.credentials.clientId, undefined, oidc.ClientSecretBasic(this.credentials.clientSecret), {
        timeout: this.timeoutSeconds,
        [oidc.customFetch]: this.bounded,
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
    } catch (err) {
      throw this.fail(0, 'discovery-failed', `Could not discover the authorization server of ${this.sourceUrl}: ${reason(err)}`);
    }
    const tokenEndpoint = this.config.serverMetadata().token_endpoint;
    if (tokenEndpoint) {
      const t = new URL(tokenEndpoint);
      if (t.protocol === 'http:' && !isLoopbackUrl(t)) {
        this.config = undefined;
        throw this.fail(0, 'insecure-credentials', `The token endpoint ${t.origin} of ${this.sourceUrl} is plain http on a network address; the client credential is not sent there.`);
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
        throw this.fail(401, 'unauthorized', `The authorization server of ${this.sourceUrl} refused this gateway's client credential (client "${this.credentials.clientId}"): ${reason(err)}`);
      }
      throw this.fail(status, 'token-failed', `No access token from the authorization server of ${this.sourceUrl} for the client "${this.credentials.clientId}": ${reason(err)}`);
    }
    const lifetime = answer.expiresIn() ?? 60;
    const margin = Math.min(TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 5);
    this.cached = { token: answer.access_token, renewAt: Date.now() + (lifetime - margin) * 1000 };
    return answer.access_token;
  }
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, 300);
  const e = err as Error & { error?: unknown; error_description?: unknown; cause?: unknown };
  if (typeof e.error === 'string') return `${e.error}${typeof e.error_description === 'string' ? ` (${e.error_description})` : ''}`.slice(0, 300);
  const cause = e.cause instanceof Error ? ` (${(e.cause as NodeJS.ErrnoException).code ?? e.cause.message})` : '';
  return `${e.message}${cause}`.slice(0, 300);
}
