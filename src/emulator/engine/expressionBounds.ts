/**
 * What a JSONata expression can cost, read from its syntax tree before it runs.
 *
 * An expression is *inline* (evaluated in the gateway's own thread) only when its cost is proven
 * linear in the values it reads: paths (with filters and grouping), literals, arithmetic,
 * comparison, boolean operators, conditionals, blocks, array/object constructors, `&`
 * concatenation and calls of a whitelist of linear built-ins. No lambdas, no variables or
 * bindings (so no built-in can be re-bound or passed around), no regular expressions, no range
 * operator, no sort, no focus/index joins, no `$eval`, `$pad`, `$join`, `$replace`, `$split`…
 * The tree is small (LIMITS.expressionInlineNodes) and reads at most LIMITS.expressionInlinePaths
 * paths, so the new memory it can build (concatenating, stringifying) is at most that many times
 * the variables it reads, which are bounded per execution. Everything else runs in an expression
 * process with a time and memory budget it cannot escape (expressionPool.ts).
 *
 * It also names the root variables an expression may read, so that only those travel to an
 * expression process (`all` when the expression may see the whole context: `$`, `$$`, wildcards,
 * parent, or a call that may take the context as its implicit first argument).
 */
import { LIMITS } from '../../core/limits';

/** Built-ins whose cost is linear in their arguments (arguments that cannot be functions or regexes here). */
const LINEAR_FUNCTIONS = new Set([
  'length', 'uppercase', 'lowercase', 'trim', 'substring', 'substringBefore', 'substringAfter', 'contains',
  'number', 'string', 'boolean', 'not', 'exists', 'type', 'count', 'sum', 'max', 'min', 'average',
  'abs', 'floor', 'ceil', 'round', 'sqrt', 'keys', 'lookup', 'append', 'merge', 'reverse',
  'base64encode', 'base64decode', 'encodeUrlComponent', 'encodeUrl', 'decodeUrlComponent', 'decodeUrl',
  'error', 'assert', 'random',
]);
/** Built-ins allowed inline only without arguments (a picture string can ask for any width). */
const NO_ARGUMENT_FUNCTIONS = new Set(['now', 'millis']);

const INLINE_BINARY = new Set(['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'and', 'or', 'in']);
const INLINE_UNARY = new Set(['-', '[', '{']);
const INLINE_TYPES = new Set(['path', 'name', 'string', 'number', 'value', 'binary', 'unary', 'condition', 'block', 'function', 'filter']);

export interface ExpressionShape {
  /** Proven linear and small: may run in the gateway's thread. */
  inline: boolean;
  /** Root variables it may read, or 'all'. */
  reads: Set<string> | 'all';
}

interface JNode {
  type?: string;
  value?: unknown;
  procedure?: JNode;
  arguments?: JNode[];
  [k: string]: unknown;
}

export function analyse(ast: unknown): ExpressionShape {
  let inline = true;
  let nodes = 0;
  let paths = 0;
  let all = false;
  const names = new Set<string>();
  // Iterative walk over every property: no recursion on a deep tree, no child location missed.
  const stack: unknown[] = [ast];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (v === null || typeof v !== 'object' || v instanceof RegExp) continue;
    const n = v as JNode;
    if (typeof n.type === 'string') {
      nodes++;
      switch (n.type) {
        case 'name':
          if (typeof n.value === 'string') names.add(n.value);
          break;
        case 'path':
          paths++;
          break;
        case 'variable':
          // `$` and `$$` see the whole context; other variables are bindings or built-ins.
          if (n.value === '' || n.value === '$') all = true;
          inline = false;
          break;
        case 'wildcard':
        case 'descendant':
        case 'parent':
          all = true;
          inline = false;
          break;
        case 'function':
        case 'partial': {
          const proc = n.procedure;
          const args = n.arguments ?? [];
          // A call with fewer than two arguments may take the context as its first one.
          if (args.length < 2) all = true;
          const name = proc?.type === 'variable' && typeof proc.value === 'string' ? proc.value : undefined;
          const ok =
            n.type === 'function' &&
            name !== undefined &&
            (LINEAR_FUNCTIONS.has(name) || (NO_ARGUMENT_FUNCTIONS.has(name) && args.length === 0));
          if (!ok) {
            inline = false;
            if (name === 'eval') all = true;
          }
          // Walk the arguments only: the procedure is a variable node, judged here.
          for (const a of args) stack.push(a);
          if (!ok && proc && proc.type !== 'variable') stack.push(proc);
          continue;
        }
        case 'binary':
          if (!INLINE_BINARY.has(String(n.value))) inline = false;
          break;
        case 'unary':
          if (!INLINE_UNARY.has(String(n.value))) inline = false;
          break;
        default:
          if (!INLINE_TYPES.has(n.type)) inline = false;
      }
    }
    if ('focus' in n || 'index' in n || 'tuple' in n) inline = false;
    for (const k of Object.keys(n)) {
      const c = n[k];
      if (c !== null && typeof c === 'object') stack.push(c);
    }
  }
  if (nodes > LIMITS.expressionInlineNodes || paths > LIMITS.expressionInlinePaths) inline = false;
  return { inline, reads: all ? 'all' : names };
}
