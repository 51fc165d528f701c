/**
 * YAML parsing with source positions. Every file format of the workspace goes through here, so
 * syntax errors and later schema problems can be placed at the right line and character.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Diagnostic, Position, Range } from '../model/diagnostic';

export type YamlPath = readonly (string | number)[];

export interface ParsedYaml {
  /** The document as plain JavaScript (best effort when there are syntax errors; `null` when empty). */
  value: unknown;
  /** YAML syntax errors (`yaml-syntax`) and warnings (`yaml-warning`), with ranges. */
  errors: Diagnostic[];
  /**
   * Where the node at `path` stands in the text. `'value'` (default) is the value's range;
   * `'key'` is the range of the map key that holds it (for a sequence item, its first line).
   * Undefined when the path does not exist.
   */
  rangeOf(path: YamlPath, part?: 'key' | 'value'): Range | undefined;
  /** The closest existing ancestor's range, so a diagnostic always has a place. */
  nearestRangeOf(path: YamlPath, part?: 'key' | 'value'): Range;
  /** The underlying `yaml` document, for callers that need more than values and ranges. */
  document: Document.Parsed;
  lineCounter: LineCounter;
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: line - 1, character: col - 1 };
  };
  const lineEnd = (offset: number): number => {
    const nl = text.indexOf('\n', offset);
    let end = nl < 0 ? text.length : nl;
    if (end > offset && text[end - 1] === '\r') end--;
    return end;
  };
  const toRange = (start: number, end: number): Range => ({
    start: toPosition(start),
    end: toPosition(Math.max(start, end)),
  });

  const errors: Diagnostic[] = [];
  for (const e of document.errors) {
    let [start, end] = e.pos;
    if (e.code === 'MISSING_CHAR' && /quote/.test(e.message)) {
      // An unterminated quote is detected at the end of the text; show it where the quote opens.
      const opening = unterminatedQuoteStart(document, start);
      if (opening !== undefined) [start, end] = [opening, lineEnd(opening)];
    }
    errors.push({
      severity: 'error',
      code: 'yaml-syntax',
      message: `YAML syntax error: ${firstLine(e.message)}`,
      range: toRange(start, end),
    });
  }
  for (const w of document.warnings) {
    errors.push({
      severity: 'warning',
      code: 'yaml-warning',
      message: firstLine(w.message),
      range: toRange(w.pos[0], w.pos[1]),
    });
  }

  let value: unknown = null;
  try {
    value = document.toJS({ maxAliasCount: 100 }) ?? null;
  } catch (e) {
    errors.push({
      severity: 'error',
      code: 'yaml-syntax',
      message: `YAML error: ${(e as Error).message}`,
      range: toRange(0, 0),
    });
  }

  const nodeRange = (node: Node | null | undefined): [number, number] | undefined => {
    const r = node?.range;
    return r ? [r[0], r[1]] : undefined;
  };

  /** Walks to `path`; returns the node and the pair that holds it (for map entries). */
  const locate = (path: YamlPath): { node: Node | null; pair?: Pair; ok: boolean; depth: number } => {
    let node = document.contents as Node | null;
    let pair: Pair | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const found = node.items.find(
          (p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) === String(seg) : String(p.key) === String(seg)),
        ) as Pair | undefined;
        if (!found) return { node, pair, ok: false, depth: i };
        pair = found;
        node = (found.value as Node | null) ?? null;
      } else if (isSeq(node) && (typeof seg === 'number' || /^\d+$/.test(String(seg)))) {
        const item = node.items[Number(seg)];
        if (item === undefined) return { node, pair, ok: false, depth: i };
        pair = undefined;
        node = item as Node | null;
      } else {
        return { node, pair, ok: false, depth: i };
      }
    }
    return { node, pair, ok: true, depth: path.length };
  };

  const rangeFor = (node: Node | null, pair: Pair | undefined, part: 'key' | 'value'): Range | undefined => {
    if (part === 'key') {
      const keyRange = pair ? nodeRange(pair.key as Node) : undefined;
      if (keyRange) return toRange(keyRange[0], keyRange[1]);
      const r = nodeRange(node);
      if (r) return toRange(r[0], Math.min(r[1], lineEnd(r[0])));
      return toRange(0, lineEnd(0));
    }
    const r = nodeRange(node);
    if (r) return toRange(r[0], r[1]);
    // `key:` with no value: point at the key.
    const keyRange = pair ? nodeRange(pair.key as Node) : undefined;
    if (keyRange) return toRange(keyRange[0], keyRange[1]);
    return undefined;
  };

  const rangeOf = (path: YamlPath, part: 'key' | 'value' = 'value'): Range | undefined => {
    const found = locate(path);
    if (!found.ok) return undefined;
    return rangeFor(found.node, found.pair, part);
  };

  const nearestRangeOf = (path: YamlPath, part: 'key' | 'value' = 'value'): Range => {
    for (let n = path.length; n >= 0; n--) {
      const found = locate(path.slice(0, n));
      if (!found.ok) continue;
      const r = rangeFor(found.node, found.pair, n === path.length ? part : 'key');
      if (r) return r;
    }
    return toRange(0, lineEnd(0));
  };

  return { value, errors, rangeOf, nearestRangeOf, document, lineCounter };
}

/** The first line of a range — for collections, so a squiggle does not cover a whole block. */
export function firstLineOf(range: Range, text: string): Range {
  if (range.end.line === range.start.line) return range;
  const lines = text.split('\n');
  const line = (lines[range.start.line] ?? '').replace(/\r$/, '');
  return { start: range.start, end: { line: range.start.line, character: Math.max(range.start.character, line.length) } };
}

/** Start offset of the last quoted scalar that opens before `errorOffset` and runs up to it. */
function unterminatedQuoteStart(document: Document.Parsed, errorOffset: number): number | undefined {
  let found: number | undefined;
  visit(document, {
    Scalar(_key, node) {
      const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
      if (quoted && node.range && node.range[0] < errorOffset && node.range[2] >= errorOffset) found = node.range[0];
    },
  });
  return found;
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
