/**
 * Starts, tracks and stops executions. Each execution runs the engine with an AbortSignal;
 * stopping one stops its running descendants (found through each running execution's ancestor
 * chain, so stopping many at once stays linear). Records go to an ExecutionHistory.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  ExecutionDetail,
  ExecutionListQuery,
  ExecutionSummary,
  Initiator,
  StopExecutionsResponse,
} from '../../core/api/types';
import type { FlowDefinition } from '../../core/model/flow';
import type { EngineHost } from '../engine/context';
import { FlowError, StoppedError } from '../engine/errors';
import { matchesValueType, valueTypeOf } from '../../core/model/inputValues';
import { checkInputs } from '../engine/inputs';
import { runFlow } from '../engine/runFlow';
import { notFound } from '../errors';
import type { PackageStore } from '../store/packageStore';
import type { ExecutionHistory } from './history';
import { markGatewayStopped } from './historyLog';
import { appendLog, isFinished, toDetail, toSummary, type ExecutionRecord } from './record';
import { findFlow } from './resolveFlow';

export interface StartParams {
  packageName: string;
  packageVersion: number;
  flow: FlowDefinition;
  /** Already checked against the flow's declarations, defaults applied. */
  inputs: Record<string, unknown>;
  initiator: Initiator;
  parent?: ExecutionRecord;
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

/** Maximum nesting of run-flow (protects against a flow that runs itself forever). */
const MAX_DEPTH = 50;

export class ExecutionManager {
  /** Emits `change` with an ExecutionSummary whenever an execution starts or changes status. */
  readonly events = new EventEmitter().setMaxListeners(0);
  private readonly running = new Map<string, Running>();
  /** Set once the gateway stops: executions stopped from then on end with `gateway-stopped`. */
  private shuttingDown = false;

  constructor(
    private readonly store: PackageStore,
    private readonly history: ExecutionHistory,
    private readonly executingOn: string,
  ) {}

  start(params: StartParams): StartedExecution {
    const id = randomUUID();
    const parent = params.parent;
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
      inputs: params.inputs,
      outputs: null,
      error: null,
      log: [],
      childIds: [],
      depth: parent ? parent.depth + 1 : 0,
    };
    if (parent) parent.childIds.push(id);
    this.history.add(record);
    const controller = new AbortController();
    const done = this.run(record, params.flow, controller.signal);
    const parentRun = parent ? this.running.get(parent.id) : undefined;
    const ancestors = parent ? [parent.id, ...(parentRun?.ancestors ?? [])] : [];
    this.running.set(id, { record, controller, done, ancestors });
    this.changed(record);
    return { record, done };
  }

  private async run(record: ExecutionRecord, flow: FlowDefinition, signal: AbortSignal): Promise<ExecutionRecord> {
    await Promise.resolve(); // let start() register the execution first
    const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, step?: string) =>
      appendLog(record, { at: new Date().toISOString(), level, message, ...(step ? { step } : {}) });
    log('info', `started ${record.flow} (${record.packageName} v${record.packageVersion})`);
    try {
      const outputs = await runFlow(flow.flow, {
        executionId: record.id,
        vars: structuredClone(record.inputs),
        signal,
        log,
        host: this.hostFor(record, signal),
        counter: { steps: 0 },
      });
      if (signal.aborted) throw new StoppedError();
      for (const [name, decl] of Object.entries(flow.flow.outputs ?? {})) {
        if (!(name in outputs)) log('warn', `output '${name}' was not set`);
        else if (!matchesValueType(outputs[name], decl.type)) log('warn', `output '${name}' should be of type ${decl.type}, got ${valueTypeOf(outputs[name])}`);
      }
      record.outputs = outputs;
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
        record.error = { code: fe.code, message: fe.message, ...(fe.step ? { step: fe.step } : {}) };
        log('error', `${fe.code}: ${fe.message}`, fe.step);
      }
    } finally {
      record.endedAt = new Date().toISOString();
      this.running.delete(record.id);
      this.history.update(record);
      this.changed(record);
    }
    return record;
  }

  private hostFor(record: ExecutionRecord, signal: AbortSignal): EngineHost {
    const store = this.store;
    return {
      connection: async (id) => {
        const contents = await store.versionContents(record.packageName, record.packageVersion);
        return contents.connections.get(id) ?? (await store.repositoryConnection(id));
      },
      secret: (name) => process.env[`FLOWGATE_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`],
      runChild: async (flowRef, inputs, mode, step) => {
        if (signal.aborted) throw new StoppedError();
        const where = `package ${record.packageName} version ${record.packageVersion}`;
        const contents = await store.versionContents(record.packageName, record.packageVersion);
        const found = findFlow(contents.flows, flowRef, where);
        if (!found.ok) throw new FlowError(found.code, found.message);
        if (record.depth + 1 > MAX_DEPTH) {
          throw new FlowError('too-deep', `run-flow nested more than ${MAX_DEPTH} levels deep`);
        }
        const check = checkInputs(found.flow.flow.inputs, inputs, '');
        if (check.problems.length) {
          throw new FlowError(
            'invalid-inputs',
            `Invalid inputs for ${found.flow.id}: ${check.problems.map((p) => p.message).join('; ')}`,
          );
        }
        const child = this.start({
          packageName: record.packageName,
          packageVersion: record.packageVersion,
          flow: found.flow,
          inputs: check.values,
          initiator: { type: 'flow', executionId: record.id },
          parent: record,
        });
        appendLog(record, {
          at: new Date().toISOString(),
          level: 'info',
          message: `started child ${found.flow.id} (${child.record.id})${mode === 'async' ? ' asynchronously' : ''}`,
          step,
        });
        if (mode === 'async') return { executionId: child.record.id };
        const ended = await child.done;
        if (signal.aborted) throw new StoppedError();
        if (ended.status === 'Ended') return { executionId: ended.id, outputs: ended.outputs ?? {} };
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

  async list(query: ExecutionListQuery): Promise<ExecutionSummary[]> {
    const now = Date.now();
    const flowText = query.flow?.toLowerCase();
    const out: ExecutionSummary[] = [];
    for (const r of await this.history.list()) {
      if (
        (query.status === undefined || r.status === query.status) &&
        (query.packageName === undefined || r.packageName === query.packageName) &&
        (query.packageVersion === undefined || r.packageVersion === query.packageVersion) &&
        (flowText === undefined || r.flow.toLowerCase().includes(flowText))
      ) {
        out.push(toSummary(r, now));
      }
    }
    return out;
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
      this.history.update(t.record);
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
      this.history.update(t.record);
      this.changed(t.record);
      t.controller.abort();
    }
    await settle(targets.map((t) => t.done), waitMs);
  }

  private changed(record: ExecutionRecord): void {
    if (this.events.listenerCount('change') > 0) this.events.emit('change', toSummary(record));
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
