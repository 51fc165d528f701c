/**
 * The kit every Flowgate page is built from (webview/<page>/ holds the page's own elements):
 * - channel.ts      — `connect()`: typed `request()` paired with replies, notifications, saved state
 * - element.ts      — `PageElement`: the Lit base (light DOM, `emit()`)
 * - parts.ts        — `icon`, `button`, `badge`, `formRow` (label, required mark, help, error slot)
 * - fieldErrors.ts  — a form's errors by field key
 * - format.ts       — times (24 h), durations, ids, counts: the one formatting module
 * - snapshotPage.ts — `SnapshotPage`: the base of a page showing one snapshot (state, status, reload)
 * - <fg-page-header>, <fg-status-line>, <fg-confirm-button>, <fg-execution-link>, <fg-flow-inputs>
 */
export * from './channel';
export * from './confirmButton';
export * from './element';
export * from './executionLink';
export * from './fieldErrors';
export * from './flowInputs';
export * from './format';
export * from './pageHeader';
export * from './parts';
export * from './snapshotPage';
export * from './statusLine';
