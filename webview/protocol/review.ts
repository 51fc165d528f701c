/**
 * The protocol of the Review Import webview, declared once and imported by both sides
 * (webview/review/*.ts and src/extension/review/reviewPanel.ts).
 *
 * The page reviews one import (OPEN on a target gateway, pulled from a source): its header, the
 * instructions (hostile until applied: shown as text, never as HTML), the validation against the
 * target, the reference replacements (with pickers of what the target and the package have), the
 * apply preview per definition (new, changed, unchanged; "Show Diff" opens VS Code's diff editor on
 * read-only virtual documents the extension holds), and the actions Apply, Reject… and Reload.
 *
 * Requests (webview/protocol/rpc.ts) answer a `Reply`: the result, or field errors named as the
 * gateway names them (`replacements[i].to`, `reason`, or `''` for the request as a whole).
 * Notifications: the extension pushes snapshots and the loading state; the page says `ready` when
 * it (re)loads. The webview never talks to a gateway: the extension does, with core's
 * GatewayClient; only the import's public fields, definition ids and error texts cross this
 * boundary (no definition texts, no credentials).
 */
import type { ApiErrorDetail, ImportDetail, ImportStatus, Replacement } from '../../src/core/api/types';
import type { PageStatus, ReadyMessage, ReloadRequest, SnapshotMessage } from './rpc';

export type { ApiErrorDetail, ImportDetail, ImportStatus, Replacement };

export type DefinitionKind = Replacement['kind'];

/** The import a Review Import panel shows. */
export interface ReviewScope {
  /** The target gateway's display name and URL. */
  gatewayName: string;
  gatewayUrl: string;
  importId: string;
}

/** A definition named by kind and id. */
export interface DefinitionRef {
  kind: DefinitionKind;
  id: string;
}

/** One definition of the apply preview, without its texts (the extension keeps those for the diff editor). */
export interface PreviewItem {
  kind: DefinitionKind;
  id: string;
  change: 'new' | 'changed' | 'unchanged';
  /** The definition comes from the target's repository (a referenced definition the package lacks). */
  fromRepository?: boolean;
  /**
   * Changed, but the gateway left the current text out of the preview (its answer is at its size
   * bound): no diff here; Open shows what apply writes.
   */
  currentOmitted?: boolean;
  /** Lines added and removed (changed only). */
  added?: number;
  removed?: number;
}

export interface PreviewCounts {
  new: number;
  changed: number;
  unchanged: number;
}

/** What a picker of a replacement row offers. */
export interface ReplacementCandidates {
  /** What the package's definitions reference (the `from` of a row): references the target lacks first. */
  references: DefinitionRef[];
  /** What the target's repository holds (a `to`). */
  target: DefinitionRef[];
  /** What the package carries (also a possible `to`). */
  package: DefinitionRef[];
}

/** The import, its preview and the pickers' choices, as last read from the gateway. */
export interface ReviewSnapshot {
  scope: ReviewScope;
  /** The import (undefined: not read yet, or the read failed — `error` says why). */
  import?: ImportDetail;
  error?: string;
  /** The apply preview (OPEN imports only; undefined when it could not be read — `previewError`). */
  preview?: { items: PreviewItem[]; counts: PreviewCounts };
  previewError?: string;
  candidates: ReplacementCandidates;
  /** Why the target's definitions could not be listed (the pickers still offer the package's). */
  definitionsError?: string;
  /** When it was read (ISO). */
  loadedAt: string;
}

/** What Apply and Reject answer. */
export interface ActionResult {
  /** False when the import already was in that state (nothing changed). */
  changed: boolean;
  status: ImportStatus;
  snapshot: ReviewSnapshot;
}

/** Method → what the page sends and what the extension answers. */
export type ReviewRequests = ReloadRequest<ReviewSnapshot> & {
  /** Replace the import's reference replacements; answers the snapshot with the validation done again. */
  saveReplacements: { params: { replacements: Replacement[] }; result: ReviewSnapshot };
  /** Open a definition of the preview: the diff editor (changed) or the read-only new text. */
  showDefinition: { params: DefinitionRef; result: { opened: 'diff' | 'document' } };
  /**
   * Apply the import. `expect` is what the confirmation named: when the preview now says otherwise
   * (the import changed meanwhile) nothing is applied and the page is told (field `expect`).
   */
  apply: { params: { expect: { new: number; changed: number } }; result: ActionResult };
  /** Reject the import with a reason (shown to the source). */
  reject: { params: { reason: string }; result: ActionResult };
};

// ---- notifications -----------------------------------------------------------------------------

export type ExtensionToWebview = SnapshotMessage<ReviewSnapshot>;

export type WebviewToExtension = ReadyMessage;

// ---- the page's own state ----------------------------------------------------------------------

/** One row of the replacements being edited (`from`/`to` may be empty while being filled in). */
export interface ReplacementRow {
  kind: DefinitionKind;
  from: string;
  to: string;
}

/** The UI state the webview keeps with `setState` (survives hiding the panel). */
export interface ReviewViewState {
  /** The replacements being edited (unsaved), or null when they are the saved ones. */
  draft: ReplacementRow[] | null;
  /** The last thing that happened, shown in the status line. */
  status?: PageStatus;
}

/** Whether two replacement lists are the same list (order counts: it is what the gateway keeps). */
export function sameReplacements(a: readonly ReplacementRow[], b: readonly ReplacementRow[]): boolean {
  return a.length === b.length && a.every((r, i) => r.kind === b[i].kind && r.from === b[i].from && r.to === b[i].to);
}

/** "2 new and 1 changed definition": what an apply writes. */
export function writesText(counts: { new: number; changed: number }): string {
  const n = (k: number, what: string) => `${k} ${what}`;
  const parts = [counts.new ? n(counts.new, 'new') : '', counts.changed ? n(counts.changed, 'changed') : ''].filter(Boolean);
  const total = counts.new + counts.changed;
  if (parts.length === 0) return 'no definition (all unchanged)';
  return `${parts.join(' and ')} definition${total === 1 ? '' : 's'}`;
}
