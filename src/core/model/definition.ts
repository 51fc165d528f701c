import type { ConnectionDefinition } from './connection';
import type { FlowDefinition } from './flow';

export type DefinitionKind = 'flow' | 'connection';
export type Definition = FlowDefinition | ConnectionDefinition;

/** A reference from one definition to another, with where it stands in the source file. */
export interface Reference {
  from: { kind: DefinitionKind; id: string };
  to: { kind: DefinitionKind; id: string };
  /** JSON path of the referencing value inside the source document, e.g. ['steps', 2, 'flow']. */
  path: (string | number)[];
}

/** Stable key of a definition: `flow:network/core/X`, `connection:crm-dev`. */
export function definitionKey(kind: DefinitionKind, id: string): string {
  return `${kind}:${id}`;
}
