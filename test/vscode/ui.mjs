// Small helpers for UI tests against the VS Code web workbench (code-server) with Playwright.
// Each takes a playwright-core `Page` that shows the workbench.
import fs from 'node:fs';
import path from 'node:path';

const DEFAULT_TIMEOUT = 30_000;

/** Waits until the workbench is rendered (`.monaco-workbench`) and the activity bar is there. */
export async function waitForWorkbench(page, timeout = 60_000) {
  await page.waitForSelector('.monaco-workbench', { state: 'visible', timeout });
  await page.waitForSelector('.part.activitybar', { state: 'visible', timeout });
}

function cssString(s) {
  return JSON.stringify(String(s));
}

/**
 * Opens an activity-bar view container by its title (the container's `aria-label` starts with the
 * title, e.g. "Flowgate"). Does nothing when it is already open (clicking an open container's
 * icon would close the side bar).
 */
export async function openViewContainer(page, title, timeout = DEFAULT_TIMEOUT) {
  const item = page
    .locator(`.part.activitybar .action-item:has(.action-label[aria-label^=${cssString(title)}])`)
    .first();
  await item.waitFor({ state: 'visible', timeout });
  const checked = await item.evaluate(
    (el) => el.classList.contains('checked') || el.getAttribute('aria-expanded') === 'true',
  );
  const sidebarTitle = page.locator('.part.sidebar .composite.title .title-label');
  if (!checked) await item.click();
  await page.waitForFunction(
    (t) => {
      const el = document.querySelector('.part.sidebar .composite.title .title-label');
      return !!el && (el.textContent || '').toLowerCase().includes(t.toLowerCase());
    },
    title,
    { timeout },
  );
  return (await sidebarTitle.textContent())?.trim();
}

/**
 * Runs a command through the F1 command palette by its label (e.g. "Flowgate: Refresh Packages").
 * Waits `settleMs` after it started and throws when the command failed (VS Code then shows a modal
 * "Command '…' resulted in an error" dialog in an extension development host, or an error toast);
 * the dialog is dismissed first. `allowError: true` skips that check; `prompt: true` returns as soon
 * as the command was chosen (for commands that ask something).
 */
export async function runCommand(page, label, { timeout = DEFAULT_TIMEOUT, settleMs = 1000, allowError = false, prompt = false } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${label}`);
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name')
    .filter({ hasText: label })
    .first()
    .waitFor({ state: 'visible', timeout });
  const firstLabel = ((await first.locator('.label-name').first().textContent()) || '').trim();
  if (firstLabel !== label) {
    await page.keyboard.press('Escape');
    throw new Error(`command palette: first match for "${label}" is "${firstLabel}"`);
  }
  await page.keyboard.press('Enter');
  // `prompt: true`: the command opens its own quick pick / input box in the same widget; the
  // caller waits for it.
  if (prompt) return;
  await input.waitFor({ state: 'hidden', timeout }).catch(() => {});
  if (allowError) return;
  await page.waitForTimeout(settleMs);
  const failures = [...(await dialogs(page)).filter((t) => /resulted in an error|failed/i.test(t))];
  failures.push(...(await notifications(page, { severity: 'error' })));
  if (failures.length) {
    await dismissDialogs(page);
    throw new Error(`command "${label}" failed: ${failures.join(' | ')}`);
  }
}

/** Texts of the modal dialogs on screen (e.g. a command's error in an extension development host). */
export async function dialogs(page) {
  return page
    .locator('.monaco-dialog-box')
    .evaluateAll((els) => els.map((el) => (el.innerText || '').replace(/\s+/g, ' ').trim()));
}

/** Closes the modal dialogs on screen with Escape. */
export async function dismissDialogs(page) {
  for (let i = 0; i < 5 && (await page.locator('.monaco-dialog-box').count()) > 0; i++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(100);
  }
}

/** The pane (view) element of a view in the side bar, found by its header title (e.g. "Packages"). */
export function viewPane(page, viewName) {
  return page
    .locator('.part.sidebar .pane')
    .filter({ has: page.locator(`.pane-header h3.title`, { hasText: viewName }) })
    .first();
}

/** Expands a view if it is collapsed and returns its pane locator. */
export async function expandView(page, viewName, timeout = DEFAULT_TIMEOUT) {
  const pane = viewPane(page, viewName);
  const header = pane.locator('.pane-header').first();
  await header.waitFor({ state: 'visible', timeout });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane;
}

/**
 * Reads the rows of a tree view: `[{ label, description, ariaLabel, level, expanded }]`.
 * With `waitForLabel`, waits until a row with that label is present.
 */
export async function readTreeItems(page, viewName, { waitForLabel, timeout = DEFAULT_TIMEOUT } = {}) {
  const pane = await expandView(page, viewName, timeout);
  const rows = pane.locator('.pane-body .monaco-list-row');
  if (waitForLabel) {
    await rows.filter({ hasText: waitForLabel }).first().waitFor({ state: 'visible', timeout });
  }
  return rows.evaluateAll((els) =>
    els.map((el) => ({
      label: (el.querySelector('.label-name')?.textContent || '').trim(),
      description: (el.querySelector('.label-description')?.textContent || '').trim(),
      ariaLabel: el.getAttribute('aria-label') || '',
      level: Number(el.getAttribute('aria-level') || 0),
      expanded: el.getAttribute('aria-expanded'),
    })),
  );
}

/**
 * Texts of the notification toasts on screen; with `severity` ('error' | 'warning' | 'info') only
 * those whose icon has that severity.
 */
export async function notifications(page, { severity } = {}) {
  const toasts = page.locator('.notifications-toasts .notification-list-item');
  return toasts.evaluateAll(
    (els, sev) =>
      els
        .filter((el) => !sev || !!el.querySelector(`.notification-list-item-icon.codicon-${sev}`))
        .map((el) => (el.querySelector('.notification-list-item-message')?.textContent || '').trim()),
    severity,
  );
}

/** Saves a full-page screenshot to `dir/name.png` and returns its path. */
export async function screenshot(page, dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Waits for a notification toast whose message contains `text` and returns its locator. */
export async function waitForToast(page, text, { timeout = DEFAULT_TIMEOUT } = {}) {
  const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return toast;
}

/** Clicks the button labelled `label` of a notification toast. */
export async function clickToastButton(toast, label) {
  await toast.locator('.monaco-button').filter({ hasText: label }).first().click();
}

/** Closes every notification (so later checks do not see old toasts). */
export async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications', { settleMs: 0, allowError: true });
  await page.locator('.notifications-toasts .notification-list-item').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
}

/** Labels of the commands the F1 palette offers for `filter`; at least one must match (closes the palette again). */
export async function paletteLabels(page, filter, { timeout = DEFAULT_TIMEOUT } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${filter}`);
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name')
    .filter({ hasText: filter })
    .first()
    .waitFor({ state: 'visible', timeout });
  const labels = await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name')
    .evaluateAll((els) => els.map((el) => (el.textContent || '').trim()));
  await page.keyboard.press('Escape');
  return labels;
}

