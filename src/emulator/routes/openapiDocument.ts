/**
 * The served OpenAPI 3.1 document, GENERATED from the API's schemas and operations
 * (src/core/api/schemas): the same values the gateway validates requests with. Each error
 * response names its codes (`x-error-codes` and an `enum` on `error.code`), taken from the
 * operation's typed list of ApiErrorCode values.
 */
import type { TSchema } from '@sinclair/typebox';
import { LIMITS } from '../../core/limits';
import { ApiErrorBody } from '../../core/api/schemas/errors';
import { API_COMPONENTS, API_OPERATIONS, API_SCOPE, errorsOf, type ApiAccess, type ApiOperation } from '../../core/api/schemas/operations';

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

/** Names of the security schemes in components.securitySchemes. */
const BEARER = 'bearerJwt';
const OAUTH2 = 'oauth2';
const TOKEN = [{ [BEARER]: [] }, { [OAUTH2]: [API_SCOPE] }];
const SECURITY: Record<ApiAccess, Json[]> = {
  public: [],
  admin: TOKEN,
  // A version with no groups may be executed without a token ({} = none needed).
  execute: [{}, ...TOKEN],
  'read-executions': TOKEN,
};
const ACCESS_WORDS: Record<ApiAccess, string> = {
  public: 'Public: no token needed.',
  admin: 'Admin: a caller in one of the gateway\'s Admin groups.',
  execute:
    "A version with no authorisation groups: anyone, no token needed; one with groups: a member of one of them, or an Admin. A caller who may not execute it gets 403 whether or not the package exists (401 without a token).",
  'read-executions': 'Admin sees every execution; other callers those of versions whose groups they are in (others answer like an unknown id).',
};

function operation(id: string, o: ApiOperation, names: Map<object, string>): Json {
  const out: Json = { operationId: id, summary: o.summary };
  out.description = `${o.description ? `${o.description}\n\n` : ''}Access: ${ACCESS_WORDS[o.access]}`;
  out['x-access'] = o.access;
  out.security = SECURITY[o.access];
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
      ...(status === 401
        ? { headers: { 'WWW-Authenticate': { description: 'Bearer realm="flowgate", with error="invalid_token" when a token was sent but refused', required: true, schema: { type: 'string' } } } }
        : {}),
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
    components: {
      schemas: Object.fromEntries(Object.entries(components).map(([n, s]) => [n, toJson(s, names, n)])),
      securitySchemes: {
        [BEARER]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token of this gateway (RFC 9068 JWT, typ at+jwt, EdDSA) from its token endpoint' },
        [OAUTH2]: {
          type: 'oauth2',
          description:
            'The gateway\'s authorization server (discovery: /.well-known/openid-configuration); client credentials for CI jobs and the local admin (local-admin.json); ' +
            'authorization code with PKCE (S256) for people, through the public clients flowgate-vscode and flowgate-cli (loopback redirect http://127.0.0.1:<port>/callback), refresh tokens rotated at each use',
          flows: {
            clientCredentials: { tokenUrl: '/oauth/token', scopes: { [API_SCOPE]: 'The gateway API (what a caller may do follows its groups)' } },
            authorizationCode: {
              authorizationUrl: '/oauth/auth',
              tokenUrl: '/oauth/token',
              refreshUrl: '/oauth/token',
              scopes: { [API_SCOPE]: 'The gateway API (what a caller may do follows the user\'s groups)', offline_access: 'A refresh token' },
            },
          },
        },
      },
    },
  };
}
