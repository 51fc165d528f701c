/**
 * SNMP triggers on the emulator: the trap receiver, the triggers and SNMPv3 users of the store,
 * matching, starting flows, and the recent traps.
 *
 * - Each received trap is matched against every trigger of every version. Per trigger the
 *   evaluation checks `published`, then `enabled`, then the conditions in the order of
 *   core/triggers/evaluate.ts; the first failure is reported.
 * - A matching trigger starts its flow with initiator `{type: 'trigger', name, id}` and inputs =
 *   the trigger's values, with the PDU object in `pduVariable` (overriding them), defaults
 *   applied. Inputs the flow refuses are recorded on the evaluation (`error`), nothing crashes.
 * - Recent traps stay in memory (the last 500, newest first); they are never written to the
 *   store: one lowdb write per trap would starve the event loop under a burst.
 * - Cost per trap: each trigger's conditions are compiled once (a compiled matcher cached per
 *   trigger, recompiled when its conditions, name or id change); the trap's address, port and OID
 *   are parsed once; a received trap keeps one small code per trigger (matched, or the first
 *   failing condition) and the evaluation objects with their messages are built when the recent
 *   traps are read. Matched evaluations are real objects at once (they get `executionId`/`error`).
 */
import { randomUUID } from 'node:crypto';
import type { EvaluateTrapRequest, TrapRecord, TriggerEvaluation } from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import type { SnmpUserSpec, SnmpUserSummary, TrapPdu, Trigger } from '../../core/model/trigger';
import { normalizeNotification, type RawNotification } from '../../core/snmp/pdu';
import {
  compileConditions,
  describeMatch,
  isCurrent,
  matchCompiled,
  MATCHED,
  prepareTrap,
  type CompiledConditions,
  type MatchCode,
} from '../../core/triggers/evaluate';
import type { ExecutionManager } from '../executions/manager';
import type { PackageStore } from '../store/packageStore';
import { TrapReceiver } from './receiver';

export const MAX_TRAPS = LIMITS.trapLogSize;
/** Evaluation objects one page of the trap log may build (traps × triggers): bounds its memory and size. */
export const EVALUATIONS_PER_PAGE = LIMITS.trapEvaluationsPerPage;
/** Of each second, at most this many milliseconds go to evaluating received traps; the rest are dropped (counted, logged once a second). */
export const TRAP_BUDGET_MS_PER_SECOND = LIMITS.trapEvaluationMsPerSecond;

/** How the trap log shows a received community: never in clear (it is the sending device's credential). */
export const MASKED_COMMUNITY = '***';

/** A page of the trap log: newest first, after the trap `after` (exclusive), at most `limit` traps and EVALUATIONS_PER_PAGE evaluations. */
export interface TrapPage {
  traps: TrapRecord[];
  /** The id to pass as `after` for the next page, when there are more traps. */
  next?: string;
}

export interface SnmpServiceOptions {
  port: number;
  host: string;
  maxTraps?: number;
}

export function userSummary(u: SnmpUserSpec): SnmpUserSummary {
  return { name: u.name, level: u.level, authProtocol: u.authProtocol, ...(u.level === 'authPriv' && u.privProtocol ? { privProtocol: u.privProtocol } : {}) };
}

/** One trigger as evaluated: a snapshot of what the evaluation reports, and its compiled conditions. */
interface TriggerRef {
  packageName: string;
  version: number;
  trigger: Trigger;
  triggerId: string;
  triggerName: string;
  conditions: CompiledConditions;
}

/** Codes besides the condition codes of core/triggers/evaluate.ts. */
const NOT_PUBLISHED = 100;
const DISABLED = 101;

/** A trap as evaluated, compact: one code per trigger; evaluation objects built on demand. */
interface CompactEvaluation {
  pdu: TrapPdu;
  refs: readonly TriggerRef[];
  codes: Int16Array;
  /** The evaluations of matched triggers, by index (they are completed with executionId / error). */
  matched: Map<number, TriggerEvaluation>;
}

interface StoredTrap {
  id: string;
  receivedAt: string;
  /** The PDU with its community masked (what the log and the flow see). */
  evaluated: CompactEvaluation;
  /** v1/v2c: whether the trap's community is listed (explicitly, not by `*`) in a trigger's conditions. */
  communityMatched?: boolean;
}

/** What listeners of received traps hear (no community, no varbind values). */
export interface ReceivedTrapNotice {
  version: string;
  address: string;
  port: number;
  trapOid: string;
  /** How many triggers the trap was matched against. */
  triggers: number;
  matched: { trigger: string; packageName: string; version: number }[];
}