/** Text of the status bar item whose text contains `text` ('' when there is none). */
export async function statusBarText(page, text) {
  const item = page.locator('.part.statusbar .statusbar-item').filter({ hasText: text }).first();
  if ((await item.count()) === 0) return '';
  return ((await item.textContent()) || '').trim();
}

/** Runs a palette command by its exact label (clicking that row, wherever the palette ranks it). */
export async function runExactCommand(page, label, { timeout = DEFAULT_TIMEOUT } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${label}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  await row.first().click({ timeout });
  await input.waitFor({ state: 'hidden', timeout }).catch(() => {});
}

/** Picks the row with `label` in the open quick pick (e.g. after `runCommand(…, { prompt: true })`). */
export async function pickQuick(page, label, { timeout = DEFAULT_TIMEOUT } = {}) {
  const widget = page.locator('.quick-input-widget');
  const row = widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/**
 * In the Gateways view: refreshes it, opens package `packageName` of gateway `gateway`, waits (up to
 * `timeout`) until its version row `version` is listed right under it, and clicks that row's inline
 * action `action` (e.g. "Show Schedules").
 */
export async function clickVersionAction(page, { gateway, packageName, version = 'v1', action }, { timeout = 20_000 } = {}) {
  await openViewContainer(page, 'Flowgate');
  await runCommand(page, 'Flowgate: Refresh Gateways', { settleMs: 500 });
  const pane = await expandView(page, 'Gateways');
  const rows = pane.locator('.pane-body .monaco-list-row');
  await rows.filter({ hasText: gateway }).first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT });
  const pkgRow = rows.filter({ hasText: packageName }).first();
  await pkgRow.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT });
  if ((await pkgRow.getAttribute('aria-expanded')) !== 'true') await pkgRow.click();
  // The package's children load from the gateway: wait for its version row.
  let items = [];
  let pkgIndex = -1;
  let versionIndex = -1;
  for (const end = Date.now() + timeout; ; await page.waitForTimeout(200)) {
    items = await readTreeItems(page, 'Gateways');
    pkgIndex = items.findIndex((i) => i.label === packageName);
    versionIndex = items.findIndex((i, n) => n > pkgIndex && i.label === version);
    if (pkgIndex >= 0 && versionIndex === pkgIndex + 1) break;
    if (Date.now() > end) throw new Error(`Gateways tree: ${JSON.stringify(items.map((i) => `${i.level}:${i.label}`))}`);
  }
  const versionRow = rows.nth(versionIndex);
  await versionRow.hover();
  await versionRow.locator(`.actions .action-label[aria-label=${cssString(action)}]`).click();
}

/** The page of the visible editor webview (a webview panel), inside the workbench's two iframes. */
export function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/**
 * Picks `label` in a `<vscode-single-select>` locator `select`, optionally typing `search` into its
 * combobox first.
 */
export async function chooseOption(select, label, search) {
  if (search !== undefined) {
    const input = select.locator('input.combobox-input');
    await input.click();
    await input.fill(search);
  } else {
    await select.click();
  }
  const option = select.locator('li[role="option"]').filter({ hasText: label }).first();
  await option.waitFor({ state: 'visible', timeout: 10_000 });
  await option.click();
}
