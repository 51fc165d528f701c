/**
 * Shape of the emulator's lowdb document (`<data>/store.json`): state, not content. Package state,
 * the repository of definitions (hashes) and settings live here; texts (descriptions,
 * instructions, definition texts) live in content-addressed files (contentStore.ts), execution
 * history in its own log (executions/historyLog.ts). In memory SNMPv3 keys are plain; on disk they
 * are sealed (secrets.ts).
 *
 * Format 1 (before) kept descriptions and instructions inline and the repository's texts under
 * `<data>/repository/`; it is migrated on open (migrate.ts).
 */
import type { ManifestDefinition } from '../../core/model/manifest';
import type { DefinitionSummary, FlowSignature, PackageStatus } from '../../core/api/types';
import type { Schedule } from '../../core/model/schedule';
import type { SnmpUserSpec, Trigger } from '../../core/model/trigger';
import type { HistoryEntry, ImportStatus, Replacement } from '../../core/api/types';

export const STORE_FORMAT = 2;

export interface StoreData {
  format: number;
  /** The gateway's default package (name), or null. Kept even when it has no published version. */
  defaultPackage: string | null;
  /** Monotonic counter: orders publish events ("most recently published"). */
  publishCounter: number;
  packages: Record<string, StoredPackage>;
  /** Repository of definitions, keyed by `definitionKey(kind, id)`. */
  definitions: Record<string, StoredDefinition>;
  /** SNMPv3 users of this gateway, keyed by name. Keys are write-only: never answered or logged. */
  snmpUsers: Record<string, SnmpUserSpec>;
  /** Promotion, target side: versions pulled from sources, by import id (absent in stores written before promotion). */
  imports?: Record<string, StoredImport>;
  /** Promotion, target side: notices for sources not yet delivered (durable outbox), oldest first. */
  outbox?: OutboxNotice[];
}

/** A version pulled from a source gateway (target side). Its file is `imports/<id>.fgpkg` under the data folder. */
export interface StoredImport {
  id: string;
  source: string;
  name: string;
  version: number;
  status: ImportStatus;
  pulledAt: string;
  pulledBy: string;
  /** The key id that signed the pulled file. */
  signer: string;
  /** The pulled file's content digest (before replacements). */
  contentDigest: string;
  /** Path of the pulled file relative to the data folder. */
  file: string;
  replacements: Replacement[];
  appliedAt?: string;
  appliedBy?: string;
  rejectedAt?: string;
  rejectedBy?: string;
  reason?: string;
}

/** A notice to a source (ACCEPTED, PROMOTED, REJECTED) not yet delivered; removed once the source recorded it. */
export interface OutboxNotice {
  /** The event id (the source records an id once: delivery is at least once, the effect exactly once). */
  id: string;
  importId: string;
  source: string;
  name: string;
  version: number;
  event: 'ACCEPTED' | 'PROMOTED' | 'REJECTED';
  at: string;
  by: string;
  reason?: string;
  contentDigest: string;
  attempts: number;
  /** When the next delivery may be tried (ISO). */
  nextAttemptAt: string;
  /** The last delivery problem (never a secret). */
  lastError?: string;
  /** True when the source refused it for good (a 4xx other than 401/408/429): kept, not retried. */
  permanent?: boolean;
}

export interface StoredPackage {
  name: string;
  /** SHA-256 of the description (latest upload's), a content file. */
  descriptionSha256?: string;
  /**
   * Explicit default version (rule 3), or null when the default is implicit (rule 1). Kept while
   * that version is unpublished (rule 4: no default then) so that republishing restores it
   * (rule 5); cleared when every version was unpublished and one is republished (rule 6).
   */
  explicitDefaultVersion: number | null;
  /** Keyed by the version number as a string. */
  versions: Record<string, StoredVersion>;
}

export interface StoredVersion {
  version: number;
  published: boolean;
  status: PackageStatus;
  uploadedAt: string;
  contentDigest: string;
  /** Ordering of the latest publish of this version (publishCounter value), null if never published. */
  publishSeq: number | null;
  publishedAt: string | null;
  unpublishedAt: string | null;
  /** Path of the package file relative to the data folder. */
  file: string;
  manifest: {
    /** SHA-256 of the description, a content file. */
    descriptionSha256?: string;
    createdAt: string;
    createdBy: string;
    definitions: ManifestDefinition[];
    /** SHA-256 of the instructions (UTF-8), a content file. */
    instructionsSha256: string;
  };
  /** Uncompressed bytes the version's package file holds (counted against the package's quota). */
  contentBytes: number;
  flows: FlowSignature[];
  /**
   * The version's operational settings. They start as the package file carried them and can be
   * changed on the gateway (the definitions never can); new versions inherit them, and an export
   * carries them as they are now.
   */
  authorisation: { groups: string[] };
  schedules: Schedule[];
  triggers: Trigger[];
  /** The key id that signed the version's file as this gateway serves it (absent: stored before signing existed). */
  signer?: string;
  /** Promotion, source side: what targets did with this version (oldest first). */
  history?: HistoryEntry[];
  /** Promotion, target side: the import this version was applied from. */
  origin?: { source: string; importId: string; sourceDigest: string; signer: string };
}

/** A definition of the repository: what the API lists, and when it was last written. */
/** A stored version as code outside the store sees it: nothing in it can be changed (the store's methods change it). */
export type ReadonlyVersion = Readonly<Omit<StoredVersion, 'schedules' | 'triggers'>> & {
  readonly schedules: readonly Readonly<Schedule>[];
  readonly triggers: readonly Readonly<Trigger>[];
};

export interface StoredDefinition extends DefinitionSummary {
  updatedAt: string;
}

export function emptyStore(): StoreData {
  return { format: STORE_FORMAT, defaultPackage: null, publishCounter: 0, packages: {}, definitions: {}, snmpUsers: {} };
}
