import { Router } from 'express';
import type { GatewayContext } from './context';
import { openApiDocument } from './openapiDocument';

export function openApiRoutes(ctx: GatewayContext): Router {
  const r = Router();
  let doc: Record<string, unknown> | undefined;
  r.get('/api/openapi.json', (_req, res) => {
    doc ??= openApiDocument(ctx.version);
    res.json(doc);
  });
  return r;
}
