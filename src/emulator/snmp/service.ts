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
 */
import { randomUUID } from 'node:crypto';
import type { EvaluateTrapRequest, TrapRecord, TriggerEvaluation } from '../../core/api/types';
import type { SnmpUserSpec, SnmpUserSummary, TrapPdu, Trigger } from '../../core/model/trigger';
import { normalizeNotification, type RawNotification } from '../../core/snmp/pdu';
import { evaluateTrigger } from '../../core/triggers/evaluate';
import { checkInputs } from '../engine/inputs';
import type { ExecutionManager } from '../executions/manager';
import type { PackageStore } from '../store/packageStore';
import { TrapReceiver } from './receiver';

export const MAX_TRAPS = 500;

export interface SnmpServiceOptions {
  port: number;
  host: string;
  maxTraps?: number;
}

export function userSummary(u: SnmpUserSpec): SnmpUserSummary {
  return { name: u.name, level: u.level, authProtocol: u.authProtocol, ...(u.level === 'authPriv' && u.privProtocol ? { privProtocol: u.privProtocol } : {}) };
}

export class SnmpService {
  private readonly traps: TrapRecord[] = [];
  private receiver: TrapReceiver | undefined;
  private refused = 0;
  private lastRefusalLog = 0;
  private readonly maxTraps: number;

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
    return this.receiver.port;
  }

  get port(): number | undefined {
    return this.receiver?.port;
  }

  get refusedCount(): number {
    return this.refused;
  }

  async close(): Promise<void> {
    const r = this.receiver;
    this.receiver = undefined;
    await r?.close();
  }

  /** Re-register the SNMPv3 users with the receiver (after any change). */
  usersChanged(): void {
    this.receiver?.setUsers(Object.values(this.store.snmpUsers()));
  }

  listTraps(): TrapRecord[] {
    return [...this.traps];
  }

  /** Evaluations of a trap against every trigger of every version (nothing is started). */
  evaluate(pdu: TrapPdu): { evaluation: TriggerEvaluation; trigger: Trigger; packageName: string; version: number }[] {
    const out: { evaluation: TriggerEvaluation; trigger: Trigger; packageName: string; version: number }[] = [];
    for (const { packageName, version: v } of this.store.storedVersions()) {
      for (const trigger of v.triggers ?? []) {
        const base = { packageName, packageVersion: v.version, triggerId: trigger.id, triggerName: trigger.name };
        let evaluation: TriggerEvaluation;
        if (!v.published) {
          evaluation = { ...base, matched: false, failed: { condition: 'published', message: `version ${v.version} of ${packageName} is not published` } };
        } else if (!trigger.enabled) {
          evaluation = { ...base, matched: false, failed: { condition: 'enabled', message: 'the trigger is disabled' } };
        } else {
          const m = evaluateTrigger(trigger, pdu);
          evaluation = { ...base, matched: m.matched, ...(m.failed ? { failed: m.failed } : {}) };
        }
        out.push({ evaluation, trigger, packageName, version: v.version });
      }
    }
    return out;
  }

  evaluateDescribed(req: EvaluateTrapRequest): TriggerEvaluation[] {
    const pdu: TrapPdu = { ...req, uptime: req.uptime ?? 0, varbinds: req.varbinds ?? [] };
    return this.evaluate(pdu).map((e) => e.evaluation);
  }

  /** A trap as if received (the receiver's path; exported for tests of the dispatch). */
  receive(pdu: TrapPdu): TrapRecord {
    const results = this.evaluate(pdu);
    const record: TrapRecord = { id: randomUUID(), receivedAt: new Date().toISOString(), pdu, evaluations: results.map((r) => r.evaluation) };
    this.traps.unshift(record);
    if (this.traps.length > this.maxTraps) this.traps.length = this.maxTraps;
    for (const r of results) {
      if (r.evaluation.matched) void this.startFlow(r.trigger, r.packageName, r.version, pdu, r.evaluation);
    }
    return record;
  }

  private received(n: RawNotification): void {
    let pdu: TrapPdu;
    try {
      pdu = normalizeNotification(n);
    } catch (err) {
      this.refusedMessage(err as Error);
      return;
    }
    try {
      this.receive(pdu);
    } catch (err) {
      process.stderr.write(`Flowgate emulator: SNMP trap from ${pdu.source.address}:${pdu.source.port} could not be handled: ${(err as Error).message}\n`);
    }
  }

  private async startFlow(trigger: Trigger, packageName: string, version: number, pdu: TrapPdu, evaluation: TriggerEvaluation): Promise<void> {
    try {
      const contents = await this.store.versionContents(packageName, version);
      const flow = contents.flows.get(trigger.flow);
      if (!flow) {
        evaluation.error = `package ${packageName} version ${version} has no flow '${trigger.flow}'`;
        return;
      }
      const given: Record<string, unknown> = { ...(trigger.inputs ?? {}) };
      if (trigger.pduVariable) given[trigger.pduVariable] = structuredClone(pdu);
      const check = checkInputs(flow.flow.inputs, given, 'inputs.');
      if (check.problems.length) {
        evaluation.error = `invalid inputs for ${flow.id}: ${check.problems.map((p) => p.message).join('; ')}`;
        return;
      }
      const started = await this.executions.start({
        packageName,
        packageVersion: version,
        flow,
        inputs: check.values,
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
    const from = err.rinfo ? ` from ${err.rinfo.address}:${err.rinfo.port}` : '';
    process.stderr.write(`Flowgate emulator: SNMP message${from} refused: ${err.message} (${this.refused} refused so far)\n`);
  }
}
