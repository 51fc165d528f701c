/**
 * The gateway API contract (see DESIGN.md, "The gateway API"): request and response bodies,
 * declared once as schemas in ./schemas (TypeBox: each schema is JSON Schema, validated at the
 * gateway's boundary and served in its OpenAPI document) and derived here as TypeScript types,
 * imported by the emulator (server side) and the gateway client (extension, CLI).
 */
import type { Static } from '@sinclair/typebox';
import type * as A from './schemas/audit';
import type * as Err from './schemas/errors';
import type * as E from './schemas/executions';
import type * as P from './schemas/packages';
import type * as GK from './schemas/gatewayKeys';
import type * as PR from './schemas/promotion';
import type * as S from './schemas/schedules';
import type * as N from './schemas/snmp';
import type * as DR from './schemas/draftRuns';

export { API_ERROR_CODES, type ApiErrorCode } from './schemas/errors';

/** Every error response: `{"error": {"code", "message", "details"?}}` with the right HTTP status. */
export type ApiErrorBody = Static<typeof Err.ApiErrorBody>;
/** The field or object at fault (`inputVariables.device`, `manifest.version`, `steps[2].flow`) and what is wrong. */
export type ApiErrorDetail = Static<typeof Err.ApiErrorDetail>;

export type HealthResponse = Static<typeof P.HealthResponse>;
export type GatewayKeysResponse = Static<typeof GK.GatewayKeysResponse>;
export type PackageVersionSummary = Static<typeof P.PackageVersionSummary>;
export type PackageStatus = Static<typeof P.PackageStatus>;
export type PackageSummary = Static<typeof P.PackageSummary>;
export type PackageListResponse = Static<typeof P.PackageListResponse>;
export type PackageResponse = PackageSummary;
export type PackageVersionDetail = Static<typeof P.PackageVersionDetail>;
export type FlowSignature = Static<typeof P.FlowSignature>;
/** POST /api/v1/packages → 201 (created) or 200 (identical version already present). */
export type UploadResponse = Static<typeof P.UploadResponse>;
export type AuthorisationResponse = Static<typeof P.AuthorisationBody>;
/** GET /api/v1/directory/groups: the directory's groups (with direct member counts for the embedded directory). */
export type DirectoryGroupsResponse = Static<typeof A.DirectoryGroupsResponse>;
export type DirectoryGroup = Static<typeof A.DirectoryGroup>;
/** DELETE /api/v1/packages/{name}[/versions/{version}] → 200. */
export type DeleteResponse = Static<typeof P.DeleteResponse>;
/** Publish, unpublish, default version: the package's state after the change. */
export type PackageStateResponse = PackageSummary;

export type StartExecutionRequest = Static<typeof E.StartExecutionRequest>;
export type ExecutionMode = Static<typeof E.ExecutionMode>;
/** 200 for a synchronous run that ended. */
export type ExecutionResultResponse = Static<typeof E.ExecutionResultResponse>;
/** 202 for an asynchronous start. */
export type ExecutionStartedResponse = Static<typeof E.ExecutionStartedResponse>;
export type ExecutionStatus = Static<typeof E.ExecutionStatus>;
export type Initiator = Static<typeof E.Initiator>;
export type ExecutionLogEntry = Static<typeof E.ExecutionLogEntry>;
export type ExecutionSummary = Static<typeof E.ExecutionSummary>;
export type ExecutionDetail = Static<typeof E.ExecutionDetail>;
export type ExecutionListQuery = Static<typeof E.ExecutionListQuery>;
export type ExecutionListResponse = Static<typeof E.ExecutionListResponse>;

export type DefinitionSummary = Static<typeof P.DefinitionSummary>;
export type DefinitionListResponse = Static<typeof P.DefinitionListResponse>;

/** POST …/versions/{v}/new-version: a new version from an existing one. */
export type NewVersionRequest = Static<typeof P.NewVersionRequest>;
/** POST /api/v1/executions/stop: stop several executions (and their children) at once. */
export type StopExecutionsRequest = Static<typeof E.StopExecutionsRequest>;
export type StopExecutionsResponse = Static<typeof E.StopExecutionsResponse>;
/** One server-sent event of GET /api/v1/executions/events (`event: execution`). */
export type ExecutionEvent = ExecutionSummary;

