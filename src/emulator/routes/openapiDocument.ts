/**
 * The OpenAPI 3.1 document of every route this gateway serves. Kept next to the routes: a route
 * added there is added here. Schemas mirror src/core/api/types.ts.
 */

import { schedulePaths, scheduleSchemas } from '../schedules/openapi';
import { annotateErrorCodes } from './openapiErrors';

import { snmpSchemas } from '../snmp/openapiSchemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('ApiError')) });

const nameParam = { name: 'name', in: 'path', required: true, description: 'Package name', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' } };
const versionParam = { name: 'version', in: 'path', required: true, description: 'Package version', schema: { type: 'integer', minimum: 1 } };
const idParam = { name: 'id', in: 'path', required: true, description: 'Execution id', schema: { type: 'string' } };

const packageState = (summary: string, extra: Record<string, unknown> = {}) => ({
  summary,
  parameters: [nameParam, versionParam],
  responses: {
    '200': { description: 'The package after the change', content: json(ref('PackageSummary')) },
    '400': errorResponse('bad-request: version is not a positive integer'),
    '404': errorResponse('package-not-found or version-not-found'),
    ...extra,
  },
});

const schemas = {
  ApiError: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
            enum: [
              'bad-request', 'invalid-package-file', 'invalid-inputs', 'not-found', 'package-not-found',
              'version-not-found', 'flow-not-found', 'execution-not-found', 'version-conflict', 'not-published',
              'no-default-package', 'no-default-version', 'ambiguous-flow', 'flow-failed', 'unauthorized',
              'forbidden', 'payload-too-large', 'internal',
            ],
          },
          message: { type: 'string' },
          details: {
            type: 'array',
            items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
  },
  Health: {
    type: 'object',
    required: ['status', 'name', 'version', 'startedAt'],
    properties: { status: { const: 'ok' }, name: { type: 'string' }, version: { type: 'string' }, startedAt: { type: 'string', format: 'date-time' } },
  },
  PackageStatus: { type: 'string', enum: ['OPEN', 'SUBMITTED', 'ACCEPTED', 'APPLIED', 'PROMOTED', 'REJECTED'] },
  PackageVersionSummary: {
    type: 'object',
    required: ['version', 'published', 'status', 'isDefault', 'uploadedAt', 'contentDigest'],
    properties: {
      version: { type: 'integer' },
      published: { type: 'boolean' },
      status: ref('PackageStatus'),
      isDefault: { type: 'boolean' },
      uploadedAt: { type: 'string', format: 'date-time' },
      contentDigest: { type: 'string' },
    },
  },
  PackageSummary: {
    type: 'object',
    required: ['name', 'isDefault', 'defaultVersion', 'defaultIsExplicit', 'versions'],
    properties: {
      name: { type: 'string' },
      description: { type: 'string' },
      isDefault: { type: 'boolean' },
      defaultVersion: { type: ['integer', 'null'] },
      defaultIsExplicit: { type: 'boolean' },
      versions: { type: 'array', items: ref('PackageVersionSummary') },
    },
  },
  ManifestDefinition: {
    type: 'object',
    required: ['kind', 'id', 'file', 'sha256'],
    properties: { kind: { enum: ['flow', 'connection'] }, id: { type: 'string' }, file: { type: 'string' }, sha256: { type: 'string' } },
  },
  FlowSignature: {
    type: 'object',
    required: ['id', 'name', 'inputs', 'outputs'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      inputs: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          required: ['type', 'required'],
          properties: { type: { type: 'string' }, required: { type: 'boolean' }, default: {}, description: { type: 'string' } },
        },
      },
      outputs: {
        type: 'object',
        additionalProperties: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, description: { type: 'string' } } },
      },
    },
  },
  PackageVersionDetail: {
    allOf: [
      ref('PackageVersionSummary'),
      {
        type: 'object',
        required: ['name', 'createdAt', 'createdBy', 'definitions', 'instructions', 'authorisation', 'flows'],
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          createdBy: { type: 'string' },
          definitions: { type: 'array', items: ref('ManifestDefinition') },
          instructions: { type: 'string' },
          authorisation: { type: 'object', properties: { groups: { type: 'array', items: { type: 'string' } } } },
          flows: { type: 'array', items: ref('FlowSignature') },
        },
      },
    ],
  },
  UploadResponse: {
    type: 'object',
    required: ['name', 'version', 'created'],
    properties: { name: { type: 'string' }, version: { type: 'integer' }, created: { type: 'boolean' } },
  },
  ExecutionStatus: { type: 'string', enum: ['Running', 'Stopping', 'Stopped', 'Ended', 'Error'] },
  Initiator: {
    oneOf: [
      { type: 'object', required: ['type', 'name'], properties: { type: { const: 'user' }, name: { type: 'string' } } },
      { type: 'object', required: ['type', 'name', 'id'], properties: { type: { const: 'schedule' }, name: { type: 'string' }, id: { type: 'string' } } },
      { type: 'object', required: ['type', 'name', 'id'], properties: { type: { const: 'trigger' }, name: { type: 'string' }, id: { type: 'string' } } },
      { type: 'object', required: ['type', 'executionId'], properties: { type: { const: 'flow' }, executionId: { type: 'string' } } },
    ],
  },
  StartExecutionRequest: {
    type: 'object',
    additionalProperties: false,
    properties: { inputVariables: { type: 'object', additionalProperties: true } },
  },
  ExecutionResultResponse: {
    type: 'object',
    required: ['executionId', 'status', 'outputVariables', 'packageName', 'packageVersion'],
    properties: {
      executionId: { type: 'string' },
      status: ref('ExecutionStatus'),
      outputVariables: { type: 'object', additionalProperties: true },
      packageName: { type: 'string' },
      packageVersion: { type: 'integer' },
    },
  },
  ExecutionStartedResponse: {
    type: 'object',
    required: ['executionId', 'packageName', 'packageVersion'],
    properties: { executionId: { type: 'string' }, packageName: { type: 'string' }, packageVersion: { type: 'integer' } },
  },
  ExecutionSummary: {
    type: 'object',
    required: ['id', 'parentId', 'rootId', 'flow', 'packageName', 'packageVersion', 'initiator', 'executingOn', 'status', 'startedAt', 'endedAt', 'durationMs'],
    properties: {
      id: { type: 'string' },
      parentId: { type: ['string', 'null'] },
      rootId: { type: 'string' },
      flow: { type: 'string' },
      packageName: { type: 'string' },
      packageVersion: { type: 'integer' },
      initiator: ref('Initiator'),
      executingOn: { type: 'string', description: '`<name>.<host> (<IPv4>)`' },
      status: ref('ExecutionStatus'),
      startedAt: { type: 'string', format: 'date-time' },
      endedAt: { type: ['string', 'null'], format: 'date-time' },
      durationMs: { type: 'number' },
    },
  },
  ExecutionLogEntry: {
    type: 'object',
    required: ['at', 'level', 'message'],
    properties: {
      at: { type: 'string', format: 'date-time' },
      level: { enum: ['debug', 'info', 'warn', 'error'] },
      message: { type: 'string' },
      step: { type: 'string' },
    },
  },
  ExecutionDetail: {
    allOf: [
      ref('ExecutionSummary'),
      {
        type: 'object',
        required: ['inputs', 'outputs', 'error', 'log', 'children'],
        properties: {
          inputs: { type: 'object', additionalProperties: true },
          outputs: { type: ['object', 'null'], additionalProperties: true },
          error: {
            oneOf: [
              { type: 'null' },
              { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, step: { type: 'string' } } },
            ],
          },
          log: { type: 'array', items: ref('ExecutionLogEntry') },
          children: { type: 'array', items: ref('ExecutionSummary') },
        },
      },
    ],
  },
  NewVersionRequest: {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      ['add', 'remove', 'update'].map((k) => [
        k,
        {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['kind', 'id'], properties: { kind: { enum: ['flow', 'connection'] }, id: { type: 'string' } } },
        },
      ]),
    ),
  },
  StopExecutionsRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['ids'],
    properties: { ids: { type: 'array', minItems: 1, maxItems: 100000, items: { type: 'string', minLength: 1 } } },
  },
  StopExecutionsResponse: {
    type: 'object',
    required: ['executions', 'notFound'],
    properties: { executions: { type: 'array', items: ref('ExecutionSummary') }, notFound: { type: 'array', items: { type: 'string' } } },
  },
  DefinitionSummary: {
    type: 'object',
    required: ['kind', 'id', 'name', 'folder', 'sha256', 'source'],
    properties: {
      kind: { enum: ['flow', 'connection'] },
      id: { type: 'string' },
      name: { type: 'string' },
      folder: { type: 'string' },
      sha256: { type: 'string' },
      source: { type: 'object', required: ['packageName', 'version'], properties: { packageName: { type: 'string' }, version: { type: 'integer' } } },
    },
  },
};

