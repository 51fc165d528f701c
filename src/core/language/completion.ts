/**
 * Completion in flow files, package drafts and connection files: step kinds, the fields a step's
 * kind accepts (from the schema), enum values, flow and connection names where a reference goes,
 * a child flow's declared inputs as keys of `inputs`, and — inside a JSONata `=` string — the
 * variables in scope at that step (scope.ts, the engine's rule) and JSONata's functions.
 */
import { LIMITS } from '../limits';
import type { Position, Range } from '../model/diagnostic';
import { STEP_KINDS, type StepKind } from '../model/flow';
import { isJsonObject } from '../model/jsonObject';
import { isRequiredInput } from '../model/inputValues';
import { valueAt } from '../model/valueAt';
import type { SchemaKind } from '../schema/checkSchema';
import type { ParsedFile } from '../workspace/parseFile';
import type { Workspace } from '../workspace/workspace';
import { insideStringLiteral, isIndex, isStepPath, referenceKindAt, requestContext, stepAt, type LanguageDocument } from './context';
import { own, DECLARATION_KEY_DOCS, FLOW_KEY_DOCS, JSONATA_FUNCTIONS, STEP_FIELD_DOCS, STEP_KIND_DOCS } from './docs';
import { declarationSummary, flowSummary, connectionSummary } from './hover';
import type { Spot } from './locate';
import { enumAt, isObjectAt, keysAt } from './schemaInfo';
import { variablesInScope, type ScopeVariable } from './scope';

export type CompletionKind = 'keyword' | 'field' | 'flow' | 'connection' | 'variable' | 'function' | 'input' | 'value' | 'property';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** One line shown next to the label (a type, a signature). */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text inserted in place of `range` (default: the label). */
  insertText?: string;
  range: Range;
  sortText?: string;
  /** A flow or connection name: its documentation is built by `resolveCompletion` when the item is shown (1,000 summaries per request would cost more than the rest). */
  resolve?: { kind: 'flow' | 'connection'; id: string };
}

export interface CompletionResult {
  items: CompletionItem[];
  /** More candidates than LIMITS.languageItems: typing more narrows them. */
  incomplete: boolean;
}

const EMPTY: CompletionResult = { items: [], incomplete: false };

/** Completion at `pos` of `doc`. Never throws; an empty result when nothing fits. */
export function completions(ws: Workspace, doc: LanguageDocument, pos: Position): CompletionResult {
  try {
    const ctx = requestContext(ws, doc, pos);
    if (!ctx) return EMPTY;
    let items = complete(ws, ctx.file, ctx.spot, pos);
    if (ctx.spot.kind === 'value' && ctx.spot.needsSpace) items = items.map((i) => ({ ...i, insertText: ` ${i.insertText ?? i.label}` }));
    const incomplete = items.length > LIMITS.languageItems;
    return { items: incomplete ? items.slice(0, LIMITS.languageItems) : items, incomplete };
  } catch {
    return EMPTY;
  }
}

function complete(ws: Workspace, file: ParsedFile, spot: Spot, pos: Position): CompletionItem[] {
  if (spot.kind === 'none') return [];
  const doc = file.yaml.value;
  const schemaKind: SchemaKind = file.kind;
  if (spot.kind === 'value') {
    if (spot.expressionBefore !== undefined) return file.kind === 'flow' ? expressionItems(ws, file, spot.path, spot.expressionBefore, pos) : [];
    // An empty list item or value where a mapping goes (`- ` in steps): its keys.
    if ((spot.value === null || spot.value === undefined) && isObjectAt(schemaKind, doc, spot.path)) {
      return keyItems(ws, file, spot.path, [], spot.range);
    }
    return valueItems(ws, file, spot.path, spot.range, typeof spot.value === 'string' ? spot.value : '');
  }
  return keyItems(ws, file, spot.mapPath, spot.siblings, spot.range);
}

/** The documentation of a flow or connection item (see `CompletionItem.resolve`). */
export function resolveCompletion(ws: Workspace, item: CompletionItem): CompletionItem {
  try {
    if (!item.resolve || item.documentation) return item;
    const { kind, id } = item.resolve;
    if (kind === 'flow') {
      const def = ws.flows().get(id);
      return { ...item, documentation: def ? flowSummary(def) : `flow \`${id}\` (its file does not pass validation yet)` };
    }
    const def = ws.connections().get(id);
    return { ...item, documentation: def ? connectionSummary(def) : `connection \`${id}\`` };
  } catch {
    return item;
  }
}

// ---- keys ----------------------------------------------------------------------------------------

