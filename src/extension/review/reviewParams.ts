/**
 * The Review Import page's request parameters, checked at the host before anything reaches a
 * gateway: the page is untrusted, so every list, string and number is checked for shape, type and
 * bounds here, each problem naming its field as the gateway would (`replacements[2].to`,
 * `reason`, `expect.new`). Whether a replacement's target exists is the gateway's to say (its
 * validation answers it). No `vscode` here (test/hostile/reviewPage.test.ts runs it in Node): a
 * refusal is a `ParamsRefused`, which the panel answers as the host's RequestRefused.
 */
import type { ApiErrorDetail, Replacement } from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import { hasControlChars } from '../../core/model/controlChars';
import { isJsonObject } from '../../core/model/jsonObject';
import { valueTypeOf } from '../../core/model/inputValues';
import type { DefinitionRef, ReviewRequests } from '../../../webview/protocol/review';

/** The page's parameters are refused: these problems, by field. */
export class ParamsRefused extends Error {
  constructor(readonly errors: ApiErrorDetail[]) {
    super(errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '));
  }
}

const KINDS = ['flow', 'connection'] as const;

function object(raw: unknown): Record<string, unknown> {
  if (!isJsonObject(raw)) throw new ParamsRefused([{ field: '', message: `the request's parameters must be an object, got ${valueTypeOf(raw)}` }]);
  return raw;
}

/** The problem of a definition id (a reference's `from`/`to`, a preview entry's id), or undefined. */
export function definitionIdProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return `must be a definition id (a string), got ${valueTypeOf(v)}`;
  if (v.trim() === '') return 'must not be empty';
  if (v.length > LIMITS.definitionIdLength) return `at most ${LIMITS.definitionIdLength} characters (got ${v.length})`;
  if (hasControlChars(v)) return 'must not contain control characters (newlines, tabs, NUL)';
  return undefined;
}

function kindProblem(v: unknown): string | undefined {
  return (KINDS as readonly unknown[]).includes(v) ? undefined : `must be 'flow' or 'connection', got ${typeof v === 'string' ? `'${v.slice(0, 40)}'` : valueTypeOf(v)}`;
}

export function saveReplacementsParams(raw: unknown): ReviewRequests['saveReplacements']['params'] {
  const list = object(raw).replacements;
  if (!Array.isArray(list)) throw new ParamsRefused([{ field: 'replacements', message: `must be a list of replacements, got ${valueTypeOf(list)}` }]);
  if (list.length > LIMITS.replacementsPerImport) {
    throw new ParamsRefused([{ field: 'replacements', message: `at most ${LIMITS.replacementsPerImport} replacements (got ${list.length})` }]);
  }
  const problems: ApiErrorDetail[] = [];
  const out: Replacement[] = [];
  const seen = new Set<string>();
  list.forEach((r: unknown, i) => {
    const at = `replacements[${i}]`;
    if (!isJsonObject(r)) {
      problems.push({ field: at, message: `must be an object {kind, from, to}, got ${valueTypeOf(r)}` });
      return;
    }
    const extra = Object.keys(r).filter((k) => k !== 'kind' && k !== 'from' && k !== 'to');
    if (extra.length) problems.push({ field: at, message: `unknown field '${extra[0].slice(0, 40)}'` });
    const before = problems.length;
    const kind = kindProblem(r.kind);
    if (kind) problems.push({ field: `${at}.kind`, message: kind });
    for (const key of ['from', 'to'] as const) {
      const p = definitionIdProblem(r[key]);
      if (p) problems.push({ field: `${at}.${key}`, message: p });
    }
    if (problems.length > before) return;
    const rep = { kind: r.kind as Replacement['kind'], from: r.from as string, to: r.to as string };
    if (rep.from === rep.to) problems.push({ field: `${at}.to`, message: `replaces '${rep.from}' with itself` });
    else if (seen.has(`${rep.kind}:${rep.from}`)) problems.push({ field: `${at}.from`, message: `${rep.kind} '${rep.from}' is replaced twice` });
    else {
      seen.add(`${rep.kind}:${rep.from}`);
      out.push(rep);
    }
  });
  if (problems.length) throw new ParamsRefused(problems.slice(0, 50));
  return { replacements: out };
}

export function showDefinitionParams(raw: unknown): DefinitionRef {
  const o = object(raw);
  const problems: ApiErrorDetail[] = [];
  const kind = kindProblem(o.kind);
  if (kind) problems.push({ field: 'kind', message: kind });
  const id = definitionIdProblem(o.id);
  if (id) problems.push({ field: 'id', message: id });
  if (problems.length) throw new ParamsRefused(problems);
  return { kind: o.kind as DefinitionRef['kind'], id: o.id as string };
}

export function applyParams(raw: unknown): ReviewRequests['apply']['params'] {
  const expect = object(raw).expect;
  if (!isJsonObject(expect)) throw new ParamsRefused([{ field: 'expect', message: `must say what the confirmation named {new, changed}, got ${valueTypeOf(expect)}` }]);
  const problems: ApiErrorDetail[] = [];
  for (const key of ['new', 'changed'] as const) {
    const v = expect[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > LIMITS.definitionsPerVersion) {
      problems.push({ field: `expect.${key}`, message: `must be a whole number from 0 to ${LIMITS.definitionsPerVersion}, got ${valueTypeOf(v)}` });
    }
  }
  if (problems.length) throw new ParamsRefused(problems);
  return { expect: { new: expect.new as number, changed: expect.changed as number } };
}

export function rejectParams(raw: unknown): ReviewRequests['reject']['params'] {
  const reason = object(raw).reason;
  if (typeof reason !== 'string') throw new ParamsRefused([{ field: 'reason', message: `a reason is required (a string), got ${valueTypeOf(reason)}` }]);
  const text = reason.trim();
  if (text === '') throw new ParamsRefused([{ field: 'reason', message: 'a reason is required: say why, for the author' }]);
  if (text.length > LIMITS.rejectReasonLength) throw new ParamsRefused([{ field: 'reason', message: `at most ${LIMITS.rejectReasonLength} characters (got ${text.length})` }]);
  if (hasControlChars(text)) throw new ParamsRefused([{ field: 'reason', message: 'must be one line: no control characters (newlines, tabs, NUL)' }]);
  return { reason: text };
}
