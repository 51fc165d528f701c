/**
 * Promotion (issue 10, DESIGN.md "Promotion"): the wire shapes of both sides.
 *
 * Source side — the gateway a version was submitted to: withdraw, and the per-target history
 * (ACCEPTED, PROMOTED, REJECTED) that targets report to it (`POST …/history`, idempotent by the
 * event's id, so a notice delivered twice from a target's outbox is recorded once).
 *
 * Target side — the gateway an Admin pulls into: configured sources, what a source offers,
 * imports (OPEN → APPLIED | REJECTED) with their validation, reference replacements, apply
 * preview, apply and reject; and remote validation of a workspace draft's references.
 */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { NO_CONTROL_CHARS } from '../../model/controlChars';
import { DefinitionId, DefinitionKind, Enum, Instant, Int, List, PackageName, Sha256, Str, Text, Version } from './common';
import { ManifestDefinition, PackageStatus } from './packages';

/** Most entries of a version's history, of imports listed, of replacements of one import. */
const MANY = 1_000_000;

/** A gateway's name as it appears in histories and sources (`qa`, `prod-eu`). */
export const GatewayName = Str({ min: 1, max: LIMITS.nameLength, pattern: '^[A-Za-z0-9._-]+$', description: 'A gateway name: letters, digits, ".", "-", "_"' });
/** A signing key id: the RFC 7638 JWK thumbprint (SHA-256, base64url). */
export const KeyId = Str({ min: 43, max: 43, pattern: '^[A-Za-z0-9_-]{43}$', description: "A signing key's id: its RFC 7638 JWK thumbprint" });
/** An import's id (assigned by the target). */
export const ImportId = Str({ min: 1, max: 64, pattern: '^[A-Za-z0-9_-]+$', description: "An import's id" });
/** An event's id, chosen by the target that reports it (idempotency key). */
export const EventId = Str({ min: 8, max: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'Unique id of the event, chosen by the target (a notice delivered twice is recorded once)' });
/** An ISO 8601 date and time a caller sends (format alone is not enforced by every validator: a pattern is). */
const SentInstant = Str({ min: 20, max: 40, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$', format: 'date-time', description: 'ISO 8601 date and time' });
/** Why a version was rejected. */
export const Reason = Str({ min: 1, max: LIMITS.rejectReasonLength, pattern: NO_CONTROL_CHARS, description: 'Why (shown to the source; one line)' });

// ---- source side ------------------------------------------------------------------------------

/** What a target did with a version, as the source records it. WITHDRAWN is the source's own. */
export const PromotionEventKind = Enum(['ACCEPTED', 'PROMOTED', 'REJECTED', 'WITHDRAWN'] as const, 'What happened to the version');

export const HistoryEntry = Type.Object(
  {
    id: EventId,
    event: PromotionEventKind,
    target: GatewayName,
    at: Instant('When the target (or, for WITHDRAWN, this gateway) did it'),
    by: Str({ max: LIMITS.shortStringLength, description: 'Who did it: a user or client id on the target' }),
    reason: Type.Optional(Reason),
    recordedAt: Instant('When this gateway recorded it'),
  },
  { additionalProperties: false },
);

export const TargetState = Type.Object(
  {
    target: GatewayName,
    status: Enum(['ACCEPTED', 'PROMOTED', 'REJECTED'] as const),
    at: Instant(),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

/** GET /api/v1/packages/{name}/versions/{version}/history. */
export const VersionHistoryResponse = Type.Object(
  {
    name: PackageName,
    version: Version,
    status: PackageStatus,
    /** The latest state per target. */
    targets: List(TargetState, LIMITS.promotionTargets),
    /** Every event, oldest first. */
    history: List(HistoryEntry, LIMITS.historyEntriesPerVersion),
  },
  { additionalProperties: false },
);

/** POST /api/v1/packages/{name}/versions/{version}/history: a target reports what it did. */
export const RecordEventRequest = Type.Object(
  {
    id: EventId,
    event: Enum(['ACCEPTED', 'PROMOTED', 'REJECTED'] as const),
    target: GatewayName,
    at: SentInstant,
    by: Str({ min: 1, max: LIMITS.shortStringLength, pattern: NO_CONTROL_CHARS }),
    reason: Type.Optional(Reason),
    /** The content digest the target pulled: an event about other content is refused (409 version-conflict). */
    contentDigest: Sha256,
  },
  { additionalProperties: false },
);

export const RecordEventResponse = Type.Object(
  {
    recorded: Type.Boolean({ description: 'False when an event with this id was already recorded (nothing changed)' }),
    status: PackageStatus,
  },
  { additionalProperties: false },
);

// ---- target side ------------------------------------------------------------------------------

export const SourceSummary = Type.Object(
  {
    name: GatewayName,
    url: Str({ max: 2048 }),
    trustedKeys: List(KeyId, LIMITS.trustedKeysPerSource),
  },
  { additionalProperties: false },
);
export const SourceListResponse = Type.Object({ sources: List(SourceSummary, LIMITS.promotionSources) }, { additionalProperties: false });

export const SourceParams = Type.Object({ source: GatewayName });

/** A version a source offers (SUBMITTED there, or ACCEPTED/PROMOTED/APPLIED: not OPEN, not REJECTED). */
export const OfferedVersion = Type.Object(
  {
    name: PackageName,
    version: Version,
    status: PackageStatus,
    uploadedAt: Instant(),
    contentDigest: Sha256,
    description: Type.Optional(Text()),
    /** This target's import of it, if any. */
    importId: Type.Optional(ImportId),
    importStatus: Type.Optional(Enum(['OPEN', 'APPLIED', 'REJECTED'] as const)),
  },
  { additionalProperties: false },
);
export const SourcePackagesResponse = Type.Object(
  { source: GatewayName, versions: List(OfferedVersion, MANY) },
  { additionalProperties: false },
);

export const ImportStatus = Enum(['OPEN', 'APPLIED', 'REJECTED'] as const, "The import's status on this (target) gateway");

export const ImportRequest = Type.Object(
  {
    source: GatewayName,
    name: PackageName,
    version: Version,
    allowRollback: Type.Optional(Type.Boolean({ description: 'Pull a version lower than the highest this gateway applied of the package (rollback protection refuses it otherwise)' })),
  },
  { additionalProperties: false },
);

export const Replacement = Type.Object(
  {
    kind: DefinitionKind,
    from: DefinitionId,
    to: DefinitionId,
  },
  { additionalProperties: false },
);
export const ReplacementsRequest = Type.Object(
  { replacements: List(Replacement, LIMITS.replacementsPerImport) },
  { additionalProperties: false },
);

/** One validation problem of an import or of a remote validation: a reference or a secret the gateway lacks. */
export const ValidationProblem = Type.Object(
  {
    severity: Enum(['error', 'warning'] as const),
    code: Enum(['missing-reference', 'missing-secret', 'replacement-target-missing', 'replacement-unused', 'version-conflict', 'rollback'] as const),
    message: Text(),
    /** The definition whose text holds the reference (absent for package-level problems). */
    definition: Type.Optional(Type.Object({ kind: DefinitionKind, id: DefinitionId }, { additionalProperties: false })),
    /** What is missing. */
    reference: Type.Optional(Type.Object({ kind: Enum(['flow', 'connection', 'secret'] as const), id: Str({ max: LIMITS.definitionIdLength }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export const ValidationResult = Type.Object(
  {
    ok: Type.Boolean({ description: 'True when no problem is an error (warnings do not block apply)' }),
    problems: List(ValidationProblem, LIMITS.validationProblems),
  },
  { additionalProperties: false },
);

export const ImportSummary = Type.Object(
  {
    id: ImportId,
    source: GatewayName,
    name: PackageName,
    version: Version,
    status: ImportStatus,
    pulledAt: Instant(),
    pulledBy: Str({ max: LIMITS.shortStringLength }),
    /** The key that signed the pulled file (one of the source's trusted keys). */
    signer: KeyId,
    /** Digest of the file as pulled (before replacements). */
    contentDigest: Sha256,
    /** Whether the source has been told the import's latest event (false: waiting in the outbox). */
    sourceNotified: Type.Boolean(),
  },
  { additionalProperties: false },
);
export const ImportListResponse = Type.Object({ imports: List(ImportSummary, MANY) }, { additionalProperties: false });

export const ImportDetail = Type.Composite([
  ImportSummary,
  Type.Object({
    description: Type.Optional(Text()),
    instructions: Str({ max: LIMITS.instructionsLength }),
    definitions: List(ManifestDefinition, LIMITS.definitionsPerVersion),
    authorisation: Type.Object({ groups: List(Str(), LIMITS.conditionListItems) }),
    schedules: Int(0, MANY, 'How many schedules the version carries'),
    triggers: Int(0, MANY, 'How many triggers the version carries'),
    replacements: List(Replacement, LIMITS.replacementsPerImport),
    /** Against this gateway's repository and secrets, with the replacements applied. */
    validation: ValidationResult,
    appliedAt: Type.Optional(Instant()),
    appliedBy: Type.Optional(Str({ max: LIMITS.shortStringLength })),
    rejectedAt: Type.Optional(Instant()),
    rejectedBy: Type.Optional(Str({ max: LIMITS.shortStringLength })),
    reason: Type.Optional(Reason),
    /** The last delivery problem of the outbox notice, while it waits (never a secret). */
    notifyError: Type.Optional(Text()),
  }),
]);

export const ImportParams = Type.Object({ id: ImportId });

/** POST /api/v1/imports answer: the import, and whether this call created it. */
export const ImportCreatedResponse = Type.Composite([ImportDetail, Type.Object({ created: Type.Boolean({ description: 'False when this version was already pulled (nothing changed)' }) })]);

export const PreviewChange = Enum(['new', 'changed', 'unchanged'] as const);
export const PreviewEntry = Type.Object(
  {
    kind: DefinitionKind,
    id: DefinitionId,
    change: PreviewChange,
    /** The repository's text now (absent when new). */
    currentSha256: Type.Optional(Sha256),
    currentText: Type.Optional(Str({ max: LIMITS.definitionTextBytes })),
    /** The text apply writes (replacements applied). */
    sha256: Sha256,
    text: Str({ max: LIMITS.definitionTextBytes }),
    /** Unified diff, current → new (only when changed). */
    diff: Type.Optional(Str({ max: 4 * LIMITS.definitionTextBytes })),
    /** True when the definition comes from this gateway's repository (a referenced definition the package lacks), not from the package. */
    fromRepository: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const PreviewResponse = Type.Object(
  {
    id: ImportId,
    validation: ValidationResult,
    definitions: List(PreviewEntry, LIMITS.definitionsPerVersion),
  },
  { additionalProperties: false },
);

export const ApplyRequest = Type.Object(
  { allowRollback: Type.Optional(Type.Boolean({ description: 'Apply a version lower than the highest this gateway applied of the package' })) },
  { additionalProperties: false },
);
export const RejectRequest = Type.Object({ reason: Reason }, { additionalProperties: false });

/** POST /api/v1/imports/{id}/apply and /reject answer. */
export const ImportActionResponse = Type.Composite([ImportDetail, Type.Object({ changed: Type.Boolean({ description: 'False when the import already was in this state (nothing changed)' }) })]);

// ---- remote validation ------------------------------------------------------------------------

/** POST /api/v1/validate: the references a draft makes outside itself, and the secrets its connections use. */
export const RemoteValidateRequest = Type.Object(
  {
    references: List(
      Type.Object({ kind: DefinitionKind, id: DefinitionId }, { additionalProperties: false }),
      LIMITS.definitionsPerVersion,
      { description: 'Definitions the draft references but does not carry' },
    ),
    secrets: Type.Optional(
      List(
        Type.Object({ connection: DefinitionId, secret: Str({ min: 1, max: LIMITS.nameLength, pattern: NO_CONTROL_CHARS }) }, { additionalProperties: false }),
        LIMITS.definitionsPerVersion,
        { description: 'Secrets the draft\'s connections use' },
      ),
    ),
    package: Type.Optional(PackageName),
  },
  { additionalProperties: false },
);
export const RemoteValidateResponse = Type.Object(
  {
    gateway: GatewayName,
    /** What this gateway lacks. */
    missing: List(
      Type.Object(
        {
          kind: Enum(['flow', 'connection', 'secret'] as const),
          id: Str({ max: LIMITS.definitionIdLength }),
          connection: Type.Optional(DefinitionId),
        },
        { additionalProperties: false },
      ),
      LIMITS.definitionsPerVersion,
    ),
  },
  { additionalProperties: false },
);

/** Query of POST /api/v1/packages: a protected target's explicit exception. */
export const UploadQuery = Type.Object(
  {
    allowUnsigned: Type.Optional(Enum(['true', 'false'] as const, 'Admin only, on a protected target: accept this direct upload (recorded in the audit log)')),
  },
  { additionalProperties: false },
);