export function openApiDocument(gatewayVersion: string): Record<string, unknown> {
  return annotateErrorCodes({
    openapi: '3.1.0',
    info: {
      title: 'Flowgate gateway API',
      version: gatewayVersion,
      description: 'The API every Flowgate gateway keeps. Every error is JSON {"error": {"code", "message", "details"?}}.',
    },
    paths: {
      '/healthz': {
        get: { summary: 'Liveness, gateway name and version', responses: { '200': { description: 'Alive', content: json(ref('Health')) } } },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document', content: json({ type: 'object' }) } } },
      },
      '/api/v1/packages': {
        get: {
          summary: 'Packages, each with its versions',
          responses: {
            '200': {
              description: 'Packages',
              content: json({ type: 'object', required: ['packages'], properties: { packages: { type: 'array', items: ref('PackageSummary') } } }),
            },
          },
        },
        post: {
          summary: 'Upload a package file (.fgpkg)',
          requestBody: { required: true, content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } } },
          responses: {
            '201': { description: 'Version created', content: json(ref('UploadResponse')) },
            '200': { description: 'Identical version already present (no-op)', content: json(ref('UploadResponse')) },
            '400': errorResponse('invalid-package-file, naming the field at fault'),
            '409': errorResponse('version-conflict: same name and version with different content'),
            '413': errorResponse('payload-too-large (limit 50 MB)'),
          },
        },
      },
      '/api/v1/packages/{name}': {
        get: {
          summary: 'One package',
          parameters: [nameParam],
          responses: { '200': { description: 'The package', content: json(ref('PackageSummary')) }, '404': errorResponse('package-not-found') },
        },
      },
      '/api/v1/packages/{name}/default': {
        post: {
          summary: 'Make the package the default package',
          parameters: [nameParam],
          responses: {
            '200': { description: 'The package', content: json(ref('PackageSummary')) },
            '404': errorResponse('package-not-found'),
            '409': errorResponse('not-published: the package has no published version'),
          },
        },
      },
      '/api/v1/packages/{name}/versions/{version}': {
        get: {
          summary: 'One package version, with its flows and their inputs and outputs',
          parameters: [nameParam, versionParam],
          responses: {
            '200': { description: 'The version', content: json(ref('PackageVersionDetail')) },
            '400': errorResponse('bad-request: version is not a positive integer'),
            '404': errorResponse('package-not-found or version-not-found'),
          },
        },
      },
      '/api/v1/packages/{name}/versions/{version}/new-version': {
        post: {
          summary: 'Create New Version: a new version (highest + 1) from this one',
          description:
            'Adds definitions from the repository, removes some of this version\'s, updates some to the repository\'s current text. ' +
            'Flows that added or updated flows run come along from the repository. The gateway builds the package file (createdBy: its name); ' +
            'the new version is SUBMITTED and unpublished and inherits copies of this version\'s authorisation, schedules and triggers. ' +
            'The repository is not changed.',
          parameters: [nameParam, versionParam],
          requestBody: { required: false, content: json(ref('NewVersionRequest')) },
          responses: {
            '201': { description: 'The new version', content: json(ref('PackageVersionDetail')) },
            '400': errorResponse(
              'bad-request, one detail per field at fault (add[i], remove[i], update[i]): an unknown definition, one not in the version, ' +
                'a flow still run by a staying flow (named), by a schedule or a trigger, or an empty result',
            ),
            '404': errorResponse('package-not-found or version-not-found'),
            '413': errorResponse('payload-too-large'),
          },
        },
      },
      '/api/v1/packages/{name}/versions/{version}/file': {
        get: {
          summary: 'The version as a package file',
          parameters: [nameParam, versionParam],
          responses: {
            '200': {
              description:
                'The .fgpkg: re-imports on any gateway as this name and version, with the version\'s current authorisation, schedules and triggers (never secrets). ' +
                'The stored file while its settings are current, else rebuilt by this gateway; uploading it here again is a no-op.',
              content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } },
            },
            '400': errorResponse('bad-request: version is not a positive integer'),
            '404': errorResponse('package-not-found or version-not-found'),
          },
        },
      },
      '/api/v1/packages/{name}/versions/{version}/publish': { post: packageState('Publish the version (no-op when published)') },
      '/api/v1/packages/{name}/versions/{version}/unpublish': {
        post: packageState('Unpublish the version: no new executions; running ones finish'),
      },
      '/api/v1/packages/{name}/versions/{version}/default': {
        post: packageState('Make the version the explicit default version', {
          '409': errorResponse('not-published: only a published version can be the default'),
        }),
      },
      // ---- SNMP triggers (src/emulator/snmp) ----
      '/api/v1/packages/{name}/versions/{version}/triggers': {
        get: {
          summary: "The version's SNMP triggers",
          parameters: [nameParam, versionParam],
          responses: { '200': { description: '{"triggers": Trigger[]}', content: json(snmpSchemas.triggerList) }, '404': errorResponse('package-not-found or version-not-found') },
        },
        post: {
          summary: 'Create a trigger',
          description:
            'Conditions: deviceAddress and agentAddress (IPv4, comma list, range a-b with a <= b, CIDR, *), devicePort (port, list, range, *), trapOid (OID, list, range compared component by component, *), ' +
            'version v1 (community, agentAddress) / v2c (community) / v3 (users of this gateway). Inputs and pduVariable are checked against the flow.',
          parameters: [nameParam, versionParam],
          requestBody: { required: true, content: json(snmpSchemas.triggerSpec) },
          responses: {
            '201': { description: 'The trigger, with id and defaults', content: json(snmpSchemas.trigger) },
            '400': errorResponse('bad-request, one detail per bad field, e.g. conditions.deviceAddress'),
            '404': errorResponse('package-not-found or version-not-found'),
          },
        },
      },
      '/api/v1/packages/{name}/versions/{version}/triggers/{triggerId}': {
        get: {
          summary: 'One trigger',
          parameters: [nameParam, versionParam, snmpSchemas.triggerIdParam],
          responses: { '200': { description: 'The trigger', content: json(snmpSchemas.trigger) }, '404': errorResponse('not-found') },
        },
        put: {
          summary: 'Replace a trigger',
          parameters: [nameParam, versionParam, snmpSchemas.triggerIdParam],
          requestBody: { required: true, content: json(snmpSchemas.triggerSpec) },
          responses: {
            '200': { description: 'The trigger', content: json(snmpSchemas.trigger) },
            '400': errorResponse('bad-request, one detail per bad field'),
            '404': errorResponse('not-found'),
          },
        },
        delete: {
          summary: 'Delete a trigger',
          parameters: [nameParam, versionParam, snmpSchemas.triggerIdParam],
          responses: { '204': { description: 'Deleted' }, '404': errorResponse('not-found') },
        },
      },
      '/api/v1/snmp/traps': {
        get: {
          summary: 'Recent traps received (the last 500, newest first), each with every trigger\'s evaluation',
          description:
            'Every community is accepted and recorded; trigger conditions decide what runs. Per trigger: published, enabled, then deviceAddress, devicePort, trapOid, version, community, agentAddress, users — the first that fails is `failed`. ' +
            'A matching trigger names the execution it started (executionId) or why it could not (error).',
          responses: { '200': { description: '{"traps": TrapRecord[]}', content: json({ type: 'object', required: ['traps'], properties: { traps: { type: 'array', items: snmpSchemas.trapRecord } } }) } },
        },
      },
      '/api/v1/snmp/evaluate': {
        post: {
          summary: 'Evaluate a described trap against every trigger; nothing is started',
          requestBody: { required: true, content: json(snmpSchemas.trapPdu) },
          responses: {
            '200': { description: '{"evaluations": TriggerEvaluation[]}', content: json({ type: 'object', properties: { evaluations: { type: 'array', items: snmpSchemas.evaluation } } }) },
            '400': errorResponse('bad-request, one detail per bad field (version, source.address, source.port, trapOid, ...)'),
          },
        },
      },
      '/api/v1/snmp/users': {
        get: {
          summary: "The gateway's SNMPv3 users (keys are write-only and never returned)",
          responses: { '200': { description: '{"users": SnmpUserSummary[]}', content: json({ type: 'object', properties: { users: { type: 'array', items: snmpSchemas.userSummary } } }) } },
        },
        post: {
          summary: 'Create an SNMPv3 user',
          requestBody: { required: true, content: json(snmpSchemas.user) },
          responses: {
            '201': { description: 'The user, without keys', content: json(snmpSchemas.userSummary) },
            '400': errorResponse('bad-request, one detail per bad field'),
            '409': errorResponse('already-exists'),
          },
        },
      },
      '/api/v1/snmp/users/{userName}': {
        get: {
          summary: 'One SNMPv3 user, without keys',
          parameters: [snmpSchemas.userNameParam],
          responses: { '200': { description: 'The user', content: json(snmpSchemas.userSummary) }, '404': errorResponse('not-found') },
        },
        put: {
          summary: 'Create or replace an SNMPv3 user',
          description: 'Keys may be left out when the user exists and its protocols stay: the stored keys are kept.',
          parameters: [snmpSchemas.userNameParam],
          requestBody: { required: true, content: json(snmpSchemas.user) },
          responses: {
            '200': { description: 'Replaced', content: json(snmpSchemas.userSummary) },
            '201': { description: 'Created', content: json(snmpSchemas.userSummary) },
            '400': errorResponse('bad-request, one detail per bad field'),
          },
        },
        delete: {
          summary: 'Delete an SNMPv3 user',
          parameters: [snmpSchemas.userNameParam],
          responses: { '204': { description: 'Deleted' }, '404': errorResponse('not-found') },
        },
      },
      '/api/{tenant}/{system}/flows/{flow}/executions': {
        post: {
          summary: 'Start an execution of a flow',
          description:
            'The flow is a full id (URL-encoded, e.g. network%2Fcore%2FRestart-Service) or a bare name that is unique in the version. ' +
            'Without packageName / packageVersion the default package / default version is used. Inputs are checked before anything starts.',
          parameters: [
            { name: 'tenant', in: 'path', required: true, schema: { type: 'string', const: 'default' } },
            { name: 'system', in: 'path', required: true, schema: { type: 'string', const: 'default' } },
            { name: 'flow', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'packageName', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'packageVersion', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } },
            { name: 'mode', in: 'query', required: false, schema: { type: 'string', enum: ['sync', 'async'], default: 'sync' } },
          ],
          requestBody: { required: false, content: json(ref('StartExecutionRequest')) },
          responses: {
            '200': { description: 'Synchronous run ended (or was stopped)', content: json(ref('ExecutionResultResponse')) },
            '202': { description: 'Asynchronous run started', content: json(ref('ExecutionStartedResponse')) },
            '400': errorResponse('invalid-inputs (one detail per inputVariables.<name>), ambiguous-flow, bad-request'),
            '404': errorResponse('flow-not-found, package-not-found, version-not-found, not-found (tenant/system other than default/default)'),
            '413': errorResponse('payload-too-large'),
            '409': errorResponse('not-published, no-default-package, no-default-version'),
            '500': errorResponse('flow-failed: the flow ended with an unhandled error; details hold executionId, errorCode and step'),
          },
        },
      },
      '/api/v1/executions': {
        get: {
          summary: 'Executions, newest first',
          parameters: [
            { name: 'status', in: 'query', required: false, schema: ref('ExecutionStatus') },
            { name: 'packageName', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'packageVersion', in: 'query', required: false, schema: { type: 'integer' } },
            { name: 'flow', in: 'query', required: false, description: 'Part of the flow id (case-insensitive)', schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'Executions',
              content: json({ type: 'object', required: ['executions'], properties: { executions: { type: 'array', items: ref('ExecutionSummary') } } }),
            },
            '400': errorResponse('bad-request'),
          },
        },
      },
      '/api/v1/executions/events': {
        get: {
          summary: 'Server-sent events of execution changes',
          description: 'One `execution` event (data: ExecutionSummary) each time an execution starts or changes status; `:` comments keep the stream alive.',
          responses: { '200': { description: 'The event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
        },
      },
      '/api/v1/executions/{id}': {
        get: {
          summary: 'One execution, with its log and children (running, or finished within the retention)',
          parameters: [idParam],
          responses: { '200': { description: 'The execution', content: json(ref('ExecutionDetail')) }, '404': errorResponse('execution-not-found') },
        },
      },
      '/api/v1/executions/{id}/stop': {
        post: {
          summary: 'Stop an execution and its children',
          parameters: [idParam],
          responses: {
            '200': { description: 'The execution after stopping', content: json(ref('ExecutionDetail')) },
            '404': errorResponse('execution-not-found'),
          },
        },
      },
      '/api/v1/executions/stop': {
        post: {
          summary: 'Stop several executions and their children at once',
          requestBody: { required: true, content: json(ref('StopExecutionsRequest')) },
          responses: {
            '200': { description: 'The executions after the stop, in the order asked; unknown ids in notFound', content: json(ref('StopExecutionsResponse')) },
            '400': errorResponse('bad-request: ids missing, empty, not strings, or more than 100000'),
            '413': errorResponse('payload-too-large'),
          },
        },
      },
      ...schedulePaths,
      '/api/v1/definitions': {
        get: {
          summary: 'The repository: flows and connections, with folders',
          responses: {
            '200': {
              description: 'Definitions',
              content: json({ type: 'object', required: ['definitions'], properties: { definitions: { type: 'array', items: ref('DefinitionSummary') } } }),
            },
          },
        },
      },
    },
    components: { schemas: { ...schemas, ...scheduleSchemas } },
  });
}
