/**
 * Text edits of workspace files for quick fixes: positions ↔ offsets, the smallest edit turning
 * one text into another, and insertion of entries into a YAML block mapping without touching the
 * rest of the file.
 */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import type { Position, Range } from '../model/diagnostic';

/** Replace `range` of `file` (workspace-relative) by `newText`. */
export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

export function offsetAt(text: string, pos: Position): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const nl = text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? text.length : nl;
  return Math.min(offset + pos.character, lineEnd);
}

export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, character: offset - start };
}

/** Applies edits of one file (they must not overlap). */
export function applyTextEdits(text: string, edits: readonly Pick<TextEdit, 'range' | 'newText'>[]): string {
  const spans = edits
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

/** The one edit (common prefix and suffix kept) that turns `before` into `after`. */
export function minimalEdit(file: string, before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return {
    file,
    range: { start: positionAt(before, start), end: positionAt(before, before.length - end) },
    newText: after.slice(start, after.length - end),
  };
}

/** The node at `path` in a parsed document, with the pair holding it (for a mapping entry). */
export function nodeAt(doc: Document.Parsed, path: readonly (string | number)[]): { node: Node | null; pair?: Pair } | undefined {
  let node = doc.contents as Node | null;
  let pair: Pair | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const found = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg)) as Pair | undefined;
      if (!found) return undefined;
      pair = found;
      node = (found.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined) return undefined;
      pair = undefined;
      node = item;
    } else return undefined;
  }
  return { node, pair };
}

/**
 * Inserts `entry` (a YAML `key: value` snippet, several lines allowed, indented from column 0)
 * as the last entry of the non-empty block mapping at `mapPath`, at the indentation of its
 * entries. Undefined when there is no such mapping (the caller falls back on a whole-document edit).
 */
export function insertIntoBlockMap(file: string, text: string, doc: Document.Parsed, mapPath: readonly (string | number)[], entry: string): TextEdit | undefined {
  const found = nodeAt(doc, mapPath);
  const map = found?.node;
  if (!isMap(map) || (map as YAMLMap).flow || map.items.length === 0 || !map.range) return undefined;
  const first = map.items[0];
  const keyStart = isScalar(first.key) ? first.key.range?.[0] : undefined;
  if (keyStart === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const indent = text.slice(lineStart, keyStart);
  if (!/^[ ]*(- )?[ ]*$/.test(indent)) return undefined;
  const pad = ' '.repeat(indent.length);
  const end = map.range[1];
  const needsBreak = end > 0 && text[end - 1] !== '\n';
  const lines = entry.replace(/\n$/, '').split('\n').map((l) => pad + l);
  const newText = (needsBreak ? '\n' : '') + lines.join('\n') + (needsBreak ? '' : '\n');
  const pos = positionAt(text, end);
  return { file, range: { start: pos, end: pos }, newText };
}

/** A YAML scalar for `value`: plain when that reads back as the same string, else double-quoted. */
export function yamlScalar(value: string): string {
  return /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(value) ? value : JSON.stringify(value);
}
