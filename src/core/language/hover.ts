/**
 * Hover: on a flow or connection reference, what it is (description, inputs with type and
 * required/default, outputs); on a step kind, what the kind does; on a step field, what it is
 * for; on a key of a run-flow step's inputs, the child's declaration of that input.
 */
import type { ConnectionDefinition } from '../model/connection';
import type { Position, Range } from '../model/diagnostic';
import { STEP_KINDS, type FlowDefinition, type StepKind, type VariableDeclaration } from '../model/flow';
import { isRequiredInput } from '../model/inputValues';
import { isJsonObject } from '../model/jsonObject';
import { valueAt } from '../model/valueAt';
import { definitionPath } from '../workspace/layout';
import type { Workspace } from '../workspace/workspace';
import { insideStringLiteral, isIndex, isStepPath, referenceAtSpot, requestContext, stepAt, type LanguageDocument } from './context';
import type { LineIndex } from './locate';
import { variablesInScope, type ScopeVariable } from './scope';
import { own, JSONATA_FUNCTIONS, DECLARATION_KEY_DOCS, FLOW_KEY_DOCS, STEP_FIELD_DOCS, STEP_KIND_DOCS } from './docs';

export interface HoverResult {
  /** Markdown. */
  contents: string;
  range: Range;
}

/** Characters of a description shown in a hover. */
const DESCRIPTION_CHARS = 2000;
/** Inputs or outputs listed in a hover. */
const VARIABLES_SHOWN = 50;

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const clip = (s: string) => (s.length > DESCRIPTION_CHARS ? `${s.slice(0, DESCRIPTION_CHARS)}…` : s);
/** Markdown-safe single-line text (no HTML, no links injected by a file's text). */
const text = (s: string) => clip(s).replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);

export function declarationSummary(name: string, decl: VariableDeclaration): string {
  const parts = [`${code(name)}: ${code(String(decl.type))}`];
  if (isRequiredInput(decl)) parts.push('required');
  else if (decl.default !== undefined) parts.push(`default ${code(clip(JSON.stringify(decl.default)))}`);
  else parts.push('optional');
  return `${parts.join(', ')}${decl.description ? ` — ${text(decl.description)}` : ''}`;
}

function variableList(title: string, vars: Record<string, VariableDeclaration> | undefined, inputs: boolean): string {
  const entries = Object.entries(vars ?? {});
  if (entries.length === 0) return `**${title}:** none`;
  const shown = entries.slice(0, VARIABLES_SHOWN).map(([name, d]) =>
    inputs ? `- ${declarationSummary(name, d)}` : `- ${code(name)}: ${code(String(d.type))}${d.description ? ` — ${text(d.description)}` : ''}`,
  );
  if (entries.length > VARIABLES_SHOWN) shown.push(`- … and ${entries.length - VARIABLES_SHOWN} more`);
  return `**${title}:**\n${shown.join('\n')}`;
}

export function flowSummary(def: FlowDefinition): string {
  const parts = [`**flow** ${code(def.id)}`];
  if (def.flow.description) parts.push(text(def.flow.description));
  parts.push(variableList('Inputs', def.flow.inputs, true), variableList('Outputs', def.flow.outputs, false));
  parts.push(`*${definitionPath('flow', def.id)}*`);
  return parts.join('\n\n');
}

export function connectionSummary(def: ConnectionDefinition): string {
  const c = def.connection;
  const parts = [`**connection** ${code(def.id)}`];
  if (c.description) parts.push(text(c.description));
  parts.push(`Base URL: ${code(c.baseUrl)}`);
  // The secret's name only: a connection never holds a secret value.
  if (c.auth && c.auth.type !== 'none') parts.push(`Auth: ${c.auth.type}, secret ${code(c.auth.secret)}`);
  parts.push(`*${definitionPath('connection', def.id)}*`);
  return parts.join('\n\n');
}

