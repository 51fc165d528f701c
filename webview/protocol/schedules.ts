/**
 * The messages between the Schedules webview and the extension, declared once and imported by both
 * sides (webview/schedules/main.ts and src/extension/schedules/schedulesPanel.ts).
 *
 * Style (as webview/protocol/executions.ts): plain JSON objects with a `type` discriminant.
 * Notifications go from the extension to the webview; commands go from the webview to the
 * extension, and a command that expects an answer carries a `requestId` that its answer echoes.
 * The webview never talks to the gateway: the extension does, with core's GatewayClient, and only
 * schedule data, flow signatures and error texts cross this boundary.
 */
import type { ApiErrorDetail, CronPreviewResponse, FlowSignature, ScheduleBody, ScheduleFiring, ScheduleResponse } from '../../src/core/api/types';

/**
 * A problem with one field of the form is the API's `ApiErrorDetail`, as the gateway names it (`name`,
 * `flow`, `expression`, `timezone`, `inputs.<name>`, `inputs`, `description`, `enabled`) or `''` for
 * the form as a whole.
 */
export type { ApiErrorDetail, CronPreviewResponse, FlowSignature, ScheduleBody, ScheduleFiring, ScheduleResponse };

/** The package version a Schedules panel manages. */
export interface SchedulesScope {
  gatewayName: string;
  gatewayUrl: string;
  packageName: string;
  packageVersion: number;
}

/** What the page needs of the version: whether it is published (schedules fire only then) and its flows. */
export interface VersionInfo {
  published: boolean;
  flows: FlowSignature[];
}


/** The actions of a list row. */
export type RowAction = 'enable' | 'disable' | 'runNow' | 'delete';

// ---- extension → webview -------------------------------------------------------------------------

export type ExtensionToWebview =
  /** The version and its schedules (first load, after every change, on Reload, when the page comes back). */
  | { type: 'snapshot'; scope: SchedulesScope; version?: VersionInfo; schedules: ScheduleResponse[]; error?: string; loadedAt: string }
  /** A load is under way (true) or over (false). */
  | { type: 'loading'; loading: boolean }
  /** Answer to `preview`: the expression in words, the next runs and notes, or errors naming the field. */
  | { type: 'preview'; requestId: number; expression: string; timezone: string; result?: CronPreviewResponse; errors?: ApiErrorDetail[] }
  /** Answer to `save`: the saved schedule, or the errors the gateway gave (mapped to fields). */
  | { type: 'saved'; requestId: number; schedule?: ScheduleResponse; errors?: ApiErrorDetail[] }
  /** Answer to a row action; `executionId` for `runNow`. */
  | { type: 'actionDone'; requestId: number; action: RowAction; id: string; executionId?: string; error?: string };

// ---- webview → extension -------------------------------------------------------------------------

export type WebviewToExtension =
  /** The page loaded (also after it was hidden and shown again): send a snapshot. */
  | { type: 'ready' }
  /** Load the version and its schedules again from the gateway. */
  | { type: 'refresh' }
  /** Preview an (unsaved) expression in a time zone: the next five runs. */
  | { type: 'preview'; requestId: number; expression: string; timezone: string }
  /** Create (no `id`) or update (`id`) a schedule. */
  | { type: 'save'; requestId: number; id?: string; body: ScheduleBody }
  /** Enable, disable, run now or delete a schedule (the page asked for confirmation before `delete`). */
  | { type: 'action'; requestId: number; action: RowAction; id: string };

/** The form as the page keeps it (also across hiding the panel). Input values are the texts typed. */
export interface ScheduleFormState {
  /** The schedule being edited, or null for a new one. */
  editingId: string | null;
  name: string;
  description: string;
  flow: string;
  expression: string;
  timezone: string;
  enabled: boolean;
  /** Per declared input of the flow: the text in its field (JSON for objects, arrays and `any`). */
  inputs: Record<string, string>;
}

/** The UI state the webview keeps with `setState` (survives hiding the panel). */
export interface SchedulesViewState {
  form: ScheduleFormState | null;
  /** Per schedule id: the last Run Now's execution id, shown in its row. */
  started: Record<string, string>;
}

export const DEFAULT_TIMEZONE = 'UTC';

/** The most telling firing of a schedule's history (newest first): the latest one. */
export function lastFiring(s: ScheduleResponse): ScheduleFiring | undefined {
  return s.history[0];
}

/** A schedule as the body of a PUT, with `enabled` changed (read-only fields left out). */
export function scheduleBody(s: ScheduleResponse, patch: Partial<ScheduleBody> = {}): ScheduleBody {
  const body: ScheduleBody = {
    name: s.name,
    flow: s.flow,
    type: 'CRON',
    expression: s.expression,
    timezone: s.timezone,
    inputs: s.inputs,
    enabled: s.enabled,
  };
  if (s.description !== undefined) body.description = s.description;
  return { ...body, ...patch };
}
