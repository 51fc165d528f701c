/**
 * JSONata expressions in flow files: strings starting with `=` (`==` escapes a literal). They are
 * compiled here to find syntax errors — never evaluated.
 */
import jsonata from 'jsonata';

export interface ExpressionSite {
  path: (string | number)[];
  /** The expression text, without the leading `=`. */
  expression: string;
}

/** Every expression under `value`, with its JSON path (prefixed by `basePath`). */
export function findExpressions(value: unknown, basePath: (string | number)[] = []): ExpressionSite[] {
  const out: ExpressionSite[] = [];
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (typeof v === 'string') {
      if (v.startsWith('=') && !v.startsWith('==')) out.push({ path, expression: v.slice(1) });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...path, i]));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
    }
  };
  walk(value, basePath);
  return out;
}

const cache = new Map<string, string | null>();
const CACHE_LIMIT = 5000;

/** The syntax error of an expression (without its `=`), or undefined when it compiles. */
export function expressionSyntaxError(expression: string): string | undefined {
  const hit = cache.get(expression);
  if (hit !== undefined) return hit ?? undefined;
  let result: string | null = null;
  if (expression.trim() === '') {
    result = 'the expression is empty (write a value after "=", or "==" for a literal "=")';
  } else {
    try {
      jsonata(expression);
    } catch (e) {
      const err = e as { message?: string; position?: number; token?: string };
      const at = typeof err.position === 'number' ? ` (at character ${err.position} of the expression)` : '';
      result = `${err.message ?? String(e)}${at}`;
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(expression, result);
  return result ?? undefined;
}
