/**
 * How the extension gets a person's tokens for a gateway: the OAuth 2.0 authorization code grant
 * with PKCE through the browser and a loopback redirect (RFC 7636, RFC 8252), refresh with rotation
 * and revocation — core's sign-in client (src/core/client/signIn.ts, openid-client), shared with
 * `flowgate login`. Until this build has it, the flow says so: Sign In ends with that message, and a
 * session that needs refreshing ends with the expiry prompt.
 */
import type { SessionFlow } from './sessions';

export class SignInUnavailableError extends Error {
  constructor() {
    super("this build of the extension has no browser sign-in yet (the gateway's authorization code with PKCE and core's sign-in client, issue 9); use a credentialsFile in the gateway's flowgate.gateways entry, or FLOWGATE_CLIENT_ID / FLOWGATE_CLIENT_SECRET");
  }
}

export const UNAVAILABLE_FLOW: SessionFlow = {
  signIn: () => Promise.reject(new SignInUnavailableError()),
  refresh: () => Promise.reject(new SignInUnavailableError()),
};
