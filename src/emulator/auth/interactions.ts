/**
 * The sign-in interaction of the authorization server: oidc-provider sends the browser of an
 * authorization request that needs a login to `<issuer>/interaction/<uid>` (with its interaction
 * cookie, scoped to that path); this module answers there with the gateway's sign-in form
 * (signInPage.ts) and, on a right user name and password, finishes the interaction with the login
 * and — for the built-in first-party clients only — the grant of the API scope and
 * offline_access, so that no consent screen is shown (the application is the gateway's own; the
 * user has nothing to weigh up that signing in does not already say).
 *
 * CSRF: a POST must come from the gateway's own origin (`Origin`, which browsers send with every
 * form POST), carry oidc-provider's interaction cookie, and name the same uid as that cookie.
 * Brute force: failed sign-ins per user name and per address are limited (FailureLimiter), 429
 * with Retry-After. Every success and failure is in the audit log (never the password). The one
 * call into the directory is `checkPassword`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS } from '../../core/limits';
import { API_SCOPE } from '../../core/api/schemas/operations';
import type { Caller } from '../../core/gatewayConfig/directory';
import type { AuditLog } from '../store/audit';
import { FailureLimiter } from './failureLimiter';
import { sendContinuePage, sendMessagePage, sendSignInPage } from './signInPage';

/** What the sign-in needs of oidc-provider's Provider (8.x). */
export interface InteractionProvider {
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{
    uid: string;
    prompt: { name: string; details?: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
    grantId?: string;
  }>;
  interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
  Grant: new (init: { accountId: string; clientId: string }) => {
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  };
}

/** The built-in public clients and how the page names them. */
export const FIRST_PARTY_CLIENTS: Readonly<Record<string, string>> = {
  'flowgate-vscode': 'Flowgate for VS Code',
  'flowgate-cli': 'The flowgate command line',
};

const UID = /^[A-Za-z0-9_-]{1,64}$/;
const EXPIRED = 'This sign-in is not valid any more (it expired, was finished, or did not start here). Start the sign-in again from the application.';
const WRONG = 'The user name or password is not right.';

export class SignInInteractions {
  private readonly userFailures = new FailureLimiter(LIMITS.signInFailuresPerWindow, LIMITS.signInFailureWindowSeconds * 1000, LIMITS.authFailureKeys);
  /** An address may fail more often than one user name (several people behind one NAT), but not without bound. */
  private readonly addressFailures = new FailureLimiter(LIMITS.signInFailuresPerAddress, LIMITS.signInFailureWindowSeconds * 1000, LIMITS.authFailureKeys);

  constructor(
    private readonly provider: InteractionProvider,
    /** `<issuer>/interaction/` as a path (`/oauth/interaction/`). */
    readonly basePath: string,
    private readonly issuerOrigin: string,
    private readonly gateway: string,
    private readonly checkPassword: (user: string, password: string) => Promise<Caller | undefined>,
    private readonly audit?: AuditLog,
  ) {}

  /** The page's URL for an interaction (oidc-provider's `interactions.url`). */
  url(uid: string): string {
    return `${this.basePath}${uid}`;
  }

  /** Handles `<path>` under the issuer when it is an interaction path; false when it is not one. */
  handles(pathname: string): boolean {
    return pathname.startsWith('/interaction/') || pathname === '/interaction';
  }

  async handle(req: IncomingMessage, res: ServerResponse, pathname: string, address: string): Promise<void> {
    const uid = pathname.slice('/interaction/'.length);
    if (!UID.test(uid)) return sendMessagePage(res, 404, 'Sign-in not found', EXPIRED);
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST');
      return sendMessagePage(res, 405, 'Not allowed', 'The sign-in page answers GET and POST only.');
    }
    if (req.method === 'POST') {
      // Cross-site form posts: only a form of this very origin may sign someone in.
      if (req.headers.origin !== this.issuerOrigin) {
        req.resume();
        return sendMessagePage(res, 403, 'Sign-in refused', 'This form was not sent from the gateway\'s own sign-in page.');
      }
    }
    let details: Awaited<ReturnType<InteractionProvider['interactionDetails']>>;
    try {
      details = await this.provider.interactionDetails(req, res);
    } catch {
      req.resume();
      return sendMessagePage(res, 400, 'Sign-in not valid', EXPIRED);
    }
    if (details.uid !== uid) {
      req.resume();
      return sendMessagePage(res, 400, 'Sign-in not valid', EXPIRED);
    }
    const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : '';
    const application = FIRST_PARTY_CLIENTS[clientId];
    if (!application) {
      req.resume();
      return sendMessagePage(res, 400, 'Sign-in not valid', 'This application may not sign people in to this gateway.');
    }
    const view = { action: this.url(uid), application, gateway: this.gateway };

