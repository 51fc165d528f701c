/**
 * Connection secrets: `GET /api/v1/secrets`, `GET|PUT|DELETE /api/v1/secrets/{name}`, `PUT
 * /api/v1/secrets/{name}/grants` (Admin, operations.ts). Values are write-only: no answer, audit
 * record, log line or error message holds one (a refused value is described, never quoted).
 */
import { Router } from 'express';
import { PutSecretGrantsRequest, PutSecretRequest, SecretParams } from '../../core/api/schemas/secrets';
import type { ApiErrorDetail, SecretListResponse, SecretSummary } from '../../core/api/types';
import { isJsonObject } from '../../core/model/jsonObject';
import { isSecretName, SECRET_NAME_RULE, secretGrantProblems, secretValueProblems, type SecretGrant } from '../../core/secrets/rules';
import { badRequest, notFound } from '../errors';
import { check, jsonBody, noBody } from '../http/validate';
import { callerOf } from '../auth/access';
import { auditDetails } from '../auth/auditTrail';
import { SecretStore } from '../secrets/store';

function nameOf(params: Record<string, string>): string {
  check(SecretParams, params, 'path');
  if (!isSecretName(params.name)) throw badRequest(`Invalid path: name: must be ${SECRET_NAME_RULE}`, [{ field: 'name', message: `must be ${SECRET_NAME_RULE}` }]);
  return params.name;
}

function refuse(details: ApiErrorDetail[]): never {
  throw badRequest(`Invalid secret: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
}

/** A body's own problems (worded by core's rules), merged with the schema's. */
function bodyProblems(body: unknown, withValue: boolean): ApiErrorDetail[] {
  if (!isJsonObject(body)) return [{ field: 'body', message: 'must be a JSON object' }];
  const out: ApiErrorDetail[] = [];
  for (const k of Object.keys(body)) if (k !== 'grants' && !(withValue && k === 'value')) out.push({ field: k, message: `unknown property '${k}'` });
  if (withValue) out.push(...secretValueProblems(body.value));
  if (body.grants !== undefined || !withValue) out.push(...secretGrantProblems(body.grants));
  return out;
}

export function secretRoutes(secrets: SecretStore): Router {
  const r = Router();
  const json = jsonBody();
  const by = (res: Parameters<typeof callerOf>[0]) => callerOf(res)?.id;

  r.get('/api/v1/secrets', (_req, res) => {
    const body: SecretListResponse = { secrets: secrets.list() };
    res.json(body);
  });

  r.get('/api/v1/secrets/:name', (req, res) => {
    const name = nameOf(req.params);
    const s = secrets.summary(name);
    if (!s) throw notFound('not-found', `There is no connection secret ${name} on this gateway`);
    const body: SecretSummary = s;
    res.json(body);
  });

  r.put('/api/v1/secrets/:name', json, async (req, res) => {
    const name = nameOf(req.params);
    auditDetails(res, { secret: name });
    const body = check(PutSecretRequest, req.body, 'body', { what: 'secret', explain: () => bodyProblems(req.body, true) });
    const problems = bodyProblems(body, true);
    if (problems.length) refuse(problems);
    const { created, summary } = await secrets.set(name, body.value, body.grants as SecretGrant[] | undefined, by(res));
    auditDetails(res, { grants: SecretStore.grantText(summary.grants) });
    if (created) res.location(`/api/v1/secrets/${encodeURIComponent(name)}`);
    res.status(created ? 201 : 200).json(summary);
  });

  r.put('/api/v1/secrets/:name/grants', json, async (req, res) => {
    const name = nameOf(req.params);
    auditDetails(res, { secret: name });
    const body = check(PutSecretGrantsRequest, req.body, 'body', { what: 'grants', explain: () => bodyProblems(req.body, false) });
    const problems = bodyProblems(body, false);
    if (problems.length) refuse(problems);
    const summary = await secrets.setGrants(name, body.grants as SecretGrant[], by(res));
    auditDetails(res, { grants: SecretStore.grantText(summary.grants) });
    res.json(summary);
  });

  r.delete('/api/v1/secrets/:name', noBody, async (req, res) => {
    const name = nameOf(req.params);
    auditDetails(res, { secret: name });
    await secrets.delete(name);
    res.status(204).end();
  });

  return r;
}
