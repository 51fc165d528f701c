/**
 * POST /api/v1/validate (Admin): remote validation of a workspace draft (core/validate/remoteValidate.ts
 * builds the request). Answers which of the given references this gateway's repository lacks, and
 * which secrets it does not hold for the named connection of the named package (missing, or not
 * granted to it: one answer, as resolution gives one). Nothing is changed; no answer holds a secret
 * value — only the names the caller sent.
 */
import { Router } from 'express';
import { RemoteValidateRequest } from '../../core/api/schemas/promotion';
import type { RemoteValidateRequest as Request, RemoteValidateResponse } from '../../core/api/types';
import { check, jsonBody } from '../http/validate';
import type { PackageStore } from '../store/packageStore';
import type { SecretStore } from '../secrets/store';
import type { GatewayContext } from './context';

/** What this gateway lacks of `request` (references in request order, then secrets; no duplicates). */
export function missingOnGateway(store: PackageStore, secrets: SecretStore | undefined, request: Request): RemoteValidateResponse['missing'] {
  const have = new Set(store.listDefinitions().map((d) => `${d.kind}:${d.id}`));
  const missing: RemoteValidateResponse['missing'] = [];
  const seen = new Set<string>();
  for (const ref of request.references) {
    const k = `${ref.kind}:${ref.id}`;
    if (have.has(k) || seen.has(k)) continue;
    seen.add(k);
    missing.push({ kind: ref.kind, id: ref.id });
  }
  for (const s of request.secrets ?? []) {
    const k = `secret:${s.secret}\u0000${s.connection}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const summary = secrets?.summary(s.secret);
    const held = summary !== undefined && (request.package === undefined || summary.grants.some((g) => g.package === request.package && g.connection === s.connection));
    if (!held) missing.push({ kind: 'secret', id: s.secret, connection: s.connection });
  }
  return missing;
}

export function remoteValidateRoutes(ctx: GatewayContext): Router {
  const r = Router();
  r.post('/api/v1/validate', jsonBody(), (req, res) => {
    const request = check(RemoteValidateRequest, req.body, 'body');
    const body: RemoteValidateResponse = { gateway: ctx.name, missing: missingOnGateway(ctx.store, ctx.secrets, request) };
    res.json(body);
  });
  return r;
}
