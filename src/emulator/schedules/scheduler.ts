/**
 * The scheduler: one node-cron task per enabled schedule of each PUBLISHED version. `reconcile()`
 * brings the set of tasks in line with the store; it runs after every schedule change, after
 * every successful package change over HTTP (publish, unpublish, upload, new version), and once
 * a second as a safety net. A firing re-reads the store first and never starts a flow of an
 * unpublished version or a disabled / deleted schedule.
 */
import nodeCron = require('node-cron'); // the CommonJS build (see core/schedules/cron.ts)
import type { ApiErrorCode, ExecutionStartedResponse, ScheduleFiring, ScheduleResponse } from '../../core/api/types';
import type { Schedule } from '../../core/model/schedule';
import { cronNextRuns } from '../../core/schedules/cron';
import { checkInputs } from '../engine/inputs';
import { conflict, notFound } from '../errors';
import type { ExecutionManager } from '../executions/manager';
import type { PackageStore } from '../store/packageStore';
import { historyKey, ScheduleHistory } from './history';

const RECONCILE_EVERY_MS = 1000;
export const NEXT_RUNS_SHOWN = 5;

type ScheduledTask = import('node-cron').ScheduledTask;

interface Entry {
  signature: string;
  task: ScheduledTask;
}

/** Why a firing could not start its flow. */
class Refused extends Error {
  constructor(message: string, readonly code: ApiErrorCode) {
    super(message);
  }
}

export class Scheduler {
  private readonly tasks = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  private constructor(
    private readonly store: PackageStore,
    private readonly executions: ExecutionManager,
    private readonly history: ScheduleHistory,
  ) {}

  static async open(store: PackageStore, executions: ExecutionManager, dataDir: string): Promise<Scheduler> {
    const history = await ScheduleHistory.open(dataDir);
    const s = new Scheduler(store, executions, history);
    const existing = new Set(
      store.storedVersions().flatMap(({ packageName, version }) => (version.schedules ?? []).map((x) => historyKey(packageName, version.version, x.id))),
    );
    history.retain((k) => existing.has(k));
    return s;
  }

  start(): void {
    this.reconcile();
    this.timer = setInterval(() => this.reconcile(), RECONCILE_EVERY_MS);
    this.timer.unref();
  }

  /** Tasks for exactly the enabled schedules of published versions, with their current expression and zone. */
  reconcile(): void {
    if (this.stopped) return;
    const wanted = new Map<string, { packageName: string; version: number; schedule: Schedule; signature: string }>();
    for (const { packageName, version } of this.store.storedVersions()) {
      if (!version.published) continue;
      for (const schedule of version.schedules ?? []) {
        if (!schedule.enabled) continue;
        const key = historyKey(packageName, version.version, schedule.id);
        wanted.set(key, { packageName, version: version.version, schedule, signature: `${schedule.expression}\n${schedule.timezone}` });
      }
    }
    for (const [key, entry] of this.tasks) {
      if (wanted.get(key)?.signature === entry.signature) continue;
      void entry.task.destroy();
      this.tasks.delete(key);
    }
    for (const [key, w] of wanted) {
      if (this.tasks.has(key)) continue;
      try {
        this.tasks.set(key, { signature: w.signature, task: this.createTask(key, w.packageName, w.version, w.schedule) });
      } catch (err) {
        // Stored schedules were validated; a failure here is reported once per reconcile change.
        process.stderr.write(`Flowgate emulator: cannot schedule ${w.schedule.name} (${w.packageName} v${w.version}): ${(err as Error).message}\n`);
      }
    }
  }

  private createTask(key: string, packageName: string, version: number, s: Schedule): ScheduledTask {
    const id = s.id;
    const task = nodeCron.schedule(s.expression, (ctx) => this.fire(packageName, version, id, ctx.date), {
      timezone: s.timezone,
      name: `${packageName}@${version}/${s.name}`,
      suppressMissedWarning: true,
    });
    task.on('execution:missed', (ctx) => {
      this.history.add(key, {
        at: ctx.date.toISOString(),
        outcome: 'missed',
        message: 'not run: the gateway was busy at that time (its event loop was blocked for more than a second)',
      });
    });
    return task;
  }

