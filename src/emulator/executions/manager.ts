/**
 * Starts, tracks and stops executions. Each execution runs the engine with an AbortSignal;
 * stopping one stops its running descendants (found through each running execution's ancestor
 * chain, so stopping many at once stays linear). Records go to an ExecutionHistory.
 *
 * Bounds (LIMITS): executions running at once on the gateway, per package version and per tree;
 * executions one tree may start in all, and how deep it nests (run-flow children and executions
 * started by the tree's http steps calling this gateway, which carry `parentFromHeader`'s
 * header); memory of variables per execution and for all of them. A start past a bound is
 * refused: `ApiError` 429 `too-many-executions` (a REST start answers it; a schedule or trigger
 * records it), or the run-flow step's `too-many-executions` / `too-deep` error. Records keep
 * bounded values (`{"$truncated": true, "bytes": N}`) and a bounded log; the full outputs go to
 * the caller that waits for them (`fullOutputs`). Nothing an execution does can reject into the
 * gateway: `run` settles with the record whatever happens, and history writes that fail are logged.
 *
 * Secrets: a flow uses only its own package version's connections, and a connection's secret only
 * when the secret store grants it to that connection of that package (`hostFor`). Whatever a flow
 * does with a value it obtained, the gateway's mask of secret values (secrets/mask.ts) is applied
 * here, in one place, to everything recorded or answered about an execution: inputs, outputs (the
 * record's and the full ones a caller waits for), log lines, the error, warnings on stderr.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  ExecutionDetail,
  ExecutionListQuery,
  ExecutionListResponse,
  ExecutionSummary,
  Initiator,
  StopExecutionsResponse,
} from '../../core/api/types';
import type { FlowDefinition } from '../../core/model/flow';
import type { ConnectionDefinition } from '../../core/model/connection';
import type { EngineHost } from '../engine/context';
import { FlowError, StoppedError } from '../engine/errors';
import { matchesValueType, valueTypeOf } from '../../core/model/inputValues';
import { checkInputs } from '../engine/inputs';
import { runFlow } from '../engine/runFlow';
import { LIMITS } from '../../core/limits';
import { ApiError, badRequest, notFound } from '../errors';
import { GatewayMemory, VariableBudget } from '../engine/variableBudget';
import { boundedText, boundedVariables, measure, formatBytes } from '../engine/valueSize';
import type { PackageStore } from '../store/packageStore';
import type { ExecutionHistory } from './history';
import { markGatewayStopped } from './historyLog';
import { appendLog, isFinished, toDetail, toSummary, type ExecutionRecord } from './record';
import { findFlow } from '../../core/model/flowLookup';
import { secretMask } from '../secrets/mask';
import type { SecretStore } from '../secrets/store';

export interface StartParams {
  packageName: string;
  packageVersion: number;
  flow: FlowDefinition;
  /** Already checked against the flow's declarations, defaults applied. */
  inputs: Record<string, unknown>;
  initiator: Initiator;
  parent?: ExecutionRecord;
  /** A draft run: the files' flows and connections (never the repository's), recorded as `draft: true`. */
  draft?: DraftContents;
}

/**
 * What a draft run (POST /api/v1/draft-runs) runs from: the flows and connections of the files it
 * was sent, checked by core/draft/draftRun.ts. Its children come from here too, never from the
 * repository or a stored version. `secretsPackage`: the package draft holding the flow — secrets
 * resolve as for that package's connections (what publishing it would give); absent: none resolve.
 */
export interface DraftContents {
  flows: Map<string, FlowDefinition>;
  connections: Map<string, ConnectionDefinition>;
  secretsPackage?: string;
}

/** Draft contents of running draft executions (kept beside the record: records are persisted, these are not). */
const draftOf = new WeakMap<ExecutionRecord, DraftContents>();

/**
 * What every caller that starts a flow gives (`ExecutionManager.startFlow`): the REST route, a
 * run-flow step, the scheduler and the trigger service.
 */
