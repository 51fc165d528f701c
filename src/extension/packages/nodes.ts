import type { DefinitionKind } from '../../core/model/definition';

/** A package draft in the Packages view (also accepted as a command argument: `{ type: 'draft', name }`). */
export interface DraftNode {
  type: 'draft';
  name: string;
  relPath: string;
  /** False for a draft file that does not parse or fails its schema. */
  valid: boolean;
}

/** A definition listed by a draft (command argument: `{ type: 'definition', draftName, kind, id }`). */
export interface DefinitionNode {
  type: 'definition';
  draftName: string;
  kind: DefinitionKind;
  id: string;
  /** A flow that another included flow runs: it cannot be removed. */
  required: boolean;
  /** The workspace has a file for it. */
  exists: boolean;
}

export type PackagesNode = DraftNode | DefinitionNode;

export const CONTEXT = {
  draft: 'flowgate.draft',
  invalidDraft: 'flowgate.draft.invalid',
  /** A valid draft whose definitions differ from the highest version published on the dev gateway ("changed since vN"). */
  changedDraft: 'flowgate.draft.changed',
  requiredFlow: 'flowgate.definition.required.flow',
  removableFlow: 'flowgate.definition.removable.flow',
  removableConnection: 'flowgate.definition.removable.connection',
} as const;

export function isDraftArg(arg: unknown): arg is { type: 'draft'; name: string } {
  return !!arg && typeof arg === 'object' && (arg as DraftNode).type === 'draft' && typeof (arg as DraftNode).name === 'string';
}

export function isDefinitionArg(arg: unknown): arg is Pick<DefinitionNode, 'type' | 'draftName' | 'kind' | 'id'> {
  const a = arg as DefinitionNode;
  return !!a && typeof a === 'object' && a.type === 'definition' && typeof a.draftName === 'string' && typeof a.id === 'string' && (a.kind === 'flow' || a.kind === 'connection');
}
