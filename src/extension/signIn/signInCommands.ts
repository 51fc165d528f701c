/**
 * `Flowgate: Sign In` and `Flowgate: Sign Out`. Sign In picks a gateway of the `flowgate.gateways`
 * setting (or takes a URL typed in, or a Gateways-view gateway node), opens the authorization
 * server's page in the browser (`vscode.env.openExternal`) and waits, under a cancellable progress
 * notification "Waiting for sign-in in the browser…", for the browser to come back to the loopback
 * redirect on 127.0.0.1 of this extension host (core's signIn), then keeps the tokens in
 * SecretStorage (sessions.ts). In a remote workspace the redirect's port is forwarded with
 * `asExternalUri` first; when the forwarded address differs from the loopback one the gateway
 * registered, the log says the browser may not get back (use a credentialsFile there). Sign Out
 * revokes and removes the tokens.
 */
import * as vscode from 'vscode';
import { normalizeGatewayUrl, SignInError } from '../../core/client/signIn';
import { LIMITS } from '../../core/limits';
import { isGatewayNode, gatewayUrlOf } from '../gateways/nodes';
import { config } from '../shared/config';
import { Cancelled, notify } from '../shared/errors';
import type { Services } from '../shared/services';
import { sessionKey, type Session, type Sessions } from './sessions';

/** How the extension hands a URL to the browser; tests replace it (FlowgateApi, test mode only). */
export interface BrowserOpener {
  open(url: string): Promise<boolean>;
}

export const VSCODE_OPENER: BrowserOpener = {
  open: (url) => Promise.resolve(vscode.env.openExternal(vscode.Uri.parse(url, true))),
};

/** A gateway URL typed in: http(s), no credentials in it, bounded. Undefined when fine, else why not. */
export function gatewayUrlProblem(text: string): string | undefined {
  const t = text.trim();
  if (!t) return 'Enter the gateway URL, e.g. https://gateway.example.com';
  if (t.length > LIMITS.urlLength) return `At most ${LIMITS.urlLength} characters`;
  let u: URL;
  try {
    u = new URL(t);
  } catch {
    return `'${t.slice(0, 80)}' is not a URL (e.g. https://gateway.example.com)`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Use an http(s) URL';
  if (u.username || u.password) return 'Leave user and password out of the URL: you sign in in the browser';
  return undefined;
}

async function pickGateway(s: Services, arg: unknown, sessions: Sessions): Promise<{ url: string; name: string }> {
  if (typeof arg === 'string' && !gatewayUrlProblem(arg)) return { url: sessionKey(arg.trim()), name: arg };
  if (isGatewayNode(arg)) return { url: sessionKey(arg.url), name: arg.name };
  const fromNode = gatewayUrlOf(arg);
  if (fromNode) return { url: sessionKey(fromNode), name: fromNode };
  const ENTER = '$(edit) Enter a gateway URL…';
  const items = [
    ...config.gateways().map((g) => {
      const who = sessions.signedIn(g.url);
      return { label: g.name, description: g.url, detail: who ? `signed in as ${who.user}` : undefined, url: g.url };
    }),
    { label: ENTER, description: '', detail: undefined, url: '' },
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Sign in to which gateway?', ignoreFocusOut: true, matchOnDescription: true });
  if (!picked) throw new Cancelled();
  if (picked.url) return { url: sessionKey(picked.url), name: picked.label };
  const typed = await vscode.window.showInputBox({ prompt: 'The gateway URL', placeHolder: 'https://gateway.example.com', ignoreFocusOut: true, validateInput: gatewayUrlProblem });
  if (!typed) throw new Cancelled();
  return { url: sessionKey(typed.trim()), name: sessionKey(typed.trim()) };
}

/** In a remote workspace: forwards the loopback redirect's port to the browser's machine (asExternalUri). */
async function forwardRedirect(s: Services, authUrl: string): Promise<void> {
  if (!vscode.env.remoteName) return;
  const redirect = new URL(authUrl).searchParams.get('redirect_uri');
  if (!redirect) return;
  const local = vscode.Uri.parse(redirect, true);
  const external = await vscode.env.asExternalUri(local);
  if (external.authority !== local.authority) {
    s.log.warn(`Sign In: this remote workspace reaches the sign-in redirect ${local.authority} as ${external.authority}; if the browser does not come back, give the gateway a credentialsFile instead`);
  }
}

/** `flowgate.signIn [gatewayUrl | gateway node]`: the session started (tests use what it answers: no tokens). */
export async function signIn(s: Services, sessions: Sessions, opener: () => BrowserOpener, arg?: unknown): Promise<{ gatewayUrl: string; user: string }> {
  const picked = await pickGateway(s, arg, sessions);
  const url = normalizeGatewayUrl(picked.url);
  const name = picked.name;
  const controller = new AbortController();
  const session: Session = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Flowgate: Waiting for sign-in to ${name} in the browser…`, cancellable: true },
    async (_progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      try {
        return await sessions.currentFlow.signIn(url, {
          openBrowser: async (authUrl) => {
            await forwardRedirect(s, authUrl).catch((err: unknown) => s.log.warn(`Sign In: could not forward the redirect: ${err instanceof Error ? err.message : String(err)}`));
            if (!(await opener().open(authUrl))) throw new Error('the browser could not be opened');
          },
          signal: controller.signal,
        });
      } catch (err) {
        if (controller.signal.aborted || (err instanceof SignInError && err.code === 'cancelled')) throw new Cancelled();
        throw err;
      }
    },
  );
  await sessions.save(session);
  s.log.info(`Signed in to ${name} (${url}) as ${session.user}`);
  s.refreshGateways();
  notify('info', `Flowgate: signed in to ${name} as ${session.user}.`);
  return { gatewayUrl: url, user: session.user };
}

/** `flowgate.signOut [gatewayUrl | gateway node]`: with no argument, a pick of the gateways signed in to. */
export async function signOut(s: Services, sessions: Sessions, arg?: unknown): Promise<boolean> {
  let url: string | undefined;
  if (typeof arg === 'string' && !gatewayUrlProblem(arg)) url = sessionKey(arg.trim());
  else if (isGatewayNode(arg)) url = sessionKey(arg.url);
  else if (gatewayUrlOf(arg)) url = sessionKey(gatewayUrlOf(arg)!);
  else {
    const all = sessions.all();
    if (all.length === 0) {
      notify('info', 'Flowgate: you are not signed in to any gateway.');
      return false;
    }
    const picked = await vscode.window.showQuickPick(
      all.map((x) => ({ label: config.gateways().find((g) => g.url === x.gatewayUrl)?.name ?? x.gatewayUrl, description: `signed in as ${x.user}`, url: x.gatewayUrl })),
      { placeHolder: 'Sign out of which gateway?', ignoreFocusOut: true },
    );
    if (!picked) throw new Cancelled();
    url = picked.url;
  }
  const had = await sessions.signOut(url);
  s.log.info(had ? `Signed out of ${url}` : `Sign Out: no session for ${url}`);
  s.refreshGateways();
  if (!had) notify('info', `Flowgate: you were not signed in to ${url}.`);
  return had;
}