function keyItems(ws: Workspace, file: ParsedFile, mapPath: readonly (string | number)[], siblings: string[], range: Range): CompletionItem[] {
  const doc = file.yaml.value;
  const taken = new Set(siblings);
  // A run-flow step's (or a schedule's / trigger's) inputs: the child flow's declared inputs.
  const inputsOf = inputsOwner(file, mapPath);
  if (inputsOf !== undefined) {
    const child = ws.flows().get(inputsOf);
    if (!child) return [];
    return Object.entries(child.flow.inputs ?? {})
      .filter(([name]) => !taken.has(name))
      .map(([name, decl], i) => ({
        label: name,
        kind: 'input' as const,
        detail: `${decl.type}${isRequiredInput(decl) ? ', required' : decl.default !== undefined ? `, default ${JSON.stringify(decl.default)}` : ', optional'} — input of ${child.id}`,
        documentation: declarationSummary(name, decl),
        insertText: `${name}: `,
        range,
        sortText: `${isRequiredInput(decl) ? '0' : '1'}${String(i).padStart(5, '0')}`,
      }));
  }
  const keys = keysAt(file.kind, doc, mapPath).filter((k) => !taken.has(k.name));
  const step = file.kind === 'flow' ? stepAt(doc, mapPath) : undefined;
  const stepKind = typeof step?.kind === 'string' ? step.kind : undefined;
  return keys.map((k, i) => {
    let documentation = k.description;
    if (!documentation && file.kind === 'flow') {
      if (isStepPath(mapPath)) documentation = own(STEP_FIELD_DOCS, `${stepKind}/${k.name}`) ?? own(STEP_FIELD_DOCS, `*/${k.name}`);
      else if (mapPath.length === 0) documentation = own(FLOW_KEY_DOCS, k.name);
      else if (mapPath.length === 2 && (mapPath[0] === 'inputs' || mapPath[0] === 'outputs')) documentation = own(DECLARATION_KEY_DOCS, k.name);
    }
    // `kind` first in a step, then required keys, then the rest in schema order.
    const rank = k.name === 'kind' ? '0' : k.required ? '1' : '2';
    return {
      label: k.name,
      kind: 'field' as const,
      detail: k.required ? 'required' : undefined,
      documentation,
      insertText: `${k.name}: `,
      range,
      sortText: `${rank}${String(i).padStart(5, '0')}`,
    };
  });
}

/** The flow whose inputs the mapping at `mapPath` gives (run-flow `inputs`, a draft schedule's or trigger's `inputs`). */
function inputsOwner(file: ParsedFile, mapPath: readonly (string | number)[]): string | undefined {
  if (mapPath[mapPath.length - 1] !== 'inputs') return undefined;
  const owner = valueAt(file.yaml.value, mapPath.slice(0, -1).map((s) => (isIndex(s) ? Number(s) : s)));
  if (!isJsonObject(owner)) return undefined;
  const o = owner as Record<string, unknown>;
  if (file.kind === 'flow' && isStepPath(mapPath.slice(0, -1)) && o.kind === 'run-flow' && typeof o.flow === 'string' && !o.flow.startsWith('=')) return o.flow;
  if (file.kind === 'package' && mapPath.length === 3 && (mapPath[0] === 'schedules' || mapPath[0] === 'triggers') && typeof o.flow === 'string') return o.flow;
  return undefined;
}

// ---- values --------------------------------------------------------------------------------------

function valueItems(ws: Workspace, file: ParsedFile, path: readonly (string | number)[], range: Range, current: string): CompletionItem[] {
  const doc = file.yaml.value;
  const last = path[path.length - 1];
  if (file.kind === 'flow' && last === 'kind' && isStepPath(path.slice(0, -1))) {
    return STEP_KINDS.map((k, i) => ({
      label: k,
      kind: 'keyword' as const,
      detail: 'step kind',
      documentation: stepKindDoc(k),
      range,
      sortText: String(i).padStart(2, '0'),
    }));
  }
  const refKind = referenceKindAt(file, path);
  if (refKind === 'flow') {
    const listed = file.kind === 'package' && path[0] === 'definitions' ? listedIds(doc, 'flows', current) : new Set<string>();
    const draftFlows = file.kind === 'package' && path[0] !== 'definitions' ? listedIds(doc, 'flows', '') : new Set<string>();
    const self = file.kind === 'flow' ? file.id : undefined;
    const out: CompletionItem[] = [];
    for (const id of ws.ids('flow')) {
      if (listed.has(id) || id === self) continue;
      const def = ws.flows().get(id);
      out.push({
        label: id,
        kind: 'flow',
        detail: def?.flow.description ? oneLine(def.flow.description) : 'flow',
        resolve: { kind: 'flow', id },
        range,
        sortText: `${draftFlows.has(id) ? '0' : '1'}${id}`,
      });
      if (out.length > LIMITS.languageItems) break;
    }
    return out;
  }
  if (refKind === 'connection') {
    const listed = file.kind === 'package' && path[0] === 'definitions' ? listedIds(doc, 'connections', current) : new Set<string>();
    const out: CompletionItem[] = [];
    for (const id of ws.ids('connection')) {
      if (listed.has(id)) continue;
      const def = ws.connections().get(id);
      out.push({
        label: id,
        kind: 'connection',
        detail: def?.connection.description ? oneLine(def.connection.description) : def?.connection.baseUrl ?? 'connection',
        resolve: { kind: 'connection', id },
        range,
      });
      if (out.length > LIMITS.languageItems) break;
    }
    return out;
  }
  return enumAt(file.kind, doc, path).map((v, i) => ({ label: v, kind: 'value' as const, range, sortText: String(i).padStart(3, '0') }));
}

