/**
 * The gateway's sign-in page: a small server-rendered HTML form, no script, every piece of text
 * HTML-escaped, served under a strict content security policy (its one style element carries a
 * per-answer nonce). See interactions.ts for the handler.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:3em auto;max-width:26em;padding:0 1em;color:#1f2328}',
  'h1{font-size:1.4em}',
  'label{display:block;margin-top:1em}',
  'input{width:100%;box-sizing:border-box;padding:.4em;font-size:1em}',
  'button{margin-top:1.4em;padding:.5em 1.5em;font-size:1em}',
  '.problem{color:#b3261e;border:1px solid #b3261e;padding:.6em}',
  '.who{color:#57606a}',
].join('');

export interface SignInView {
  /** The form's target (this page's own path). */
  action: string;
  /** Which application asks. */
  application: string;
  /** Which gateway it is. */
  gateway: string;
  /** The user name to show again after a failure. */
  user?: string;
  /** A problem to show (wrong credentials, too many attempts). */
  problem?: string;
  /** Whether the form may be submitted (false while rate-limited or when the sign-in is over). */
  form?: boolean;
}

/** Headers every answer of the sign-in page carries. */
export function securityHeaders(res: ServerResponse, nonce: string): void {
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  // same-origin (not no-referrer): a browser sends `Origin: null` with a form POST under
  // no-referrer, and the POST's Origin is what the page checks. Nothing leaves the gateway's origin.
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
}

function document(title: string, nonce: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head><body>${body}</body></html>`
  );
}

/** Sends the sign-in form (or, with `form: false`, only its problem). */
export function sendSignInPage(res: ServerResponse, status: number, view: SignInView): void {
  const nonce = randomBytes(16).toString('base64');
  securityHeaders(res, nonce);
  res.statusCode = status;
  const problem = view.problem ? `<p class="problem" role="alert">${escapeHtml(view.problem)}</p>` : '';
  const form =
    view.form === false
      ? ''
      : `<form method="post" action="${escapeHtml(view.action)}" autocomplete="on">` +
        `<label for="user">User name</label><input id="user" name="user" autocomplete="username" required maxlength="256" value="${escapeHtml(view.user ?? '')}"${view.user ? '' : ' autofocus'}>` +
        `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${view.user ? ' autofocus' : ''}>` +
        `<button type="submit">Sign in</button></form>`;
  res.end(
    document(
      'Sign in to Flowgate',
      nonce,
      `<h1>Sign in to Flowgate</h1><p class="who"><strong>${escapeHtml(view.application)}</strong> asks to act for you on the gateway <strong>${escapeHtml(view.gateway)}</strong>.</p>${problem}${form}`,
    ),
  );
}

/** A page that only says something (an expired or unknown sign-in, a refused request). */
export function sendMessagePage(res: ServerResponse, status: number, title: string, text: string): void {
  const nonce = randomBytes(16).toString('base64');
  securityHeaders(res, nonce);
  res.statusCode = status;
  res.end(document(title, nonce, `<h1>${escapeHtml(title)}</h1><p class="problem">${escapeHtml(text)}</p>`));
}

/** After a sign-in: a page that goes on to `returnTo` (the authorization endpoint) by itself, and a link to it. */
export function sendContinuePage(res: ServerResponse, returnTo: string): void {
  const nonce = randomBytes(16).toString('base64');
  securityHeaders(res, nonce);
  res.statusCode = 200;
  const to = escapeHtml(returnTo);
  res.end(
    document('Signed in', nonce, `<h1>Signed in</h1><p>Returning to the application… <a href="${to}">Continue</a></p>`).replace(
      '<title>',
      `<meta http-equiv="refresh" content="0;url=${to}"><title>`,
    ),
  );
}
