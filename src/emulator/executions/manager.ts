/**
 * Starts, tracks and stops executions. Each execution runs the engine with an AbortSignal;
 * stopping one stops its running descendants. Records go to an ExecutionHistory.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ExecutionDetail, ExecutionListQuery, ExecutionSummary, Initiator } from '../../core/api/types';
import type { FlowDefinition } from '../../core/model/flow';
import type { EngineHost } from '../engine/context';
import { FlowError, StoppedError } from '../engine/errors';
import { checkInputs, matchesType, typeOf } from '../engine/inputs';
import { runFlow } from '../engine/runFlow';
import { notFound } from '../errors';
import type { PackageStore } from '../store/packageStore';
import type { ExecutionHistory } from './history';
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
}

/** Maximum nesting of run-flow (protects against a flow that runs itself forever). */
const MAX_DEPTH = 50;

export class ExecutionManager {
  /** Emits `change` with an ExecutionSummary whenever an execution starts or changes status. */
  readonly events = new EventEmitter().setMaxListeners(0);
  private readonly running = new Map<string, Running>();

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
    this.running.set(id, { record, controller, done });
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
        else if (!matchesType(outputs[name], decl.type)) log('warn', `output '${name}' should be of type ${decl.type}, got ${typeOf(outputs[name])}`);
      }
      record.outputs = outputs;
      record.status = 'Ended';
      log('info', 'ended');
    } catch (err) {
      if (err instanceof StoppedError || signal.aborted) {
        record.status = 'Stopped';
        log('warn', 'stopped');
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

  get(id: string): ExecutionDetail {
    const r = this.history.get(id);
    if (!r) throw notFound('execution-not-found', `Execution ${id} does not exist on this gateway`);
    return this.detail(r);
  }

  list(query: ExecutionListQuery): ExecutionSummary[] {
    const now = Date.now();
    const flowText = query.flow?.toLowerCase();
    return this.history
      .list()
      .filter(
        (r) =>
          (query.status === undefined || r.status === query.status) &&
          (query.packageName === undefined || r.packageName === query.packageName) &&
          (query.packageVersion === undefined || r.packageVersion === query.packageVersion) &&
          (flowText === undefined || r.flow.toLowerCase().includes(flowText)),
      )
      .map((r) => toSummary(r, now));
  }

  /** Stop an execution and its running descendants; resolves when they settled (or after waitMs). */
  async stop(id: string, waitMs = 5000): Promise<ExecutionDetail> {
    const r = this.history.get(id);
    if (!r) throw notFound('execution-not-found', `Execution ${id} does not exist on this gateway`);
    const targets = this.runningTree(r);
    for (const t of targets) {
      t.record.status = 'Stopping';
      appendLog(t.record, { at: new Date().toISOString(), level: 'warn', message: 'stop requested' });
      this.history.update(t.record);
      this.changed(t.record);
      t.controller.abort();
    }
    await settle(targets.map((t) => t.done), waitMs);
    return this.detail(r);
  }

  /** Stop everything (shutdown), then end the event streams. */
  async stopAll(waitMs = 3000): Promise<void> {
    const all = [...this.running.values()];
    for (const t of all) {
      if (!isFinished(t.record.status)) t.record.status = 'Stopping';
      t.controller.abort();
    }
    await settle(all.map((t) => t.done), waitMs);
    this.events.emit('close');
  }

  private changed(record: ExecutionRecord): void {
    if (this.events.listenerCount('change') > 0) this.events.emit('change', toSummary(record));
  }

  get runningCount(): number {
    return this.running.size;
  }

  private runningTree(root: ExecutionRecord): Running[] {
    const out: Running[] = [];
    const visit = (r: ExecutionRecord) => {
      const run = this.running.get(r.id);
      if (run) out.push(run);
      for (const childId of r.childIds) {
        const c = this.history.get(childId);
        if (c) visit(c);
      }
    };
    visit(root);
    return out;
  }

  private detail(r: ExecutionRecord): ExecutionDetail {
    const children = r.childIds.map((c) => this.history.get(c)).filter((c): c is ExecutionRecord => !!c);
    return toDetail(r, children);
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