export interface StartFlowParams {
  /**
   * The package version. What is left out comes from the gateway's defaults (default package,
   * default version rules); the version must be published. A run-flow child (initiator `flow`
   * with `parent`) always runs in its parent's version, published or not (running trees finish).
   */
  package?: { name?: string; version?: number };
  /** The flow, as the caller names it (core/model/flowLookup: full id or unique bare name). */
  flow: string;
  /** The inputs as given: checked against the flow's declarations, then defaults applied. */
  inputs: Record<string, unknown>;
  initiator: Initiator;
  /** The calling execution: a run-flow step's, or the one an http self-call's tree header names. */
  parent?: ExecutionRecord;
  /** How input problems name their field: `inputVariables.` (default, REST), `inputs.` (schedules, triggers), `` (run-flow). */
  inputsField?: string;
  /**
   * Called once the version's contents are read, right before starting: throws to refuse (the
   * scheduler re-checks that its schedule is still there and enabled).
   */
  stillWanted?: () => void;
  /**
   * Called with the package version as soon as it is resolved, before anything about it is read:
   * throws to refuse (the execution route's authorisation check).
   */
  mayStart?: (target: { name: string; version: number }) => void;
}

/** A started flow: the execution, and the package version and flow it runs. */
export interface FlowStart extends StartedExecution {
  packageName: string;
  packageVersion: number;
  flow: FlowDefinition;
}

export interface StartedExecution {
  record: ExecutionRecord;
  done: Promise<ExecutionRecord>;
}

interface Running {
  record: ExecutionRecord;
  controller: AbortController;
  done: Promise<ExecutionRecord>;
  /** Parent, grandparent, … up to the root. */
  ancestors: string[];
}

/** One tree of executions (a root and everything it started), while any of it runs. */
interface Tree {
  running: number;
  /** Executions started in the tree so far, the root included. */
  total: number;
}

/** The header carrying the calling execution to this gateway's execution route (http self-calls). */
export const TREE_HEADER = 'x-flowgate-execution';

/** Full outputs of ended executions, for the caller that waits (the record keeps bounded ones). */
const outputsOf = new WeakMap<ExecutionRecord, Record<string, unknown>>();

/** The outputs an execution ended with, before the record's bounds (falls back to the record's). */
export function fullOutputs(record: ExecutionRecord): Record<string, unknown> | null {
  return outputsOf.get(record) ?? record.outputs;
}

/** The per-version concurrency key: draft runs count apart from the stored version of the same number. */
function versionKeyOf(r: { packageName: string; packageVersion: number; draft?: true }): string {
  return `${r.draft ? 'draft:' : ''}${r.packageName}@${r.packageVersion}`;
}

function tooMany(message: string, field = 'execution'): ApiError {
  return new ApiError(429, 'too-many-executions', message, [{ field, message }]);
}

export class ExecutionManager {
  /** Emits `change` with an ExecutionSummary whenever an execution starts or changes status. */
  readonly events = new EventEmitter().setMaxListeners(0);
  private readonly running = new Map<string, Running>();
  private readonly trees = new Map<string, Tree>();
  private readonly perVersion = new Map<string, number>();
  /** Variables held by all running executions (LIMITS.executionsVariablesBytes). */
  readonly memory = new GatewayMemory();
  /** Signs tree headers: only this process's executions can join a tree. */
  private readonly treeKey = randomBytes(32);
  /** Set once the gateway stops: executions stopped from then on end with `gateway-stopped`. */
  private shuttingDown = false;

  constructor(
    private readonly store: PackageStore,
    private readonly history: ExecutionHistory,
    private readonly executingOn: string,
    /** The gateway's connection secrets (absent: no secret resolves). */
    private readonly secrets?: SecretStore,
  ) {}