// Schedules
export type ScheduleBody = Static<typeof S.ScheduleSpec>;
export type ScheduleResponse = Static<typeof S.ScheduleResponse>;
export type ScheduleFiring = Static<typeof S.ScheduleFiring>;
export type ScheduleListResponse = Static<typeof S.ScheduleListResponse>;
export type CronPreviewRequest = Static<typeof S.CronPreviewRequest>;
export type CronPreviewResponse = Static<typeof S.CronPreviewResponse>;

// SNMP triggers
export type TriggerBody = Static<typeof N.TriggerSpec>;
export type TriggerResponse = Static<typeof N.Trigger>;
export type TriggerListResponse = Static<typeof N.TriggerListResponse>;
export type TriggerEvaluation = Static<typeof N.TriggerEvaluation>;
export type TrapRecord = Static<typeof N.TrapRecord>;
export type TrapListResponse = Static<typeof N.TrapListResponse>;
/** POST /api/v1/snmp/evaluate: a described trap, not sent. */
export type EvaluateTrapRequest = Static<typeof N.EvaluateTrapRequest>;
export type EvaluateTrapResponse = Static<typeof N.EvaluateTrapResponse>;
export type SnmpUserBody = Static<typeof N.SnmpUserSpec>;
export type SnmpUserListResponse = Static<typeof N.SnmpUserListResponse>;

// Connection secrets (values are write-only)
export type { SecretGrant } from '../secrets/rules';
export type { PutSecretRequest, PutSecretGrantsRequest, SecretSummary, SecretListResponse } from './schemas/secrets';

// ---- promotion (issue 10) ----
export type HistoryEntry = Static<typeof PR.HistoryEntry>;
export type PromotionEventKind = Static<typeof PR.PromotionEventKind>;
export type TargetState = Static<typeof PR.TargetState>;
export type VersionHistoryResponse = Static<typeof PR.VersionHistoryResponse>;
export type RecordEventRequest = Static<typeof PR.RecordEventRequest>;
export type RecordEventResponse = Static<typeof PR.RecordEventResponse>;
export type SourceSummary = Static<typeof PR.SourceSummary>;
export type SourceListResponse = Static<typeof PR.SourceListResponse>;
export type OfferedVersion = Static<typeof PR.OfferedVersion>;
export type SourcePackagesResponse = Static<typeof PR.SourcePackagesResponse>;
export type ImportStatus = Static<typeof PR.ImportStatus>;
export type ImportRequest = Static<typeof PR.ImportRequest>;
export type Replacement = Static<typeof PR.Replacement>;
export type ReplacementsRequest = Static<typeof PR.ReplacementsRequest>;
export type ValidationProblem = Static<typeof PR.ValidationProblem>;
export type ValidationResult = Static<typeof PR.ValidationResult>;
export type ImportSummary = Static<typeof PR.ImportSummary>;
export type ImportListResponse = Static<typeof PR.ImportListResponse>;
export type ImportDetail = Static<typeof PR.ImportDetail>;
export type ImportCreatedResponse = Static<typeof PR.ImportCreatedResponse>;
export type PreviewEntry = Static<typeof PR.PreviewEntry>;
export type PreviewResponse = Static<typeof PR.PreviewResponse>;
export type ApplyRequest = Static<typeof PR.ApplyRequest>;
export type RejectRequest = Static<typeof PR.RejectRequest>;
export type ImportActionResponse = Static<typeof PR.ImportActionResponse>;
export type RemoteValidateRequest = Static<typeof PR.RemoteValidateRequest>;
export type RemoteValidateResponse = Static<typeof PR.RemoteValidateResponse>;

// ---- draft runs (issue 11) ----
/** POST /api/v1/draft-runs: workspace files as they are, the flow, its inputs. */
export type DraftRunRequest = Static<typeof DR.DraftRunRequest>;
export type DraftRunResultResponse = Static<typeof DR.DraftRunResultResponse>;
export type DraftRunStartedResponse = Static<typeof DR.DraftRunStartedResponse>;
