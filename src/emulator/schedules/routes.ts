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
import { badRequest, notFound } from '../errors';
import { parseVersion } from '../http/params';
import { check, jsonBody, noBody } from '../http/validate';
import type { PackageStore } from '../store/packageStore';
import type { ReadonlyVersion } from '../store/packageStore';
import { withFlowId } from '../../core/settings/fromManifest';
import type { Scheduler } from './scheduler';

const BASE = '/api/v1/packages/:name/versions/:version/schedules';

export function scheduleRoutes(store: PackageStore, scheduler: Scheduler): Router {
  const r = Router();
  const json = jsonBody();

  const versionOf = (raw: Record<string, string | string[]>): { name: string; version: number; stored: ReadonlyVersion } => {
    const params = raw as Record<string, string>;
    check(params.id === undefined ? VersionParams : ScheduleParams, params, 'path');
    const version = parseVersion(params.version);
    return { name: params.name, version, stored: store.storedVersion(params.name, version) };
  };
  const find = (stored: ReadonlyVersion, name: string, id: string): Schedule => {
    const s = (stored.schedules ?? []).find((x) => x.id === id);
    if (!s) throw notFound('not-found', `Package ${name} version ${stored.version} has no schedule ${id}`);
    return s;
  };
  /**
   * The body checked against the version's flows, its flow named by the one lookup rule and
   * stored as the full id (the store refuses a name the version already uses: 409).
   */
  const checked = (stored: ReadonlyVersion, raw: unknown): ScheduleSpec => {
    const { body, problems } = withFlowId(raw, stored.flows, `package version ${stored.version}`);
    check(ScheduleBody, body, 'body', { what: 'schedule', explain: () => [...problems, ...validateScheduleSpec(body, stored.flows)] });
    const details: ApiErrorDetail[] = problems.length ? problems : validateScheduleSpec(body, stored.flows);
    if (details.length) throw badRequest(`Invalid schedule: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
    return body as ScheduleSpec;
  };
  const view = (name: string, stored: ReadonlyVersion, s: Schedule): ScheduleResponse =>
    scheduler.view(name, stored.version, s, stored.published);

  r.get(BASE, (req, res) => {
    const { name, stored } = versionOf(req.params);
    const body: ScheduleListResponse = { schedules: (stored.schedules ?? []).map((s) => view(name, stored, s)) };
    res.json(body);
  });

  r.post(BASE, json, async (req, res) => {
    const { name, version, stored } = versionOf(req.params);
    const schedule = await store.addSchedule(name, version, toSchedule(checked(stored, req.body), randomUUID())); // the scheduler reconciles on the store's change
    res.status(201).location(`/api/v1/packages/${encodeURIComponent(name)}/versions/${version}/schedules/${schedule.id}`);
    res.json(view(name, stored, schedule));
  });

  r.get(`${BASE}/:id`, (req, res) => {
    const { name, stored } = versionOf(req.params);
    res.json(view(name, stored, find(stored, name, req.params.id)));
  });

  r.put(`${BASE}/:id`, json, async (req, res) => {
    const { name, version, stored } = versionOf(req.params);
    const old = find(stored, name, req.params.id);
    const schedule = await store.replaceSchedule(name, version, toSchedule(checked(stored, req.body), old.id)); // the scheduler reconciles
    res.json(view(name, stored, schedule));
  });

  r.delete(`${BASE}/:id`, noBody, async (req, res) => {
    const { name, version, stored } = versionOf(req.params);
    const old = await store.deleteSchedule(name, version, find(stored, name, req.params.id).id); // the scheduler reconciles
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
