/** The value at a JSON path (`['steps', 2, 'flow']`) inside parsed YAML/JSON, or undefined. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
