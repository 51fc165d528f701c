/**
 * Where a definition stands inside a package file. The entry path is the definition's
 * workspace path under `definitions/`, so a definition read from a package is parsed exactly
 * as the same file would be in the workspace.
 */
import type { DefinitionKind } from '../model/definition';
import { classifyPath, connectionPath, flowPath, ID_SEGMENT_PATTERN } from '../workspace/layout';
import { unsafeEntryNameReason } from './zipPath';

export const DEFINITIONS_PREFIX = 'definitions/';

export function workspacePathOf(kind: DefinitionKind, id: string): string {
  return kind === 'flow' ? flowPath(id) : connectionPath(id);
}

export function definitionEntryPath(kind: DefinitionKind, id: string): string {
  return DEFINITIONS_PREFIX + workspacePathOf(kind, id);
}

/** Why `id` cannot name a definition of `kind`, or undefined when it can. */
export function invalidDefinitionIdReason(kind: DefinitionKind, id: string): string | undefined {
  if (id.length === 0) return 'the id is empty';
  const entry = definitionEntryPath(kind, id);
  const unsafe = unsafeEntryNameReason(entry);
  if (unsafe) return `its file "${entry}" is not a safe path: ${unsafe}`;
  const bad = id.split('/').filter((segment) => !ID_SEGMENT_PATTERN.test(segment) || segment === '.' || segment === '..');
  if (bad.length > 0) {
    return `"${id}" has ${bad.map((s) => `'${s}'`).join(', ')}: an id may only contain letters, digits, '.', '-' and '_' between '/'`;
  }
  const classified = classifyPath(workspacePathOf(kind, id));
  if (!classified || classified.kind !== kind || !('id' in classified) || classified.id !== id) {
    return `"${id}" is not a valid ${kind} id`;
  }
  return undefined;
}
