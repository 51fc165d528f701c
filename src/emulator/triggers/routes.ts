/**
 * SNMP routes: triggers per package version, recent traps, evaluating a described trap, and the
 * gateway's SNMPv3 users. User keys are write-only: no answer, log or error message holds them.
 */
import { Router } from 'express';
import { VersionParams } from '../../core/api/schemas/packages';
import { EvaluateTrapRequest as EvaluateTrapRequestSchema, SnmpUserBody, SnmpUserParams, TriggerBody, TriggerParams } from '../../core/api/schemas/snmp';
import { TrapListQuery } from '../../core/snmp/trapLog';
import type {
  ApiErrorDetail,
  EvaluateTrapRequest,
  EvaluateTrapResponse,
  SnmpUserListResponse,
  TrapListResponse,
  TriggerListResponse,
  TriggerResponse,
} from '../../core/api/types';
import { isSnmpVersion, SNMP_VERSIONS_TEXT, type SnmpAuthProtocol, type SnmpPrivProtocol, type SnmpUserSpec, type TriggerSpec } from '../../core/model/trigger';
import { parseIpv4, parseOid } from '../../core/triggers/conditions';
import { snmpUserProblems } from '../../core/snmp/users';
import { isPort, PORT_RULE } from '../../core/model/port';
import { isJsonObject } from '../../core/model/jsonObject';
import { ApiError, badRequest, notFound } from '../errors';
import { parseVersion } from '../http/params';
import { check, jsonBody, noBody } from '../http/validate';
import type { PackageStore } from '../store/packageStore';
import type { SnmpService, TrapPage } from './service';
import { UnknownTrapError, userSummary } from './service';
import { LIMITS } from '../../core/limits';
import { toTrigger, triggerProblems, withFlowId } from '../../core/settings/fromManifest';