export class SnmpService {
  private readonly traps: StoredTrap[] = [];
  private readonly receivedListeners = new Set<(notice: ReceivedTrapNotice) => void>();

  /** Hears of every received trap after it was matched (the activity log, activityLog.ts); answers the unsubscribe. */
  onReceived(listener: (notice: ReceivedTrapNotice) => void): () => void {
    this.receivedListeners.add(listener);
    return () => this.receivedListeners.delete(listener);
  }
  private receiver: TrapReceiver | undefined;
  private refused = 0;
  private lastRefusalLog = 0;
  /** The CPU budget of trap evaluation: the current one-second window and the milliseconds spent in it. */
  private budgetWindow = 0;
  private budgetSpent = 0;
  private dropped = 0;
  private readonly maxTraps: number;
  /** The compiled matcher of each trigger object (checked against the trigger at every use). */
  private readonly compiled = new WeakMap<Trigger, TriggerRef>();
  /** The list of refs of the last evaluation: reused while the triggers do not change. */
  private lastRefs: TriggerRef[] = [];
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: PackageStore,
    private readonly executions: ExecutionManager,
    maxTraps = MAX_TRAPS,
  ) {
    this.maxTraps = maxTraps;
  }

  /** Bind the receiver; resolves with the real port. */
  async start(o: SnmpServiceOptions): Promise<number> {
    this.receiver = await TrapReceiver.start({
      port: o.port,
      host: o.host,
      onTrap: (n) => this.received(n),
      onRefused: (err) => this.refusedMessage(err),
    });
    this.usersChanged();
    // The users as the store holds them after every committed change (and after a failed write was
    // rolled back): the store's methods are the only way users change, and they all notify.
    this.unsubscribe = this.store.onDidChange(() => this.usersChanged());
    return this.receiver.port;
  }

  get port(): number | undefined {
    return this.receiver?.port;
  }

  get refusedCount(): number {
    return this.refused;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const r = this.receiver;
    this.receiver = undefined;
    await r?.close();
  }

  /** Re-register the SNMPv3 users with the receiver: at start and on every change the store commits (or rolls back). */
  private usersChanged(): void {
    this.receiver?.setUsers(Object.values(this.store.snmpUsers()));
  }

  /** Every trap of the log (tests; the route pages with `trapPage`). */
  listTraps(): TrapRecord[] {
    return this.trapPage({ limit: this.maxTraps, evaluations: Infinity }).traps;
  }

  /**
   * A page of the log, newest first. Bounded: at most `limit` (≤ LIMITS.trapPageSize) traps and, of
   * their evaluations (one per trigger each), at most `evaluations` objects built — at least one
   * trap per page. `after` is the id of the last trap of the previous page; undefined when that
   * trap has left the log.
   */
  trapPage(o: { limit?: number; after?: string; evaluations?: number } = {}): TrapPage {
    let start = 0;
    if (o.after !== undefined) {
      const i = this.traps.findIndex((t) => t.id === o.after);
      if (i < 0) throw new UnknownTrapError(o.after);
      start = i + 1;
    }
    const limit = Math.max(1, Math.min(o.limit ?? LIMITS.trapPageSize, this.maxTraps));
    const budget = o.evaluations ?? EVALUATIONS_PER_PAGE;
    const traps: TrapRecord[] = [];
    let built = 0;
    let i = start;
    for (; i < this.traps.length && traps.length < limit; i++) {
      const t = this.traps[i];
      const n = t.evaluated.codes.length;
      if (traps.length > 0 && built + n > budget) break;
      built += n;
      traps.push({
        id: t.id,
        receivedAt: t.receivedAt,
        pdu: t.evaluated.pdu,
        ...(t.communityMatched !== undefined ? { communityMatched: t.communityMatched } : {}),
        evaluations: materialise(t.evaluated),
      });
    }
    return { traps, ...(i < this.traps.length && traps.length ? { next: traps[traps.length - 1].id } : {}) };
  }

  /** The compiled matcher of a trigger: cached, rebuilt when the trigger's conditions, name or id changed. */
  private refFor(packageName: string, version: number, trigger: Trigger): TriggerRef {
    const ref = this.compiled.get(trigger);
    if (
      ref &&
      ref.packageName === packageName &&
      ref.version === version &&
      ref.triggerId === trigger.id &&
      ref.triggerName === trigger.name &&
      isCurrent(ref.conditions, trigger.conditions)
    ) {
      return ref;
    }
    const fresh: TriggerRef = { packageName, version, trigger, triggerId: trigger.id, triggerName: trigger.name, conditions: compileConditions(trigger.conditions) };
    this.compiled.set(trigger, fresh);
    return fresh;
  }

  /**
   * A trap against every trigger of every version (published, then enabled, then the conditions).
   * Cost: O(triggers) compiled matches, each O(condition list items) — both bounded (LIMITS.
   * triggersPerGateway, LIMITS.conditionListItems); `pdu` is matched as given (community in
   * clear), and `recorded` (the community masked) is what the evaluation keeps.
   */
  private evaluateCompact(pdu: TrapPdu, recorded: TrapPdu = pdu): CompactEvaluation & { communityMatched?: boolean } {
    const prepared = prepareTrap(pdu);
    const community = pdu.version !== 'v3' ? pdu.community : undefined;
    let communityMatched = false;
    const last = this.lastRefs;
    let refs = last;
    const codes: number[] = [];
    let i = 0;
    for (const { packageName, version: v } of this.store.storedVersions()) {
      const triggers = v.triggers;
      if (!triggers) continue;
      for (const trigger of triggers) {
        const ref = this.refFor(packageName, v.version, trigger);
        if (refs[i] !== ref) {
          if (refs === last) refs = last.slice(0, i);
          refs[i] = ref;
        }
        codes.push(!v.published ? NOT_PUBLISHED : !trigger.enabled ? DISABLED : matchCompiled(ref.conditions, prepared));
        const comm = ref.conditions.comm;
        if (!communityMatched && community !== undefined && comm?.ok && comm.value !== null && comm.value.has(community)) communityMatched = true;
        i++;
      }
    }
    if (refs.length !== i) {
      if (refs === last) refs = last.slice(0, i);
      else refs.length = i;
    }
    this.lastRefs = refs;
    const evaluated: CompactEvaluation & { communityMatched?: boolean } = {
      pdu: recorded,
      refs,
      codes: Int16Array.from(codes),
      matched: new Map(),
      ...(community !== undefined ? { communityMatched } : {}),
    };
    for (let k = 0; k < codes.length; k++) if (codes[k] === MATCHED) evaluated.matched.set(k, evaluationOf(refs[k], recorded, MATCHED));
    return evaluated;
  }

  /** Evaluations of a trap against every trigger of every version (nothing is started). */
  evaluate(pdu: TrapPdu): TriggerEvaluation[] {
    return materialise(this.evaluateCompact(pdu));
  }

  evaluateDescribed(req: EvaluateTrapRequest): TriggerEvaluation[] {
    const pdu: TrapPdu = { ...req, uptime: req.uptime ?? 0, varbinds: req.varbinds ?? [] };
    return this.evaluate(pdu);
  }

  /**
   * A trap as if received (the receiver's path; exported for tests of the dispatch). The log and
   * the started flows get the PDU with its community masked; matching used it in clear.
   */
  receive(pdu: TrapPdu): void {
    const recorded: TrapPdu = pdu.community !== undefined ? { ...pdu, community: MASKED_COMMUNITY } : pdu;
    const evaluated = this.evaluateCompact(pdu, recorded);
    this.traps.unshift({
      id: randomUUID(),
      receivedAt: new Date().toISOString(),
      evaluated,
      ...(evaluated.communityMatched !== undefined ? { communityMatched: evaluated.communityMatched } : {}),
    });
    if (this.traps.length > this.maxTraps) this.traps.length = this.maxTraps;
    if (this.receivedListeners.size > 0) {
      const notice: ReceivedTrapNotice = {
        version: pdu.version,
        address: pdu.source.address,
        port: pdu.source.port,
        trapOid: pdu.trapOid,
        triggers: evaluated.refs.length,
        matched: [...evaluated.matched.keys()].map((k) => ({ trigger: evaluated.refs[k].triggerName, packageName: evaluated.refs[k].packageName, version: evaluated.refs[k].version })),
      };
      for (const listener of this.receivedListeners) {
        try {
          listener(notice);
        } catch {
          /* a listener (the activity log) never stops a dispatch */
        }
      }
    }
    for (const [k, evaluation] of evaluated.matched) {
      const ref = evaluated.refs[k];
      this.startFlow(ref.trigger, ref.packageName, ref.version, recorded, evaluation).catch((err: unknown) => {
        evaluation.error = `could not start ${ref.trigger.flow}: ${(err as Error)?.message ?? String(err)}`;
      });
    }
  }

  /**
   * Whether this second's evaluation budget is spent (TRAP_BUDGET_MS_PER_SECOND): a flood of
   * traps then costs the event loop at most that share of each second; the rest are dropped.
   */
  private overBudget(now: number): boolean {
    const window = Math.floor(now / 1000);
    if (window !== this.budgetWindow) {
      this.budgetWindow = window;
      this.budgetSpent = 0;
    }
    return this.budgetSpent >= TRAP_BUDGET_MS_PER_SECOND;
  }

  private received(n: RawNotification): void {
    const t0 = performance.now();
    if (this.overBudget(t0)) {
      this.dropped += 1;
      this.refusedMessage(Object.assign(new Error(`dropped: trap evaluation used its ${TRAP_BUDGET_MS_PER_SECOND} ms of this second (${this.dropped} dropped so far)`), { rinfo: n?.rinfo }));
      return;
    }
    let pdu: TrapPdu;
    try {
      pdu = normalizeNotification(n);
    } catch (err) {
      this.refusedMessage(Object.assign(err as Error, { rinfo: n?.rinfo }));
      return;
    }
    try {
      this.receive(pdu);
    } catch (err) {
      this.refusedMessage(Object.assign(new Error(`could not be handled: ${(err as Error)?.message ?? String(err)}`), { rinfo: n?.rinfo }));
    } finally {
      this.budgetSpent += performance.now() - t0;
    }
  }

  get droppedCount(): number {
    return this.dropped;
  }

  /** Starts a matched trigger's flow through `ExecutionManager.startFlow`; a refusal is the evaluation's `error`. */
  private async startFlow(trigger: Trigger, packageName: string, version: number, pdu: TrapPdu, evaluation: TriggerEvaluation): Promise<void> {
    try {
      const given: Record<string, unknown> = { ...(trigger.inputs ?? {}) };
      if (trigger.pduVariable) given[trigger.pduVariable] = structuredClone(pdu);
      const started = await this.executions.startFlow({
        package: { name: packageName, version },
        flow: trigger.flow,
        inputs: given,
        inputsField: 'inputs.',
        initiator: { type: 'trigger', name: trigger.name, id: trigger.id },
      });
      evaluation.executionId = started.record.id;
    } catch (err) {
      evaluation.error = `could not start ${trigger.flow}: ${(err as Error)?.message ?? String(err)}`;
    }
  }

  private refusedMessage(err: Error & { rinfo?: { address: string; port: number } }): void {
    this.refused += 1;
    const now = Date.now();
    if (now - this.lastRefusalLog < 1000) return; // at most one line per second
    this.lastRefusalLog = now;
    const from = err?.rinfo ? ` from ${String(err.rinfo.address).slice(0, 64)}:${Number(err.rinfo.port)}` : '';
    // One line, bounded: a message built from a hostile datagram never floods the log.
    const message = String(err?.message ?? err).replace(/[\r\n]+/g, ' ').slice(0, 200);
    process.stderr.write(`Flowgate emulator: SNMP message${from} refused: ${message} (${this.refused} refused so far)\n`);
  }
}

