/**
 * The Schedules page's request parameters, checked at the host before anything reaches a gateway:
 * the page is untrusted, so each request's params are checked for shape, types and bounds here
 * (the gateway then checks the content: cron rules, flows, inputs). Problems are field errors.
 */
import type { ApiErrorDetail, ScheduleBody } from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import { hasControlChars } from '../../core/model/controlChars';
import { isJsonObject } from '../../core/model/jsonObject';
import { valueTypeOf } from '../../core/model/inputValues';
import { DEFAULT_TIMEZONE, type SchedulesRequests } from '../../../webview/protocol/schedules';
import { RequestRefused } from '../webviews/webviewHost';

type Params<K extends keyof SchedulesRequests> = SchedulesRequests[K]['params'];

function paramsObject(raw: unknown): Record<string, unknown> {
  if (!isJsonObject(raw)) throw new RequestRefused([{ field: '', message: `the request's parameters must be an object, got ${valueTypeOf(raw)}` }]);
  return raw;
}

/** A short string (an id, an expression, a zone): a string of at most LIMITS.shortStringLength characters, no control characters. */
function shortString(value: unknown, field: string, out: ApiErrorDetail[], opts: { required?: string }): string | undefined {
  if (value === undefined && !opts.required) return undefined;
  if (typeof value !== 'string') out.push({ field, message: `must be a string, got ${valueTypeOf(value)}` });
  else if (opts.required && value.trim() === '') out.push({ field, message: opts.required });
  else if (value.length > LIMITS.shortStringLength) out.push({ field, message: `at most ${LIMITS.shortStringLength} characters (got ${value.length})` });
  else if (hasControlChars(value)) out.push({ field, message: 'must not contain control characters (newlines, tabs, NUL)' });
  else return value;
  return undefined;
}

function refuseIf(out: ApiErrorDetail[]): void {
  if (out.length) throw new RequestRefused(out);
}

/** `{ id }` of a row action or an execution to open. */
export function idParams(raw: unknown): { id: string } {
  const p = paramsObject(raw);
  const out: ApiErrorDetail[] = [];
  const id = shortString(p.id, 'id', out, { required: 'required: the id' });
  refuseIf(out);
  return { id: id! };
}

export function setEnabledParams(raw: unknown): Params<'setEnabled'> {
  const { id } = idParams(raw);
  const enabled = (raw as Record<string, unknown>).enabled;
  if (typeof enabled !== 'boolean') throw new RequestRefused([{ field: 'enabled', message: `must be true or false, got ${valueTypeOf(enabled)}` }]);
  return { id, enabled };
}

export function previewParams(raw: unknown): Params<'preview'> {
  const p = paramsObject(raw);
  const out: ApiErrorDetail[] = [];
  const expression = shortString(p.expression, 'expression', out, { required: 'required: a cron expression, e.g. "*/5 * * * *"' });
  const timezone = shortString(p.timezone, 'timezone', out, {});
  refuseIf(out);
  return { expression: expression!, timezone: timezone || DEFAULT_TIMEZONE };
}

/**
 * `{ id?, body }` of a save: the body's properties of the right types (what they may hold is the
 * gateway's to say: it answers with the fields at fault).
 */
export function saveParams(raw: unknown): Params<'save'> {
  const p = paramsObject(raw);
  const out: ApiErrorDetail[] = [];
  const id = shortString(p.id, 'id', out, {});
  const body = p.body;
  if (!isJsonObject(body)) throw new RequestRefused([...out, { field: '', message: `the schedule must be an object, got ${valueTypeOf(body)}` }]);
  for (const key of ['name', 'flow', 'expression'] as const) {
    if (typeof body[key] !== 'string') out.push({ field: key, message: `required: a string, got ${valueTypeOf(body[key])}` });
  }
  for (const key of ['description', 'timezone'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') out.push({ field: key, message: `must be a string, got ${valueTypeOf(body[key])}` });
  }
  if (body.type !== undefined && body.type !== 'CRON') out.push({ field: 'type', message: "must be 'CRON'" });
  if (body.inputs !== undefined && !isJsonObject(body.inputs)) out.push({ field: 'inputs', message: `must be an object of input values, got ${valueTypeOf(body.inputs)}` });
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') out.push({ field: 'enabled', message: `must be true or false, got ${valueTypeOf(body.enabled)}` });
  refuseIf(out);
  return { ...(id ? { id } : {}), body: body as unknown as ScheduleBody };
}
