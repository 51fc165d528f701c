/**
 * Rewrites reference values (run-flow `flow:`, http `connection:`) in a flow's YAML text.
 *
 * The yaml Document API finds each referencing value and its exact place in the text; only
 * those characters are replaced, so comments, quoting, folding and every other byte of the file
 * stay as the author wrote them. The result is parsed again and compared with the intended
 * value before it is used.
 */
import { isAlias, isCollection, isScalar, parseDocument, Scalar, type Document, type Node } from 'yaml';
import type { Definition, DefinitionKind } from '../model/definition';
import { referencesOf } from '../graph/references';
import { canonicalJson } from './canonicalJson';

/** The new id for a referenced definition, or undefined to keep the reference as it is. */
export type ReferenceMapping = (kind: DefinitionKind, id: string) => string | undefined;

export interface RewriteResult {
  text: string;
  /** How many values were rewritten. */
  rewritten: number;
}

const SAFE_PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

/** The node at a JSON path, following aliases on the way (not at the end). */
function nodeAt(doc: Document, path: (string | number)[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const key of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (!isCollection(node)) return undefined;
    node = node.get(key, true);
  }
  return isScalar(node) || isAlias(node) ? node : undefined;
}

/** YAML source for a string value, in the style of the value it replaces where that is safe. */
function scalarSource(value: string, replaced: Node): string {
  const type = isScalar(replaced) ? replaced.type : undefined;
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if ((type === Scalar.PLAIN || type === undefined) && SAFE_PLAIN.test(value)) return value;
  return JSON.stringify(value); // a JSON string is a valid YAML double-quoted scalar
}

function setIn(target: unknown, path: (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
}

/**
 * Rewrites the references that `definition` (parsed from `text`) makes, as `mapping` says.
 * Expressions (`= …`) name nothing statically and are left alone. Throws when the rewritten
 * text would not mean what was intended (which only an exotic YAML construct could cause).
 */
export function rewriteReferences(text: string, definition: Definition, mapping: ReferenceMapping): RewriteResult {
  const edits: { start: number; end: number; source: string; path: (string | number)[]; value: string }[] = [];
  const refs = referencesOf(definition);
  if (refs.length === 0) return { text, rewritten: 0 };
  const doc = parseDocument(text, { keepSourceTokens: false });
  for (const ref of refs) {
    const to = mapping(ref.to.kind, ref.to.id);
    if (to === undefined || to === ref.to.id) continue;
    const node = nodeAt(doc, ref.path);
    if (!node?.range) {
      throw new Error(`cannot rewrite the reference at ${ref.path.join('.')} in ${definition.kind} '${definition.id}'`);
    }
    // A literal that starts with '=' is written '==…' so it is not read as an expression.
    const value = to.startsWith('=') ? `=${to}` : to;
    const [start, valueEnd] = node.range;
    const end = start + text.slice(start, valueEnd).trimEnd().length;
    edits.push({ start, end, source: scalarSource(value, node), path: ref.path, value });
  }
  if (edits.length === 0) return { text, rewritten: 0 };

  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.source + out.slice(edit.end);
  }

  const expected = doc.toJS() as unknown;
  for (const edit of edits) setIn(expected, edit.path, edit.value);
  const check = parseDocument(out);
  if (check.errors.length > 0 || canonicalJson(check.toJS()) !== canonicalJson(expected)) {
    throw new Error(`rewriting references in ${definition.kind} '${definition.id}' would change its meaning; edit the file by hand`);
  }
  return { text: out, rewritten: edits.length };
}
