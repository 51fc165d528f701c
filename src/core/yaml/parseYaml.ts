/**
 * YAML parsing with source positions. Every file format of the workspace goes through here, so
 * syntax errors and later schema problems can be placed at the right line and character.
 */
import { CST, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument, Scalar, visit } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Diagnostic, Position, Range } from '../model/diagnostic';
import { LIMITS } from '../limits';

/**
 * What one YAML file may hold. Every workspace file format (flows, connections, package drafts,
 * and so every package file's definitions) is parsed here, so these bound the cost of any YAML a
 * caller sends: the text is refused before parsing when it is longer than `chars`, has more than
 * `lines` lines (a blank or comment line costs the parser ~1.5-3 µs) or `anchors` anchors (yaml's
 * anchor bookkeeping grows faster than linearly: 14,000 took 0.8 s), or when a one-pass count of
 * the characters that can open a node (an upper bound of the keys and items; confirmed by yaml's
 * lexer, which stops early, before refusing) exceeds `nodes` — parsing costs ~8 µs per node, so at
 * most ~0.3 s; after parsing, one
 * iterative walk checks nesting depth and duplicate keys (a Set per mapping: linear, where the
 * `yaml` package's own `uniqueKeys` check compares every key with every other: 21 s for 40k
 * keys), and aliases are expanded at most `aliases` times (billion laughs).
 */
export const YAML_LIMITS = {
  chars: LIMITS.yamlFileBytes,
  nodes: LIMITS.yamlNodes,
  lines: LIMITS.yamlLines,
  anchors: LIMITS.yamlAnchors,
  depth: LIMITS.jsonDepth,
  aliases: LIMITS.yamlAliases,
} as const;

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

/**
 * One pass over the characters: an upper bound of the keys and items (`- `, `? ` and `: `
 * indicators, also before a line break or the end; `:` right after a quote; `,`, `[` and `{` —
 * every key or item of a collection needs one of them), the lines, and an upper bound of the
 * anchors (`&` right after a space, a line start or `[{,` and before a name). Stops early once
 * `max` nodes are passed (`at` is then where).
 */
function scanText(text: string, max: number): { nodes: number; lines: number; anchors: number; at: number } {
  let nodes = 0;
  let lines = 1;
  let anchors = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lines++;
      continue;
    }
    if (c === 44 || c === 91 || c === 123) nodes++;
    else if (c === 45 || c === 58 || c === 63) {
      const n = i + 1 < text.length ? text.charCodeAt(i + 1) : 10;
      const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
      if (n === 32 || n === 9 || n === 10 || n === 13 || (c === 58 && (prev === 34 || prev === 39))) nodes++;
      else continue;
    } else if (c === 38) {
      const prev = i > 0 ? text.charCodeAt(i - 1) : 10;
      const n = i + 1 < text.length ? text.charCodeAt(i + 1) : 32;
      if ((prev === 32 || prev === 10 || prev === 9 || prev === 91 || prev === 123 || prev === 44) && n !== 32 && n !== 10 && n !== 9 && n !== 13) anchors++;
      continue;
    } else continue;
    if (nodes > max) return { nodes, lines, anchors, at: i };
  }
  return { nodes, lines, anchors, at: -1 };
}

/**
 * The exact count of collection indicators by yaml's own lexer (block and quoted scalars are one
 * token each, so prose in `instructions: |` does not count), for texts the character scan over-
 * counted. Stops once `max` is passed, or after `tokenBudget` tokens: at most ~0.7 µs a token.
 */
function lexedNodesExceed(text: string, max: number, tokenBudget: number): number {
  const counted = new Set(['comma', 'flow-seq-start', 'flow-map-start', 'seq-item-ind', 'map-value-ind', 'explicit-key-ind']);
  let nodes = 0;
  let tokens = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (++tokens > tokenBudget) return offset;
    const type = CST.tokenType(token);
    if (type && counted.has(type) && ++nodes > max) return offset;
    // Control tokens (one character below a space, not a line break or tab) stand for no source text.
    if (!(token.length === 1 && token.charCodeAt(0) < 32 && token !== '\n' && token !== '\t' && token !== '\r')) offset += token.length;
  }
  return -1;
}

