/** Starting, listing, reading and stopping executions. */
import { Router, type Response } from 'express';
import { ExecutionListQueryWire, ExecutionParams, StartExecutionParams, StartExecutionQuery, StartExecutionRequest as StartExecutionRequestSchema, StopExecutionsRequest } from '../../core/api/schemas/executions';
import type {
  ExecutionDetail,
  ExecutionListQuery,
  ExecutionListResponse,
  ExecutionResultResponse,
  ExecutionStartedResponse,
  ExecutionStatus,
  ExecutionSummary,
  StopExecutionsResponse,
} from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import { ApiError, badRequest, notFound } from '../errors';
import { fullOutputs, TREE_HEADER } from '../executions/manager';
import { parseVersion, queryString } from '../http/params';
import { check as validated, jsonBody, noBody } from '../http/validate';
import type { GatewayContext } from './context';
import { flowFailedBody } from './flowFailed';
import { callerOf, directoryUnavailableOf, forbidden, unauthorized } from '../auth/access';
import { mayUseVersion } from '../../core/gatewayConfig/directory';

const STATUSES: ExecutionStatus[] = ['Running', 'Stopping', 'Stopped', 'Ended', 'Error'];
/** Most ids one bulk stop takes. */
export const MAX_STOP_IDS = LIMITS.stopIdsPerRequest;
const TENANT = 'default';
const SYSTEM = 'default';

