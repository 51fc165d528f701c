/**
 * The client of the gateway API (DESIGN.md, "The gateway API"), shared by the extension and the
 * command line. One method per route of `api/routes.ts`. Every failure is a GatewayError:
 * non-2xx answers carry the gateway's `{"error": {code, message, details}}`; no answer at all
 * is status 0 with code `unreachable` or `timeout` and a message naming the gateway's URL.
 * The bearer token is sent in `Authorization` and never appears in an error message. It is a
 * fixed `token`, or comes from a `credentials` source (tokens.ts: client-credentials tokens, cached
 * and renewed); with a source, a 401 is retried once with a fresh token.
 */
import { PACKAGE_CONTENT_TYPE, routes } from '../api/routes';
import type {
  DraftRunRequest,
  DraftRunResultResponse,
  DraftRunStartedResponse,
  ApiErrorDetail,
  AuthorisationResponse,
  DirectoryGroupsResponse,
  DeleteResponse,
  DefinitionListResponse,
  ExecutionDetail,
  ExecutionListQuery,
  ExecutionListResponse,
  ExecutionMode,
  ExecutionResultResponse,
  ExecutionStartedResponse,
  CronPreviewRequest,
  CronPreviewResponse,
  EvaluateTrapRequest,
  EvaluateTrapResponse,
  GatewayKeysResponse,
  VersionHistoryResponse,
  RecordEventRequest,
  RecordEventResponse,
  RemoteValidateRequest,
  RemoteValidateResponse,
  SourceListResponse,
  SourcePackagesResponse,
  ImportRequest,
  ImportCreatedResponse,
  ImportListResponse,
  ImportDetail,
  Replacement,
  PreviewResponse,
  ApplyRequest,
  ImportActionResponse,
  HealthResponse,
  NewVersionRequest,
  ScheduleBody,
  ScheduleListResponse,
  ScheduleResponse,
  SecretGrant,
  SecretListResponse,
  SecretSummary,
  SnmpUserBody,
  SnmpUserListResponse,
  StopExecutionsResponse,
  TrapListResponse,
  TriggerBody,
  TriggerListResponse,
  TriggerResponse,
  PackageListResponse,
  PackageResponse,
  PackageStateResponse,
  PackageVersionDetail,
  UploadResponse,
} from '../api/types';
import type { SnmpUserSummary } from '../model/trigger';
import { GatewayError, type GatewayErrorCode } from './gatewayError';
import type { CredentialSource } from './tokens';
import { readServerSentEvents, type ServerSentEvent } from './sse';
import { isJsonObject } from '../model/jsonObject';
import { authorisationAnswerProblem, directoryGroupsAnswerProblem } from '../model/authorisation';
import { LIMITS } from '../limits';

/** The body, or undefined when it is (or says it is) longer than `max` bytes: reading stops there. */
export async function readAtMost(response: Response, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export { GatewayError, type GatewayErrorCode } from './gatewayError';
export type { ServerSentEvent } from './sse';

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface GatewayClientOptions {
  /** OAuth2 bearer token, sent as `Authorization: Bearer …`. */
  token?: string;
  /** Where bearer tokens come from (tokens.ts `credentialSource`); used when `token` is not given. */
  credentials?: CredentialSource;
  /** Per request, until the whole answer is read (default 30 s). */
  timeoutMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Tenant and system of the execution routes (default `default` / `default`). */
  tenant?: string;
  system?: string;
}

export interface StartExecutionOptions {
  packageName?: string;
  packageVersion?: number;
  inputVariables?: Record<string, unknown>;
  /** sync (default): wait for the flow to end; async: return as soon as it started. */
  mode?: ExecutionMode;
  /** Overrides the client's timeout for this call (a synchronous run may take long). */
  timeoutMs?: number;
}

/** A synchronous run that ended (200), or an asynchronous one that started (202). */
export type StartExecutionResult =
  | { kind: 'result'; result: ExecutionResultResponse }
  | { kind: 'started'; started: ExecutionStartedResponse };

/** POST /api/v1/draft-runs: 200 when a synchronous draft run ended, 202 when an asynchronous one started. */
export type DraftRunResult =
  | { kind: 'result'; result: DraftRunResultResponse }
  | { kind: 'started'; started: DraftRunStartedResponse };

type Query = Record<string, string | number | undefined>;

interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  json?: unknown;
  bytes?: Uint8Array;
  accept?: string;
  timeoutMs?: number;
  /** A public route: no token is fetched from the credential source for it (a fixed `token` is still sent). */
  anonymous?: boolean;
  /** A redirect is an error, not followed (a body holding a secret is never re-sent elsewhere). */
  noRedirect?: boolean;
}

