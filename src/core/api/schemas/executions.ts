/** Starting, listing, reading and stopping executions. */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { Enum, Id, Instant, JsonObject, List, NO_CONTROL_CHARS, PackageName, Str, Text, Version } from './common';

export const EXECUTION_STATUSES = ['Running', 'Stopping', 'Stopped', 'Ended', 'Error'] as const;
export const ExecutionStatus = Enum(EXECUTION_STATUSES);

export const StartExecutionRequest = Type.Object(
  { inputVariables: Type.Optional(JsonObject("Values of the flow's inputs")) },
  { additionalProperties: false },
);

export const ExecutionMode = Enum(['sync', 'async'] as const);

/** The query of a start: all optional; package and version fall back to the defaults. */
export const StartExecutionQuery = Type.Object(
  {
    packageName: Type.Optional(PackageName),
    packageVersion: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,8}$', maxLength: 9, description: 'Package version (1 to 999999999)' })),
    mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')], { default: 'sync' })),
  },
  { additionalProperties: false },
);

/** The path of a start. The flow is a full id, URL-encoded (`network%2Fcore%2FX`) or as plain segments, or a bare name. */
export const StartExecutionParams = Type.Object({
  tenant: Type.Literal('default'),
  system: Type.Literal('default'),
  flow: Str({ min: 1, max: LIMITS.definitionIdLength, pattern: NO_CONTROL_CHARS, description: 'A flow id (URL-encoded or as several path segments) or a bare flow name' }),
});

export const ExecutionResultResponse = Type.Object({
  executionId: Id,
  status: ExecutionStatus,
  outputVariables: JsonObject(),
  packageName: PackageName,
  packageVersion: Version,
});

export const ExecutionStartedResponse = Type.Object({ executionId: Id, packageName: PackageName, packageVersion: Version });

/**
 * Who or what started an execution: a user (bearer token of a sign-in, or HTTP Basic), an OAuth
 * client (client-credentials token; `name` is its client_id), nobody known (a version with no
 * groups called without credentials), a schedule, a trigger, or a parent execution (run-flow step).
 */
export const Initiator = Type.Union([
  Type.Object({ type: Type.Literal('user'), name: Str() }),
  Type.Object({ type: Type.Literal('client'), name: Str() }),
  Type.Object({ type: Type.Literal('anonymous') }),
  Type.Object({ type: Type.Literal('schedule'), name: Str({ max: LIMITS.scheduleNameLength }), id: Id }),
  Type.Object({ type: Type.Literal('trigger'), name: Str(), id: Id }),
  Type.Object({ type: Type.Literal('flow'), executionId: Id }),
]);

export const ExecutionLogEntry = Type.Object({
  at: Instant(),
  level: Enum(['debug', 'info', 'warn', 'error'] as const),
  message: Text(),
  step: Type.Optional(Str({ max: LIMITS.textLength, description: 'The step label or kind and its path, e.g. `steps[2] run-flow`' })),
});

export const ExecutionSummary = Type.Object({
  id: Id,
  parentId: Type.Union([Id, Type.Null()]),
  rootId: Id,
  flow: Str({ max: LIMITS.definitionIdLength }),
  packageName: PackageName,
  packageVersion: Version,
  initiator: Initiator,
  executingOn: Str({ description: '`<name>.<host> (<IPv4>)`' }),
  status: ExecutionStatus,
  startedAt: Instant(),
  endedAt: Type.Union([Instant(), Type.Null()]),
  durationMs: Type.Number({ minimum: 0, description: 'Milliseconds; for a running execution, up to the time of the answer' }),
  draft: Type.Optional(
    Type.Literal(true, {
      description:
        'A draft run (POST /api/v1/draft-runs): workspace files as they were in the editor, not a published version. packageName and packageVersion then name the package draft that holds the flow and its next version (`workspace` 1 when none does)',
    }),
  ),
});

const MANY = 1_000_000;

export const ExecutionDetail = Type.Composite([
  ExecutionSummary,
  Type.Object({
    inputs: JsonObject(),
    outputs: Type.Union([JsonObject(), Type.Null()]),
    error: Type.Union([Type.Object({ code: Str(), message: Text(), step: Type.Optional(Str({ max: LIMITS.textLength })) }), Type.Null()]),
    log: List(ExecutionLogEntry, MANY),
    children: List(ExecutionSummary, MANY),
  }),
]);

const LIST_FILTERS = {
  status: Type.Optional(ExecutionStatus),
  packageName: Type.Optional(PackageName),
  flow: Type.Optional(Str({ max: LIMITS.definitionIdLength, description: 'Part of the flow id (case-insensitive)' })),
  startedAfter: Type.Optional(Instant('Only executions started at or after this time')),
  startedBefore: Type.Optional(Instant('Only executions started before this time')),
  after: Type.Optional(
    Str({ min: 1, max: LIMITS.shortStringLength, pattern: NO_CONTROL_CHARS, description: 'The cursor: the `next` of the previous page (continues after that execution, newest first)' }),
  ),
};

export const ExecutionListQuery = Type.Object(
  {
    ...LIST_FILTERS,
    packageVersion: Type.Optional(Version),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.executionListPage, description: `Executions per page (at most ${LIMITS.executionListPage}, the default)` })),
  },
  { additionalProperties: false },
);

/** The wire form of the list query (strings; repeated parameters are refused). */
export const ExecutionListQueryWire = Type.Object(
  {
    ...LIST_FILTERS,
    packageVersion: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,8}$', maxLength: 9, description: 'Package version (1 to 999999999)' })),
    limit: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,8}$', maxLength: 9, description: `Executions per page, 1 to ${LIMITS.executionListPage} (the default)` }),
    ),
  },
  { additionalProperties: false },
);

export const ExecutionListResponse = Type.Object({
  executions: List(ExecutionSummary, LIMITS.executionListPage, { description: 'One page, newest first' }),
  next: Type.Optional(Str({ min: 1, max: LIMITS.shortStringLength, pattern: NO_CONTROL_CHARS, description: 'Present when more executions match: pass it as `after` for the next page' })),
});

export const ExecutionParams = Type.Object({ id: Id });

export const StopExecutionsRequest = Type.Object(
  { ids: List(Str({ min: 1 }), LIMITS.stopIdsPerRequest, { min: 1 }) },
  { additionalProperties: false },
);

export const StopExecutionsResponse = Type.Object({
  executions: List(ExecutionSummary, LIMITS.stopIdsPerRequest, { description: 'The executions after the stop request, in the order asked' }),
  notFound: List(Str(), LIMITS.stopIdsPerRequest, { description: 'Ids that were not found' }),
});
