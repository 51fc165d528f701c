/**
 * One record in `<data>/audit.jsonl` for every management action (operations.ts,
 * `isManagementAction`), written in one place for every operation: after the access check, the
 * record is appended durably when the answer is complete (success or error status) and before its
 * last byte leaves, so a caller that has the answer finds the record. A request whose client goes
 * away first is recorded when the connection closes. What: the operation and its target (package,
 * versions, schedule, trigger, SNMPv3 user, execution) from the path and the `Location` of what
 * it created; routes add details with `auditDetails` (a deleted package's versions, the groups
 * now). Never a body's values: no keys, communities, inputs or secrets.
 */
import type { RequestHandler, Response } from 'express';
import { API_OPERATIONS, isManagementAction, type ApiOperationId } from '../../core/api/schemas/operations';
import { LIMITS } from '../../core/limits';
import type { AuditLog, AuditRecord } from '../store/audit';
import { callerOf, operationMatcher } from './access';

type Details = Partial<Omit<AuditRecord, 'at' | 'action' | 'address'>>;

/** A route's details for its audit record (merged). */
export function auditDetails(res: Response, details: Details): void {
  res.locals.auditDetails = { ...(res.locals.auditDetails as Details | undefined), ...details };
}

const kebab = (id: string) => id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const short = (v: unknown): string | undefined => {
  if (typeof v !== 'string' || v === '') return undefined;
  return v.length > LIMITS.shortStringLength ? v.slice(0, LIMITS.shortStringLength) : v;
};
const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The target named by the operation's path parameters and by the Location of what it created. */
function targetOf(path: string, params: Record<string, unknown>, location: string | undefined): Details {
  const t: Details = {};
  if (path.startsWith('/api/v1/packages/{name}')) t.package = short(params.name);
  if (typeof params.version === 'string' && /^[0-9]{1,9}$/.test(params.version)) t.versions = [Number(params.version)];
  if (path.includes('/schedules/{id}')) t.schedule = short(params.id);
  if (path.includes('/triggers/{id}')) t.trigger = short(params.id);
  if (path.startsWith('/api/v1/snmp/users/{name}')) t.snmpUser = short(params.name);
  if (path.startsWith('/api/v1/executions/{id}')) t.execution = short(params.id);
  if (location) {
    const loc = location.split('?')[0];
    const p = /\/api\/v1\/packages\/([^/]+)\/versions\/([0-9]{1,9})(?:\/(schedules|triggers)\/([^/]+))?$/.exec(loc);
    if (p) {
      t.package ??= short(decode(p[1]));
      if (!t.versions || path.endsWith('/new-version')) t.versions = [...(t.versions ?? []), Number(p[2])];
      if (p[3] === 'schedules') t.schedule ??= short(decode(p[4]));
      if (p[3] === 'triggers') t.trigger ??= short(decode(p[4]));
    }
    const u = /\/api\/v1\/snmp\/users\/([^/]+)$/.exec(loc);
    if (u) t.snmpUser ??= short(decode(u[1]));
    const e = /\/api\/v1\/executions\/([^/]+)$/.exec(loc);
    if (e) t.execution ??= short(decode(e[1]));
  }
  return t;
}

export function auditTrail(log: AuditLog): RequestHandler {
  const identify = operationMatcher();
  return (req, res, next) => {
    const go = () => {
      const id = res.locals.operationId as ApiOperationId | undefined;
      if (id === undefined || !isManagementAction(API_OPERATIONS[id])) return next();
      const o = API_OPERATIONS[id];
      let recorded = false;
      const record = (aborted: boolean): Promise<void> => {
        recorded = true;
        const location = res.getHeader('location');
        const caller = callerOf(res);
        const body = req.body as { ids?: unknown } | undefined;
        const rec: Omit<AuditRecord, 'at'> = {
          action: kebab(id),
          operation: id,
          status: aborted && !res.headersSent ? 499 : res.statusCode,
          ...targetOf(o.path, (res.locals.operationParams ?? {}) as Record<string, unknown>, typeof location === 'string' ? location : undefined),
          ...(id === 'stopExecutions' && body && Array.isArray(body.ids) ? { executions: body.ids.length } : {}),
          ...(res.locals.auditDetails as Details | undefined),
          address: req.socket.remoteAddress ?? null,
          ...(caller ? { by: caller.id } : {}),
        };
        return log.append(rec).catch((err) => console.error(`Flowgate emulator: could not record ${rec.action} in the audit log: ${String(err)}`));
      };
      const end = res.end;
      res.end = function (this: Response, ...args: unknown[]) {
        if (recorded) return (end as (...a: unknown[]) => Response).apply(res, args);
        void record(false).then(() => (end as (...a: unknown[]) => Response).apply(res, args));
        return res;
      } as typeof res.end;
      res.on('close', () => {
        if (!recorded) void record(true);
      });
      next();
    };
    if (res.locals.operationId !== undefined) return go();
    identify(req, res, (err?: unknown) => (err && err !== 'router' ? next(err) : go()));
  };
}
