/**
 * Every operation of the gateway API: its path, parameters, query, body and answers, each a
 * schema from this folder, and the error codes it can answer (values of API_ERROR_CODES). The
 * emulator validates requests from these and generates its served OpenAPI document from them.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { type ApiErrorCode } from './errors';
import * as E from './executions';
import * as P from './packages';
import * as S from './schedules';
import * as N from './snmp';
import * as A from './audit';
import * as K from './secrets';
import * as GK from './gatewayKeys';
import * as PR from './promotion';
import * as DR from './draftRuns';
import { TrapListQuery } from '../../snmp/trapLog';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface ApiResponseSpec {
  description: string;
  /** The JSON body (absent: no body, or `contentType` says what it is). */
  schema?: TSchema;
  /** A non-JSON answer: `application/zip`, `text/event-stream`. */
  contentType?: string;
  /** True when the answer carries a `Location` header naming the created or started resource. */
  location?: boolean;
}

/**
 * Who may call an operation (one middleware of the gateway applies it; the OpenAPI document shows it):
 * - `public`: anyone, no token;
 * - `admin`: a caller in one of the gateway's Admin groups;
 * - `execute`: starting a flow — a version with no groups lets anyone, one with groups needs a member or an Admin;
 * - `read-executions`: Admin sees every execution, other callers those of versions whose groups they are in.
 * A missing or bad token is 401 (`WWW-Authenticate: Bearer`), a valid one without the right 403.
 */
/** The one OAuth scope of the gateway API (what a caller may do follows its groups, not scopes). */
export const API_SCOPE = 'flowgate';

export type ApiAccess = 'public' | 'admin' | 'execute' | 'read-executions';
export const API_ACCESS_KINDS: readonly ApiAccess[] = ['public', 'admin', 'execute', 'read-executions'];

export interface ApiOperation {
  access: ApiAccess;
  method: HttpMethod;
  /** OpenAPI form: `/api/v1/packages/{name}`. */
  path: string;
  summary: string;
  description?: string;
  params?: TSchema;
  query?: TSchema;
  /** A JSON body (`application/json` or `+json`). */
  body?: { schema: TSchema; required: boolean };
  /** A binary body and the content types accepted for it. */
  binaryBody?: { contentTypes: readonly string[]; maxBytes: number };
  responses: Record<number, ApiResponseSpec>;
  /** Request headers the operation reads (beyond content type). */
  headers?: TSchema;
  /** The error codes per status this operation can answer (see errorsOf for all of them). */
  errors: Partial<Record<number, readonly ApiErrorCode[]>>;
  /** It changes the gateway's stored state, so a full disk refuses it (507 quota-exceeded, nothing changed). */
  changesState?: true;
  /** A management action that changes no stored package state (running a schedule, stopping executions): audited all the same. */
  audited?: true;
}

/** Management actions: Admin operations that change state or act; each leaves one record in the audit log. */
export const isManagementAction = (o: ApiOperation): boolean => o.access === 'admin' && (o.changesState === true || o.audited === true);

/** Content types a package upload accepts (the client sends application/zip). */
export const PACKAGE_UPLOAD_TYPES = ['application/zip', 'application/octet-stream'] as const;

const op = (o: ApiOperation): ApiOperation => o;
const pkgErrors = ['package-not-found', 'version-not-found'] as const;
const packageState = (summary: string, extra: ApiOperation['errors'] = {}) =>
  op({
    access: 'admin',
    method: 'post',
    path: '',
    summary,
    params: P.VersionParams,
    changesState: true,
    responses: { 200: { description: 'The package after the change', schema: P.PackageSummary } },
    errors: { 400: ['bad-request'], 404: pkgErrors, ...extra },
  });
const at = (path: string, o: ApiOperation): ApiOperation => ({ ...o, path });