  /**
   * THE way to start a flow: find the package version (named, or the default rules), find the flow
   * (one lookup rule, core/model/flowLookup), check the inputs, start. Refusals are ApiErrors, and
   * nothing has started then: 404 `package-not-found` / `version-not-found` / `flow-not-found`,
   * 409 `no-default-package` / `no-default-version` / `not-published`, 400 `ambiguous-flow`
   * (details: one per candidate, field `flow`) / `invalid-inputs` (one per input), 413
   * `budget-exceeded` (a run-flow child's inputs larger than an execution's memory), 429
   * `too-many-executions`.
   */
  async startFlow(params: StartFlowParams): Promise<FlowStart> {
    const parent = params.parent;
    const child = params.initiator.type === 'flow' && parent !== undefined;
    const parentDraft = child ? draftOf.get(parent) : undefined;
    if (parentDraft) return this.startDraftChild(params, parent!, parentDraft);
    const resolve = () =>
      child ? { name: parent.packageName, version: parent.packageVersion } : this.store.resolveExecutable(params.package?.name, params.package?.version);
    const target = resolve();
    params.mayStart?.(target);
    const contents = await this.store.versionContents(target.name, target.version);
    // The store may have changed while the contents were read (unpublished, deleted, defaults).
    if (!child) {
      const now = resolve();
      if (now.name !== target.name || now.version !== target.version) return this.startFlow({ ...params, package: now });
    }
    params.stillWanted?.();
    const found = findFlow(contents.flows, params.flow, `package ${target.name} version ${target.version}`);
    if (!found.ok) {
      if (found.code === 'ambiguous-flow') {
        throw new ApiError(400, 'ambiguous-flow', found.message, found.candidates.map((c) => ({ field: 'flow', message: c })));
      }
      throw notFound('flow-not-found', found.message);
    }
    const flow = found.flow;
    const check = checkInputs(flow.flow.inputs, params.inputs, params.inputsField ?? 'inputVariables.');
    if (check.problems.length) {
      throw new ApiError(400, 'invalid-inputs', `Invalid inputs for ${flow.id}: ${check.problems.map((p) => p.message).join('; ')}`, check.problems);
    }
    // A child's inputs (built by its parent) count against an execution's memory budget before it starts
    // (other callers' inputs are bounded by their request, setting or PDU).
    if (child && measure(check.values, LIMITS.executionVariablesBytes).over) {
      const message = `the inputs of ${flow.id} are larger than an execution's memory budget (${formatBytes(LIMITS.executionVariablesBytes)})`;
      throw new ApiError(413, 'budget-exceeded', message, [{ field: 'inputs', message }]);
    }
    const started = this.start({
      packageName: target.name,
      packageVersion: target.version,
      flow,
      inputs: check.values,
      initiator: params.initiator,
      ...(parent ? { parent } : {}),
    });
    return { ...started, packageName: target.name, packageVersion: target.version, flow };
  }

  /**
   * A draft run (POST /api/v1/draft-runs): the flow of checked files, with its inputs checked here
   * (400 `invalid-inputs`, nothing started). Recorded as `draft: true` under the package draft's
   * name and next version (`workspace` 1 when no draft holds it); the repository is never read or written.
   */
  startDraft(params: {
    flow: FlowDefinition;
    draft: DraftContents;
    packageName: string;
    packageVersion: number;
    inputs: Record<string, unknown>;
    initiator: Initiator;
    /** The calling execution (an http step of a running execution calling this gateway): the draft run joins its tree and its bounds. */
    parent?: ExecutionRecord;
  }): FlowStart {
    const check = checkInputs(params.flow.flow.inputs, params.inputs, 'inputVariables.');
    if (check.problems.length) {
      throw new ApiError(400, 'invalid-inputs', `Invalid inputs for ${params.flow.id}: ${check.problems.map((p) => p.message).join('; ')}`, check.problems);
    }
    const started = this.start({
      packageName: params.packageName,
      packageVersion: params.packageVersion,
      flow: params.flow,
      inputs: check.values,
      initiator: params.initiator,
      draft: params.draft,
      ...(params.parent ? { parent: params.parent } : {}),
    });
    return { ...started, packageName: params.packageName, packageVersion: params.packageVersion, flow: params.flow };
  }

