/** Checking a schedule (as a package draft, a package file or an API body carries it) and applying defaults. */
import type { ApiErrorDetail } from '../api/types';
import type { Schedule, ScheduleSpec } from '../model/schedule';
import { inputProblems, valueTypeOf } from '../model/inputValues';
import { closestMatch } from '../schema/closestMatch';
import { LIMITS } from '../limits';
import { hasControlChars } from '../model/controlChars';
import { CronNeverRunsError, cronNextRuns, cronProblems, normalizeCron } from './cron';
import { DEFAULT_TIMEZONE, timezoneProblems } from './preview';
import { isJsonObject } from '../model/jsonObject';

/** What schedule checks need of a flow: its id and declared inputs (a FlowSignature fits). */
export interface ScheduleFlowInfo {
  id: string;
  inputs: Record<string, { type: string; required: boolean }>;
}

const KEYS = ['name', 'description', 'flow', 'type', 'expression', 'timezone', 'inputs', 'enabled'];
/** Read-only properties of a ScheduleResponse: a client may send one back; they are ignored. */
const IGNORED = ['id', 'nextRuns', 'history'];
export const MAX_SCHEDULE_NAME = LIMITS.scheduleNameLength;
/** Input values of one schedule (a flow declares far fewer inputs). */
const MAX_INPUT_VALUES = 10_000;



/**
 * Everything wrong with a schedule, one `{field, message}` per problem (`field` prefixed with
 * `prefix`, e.g. `manifest.schedules[0].`). With `flows`, the flow must be one of them and the
 * inputs are checked against its declared inputs (unknown, missing required, wrong type).
 */
export function validateScheduleSpec(spec: unknown, flows?: readonly ScheduleFlowInfo[], prefix = ''): ApiErrorDetail[] {
  const out: ApiErrorDetail[] = [];
  const add = (field: string, message: string) => out.push({ field: prefix + field, message });
  if (!isJsonObject(spec)) {
    out.push({ field: prefix.replace(/\.$/, '') || 'body', message: `a schedule must be an object, got ${valueTypeOf(spec)}` });
    return out;
  }
  const unknown = Object.keys(spec).filter((key) => !KEYS.includes(key) && !IGNORED.includes(key));
  for (const key of unknown.slice(0, 10)) {
    const near = closestMatch(key, KEYS);
    add(key.length > 100 ? `${key.slice(0, 100)}…` : key, `unknown property '${key.slice(0, 100)}'${near ? `; did you mean '${near}'?` : ` (expected ${KEYS.join(', ')})`}`);
  }
  if (unknown.length > 10) add(unknown[10].slice(0, 100), `and ${unknown.length - 10} more unknown properties`);

  const { name, description, flow, type, expression, timezone, inputs, enabled } = spec;
  if (typeof name !== 'string' || name.trim() === '') add('name', 'required: a non-empty string');
  else if (name.length > MAX_SCHEDULE_NAME) add('name', `at most ${MAX_SCHEDULE_NAME} characters`);
  else if (hasControlChars(name)) add('name', 'must not contain control characters (newlines, tabs, NUL)');
  if (description !== undefined && typeof description !== 'string') add('description', `must be a string, got ${valueTypeOf(description)}`);
  else if (typeof description === 'string' && description.length > LIMITS.textLength) add('description', `at most ${LIMITS.textLength} characters (got ${description.length})`);
  if (type !== undefined && type !== 'CRON') add('type', `must be 'CRON' (the only schedule type), got ${JSON.stringify(type)}`);
  if (enabled !== undefined && typeof enabled !== 'boolean') add('enabled', `must be true or false, got ${valueTypeOf(enabled)}`);

  let target: ScheduleFlowInfo | undefined;
  if (typeof flow !== 'string' || flow.trim() === '') add('flow', 'required: the id of a flow of the package version');
  else if (flow.length > LIMITS.definitionIdLength) add('flow', `at most ${LIMITS.definitionIdLength} characters (got ${flow.length})`);
  else if (flows) {
    target = flows.find((f) => f.id === flow);
    if (!target) {
      const ids = flows.map((f) => f.id);
      const near = closestMatch(flow, ids);
      add('flow', `flow '${flow}' is not in this package version${near ? `; did you mean '${near}'?` : ids.length ? ` (it has ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? `, and ${ids.length - 20} more` : ''})` : ' (it has no flows)'}`);
    }
  }

  const exprProblems = expression === undefined ? ['required: a cron expression, e.g. "*/5 * * * *" or "0 30 2 * * 1"'] : cronProblems(expression);
  for (const m of exprProblems) add('expression', m);
  // Cost bound: cronProblems refuses expressions over LIMITS.cronExpressionLength and timezoneProblems
  // names over LIMITS.shortStringLength before any parsing or lookup; the "ever runs" check below
  // is CronSearch's bounded search (one arithmetic check per day of the horizon).
  const tzProblems = timezone === undefined ? [] : timezoneProblems(timezone);
  for (const m of tzProblems) add('timezone', m);
  if (!exprProblems.length && !tzProblems.length) {
    try {
      cronNextRuns(normalizeCron(expression as string), (timezone as string | undefined) ?? DEFAULT_TIMEZONE, 1);
    } catch (err) {
      if (err instanceof CronNeverRunsError) add('expression', err.message);
      else throw err;
    }
  }

  if (inputs !== undefined && !isJsonObject(inputs)) add('inputs', `must be an object of input values, got ${valueTypeOf(inputs)}`);
  else if (inputs !== undefined && Object.keys(inputs).length > MAX_INPUT_VALUES) add('inputs', `at most ${MAX_INPUT_VALUES} input values`);
  else if (target) {
    const given = (inputs ?? {}) as Record<string, unknown>;
    for (const p of inputProblems(target.inputs, given, { prefix: 'inputs.', flowId: target.id })) add(p.field, p.message);
  }
  return out;
}

/** A valid spec as stored on a gateway: defaults applied (type CRON, UTC, no inputs, enabled). */
export function toSchedule(spec: ScheduleSpec, id: string): Schedule {
  return {
    id,
    name: spec.name.trim(),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    flow: spec.flow,
    type: 'CRON',
    expression: normalizeCron(spec.expression),
    timezone: spec.timezone ?? DEFAULT_TIMEZONE,
    inputs: structuredClone(spec.inputs ?? {}),
    enabled: spec.enabled ?? true,
  };
}