function refuse(what: string, details: ApiErrorDetail[]): never {
  throw badRequest(`Invalid ${what}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
}

/** A user body checked; `existing` lets a replacement leave out keys it does not change. */
export function checkUser(body: unknown, name: string, existing?: SnmpUserSpec): SnmpUserSpec {
  const details: ApiErrorDetail[] = [];
  const err = (field: string, message: string) => details.push({ field, message });
  if (!isJsonObject(body)) refuse('SNMPv3 user', [{ field: 'body', message: 'must be a JSON object' }]);
  for (const k of Object.keys(body)) {
    if (!['name', 'level', 'authProtocol', 'authKey', 'privProtocol', 'privKey'].includes(k)) err(k, `unknown property '${k}'`);
  }
  if (body.name !== undefined && body.name !== name) err('name', `must match the name in the path ('${name}')`);
  const level = body.level;
  const authProtocol = body.authProtocol as SnmpAuthProtocol;
  const keep = existing && existing.authProtocol === authProtocol;
  let authKey = body.authKey;
  if (authKey === undefined && keep) authKey = existing.authKey;
  let privProtocol: SnmpPrivProtocol | undefined;
  let privKey: unknown = body.privKey;
  if (level === 'authPriv') {
    privProtocol = body.privProtocol as SnmpPrivProtocol;
    if (privKey === undefined && existing?.level === 'authPriv' && existing.privProtocol === privProtocol) privKey = existing.privKey;
  }
  // The rules themselves (name, level, protocols, keys): core's, as the page and trap sending check them.
  details.push(...snmpUserProblems({ name, level, authProtocol, authKey, privProtocol: body.privProtocol, privKey }));
  if (details.length) refuse('SNMPv3 user', details);
  return {
    name,
    level: level as SnmpUserSpec['level'],
    authProtocol,
    authKey: authKey as string,
    ...(level === 'authPriv' ? { privProtocol, privKey: privKey as string } : {}),
  };
}

export function checkEvaluateRequest(body: unknown): EvaluateTrapRequest {
  const details: ApiErrorDetail[] = [];
  const err = (field: string, message: string) => details.push({ field, message });
  if (!isJsonObject(body)) refuse('trap', [{ field: 'body', message: 'must be a JSON object' }]);
  if (!isSnmpVersion(body.version)) err('version', `must be ${SNMP_VERSIONS_TEXT}`);
  const source = body.source;
  if (!isJsonObject(source)) err('source', 'must be {"address", "port"}');
  else {
    if (typeof source.address !== 'string' || parseIpv4(source.address) === undefined) err('source.address', 'must be an IPv4 address');
    if (!isPort(source.port)) err('source.port', `must be ${PORT_RULE}`);
  }
  if (typeof body.trapOid !== 'string' || !parseOid(body.trapOid).ok) err('trapOid', 'must be an OID such as 1.3.6.1.6.3.1.1.5.3');
  if (body.version === 'v3') {
    if (typeof body.user !== 'string' || body.user === '') err('user', 'a v3 trap names its user');
  } else if (body.community !== undefined && typeof body.community !== 'string') err('community', 'must be a string');
  if (body.agentAddress !== undefined && (typeof body.agentAddress !== 'string' || parseIpv4(body.agentAddress) === undefined)) {
    err('agentAddress', 'must be an IPv4 address');
  }
  if (body.uptime !== undefined && (typeof body.uptime !== 'number' || !Number.isInteger(body.uptime) || body.uptime < 0)) err('uptime', 'must be a non-negative integer');
  if (body.varbinds !== undefined) {
    if (!Array.isArray(body.varbinds)) err('varbinds', 'must be an array');
    else {
      body.varbinds.forEach((v, i) => {
        if (!isJsonObject(v) || typeof v.oid !== 'string' || !parseOid(v.oid).ok || typeof v.type !== 'string') {
          err(`varbinds[${i}]`, 'must be {"oid", "type", "value"}');
        }
      });
    }
  }
  if (details.length) refuse('trap', details);
  return body as unknown as EvaluateTrapRequest;
}

export function snmpRoutes(store: PackageStore, snmp: SnmpService): Router {
  const r = Router();
  const json = jsonBody();
  /** The details a checker that throws ApiError gives (merged with the schema's). */
  const explain = (fn: () => unknown) => () => {
    try {
      fn();
      return [];
    } catch (e) {
      return e instanceof ApiError ? (e.details ?? []) : [];
    }
  };
  const users = () => store.snmpUsers();
  const knownUsers = () => Object.keys(users());

  // ---- triggers --------------------------------------------------------------------------------
  const base = '/api/v1/packages/:name/versions/:version/triggers';
  const version = (params: Record<string, string>) => {
    check(params.id === undefined ? VersionParams : TriggerParams, params, 'path');
    return store.storedVersion(params.name, parseVersion(params.version));
  };
  /**
   * The body checked against the version's flows and users, its flow named by the one lookup rule
   * and stored as the full id (the store refuses a name the version already uses: 409 `already-exists`).
   */
  const checkSpec = (raw: unknown, v: ReturnType<typeof version>): TriggerSpec => {
    const { body, problems } = withFlowId(raw, v.flows, `package version ${v.version}`);
    check(TriggerBody, body, 'body', { what: 'trigger', explain: () => [...problems, ...triggerProblems(body, v.flows, '', { knownUsers: knownUsers() })] });
    const details = problems.length ? problems : triggerProblems(body, v.flows, '', { knownUsers: knownUsers() });
    if (details.length) refuse('trigger', details);
    return body as TriggerSpec;
  };
  const find = (v: ReturnType<typeof version>, id: string) => {
    const i = (v.triggers ?? []).findIndex((t) => t.id === id);
    if (i < 0) throw notFound('not-found', `Version ${v.version} has no trigger ${id}`);
    return i;
  };

  // Trigger conditions keep returning their configured communities (a management view: these routes
  // become Admin-only with the authentication of the next issue); the trap log never shows them.
  r.get(base, (req, res) => {
    const body: TriggerListResponse = { triggers: [...(version(req.params).triggers ?? [])] };
    res.json(body);
  });

  r.post(base, json, async (req, res) => {
    const v = version(req.params);
    const trigger = await store.addTrigger(req.params.name, v.version, toTrigger(checkSpec(req.body, v)));
    const body: TriggerResponse = trigger;
    res.status(201).location(`/api/v1/packages/${encodeURIComponent(req.params.name)}/versions/${v.version}/triggers/${encodeURIComponent(trigger.id)}`).json(body);
  });

  r.get(`${base}/:id`, (req, res) => {
    const v = version(req.params);
    const body: TriggerResponse = v.triggers[find(v, req.params.id)];
    res.json(body);
  });

  r.put(`${base}/:id`, json, async (req, res) => {
    const v = version(req.params);
    const i = find(v, req.params.id);
    const bodyId = (req.body as { id?: unknown } | null)?.id;
    if (bodyId !== undefined && bodyId !== req.params.id) refuse('trigger', [{ field: 'id', message: `must match the id in the path (${req.params.id})` }]);
    const trigger = await store.replaceTrigger(req.params.name, v.version, toTrigger(checkSpec(req.body, v), v.triggers[i].id));
    const body: TriggerResponse = trigger;
    res.json(body);
  });

  r.delete(`${base}/:id`, noBody, async (req, res) => {
    const v = version(req.params);
    await store.deleteTrigger(req.params.name, v.version, v.triggers[find(v, req.params.id)].id);
    res.status(204).end();
  });

  // ---- traps -----------------------------------------------------------------------------------
  // The log is paged (newest first): `limit` traps (1 to LIMITS.trapPageSize, default the most),
  // `after` the last id of the previous page; a page also stops at EVALUATIONS_PER_PAGE trigger
  // evaluations (at least one trap), and `next` says where the following one starts. Received
  // communities are masked (`***`); `communityMatched` says whether a trigger lists it.
  r.get('/api/v1/snmp/traps', (req, res) => {
    check(TrapListQuery, req.query, 'query');
    const q = req.query as { limit?: string; after?: string };
    const limit = q.limit === undefined ? undefined : Number(q.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.trapPageSize)) {
      refuse('query', [{ field: 'limit', message: `must be a whole number from 1 to ${LIMITS.trapPageSize}` }]);
    }
    let page: TrapPage;
    try {
      page = snmp.trapPage({ ...(limit !== undefined ? { limit } : {}), ...(q.after !== undefined ? { after: q.after } : {}) });
    } catch (err) {
      if (err instanceof UnknownTrapError) refuse('query', [{ field: 'after', message: err.message }]);
      throw err;
    }
    const body: TrapListResponse = page;
    res.json(body);
  });

  r.post('/api/v1/snmp/evaluate', json, (req, res) => {
    check(EvaluateTrapRequestSchema, req.body, 'body', { what: 'trap', explain: explain(() => checkEvaluateRequest(req.body)) });
    const body: EvaluateTrapResponse = { evaluations: snmp.evaluateDescribed(checkEvaluateRequest(req.body)) };
    res.json(body);
  });

  // ---- SNMPv3 users ----------------------------------------------------------------------------
  r.get('/api/v1/snmp/users', (_req, res) => {
    const body: SnmpUserListResponse = { users: Object.values(users()).sort((a, b) => a.name.localeCompare(b.name)).map(userSummary) };
    res.json(body);
  });

  const getUser = (name: string) => (Object.prototype.hasOwnProperty.call(users(), name) ? users()[name] : undefined);

  r.post('/api/v1/snmp/users', json, async (req, res) => {
    const name = (req.body as { name?: unknown } | null)?.name;
    check(SnmpUserBody, req.body, 'body', {
      what: 'SNMPv3 user',
      explain: explain(() => (typeof name === 'string' ? checkUser(req.body, name) : refuse('SNMPv3 user', [{ field: 'name', message: 'must be a user name' }]))),
    });
    if (typeof name !== 'string') refuse('SNMPv3 user', [{ field: 'name', message: 'must be a user name' }]);
    const user = checkUser(req.body, name);
    // 409 when the name is taken; 413 past LIMITS.snmpUsers. The receiver hears of it through the store's change.
    await store.putSnmpUser(user, true);
    res.status(201).location(`/api/v1/snmp/users/${encodeURIComponent(user.name)}`).json(userSummary(user));
  });

  r.get('/api/v1/snmp/users/:name', (req, res) => {
    check(SnmpUserParams, req.params, 'path');
    const u = getUser(req.params.name);
    if (!u) throw notFound('not-found', `There is no SNMPv3 user ${req.params.name} on this gateway`);
    res.json(userSummary(u));
  });

  r.put('/api/v1/snmp/users/:name', json, async (req, res) => {
    check(SnmpUserParams, req.params, 'path');
    const existing = getUser(req.params.name);
    check(SnmpUserBody, req.body, 'body', { what: 'SNMPv3 user', explain: explain(() => checkUser(req.body, req.params.name, existing)) });
    const user = checkUser(req.body, req.params.name, existing);
    await store.putSnmpUser(user);
    if (!existing) res.location(`/api/v1/snmp/users/${encodeURIComponent(user.name)}`);
    res.status(existing ? 200 : 201).json(userSummary(user));
  });

  r.delete('/api/v1/snmp/users/:name', noBody, async (req, res) => {
    check(SnmpUserParams, req.params, 'path');
    await store.deleteSnmpUser(req.params.name); // 404 for an unknown user
    res.status(204).end();
  });

  return r;
}