    // Every sign-in asks for the password, also when the browser already has a session here (the
    // consent prompt of a native client): no silent sign-in that a page elsewhere could start.
    if (details.prompt.name !== 'login' && details.prompt.name !== 'consent') {
      req.resume();
      return sendMessagePage(res, 400, 'Sign-in not valid', EXPIRED);
    }

    if (req.method === 'GET') return sendSignInPage(res, 200, view);

    // POST: the form.
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      req.resume();
      return sendSignInPage(res, 415, { ...view, problem: 'The form was not sent as a form.' });
    }
    const body = await readBody(req, LIMITS.signInBodyBytes);
    if (body === undefined) return sendSignInPage(res, 413, { ...view, problem: 'The form is too large.' });
    const form = new URLSearchParams(body);
    const user = form.get('user') ?? '';
    const password = form.get('password') ?? '';
    if (user === '' || user.length > LIMITS.shortStringLength || /[\u0000-\u001f\u007f]/.test(user)) {
      return sendSignInPage(res, 400, { ...view, problem: `user: a user name of 1 to ${LIMITS.shortStringLength} printable characters is needed.` });
    }
    if (password === '' || password.length > LIMITS.passwordLength) {
      return sendSignInPage(res, 400, { ...view, user, problem: `password: 1 to ${LIMITS.passwordLength} characters are needed.` });
    }
    const wait = Math.max(this.userFailures.retryAfter(user.toLowerCase()), this.addressFailures.retryAfter(address));
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      req.resume();
      return sendSignInPage(res, 429, { ...view, user, problem: `Too many failed sign-ins. Try again in ${wait} seconds.` });
    }
    const caller = await this.checkPassword(user, password);
    if (!caller) {
      this.userFailures.fail(user.toLowerCase());
      this.addressFailures.fail(address);
      await this.record('sign-in-failure', 401, user, address, clientId);
      return sendSignInPage(res, 401, { ...view, user, problem: WRONG });
    }
    this.userFailures.clear(user.toLowerCase());
    await this.record('sign-in', 303, caller.id, address, clientId);
    return this.finish(req, res, caller.id, clientId);
  }

  /** Ends the interaction: the login, and the grant of the API scope + offline_access to the first-party client. */
  private async finish(req: IncomingMessage, res: ServerResponse, accountId: string, clientId: string): Promise<void> {
    const grant = new this.provider.Grant({ accountId, clientId });
    grant.addOIDCScope(`${API_SCOPE} offline_access`);
    grant.addResourceScope(this.gateway, API_SCOPE);
    const id = await grant.save();
    const result: Record<string, unknown> = { login: { accountId }, consent: { grantId: id } };
    let returnTo: string;
    try {
      returnTo = await this.provider.interactionResult(req, res, result, { mergeWithLastSubmission: false });
    } catch {
      return sendMessagePage(res, 400, 'Sign-in not valid', EXPIRED);
    }
    // Not a 303 from the POST: the authorization endpoint then redirects to the application's loopback
    // address, and `form-action 'self'` covers every redirect after a form submission. A page that
    // moves on by itself (meta refresh, no script) keeps form-action strict.
    sendContinuePage(res, returnTo);
  }

  private async record(action: string, status: number, user: string, address: string, clientId: string): Promise<void> {
    try {
      await this.audit?.append({ action, status, by: user.slice(0, LIMITS.shortStringLength), client: clientId, address });
    } catch (err) {
      console.error(`Flowgate emulator: could not record ${action} in the audit log: ${String(err)}`);
    }
  }
}

/** The body as text, or undefined when it is longer than `max` bytes (the rest is read and dropped). */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > max) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}
