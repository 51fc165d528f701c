/**
 * Real Chromium (Debian's, through playwright-core) for the sign-in tests: opens a gateway's
 * authorization URL, fills the sign-in form and submits it, and hands back where the browser was
 * sent (the loopback redirect with the code) — by letting the browser really load it (the core
 * client's loopback server) or, with `capture`, answering it in the browser (a test without a
 * loopback server).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.FLOWGATE_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update'];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export interface SignInResult {
  /** The URL the browser was redirected to (the loopback callback with code and state). */
  callback?: string;
  /** The sign-in page after the submit when it did not redirect (a problem shown). */
  page: Page;
}

/** A loopback HTTP server that answers every request 200 (the redirect target of tests that exchange the code themselves). */
export async function loopbackListener(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.end('received'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Goes to `authUrl` in a new page, signs in as `user` and returns the callback URL the browser was sent to (undefined: it stayed on the sign-in page). */
export async function signInWithBrowser(browser: Browser, authUrl: string, user: string, password: string): Promise<SignInResult> {
  const context = await browser.newContext();
  const page = await context.newPage();
  let callback: string | undefined;
  page.on('request', (r) => {
    if (/^http:\/\/127\.0\.0\.1:\d+\/callback/.test(r.url())) callback = r.url();
  });
  await page.goto(authUrl);
  await page.fill('#user', user);
  await page.fill('#password', password);
  const [post] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type=submit]')]);
  if (post.status() === 200) {
    await page.waitForURL(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+\/callback/);
    await page.waitForLoadState('load');
    callback ??= page.url();
  } else {
    await page.waitForLoadState('load');
  }
  return { callback, page };
}
