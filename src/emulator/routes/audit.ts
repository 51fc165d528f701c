/** GET /api/v1/audit (the audit log, newest first, paged) and GET /api/v1/directory/groups (Admin). */
import { Router } from 'express';
import { AuditQuery, type AuditListResponse, type DirectoryGroupsResponse } from '../../core/api/schemas/audit';
import { LIMITS } from '../../core/limits';
import { badRequest } from '../errors';
import { check } from '../http/validate';
import { AuditCursorError } from '../store/audit';
import type { GatewayContext } from './context';

const DEFAULT_PAGE = 100;

export function auditRoutes(ctx: GatewayContext): Router {
  const r = Router();
  r.get('/api/v1/audit', async (req, res) => {
    const q = check(AuditQuery, req.query, 'query');
    const limit = q.limit === undefined ? DEFAULT_PAGE : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.auditPageSize) {
      throw badRequest(`limit must be a whole number from 1 to ${LIMITS.auditPageSize}`, [{ field: 'limit', message: `must be from 1 to ${LIMITS.auditPageSize}` }]);
    }
    if (q.since !== undefined && Number.isNaN(Date.parse(q.since))) {
      throw badRequest('since is not a time', [{ field: 'since', message: 'must be an ISO 8601 time' }]);
    }
    if (!ctx.audit) {
      const body: AuditListResponse = { records: [] };
      return void res.json(body);
    }
    try {
      const page = await ctx.audit.page({
        limit,
        ...(q.after !== undefined ? { after: Number(q.after) } : {}),
        ...(q.action !== undefined ? { action: q.action } : {}),
        ...(q.package !== undefined ? { package: q.package } : {}),
        ...(q.since !== undefined ? { since: q.since } : {}),
      });
      const body: AuditListResponse = page.next !== undefined ? { records: page.records as AuditListResponse['records'], next: page.next } : { records: page.records as AuditListResponse['records'] };
      res.json(body);
    } catch (err) {
      if (err instanceof AuditCursorError) throw badRequest(`after ${err.message}`, [{ field: 'after', message: err.message }]);
      throw err;
    }
  });

  r.get('/api/v1/directory/groups', async (_req, res) => {
    // An LDAP directory is asked each time (503 directory-unavailable when it does not answer).
    const body: DirectoryGroupsResponse = { groups: ctx.auth ? await ctx.auth.directory.listGroups() : [] };
    res.json(body);
  });
  return r;
}
