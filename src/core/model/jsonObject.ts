/** A JSON object: not null, not an array (what `{...}` parses to). The one test of it in core. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
