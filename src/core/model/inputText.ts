/**
 * Typed text → a flow input's value: the one rule for every place a person types an input value —
 * Run Flow in VS Code, `flowgate run --input name=value`, the Schedules and Triggers pages. The
 * gateway then checks the value against the declaration (`inputProblems` in ./inputValues).
 *
 * The rule:
 * - Text that is empty or only spaces gives no value: the input is left out, so the gateway applies
 *   its default; a required input without a default is refused ("this input is required").
 * - `string`: the text exactly as typed (not trimmed, never parsed: `42` is the text "42").
 * - `number`, `integer`, `boolean`, `object`, `array`: the text (trimmed) is that value written as
 *   JSON. So `2.5`, `-3`, `1e3` are numbers; an integer is a number whose value is whole (`42`,
 *   `1e3` = 1000, `4.0`) and exact (within ±(2^53 − 1), past which the value would not be the one
 *   typed); booleans are exactly `true` or `false` (not `yes`, `no`, `True`); objects and arrays
 *   are JSON (`{"key": "value"}`, `["a", "b"]`). `0x10`, `+1`, `.5` and `Infinity` are not JSON
 *   and are refused.
 * - `any` (and a type this rule does not know): the value the text is as JSON when it parses
 *   (`42`, `true`, `null`, `{"a": 1}`, `"quoted"`), otherwise the text as typed.
 *   `flowgate run --input name=value` knows no declaration and uses this `any` rule for every
 *   input (an empty value there is the empty text: the user wrote `name=` on purpose).
 */
import type { ApiErrorDetail } from '../api/types';
import { isRequiredInput, type InputDeclarationLike } from './inputValues';
import { isJsonObject } from './jsonObject';

/** What a typed text gives: a value, nothing (empty text: left out), or why it does not fit. */
export type InputTextResult = { kind: 'value'; value: unknown } | { kind: 'empty' } | { kind: 'error'; message: string };

/** The whole numbers a typed integer may be: those a JSON number holds exactly. */
const MAX_EXACT_INTEGER = Number.MAX_SAFE_INTEGER;

/** A JSON number (RFC 8259): no `+`, no leading zeros, no `.5` or `5.`, no hex, no Infinity. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** JSON.parse, or undefined when the text is not JSON (or too deeply nested for the parser). */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** The `any` rule: the text's JSON value when it is JSON, otherwise the text as typed. */
export function jsonOrText(text: string): unknown {
  const parsed = text.trim() === '' ? undefined : parseJson(text);
  return parsed ? parsed.value : text;
}

/** The value of `text` typed for an input declared as `decl` (see the rule above). */
export function inputValueFromText(text: string, decl: InputDeclarationLike): InputTextResult {
  const t = text.trim();
  if (t === '') {
    return isRequiredInput(decl) ? { kind: 'error', message: `this input is required (${decl.type})` } : { kind: 'empty' };
  }
  const refuse = (message: string): InputTextResult => ({ kind: 'error', message });
  switch (decl.type) {
    case 'string':
      return { kind: 'value', value: text };
    case 'number': {
      const n = Number(t);
      return JSON_NUMBER.test(t) && Number.isFinite(n) ? { kind: 'value', value: n } : refuse('must be a number: enter one such as 42, 2.5 or 1e3');
    }
    case 'integer': {
      const n = Number(t);
      if (!JSON_NUMBER.test(t) || !Number.isInteger(n)) return refuse('must be an integer: enter a whole number such as 42 or 1e3');
      if (Math.abs(n) > MAX_EXACT_INTEGER) return refuse(`must be an integer from -${MAX_EXACT_INTEGER} to ${MAX_EXACT_INTEGER}`);
      return { kind: 'value', value: n };
    }
    case 'boolean':
      return t === 'true' ? { kind: 'value', value: true } : t === 'false' ? { kind: 'value', value: false } : refuse('must be a boolean: enter true or false');
    case 'object': {
      const p = parseJson(t);
      return p !== undefined && isJsonObject(p.value) ? { kind: 'value', value: p.value } : refuse('must be a JSON object, e.g. {"key": "value"}');
    }
    case 'array': {
      const p = parseJson(t);
      return p !== undefined && Array.isArray(p.value) ? { kind: 'value', value: p.value } : refuse('must be a JSON array, e.g. ["a", "b"]');
    }
    default:
      return { kind: 'value', value: jsonOrText(text) };
  }
}

/**
 * Every typed input of a form as values: `texts` by input name → the inputs to send (empty texts
 * left out) and one problem per input that does not fit, named `<prefix><name>`. Inputs in `skip`
 * (a trigger's PDU variable) are left out whatever their text.
 */
export function inputValuesFromTexts(
  declared: Record<string, InputDeclarationLike>,
  texts: Record<string, string>,
  options: { prefix?: string; skip?: readonly string[] } = {},
): { values: Record<string, unknown>; problems: ApiErrorDetail[] } {
  const prefix = options.prefix ?? 'inputs.';
  const skip = new Set(options.skip ?? []);
  const values: Record<string, unknown> = {};
  const problems: ApiErrorDetail[] = [];
  for (const [name, decl] of Object.entries(declared)) {
    if (skip.has(name)) continue;
    const text = Object.prototype.hasOwnProperty.call(texts, name) ? texts[name] : '';
    const r = inputValueFromText(text, decl);
    if (r.kind === 'value') values[name] = r.value;
    else if (r.kind === 'error') problems.push({ field: prefix + name, message: r.message });
  }
  return { values, problems };
}

/**
 * The text that gives `value` back under the rule above, for a form that edits a stored value
 * (a schedule's or a trigger's input values): a string input's text as it is, an `any` input's
 * string as it is unless that text would read as JSON (`"42"` stays a string: it is shown quoted),
 * any other value as JSON. Nothing (undefined) is the empty text.
 */
export function inputTextFromValue(value: unknown, type: string): string {
  if (value === undefined) return '';
  if (typeof value === 'string' && (type === 'string' || (!['number', 'integer', 'boolean', 'object', 'array'].includes(type) && jsonOrText(value) === value))) {
    return value;
  }
  return JSON.stringify(value) ?? '';
}
