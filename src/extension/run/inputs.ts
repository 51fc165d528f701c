import type { FlowSignature } from '../../core/api/types';

type InputDecl = FlowSignature['inputs'][string];

/** Parses what the user typed for an input of `type`; `{ error }` says why it does not fit. */
export function parseInputValue(type: string, text: string): { value: unknown } | { error: string } {
  const t = text.trim();
  switch (type) {
    case 'string':
      return { value: text };
    case 'number': {
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? { value: n } : { error: 'Enter a number' };
    }
    case 'integer': {
      const n = Number(t);
      return t !== '' && Number.isInteger(n) ? { value: n } : { error: 'Enter a whole number' };
    }
    case 'boolean':
      if (/^(true|yes)$/i.test(t)) return { value: true };
      if (/^(false|no)$/i.test(t)) return { value: false };
      return { error: 'Enter true or false' };
    case 'object':
    case 'array': {
      try {
        const v = JSON.parse(t) as unknown;
        if (type === 'array' ? Array.isArray(v) : v !== null && typeof v === 'object' && !Array.isArray(v)) return { value: v };
      } catch {
        /* reported below */
      }
      return { error: type === 'array' ? 'Enter a JSON array, e.g. ["a", "b"]' : 'Enter a JSON object, e.g. {"key": "value"}' };
    }
    default:
      try {
        return { value: JSON.parse(t) as unknown };
      } catch {
        return { value: text };
      }
  }
}

/** Validation message for the input box (undefined: acceptable, including empty when optional). */
export function checkInput(decl: InputDecl, text: string): string | undefined {
  if (text.trim() === '') return decl.required && decl.default === undefined ? 'This input is required' : undefined;
  const r = parseInputValue(decl.type, text);
  return 'error' in r ? r.error : undefined;
}

export function describeDefault(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
