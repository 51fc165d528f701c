/** Promotion, source side: withdraw a version, and the per-target history targets report to (sourceHistory.ts). */
import { Router } from 'express';
import { VersionParams } from '../../core/api/schemas/packages';
import { RecordEventRequest } from '../../core/api/schemas/promotion';
import type { PackageStateResponse, RecordEventResponse, VersionHistoryResponse } from '../../core/api/types';
import { callerOf } from '../auth/access';
import { auditDetails } from '../auth/auditTrail';
import { parseVersion } from '../http/params';
import { check, jsonBody, noBody } from '../http/validate';
import { recordEvent, versionHistory, withdraw } from '../promotion/sourceHistory';
import type { GatewayContext } from './context';

export function promotionSourceRoutes(ctx: GatewayContext): Router {
  const r = Router();
  const { store } = ctx;

  r.post('/api/v1/packages/:name/versions/:version/withdraw', noBody, async (req, res) => {
    check(VersionParams, req.params, 'path');
    const version = parseVersion(req.params.version);
    await withdraw(store, ctx.name, req.params.name, version, callerOf(res)?.id ?? 'anonymous');
    const body: PackageStateResponse = await store.getPackage(req.params.name);
    res.json(body);
  });

  r.get('/api/v1/packages/:name/versions/:version/history', (req, res) => {
    check(VersionParams, req.params, 'path');
    const body: VersionHistoryResponse = versionHistory(store, req.params.name, parseVersion(req.params.version));
    res.json(body);
  });

  r.post('/api/v1/packages/:name/versions/:version/history', jsonBody(), async (req, res) => {
    check(VersionParams, req.params, 'path');
    const event = check(RecordEventRequest, req.body, 'body');
    const body: RecordEventResponse = await recordEvent(store, req.params.name, parseVersion(req.params.version), event);
    auditDetails(res, { event: event.event, target: event.target, recorded: body.recorded });
    res.json(body);
  });

  return r;
}