export const API_OPERATIONS = {
  health: op({
    access: 'public',
    method: 'get',
    path: '/healthz',
    summary: 'Liveness, gateway name and version, and the real SNMP trap port (snmpPort)',
    responses: { 200: { description: 'Alive', schema: P.HealthResponse } },
    errors: {},
  }),
  gatewayKeys: op({
    access: 'public',
    method: 'get',
    path: '/api/v1/gateway/keys',
    summary: "This gateway's public package-signing keys (kid = RFC 7638 thumbprint, Ed25519 JWK, one current): other gateways and CI pin trust with them",
    responses: { 200: { description: 'The public keys (never a private member)', schema: GK.GatewayKeysResponse } },
    errors: {},
  }),
  openapi: op({
    access: 'public',
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document (OpenAPI 3.1), generated from the schemas the gateway validates with',
    responses: { 200: { description: 'The OpenAPI document', schema: Type.Object({}, { additionalProperties: true }) } },
    errors: {},
  }),
  listPackages: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages',
    summary: 'Packages, each with its versions',
    responses: { 200: { description: 'Packages', schema: P.PackageListResponse } },
    errors: {},
  }),
  uploadPackage: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/packages',
    summary: 'Upload a package file (.fgpkg)',
    description: `The body is the zip (application/zip or application/octet-stream), at most ${LIMITS.packageFileBytes} bytes.`,
    binaryBody: { contentTypes: PACKAGE_UPLOAD_TYPES, maxBytes: LIMITS.packageFileBytes },
    query: PR.UploadQuery,
    responses: {
      201: { description: 'Version created', schema: P.UploadResponse, location: true },
      200: { description: 'Identical version already present (no-op)', schema: P.UploadResponse },
    },
    errors: {
      400: ['invalid-package-file', 'bad-request', 'invalid-signature', 'untrusted-signer'],
      403: ['protected-target'],
      409: ['version-conflict'],
      413: ['payload-too-large', 'quota-exceeded'],
      415: ['unsupported-media-type'],
      507: ['quota-exceeded'],
    },
  }),
  getPackage: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages/{name}',
    summary: 'One package',
    params: P.PackageParams,
    responses: { 200: { description: 'The package', schema: P.PackageSummary } },
    errors: { 400: ['bad-request'], 404: ['package-not-found'] },
  }),
  deletePackage: op({
    access: 'admin',
    changesState: true,
    method: 'delete',
    path: '/api/v1/packages/{name}',
    summary: 'Remove a package none of whose versions is published (Admin)',
    params: P.PackageParams,
    responses: { 200: { description: 'Removed', schema: P.DeleteResponse } },
    errors: { 400: ['bad-request'], 404: ['package-not-found'], 409: ['version-published'] },
  }),
  setDefaultPackage: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/packages/{name}/default',
    summary: 'Make the package the default package',
    params: P.PackageParams,
    responses: { 200: { description: 'The package', schema: P.PackageSummary } },
    errors: { 400: ['bad-request'], 404: ['package-not-found'], 409: ['not-published'] },
  }),
  getVersion: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages/{name}/versions/{version}',
    summary: 'One package version, with its flows and their inputs and outputs',
    params: P.VersionParams,
    responses: { 200: { description: 'The version', schema: P.PackageVersionDetail } },
    errors: { 400: ['bad-request'], 404: pkgErrors },
  }),
  deleteVersion: op({
    access: 'admin',
    changesState: true,
    method: 'delete',
    path: '/api/v1/packages/{name}/versions/{version}',
    summary: 'Remove an unpublished package version (Admin)',
    params: P.VersionParams,
    responses: { 200: { description: 'Removed', schema: P.DeleteResponse } },
    errors: { 400: ['bad-request'], 404: pkgErrors, 409: ['version-published'] },
  }),
  versionFile: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages/{name}/versions/{version}/file',
    summary: 'The version as a package file',
    description:
      "The .fgpkg: re-imports on any gateway as this name and version, with the version's current authorisation, schedules and triggers (never secrets). Uploading it here again is a no-op.",
    params: P.VersionParams,
    responses: { 200: { description: 'The package file', contentType: 'application/zip' } },
    errors: { 400: ['bad-request'], 404: pkgErrors },
  }),
  newVersion: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/packages/{name}/versions/{version}/new-version',
    summary: 'Create New Version: a new version (highest + 1) from this one',
    description:
      "Adds definitions from the repository, removes some of this version's, updates some to the repository's current text. Flows that added or updated flows run come along. The new version is SUBMITTED and unpublished and inherits copies of this version's authorisation, schedules and triggers.",
    params: P.VersionParams,
    body: { schema: P.NewVersionRequest, required: false },
    responses: { 201: { description: 'The new version', schema: P.PackageVersionDetail, location: true } },
    errors: { 400: ['bad-request'], 403: ['protected-target'], 404: pkgErrors, 413: ['payload-too-large', 'quota-exceeded'], 415: ['unsupported-media-type'], 507: ['quota-exceeded'] },
  }),
  publish: at('/api/v1/packages/{name}/versions/{version}/publish', packageState('Publish the version (no-op when published)')),
  unpublish: at('/api/v1/packages/{name}/versions/{version}/unpublish', packageState('Unpublish the version: no new executions; running ones finish')),
  setDefaultVersion: at(
    '/api/v1/packages/{name}/versions/{version}/default',
    packageState('Make the version the explicit default version', { 409: ['not-published'] }),
  ),

  getAuthorisation: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages/{name}/versions/{version}/authorisation',
    summary: "The version's authorisation: the directory groups whose members may execute its flows",
    params: P.VersionParams,
    responses: { 200: { description: 'The groups (empty: anyone may execute)', schema: P.AuthorisationBody } },
    errors: { 400: ['bad-request'], 404: pkgErrors },
  }),
  setAuthorisation: op({
    access: 'admin',
    changesState: true,
    method: 'put',
    path: '/api/v1/packages/{name}/versions/{version}/authorisation',
    summary: "Change the version's authorisation",
    description: "Every group must exist in the gateway's directory (400 naming each unknown one, `groups[i]`; with an LDAP directory the names are LDAP groups' cn, and 503 directory-unavailable when it does not answer). New versions made from this one inherit it; its package file carries it.",
    params: P.VersionParams,
    body: { schema: P.AuthorisationBody, required: true },
    responses: { 200: { description: 'The groups now', schema: P.AuthorisationBody } },
    errors: { 400: ['bad-request'], 404: pkgErrors, 413: ['payload-too-large'], 415: ['unsupported-media-type'], 503: ['directory-unavailable'] },
  }),

  // ---- schedules ----
  listSchedules: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages/{name}/versions/{version}/schedules',
    summary: 'Schedules of a package version',
    params: P.VersionParams,
    responses: { 200: { description: 'Schedules', schema: S.ScheduleListResponse } },
    errors: { 400: ['bad-request'], 404: pkgErrors },
  }),
  createSchedule: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/packages/{name}/versions/{version}/schedules',
    summary: 'Create a schedule',
    params: P.VersionParams,
    body: { schema: S.ScheduleBody, required: true },
    responses: { 201: { description: 'The schedule', schema: S.ScheduleResponse, location: true } },
    errors: { 400: ['bad-request'], 404: pkgErrors, 409: ['already-exists'], 413: ['payload-too-large', 'quota-exceeded'], 415: ['unsupported-media-type'] },
  }),
  getSchedule: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages/{name}/versions/{version}/schedules/{id}',
    summary: 'One schedule, with its next runs and recent firings',
    params: S.ScheduleParams,
    responses: { 200: { description: 'The schedule', schema: S.ScheduleResponse } },
    errors: { 400: ['bad-request'], 404: ['not-found', ...pkgErrors] },
  }),
  replaceSchedule: op({
    access: 'admin',
    changesState: true,
    method: 'put',
    path: '/api/v1/packages/{name}/versions/{version}/schedules/{id}',
    summary: 'Replace a schedule (enable / disable with `enabled`)',
    params: S.ScheduleParams,
    body: { schema: S.ScheduleBody, required: true },
    responses: { 200: { description: 'The schedule', schema: S.ScheduleResponse } },
    errors: { 400: ['bad-request'], 404: ['not-found', ...pkgErrors], 409: ['already-exists'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),
  deleteSchedule: op({
    access: 'admin',
    changesState: true,
    method: 'delete',
    path: '/api/v1/packages/{name}/versions/{version}/schedules/{id}',
    summary: 'Delete a schedule',
    params: S.ScheduleParams,
    responses: { 204: { description: 'Deleted' } },
    errors: { 400: ['bad-request'], 404: ['not-found', ...pkgErrors] },
  }),
  runSchedule: op({
    access: 'admin',
    audited: true,
    method: 'post',
    path: '/api/v1/packages/{name}/versions/{version}/schedules/{id}/run',
    summary: "Run the schedule's flow now, as the schedule would (also when disabled)",
    params: S.ScheduleParams,
    responses: { 202: { description: 'Started', schema: E.ExecutionStartedResponse, location: true } },
    errors: { 400: ['bad-request'], 404: ['not-found', ...pkgErrors], 409: ['not-published'], 429: ['too-many-executions'] },
  }),
  cronPreview: op({
    access: 'admin',
    method: 'post',
    path: '/api/v1/cron/preview',
    summary: 'The next run times of a cron expression in a time zone, in words, with notes',
    body: { schema: S.CronPreviewRequest, required: true },
    responses: { 200: { description: 'The preview', schema: S.CronPreviewResponse } },
    errors: { 400: ['bad-request', 'budget-exceeded'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),

  // ---- SNMP ----
  listTriggers: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages/{name}/versions/{version}/triggers',
    summary: "The version's SNMP triggers",
    params: P.VersionParams,
    responses: { 200: { description: 'Triggers', schema: N.TriggerListResponse } },
    errors: { 400: ['bad-request'], 404: pkgErrors },
  }),
  createTrigger: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/packages/{name}/versions/{version}/triggers',
    summary: 'Create a trigger',
    description:
      'Conditions: deviceAddress and agentAddress (IPv4, comma list, range a-b with a <= b, CIDR, *), devicePort (port, list, range, *), trapOid (OID, list, range compared component by component, *), version v1 (community, agentAddress) / v2c (community) / v3 (users of this gateway). Inputs and pduVariable are checked against the flow.',
    params: P.VersionParams,
    body: { schema: N.TriggerBody, required: true },
    responses: { 201: { description: 'The trigger, with id and defaults', schema: N.Trigger, location: true } },
    errors: { 400: ['bad-request'], 404: pkgErrors, 409: ['already-exists'], 413: ['payload-too-large', 'quota-exceeded'], 415: ['unsupported-media-type'] },
  }),
  getTrigger: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages/{name}/versions/{version}/triggers/{id}',
    summary: 'One trigger',
    params: N.TriggerParams,
    responses: { 200: { description: 'The trigger', schema: N.Trigger } },
    errors: { 400: ['bad-request'], 404: ['not-found', ...pkgErrors] },
  }),
  replaceTrigger: op({
    access: 'admin',
    changesState: true,
    method: 'put',
    path: '/api/v1/packages/{name}/versions/{version}/triggers/{id}',
    summary: 'Replace a trigger',
    params: N.TriggerParams,
    body: { schema: N.TriggerBody, required: true },
    responses: { 200: { description: 'The trigger', schema: N.Trigger } },
    errors: { 400: ['bad-request'], 404: ['not-found', ...pkgErrors], 409: ['already-exists'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),
  deleteTrigger: op({
    access: 'admin',
    changesState: true,
    method: 'delete',
    path: '/api/v1/packages/{name}/versions/{version}/triggers/{id}',
    summary: 'Delete a trigger',
    params: N.TriggerParams,
    responses: { 204: { description: 'Deleted' } },
    errors: { 400: ['bad-request'], 404: ['not-found', ...pkgErrors] },
  }),
  listTraps: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/snmp/traps',
    summary: "Recent traps received (the last 500, newest first, paged), each with every trigger's evaluation",
    description:
      'Every community is accepted and recorded, masked (`***`: communities are the devices\' credentials; `communityMatched` says whether a trigger lists it); trigger conditions decide what runs. Per trigger: published, enabled, then deviceAddress, devicePort, trapOid, version, community, agentAddress, users — the first that fails is `failed`. A page holds at most `limit` traps and 20,000 evaluations (at least one trap); `next` is the `after` of the following page.',
    query: TrapListQuery,
    responses: { 200: { description: 'Traps', schema: N.TrapListResponse } },
    errors: { 400: ['bad-request'] },
  }),
  evaluateTrap: op({
    access: 'admin',
    method: 'post',
    path: '/api/v1/snmp/evaluate',
    summary: 'Evaluate a described trap against every trigger; nothing is started',
    body: { schema: N.EvaluateTrapRequest, required: true },
    responses: { 200: { description: 'Evaluations', schema: N.EvaluateTrapResponse } },
    errors: { 400: ['bad-request'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),
  listSnmpUsers: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/snmp/users',
    summary: "The gateway's SNMPv3 users (keys are write-only and never returned)",
    responses: { 200: { description: 'Users', schema: N.SnmpUserListResponse } },
    errors: {},
  }),
  createSnmpUser: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/snmp/users',
    summary: 'Create an SNMPv3 user',
    body: { schema: N.SnmpUserBody, required: true },
    responses: { 201: { description: 'The user, without keys', schema: N.SnmpUserSummary, location: true } },
    errors: { 400: ['bad-request'], 409: ['already-exists'], 413: ['payload-too-large', 'quota-exceeded'], 415: ['unsupported-media-type'] },
  }),
  getSnmpUser: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/snmp/users/{name}',
    summary: 'One SNMPv3 user, without keys',
    params: N.SnmpUserParams,
    responses: { 200: { description: 'The user', schema: N.SnmpUserSummary } },
    errors: { 400: ['bad-request'], 404: ['not-found'] },
  }),
  putSnmpUser: op({
    access: 'admin',
    changesState: true,
    method: 'put',
    path: '/api/v1/snmp/users/{name}',
    summary: 'Create or replace an SNMPv3 user',
    description: 'Keys may be left out when the user exists and its protocols stay: the stored keys are kept.',
    params: N.SnmpUserParams,
    body: { schema: N.SnmpUserBody, required: true },
    responses: {
      200: { description: 'Replaced', schema: N.SnmpUserSummary },
      201: { description: 'Created', schema: N.SnmpUserSummary, location: true },
    },
    errors: { 400: ['bad-request'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),
  deleteSnmpUser: op({
    access: 'admin',
    changesState: true,
    method: 'delete',
    path: '/api/v1/snmp/users/{name}',
    summary: 'Delete an SNMPv3 user',
    params: N.SnmpUserParams,
    responses: { 204: { description: 'Deleted' } },
    errors: { 400: ['bad-request'], 404: ['not-found'] },
  }),

  // ---- connection secrets (values write-only) ----
  listSecrets: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/secrets',
    summary: "The gateway's connection secrets: names, grants and times (values are write-only and never returned)",
    responses: { 200: { description: 'Secrets', schema: K.SecretListResponse } },
    errors: {},
  }),
  getSecret: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/secrets/{name}',
    summary: 'One connection secret: name, grants and times, never the value',
    params: K.SecretParams,
    responses: { 200: { description: 'The secret', schema: K.SecretSummary } },
    errors: { 400: ['bad-request'], 404: ['not-found'] },
  }),
  putSecret: op({
    access: 'admin',
    changesState: true,
    method: 'put',
    path: '/api/v1/secrets/{name}',
    summary: 'Set a connection secret: its value, and the connections (package and connection) it is granted to',
    description:
      `The value (${LIMITS.secretValueMin} to ${LIMITS.secretValueLength} characters) is sealed at rest and never answered, logged or audited. ` +
      '`grants` left out: none for a new secret, unchanged for an existing one. A grant names a package and one of its connections: ' +
      "only that package's connection resolves the secret; a connection of the same name in another package gets nothing.",
    params: K.SecretParams,
    body: { schema: K.PutSecretRequest, required: true },
    responses: {
      200: { description: 'Replaced', schema: K.SecretSummary },
      201: { description: 'Created', schema: K.SecretSummary, location: true },
    },
    errors: { 400: ['bad-request'], 413: ['payload-too-large', 'quota-exceeded'], 415: ['unsupported-media-type'] },
  }),
  putSecretGrants: op({
    access: 'admin',
    changesState: true,
    method: 'put',
    path: '/api/v1/secrets/{name}/grants',
    summary: "Replace a secret's grants without sending its value again",
    params: K.SecretParams,
    body: { schema: K.PutSecretGrantsRequest, required: true },
    responses: { 200: { description: 'The secret', schema: K.SecretSummary } },
    errors: { 400: ['bad-request'], 404: ['not-found'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),
  deleteSecret: op({
    access: 'admin',
    changesState: true,
    method: 'delete',
    path: '/api/v1/secrets/{name}',
    summary: 'Delete a connection secret',
    params: K.SecretParams,
    responses: { 204: { description: 'Deleted' } },
    errors: { 400: ['bad-request'], 404: ['not-found'] },
  }),

  // ---- executions ----
  startExecution: op({
    access: 'execute',
    method: 'post',
    path: '/api/{tenant}/{system}/flows/{flow}/executions',
    summary: 'Start an execution of a flow',
    description:
      'The flow is a full id, URL-encoded as one segment (network%2Fcore%2FRestart-Service, what clients send), or as several plain path segments (network/core/Restart-Service), or a bare name that is unique in the version. ' +
      'Without packageName / packageVersion the default package / default version is used. Inputs are checked before anything starts. The body may be left out (no inputs).',
    params: E.StartExecutionParams,
    query: E.StartExecutionQuery,
    headers: Type.Object({
      'x-flowgate-execution': Type.Optional(
        Type.String({
          maxLength: LIMITS.shortStringLength,
          description:
            "Sent by a flow's http step when the gateway calls itself (--allow-self-calls): the running execution that makes the call, signed by this gateway. The new execution joins that execution's tree (its bounds, and stopping the root stops it). A header this gateway did not sign is a 400.",
        }),
      ),
    }),
    body: { schema: E.StartExecutionRequest, required: false },
    responses: {
      200: { description: 'Synchronous run ended (or was stopped)', schema: E.ExecutionResultResponse },
      202: { description: 'Asynchronous run started', schema: E.ExecutionStartedResponse, location: true },
    },
    errors: {
      400: ['invalid-inputs', 'ambiguous-flow', 'bad-request'],
      404: ['flow-not-found', 'package-not-found', 'version-not-found', 'not-found'],
      409: ['not-published', 'no-default-package', 'no-default-version'],
      413: ['payload-too-large'],
      415: ['unsupported-media-type'],
      429: ['too-many-executions', 'too-many-attempts'],
      500: ['flow-failed'],
    },
  }),
  listExecutions: op({
    access: 'read-executions',
    method: 'get',
    path: '/api/v1/executions',
    summary: 'Executions, newest first',
    query: E.ExecutionListQueryWire,
    responses: { 200: { description: 'Executions', schema: E.ExecutionListResponse } },
    errors: { 400: ['bad-request'] },
  }),
  executionEvents: op({
    access: 'read-executions',
    method: 'get',
    path: '/api/v1/executions/events',
    summary: 'Server-sent events of execution changes',
    description: 'One `execution` event (data: ExecutionSummary) each time an execution starts or changes status; `:` comments keep the stream alive.',
    responses: { 200: { description: 'The event stream', contentType: 'text/event-stream' } },
    errors: {},
  }),
  getExecution: op({
    access: 'read-executions',
    method: 'get',
    path: '/api/v1/executions/{id}',
    summary: 'One execution, with its log and children (running, or finished within the retention)',
    params: E.ExecutionParams,
    responses: { 200: { description: 'The execution', schema: E.ExecutionDetail } },
    errors: { 400: ['bad-request'], 404: ['execution-not-found'] },
  }),
  stopExecution: op({
    access: 'admin',
    audited: true,
    method: 'post',
    path: '/api/v1/executions/{id}/stop',
    summary: 'Stop an execution and its children',
    params: E.ExecutionParams,
    responses: { 200: { description: 'The execution after stopping', schema: E.ExecutionDetail } },
    errors: { 400: ['bad-request'], 404: ['execution-not-found'] },
  }),
  stopExecutions: op({
    access: 'admin',
    audited: true,
    method: 'post',
    path: '/api/v1/executions/stop',
    summary: 'Stop several executions and their children at once',
    body: { schema: E.StopExecutionsRequest, required: true },
    responses: { 200: { description: 'The executions after the stop, in the order asked; unknown ids in notFound', schema: E.StopExecutionsResponse } },
    errors: { 400: ['bad-request'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),
  listAudit: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/audit',
    summary: 'The audit log: every management action (who, what, target, when, from where, outcome) and refused client authentications, newest first, paged',
    description: `A page holds at most \`limit\` records (1 to ${LIMITS.auditPageSize}); \`next\` is the \`after\` of the following page. Filters: \`action\` (or operation id), \`package\`, \`since\`. One request reads at most ${LIMITS.auditScanBytes} bytes of the log: a filtered page may hold fewer records and still carry \`next\`.`,
    query: A.AuditQuery,
    responses: { 200: { description: 'Records', schema: A.AuditListResponse } },
    errors: { 400: ['bad-request'] },
  }),
  listDirectoryGroups: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/directory/groups',
    summary: "The directory's groups (what a version's authorisation may name), with direct member counts for the embedded directory",
    description: 'With an LDAP directory: the cn of the groups under its groupBase matching its groupFilter (no member counts), read from the server each time; 503 directory-unavailable when it does not answer.',
    responses: { 200: { description: 'Groups', schema: A.DirectoryGroupsResponse } },
    errors: { 503: ['directory-unavailable'] },
  }),
  listDefinitions: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/definitions',
    summary: 'The repository: flows and connections, with folders',
    responses: { 200: { description: 'Definitions', schema: P.DefinitionListResponse } },
    errors: {},
  }),
  // ---- promotion: source side ----
  withdrawVersion: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/packages/{name}/versions/{version}/withdraw',
    summary: 'Source: withdraw a SUBMITTED version no target has pulled (it is no longer offered; status OPEN)',
    params: P.VersionParams,
    responses: { 200: { description: 'The package after the change', schema: P.PackageSummary } },
    errors: { 400: ['bad-request'], 404: pkgErrors, 409: ['not-submitted', 'already-pulled'] },
  }),
  versionHistory: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/packages/{name}/versions/{version}/history',
    summary: 'Source: what each target did with the version (ACCEPTED, PROMOTED, REJECTED with reason), oldest first',
    params: P.VersionParams,
    responses: { 200: { description: 'Status, latest state per target, and every event', schema: PR.VersionHistoryResponse } },
    errors: { 400: ['bad-request'], 404: pkgErrors },
  }),
  recordVersionEvent: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/packages/{name}/versions/{version}/history',
    summary: "Source: a target reports what it did with the version (called by the target's outbox)",
    description: 'Idempotent by the event id: a notice delivered twice is recorded once (recorded: false). An event about other content than the version holds is 409 version-conflict.',
    params: P.VersionParams,
    body: { schema: PR.RecordEventRequest, required: true },
    responses: { 200: { description: 'Recorded (or already recorded)', schema: PR.RecordEventResponse } },
    errors: { 400: ['bad-request'], 404: pkgErrors, 409: ['version-conflict', 'not-submitted'], 413: ['payload-too-large', 'quota-exceeded'], 415: ['unsupported-media-type'] },
  }),
  remoteValidate: op({
    access: 'admin',
    method: 'post',
    path: '/api/v1/validate',
    summary: "Remote validation: which of a draft's outside references and connection secrets this gateway lacks",
    body: { schema: PR.RemoteValidateRequest, required: true },
    responses: { 200: { description: 'What is missing here (empty: the draft would validate here)', schema: PR.RemoteValidateResponse } },
    errors: { 400: ['bad-request'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),

  // ---- authoring ----
  draftRun: op({
    access: 'admin',
    audited: true,
    method: 'post',
    path: '/api/v1/draft-runs',
    summary: 'Run workspace files as they are (a draft run): not a published version, recorded as an execution marked draft',
    description:
      "The files are parsed and validated with the same code as VS Code and the command line; the flow, the flows it runs and the connections they use must have no errors (400 validation-failed, a detail per problem naming `files[\"<path>\"]` and its line). Nothing is stored in the repository. Child flows and connections come only from the files; a connection's secret resolves only when a package draft among the files holds the flow, as it would for that package. Refused on a protected target. Otherwise like a start: inputs checked (400 invalid-inputs), 200 with outputs, 500 flow-failed, 202 with mode async.",
    body: { schema: DR.DraftRunRequest, required: true },
    responses: {
      200: { description: 'The draft run ended', schema: DR.DraftRunResultResponse },
      202: { description: 'Started (mode async)', schema: DR.DraftRunStartedResponse, location: true },
    },
    errors: {
      400: ['bad-request', 'validation-failed', 'invalid-inputs', 'ambiguous-flow'],
      403: ['protected-target'],
      404: ['flow-not-found'],
      413: ['payload-too-large'],
      415: ['unsupported-media-type'],
      429: ['too-many-executions'],
      500: ['flow-failed'],
    },
  }),

  // ---- promotion: target side ----
  listSources: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/sources',
    summary: "Target: the source gateways configured in gateway.yaml (URL and trusted signer keys; never the credential)",
    responses: { 200: { description: 'Sources', schema: PR.SourceListResponse } },
    errors: {},
  }),
  sourcePackages: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/sources/{source}/packages',
    summary: 'Target: the versions a source offers to pull, each with this gateway\'s import of it if any',
    params: PR.SourceParams,
    responses: { 200: { description: 'Offered versions', schema: PR.SourcePackagesResponse } },
    errors: { 400: ['bad-request'], 404: ['source-not-found'], 502: ['source-unavailable'] },
  }),
  createImport: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/imports',
    summary: 'Target: pull a version from a source → an OPEN import (the source shows ACCEPTED)',
    description: "The file is downloaded over the source's API with this gateway's credential for it, and its signature verified against the source's trusted keys before anything is unpacked. Pulling a version already pulled changes nothing (created: false).",
    body: { schema: PR.ImportRequest, required: true },
    responses: {
      201: { description: 'Pulled', schema: PR.ImportCreatedResponse, location: true },
      200: { description: 'Already pulled (nothing changed)', schema: PR.ImportCreatedResponse },
    },
    errors: {
      400: ['bad-request', 'invalid-package-file', 'invalid-signature', 'untrusted-signer'],
      404: ['source-not-found', 'package-not-found', 'version-not-found'],
      409: ['version-conflict', 'rollback-refused', 'not-submitted'],
      413: ['payload-too-large', 'quota-exceeded'],
      415: ['unsupported-media-type'],
      502: ['source-unavailable'],
    },
  }),
  listImports: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/imports',
    summary: 'Target: every import, newest first',
    responses: { 200: { description: 'Imports', schema: PR.ImportListResponse } },
    errors: {},
  }),
  getImport: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/imports/{id}',
    summary: 'Target: one import with its instructions, definitions, replacements and validation against this gateway',
    params: PR.ImportParams,
    responses: { 200: { description: 'The import', schema: PR.ImportDetail } },
    errors: { 400: ['bad-request'], 404: ['import-not-found'] },
  }),
  putReplacements: op({
    access: 'admin',
    changesState: true,
    method: 'put',
    path: '/api/v1/imports/{id}/replacements',
    summary: 'Target: the reference replacements apply makes (connection crm-dev → crm-prod); replaces the list',
    params: PR.ImportParams,
    body: { schema: PR.ReplacementsRequest, required: true },
    responses: { 200: { description: 'The import, validated again', schema: PR.ImportDetail } },
    errors: { 400: ['bad-request'], 404: ['import-not-found'], 409: ['import-closed'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),
  importPreview: op({
    access: 'admin',
    method: 'get',
    path: '/api/v1/imports/{id}/preview',
    summary: "Target: what apply would write, per definition: new, changed (with a diff against the repository's text) or unchanged",
    params: PR.ImportParams,
    responses: { 200: { description: 'The preview', schema: PR.PreviewResponse } },
    errors: { 400: ['bad-request'], 404: ['import-not-found'] },
  }),
  applyImport: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/imports/{id}/apply',
    summary: "Target: insert or update the definitions, create the version APPLIED (publishable here); the source is told PROMOTED",
    description: 'Refused while validation errors remain (409 validation-failed, each problem a detail). Applying an applied import changes nothing (changed: false).',
    params: PR.ImportParams,
    body: { schema: PR.ApplyRequest, required: false },
    responses: { 200: { description: 'Applied (or already applied)', schema: PR.ImportActionResponse } },
    errors: { 400: ['bad-request'], 404: ['import-not-found'], 409: ['validation-failed', 'import-closed', 'version-conflict', 'rollback-refused'], 413: ['payload-too-large', 'quota-exceeded'], 415: ['unsupported-media-type'], 507: ['quota-exceeded'] },
  }),
  rejectImport: op({
    access: 'admin',
    changesState: true,
    method: 'post',
    path: '/api/v1/imports/{id}/reject',
    summary: 'Target: reject the import with a reason; REJECTED here and, told through the outbox, at the source',
    params: PR.ImportParams,
    body: { schema: PR.RejectRequest, required: true },
    responses: { 200: { description: 'Rejected (or already rejected)', schema: PR.ImportActionResponse } },
    errors: { 400: ['bad-request'], 404: ['import-not-found'], 409: ['import-closed'], 413: ['payload-too-large'], 415: ['unsupported-media-type'] },
  }),
} satisfies Record<string, ApiOperation>;

