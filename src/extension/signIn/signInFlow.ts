/**
 * How the extension gets a person's tokens for a gateway: core's sign-in client
 * (src/core/client/signIn.ts, openid-client, shared with `flowgate login`) as the extension's
 * public client `flowgate-vscode` — the OAuth 2.0 authorization code grant with PKCE through the
 * browser and a loopback redirect on 127.0.0.1 (RFC 7636, RFC 8252), and revocation on Sign Out.
 * Refresh is core's token source's (src/core/client/tokens.ts), as for the CLI.
 */
import { signIn, signOut, VSCODE_CLIENT_ID } from '../../core/client/signIn';
import type { SessionFlow } from './sessions';

export const BROWSER_FLOW: SessionFlow = {
  signIn: (gatewayUrl, { openBrowser, signal }) => signIn({ gatewayUrl, clientId: VSCODE_CLIENT_ID, openBrowser, signal }),
  revoke: (session) => signOut(session),
};
