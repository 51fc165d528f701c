/** The audit log (GET /api/v1/audit) and the directory's groups (GET /api/v1/directory/groups). */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { Instant, Int, List, Str } from './common';

export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$', maxLength: 4, description: `Records on the page: 1 to ${LIMITS.auditPageSize} (default 100)` })),
    after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', maxLength: 15, description: 'The `next` of the previous page' })),
    action: Type.Optional(Str({ min: 1, max: 64, pattern: '^[A-Za-z-]+$', description: 'Only this action (`delete-version`, `auth-failure`, …) or operation id (`deleteVersion`)' })),
    package: Type.Optional(Str({ min: 1, max: LIMITS.nameLength, description: 'Only records about this package' })),
    since: Type.Optional(Instant('Only records at or after this time (ISO 8601)')),
  },
  { additionalProperties: false },
);

export const AuditRecord = Type.Object(
  {
    at: Instant('When'),
    action: Str({ max: 64, description: 'What: the operation in kebab case (`delete-version`), or `auth-failure` (a refused client authentication at the token endpoint)' }),
    operation: Type.Optional(Str({ max: 64, description: 'The API operation id' })),
    status: Type.Optional(Int(100, 599, 'The outcome: the answer\'s HTTP status (499: the caller went away first)')),
    package: Type.Optional(Str({ max: LIMITS.nameLength })),
    versions: Type.Optional(List(Int(0, LIMITS.maxVersion), LIMITS.maxVersion)),
    groups: Type.Optional(List(Str({ max: LIMITS.directoryNameLength }), LIMITS.authorisationGroups)),
    schedule: Type.Optional(Str()),
    trigger: Type.Optional(Str()),
    snmpUser: Type.Optional(Str()),
    secret: Type.Optional(Str({ description: "A connection secret's name (never its value)" })),
    grants: Type.Optional(List(Str({ max: LIMITS.nameLength + 1 + LIMITS.definitionIdLength }), LIMITS.secretGrants, { description: "A connection secret's grants after the action (`PKG/CONN`)" })),
    execution: Type.Optional(Str()),
    executions: Type.Optional(Int(0, LIMITS.stopIdsPerRequest, 'Stopping several executions: how many were asked')),
    client: Type.Optional(Str({ description: 'auth-failure: the client id presented' })),
    event: Type.Optional(Str({ max: 16, description: 'Promotion: the event a target reported (ACCEPTED, PROMOTED, REJECTED)' })),
    target: Type.Optional(Str({ max: LIMITS.nameLength, description: 'Promotion: the target gateway that reported it' })),
    source: Type.Optional(Str({ max: LIMITS.nameLength, description: 'Promotion: the source gateway of an import' })),
    import: Type.Optional(Str({ max: 64, description: "Promotion: the import's id" })),
    recorded: Type.Optional(Type.Boolean({ description: 'Promotion: false when the event was already recorded (a repeated notice)' })),
    allowUnsigned: Type.Optional(Type.Boolean({ description: "A protected target's explicit exception: a direct upload an Admin allowed" })),
    address: Type.Union([Str(), Type.Null()], { description: 'From where: the caller\'s address' }),
    by: Type.Optional(Str({ description: 'Who: the caller\'s client or user id' })),
  },
  { additionalProperties: true },
);

export const AuditListResponse = Type.Object(
  {
    records: List(AuditRecord, LIMITS.auditPageSize),
    next: Type.Optional(Type.String({ maxLength: 15, description: 'The `after` of the following page (absent: no more)' })),
  },
  { additionalProperties: false },
);
export type AuditListResponse = Static<typeof AuditListResponse>;

export const DirectoryGroup = Type.Object(
  {
    name: Str({ max: LIMITS.directoryNameLength }),
    members: Type.Optional(Int(0, 1_000_000_000, 'Direct members (users, clients and groups) in the embedded directory')),
  },
  { additionalProperties: false },
);
export const DirectoryGroupsResponse = Type.Object({ groups: List(DirectoryGroup, 1_000_000) }, { additionalProperties: false });
export type DirectoryGroupsResponse = Static<typeof DirectoryGroupsResponse>;
