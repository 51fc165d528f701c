/**
 * Position → where in the YAML structure the cursor stands: on a key (or where a key is being
 * typed), on a value (or where a value is being typed), or nowhere useful (a comment, a file
 * refused by the parser's bounds). Built on core's YAML parser and its node positions
 * (yaml/parseYaml.ts), so it reads the document exactly as validation does.
 *
 * While a line is being typed the YAML is often incomplete (`kind: ` with no value, a key with no
 * colon yet, an empty list item). Where no node stands at the cursor, the partial word is replaced
 * by a placeholder key or value, the text is parsed again, and the placeholder's path says where
 * the cursor is.
 */
import { isMap, isPair, isScalar, isSeq, Scalar } from 'yaml';
import type { Node } from 'yaml';
import type { Position, Range } from '../model/diagnostic';
import { valueAt } from '../model/valueAt';
import { parseYaml, type ParsedYaml, type YamlPath } from '../yaml/parseYaml';

export type Spot =
  | { kind: 'none' }
  | {
      kind: 'key';
      /** Path of the mapping the key belongs to. */
      mapPath: YamlPath;
      /** The key text before the cursor (what completion filters on). */
      prefix: string;
      /** The whole key (or partial key) to replace. */
      range: Range;
      /** The key as written, when a key stands there. */
      key?: string;
      /** Keys the mapping already has (the one under the cursor left out). */
      siblings: string[];
    }
  | {
      kind: 'value';
      /** Path of the value. */
      path: YamlPath;
      /** The value text before the cursor (inside quotes, without them). */
      prefix: string;
      /** The value's content (inside quotes) to replace. */
      range: Range;
      /** The parsed value when a scalar stands there (undefined while it is being typed). */
      value?: unknown;
      /** For an `=` expression: its text (without `=`) up to the cursor. */
      expressionBefore?: string;
      /** The cursor is right after the key's `:`: an inserted value needs a space first. */
      needsSpace?: boolean;
    };

const KEY_PLACEHOLDER = '__fgc_key__';
const VALUE_PLACEHOLDER = '__fgc_value__';

/** Line starts and offset ↔ position conversion for one text. */
export class LineIndex {
  readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /** The line's text without its line break. */
  line(n: number): string {
    const start = this.starts[n];
    if (start === undefined) return '';
    const end = n + 1 < this.starts.length ? this.starts[n + 1] - 1 : this.text.length;
    const s = this.text.slice(start, end);
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  }
  offsetAt(pos: Position): number {
    const line = Math.max(0, Math.min(pos.line, this.starts.length - 1));
    return this.starts[line] + Math.max(0, Math.min(pos.character, this.line(line).length));
  }
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }
  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }
}

/** Whether the text before the cursor on its line ends inside a comment (a `#` outside quotes, after a space or at the start). */
export function inComment(before: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (quote) {
      if (c === quote) {
        if (quote === "'" && before[i + 1] === "'") i++;
        else quote = undefined;
      } else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s:\-[{,]/.test(before[i - 1]))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(before[i - 1]))) return true;
  }
  return false;
}

interface Hit {
  part: 'key' | 'value';
  node: Scalar;
  /** key: the mapping's path; value: the value's path. */
  path: (string | number)[];
  /** key: the mapping's node. */
  map?: Node;
  /** value: the key node of the pair holding it. */
  keyNode?: Node | null;
}

/**
 * The scalar under `offset` (a key or a value), walking only into collections whose range holds
 * it. With `exactStart`, the key or value must start exactly there (placeholders).
 */
function scalarAt(yaml: ParsedYaml, offset: number, exactStart?: number): Hit | undefined {
  const contains = (n: Node | null | undefined): n is Node => {
    if (!isMap(n) && !isSeq(n)) return false;
    const r = n.range;
    if (!r) return false;
    if (exactStart !== undefined) return r[0] <= exactStart && exactStart <= r[2];
    return r[0] <= offset && offset <= r[2];
  };
  const scalarHere = (n: unknown): n is Scalar => {
    if (!isScalar(n) || !n.range) return false;
    if (exactStart !== undefined) return n.range[0] === exactStart;
    const quoted = n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE;
    return (quoted ? n.range[0] < offset : n.range[0] <= offset) && offset <= n.range[1];
  };
  let node: unknown = yaml.document.contents;
  const path: (string | number)[] = [];
  for (let depth = 0; depth < 200; depth++) {
    if (isMap(node)) {
      let next: unknown;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as Node | null;
        const keyName = isScalar(key) ? String(key.value) : String(key);
        if (scalarHere(key)) return { part: 'key', node: key as Scalar, path: [...path], map: node };
        if (scalarHere(pair.value)) return { part: 'value', node: pair.value as Scalar, path: [...path, keyName], keyNode: key };
        if (contains(pair.value as Node)) {
          next = pair.value;
          path.push(keyName);
          break;
        }
      }
      if (next === undefined) return undefined;
      node = next;
    } else if (isSeq(node)) {
      let next: unknown;
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i];
        if (scalarHere(item)) return { part: 'value', node: item as Scalar, path: [...path, i], keyNode: null };
        if (contains(item as Node)) {
          next = item;
          path.push(i);
          break;
        }
      }
      if (next === undefined) return undefined;
      node = next;
    } else if (scalarHere(node)) {
      return { part: 'value', node, path: [...path], keyNode: null };
    } else {
      return undefined;
    }
  }
  return undefined;
}

const isQuoted = (s: Scalar) => s.type === Scalar.QUOTE_DOUBLE || s.type === Scalar.QUOTE_SINGLE;

