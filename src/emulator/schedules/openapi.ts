/** The schedule routes and schemas of the OpenAPI document (merged into routes/openapiDocument.ts). */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ref('ApiError')) });

const nameParam = { name: 'name', in: 'path', required: true, description: 'Package name', schema: { type: 'string' } };
const versionParam = { name: 'version', in: 'path', required: true, description: 'Package version', schema: { type: 'integer', minimum: 1 } };
const scheduleIdParam = { name: 'id', in: 'path', required: true, description: 'Schedule id', schema: { type: 'string' } };

export const scheduleSchemas = {
  ScheduleBody: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'flow', 'expression'],
    description:
      'A schedule. Cron (node-cron 4): 5 fields, or 6 with a leading seconds field; L, W, # supported; when day-of-month and day-of-week are both restricted a day must match BOTH. Time zone default UTC; a nonexistent spring time does not run that day, a repeated autumn time runs once.',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      description: { type: 'string' },
      flow: { type: 'string', description: 'Flow id within the package version' },
      type: { const: 'CRON', description: 'Default CRON' },
      expression: { type: 'string', examples: ['*/5 * * * *', '0 30 2 * * 1'] },
      timezone: { type: 'string', description: 'IANA time zone, default UTC' },
      inputs: { type: 'object', description: "Values for the flow's inputs, checked against its declarations" },
      enabled: { type: 'boolean', description: 'Default true' },
      id: { type: 'string', description: 'Ignored (read-only)' },
      nextRuns: { description: 'Ignored (read-only)' },
      history: { description: 'Ignored (read-only)' },
    },
  },
  ScheduleFiring: {
    type: 'object',
    required: ['at', 'outcome'],
    properties: {
      at: { type: 'string', format: 'date-time' },
      outcome: { type: 'string', enum: ['started', 'missed', 'refused'] },
      executionId: { type: 'string' },
      message: { type: 'string' },
    },
  },
  ScheduleResponse: {
    type: 'object',
    required: ['id', 'name', 'flow', 'type', 'expression', 'timezone', 'inputs', 'enabled', 'nextRuns', 'history'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      flow: { type: 'string' },
      type: { const: 'CRON' },
      expression: { type: 'string' },
      timezone: { type: 'string' },
      inputs: { type: 'object' },
      enabled: { type: 'boolean' },
      nextRuns: { type: 'array', items: { type: 'string', format: 'date-time' }, description: 'Next 5 runs; empty while unpublished or disabled' },
      history: { type: 'array', items: ref('ScheduleFiring'), description: 'Recent firings, newest first (at most 50)' },
    },
  },
  CronPreviewRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['expression'],
    properties: {
      expression: { type: 'string' },
      timezone: { type: 'string', description: 'Default UTC' },
      count: { type: 'integer', minimum: 1, maximum: 50, description: 'Default 5' },
    },
  },
  CronPreviewResponse: {
    type: 'object',
    required: ['nextRuns', 'localTimes', 'description', 'notes'],
    properties: {
      nextRuns: { type: 'array', items: { type: 'string', format: 'date-time' } },
      localTimes: { type: 'array', items: { type: 'string' }, description: 'YYYY-MM-DD HH:mm:ss in the time zone' },
      description: { type: 'string' },
      notes: { type: 'array', items: { type: 'string' }, description: 'AND of the day fields; DST gaps and repeats in the range' },
    },
  },
};

export const schedulePaths = {
  '/api/v1/packages/{name}/versions/{version}/schedules': {
    get: {
      summary: 'Schedules of a package version',
      parameters: [nameParam, versionParam],
      responses: {
        '200': { description: 'Schedules', content: json({ type: 'object', required: ['schedules'], properties: { schedules: { type: 'array', items: ref('ScheduleResponse') } } }) },
        '404': error('package-not-found or version-not-found'),
      },
    },
    post: {
      summary: 'Create a schedule',
      parameters: [nameParam, versionParam],
      requestBody: { required: true, content: json(ref('ScheduleBody')) },
      responses: {
        '201': { description: 'The schedule', content: json(ref('ScheduleResponse')) },
        '400': error('bad-request, with one detail per invalid field'),
        '404': error('package-not-found or version-not-found'),
        '409': error('already-exists: another schedule of the version has that name'),
      },
    },
  },
  '/api/v1/packages/{name}/versions/{version}/schedules/{id}': {
    get: {
      summary: 'One schedule, with its next runs and recent firings',
      parameters: [nameParam, versionParam, scheduleIdParam],
      responses: { '200': { description: 'The schedule', content: json(ref('ScheduleResponse')) }, '404': error('not-found') },
    },
    put: {
      summary: 'Replace a schedule (enable / disable with `enabled`)',
      parameters: [nameParam, versionParam, scheduleIdParam],
      requestBody: { required: true, content: json(ref('ScheduleBody')) },
      responses: {
        '200': { description: 'The schedule', content: json(ref('ScheduleResponse')) },
        '400': error('bad-request, with one detail per invalid field'),
        '404': error('not-found'),
        '409': error('already-exists'),
      },
    },
    delete: {
      summary: 'Delete a schedule',
      parameters: [nameParam, versionParam, scheduleIdParam],
      responses: { '204': { description: 'Deleted' }, '404': error('not-found') },
    },
  },
  '/api/v1/packages/{name}/versions/{version}/schedules/{id}/run': {
    post: {
      summary: "Run the schedule's flow now, as the schedule would (also when disabled)",
      parameters: [nameParam, versionParam, scheduleIdParam],
      responses: {
        '202': { description: 'Started', content: json(ref('ExecutionStartedResponse')) },
        '404': error('not-found'),
        '409': error('not-published: the version is not published'),
      },
    },
  },
  '/api/v1/cron/preview': {
    post: {
      summary: 'The next run times of a cron expression in a time zone, in words, with notes',
      requestBody: { required: true, content: json(ref('CronPreviewRequest')) },
      responses: {
        '200': { description: 'The preview', content: json(ref('CronPreviewResponse')) },
        '400': error('bad-request, with details naming expression, timezone or count'),
      },
    },
  },
};
