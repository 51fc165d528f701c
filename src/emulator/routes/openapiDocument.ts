/**
 * The served OpenAPI 3.1 document, GENERATED from the API's schemas and operations
 * (src/core/api/schemas): the same values the gateway validates requests with. Each error
 * response names its codes (`x-error-codes` and an `enum` on `error.code`), taken from the
 * operation's typed list of ApiErrorCode values.
 */
import type { TSchema } from '@sinclair/typebox';
import { LIMITS } from '../../core/limits';
import { ApiErrorBody } from '../../core/api/schemas/errors';
import { API_COMPONENTS, API_OPERATIONS, errorsOf, type ApiOperation } from '../../core/api/schemas/operations';

type Json = Record<string, any>;

/** Plain JSON of a schema (TypeBox's symbol keys dropped), with named sub-schemas as $refs. */
function toJson(schema: TSchema, names: Map<object, string>, self?: string): Json {
  const walk = (v: unknown, root: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, false));
    if (typeof v !== 'object' || v === null) return v;
    const name = names.get(v);
    if (name && !(root && name === self)) return { $ref: `#/components/schemas/${name}` };
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, false);
    return out;
  };
  return walk(schema, true) as Json;
}

function parameters(schema: TSchema | undefined, where: 'path' | 'query' | 'header', names: Map<object, string>): Json[] {
  if (!schema) return [];
  const props: Record<string, TSchema> = (schema as Json).properties ?? {};
  const required = new Set<string>((schema as Json).required ?? []);
  return Object.entries(props).map(([name, s]) => {
    const js = toJson(s, names);
    const description = js.description;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: js,
    };
  });
}

function operation(id: string, o: ApiOperation, names: Map<object, string>): Json {
  const out: Json = { operationId: id, summary: o.summary };
  if (o.description) out.description = o.description;
  const params = [...parameters(o.params, 'path', names), ...parameters(o.query, 'query', names), ...parameters(o.headers, 'header', names)];
  if (params.length) out.parameters = params;
  if (o.body) {
    out.requestBody = {
      required: o.body.required,
      description: `JSON (application/json or a +json type; anything else is 415), at most ${LIMITS.jsonBodyBytes} bytes, nested at most ${LIMITS.jsonDepth} deep.`,
      content: { 'application/json': { schema: toJson(o.body.schema, names) } },
    };
  }
  if (o.binaryBody) {
    out.requestBody = {
      required: true,
      content: Object.fromEntries(o.binaryBody.contentTypes.map((t) => [t, { schema: { type: 'string', contentMediaType: t, maxLength: o.binaryBody!.maxBytes } }])),
    };
  }
  const responses: Json = {};
  for (const [status, r] of Object.entries(o.responses)) {
    const resp: Json = { description: r.description };
    if (r.schema) resp.content = { 'application/json': { schema: toJson(r.schema, names) } };
    else if (r.contentType) resp.content = { [r.contentType]: { schema: { type: 'string' } } };
    if (r.location) {
      resp.headers = { Location: { description: 'The path of the created or started resource', required: true, schema: { type: 'string' } } };
    }
    responses[status] = resp;
  }
  const errors = errorsOf(o);
  for (const status of Object.keys(errors).map(Number).sort((a, b) => a - b)) {
    const codes = errors[status];
    responses[status] = {
      description: codes.join(', '),
      'x-error-codes': codes,
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/ApiError' },
              { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } },
            ],
          },
        },
      },
    };
  }
  out.responses = responses;
  return out;
}

export function openApiDocument(gatewayVersion: string): Record<string, unknown> {
  const components: Record<string, TSchema> = { ApiError: ApiErrorBody, ...API_COMPONENTS };
  const names = new Map<object, string>(Object.entries(components).map(([n, s]) => [s as object, n]));
  const paths: Json = {};
  for (const [id, o] of Object.entries<ApiOperation>(API_OPERATIONS)) {
    (paths[o.path] ??= {})[o.method] = operation(id, o, names);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flowgate gateway API',
      version: gatewayVersion,
      description:
        'The API every Flowgate gateway keeps. Every error is JSON {"error": {"code", "message", "details"?}}; details name each field at fault. ' +
        'JSON bodies must be sent as application/json (or a +json type): anything else is 415 unsupported-media-type. ' +
        `Limits: JSON bodies ${LIMITS.jsonBodyBytes} bytes and ${LIMITS.jsonDepth} levels deep, package files ${LIMITS.packageFileBytes} bytes; ` +
        'every string, list and number has the bound its schema states; a value outside is a 400 naming the field.',
    },
    paths,
    components: { schemas: Object.fromEntries(Object.entries(components).map(([n, s]) => [n, toJson(s, names, n)])) },
  };
}