function listedIds(doc: unknown, list: 'flows' | 'connections', leave: string): Set<string> {
  const items = valueAt(doc, ['definitions', list]);
  const out = new Set<string>(Array.isArray(items) ? items.filter((x): x is string => typeof x === 'string') : []);
  out.delete(leave);
  return out;
}

export function stepKindDoc(kind: StepKind): string {
  const d = STEP_KIND_DOCS[kind];
  return `**${kind}** step — ${d.summary}\n\n\`\`\`yaml\n${d.example}\n\`\`\``;
}

const oneLine = (s: string) => (s.length > 120 ? `${s.slice(0, 119)}…` : s).replace(/\s+/g, ' ').trim();

// ---- expressions ---------------------------------------------------------------------------------

/**
 * Inside an `=` string: after `$`, JSONata's functions; after `name.`, the known fields of that
 * variable (a child flow's outputs, an http response, a caught error); else the variables in
 * scope (and the functions). Nothing inside a string literal of the expression.
 */
function expressionItems(ws: Workspace, file: ParsedFile, path: readonly (string | number)[], before: string, pos: Position): CompletionItem[] {
  if (insideStringLiteral(before)) return [];
  const m = /(\$?)([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before)!;
  const word = (m[1] ?? '') + (m[2] ?? '');
  const range: Range = { start: { line: pos.line, character: Math.max(0, pos.character - word.length) }, end: pos };
  const head = before.slice(0, before.length - word.length);
  const scope = () =>
    variablesInScope(file.yaml.value, path.map((s) => (isIndex(s) ? Number(s) : s)), (id) => ws.flows().get(id)?.flow.outputs as Record<string, { type?: unknown; description?: unknown }> | undefined);
  if (m[1] !== '$') {
    const dotted = /([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*$/.exec(head);
    if (dotted) {
      const v = scope().find((x) => x.name === dotted[1]);
      return (v?.fields ?? []).map((f, i) => ({
        label: f.name,
        kind: 'property' as const,
        detail: f.type,
        documentation: f.description,
        range,
        sortText: String(i).padStart(4, '0'),
      }));
    }
    if (/[.\]"'`]\s*$/.test(head) || /[0-9]$/.test(head)) return [];
  }
  const items: CompletionItem[] = [];
  if (m[1] !== '$') {
    scope().forEach((v, i) => items.push(variableItem(v, range, i)));
  }
  if (m[1] === '$' || word === '') {
    for (const [name, [signature, doc]] of Object.entries(JSONATA_FUNCTIONS)) {
      items.push({ label: `$${name}`, kind: 'function', detail: signature, documentation: doc, insertText: `$${name}`, range, sortText: `9${name}` });
    }
  }
  return items;
}

const SOURCE_WORDS: Record<ScopeVariable['source'], string> = {
  input: 'input',
  set: 'set by a step',
  output: 'step output',
  'loop-item': 'for-each item',
  'loop-index': 'for-each index',
  error: 'caught error',
};

function variableItem(v: ScopeVariable, range: Range, i: number): CompletionItem {
  const fields = v.fields?.length ? `\n\nFields: ${v.fields.map((f) => `\`${f.name}\``).join(', ')}` : '';
  return {
    label: v.name,
    kind: 'variable',
    detail: `${SOURCE_WORDS[v.source]}${v.type ? `: ${v.type}` : ''}`,
    documentation: `${v.description ?? ''}${fields}`.trim() || undefined,
    range,
    sortText: `0${String(i).padStart(5, '0')}`,
  };
}