  private current(packageName: string, version: number, id: string): { published: boolean; schedule: Schedule } | undefined {
    try {
      const v = this.store.storedVersion(packageName, version);
      const schedule = (v.schedules ?? []).find((x) => x.id === id);
      return schedule ? { published: v.published, schedule } : undefined;
    } catch {
      return undefined;
    }
  }

  /** A slot of a task: start the flow with the schedule's current inputs, if still allowed. */
  private async fire(packageName: string, version: number, id: string, slot: Date): Promise<void> {
    const now = this.current(packageName, version, id);
    if (this.stopped || !now || !now.published || !now.schedule.enabled) {
      this.reconcile();
      return;
    }
    const key = historyKey(packageName, version, id);
    const firing: ScheduleFiring = { at: slot.toISOString(), outcome: 'started' };
    try {
      firing.executionId = (await this.startFlow(packageName, version, id, true)).executionId;
    } catch (err) {
      if (this.stopped || !this.current(packageName, version, id)) return; // stopped or deleted meanwhile
      firing.outcome = 'refused';
      firing.message = (err as Error)?.message ?? String(err);
    }
    this.history.add(key, firing);
  }

  /** Starts the schedule's flow now (also when disabled); 409 when the version is not published. */
  async runNow(packageName: string, version: number, id: string): Promise<ExecutionStartedResponse> {
    const now = this.current(packageName, version, id);
    if (!now) {
      this.store.storedVersion(packageName, version); // 404 for an unknown package or version
      throw notFound('not-found', `Package ${packageName} version ${version} has no schedule ${id}`);
    }
    if (!now.published) {
      throw conflict('not-published', `Version ${version} of package ${packageName} is not published; publish it before running its schedules`);
    }
    try {
      const started = await this.startFlow(packageName, version, id, false);
      this.history.add(historyKey(packageName, version, id), {
        at: new Date().toISOString(),
        outcome: 'started',
        executionId: started.executionId,
        message: 'run now',
      });
      return started;
    } catch (err) {
      if (err instanceof Refused) throw conflict(err.code, err.message);
      throw err;
    }
  }

  private async startFlow(packageName: string, version: number, id: string, scheduled: boolean): Promise<ExecutionStartedResponse> {
    const contents = await this.store.versionContents(packageName, version);
    // Re-read after the await: the version may have been unpublished, the schedule changed.
    const now = this.current(packageName, version, id);
    if (!now || !now.published) throw new Refused(`version ${version} of package ${packageName} is no longer published`, 'not-published');
    if (scheduled && !now.schedule.enabled) throw new Refused('the schedule was disabled', 'bad-request');
    const s = now.schedule;
    const flow = contents.flows.get(s.flow);
    if (!flow) throw new Refused(`package ${packageName} version ${version} has no flow '${s.flow}'`, 'flow-not-found');
    const check = checkInputs(flow.flow.inputs, s.inputs ?? {}, 'inputs.');
    if (check.problems.length) throw new Refused(`invalid inputs for ${flow.id}: ${check.problems.map((p) => p.message).join('; ')}`, 'invalid-inputs');
    const started = this.executions.start({
      packageName,
      packageVersion: version,
      flow,
      inputs: check.values,
      initiator: { type: 'schedule', name: s.name, id: s.id },
    });
    return { executionId: started.record.id, packageName, packageVersion: version };
  }

  /** The API view: next runs (none while unpublished or disabled) and recent firings. */
  view(packageName: string, version: number, s: Schedule, published: boolean): ScheduleResponse {
    let nextRuns: string[] = [];
    if (published && s.enabled) {
      try {
        nextRuns = cronNextRuns(s.expression, s.timezone, NEXT_RUNS_SHOWN).map((d) => d.toISOString());
      } catch {
        nextRuns = [];
      }
    }
    return { ...s, nextRuns, history: this.history.get(historyKey(packageName, version, s.id)) };
  }

  forget(packageName: string, version: number, id: string): void {
    this.history.forget(historyKey(packageName, version, id));
  }

  /** Number of live tasks (for tests and diagnostics). */
  get taskCount(): number {
    return this.tasks.size;
  }

  /** Destroy every task and write the history. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const entry of this.tasks.values()) void entry.task.destroy();
    this.tasks.clear();
    await this.history.close();
  }
}
