/**
 * Schedule routes: `…/versions/{v}/schedules[/{id}[/run]]` and `POST /api/v1/cron/preview`.
 * Changes are committed through the store, whose change event reconciles the scheduler.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { CronPreviewRequest, ScheduleBody, ScheduleParams } from '../../core/api/schemas/schedules';
import { VersionParams } from '../../core/api/schemas/packages';
import type {
  ApiErrorDetail,
  CronPreviewResponse,
  ExecutionStartedResponse,
  ScheduleListResponse,
  ScheduleResponse,
} from '../../core/api/types';
import type { Schedule, ScheduleSpec } from '../../core/model/schedule';
import { CronPreviewError, MAX_PREVIEW_COUNT, previewCron, timezoneProblems } from '../../core/schedules/preview';
import { cronProblems } from '../../core/schedules/cron';
import { toSchedule, validateScheduleSpec } from '../../core/schedules/spec';
import { badRequest, conflict, notFound } from '../errors';
import { parseVersion } from '../http/params';
import { check, jsonBody, noBody } from '../http/validate';
import type { PackageStore } from '../store/packageStore';
import type { StoredVersion } from '../store/schema';
import { checkScheduleQuota } from './fromManifest';
import type { Scheduler } from './scheduler';

const BASE = '/api/v1/packages/:name/versions/:version/schedules';

export function scheduleRoutes(store: PackageStore, scheduler: Scheduler): Router {
  const r = Router();
  const json = jsonBody();

  const versionOf = (raw: Record<string, string | string[]>): { name: string; version: number; stored: StoredVersion } => {
    const params = raw as Record<string, string>;
    check(params.id === undefined ? VersionParams : ScheduleParams, params, 'path');
    const version = parseVersion(params.version);
    const stored = store.storedVersion(params.name, version);
    stored.schedules ??= [];
    return { name: params.name, version, stored };
  };
  const find = (stored: StoredVersion, name: string, id: string): Schedule => {
    const s = stored.schedules.find((x) => x.id === id);
    if (!s) throw notFound('not-found', `Package ${name} version ${stored.version} has no schedule ${id}`);
    return s;
  };
  /** The body checked against the version's flows; names are unique per version. */
  const checked = (stored: StoredVersion, body: unknown, exceptId?: string): ScheduleSpec => {
    check(ScheduleBody, body, 'body', { what: 'schedule', explain: () => validateScheduleSpec(body, stored.flows) });
    const details: ApiErrorDetail[] = validateScheduleSpec(body, stored.flows);
    if (details.length) throw badRequest(`Invalid schedule: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
    const spec = body as ScheduleSpec;
    const clash = stored.schedules.find((x) => x.id !== exceptId && x.name === spec.name.trim());
    if (clash) {
      throw conflict('already-exists', `This version already has a schedule named '${clash.name}' (${clash.id})`, [
        { field: 'name', message: 'already used by another schedule of this version' },
      ]);
    }
    return spec;
  };
  const view = (name: string, stored: StoredVersion, s: Schedule): ScheduleResponse =>
    scheduler.view(name, stored.version, s, stored.published);

  r.get(BASE, (req, res) => {
    const { name, stored } = versionOf(req.params);
    const body: ScheduleListResponse = { schedules: stored.schedules.map((s) => view(name, stored, s)) };
    res.json(body);
  });

  r.post(BASE, json, async (req, res) => {
    const { name, version, stored } = versionOf(req.params);
    const spec = checked(stored, req.body);
    checkScheduleQuota(store.storedVersions().map((x) => x.version), 1, 'body', stored.schedules.length);
    const schedule = toSchedule(spec, randomUUID());
    stored.schedules.push(schedule);
    await store.persistSettings(); // the scheduler reconciles on the store's change
    res.status(201).location(`/api/v1/packages/${encodeURIComponent(name)}/versions/${version}/schedules/${schedule.id}`);
    res.json(view(name, stored, schedule));
  });

  r.get(`${BASE}/:id`, (req, res) => {
    const { name, stored } = versionOf(req.params);
    res.json(view(name, stored, find(stored, name, req.params.id)));
  });

  r.put(`${BASE}/:id`, json, async (req, res) => {
    const { name, stored } = versionOf(req.params);
    const old = find(stored, name, req.params.id);
    const schedule = toSchedule(checked(stored, req.body, old.id), old.id);
    stored.schedules[stored.schedules.indexOf(old)] = schedule;
    await store.persistSettings(); // the scheduler reconciles on the store's change
    res.json(view(name, stored, schedule));
  });

  r.delete(`${BASE}/:id`, noBody, async (req, res) => {
    const { name, version, stored } = versionOf(req.params);
    const old = find(stored, name, req.params.id);
    stored.schedules.splice(stored.schedules.indexOf(old), 1);
    await store.persistSettings(); // the scheduler reconciles on the store's change
    scheduler.forget(name, version, old.id);
    res.status(204).end();
  });

  r.post(`${BASE}/:id/run`, noBody, async (req, res) => {
    const { name, version } = versionOf(req.params);
    const started: ExecutionStartedResponse = await scheduler.runNow(name, version, req.params.id);
    res.status(202).location(`/api/v1/executions/${started.executionId}`).json(started);
  });

  r.post('/api/v1/cron/preview', json, (req, res) => {
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('The body must be a JSON object {"expression", "timezone", "count"}', [{ field: 'body', message: 'not an object' }]);
    }
    check(CronPreviewRequest, body, 'body', { what: 'cron preview request', explain: () => explainPreview(body as Record<string, unknown>) });
    const { expression, timezone, count, ...rest } = body as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length) {
      throw badRequest(`Unknown body properties: ${extra.join(', ')} (expected expression, timezone, count)`, extra.map((k) => ({ field: k, message: 'not allowed' })));
    }
    try {
      const result: CronPreviewResponse = previewCron(expression, timezone, count);
      res.json(result);
    } catch (err) {
      if (err instanceof CronPreviewError) throw badRequest(`Invalid cron preview request: ${err.message}`, err.details);
      throw err;
    }
  });

  return r;
}

/** The cron preview request's problems in the words the Schedules page shows (no preview is computed). */
function explainPreview(body: Record<string, unknown>): ApiErrorDetail[] {
  const out: ApiErrorDetail[] = [];
  for (const k of Object.keys(body)) if (!['expression', 'timezone', 'count'].includes(k)) out.push({ field: k, message: 'not allowed' });
  for (const m of cronProblems(body.expression)) out.push({ field: 'expression', message: m });
  if (body.timezone !== undefined) for (const m of timezoneProblems(body.timezone)) out.push({ field: 'timezone', message: m });
  const c = body.count;
  if (c !== undefined && (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > MAX_PREVIEW_COUNT)) out.push({ field: 'count', message: `must be an integer from 1 to ${MAX_PREVIEW_COUNT}` });
  return out;
}
