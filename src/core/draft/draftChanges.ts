/**
 * "Changed since vN": which definitions of a package draft differ from a version on a gateway,
 * compared by the content hashes the package manifest uses (SHA-256 of the text a pack writes,
 * references rewritten by the draft's replacements), and the one-step version bump.
 */
import { isMap, parseDocument } from 'yaml';
import { LIMITS } from '../limits';
import type { DefinitionKind } from '../model/definition';
import { packedSources } from '../package/pack';
import { sha256Hex } from '../package/sha256';
import type { Workspace } from '../workspace/workspace';

export interface DefinitionHash {
  kind: DefinitionKind;
  id: string;
  sha256: string;
}

export interface DefinitionChange {
  kind: DefinitionKind;
  id: string;
  /** added: in the draft, not in the version; removed: the other way; changed: both, different content. */
  change: 'added' | 'removed' | 'changed';
}

/**
 * The content hashes a pack of the draft would write into its manifest, per definition; undefined
 * when the draft cannot be packed as it is (missing or invalid definitions, no valid draft).
 */
export function draftHashes(ws: Workspace, draftName: string): DefinitionHash[] | undefined {
  const entry = ws.drafts().get(draftName);
  if (!entry) return undefined;
  try {
    return packedSources(ws, draftName, entry.draft).sources.map((s) => ({ kind: s.kind, id: s.id, sha256: sha256Hex(s.text) }));
  } catch {
    return undefined;
  }
}

const key = (d: { kind: DefinitionKind; id: string }) => `${d.kind}:${d.id}`;

/** What differs between the draft's hashes and a version's (its manifest definitions), sorted by kind then id. */
export function compareDefinitions(draft: readonly DefinitionHash[], version: readonly DefinitionHash[]): DefinitionChange[] {
  const theirs = new Map(version.map((d) => [key(d), d.sha256]));
  const ours = new Map(draft.map((d) => [key(d), d.sha256]));
  const out: DefinitionChange[] = [];
  for (const d of draft) {
    const sha = theirs.get(key(d));
    if (sha === undefined) out.push({ kind: d.kind, id: d.id, change: 'added' });
    else if (sha !== d.sha256) out.push({ kind: d.kind, id: d.id, change: 'changed' });
  }
  for (const d of version) if (!ours.has(key(d))) out.push({ kind: d.kind, id: d.id, change: 'removed' });
  return out.sort((a, b) => (a.kind === b.kind ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.kind === 'flow' ? -1 : 1));
}

/** The highest published version, or undefined when none is published. */
export function highestPublished(versions: readonly { version: number; published: boolean }[]): number | undefined {
  let best: number | undefined;
  for (const v of versions) if (v.published && (best === undefined || v.version > best)) best = v.version;
  return best;
}

/** The version a bump gives the draft: one past the highest version the gateway holds (published or not, so it is free). */
export function bumpedVersion(versions: readonly { version: number }[]): number {
  const max = versions.reduce((m, v) => Math.max(m, v.version), 0);
  if (max >= LIMITS.maxVersion) throw new Error(`the gateway already holds version ${max}, the highest a package may have`);
  return max + 1;
}

/** "changed since v3" (the tree's description), or undefined when nothing differs. */
export function changedSinceText(version: number, changes: readonly DefinitionChange[]): string | undefined {
  return changes.length ? `changed since v${version}` : undefined;
}

/**
 * The draft's text with `version:` set to `version`, comments and layout kept (the yaml Document
 * API). Throws when the text is not a YAML mapping or the version is not a valid version number.
 */
export function setDraftVersion(text: string, version: number): string {
  if (!Number.isInteger(version) || version < 1 || version > LIMITS.maxVersion) throw new Error(`version must be an integer from 1 to ${LIMITS.maxVersion}`);
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`the draft has YAML syntax errors; fix them first: ${doc.errors[0].message.split('\n')[0]}`);
  if (!isMap(doc.contents)) throw new Error('the draft is not a YAML mapping');
  doc.set('version', version);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