  /** A run-flow child of a draft run: looked up among the draft's flows only, run as a draft too. */
  private startDraftChild(params: StartFlowParams, parent: ExecutionRecord, draft: DraftContents): FlowStart {
    const found = findFlow(draft.flows, params.flow, 'the draft run\'s files');
    if (!found.ok) {
      if (found.code === 'ambiguous-flow') {
        throw new ApiError(400, 'ambiguous-flow', found.message, found.candidates.map((c) => ({ field: 'flow', message: c })));
      }
      throw notFound('flow-not-found', found.message);
    }
    const flow = found.flow;
    const check = checkInputs(flow.flow.inputs, params.inputs, params.inputsField ?? '');
    if (check.problems.length) {
      throw new ApiError(400, 'invalid-inputs', `Invalid inputs for ${flow.id}: ${check.problems.map((p) => p.message).join('; ')}`, check.problems);
    }
    if (measure(check.values, LIMITS.executionVariablesBytes).over) {
      const message = `the inputs of ${flow.id} are larger than an execution's memory budget (${formatBytes(LIMITS.executionVariablesBytes)})`;
      throw new ApiError(413, 'budget-exceeded', message, [{ field: 'inputs', message }]);
    }
    const started = this.start({
      packageName: parent.packageName,
      packageVersion: parent.packageVersion,
      flow,
      inputs: check.values,
      initiator: params.initiator,
      parent,
      draft,
    });
    return { ...started, packageName: parent.packageName, packageVersion: parent.packageVersion, flow };
  }

  /**
   * Start an execution of a flow already found and inputs already checked (`startFlow` does both;
   * use it). Throws ApiError 429 `too-many-executions` past a concurrency, tree size
   * or depth bound (or when the gateway's execution memory is spent); nothing has started then.
   */
  start(params: StartParams): StartedExecution {
    const parent = params.parent;
    const versionKey = versionKeyOf({ ...params, draft: params.draft ? true : undefined });
    const tree = this.admit(params, versionKey);
    const id = randomUUID();
    const record: ExecutionRecord = {
      id,
      parentId: parent ? parent.id : null,
      rootId: parent ? parent.rootId : id,
      flow: params.flow.id,
      packageName: params.packageName,
      packageVersion: params.packageVersion,
      initiator: params.initiator,
      executingOn: this.executingOn,
      status: 'Running',
      startedAt: new Date().toISOString(),
      endedAt: null,
      inputs: secretMask.value(boundedVariables(params.inputs)),
      outputs: null,
      error: null,
      log: [],
      childIds: [],
      depth: parent ? parent.depth + 1 : 0,
      ...(params.draft ? { draft: true as const } : {}),
    };
    if (params.draft) draftOf.set(record, params.draft);
    if (parent) parent.childIds.push(id);
    tree.running++;
    tree.total++;
    this.trees.set(record.rootId, tree);
    this.perVersion.set(versionKey, (this.perVersion.get(versionKey) ?? 0) + 1);
    this.guard('recording the start of', record, () => this.history.add(record));
    const controller = new AbortController();
    const done = this.run(record, params.flow, controller.signal, params.inputs).catch((err) => {
      // run() settles with the record; this is the last line of defence.
      this.warn(`execution ${record.id} failed unexpectedly: ${(err as Error)?.message ?? String(err)}`);
      return record;
    });
    const parentRun = parent ? this.running.get(parent.id) : undefined;
    const ancestors = parent ? [parent.id, ...(parentRun?.ancestors ?? [])] : [];
    this.running.set(id, { record, controller, done, ancestors });
    this.changed(record);
    return { record, done };
  }

