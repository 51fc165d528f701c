/**
 * The protocol of the Schedules webview, declared once and imported by both sides
 * (webview/schedules/*.ts and src/extension/schedules/schedulesPanel.ts).
 *
 * Requests (webview/protocol/rpc.ts): the page calls `request(method, params)` and gets a `Reply`
 * — the result, or field errors named as the gateway names them (`name`, `flow`, `expression`,
 * `timezone`, `inputs.<name>`, `inputs`, `description`, `enabled`, or `''` for the request as a
 * whole). Notifications: the extension pushes snapshots and the loading state; the page says
 * `ready` when it (re)loads. The webview never talks to the gateway: the extension does, with
 * core's GatewayClient, and only schedule data, flow signatures and error texts cross this boundary.
 */
import type { ApiErrorDetail, CronPreviewResponse, FlowSignature, ScheduleBody, ScheduleFiring, ScheduleResponse } from '../../src/core/api/types';
import type { PageStatus, ReadyMessage, ReloadRequest, SnapshotMessage } from './rpc';

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

/** The version and its schedules as last read from the gateway. */
export interface SchedulesSnapshot {
  scope: SchedulesScope;
  version?: VersionInfo;
  schedules: ScheduleResponse[];
  /** Why the last read failed (the list shown is then the one read before). */
  error?: string;
  /** When it was read (ISO). */
  loadedAt: string;
}

/** Method → what the page sends and what the extension answers. */
export type SchedulesRequests = ReloadRequest<SchedulesSnapshot> & {
  /** An (unsaved) expression in a time zone: its meaning, the next five runs and notes. */
  preview: { params: { expression: string; timezone: string }; result: CronPreviewResponse };
  /** Create (no `id`) or update (`id`) a schedule. */
  save: { params: { id?: string; body: ScheduleBody }; result: ScheduleResponse };
  setEnabled: { params: { id: string; enabled: boolean }; result: ScheduleResponse };
  runNow: { params: { id: string }; result: { executionId: string } };
  /** The page asked for confirmation first. */
  delete: { params: { id: string }; result: { id: string } };
  /** Show this execution in the Running Executions page of the version. */
  openExecution: { params: { id: string }; result: null };
};

// ---- notifications -----------------------------------------------------------------------------

export type ExtensionToWebview = SnapshotMessage<SchedulesSnapshot>;

export type WebviewToExtension = ReadyMessage;

// ---- the page's own state ----------------------------------------------------------------------

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
  /** Schedules whose firing history is unfolded. */
  historyOpen: string[];
  /** The last thing that happened, shown in the status line. */
  status?: PageStatus;
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
