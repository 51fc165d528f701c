/**
 * Every error response of the OpenAPI document names its stable codes: the codes written in each
 * error response's description (`package-not-found or version-not-found`) become
 * `x-error-codes` and an `enum` on `error.code` in that response's schema. Codes found this way
 * are also added to the `ApiError` schema's list, so the document stays one consistent list.
 */
const SINGLE_WORD_CODES = new Set(['internal', 'forbidden', 'unauthorized']);
const CODE_RE = /\b[a-z]+(?:-[a-z]+)+\b|\b[a-z]+\b/g;

type Json = Record<string, any>;

export function errorCodesOf(description: string, known: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const m of description.matchAll(CODE_RE)) {
    const word = m[0];
    if (word.includes('-') ? !/^(?:read-only|write-only|non-empty|per-)/.test(word) : SINGLE_WORD_CODES.has(word) && known.has(word)) {
      found.add(word);
    }
  }
  return [...found];
}

export function annotateErrorCodes<T extends Json>(doc: T): T {
  const codeSchema = doc.components?.schemas?.ApiError?.properties?.error?.properties?.code;
  const known = new Set<string>(codeSchema?.enum ?? []);
  for (const pathItem of Object.values<Json>(doc.paths ?? {})) {
    for (const op of Object.values<Json>(pathItem)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        if (Number(status) < 400 || !response || typeof response !== 'object') continue;
        const codes = errorCodesOf(String(response.description ?? ''), known);
        for (const c of codes) known.add(c);
        response['x-error-codes'] = codes;
        response.content = {
          'application/json': {
            schema: {
              allOf: [
                { $ref: '#/components/schemas/ApiError' },
                { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } },
              ],
            },
          },
        };
      }
    }
  }
  if (codeSchema) codeSchema.enum = [...known];
  return doc;
}
