/** Packages, versions, definitions, health. */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import { NO_CONTROL_CHARS } from '../../model/controlChars';
import { DefinitionId, DefinitionKind, Enum, Instant, Int, List, PackageName, Sha256, Str, Text, Version } from './common';

export const HealthResponse = Type.Object({
  status: Type.Literal('ok'),
  name: Str({ max: LIMITS.nameLength }),
  version: Str({ max: 64 }),
  startedAt: Instant(),
  snmpPort: Type.Optional(Int(0, 65535, 'The UDP port the SNMP trap receiver listens on (the real one when started with port 0)')),
});

export const PackageStatus = Enum(['OPEN', 'SUBMITTED', 'ACCEPTED', 'APPLIED', 'PROMOTED', 'REJECTED'] as const, 'Lifecycle status on this gateway');

/** Most versions and packages a list answer can hold (far above use). */
const MANY = 1_000_000;

export const PackageVersionSummary = Type.Object({
  version: Version,
  published: Type.Boolean(),
  status: PackageStatus,
  isDefault: Type.Boolean({ description: 'True when this version is the one a request naming no version runs' }),
  uploadedAt: Instant(),
  contentDigest: Str({ max: 128 }),
});

export const PackageSummary = Type.Object({
  name: PackageName,
  description: Type.Optional(Text()),
  isDefault: Type.Boolean({ description: "True when this is the gateway's default package" }),
  defaultVersion: Type.Union([Version, Type.Null()], { description: 'The version a request naming no version runs, or null' }),
  defaultIsExplicit: Type.Boolean({ description: 'True when defaultVersion was set explicitly' }),
  versions: List(PackageVersionSummary, MANY),
});

export const PackageListResponse = Type.Object({ packages: List(PackageSummary, MANY) });

export const ManifestDefinition = Type.Object({
  kind: DefinitionKind,
  id: DefinitionId,
  file: Str({ max: LIMITS.definitionIdLength + 64, description: 'Entry path inside the zip' }),
  sha256: Sha256,
});

const InputDeclaration = Type.Object({
  type: Str({ max: 32 }),
  required: Type.Boolean(),
  default: Type.Optional(Type.Unknown()),
  description: Type.Optional(Text()),
});
const OutputDeclaration = Type.Object({ type: Str({ max: 32 }), description: Type.Optional(Text()) });

export const FlowSignature = Type.Object({
  id: DefinitionId,
  name: Str({ max: LIMITS.definitionIdLength }),
  description: Type.Optional(Text()),
  inputs: Type.Record(Type.String(), InputDeclaration, { maxProperties: LIMITS.objectKeys }),
  outputs: Type.Record(Type.String(), OutputDeclaration, { maxProperties: LIMITS.objectKeys }),
});

export const PackageVersionDetail = Type.Composite([
  PackageVersionSummary,
  Type.Object({
    name: PackageName,
    description: Type.Optional(Text()),
    createdAt: Instant(),
    createdBy: Str(),
    definitions: List(ManifestDefinition, LIMITS.definitionsPerVersion),
    instructions: Str({ max: LIMITS.instructionsLength }),
    authorisation: Type.Object({ groups: List(Str(), LIMITS.conditionListItems) }),
    flows: List(FlowSignature, LIMITS.definitionsPerVersion, { description: 'Flows of this version with their declared inputs and outputs' }),
  }),
]);

export const UploadResponse = Type.Object({ name: PackageName, version: Version, created: Type.Boolean() });

/** DELETE /api/v1/packages/{name}[/versions/{version}]: what was removed. */
export const DeleteResponse = Type.Object({ name: PackageName, version: Type.Optional(Version), deleted: Type.Literal(true) });

export const DefinitionRef = Type.Object({ kind: DefinitionKind, id: DefinitionId }, { additionalProperties: false });

export const NewVersionRequest = Type.Object(
  {
    add: Type.Optional(List(DefinitionRef, LIMITS.definitionsPerVersion, { description: "Definitions from the gateway's repository to add" })),
    remove: Type.Optional(List(DefinitionRef, LIMITS.definitionsPerVersion, { description: 'Definitions of the source version to leave out' })),
    update: Type.Optional(List(DefinitionRef, LIMITS.definitionsPerVersion, { description: "Definitions to update to the repository's current content" })),
  },
  { additionalProperties: false },
);

export const DefinitionSummary = Type.Object({
  kind: DefinitionKind,
  id: DefinitionId,
  name: Str({ max: LIMITS.definitionIdLength }),
  folder: Str({ max: LIMITS.definitionIdLength }),
  sha256: Sha256,
  source: Type.Object({ packageName: PackageName, version: Version }, { description: 'The package version that last wrote this definition' }),
});

export const DefinitionListResponse = Type.Object({ definitions: List(DefinitionSummary, MANY) });

/** Path parameters. */
export const PackageParams = Type.Object({ name: PackageName });
export const VersionParams = Type.Object({ name: PackageName, version: Type.String({ pattern: '^[1-9][0-9]{0,8}$', maxLength: 9, description: 'Package version (1 to 999999999)' }) });

/**
 * GET/PUT /api/v1/packages/{name}/versions/{version}/authorisation: the directory groups whose
 * members may execute the version's flows (none: anyone) and read its executions.
 */
export const AuthorisationBody = Type.Object(
  {
    groups: List(Str({ min: 1, max: LIMITS.directoryNameLength, pattern: NO_CONTROL_CHARS, description: 'A group of the gateway\'s directory' }), LIMITS.authorisationGroups, {
      description: 'Groups whose members may execute the version; empty: anyone may',
    }),
  },
  { additionalProperties: false },
);
