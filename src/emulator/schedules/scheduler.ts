/**
 * The scheduler: one node-cron task per distinct (expression, time zone) of the enabled schedules
 * of PUBLISHED versions; each task fires every schedule of its group (so 1,000 schedules every
 * second are one timer, not 1,000). `reconcile()` brings the groups and their members in line
 * with the store; it runs after every change the store commits (publish, unpublish, upload, new
 * version, schedule edits: PackageStore.onDidChange) and when a firing finds a group stale. A firing
 * re-reads the store first (once per version for the whole group) and never starts a flow of an
 * unpublished version or a disabled / deleted schedule.
 */
import nodeCron = require('node-cron'); // the CommonJS build (see core/schedules/cron.ts)
import type { ApiErrorCode, ExecutionStartedResponse, ScheduleFiring, ScheduleResponse } from '../../core/api/types';
import type { Schedule } from '../../core/model/schedule';
import { boundTaskSearch, cronNextRuns } from '../../core/schedules/cron';
import { ApiError, conflict, notFound } from '../errors';
import type { ExecutionManager } from '../executions/manager';
import type { PackageStore } from '../store/packageStore';
import { historyKey, ScheduleHistory } from './history';

export const NEXT_RUNS_SHOWN = 5;

type ScheduledTask = import('node-cron').ScheduledTask;

/** One schedule of a group. */
interface Member {
  key: string;
  packageName: string;
  version: number;
  id: string;
}

/** One node-cron task for every schedule with the same expression and time zone. */
interface Group {
  expression: string;
  timezone: string;
  task: ScheduledTask;
  members: Map<string, Member>;
}

/** The state of one version as read for a firing: published, and its schedules by id. */
interface VersionNow {
  published: boolean;
  schedules: Map<string, Schedule>;
}

/** Why a firing could not start its flow. */
class Refused extends Error {
  constructor(message: string, readonly code: ApiErrorCode) {
    super(message);
  }
}

/** The schedule was deleted before its flow started: nothing to start or record. */
class Gone extends Error {}

/** The schedule changed while its version's contents were read: start it again as it is now. */
class Changed extends Error {}

const versionKey = (packageName: string, version: number) => `${version}\n${packageName}`;