export function executionRoutes(ctx: GatewayContext): Router {
  const r = Router();
  const { executions } = ctx;
  // JSON bodies only (application/json or +json; 415 otherwise); an empty body is no inputs.
  const json = jsonBody();

  // `flow` may be URL-encoded (`network%2Fcore%2FX`), plain segments, or a bare name.
  r.post('/api/:tenant/:system/flows/*flow/executions', json, async (req, res) => {
    const { tenant, system } = req.params;
    if (tenant !== TENANT || system !== SYSTEM) {
      throw notFound('not-found', `Unknown tenant/system '${tenant}/${system}': this gateway serves '${TENANT}/${SYSTEM}'`);
    }
    const flowParam = ([] as string[]).concat(req.params.flow as string | string[]).join('/');
    validated(StartExecutionParams, { tenant, system, flow: flowParam }, 'path');
    const query = req.query as Record<string, unknown>;
    const q = validated(StartExecutionQuery, Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '')), 'query');
    const packageName = q.packageName;
    const packageVersion = q.packageVersion === undefined ? undefined : parseVersion(q.packageVersion, 'packageVersion');
    const mode = q.mode ?? 'sync';

    const body = req.body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('The body must be a JSON object {"inputVariables": {...}}', [{ field: 'body', message: 'not an object' }]);
    }
    const inputs = (body as { inputVariables?: unknown }).inputVariables;
    if (inputs !== undefined && (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))) {
      throw new ApiError(400, 'invalid-inputs', 'inputVariables must be an object', [{ field: 'inputVariables', message: 'not an object' }]);
    }
    // Problems inside inputVariables keep the code the extension and CLI show per input: invalid-inputs.
    const onlyInputs = Object.keys(body).every((k) => k === 'inputVariables');
    const given = validated(StartExecutionRequestSchema, body, 'body', onlyInputs ? { code: 'invalid-inputs', what: 'inputs' } : {}).inputVariables ?? {};

    // An http step of a running execution calling this gateway: the new execution joins its tree.
    const parent = executions.parentFromHeader(req.headers[TREE_HEADER]);
    // Who may execute (operations.ts `execute`): a version with no groups anyone; one with groups a member or an Admin.
    // Until the version is known to be one the caller may execute, every refusal (unknown package or
    // version, not published, no default) answers like a forbidden one, so an outsider learns nothing.
    const caller = ctx.auth ? callerOf(res) : undefined;
    // A person's token whose groups the directory could not give: open versions run, anything else is 503.
    const unresolved = ctx.auth ? directoryUnavailableOf(res) : undefined;
    let allowed = !ctx.auth || caller?.admin === true;
    const refuse = () =>
      caller
        ? forbidden('Not allowed: this caller may not execute a flow of the package version asked for')
        : unauthorized(res, 'Not allowed without an access token: the package version asked for needs one', false);
    let started;
    try {
      started = await executions.startFlow({
        package: { ...(packageName !== undefined ? { name: packageName } : {}), ...(packageVersion !== undefined ? { version: packageVersion } : {}) },
        flow: flowParam,
        inputs: given as Record<string, unknown>,
        initiator: caller ? { type: caller.kind, name: caller.id } : { type: 'anonymous' },
        ...(parent ? { parent } : {}),
        mayStart: (target) => {
          if (allowed) return;
          const groups = ctx.store.storedVersion(target.name, target.version).authorisation?.groups ?? [];
          if (unresolved && groups.length) throw unresolved;
          if (!mayUseVersion(caller, groups)) throw refuse();
          allowed = true;
        },
      });
    } catch (err) {
      // Unresolved: every refusal is the same 503, so it tells nothing about which packages exist.
      if (!allowed && unresolved) throw unresolved;
      if (!allowed && err instanceof ApiError && err.status !== 401 && err.status !== 403) throw refuse();
      throw err;
    }
    const target = { name: started.packageName, version: started.packageVersion };
    if (mode === 'async') {
      // Acknowledged means on disk: the start line is written before the answer.
      await executions.persisted();
      const accepted: ExecutionStartedResponse = {
        executionId: started.record.id,
        packageName: target.name,
        packageVersion: target.version,
      };
      res.status(202).location(`/api/v1/executions/${started.record.id}`).json(accepted);
      return;
    }
    const ended = await started.done;
    await executions.persisted();
    if (ended.status === 'Error') {
      const err = ended.error ?? { code: 'failed', message: 'The flow failed' };
      res.status(500).json(flowFailedBody(ended.id, err));
      return;
    }
    const result: ExecutionResultResponse = {
      executionId: ended.id,
      status: ended.status,
      outputVariables: fullOutputs(ended) ?? {},
      packageName: target.name,
      packageVersion: target.version,
    };
    res.status(200).json(result);
  });

  /**
   * Who may read an execution (operations.ts `read-executions`): an Admin any; another caller those
   * of versions whose groups hold one of theirs. A version with no groups is run by anyone, so its
   * executions (anyone's inputs and outputs) are for Admins only. Without an auth service (an
   * in-process gateway of a unit test) everything is readable.
   */
  const mayRead = (res: Response, e: { packageName: string; packageVersion: number; draft?: true }): boolean => {
    if (!ctx.auth) return true;
    const caller = callerOf(res);
    if (!caller) return false;
    if (caller.admin) return true;
    // Draft runs need Admin to start, and so to read (their name and version are no stored version's).
    if (e.draft) return false;
    let groups: readonly string[];
    try {
      groups = ctx.store.storedVersion(e.packageName, e.packageVersion).authorisation?.groups ?? [];
    } catch {
      return false; // the version is gone: Admins only
    }
    return groups.some((g) => caller.groups.has(g));
  };

  r.get('/api/v1/executions', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    validated(ExecutionListQueryWire, Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '')), 'query');
    const query: ExecutionListQuery = {};
    const status = queryString(q, 'status');
    if (status !== undefined) {
      if (!STATUSES.includes(status as ExecutionStatus)) {
        throw badRequest(`status must be one of ${STATUSES.join(', ')}`, [{ field: 'status', message: `unknown status '${status}'` }]);
      }
      query.status = status as ExecutionStatus;
    }
    const packageName = queryString(q, 'packageName');
    if (packageName !== undefined) query.packageName = packageName;
    const packageVersion = queryString(q, 'packageVersion');
    if (packageVersion !== undefined) query.packageVersion = parseVersion(packageVersion, 'packageVersion');
    const flow = queryString(q, 'flow');
    if (flow !== undefined) query.flow = flow;
    for (const key of ['startedAfter', 'startedBefore', 'after'] as const) {
      const value = queryString(q, key);
      if (value === undefined) continue;
      if (key !== 'after' && !(/^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(Date.parse(value)))) {
        throw badRequest(`${key} must be a date and time (ISO 8601, e.g. 2026-01-31T13:00:00Z)`, [{ field: key, message: 'not a date and time' }]);
      }
      query[key] = value;
    }
    const limit = queryString(q, 'limit');
    if (limit !== undefined) {
      const n = Number(limit);
      if (!Number.isInteger(n) || n < 1 || n > LIMITS.executionListPage) {
        throw badRequest(`limit must be 1 to ${LIMITS.executionListPage}`, [{ field: 'limit', message: `must be an integer from 1 to ${LIMITS.executionListPage}` }]);
      }
      query.limit = n;
    }
    // The caller's read rule filters before paging: `next` and the cursor only ever name executions it may see.
    const body: ExecutionListResponse = await executions.list(query, (e) => mayRead(res, e));
    res.json(body);
  });

  // Server-sent events: `event: execution`, data = ExecutionSummary, on every start and status change.
  r.get('/api/v1/executions/events', (req, res) => {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(': connected\n\n');
    let seq = 0;
    const onChange = (summary: ExecutionSummary) => {
      if (!mayRead(res, summary)) return;
      res.write(`event: execution\nid: ${++seq}\ndata: ${JSON.stringify(summary)}\n\n`);
    };
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    keepAlive.unref();
    const end = () => {
      clearInterval(keepAlive);
      executions.events.off('change', onChange);
      executions.events.off('close', onClose);
    };
    const onClose = () => {
      end();
      res.end();
    };
    executions.events.on('change', onChange);
    executions.events.on('close', onClose);
    req.on('close', end);
  });

  r.get('/api/v1/executions/:id', async (req, res) => {
    validated(ExecutionParams, req.params, 'path');
    const body: ExecutionDetail = await executions.get(req.params.id);
    // One the caller may not read answers exactly like an unknown id.
    if (!mayRead(res, body)) throw notFound('execution-not-found', `Execution ${req.params.id} does not exist on this gateway`);
    // Its children are shown only where the caller may read them too (a child may run another version).
    res.json({ ...body, children: body.children.filter((c) => mayRead(res, c)) } satisfies ExecutionDetail);
  });

  r.post('/api/v1/executions/stop', json, async (req, res) => {
    const request = req.body === undefined ? undefined : validated(StopExecutionsRequest, req.body, 'body', { explain: () => explainStop(req.body) });
    const body: StopExecutionsResponse = await executions.stopMany(parseStopRequest(request));
    res.json(body);
  });

  r.post('/api/v1/executions/:id/stop', noBody, async (req, res) => {
    validated(ExecutionParams, req.params, 'path');
    const body: ExecutionDetail = await executions.stop(String(req.params.id));
    res.json(body);
  });

  return r;
}

