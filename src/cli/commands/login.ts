/**
 * `flowgate login [--gateway <url>] [--no-browser]` and `flowgate logout [--gateway <url>]`: a
 * person signs in to a gateway in the browser (authorization code + PKCE, loopback redirect;
 * core's signIn.ts) and the session is kept in the sessions file (core's sessions.ts, 0600). Later
 * commands use it when no client credentials apply, refreshing it silently. No secret is ever read
 * from or printed on the command line.
 */
import { spawn } from 'node:child_process';
import { flag, gatewayUrl, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { CliError, EXIT_OK } from '../errors';
import type { Output } from '../output';
import { CLI_CLIENT_ID, normalizeGatewayUrl, signIn, SignInError, signOut } from '../../core/client/signIn';
import { FileSessionStore, SessionsFileError } from '../../core/client/sessions';

const LOGIN_HELP = `Usage: flowgate login [--gateway <url>] [--no-browser]

Signs you in to a gateway with your directory user name and password, in your browser (OAuth 2.0
authorization code with PKCE; the password is typed into the gateway's own sign-in page, never
into this command). The session is kept in $XDG_CONFIG_HOME/flowgate/sessions.json (else
~/.config/flowgate/sessions.json, readable by you only) and refreshed by itself; later commands
use it for that gateway when no client credentials apply (FLOWGATE_CLIENT_ID/SECRET,
--credentials, a local emulator's local-admin.json).

Options:
  -g, --gateway <url>  the gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --no-browser         print the address to open instead of opening a browser
  --json               print {"gateway", "user"} when signed in (tokens are never printed)
  -h, --help           show this help

Exit status: 0 when signed in, 1 when the sign-in failed, was refused or timed out, 2 for a usage error.`;

const LOGOUT_HELP = `Usage: flowgate logout [--gateway <url>]

Signs you out of a gateway: revokes the session's refresh token at the gateway and forgets the
session. When the gateway cannot be reached the session is forgotten here anyway (and says so).

Options:
  -g, --gateway <url>  the gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --json               print {"gateway", "signedOut", "revoked"}
  -h, --help           show this help`;

/** Opens `url` in the desktop's browser; resolves false when no opener could be started. */
function openInBrowser(url: string): Promise<boolean> {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

function gatewayOf(args: ParsedArgs): string {
  try {
    return normalizeGatewayUrl(gatewayUrl(args));
  } catch (err) {
    throw new CliError('usage', (err as Error).message);
  }
}

function storeError(err: unknown): never {
  if (err instanceof SessionsFileError) throw new CliError('bad-credentials', err.message);
  throw err;
}

async function login(args: ParsedArgs, out: Output): Promise<number> {
  const gateway = gatewayOf(args);
  const store = new FileSessionStore();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const session = await signIn({
      gatewayUrl: gateway,
      clientId: CLI_CLIENT_ID,
      signal: controller.signal,
      openBrowser: async (url) => {
        out.note(`To sign in to ${gateway}, open this address in a browser on this machine:\n\n  ${url}\n`);
        if (!flag(args, 'no-browser') && (await openInBrowser(url))) out.note('(A browser was asked to open it.)');
        out.note('Waiting for the sign-in to finish… (Ctrl+C to cancel)');
      },
    });
    await store.set(session).catch(storeError);
    out.line(`Signed in to ${gateway} as ${session.user}.`);
    out.document({ gateway, user: session.user });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof SignInError) throw new CliError(`sign-in-${err.code}`, err.message);
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

async function logout(args: ParsedArgs, out: Output): Promise<number> {
  const gateway = gatewayOf(args);
  const store = new FileSessionStore();
  const session = await store.get(gateway).catch(storeError);
  if (!session) {
    out.line(`Not signed in to ${gateway}.`);
    out.document({ gateway, signedOut: false, revoked: false });
    return EXIT_OK;
  }
  let revoked = true;
  try {
    await signOut(session);
  } catch (err) {
    revoked = false;
    out.note(`warning: ${(err as Error).message}; the session is forgotten here, but the gateway may keep it until it expires.`);
  }
  await store.delete(gateway).catch(storeError);
  out.line(`Signed out of ${gateway}${session.user ? ` (was ${session.user})` : ''}.`);
  out.document({ gateway, signedOut: true, revoked });
  return EXIT_OK;
}

export const loginCommand: Command = {
  name: 'login',
  summary: 'sign in to a gateway in the browser (kept for later commands)',
  help: LOGIN_HELP,
  options: { gateway: { type: 'string', short: 'g' }, 'no-browser': { type: 'boolean' } },
  run: login,
};

export const logoutCommand: Command = {
  name: 'logout',
  summary: 'sign out of a gateway (revokes the session)',
  help: LOGOUT_HELP,
  options: { gateway: { type: 'string', short: 'g' } },
  run: logout,
};
