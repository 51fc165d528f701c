/**
 * The protocol of the Authorisation webview, declared once and imported by both sides
 * (webview/authorisation/*.ts and src/extension/authorisation/authorisationPanel.ts).
 *
 * The page shows the directory groups whose members may execute one package version's flows
 * (none: anyone may), with the directory's groups to pick from, and saves the whole list. Requests
 * (webview/protocol/rpc.ts) answer a `Reply`: the result, or field errors named as the gateway
 * names them (`groups[i]` — the i-th group of the list sent — `groups`, or `''` for the request as
 * a whole). Notifications: the extension pushes snapshots and the loading state; the page says
 * `ready` when it (re)loads. The webview never talks to the gateway: the extension does, with
 * core's GatewayClient; only group names, member counts and error texts cross this boundary.
 */
import type { ApiErrorDetail, DirectoryGroup } from '../../src/core/api/types';
import type { PageStatus, ReadyMessage, ReloadRequest, SnapshotMessage } from './rpc';

export type { ApiErrorDetail, DirectoryGroup };
export { authorisationMeaning, GUARDED_AUTHORISATION_TEXT, OPEN_AUTHORISATION_TEXT } from '../../src/core/model/authorisation';

/** The package version an Authorisation panel edits. */
export interface AuthorisationScope {
  gatewayName: string;
  gatewayUrl: string;
  packageName: string;
  packageVersion: number;
}

/** The version's groups and the directory's, as last read from the gateway. */
export interface AuthorisationSnapshot {
  scope: AuthorisationScope;
  /** The groups saved on the gateway (undefined: not read yet, or the read failed). */
  groups?: string[];
  /** The directory's groups (undefined: not read, or the read failed — `directoryError` says why). */
  directory?: DirectoryGroup[];
  /** Why the version's groups could not be read. */
  error?: string;
  /** Why the directory's groups could not be read (the version's may still show). */
  directoryError?: string;
  /** When it was read (ISO). */
  loadedAt: string;
}

/** Method → what the page sends and what the extension answers. */
export type AuthorisationRequests = ReloadRequest<AuthorisationSnapshot> & {
  /** Replace the version's groups with `groups` (empty: anyone may execute). Answers the groups now saved. */
  save: { params: { groups: string[] }; result: { groups: string[] } };
};

// ---- notifications -----------------------------------------------------------------------------

export type ExtensionToWebview = SnapshotMessage<AuthorisationSnapshot>;

export type WebviewToExtension = ReadyMessage;

// ---- the page's own state ----------------------------------------------------------------------

/** The UI state the webview keeps with `setState` (survives hiding the panel). */
export interface AuthorisationViewState {
  /** The list being edited (unsaved), or null when it is the saved one. */
  draft: string[] | null;
  /** The text filtering the directory's groups. */
  filter: string;
  /** The last thing that happened, shown in the status line. */
  status?: PageStatus;
}

/** Whether two group lists are the same list (order counts: it is what the gateway keeps). */
export function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((g, i) => g === b[i]);
}