/** `after` names no trap of the log (it may have left it: the log keeps the last LIMITS.trapLogSize). */
export class UnknownTrapError extends Error {
  constructor(readonly id: string) {
    super(`no trap '${id.slice(0, 64)}' in the log (it keeps the last ${LIMITS.trapLogSize} traps)`);
  }
}

function evaluationOf(ref: TriggerRef, pdu: TrapPdu, code: MatchCode): TriggerEvaluation {
  const base = { packageName: ref.packageName, packageVersion: ref.version, triggerId: ref.triggerId, triggerName: ref.triggerName };
  if (code === NOT_PUBLISHED) {
    return { ...base, matched: false, failed: { condition: 'published', message: `version ${ref.version} of ${ref.packageName} is not published` } };
  }
  if (code === DISABLED) return { ...base, matched: false, failed: { condition: 'enabled', message: 'the trigger is disabled' } };
  const m = describeMatch(ref.conditions, pdu, code);
  return { ...base, matched: m.matched, ...(m.failed ? { failed: m.failed } : {}) };
}

/** The API view of a compact evaluation (matched ones are the live objects). */
function materialise(e: CompactEvaluation): TriggerEvaluation[] {
  const out: TriggerEvaluation[] = new Array(e.codes.length);
  for (let k = 0; k < e.codes.length; k++) out[k] = e.matched.get(k) ?? evaluationOf(e.refs[k], e.pdu, e.codes[k]);
  return out;
}