export class Scheduler {
  /** By signature `expression \n timezone`. */
  private readonly groups = new Map<string, Group>();
  private unsubscribe: (() => void) | null = null;
  private readonly nextRunsCache = new Map<string, { runs: string[]; validUntil: number }>();
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
    this.unsubscribe = this.store.onDidChange(() => this.reconcile());
  }

  /** Groups for exactly the enabled schedules of published versions, with their current expression and zone. */
  reconcile(): void {
    if (this.stopped) return;
    const wanted = new Map<string, { expression: string; timezone: string; members: Map<string, Member>; names: string[] }>();
    for (const { packageName, version } of this.store.storedVersions()) {
      if (!version.published) continue;
      for (const schedule of version.schedules ?? []) {
        if (!schedule.enabled) continue;
        const signature = `${schedule.expression}\n${schedule.timezone}`;
        let w = wanted.get(signature);
        if (!w) {
          w = { expression: schedule.expression, timezone: schedule.timezone, members: new Map(), names: [] };
          wanted.set(signature, w);
        }
        const key = historyKey(packageName, version.version, schedule.id);
        w.members.set(key, { key, packageName, version: version.version, id: schedule.id });
        w.names.push(`${schedule.name} (${packageName} v${version.version})`);
      }
    }
    for (const [signature, group] of this.groups) {
      const w = wanted.get(signature);
      if (w) {
        group.members = w.members;
        continue;
      }
      void group.task.destroy();
      this.groups.delete(signature);
    }
    for (const [signature, w] of wanted) {
      if (this.groups.has(signature)) continue;
      const group: Group = { expression: w.expression, timezone: w.timezone, members: w.members, task: undefined as unknown as ScheduledTask };
      try {
        group.task = this.createTask(group);
        this.groups.set(signature, group);
      } catch (err) {
        // Stored schedules were validated; a failure here is reported for each schedule concerned.
        for (const name of w.names) process.stderr.write(`Flowgate emulator: cannot schedule ${name}: ${(err as Error).message}\n`);
      }
    }
  }

  private createTask(group: Group): ScheduledTask {
    const task = nodeCron.createTask(group.expression, (ctx) => this.fireGroup(group, ctx.date), {
      timezone: group.timezone,
      name: `${group.expression} (${group.timezone})`,
      suppressMissedWarning: true,
    });
    // node-cron's own next-run walker can scan a century, trying every second of a daylight-saving
    // gap on each matching day (seconds of frozen event loop for an expression that only falls in
    // gaps); the bounded search finds the same runs, and a schedule that never fires only waits.
    boundTaskSearch(task, group.expression, group.timezone);
    void task.start();
    task.on('execution:missed', (ctx) => {
      const at = ctx.date.toISOString();
      for (const m of group.members.values()) {
        this.history.add(m.key, {
          at,
          outcome: 'missed',
          message: 'not run: the gateway was busy at that time (its event loop was blocked for more than a second)',
        });
      }
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

  /** The store's state of each version, read once (a Map per call: one firing of a group). */
  private versionsNow(): (packageName: string, version: number) => VersionNow | undefined {
    const seen = new Map<string, VersionNow | undefined>();
    return (packageName, version) => {
      const k = versionKey(packageName, version);
      if (seen.has(k)) return seen.get(k);
      let now: VersionNow | undefined;
      try {
        const v = this.store.storedVersion(packageName, version);
        now = { published: v.published, schedules: new Map((v.schedules ?? []).map((x) => [x.id, x])) };
      } catch {
        now = undefined;
      }
      seen.set(k, now);
      return now;
    };
  }

  /**
   * A slot of a group: start each member's flow with the schedule's current inputs, if still
   * allowed. The store is read once per version at the slot, the version contents awaited once
   * per version, then the store read again (it may have changed meanwhile) before starting.
   */
  private async fireGroup(group: Group, slot: Date): Promise<void> {
    if (this.stopped) return;
    const at = slot.toISOString();
    const before = this.versionsNow();
    const due: Member[] = [];
    let stale = false;
    for (const m of group.members.values()) {
      const v = before(m.packageName, m.version);
      const s = v?.schedules.get(m.id);
      if (!v || !s || !v.published || !s.enabled) stale = true;
      else due.push(m);
    }
    if (stale) this.reconcile();
    if (!due.length) return;

    // The contents of each version concerned, read once (cached by the store: normally already resolved).
    const versions = new Map<string, Promise<unknown>>();
    for (const m of due) {
      const k = versionKey(m.packageName, m.version);
      if (!versions.has(k)) versions.set(k, this.store.versionContents(m.packageName, m.version).catch(() => undefined));
    }
    await Promise.all(versions.values());

    // Then the store as it is now (it may have changed meanwhile), read once per version; each
    // start goes through ExecutionManager.startFlow, which re-checks the version is still published.
    const after = this.versionsNow();
    for (const m of due) {
      if (this.stopped) return;
      const firing: ScheduleFiring = { at, outcome: 'started' };
      try {
        firing.executionId = (await this.startFlow(m.packageName, m.version, true, () => after(m.packageName, m.version)?.schedules.get(m.id))).executionId;
      } catch (err) {
        if (err instanceof Gone) continue; // deleted meanwhile: nothing to record
        firing.outcome = 'refused';
        firing.message = (err as Error)?.message ?? String(err);
      }
      this.history.add(m.key, firing);
    }
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
      const started = await this.startFlow(packageName, version, false, () => this.current(packageName, version, id)?.schedule).catch((err: unknown) => {
        if (err instanceof Gone) throw notFound('not-found', `Package ${packageName} version ${version} has no schedule ${id}`);
        // A stored schedule's flow and inputs were checked against the (immutable) version when it was saved.
        if (err instanceof ApiError && (err.code === 'flow-not-found' || err.code === 'ambiguous-flow' || err.code === 'invalid-inputs')) throw new Refused(err.message, err.code);
        throw err;
      });
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

  /**
   * Starts a schedule's flow through `ExecutionManager.startFlow` (the one way to start a flow).
   * `read` answers the schedule as the store has it; it is read again once the version's contents
   * are read (deleted: Gone; disabled: refused for a firing; changed: started as it is then).
   */
  private async startFlow(packageName: string, version: number, scheduled: boolean, read: () => Schedule | undefined): Promise<ExecutionStartedResponse> {
    for (let attempt = 0; ; attempt++) {
      const schedule = read();
      if (!schedule) throw new Gone();
      const started = await this.executions
        .startFlow({
          package: { name: packageName, version },
          flow: schedule.flow,
          inputs: schedule.inputs ?? {},
          inputsField: 'inputs.',
          initiator: { type: 'schedule', name: schedule.name, id: schedule.id },
          stillWanted: () => {
            const now = read();
            if (!now) throw new Gone();
            if (scheduled && !now.enabled) throw new Refused('the schedule was disabled', 'bad-request');
            if (now !== schedule && attempt < 3) throw new Changed();
          },
        })
        .catch((err: unknown) => {
          if (err instanceof Changed) return undefined;
          throw err;
        });
      if (started) return { executionId: started.record.id, packageName, packageVersion: version };
    }
  }

  /**
   * The next runs of an (expression, zone), remembered until the first of them passes: a list of
   * 1,000 schedules (many sharing timings) computes each distinct timing once, not on every read.
   */
  private nextRunsOf(expression: string, timezone: string): string[] {
    const key = `${expression}\n${timezone}`;
    const now = Date.now();
    const hit = this.nextRunsCache.get(key);
    if (hit && hit.validUntil > now) return hit.runs;
    let runs: string[] = [];
    try {
      runs = cronNextRuns(expression, timezone, NEXT_RUNS_SHOWN).map((d) => d.toISOString());
    } catch {
      runs = [];
    }
    if (this.nextRunsCache.size >= 5000) this.nextRunsCache.clear();
    this.nextRunsCache.set(key, { runs, validUntil: runs.length ? Date.parse(runs[0]) : now + 3600_000 });
    return runs;
  }

  /** The API view: next runs (none while unpublished or disabled) and recent firings. */
  view(packageName: string, version: number, s: Schedule, published: boolean): ScheduleResponse {
    const nextRuns: string[] = published && s.enabled ? [...this.nextRunsOf(s.expression, s.timezone)] : [];
    return { ...s, nextRuns, history: this.history.get(historyKey(packageName, version, s.id)) };
  }

  forget(packageName: string, version: number, id: string): void {
    this.history.forget(historyKey(packageName, version, id));
  }

  /** Number of live node-cron tasks: one per distinct (expression, time zone) (for tests and diagnostics). */
  get taskCount(): number {
    return this.groups.size;
  }

  /** Number of schedules the tasks fire (for tests and diagnostics). */
  get scheduledCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.members.size;
    return n;
  }

  /** Destroy every task and write the history. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const group of this.groups.values()) void group.task.destroy();
    this.groups.clear();
    await this.history.close();
  }
}