/** An upper bound of the keys and list items `text` can hold (the character scan), in one pass. */
export function yamlNodeBound(text: string): number {
  return scanText(text, Infinity).nodes;
}

/** What parsing `text` costs, bounded from above: its keys and items (character scan) and lines. */
export function yamlCost(text: string): { nodes: number; lines: number } {
  const { nodes, lines } = scanText(text, Infinity);
  return { nodes, lines };
}

/** Why `text` is refused before parsing, with where; undefined when it is within every bound. */
function refusedBeforeParsing(text: string): { at: number; message: string } | undefined {
  if (text.length > YAML_LIMITS.chars) return { at: 0, message: `The file is ${text.length} characters long; at most ${YAML_LIMITS.chars} are accepted.` };
  const scan = scanText(text, YAML_LIMITS.nodes);
  if (scan.lines > YAML_LIMITS.lines) return { at: 0, message: `The file has ${scan.lines} lines; at most ${YAML_LIMITS.lines} are accepted.` };
  if (scan.anchors > YAML_LIMITS.anchors) return { at: 0, message: `The file has more than ${YAML_LIMITS.anchors} anchors (&name); at most ${YAML_LIMITS.anchors} are accepted.` };
  if (scan.at >= 0) {
    const at = lexedNodesExceed(text, YAML_LIMITS.nodes, 4 * YAML_LIMITS.nodes + YAML_LIMITS.lines);
    if (at >= 0) return { at, message: `The file has more than ${YAML_LIMITS.nodes} keys and list items; at most ${YAML_LIMITS.nodes} are accepted.` };
  }
  return undefined;
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const refused = refusedBeforeParsing(text);
  if (refused) {
    // Refused before parsing: the document is parsed from an empty text, so ranges still work.
    const empty = parseDocument('', { lineCounter });
    const at = refused.at;
    let line = 0;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    const range: Range = { start: { line, character: at - lineStart }, end: { line, character: at - lineStart } };
    const message = refused.message;
    return {
      value: null,
      errors: [{ severity: 'error', code: 'yaml-limit', message, range }],
      rangeOf: () => undefined,
      nearestRangeOf: () => range,
      document: empty,
      lineCounter,
    };
  }
  // `uniqueKeys: false`: duplicates are found by checkStructure, in linear time.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
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

  const structural = document.errors.length ? [] : checkStructure(document);
  for (const p of structural) {
    errors.push({ severity: 'error', code: p.code, message: p.message, range: toRange(p.start, p.end) });
  }

  let value: unknown = null;
  try {
    // Nesting beyond the bound is refused without converting (toJS recurses).
    if (!structural.some((p) => p.code === 'yaml-limit')) value = document.toJS({ maxAliasCount: YAML_LIMITS.aliases }) ?? null;
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

interface StructureProblem {
  code: 'yaml-syntax' | 'yaml-limit';
  message: string;
  start: number;
  end: number;
}

/**
 * One iterative walk over the parsed document: nesting deeper than YAML_LIMITS.depth (reported
 * once), and keys repeated in a mapping (a Set per mapping: O(keys)). At most 100 problems.
 */
function checkStructure(document: Document.Parsed): StructureProblem[] {
  const out: StructureProblem[] = [];
  const stack: { node: unknown; depth: number }[] = [{ node: document.contents, depth: 1 }];
  let tooDeep = false;
  while (stack.length && out.length < 100) {
    const { node, depth } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > YAML_LIMITS.depth) {
      if (!tooDeep) {
        const r = (node as Node).range;
        out.push({ code: 'yaml-limit', message: `Nesting deeper than ${YAML_LIMITS.depth} levels is not accepted.`, start: r?.[0] ?? 0, end: r?.[0] ?? 0 });
        tooDeep = true;
      }
      continue;
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          const v = key.value;
          const id = `${v === null ? 'null' : typeof v}:${String(v)}`;
          if (seen.has(id)) {
            const r = key.range;
            out.push({ code: 'yaml-syntax', message: 'YAML syntax error: Map keys must be unique', start: r?.[0] ?? 0, end: r?.[1] ?? 0 });
          }
          seen.add(id);
        } else if (key !== null && key !== undefined) {
          stack.push({ node: key, depth: depth + 1 });
        }
        stack.push({ node: pair.value, depth: depth + 1 });
      }
    } else {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    }
  }
  return out;
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
