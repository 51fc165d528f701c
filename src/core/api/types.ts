/**
 * The gateway API contract (see DESIGN.md, "The gateway API"): request and response bodies,
 * declared once and imported by the emulator (server side) and the gateway client (extension, CLI).
 */
import type { DefinitionKind } from '../model/definition';
import type { ManifestDefinition } from '../model/manifest';
import type { Schedule } from '../model/schedule';
import type { SnmpUserSpec, SnmpUserSummary, TrapPdu, Trigger, TriggerConditions } from '../model/trigger';

/** Every error response: `{"error": {"code", "message", "details"?}}` with the right HTTP status. */
export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    /** Field-level problems, e.g. one entry per bad input variable. */
    details?: ApiErrorDetail[];
  };
}

export interface ApiErrorDetail {
  /** The field or object at fault: `inputVariables.device`, `manifest.version`, `steps[2].flow`. */
  field: string;
  message: string;
}

export type ApiErrorCode =
  | 'bad-request'
  | 'invalid-package-file'
  | 'invalid-inputs'
  | 'not-found'
  | 'package-not-found'
  | 'version-not-found'
  | 'flow-not-found'
  | 'execution-not-found'
  | 'version-conflict'
  | 'not-published'
  | 'no-default-package'
  | 'no-default-version'
  | 'ambiguous-flow'
  | 'flow-failed'
  | 'unauthorized'
  | 'forbidden'
  | 'payload-too-large'
  | 'already-exists'
  | 'unsupported-media-type'
  | 'forbidden-origin'
  | 'misdirected-request'
  | 'too-many-executions'
  | 'budget-exceeded'
  | 'quota-exceeded'
  | 'version-published'
  | 'internal';

export interface HealthResponse {
  status: 'ok';
  name: string;
  version: string;
  startedAt: string;
  /** The UDP port the SNMP trap receiver listens on (the real one when started with port 0). */
  snmpPort?: number;
}

export interface PackageVersionSummary {
  version: number;
  published: boolean;
  /** Lifecycle status on this gateway: SUBMITTED, ACCEPTED, OPEN, APPLIED, PROMOTED, REJECTED. */
  status: PackageStatus;
  /** True when this version is the one a request naming no version runs. */
  isDefault: boolean;
  uploadedAt: string;
  contentDigest: string;
}

export type PackageStatus = 'OPEN' | 'SUBMITTED' | 'ACCEPTED' | 'APPLIED' | 'PROMOTED' | 'REJECTED';

export interface PackageSummary {
  name: string;
  description?: string;
  /** True when this is the gateway's default package. */
  isDefault: boolean;
  /** The version a request naming no version runs, or null when there is none. */
  defaultVersion: number | null;
  /** True when defaultVersion was set explicitly (rule 3), false when it is implicit (rule 1). */
  defaultIsExplicit: boolean;
  versions: PackageVersionSummary[];
}

export type PackageListResponse = { packages: PackageSummary[] };
export type PackageResponse = PackageSummary;

export interface PackageVersionDetail extends PackageVersionSummary {
  name: string;
  description?: string;
  createdAt: string;
  createdBy: string;
  definitions: ManifestDefinition[];
  instructions: string;
  authorisation: { groups: string[] };
  /** Flows of this version with their declared inputs and outputs. */
  flows: FlowSignature[];
}

export interface FlowSignature {
  id: string;
  name: string;
  description?: string;
  inputs: Record<string, { type: string; required: boolean; default?: unknown; description?: string }>;
  outputs: Record<string, { type: string; description?: string }>;
}

/** POST /api/v1/packages → 201 (created) or 200 (identical version already present). */
export interface UploadResponse {
  name: string;
  version: number;
  created: boolean;
}

/** Publish, unpublish, default version: the package's state after the change. */
export type PackageStateResponse = PackageSummary;

export interface StartExecutionRequest {
  inputVariables?: Record<string, unknown>;
}

export type ExecutionMode = 'sync' | 'async';

/** 200 for a synchronous run that ended. */
export interface ExecutionResultResponse {
  executionId: string;
  status: ExecutionStatus;
  outputVariables: Record<string, unknown>;
  packageName: string;
  packageVersion: number;
}

/** 202 for an asynchronous start. */
export interface ExecutionStartedResponse {
  executionId: string;
  packageName: string;
  packageVersion: number;
}

export type ExecutionStatus = 'Running' | 'Stopping' | 'Stopped' | 'Ended' | 'Error';

export type Initiator =
  | { type: 'user'; name: string }
  | { type: 'schedule'; name: string; id: string }
  | { type: 'trigger'; name: string; id: string }
  | { type: 'flow'; executionId: string };