export type ApiOperationId = keyof typeof API_OPERATIONS;

/** Codes any operation may answer: refused browser origins and hosts, and the last-resort error. */
export const COMMON_ERRORS: Partial<Record<number, readonly ApiErrorCode[]>> = {
  403: ['forbidden-origin'],
  421: ['misdirected-request'],
  500: ['internal'],
};

/** Codes a state-changing operation may also answer: the disk is full (the store keeps its state). */
export const STATE_CHANGE_ERRORS: Partial<Record<number, readonly ApiErrorCode[]>> = {
  507: ['quota-exceeded'],
};

/** Every code an operation can answer, per status: its own, COMMON_ERRORS, and STATE_CHANGE_ERRORS when it changes state. */
/** What each kind of access can answer: 401 (no or a bad token) and 403 (a valid one without the right). */
/** 503 directory-unavailable: the caller is a user (Basic credentials, a person's token) and the LDAP directory does not answer. */
const ACCESS_ERRORS: Record<ApiAccess, ApiOperation['errors']> = {
  public: {},
  admin: { 401: ['unauthorized'], 403: ['forbidden'], 503: ['directory-unavailable'] },
  execute: { 401: ['unauthorized'], 403: ['forbidden'], 503: ['directory-unavailable'] },
  'read-executions': { 401: ['unauthorized'], 503: ['directory-unavailable'] },
};