/** The stop request's problems in the words the extension shows (merged with the schema's). */
function explainStop(body: unknown): { field: string; message: string }[] {
  try {
    parseStopRequest(body);
    return [];
  } catch (e) {
    return e instanceof ApiError ? (e.details ?? []) : [];
  }
}

/** `{"ids": ["…", …]}`: a non-empty list of execution ids, nothing else. */
function parseStopRequest(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The body must be a JSON object {"ids": [...]}', [{ field: 'body', message: 'not an object' }]);
  }
  const extra = Object.keys(body).filter((k) => k !== 'ids');
  if (extra.length) {
    throw badRequest(`Unknown body properties: ${extra.join(', ')} (expected ids)`, extra.map((k) => ({ field: k, message: 'not allowed' })));
  }
  const ids = (body as { ids?: unknown }).ids;
  if (!Array.isArray(ids) || ids.length === 0) {
    throw badRequest('ids must be a non-empty list of execution ids', [{ field: 'ids', message: 'expected a non-empty array of strings' }]);
  }
  if (ids.length > MAX_STOP_IDS) {
    throw badRequest(`ids holds ${ids.length} ids; at most ${MAX_STOP_IDS} per request`, [{ field: 'ids', message: 'too many' }]);
  }
  const bad = ids.flatMap((id, i) => (typeof id === 'string' && id !== '' ? [] : [{ field: `ids[${i}]`, message: 'not a non-empty string' }]));
  if (bad.length) throw badRequest(`ids must hold execution ids (strings): ${bad.map((b) => b.field).join(', ')}`, bad.slice(0, 50));
  return [...new Set(ids as string[])];
}