export function hover(ws: Workspace, doc: LanguageDocument, pos: Position): HoverResult | undefined {
  try {
    const ctx = requestContext(ws, doc, pos);
    if (!ctx) return undefined;
    const { file, spot } = ctx;
    if (spot.kind === 'none') return undefined;
    const docValue = file.yaml.value;
    const ref = referenceAtSpot(file, spot);
    if (ref && spot.kind === 'value') {
      if (ref.kind === 'flow') {
        const def = ws.flows().get(ref.id);
        const contents = def
          ? flowSummary(def)
          : ws.has('flow', ref.id)
            ? `**flow** ${code(ref.id)} — its file has problems; fix them to see its inputs and outputs`
            : `**flow** ${code(ref.id)} does not exist in the workspace (expected *${definitionPath('flow', ref.id)}*)`;
        return { contents, range: spot.range };
      }
      const def = ws.connections().get(ref.id);
      const contents = def
        ? connectionSummary(def)
        : `**connection** ${code(ref.id)} ${ws.has('connection', ref.id) ? '— its file has problems' : `does not exist in the workspace (expected *${definitionPath('connection', ref.id)}*)`}`;
      return { contents, range: spot.range };
    }
    if (file.kind !== 'flow') return undefined;
    if (spot.kind === 'value' && spot.expressionBefore !== undefined) return variableHover(ws, ctx.lines, file.yaml.value, spot.path, pos, spot.expressionBefore);
    if (spot.kind === 'value') {
      const last = spot.path[spot.path.length - 1];
      if (last === 'kind' && isStepPath(spot.path.slice(0, -1)) && (STEP_KINDS as readonly unknown[]).includes(spot.value)) {
        const k = spot.value as StepKind;
        const d = STEP_KIND_DOCS[k];
        return { contents: `**${k}** step — ${d.summary}\n\n\`\`\`yaml\n${d.example}\n\`\`\``, range: spot.range };
      }
      return undefined;
    }
    // Keys.
    const key = spot.key;
    if (!key) return undefined;
    const mapPath = spot.mapPath;
    if (isStepPath(mapPath)) {
      const step = stepAt(docValue, mapPath);
      const kind = typeof step?.kind === 'string' ? step.kind : '*';
      const d = own(STEP_FIELD_DOCS, `${kind}/${key}`) ?? own(STEP_FIELD_DOCS, `*/${key}`);
      return d ? { contents: `${code(key)} — ${d}`, range: spot.range } : undefined;
    }
    if (mapPath[mapPath.length - 1] === 'inputs' && isStepPath(mapPath.slice(0, -1))) {
      const step = valueAt(docValue, mapPath.slice(0, -1).map((s) => (isIndex(s) ? Number(s) : s)));
      const flowId = isJsonObject(step) ? (step as Record<string, unknown>).flow : undefined;
      const child = typeof flowId === 'string' ? ws.flows().get(flowId) : undefined;
      const decl = own(child?.flow.inputs, key);
      if (child && decl) return { contents: `Input of flow ${code(child.id)}: ${declarationSummary(key, decl)}`, range: spot.range };
      if (child) return { contents: `flow ${code(child.id)} has no input ${code(key)}`, range: spot.range };
      return undefined;
    }
    if (mapPath.length === 0 && own(FLOW_KEY_DOCS, key)) return { contents: `${code(key)} — ${own(FLOW_KEY_DOCS, key)}`, range: spot.range };
    if (mapPath.length === 2 && (mapPath[0] === 'inputs' || mapPath[0] === 'outputs') && own(DECLARATION_KEY_DOCS, key)) {
      return { contents: `${code(key)} — ${own(DECLARATION_KEY_DOCS, key)}`, range: spot.range };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

const JSONATA_WORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

const SOURCE_WORDS: Record<ScopeVariable['source'], string> = {
  input: 'input of this flow',
  set: 'set by a step',
  output: 'output of a step',
  'loop-item': 'item of the for-each loop',
  'loop-index': 'index of the for-each loop',
  error: 'error caught by the try step',
};

/** In an `=` string: the variable (or JSONata function) under the cursor, as the scope rule sees it there. */
function variableHover(ws: Workspace, lines: LineIndex, flow: unknown, path: readonly (string | number)[], pos: Position, before: string): HoverResult | undefined {
  const line = lines.line(pos.line);
  let start = pos.character;
  let end = pos.character;
  while (start > 0 && /[A-Za-z0-9_$]/.test(line[start - 1])) start--;
  while (end < line.length && /[A-Za-z0-9_]/.test(line[end])) end++;
  const word = line.slice(start, end);
  if (!word || /^\d/.test(word) || line[start - 1] === '.' || JSONATA_WORDS.has(word)) return undefined;
  // Inside a string literal of the expression: text, not a variable.
  if (insideStringLiteral(before.slice(0, Math.max(0, before.length - (pos.character - start))))) return undefined;
  const range: Range = { start: { line: pos.line, character: start }, end: { line: pos.line, character: end } };
  if (word.startsWith('$')) {
    const fn = own(JSONATA_FUNCTIONS, word.slice(1));
    return fn ? { contents: `\`${fn[0]}\` — ${fn[1]}`, range } : undefined;
  }
  const scope = variablesInScope(flow, path.map((s) => (isIndex(s) ? Number(s) : s)), (id) => ws.flows().get(id)?.flow.outputs as Record<string, { type?: unknown; description?: unknown }> | undefined);
  const v = scope.find((x) => x.name === word);
  if (!v) return { contents: `${code(word)} is not set at this step (no input, and no earlier step sets it)`, range };
  const parts = [`${code(v.name)}${v.type ? `: ${code(v.type)}` : ''} — ${SOURCE_WORDS[v.source]}`];
  if (v.description) parts.push(text(v.description));
  if (v.fields?.length) parts.push(`Fields: ${v.fields.map((f) => `${code(f.name)}${f.type ? `: ${code(f.type)}` : ''}`).join(', ')}`);
  return { contents: parts.join('\n\n'), range };
}