/** Keys of the mapping at `mapPath` in the parsed value, without `leave`. */
function keysAt(value: unknown, mapPath: YamlPath, leave?: string): string[] {
  const v = valueAt(value, [...mapPath]);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
  return Object.keys(v).filter((k) => k !== leave && k !== KEY_PLACEHOLDER);
}

/**
 * Where the cursor stands. `parsed` is the text already parsed (so one request parses it once).
 * Never throws for any text or position.
 */
export function locate(text: string, pos: Position, parsed?: ParsedYaml, lines?: LineIndex): Spot {
  if (!Number.isInteger(pos?.line) || !Number.isInteger(pos?.character)) return { kind: 'none' };
  const idx = lines ?? new LineIndex(text);
  if (pos.line < 0 || pos.line >= idx.lineCount) return { kind: 'none' };
  const lineText = idx.line(pos.line);
  const ch = Math.max(0, Math.min(pos.character, lineText.length));
  const before = lineText.slice(0, ch);
  if (inComment(before)) return { kind: 'none' };
  const yaml = parsed ?? parseYaml(text);
  if (yaml.errors.some((e) => e.code === 'yaml-limit')) return { kind: 'none' };
  const lineStart = idx.starts[pos.line];
  const offset = lineStart + ch;

  const hit = scalarAt(yaml, offset);
  if (hit) {
    const r = hit.node.range!;
    if (hit.part === 'key') {
      const key = String(hit.node.value);
      return { kind: 'key', mapPath: hit.path, prefix: text.slice(r[0], offset), range: idx.range(r[0], r[1]), key, siblings: keysAt(yaml.value, hit.path, key) };
    }
    // A plain word alone on a line below its key (`inputs:` then `  dev`): a key being typed in a new mapping.
    const keyRange = (hit.keyNode as Node | null | undefined)?.range;
    if (
      hit.node.type === Scalar.PLAIN &&
      keyRange &&
      idx.positionAt(keyRange[0]).line < idx.positionAt(r[0]).line &&
      /^\s*[A-Za-z0-9_$-]*$/.test(before) &&
      /^[A-Za-z0-9_$-]*$/.test(String(hit.node.value))
    ) {
      return { kind: 'key', mapPath: hit.path, prefix: text.slice(r[0], offset), range: idx.range(r[0], r[1]), siblings: [] };
    }
    const quoted = isQuoted(hit.node);
    const contentStart = r[0] + (quoted ? 1 : 0);
    let contentEnd = r[1];
    if (quoted && contentEnd > contentStart && text[contentEnd - 1] === text[r[0]]) contentEnd--;
    const prefix = text.slice(contentStart, Math.max(contentStart, offset));
    const value = hit.node.value;
    const spot: Spot = { kind: 'value', path: hit.path, prefix, range: idx.range(contentStart, Math.max(contentStart, contentEnd)), value };
    // `key:` with the cursor right after the colon and no value yet.
    if ((value === null || value === undefined) && text[offset - 1] === ':' && contentEnd <= offset) spot.needsSpace = true;
    if (typeof value === 'string' && value.startsWith('=') && !value.startsWith('==')) {
      const src = text.slice(contentStart, offset);
      const eq = src.indexOf('=');
      spot.expressionBefore = eq >= 0 ? src.slice(eq + 1) : '';
    }
    return spot;
  }

  // Nothing stands at the cursor: a key, a list item or a value is being typed.
  const after = lineText.slice(ch);
  const keyish = /^(\s*)((?:-\s+)*)([A-Za-z0-9_$./-]*)$/.exec(before);
  if (keyish) {
    const word = keyish[3];
    const wordStart = offset - word.length;
    const tail = /^[A-Za-z0-9_$./-]*/.exec(after)![0];
    const wordEnd = offset + tail.length;
    const rest = text.slice(wordEnd, lineStart + lineText.length);
    const probe = text.slice(0, wordStart) + KEY_PLACEHOLDER + (/^\s*:/.test(rest) ? '' : ':') + text.slice(wordEnd);
    const found = placeholder(probe, wordStart);
    if (found && found.part === 'key') {
      return { kind: 'key', mapPath: found.path, prefix: word, range: idx.range(wordStart, wordEnd), siblings: keysAt(yaml.value, found.path) };
    }
    return { kind: 'none' };
  }
  const valueish = /^(\s*)((?:-\s+)*)("[^"]*"|'[^']*'|[^\s#'"{}[\],][^#]*?)\s*:\s+$/.exec(before) ?? /^(\s*)((?:-\s+)*)("[^"]*"|'[^']*'|[^\s#'"{}[\],][^#]*?)\s*:$/.exec(before);
  if (valueish) {
    const tail = /^[^\s#]*/.exec(after)![0];
    const sep = before.endsWith(':') ? ' ' : '';
    const probe = text.slice(0, offset) + sep + VALUE_PLACEHOLDER + text.slice(offset + tail.length);
    const found = placeholder(probe, offset + sep.length);
    if (found && found.part === 'value') {
      return { kind: 'value', path: found.path, prefix: '', range: idx.range(offset, offset + tail.length), ...(sep ? { needsSpace: true } : {}) };
    }
  }
  return { kind: 'none' };
}

function placeholder(probe: string, at: number): Hit | undefined {
  const yaml = parseYaml(probe);
  if (yaml.errors.some((e) => e.code === 'yaml-limit')) return undefined;
  const hit = scalarAt(yaml, at, at);
  if (!hit) return undefined;
  const v = String(hit.node.value);
  if (hit.part === 'key' && v === KEY_PLACEHOLDER) return hit;
  if (hit.part === 'value' && v === VALUE_PLACEHOLDER) return hit;
  return undefined;
}
