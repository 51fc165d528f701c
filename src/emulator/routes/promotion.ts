/**
 * Promotion, target side (Admin, operations.ts): GET /api/v1/sources, GET
 * /api/v1/sources/{source}/packages, POST|GET /api/v1/imports, GET /api/v1/imports/{id}, PUT
 * …/replacements, GET …/preview, POST …/apply, POST …/reject. The work is promotion/service.ts.
 */
import { Router, type Response } from 'express';
import { ApplyRequest, ImportParams, ImportRequest, RejectRequest, ReplacementsRequest, SourceParams } from '../../core/api/schemas/promotion';
import type { ImportListResponse, SourceListResponse, SourcePackagesResponse } from '../../core/api/types';
import { callerOf } from '../auth/access';
import { auditDetails } from '../auth/auditTrail';
import { check, jsonBody } from '../http/validate';
import type { PromotionService } from '../promotion/service';

const by = (res: Response) => callerOf(res)?.id ?? 'unknown';

export function promotionRoutes(promotion: PromotionService): Router {
  const r = Router();
  const json = jsonBody();
  const idOf = (params: Record<string, string>) => check(ImportParams, { id: params.id }, 'path').id;

  r.get('/api/v1/sources', (_req, res) => {
    const body: SourceListResponse = { sources: promotion.listSources() };
    res.json(body);
  });

  r.get('/api/v1/sources/:source/packages', async (req, res) => {
    const { source } = check(SourceParams, { source: req.params.source }, 'path');
    const body: SourcePackagesResponse = { source, versions: await promotion.sourcePackages(source) };
    res.json(body);
  });

  r.post('/api/v1/imports', json, async (req, res) => {
    const body = check(ImportRequest, req.body, 'body');
    auditDetails(res, { package: body.name, versions: [body.version] });
    const out = await promotion.createImport(body, by(res));
    if (out.created) res.location(`/api/v1/imports/${out.id}`);
    res.status(out.created ? 201 : 200).json(out);
  });

  r.get('/api/v1/imports', (_req, res) => {
    const body: ImportListResponse = { imports: promotion.listImports() };
    res.json(body);
  });

  r.get('/api/v1/imports/:id', async (req, res) => {
    res.json(await promotion.getImport(idOf(req.params)));
  });

  r.put('/api/v1/imports/:id/replacements', json, async (req, res) => {
    const id = idOf(req.params);
    const body = check(ReplacementsRequest, req.body, 'body');
    res.json(await promotion.putReplacements(id, body.replacements));
  });

  r.get('/api/v1/imports/:id/preview', async (req, res) => {
    res.json(await promotion.preview(idOf(req.params)));
  });

  r.post('/api/v1/imports/:id/apply', json, async (req, res) => {
    const id = idOf(req.params);
    const body = req.body === undefined ? {} : check(ApplyRequest, req.body, 'body');
    const out = await promotion.apply(id, body.allowRollback, by(res));
    auditDetails(res, { package: out.name, versions: [out.version] });
    res.json(out);
  });

  r.post('/api/v1/imports/:id/reject', json, async (req, res) => {
    const id = idOf(req.params);
    const body = check(RejectRequest, req.body, 'body');
    const out = await promotion.reject(id, body.reason, by(res));
    auditDetails(res, { package: out.name, versions: [out.version] });
    res.json(out);
  });

  return r;
}
