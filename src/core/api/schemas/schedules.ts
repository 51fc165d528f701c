/** Schedules and the cron preview. */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import type { Schedule as ScheduleModel, ScheduleSpec as ScheduleSpecModel } from '../../model/schedule';
import { PACKAGE_NAME_SOURCE } from '../../model/packageDraft';
import { assertType, DefinitionId, Enum, Id, Instant, Int, JsonObject, List, Name, NO_CONTROL_CHARS, Str, Text, type Equal } from './common';

const Timezone = Str({ min: 1, max: LIMITS.shortStringLength, pattern: NO_CONTROL_CHARS, description: 'IANA time zone, e.g. Europe/London; default UTC' });
const Expression = Str({ min: 1, max: LIMITS.shortStringLength, pattern: NO_CONTROL_CHARS, description: 'Cron (node-cron 4): 5 fields, or 6 with leading seconds; L, W, # supported' });

/** A schedule as package drafts and files carry it (the model type, tied to this schema below). */
export const ScheduleSpec = Type.Object({
  name: Name(LIMITS.scheduleNameLength),
  description: Type.Optional(Text()),
  flow: DefinitionId,
  type: Type.Literal('CRON'),
  expression: Expression,
  timezone: Type.Optional(Timezone),
  inputs: Type.Optional(JsonObject("Values for the flow's inputs, checked against its declarations")),
  enabled: Type.Optional(Type.Boolean({ description: 'Default true' })),
});
assertType<Equal<Static<typeof ScheduleSpec>, ScheduleSpecModel>>();

/**
 * The body of POST/PUT …/schedules: a ScheduleSpec whose `type` may be left out (CRON) and which
 * may carry a response's read-only properties back (ignored).
 */
export const ScheduleBody = Type.Object(
  {
    name: Name(LIMITS.scheduleNameLength),
    description: Type.Optional(Text()),
    flow: DefinitionId,
    type: Type.Optional(Type.Literal('CRON', { description: 'Default CRON' })),
    expression: Expression,
    timezone: Type.Optional(Timezone),
    inputs: Type.Optional(JsonObject("Values for the flow's inputs, checked against its declarations")),
    enabled: Type.Optional(Type.Boolean({ description: 'Default true' })),
    id: Type.Optional(Type.Unknown({ description: 'Ignored (read-only)' })),
    nextRuns: Type.Optional(Type.Unknown({ description: 'Ignored (read-only)' })),
    history: Type.Optional(Type.Unknown({ description: 'Ignored (read-only)' })),
  },
  {
    additionalProperties: false,
    description:
      'A schedule. When day-of-month and day-of-week are both restricted a day must match BOTH. Time zone default UTC; a nonexistent spring time does not run that day, a repeated autumn time runs once.',
  },
);

export const Schedule = Type.Object({
  id: Id,
  name: Name(LIMITS.scheduleNameLength),
  description: Type.Optional(Text()),
  flow: DefinitionId,
  type: Type.Literal('CRON'),
  expression: Expression,
  timezone: Timezone,
  inputs: JsonObject(),
  enabled: Type.Boolean(),
});
assertType<Equal<Static<typeof Schedule>, ScheduleModel>>();

export const ScheduleFiring = Type.Object({
  at: Instant(),
  outcome: Enum(['started', 'missed', 'refused'] as const),
  executionId: Type.Optional(Id),
  message: Type.Optional(Text()),
});

export const ScheduleResponse = Type.Composite([
  Schedule,
  Type.Object({
    nextRuns: List(Instant(), LIMITS.previewCount, { description: 'The next run times (ISO, UTC) while the version is published and the schedule enabled' }),
    history: List(ScheduleFiring, 1000, { description: 'Recent firings, newest first: started executions and missed slots' }),
  }),
]);

export const ScheduleListResponse = Type.Object({ schedules: List(ScheduleResponse, LIMITS.schedulesPerVersion) });

export const ScheduleParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: LIMITS.nameLength, pattern: PACKAGE_NAME_SOURCE }),
  version: Type.String({ pattern: '^[1-9][0-9]{0,8}$', maxLength: 9 }),
  id: Id,
});

export const CronPreviewRequest = Type.Object(
  {
    expression: Expression,
    timezone: Type.Optional(Timezone),
    count: Type.Optional(Int(1, LIMITS.previewCount, 'Default 5')),
  },
  { additionalProperties: false },
);

export const CronPreviewResponse = Type.Object({
  nextRuns: List(Instant(), LIMITS.previewCount, { description: 'ISO instants (UTC)' }),
  localTimes: List(Str({ max: 64 }), LIMITS.previewCount, { description: 'The same instants as wall-clock times in the time zone, YYYY-MM-DD HH:mm:ss' }),
  description: Text('The expression in words'),
  notes: List(Text(), 1000, { description: 'AND of the day fields; DST gaps and repeats in the range' }),
});
