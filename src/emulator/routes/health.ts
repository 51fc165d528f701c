import { Router } from 'express';
import type { HealthResponse } from '../../core/api/types';
import type { GatewayContext } from './context';

export function healthRoutes(ctx: GatewayContext): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    const body: HealthResponse = { status: 'ok', name: ctx.name, version: ctx.version, startedAt: ctx.startedAt };
    if (ctx.snmp?.port !== undefined) body.snmpPort = ctx.snmp.port;
    res.json(body);
  });
  return r;
}