  /** Checks every bound a new execution must fit; returns its tree's counters (not yet counted). */
  private admit(params: StartParams, versionKey: string): Tree {
    const parent = params.parent;
    if (this.running.size >= LIMITS.executionsPerGateway) {
      throw tooMany(`${this.running.size} executions are running on this gateway (at most ${LIMITS.executionsPerGateway} at once); try again later`);
    }
    const inVersion = this.perVersion.get(versionKey) ?? 0;
    if (inVersion >= LIMITS.executionsPerVersion) {
      throw tooMany(
        `${inVersion} executions of package ${params.packageName} version ${params.packageVersion} are running (at most ${LIMITS.executionsPerVersion} at once); try again later`,
        'packageVersion',
      );
    }
    if (this.memory.used >= LIMITS.executionsVariablesBytes) {
      throw tooMany(`the running executions hold their whole memory budget (${formatBytes(LIMITS.executionsVariablesBytes)}); try again later`);
    }
    if (!parent) return { running: 0, total: 0 };
    if (parent.depth + 1 > LIMITS.executionTreeDepth) {
      throw tooMany(`execution tree ${parent.rootId} would nest more than ${LIMITS.executionTreeDepth} levels deep`);
    }
    const tree = this.trees.get(parent.rootId) ?? { running: 0, total: 0 };
    if (tree.total >= LIMITS.executionTreeSize) {
      throw tooMany(`execution tree ${parent.rootId} already started ${tree.total} executions (at most ${LIMITS.executionTreeSize} per tree)`);
    }
    if (tree.running >= LIMITS.executionTreeConcurrent) {
      throw tooMany(`execution tree ${parent.rootId} has ${tree.running} executions running (at most ${LIMITS.executionTreeConcurrent} at once per tree)`);
    }
    return tree;
  }

  /** An execution left `running`: its counters go down. */
  private release(record: ExecutionRecord): void {
    const tree = this.trees.get(record.rootId);
    if (tree && --tree.running <= 0) this.trees.delete(record.rootId);
    const versionKey = versionKeyOf(record);
    const n = (this.perVersion.get(versionKey) ?? 1) - 1;
    if (n > 0) this.perVersion.set(versionKey, n);
    else this.perVersion.delete(versionKey);
  }

  /**
   * The header an http step of this execution adds when it calls this gateway itself (name
   * TREE_HEADER, value `<executionId>.<signature>`): the execution it starts joins the caller's tree.
   */
  treeHeader(executionId: string): { name: string; value: string } {
    return { name: TREE_HEADER, value: `${executionId}.${this.sign(executionId)}` };
  }

  /**
   * For the execution route: the running execution a request's TREE_HEADER names, to start the
   * new execution as its child (`start({ ..., parent })`). No header: undefined (a root). A header
   * this gateway did not sign: 400 naming the header. A caller that is no longer running: 429.
   */
  parentFromHeader(value: string | string[] | undefined): ExecutionRecord | undefined {
    if (value === undefined) return undefined;
    const v = Array.isArray(value) ? value[0] : value;
    const dot = typeof v === 'string' ? v.lastIndexOf('.') : -1;
    const id = dot > 0 ? v!.slice(0, dot) : '';
    const sig = dot > 0 ? Buffer.from(v!.slice(dot + 1)) : Buffer.alloc(0);
    const want = Buffer.from(this.sign(id));
    if (!id || id.length > LIMITS.shortStringLength || sig.length !== want.length || !timingSafeEqual(sig, want)) {
      throw badRequest(`The ${TREE_HEADER} header is not one this gateway issued`, [{ field: TREE_HEADER, message: 'not a valid execution reference' }]);
    }
    const caller = this.running.get(id);
    if (!caller || isFinished(caller.record.status)) throw tooMany(`the calling execution ${id} is no longer running`, TREE_HEADER);
    return caller.record;
  }

  private sign(id: string): string {
    return createHmac('sha256', this.treeKey).update(id).digest('base64url').slice(0, 32);
  }

  private warn(message: string): void {
    try {
      process.stderr.write(`Flowgate emulator: ${boundedText(secretMask.text(message), 2000)}\n`);
    } catch {
      /* nowhere to report */
    }
  }