export function errorsOf(o: ApiOperation): Record<number, ApiErrorCode[]> {
  const out: Record<number, ApiErrorCode[]> = {};
  for (const table of [o.errors, COMMON_ERRORS, ACCESS_ERRORS[o.access], o.changesState ? STATE_CHANGE_ERRORS : {}]) {
    for (const [status, codes] of Object.entries(table)) {
      const list = (out[Number(status)] ??= []);
      for (const c of codes ?? []) if (!list.includes(c)) list.push(c);
    }
  }
  return out;
}

/** Named schemas: the document's components. */
export const API_COMPONENTS: Record<string, TSchema> = {
  HealthResponse: P.HealthResponse,
  PackageSummary: P.PackageSummary,
  PackageVersionSummary: P.PackageVersionSummary,
  PackageVersionDetail: P.PackageVersionDetail,
  ManifestDefinition: P.ManifestDefinition,
  FlowSignature: P.FlowSignature,
  UploadResponse: P.UploadResponse,
  DeleteResponse: P.DeleteResponse,
  NewVersionRequest: P.NewVersionRequest,
  DefinitionSummary: P.DefinitionSummary,
  ExecutionStatus: E.ExecutionStatus,
  Initiator: E.Initiator,
  StartExecutionRequest: E.StartExecutionRequest,
  ExecutionResultResponse: E.ExecutionResultResponse,
  ExecutionStartedResponse: E.ExecutionStartedResponse,
  ExecutionSummary: E.ExecutionSummary,
  ExecutionLogEntry: E.ExecutionLogEntry,
  ExecutionDetail: E.ExecutionDetail,
  StopExecutionsRequest: E.StopExecutionsRequest,
  StopExecutionsResponse: E.StopExecutionsResponse,
  ScheduleBody: S.ScheduleBody,
  ScheduleResponse: S.ScheduleResponse,
  ScheduleFiring: S.ScheduleFiring,
  CronPreviewRequest: S.CronPreviewRequest,
  CronPreviewResponse: S.CronPreviewResponse,
  TriggerConditions: N.TriggerConditions,
  TriggerBody: N.TriggerBody,
  Trigger: N.Trigger,
  TrapPdu: N.TrapPdu,
  TriggerEvaluation: N.TriggerEvaluation,
  TrapRecord: N.TrapRecord,
  EvaluateTrapRequest: N.EvaluateTrapRequest,
  SnmpUserBody: N.SnmpUserBody,
  SnmpUserSummary: N.SnmpUserSummary,
  AuditRecord: A.AuditRecord,
  SecretGrant: K.SecretGrant,
  PutSecretRequest: K.PutSecretRequest,
  SecretSummary: K.SecretSummary,
  DirectoryGroup: A.DirectoryGroup,
  HistoryEntry: PR.HistoryEntry,
  VersionHistoryResponse: PR.VersionHistoryResponse,
  RecordEventRequest: PR.RecordEventRequest,
  SourceSummary: PR.SourceSummary,
  OfferedVersion: PR.OfferedVersion,
  ImportRequest: PR.ImportRequest,
  Replacement: PR.Replacement,
  ValidationProblem: PR.ValidationProblem,
  ImportSummary: PR.ImportSummary,
  ImportDetail: PR.ImportDetail,
  PreviewEntry: PR.PreviewEntry,
  RemoteValidateRequest: PR.RemoteValidateRequest,
  RemoteValidateResponse: PR.RemoteValidateResponse,
  GatewayKey: GK.GatewayKey,
  DraftRunRequest: DR.DraftRunRequest,
  DraftRunResultResponse: DR.DraftRunResultResponse,
  DraftRunStartedResponse: DR.DraftRunStartedResponse,
};
