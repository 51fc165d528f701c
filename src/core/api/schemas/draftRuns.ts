/**
 * Draft runs (`POST /api/v1/draft-runs`, Admin): run workspace files as they are in the editor —
 * not a published version. The gateway parses and validates the files with core's workspace and
 * validator (core/draft/draftRun.ts), runs the flow through its engine as an execution marked
 * `draft: true`, and never stores the files.
 */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { ExecutionStatus } from './executions';
import { Id, JsonObject, NO_CONTROL_CHARS, Str } from './common';

export const DraftRunRequest = Type.Object(
  {
    files: Type.Record(
      Type.String({ minLength: 1, maxLength: LIMITS.draftRunPathLength }),
      Type.String({ maxLength: LIMITS.yamlFileBytes }),
      {
        minProperties: 1,
        maxProperties: LIMITS.draftRunFiles,
        description: `Workspace-relative paths (flows/…/X.flow.yaml, connections/X.connection.yaml, packages/X.package.yaml) → their text as in the editor; at most ${LIMITS.draftRunFiles} files and ${LIMITS.draftRunBytes} characters in all`,
      },
    ),
    flow: Str({ min: 1, max: LIMITS.definitionIdLength, pattern: NO_CONTROL_CHARS, description: 'The flow to run: its id (`network/core/X`) or unique bare name among the files' }),
    inputVariables: Type.Optional(JsonObject("Values of the flow's inputs")),
    mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')], { default: 'sync', description: 'sync (default): wait for the end; async: 202 with the execution id at once' })),
  },
  { additionalProperties: false },
);

/** 200: the draft run ended (an error in the flow is a 500 flow-failed, as for a start). */
export const DraftRunResultResponse = Type.Object({
  executionId: Id,
  status: ExecutionStatus,
  outputVariables: JsonObject(),
  draft: Type.Literal(true),
  flow: Str({ max: LIMITS.definitionIdLength, description: 'The full id of the flow that ran' }),
});

/** 202: an asynchronous draft run started. */
export const DraftRunStartedResponse = Type.Object({
  executionId: Id,
  draft: Type.Literal(true),
  flow: Str({ max: LIMITS.definitionIdLength, description: 'The full id of the flow that runs' }),
});