  /** Runs a bookkeeping step; a failure is logged, never thrown into the execution or its caller. */
  private guard(what: string, record: ExecutionRecord, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.warn(`${what} execution ${record.id}: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  private async run(record: ExecutionRecord, flow: FlowDefinition, signal: AbortSignal, inputs: Record<string, unknown>): Promise<ExecutionRecord> {
    await Promise.resolve(); // let start() register the execution first
    const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, step?: string) =>
      appendLog(record, { at: new Date().toISOString(), level, message: secretMask.text(message), ...(step ? { step: secretMask.text(step) } : {}) });
    const budget = new VariableBudget(this.memory);
    try {
      log('info', `started ${record.flow} (${record.draft ? 'draft run: workspace files of ' : ''}${record.packageName} v${record.packageVersion})`);
      const vars: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(structuredClone(inputs))) budget.assign(vars, name, value);
      const outputs = await runFlow(flow.flow, {
        executionId: record.id,
        vars,
        signal,
        log,
        host: this.hostFor(record, signal),
        counter: { steps: 0 },
        budget,
      });
      if (signal.aborted) throw new StoppedError();
      for (const [name, decl] of Object.entries(flow.flow.outputs ?? {})) {
        if (!(name in outputs)) log('warn', `output '${name}' was not set`);
        else if (!matchesValueType(outputs[name], decl.type)) log('warn', `output '${name}' should be of type ${decl.type}, got ${valueTypeOf(outputs[name])}`);
      }
      const masked = secretMask.value(outputs);
      outputsOf.set(record, masked);
      record.outputs = boundedVariables(masked);
      record.status = 'Ended';
      log('info', 'ended');
    } catch (err) {
      if (err instanceof StoppedError || signal.aborted) {
        if (this.shuttingDown) {
          markGatewayStopped(record, new Date().toISOString(), 'the gateway was stopped');
        } else {
          record.status = 'Stopped';
          log('warn', 'stopped');
        }
      } else {
        const fe = err instanceof FlowError ? err : new FlowError('internal', (err as Error)?.message ?? String(err));
        record.status = 'Error';
        const step = fe.step ? secretMask.text(fe.step) : undefined;
        record.error = {
          code: boundedText(secretMask.text(fe.code), LIMITS.shortStringLength),
          message: boundedText(secretMask.text(fe.message)),
          ...(step ? { step: boundedText(step, LIMITS.shortStringLength * 4) } : {}),
        };
        log('error', `${fe.code}: ${fe.message}`, fe.step);
      }
    } finally {
      budget.release();
      record.endedAt = new Date().toISOString();
      if (this.running.delete(record.id)) this.release(record);
      this.guard('recording the end of', record, () => this.history.update(record));
      this.changed(record);
    }
    return record;
  }

  private hostFor(record: ExecutionRecord, signal: AbortSignal): EngineHost {
    const store = this.store;
    const draft = draftOf.get(record);
    return {
      // Only the package version's own connections: never another package's through the repository.
      // A draft run: only the connections of the files it was sent.
      connection: async (id) => {
        if (draft) {
          const own = draft.connections.get(id);
          if (own) return own;
          throw new FlowError('connection-not-found', `Connection '${boundedText(id, LIMITS.definitionIdLength)}' is not among the draft run's files (a draft run uses only the connections it was sent)`);
        }
        const contents = await store.versionContents(record.packageName, record.packageVersion);
        const found = contents.connections.get(id);
        if (!found) {
          throw new FlowError(
            'connection-not-found',
            `Connection '${boundedText(id, LIMITS.definitionIdLength)}' is not in package ${record.packageName} version ${record.packageVersion} (a flow uses only its own package's connections)`,
          );
        }
        return found;
      },
      // Only a secret granted to this connection of this package (secrets/store.ts).
      secret: (name, connection) => {
        if (draft && draft.secretsPackage === undefined) {
          throw new FlowError(
            'secret-not-granted',
            `Connection '${connection}' names secret '${name}', but this draft run's flow is in no package draft it was sent, so no secret resolves (add the flow to a package draft)`,
          );
        }
        const value = this.secrets?.resolve(name, draft ? draft.secretsPackage! : record.packageName, connection);
        if (value !== undefined) return value;
        // One message whether the secret is missing or not granted: a flow learns nothing of other secrets.
        const grant = `${record.packageName}/${connection}`;
        throw new FlowError(
          'secret-not-granted',
          `Connection '${connection}' of package ${record.packageName} names secret '${name}', which this gateway does not grant to it ` +
            `(an Admin grants it with \`flowgate secret set ${name} --connection ${grant}\`, or \`flowgate secret grant\` for an existing one)`,
        );
      },
      treeHeader: () => this.treeHeader(record.id),
      runChild: async (flowRef, inputs, mode, step) => {
        if (signal.aborted) throw new StoppedError();
        if (record.depth + 1 > LIMITS.executionTreeDepth) {
          throw new FlowError('too-deep', `run-flow nested more than ${LIMITS.executionTreeDepth} levels deep`);
        }
        let child: FlowStart;
        try {
          child = await this.startFlow({
            flow: flowRef,
            inputs,
            inputsField: '',
            initiator: { type: 'flow', executionId: record.id },
            parent: record,
          });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          // The step's error keeps the refusal's code; lookups and inputs say it in their own words.
          const own = err.code === 'flow-not-found' || err.code === 'ambiguous-flow' || err.code === 'invalid-inputs' || err.code === 'budget-exceeded';
          throw new FlowError(err.code, own ? err.message : `Cannot start ${String(flowRef)}: ${err.message}`);
        }
        appendLog(record, {
          at: new Date().toISOString(),
          level: 'info',
          message: `started child ${child.flow.id} (${child.record.id})${mode === 'async' ? ' asynchronously' : ''}`,
          step,
        });
        if (mode === 'async') return { executionId: child.record.id };
        const ended = await child.done;
        if (signal.aborted) throw new StoppedError();
        if (ended.status === 'Ended') return { executionId: ended.id, outputs: fullOutputs(ended) ?? {} };
        if (ended.status === 'Stopped') throw new FlowError('child-stopped', `Child flow ${ended.flow} (${ended.id}) was stopped`);
        throw new FlowError(ended.error?.code ?? 'child-failed', ended.error?.message ?? `Child flow ${ended.flow} failed`);
      },
    };
  }

  async get(id: string): Promise<ExecutionDetail> {
    const r = await this.history.get(id);
    if (!r) throw notFound('execution-not-found', `Execution ${id} does not exist on this gateway`);
    return this.detail(r);
  }

  /**
   * One page of the retained executions that match, newest first: at most `limit` (bounded by
   * LIMITS.executionListPage), after the execution `after` (the previous page's `next`). Costs one pass
   * over the retained heads (bounded by the retention), whatever the query.
   */
  /**
   * A page of the history, newest first. `visible` (the caller's read rule) filters before paging,
   * so `next` is always an execution the caller may see, and a cursor naming one it may not see is
   * refused like one that names nothing.
   */
  async list(query: ExecutionListQuery, visible: (r: { packageName: string; packageVersion: number; draft?: true }) => boolean = () => true): Promise<ExecutionListResponse> {
    const now = Date.now();
    const limit = Math.min(query.limit ?? LIMITS.executionListPage, LIMITS.executionListPage);
    const flowText = query.flow?.toLowerCase();
    const from = query.startedAfter === undefined ? undefined : Date.parse(query.startedAfter);
    const to = query.startedBefore === undefined ? undefined : Date.parse(query.startedBefore);
    const out: ExecutionSummary[] = [];
    let seeking = query.after !== undefined;
    let next: string | undefined;
    for (const r of await this.history.list()) {
      if (seeking) {
        if (r.id === query.after && visible(r)) seeking = false;
        continue;
      }
      if (
        visible(r) &&
        (query.status === undefined || r.status === query.status) &&
        (query.packageName === undefined || r.packageName === query.packageName) &&
        (query.packageVersion === undefined || r.packageVersion === query.packageVersion) &&
        (flowText === undefined || r.flow.toLowerCase().includes(flowText)) &&
        (from === undefined || Date.parse(r.startedAt) >= from) &&
        (to === undefined || Date.parse(r.startedAt) < to)
      ) {
        if (out.length === limit) {
          next = out[out.length - 1].id;
          break;
        }
        out.push(toSummary(r, now));
      }
    }
    if (seeking) {
      throw badRequest('The cursor names no execution in the history (it may have been removed by retention); list again from the start', [
        { field: 'after', message: 'not an execution in the history' },
      ]);
    }
    return next === undefined ? { executions: out } : { executions: out, next };
  }

  /** Stop an execution and its running descendants; resolves when they settled (or after waitMs). */
  async stop(id: string, waitMs = 5000): Promise<ExecutionDetail> {
    if (!this.running.has(id) && !(await this.history.get(id))) {
      throw notFound('execution-not-found', `Execution ${id} does not exist on this gateway`);
    }
    await this.stopTrees([id], waitMs);
    return this.get(id);
  }

  /** Stop several executions and their descendants at once. Unknown ids are reported, not refused. */
  async stopMany(ids: string[], waitMs = 5000): Promise<StopExecutionsResponse> {
    await this.stopTrees(ids, waitMs);
    const heads = await this.history.heads(ids);
    const now = Date.now();
    const executions: ExecutionSummary[] = [];
    const notFound: string[] = [];
    ids.forEach((id, i) => {
      const h = heads[i];
      if (h) executions.push(toSummary(h, now));
      else notFound.push(id);
    });
    return { executions, notFound };
  }

  /** Stop everything (the gateway stops): ended with `gateway-stopped`; then end the event streams. */
  async stopAll(waitMs = 3000): Promise<void> {
    this.shuttingDown = true;
    const all = [...this.running.values()];
    for (const t of all) {
      if (!isFinished(t.record.status)) t.record.status = 'Stopping';
      t.controller.abort();
    }
    await settle(all.map((t) => t.done), waitMs);
    // Anything that did not settle in time is recorded as stopped all the same.
    const now = new Date().toISOString();
    for (const t of [...this.running.values()]) {
      markGatewayStopped(t.record, now, 'the gateway was stopped');
      this.running.delete(t.record.id);
      this.release(t.record);
      this.guard('recording the stop of', t.record, () => this.history.update(t.record));
    }
    this.events.emit('close');
  }

  private async stopTrees(ids: string[], waitMs: number): Promise<void> {
    const wanted = new Set(ids);
    const targets: Running[] = [];
    for (const run of this.running.values()) {
      if (wanted.has(run.record.id) || run.ancestors.some((a) => wanted.has(a))) targets.push(run);
    }
    const now = new Date().toISOString();
    for (const t of targets) {
      if (t.record.status !== 'Running') continue;
      t.record.status = 'Stopping';
      appendLog(t.record, { at: now, level: 'warn', message: 'stop requested' });
      this.guard('recording the stop of', t.record, () => this.history.update(t.record));
      this.changed(t.record);
      t.controller.abort();
    }
    await settle(targets.map((t) => t.done), waitMs);
  }

  private changed(record: ExecutionRecord): void {
    if (this.events.listenerCount('change') > 0) this.guard('announcing', record, () => this.events.emit('change', toSummary(record)));
  }

  /** Resolves once every execution record written so far is on disk (before acknowledging). */
  persisted(): Promise<void> {
    return this.history.flushed();
  }

  get runningCount(): number {
    return this.running.size;
  }

  private async detail(r: ExecutionRecord): Promise<ExecutionDetail> {
    const heads = r.childIds.length ? await this.history.heads(r.childIds) : [];
    return toDetail(r, heads.filter((h): h is NonNullable<typeof h> => !!h));
  }
}

async function settle(promises: Promise<unknown>[], waitMs: number): Promise<void> {
  if (!promises.length) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise((resolve) => {
      timer = setTimeout(resolve, waitMs);
    }),
  ]);
  clearTimeout(timer);
}