/** Codes for statuses whose body does not name one. */
function codeForStatus(status: number): GatewayErrorCode {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'version-conflict';
    case 413:
      return 'payload-too-large';
    default:
      return status >= 500 ? 'internal' : 'http-error';
  }
}

/** The error code of a failed fetch, looking through `cause` chains and aggregate errors. */
function networkCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return undefined;
}


export class GatewayClient {
  /** The base URL as given, without a trailing slash (and without any user:password). */
  readonly baseUrl: string;
  private readonly base: URL;
  private readonly token?: string;
  private readonly credentials?: CredentialSource;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly tenant: string;
  private readonly system: string;

  constructor(baseUrl: string, options: GatewayClientOptions = {}) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new GatewayError(0, 'invalid-url', `'${baseUrl}' is not a gateway URL (expected e.g. http://127.0.0.1:8722)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new GatewayError(0, 'invalid-url', `'${url.protocol}' is not supported for a gateway URL; use http: or https:`);
    }
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    url.pathname = url.pathname.replace(/\/+$/, '');
    this.base = url;
    this.baseUrl = url.href.replace(/\/+$/, '');
    if (options.token) this.token = options.token;
    else if (options.credentials) this.credentials = options.credentials;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.fetchImpl = fetchImpl.bind(globalThis);
    this.tenant = options.tenant ?? 'default';
    this.system = options.system ?? 'default';
  }

  // ---- routes ----------------------------------------------------------------------------------

  /** Public: no token is fetched for it (a liveness probe needs no credentials, and must not fail on bad ones). */
  health(): Promise<HealthResponse> {
    return this.json({ method: 'GET', path: routes.health(), anonymous: true });
  }

  /** GET /api/v1/gateway/keys: the gateway's public package-signing keys (public: no token sent). */
  gatewayKeys(): Promise<GatewayKeysResponse> {
    return this.json({ method: 'GET', path: routes.gatewayKeys(), anonymous: true });
  }

  /** The served OpenAPI document (public). */
  openapi(): Promise<Record<string, unknown>> {
    return this.json({ method: 'GET', path: routes.openapi(), anonymous: true });
  }

  listPackages(): Promise<PackageListResponse> {
    return this.json({ method: 'GET', path: routes.packages() });
  }

  getPackage(name: string): Promise<PackageResponse> {
    return this.json({ method: 'GET', path: routes.package(name) });
  }

  getVersion(name: string, version: number): Promise<PackageVersionDetail> {
    return this.json({ method: 'GET', path: routes.version(name, version) });
  }

  /** Uploads a package file: 201 created, or 200 when the identical version is already there. */
  uploadPackage(bytes: Uint8Array, options: { allowUnsigned?: boolean } = {}): Promise<UploadResponse> {
    return this.json({ method: 'POST', path: routes.packages(), bytes, query: { allowUnsigned: options.allowUnsigned ? 'true' : undefined } });
  }

  /** The version's package file, as the gateway stores it. */
  async downloadVersion(name: string, version: number): Promise<Uint8Array> {
    const { body } = await this.send({ method: 'GET', path: routes.versionFile(name, version), accept: `${PACKAGE_CONTENT_TYPE}, application/json` }, 'bytes');
    return body as Uint8Array;
  }

  publish(name: string, version: number): Promise<PackageStateResponse> {
    return this.json({ method: 'POST', path: routes.versionPublish(name, version) });
  }

  unpublish(name: string, version: number): Promise<PackageStateResponse> {
    return this.json({ method: 'POST', path: routes.versionUnpublish(name, version) });
  }

  /** Makes the version the package's explicit default version. */
  setDefaultVersion(name: string, version: number): Promise<PackageStateResponse> {
    return this.json({ method: 'POST', path: routes.versionDefault(name, version) });
  }

  /** Makes the package the gateway's default package. */
  setDefaultPackage(name: string): Promise<PackageStateResponse> {
    return this.json({ method: 'POST', path: routes.packageDefault(name) });
  }

  /** Deletes an unpublished version (409 `version-published` for a published one). */
  deleteVersion(name: string, version: number): Promise<DeleteResponse> {
    return this.json({ method: 'DELETE', path: routes.deleteVersion(name, version) });
  }

  /** Deletes a package none of whose versions is published (409 `version-published` otherwise). */
  deletePackage(name: string): Promise<DeleteResponse> {
    return this.json({ method: 'DELETE', path: routes.deletePackage(name) });
  }

  async startExecution(flow: string, options: StartExecutionOptions = {}): Promise<StartExecutionResult> {
    const { status, body } = await this.send(
      {
        method: 'POST',
        path: routes.startExecution(flow, this.tenant, this.system),
        query: {
          packageName: options.packageName,
          packageVersion: options.packageVersion,
          mode: options.mode === 'async' ? 'async' : undefined,
        },
        json: { inputVariables: options.inputVariables ?? {} },
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      },
      'json',
    );
    if (status === 202) return { kind: 'started', started: body as ExecutionStartedResponse };
    return { kind: 'result', result: body as ExecutionResultResponse };
  }

  /**
   * A draft run (Admin): the workspace files as they are (`{path: text}`), the flow to run, its
   * inputs. Not a published version: the execution is recorded as `draft: true`.
   */
  async draftRun(request: DraftRunRequest, options: { timeoutMs?: number } = {}): Promise<DraftRunResult> {
    const { status, body } = await this.send(
      { method: 'POST', path: routes.draftRuns(), json: request, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) },
      'json',
    );
    if (status === 202) return { kind: 'started', started: body as DraftRunStartedResponse };
    return { kind: 'result', result: body as DraftRunResultResponse };
  }

  listExecutions(query: ExecutionListQuery = {}): Promise<ExecutionListResponse> {
    return this.json({
      method: 'GET',
      path: routes.executions(),
      query: {
        status: query.status,
        packageName: query.packageName,
        packageVersion: query.packageVersion,
        flow: query.flow,
        startedAfter: query.startedAfter,
        startedBefore: query.startedBefore,
        limit: query.limit,
        after: query.after,
      },
    });
  }

  getExecution(id: string): Promise<ExecutionDetail> {
    return this.json({ method: 'GET', path: routes.execution(id) });
  }

  /** Stops the execution and its children; answers with its state after the stop. */
  stopExecution(id: string): Promise<ExecutionDetail> {
    return this.json({ method: 'POST', path: routes.executionStop(id) });
  }

  listDefinitions(): Promise<DefinitionListResponse> {
    return this.json({ method: 'GET', path: routes.definitions() });
  }

  /** A new version of the package from an existing one; answers with the new version. */
  createNewVersion(name: string, version: number, request: NewVersionRequest = {}): Promise<PackageVersionDetail> {
    return this.json({ method: 'POST', path: routes.newVersion(name, version), json: request });
  }

  /** Stops several executions (and their children) at once. */
  stopExecutions(ids: string[]): Promise<StopExecutionsResponse> {
    return this.json({ method: 'POST', path: routes.stopExecutions(), json: { ids } });
  }

  // ---- schedules ---------------------------------------------------------------------------------

  listSchedules(name: string, version: number): Promise<ScheduleListResponse> {
    return this.json({ method: 'GET', path: routes.schedules(name, version) });
  }

  createSchedule(name: string, version: number, body: ScheduleBody): Promise<ScheduleResponse> {
    return this.json({ method: 'POST', path: routes.schedules(name, version), json: body });
  }

  updateSchedule(name: string, version: number, id: string, body: ScheduleBody): Promise<ScheduleResponse> {
    return this.json({ method: 'PUT', path: routes.schedule(name, version, id), json: body });
  }

  async deleteSchedule(name: string, version: number, id: string): Promise<void> {
    await this.json({ method: 'DELETE', path: routes.schedule(name, version, id) });
  }

  /** Runs the schedule's flow now, as the schedule would; answers with the execution started. */
  runScheduleNow(name: string, version: number, id: string): Promise<ExecutionStartedResponse> {
    return this.json({ method: 'POST', path: routes.scheduleRun(name, version, id) });
  }

  cronPreview(request: CronPreviewRequest): Promise<CronPreviewResponse> {
    return this.json({ method: 'POST', path: routes.cronPreview(), json: request });
  }

  // ---- SNMP triggers -------------------------------------------------------------------------------

  listTriggers(name: string, version: number): Promise<TriggerListResponse> {
    return this.json({ method: 'GET', path: routes.triggers(name, version) });
  }

  createTrigger(name: string, version: number, body: TriggerBody): Promise<TriggerResponse> {
    return this.json({ method: 'POST', path: routes.triggers(name, version), json: body });
  }

  updateTrigger(name: string, version: number, id: string, body: TriggerBody): Promise<TriggerResponse> {
    return this.json({ method: 'PUT', path: routes.trigger(name, version, id), json: body });
  }

  async deleteTrigger(name: string, version: number, id: string): Promise<void> {
    await this.json({ method: 'DELETE', path: routes.trigger(name, version, id) });
  }

  /** One page of the trap log, newest first; pass the previous page's `next` as `after` for the next one. */
  listTraps(page: { limit?: number; after?: string } = {}): Promise<TrapListResponse> {
    return this.json({ method: 'GET', path: routes.snmpTraps(), query: { limit: page.limit, after: page.after } });
  }

  evaluateTrap(trap: EvaluateTrapRequest): Promise<EvaluateTrapResponse> {
    return this.json({ method: 'POST', path: routes.snmpEvaluate(), json: trap });
  }

  listSnmpUsers(): Promise<SnmpUserListResponse> {
    return this.json({ method: 'GET', path: routes.snmpUsers() });
  }

  /** Creates the user, or replaces it when one of that name exists. Keys are write-only. */
  putSnmpUser(user: SnmpUserBody): Promise<SnmpUserSummary> {
    return this.json({ method: 'PUT', path: routes.snmpUser(user.name), json: user });
  }

  async deleteSnmpUser(userName: string): Promise<void> {
    await this.json({ method: 'DELETE', path: routes.snmpUser(userName) });
  }

  /** The gateway's connection secrets: names, grants and times (values are write-only: never answered). */
  listSecrets(): Promise<SecretListResponse> {
    return this.json({ method: 'GET', path: routes.secrets() });
  }

  getSecret(name: string): Promise<SecretSummary> {
    return this.json({ method: 'GET', path: routes.secret(name) });
  }

  /**
   * Sets a connection secret's value (created, or replaced) and, when given, the connections it is
   * granted to (left out: none for a new secret, unchanged for an existing one). The value is sent
   * once, in the body; no error or answer carries it.
   */
  async setSecret(name: string, value: string, grants?: SecretGrant[]): Promise<{ created: boolean; secret: SecretSummary }> {
    const { status, body } = await this.send({ method: 'PUT', path: routes.secret(name), json: { value, ...(grants ? { grants } : {}) }, noRedirect: true }, 'json');
    return { created: status === 201, secret: body as SecretSummary };
  }

  /** Replaces a secret's grants without sending its value again. */
  setSecretGrants(name: string, grants: SecretGrant[]): Promise<SecretSummary> {
    return this.json({ method: 'PUT', path: routes.secretGrants(name), json: { grants } });
  }

  async deleteSecret(name: string): Promise<void> {
    await this.json({ method: 'DELETE', path: routes.secret(name) });
  }

  // ---- authorisation (who may execute a version) -------------------------------------------------
  // The answers are checked before a caller shows them (a terminal, a webview): group names with
  // control characters or an unbounded list are a `bad-response`, whoever answered.

  /** The directory groups whose members may execute the version's flows (empty: anyone may). Admin. */
  async getAuthorisation(name: string, version: number): Promise<AuthorisationResponse> {
    const path = routes.authorisation(name, version);
    return this.checked('GET', path, await this.json({ method: 'GET', path }), authorisationAnswerProblem);
  }

  /**
   * Replaces the version's groups (empty: anyone may execute). Admin. A group the directory does
   * not have is refused (400) with a detail naming its field, `groups[i]`.
   */
  async setAuthorisation(name: string, version: number, groups: string[]): Promise<AuthorisationResponse> {
    const path = routes.authorisation(name, version);
    return this.checked('PUT', path, await this.json({ method: 'PUT', path, json: { groups } }), authorisationAnswerProblem);
  }

  /** The directory's groups (what an authorisation may name). Admin. */
  async listDirectoryGroups(): Promise<DirectoryGroupsResponse> {
    const path = routes.directoryGroups();
    return this.checked('GET', path, await this.json({ method: 'GET', path }), directoryGroupsAnswerProblem);
  }

  /** `body` when `problem` finds nothing wrong with it, else a `bad-response` naming the route and what is wrong. */
  private checked<T>(method: string, path: string, body: unknown, problem: (body: unknown) => string | undefined): T {
    const wrong = problem(body);
    if (wrong) throw this.error(200, 'bad-response', `The gateway at ${this.baseUrl} answered ${method} ${path} with something Flowgate does not accept: ${wrong}`);
    return body as T;
  }

  /**
   * The execution events stream (server-sent events). The timeout applies until the stream
   * opens; then it runs until the gateway closes it, `signal` aborts, or the loop breaks.
   */
  async *executionEvents(signal?: AbortSignal): AsyncGenerator<ServerSentEvent> {
    const { response, url, cleanup } = await this.open({ method: 'GET', path: routes.executionEvents(), accept: 'text/event-stream' }, signal);
    cleanup.clearTimer();
    try {
      if (!response.body) return;
      try {
        yield* readServerSentEvents(response.body);
      } catch (error) {
        if (signal?.aborted) return;
        throw this.networkError(error, url, 'GET', routes.executionEvents(), false);
      }
    } finally {
      cleanup.detach();
    }
  }

  // ---- promotion (issue 10) ---------------------------------------------------------------------

  /** Source: withdraw a SUBMITTED version no target pulled. */
  withdrawVersion(name: string, version: number): Promise<PackageStateResponse> {
    return this.json({ method: 'POST', path: routes.versionWithdraw(name, version) });
  }

  /** Source: what each target did with the version. */
  versionHistory(name: string, version: number): Promise<VersionHistoryResponse> {
    return this.json({ method: 'GET', path: routes.versionHistory(name, version) });
  }

  /** Source: a target reports an event (the target's outbox calls this). */
  recordVersionEvent(name: string, version: number, event: RecordEventRequest): Promise<RecordEventResponse> {
    return this.json({ method: 'POST', path: routes.versionHistory(name, version), json: event });
  }

  /** Which of a draft's outside references and secrets the gateway lacks. */
  remoteValidate(request: RemoteValidateRequest): Promise<RemoteValidateResponse> {
    return this.json({ method: 'POST', path: routes.remoteValidate(), json: request });
  }

  /** Target: configured sources. */
  listSources(): Promise<SourceListResponse> {
    return this.json({ method: 'GET', path: routes.sources() });
  }

  /** Target: what a source offers to pull. */
  sourcePackages(source: string): Promise<SourcePackagesResponse> {
    return this.json({ method: 'GET', path: routes.sourcePackages(source) });
  }

  /** Target: pull a version from a source (created: false when it was already pulled). */
  createImport(request: ImportRequest): Promise<ImportCreatedResponse> {
    return this.json({ method: 'POST', path: routes.imports(), json: request });
  }

  listImports(): Promise<ImportListResponse> {
    return this.json({ method: 'GET', path: routes.imports() });
  }

  getImport(id: string): Promise<ImportDetail> {
    return this.json({ method: 'GET', path: routes.import(id) });
  }

  /** Target: replaces the import's reference replacements; answers the import validated again. */
  putReplacements(id: string, replacements: Replacement[]): Promise<ImportDetail> {
    return this.json({ method: 'PUT', path: routes.importReplacements(id), json: { replacements } });
  }

  importPreview(id: string): Promise<PreviewResponse> {
    return this.json({ method: 'GET', path: routes.importPreview(id) });
  }

  applyImport(id: string, request: ApplyRequest = {}): Promise<ImportActionResponse> {
    return this.json({ method: 'POST', path: routes.importApply(id), json: request });
  }

  rejectImport(id: string, reason: string): Promise<ImportActionResponse> {
    return this.json({ method: 'POST', path: routes.importReject(id), json: { reason } });
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private async json<T>(spec: RequestSpec): Promise<T> {
    return (await this.send(spec, 'json')).body as T;
  }

  private url(path: string, query?: Query): URL {
    const url = new URL(this.base.href);
    url.pathname = `${this.base.pathname.replace(/\/+$/, '')}${path}`;
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** Whether a credential source found credentials for this gateway (undefined: none asked yet, or a fixed token). */
  get credentialsFound(): boolean | undefined {
    return this.token ? true : this.credentials?.found;
  }

  /** Removes the token (and any secret of the credential source) from any text that leaves this class. */
  private redact(text: string): string {
    let out = text;
    for (const s of [this.token, ...(this.credentials?.secrets() ?? [])]) if (s) out = out.split(s).join('***');
    return out;
  }

  private error(status: number, code: GatewayErrorCode, message: string, details: ApiErrorDetail[] = []): GatewayError {
    return new GatewayError(
      status,
      code,
      this.redact(message),
      details.map((d) => ({ field: this.redact(d.field), message: this.redact(d.message) })),
    );
  }

  private networkError(error: unknown, url: URL, method: string, path: string, timedOut: boolean): GatewayError {
    const where = this.baseUrl;
    const code = networkCode(error);
    if (timedOut || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ETIMEDOUT') {
      const seconds = Math.round(this.timeoutMs / 100) / 10;
      return this.error(0, 'timeout', `The gateway at ${where} did not answer ${method} ${path} within ${timedOut ? `${seconds} s` : 'the connection timeout'}.`);
    }
    if (error instanceof Error && /bad port/i.test(`${error.message} ${(error.cause as Error | undefined)?.message ?? ''}`)) {
      return this.error(0, 'invalid-url', `${where} uses port ${url.port}, which fetch refuses to connect to; choose another port for the gateway.`);
    }
    switch (code) {
      case 'ECONNREFUSED':
        return this.error(0, 'unreachable', `No gateway answers at ${where} — is it running?`);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return this.error(0, 'unreachable', `No gateway answers at ${where} — the host '${url.hostname}' cannot be found.`);
      case 'ECONNRESET':
      case 'EPIPE':
      case 'UND_ERR_SOCKET':
        return this.error(0, 'unreachable', `No gateway answers at ${where} — the connection was closed before the answer to ${method} ${path} (${code}).`);
      default: {
        const reason = code ?? (error instanceof Error ? error.message : String(error));
        return this.error(0, 'unreachable', `No gateway answers at ${where} — ${reason}.`);
      }
    }
  }

  private headers(spec: RequestSpec, token: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { Accept: spec.accept ?? 'application/json' };
    if (spec.json !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.bytes !== undefined) headers['Content-Type'] = PACKAGE_CONTENT_TYPE;
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  /** Sends the request and waits for the response headers; the timer keeps running. */
  private async open(
    spec: RequestSpec,
    signal?: AbortSignal,
  ): Promise<{ response: Response; url: URL; timedOut: () => boolean; cleanup: { clearTimer(): void; detach(): void } }> {
    const url = this.url(spec.path, spec.query);
    const controller = new AbortController();
    let timedOut = false;
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) controller.abort();
    const cleanup = {
      clearTimer: () => clearTimeout(timer),
      detach: () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      },
    };
    let body: BodyInit | undefined;
    if (spec.json !== undefined) body = JSON.stringify(spec.json);
    else if (spec.bytes !== undefined) body = spec.bytes as unknown as BodyInit;
    const attempt = async (token: string | undefined): Promise<Response> => {
      try {
        return await this.fetchImpl(url, { method: spec.method, headers: this.headers(spec, token), body, signal: controller.signal, redirect: spec.noRedirect ? 'error' : 'follow' });
      } catch (error) {
        throw this.networkError(error, url, spec.method, spec.path, timedOut);
      }
    };
    try {
      let token = this.token ?? (spec.anonymous ? undefined : await this.credentials?.token());
      let response = await attempt(token);
      if (response.status === 401 && this.credentials && !spec.anonymous) {
        // Expired or revoked meanwhile: once more with a fresh token. None sent: once more if
        // credentials have appeared since (a just-started emulator's local-admin.json).
        if (token) this.credentials.rejected(token);
        const fresh = await this.credentials.token();
        if (fresh) {
          await response.body?.cancel().catch(() => undefined);
          token = fresh;
          response = await attempt(token);
        }
      }
      return { response, url, timedOut: () => timedOut, cleanup };
    } catch (error) {
      cleanup.detach();
      if (error instanceof GatewayError) throw this.error(error.status, error.code, error.message, error.details);
      throw error;
    }
  }

  private async send(spec: RequestSpec, expect: 'json' | 'bytes'): Promise<{ status: number; body: unknown }> {
    const { response, url, timedOut, cleanup } = await this.open(spec);
    try {
      const max = expect === 'bytes' ? LIMITS.packageFileBytes : LIMITS.clientJsonAnswerBytes;
      let raw: Uint8Array | undefined;
      try {
        raw = await readAtMost(response, max);
      } catch (error) {
        throw this.networkError(error, url, spec.method, spec.path, timedOut());
      }
      if (raw === undefined) {
        throw this.error(response.status, 'bad-response', `The gateway at ${this.baseUrl} answered ${spec.method} ${spec.path} with more than ${max} bytes; refused (is this a Flowgate gateway?)`);
      }
      if (!response.ok) {
        const error = this.httpError(response, raw, spec);
        if (response.status === 401 && this.credentials?.found === false) {
          // The gateway wants a token and none could be sent: say so, and what to do.
          throw this.error(401, error.code, `The gateway at ${this.baseUrl} needs credentials for ${spec.method} ${spec.path} and none were found for it (${error.message}). ${this.credentials.advice ?? ''}`.trim(), error.details);
        }
        throw error;
      }
      if (expect === 'bytes') return { status: response.status, body: raw };
      if (raw.length === 0) return { status: response.status, body: undefined };
      try {
        return { status: response.status, body: JSON.parse(new TextDecoder().decode(raw)) as unknown };
      } catch {
        throw this.error(
          response.status,
          'bad-response',
          `The gateway at ${this.baseUrl} answered ${spec.method} ${spec.path} with something that is not JSON (${response.headers.get('content-type') ?? 'no content type'}); is this a Flowgate gateway?`,
        );
      }
    } finally {
      cleanup.detach();
    }
  }

  /** A non-2xx answer → GatewayError, from the `{"error": …}` body when there is one. */
  private httpError(response: Response, raw: Uint8Array, spec: RequestSpec): GatewayError {
    const text = new TextDecoder().decode(raw);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const error = isJsonObject(parsed) && isJsonObject(parsed.error) ? parsed.error : undefined;
    if (error && typeof error.message === 'string') {
      const code = typeof error.code === 'string' && error.code !== '' ? error.code : codeForStatus(response.status);
      const details = Array.isArray(error.details)
        ? error.details.filter(isJsonObject).map((d) => ({ field: String(d.field ?? ''), message: String(d.message ?? '') }))
        : [];
      return this.error(response.status, code, error.message, details);
    }
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    const type = response.headers.get('content-type') ?? '';
    const snippet = type.startsWith('text/plain') ? text.replace(/\s+/g, ' ').trim().slice(0, 200) : '';
    return this.error(
      response.status,
      codeForStatus(response.status),
      `The gateway at ${this.baseUrl} answered ${response.status}${statusText} to ${spec.method} ${spec.path}${snippet ? `: ${snippet}` : ''}`,
    );
  }
}