export interface ExecutionLogEntry {
  at: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** The step's label or kind and its path, e.g. `steps[2] run-flow`. */
  step?: string;
}

export interface ExecutionSummary {
  id: string;
  parentId: string | null;
  rootId: string;
  flow: string;
  packageName: string;
  packageVersion: number;
  initiator: Initiator;
  /** `<name>.<host> (<IPv4>)` */
  executingOn: string;
  status: ExecutionStatus;
  startedAt: string;
  endedAt: string | null;
  /** Milliseconds; for a running execution, up to the time of the answer. */
  durationMs: number;
}

export interface ExecutionDetail extends ExecutionSummary {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  error: { code: string; message: string; step?: string } | null;
  log: ExecutionLogEntry[];
  children: ExecutionSummary[];
}

export interface ExecutionListQuery {
  status?: ExecutionStatus;
  packageName?: string;
  packageVersion?: number;
  flow?: string;
}

export type ExecutionListResponse = { executions: ExecutionSummary[] };

export interface DefinitionSummary {
  kind: DefinitionKind;
  id: string;
  name: string;
  folder: string;
  sha256: string;
  /** The package version that last wrote this definition into the repository. */
  source: { packageName: string; version: number };
}

export type DefinitionListResponse = { definitions: DefinitionSummary[] };

// ---------------------------------------------------------------------------------------------
// Package versions on the gateway (issue: the gateway, complete)

/** POST …/versions/{v}/new-version: a new version from an existing one. */
export interface NewVersionRequest {
  /** Definitions from the gateway's repository to add. */
  add?: { kind: DefinitionKind; id: string }[];
  /** Definitions of the source version to leave out. */
  remove?: { kind: DefinitionKind; id: string }[];
  /** Definitions of the source version to update to the repository's current content. */
  update?: { kind: DefinitionKind; id: string }[];
}

/** POST /api/v1/executions/stop: stop several executions (and their children) at once. */
export interface StopExecutionsRequest {
  ids: string[];
}

export interface StopExecutionsResponse {
  /** The executions after the stop request, in the order asked. */
  executions: ExecutionSummary[];
  /** Ids that were not found. */
  notFound: string[];
}

/** One server-sent event of GET /api/v1/executions/events (`event: execution`). */
export type ExecutionEvent = ExecutionSummary;

// ---------------------------------------------------------------------------------------------
// Schedules (issue: schedules and SNMP triggers)

export type ScheduleBody = import('../model/schedule').ScheduleSpec;

export interface ScheduleResponse extends Schedule {
  /** The next run times (ISO, UTC) while the version is published and the schedule enabled. */
  nextRuns: string[];
  /** Recent firings, newest first: started executions and missed slots. */
  history: ScheduleFiring[];
}

export interface ScheduleFiring {
  at: string;
  outcome: 'started' | 'missed' | 'refused';
  executionId?: string;
  message?: string;
}

export type ScheduleListResponse = { schedules: ScheduleResponse[] };

export interface CronPreviewRequest {
  expression: string;
  timezone?: string;
  /** 1–50, default 5. */
  count?: number;
}

export interface CronPreviewResponse {
  /** ISO instants (UTC). */
  nextRuns: string[];
  /** The same instants as wall-clock times in the time zone, `YYYY-MM-DD HH:mm:ss`. */
  localTimes: string[];
  /** The expression in words. */
  description: string;
  /** Things a person should know: AND of day fields, DST gaps and repeats in the shown range. */
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// SNMP triggers

export type TriggerBody = import('../model/trigger').TriggerSpec;
export type TriggerResponse = Trigger;
export type TriggerListResponse = { triggers: Trigger[] };

export interface TriggerEvaluation {
  packageName: string;
  packageVersion: number;
  triggerId: string;
  triggerName: string;
  matched: boolean;
  /** When not matched: the first condition that failed and why. */
  failed?: { condition: keyof TriggerConditions | 'enabled' | 'published'; message: string };
  /** When a received trap matched: the execution it started (or the error starting it). */
  executionId?: string;
  error?: string;
}

export interface TrapRecord {
  id: string;
  receivedAt: string;
  pdu: TrapPdu;
  evaluations: TriggerEvaluation[];
}

export type TrapListResponse = { traps: TrapRecord[] };

/** POST /api/v1/snmp/evaluate: a described trap, not sent. */
export type EvaluateTrapRequest = Omit<TrapPdu, 'uptime' | 'varbinds'> & {
  uptime?: number;
  varbinds?: TrapPdu['varbinds'];
};

export type EvaluateTrapResponse = { evaluations: TriggerEvaluation[] };

export type SnmpUserBody = SnmpUserSpec;
export type SnmpUserListResponse = { users: SnmpUserSummary[] };
