import { Router } from 'express';
import type { DefinitionListResponse } from '../../core/api/types';
import type { GatewayContext } from './context';

export function definitionRoutes(ctx: GatewayContext): Router {
  const r = Router();
  r.get('/api/v1/definitions', (_req, res) => {
    const body: DefinitionListResponse = { definitions: ctx.store.listDefinitions() };
    res.json(body);
  });
  return r;
}
