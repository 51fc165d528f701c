/**
 * Send Test Trap on the extension side: a real trap over UDP (core's net-snmp sendTrap) to the
 * gateway's SNMP port, then the gateway's record of that very trap (GET /api/v1/snmp/traps), with
 * the executions its matching triggers started. And "evaluate without sending" (POST
 * /api/v1/snmp/evaluate). SNMPv3 keys are used for one send and then dropped: never stored, logged
 * or sent back to the page.
 */
import { randomInt } from 'node:crypto';
import type { ApiErrorDetail, EvaluateTrapRequest, TrapRecord } from '../../core/api/types';
import type { GatewayClient } from '../../core/client/gatewayClient';
import { GatewayError } from '../../core/client/gatewayClient';
import type { SnmpUserSummary } from '../../core/model/trigger';
import { sendTrap, SendTrapError, type SendTrapOptions } from '../../core/snmp/sendTrap';
import { testTrapProblems, testTrapVarbinds, type TestTrap } from '../../core/snmp/testTrap';
import type { StartedExecution, TestTrapResult } from '../../../webview/protocol/triggers';
import { initiatorText } from '../../../webview/protocol/executions';

/** A problem of the described trap, naming the form field (`trapOid`, `varbinds[1]`, `source`…). */
export class TestTrapError extends Error {
  constructor(
    message: string,
    readonly fieldErrors: ApiErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'TestTrapError';
  }
}

/** Asks for a v3 key (a password input box); undefined when dismissed. */
export type AskKey = (prompt: string) => Promise<string | undefined>;

const DEFAULT_EVALUATE_PORT = 49152;

/** Core's check of the described trap (the page's too), before send and evaluate; throws TestTrapError listing every problem. */
export function checkTestTrap(t: TestTrap, users: SnmpUserSummary[]): void {
  const errors = testTrapProblems(t, users.map((u) => u.name));
  if (errors.length) throw new TestTrapError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

/** Evaluate without sending: which triggers of the gateway would match the described trap. */
export async function evaluateTestTrap(client: GatewayClient, t: TestTrap, users: SnmpUserSummary[], target: { host: string; port: number }): Promise<TestTrapResult> {
  checkTestTrap(t, users);
  const request: EvaluateTrapRequest = {
    version: t.version,
    ...(t.version !== 'v3' ? { community: t.community ?? 'public' } : { user: t.user! }),
    source: { address: t.source.trim(), port: t.sourcePort ?? DEFAULT_EVALUATE_PORT },
    ...(t.version === 'v1' ? { agentAddress: t.agentAddress?.trim() || '127.0.0.1' } : {}),
    trapOid: t.trapOid.trim().replace(/^\./, ''),
    varbinds: testTrapVarbinds(t),
  };
  const { evaluations } = await client.evaluateTrap(request);
  return { mode: 'evaluated', pdu: { ...request, uptime: 0, varbinds: request.varbinds ?? [] }, evaluations, executions: [], target };
}

/**
 * Sends the trap for real and waits (up to `waitMs`) for the gateway's record of it, found by a
 * unique uptime (sysUpTime) among records that were not there before the send.
 */
export async function sendTestTrap(
  client: GatewayClient,
  t: TestTrap,
  users: SnmpUserSummary[],
  target: { host: string; port: number },
  askKey: AskKey,
  waitMs = 8000,
): Promise<TestTrapResult> {
  checkTestTrap(t, users);
  let user: SendTrapOptions['user'];
  if (t.version === 'v3') {
    const u = users.find((x) => x.name === t.user)!;
    let authKey = t.keys?.authKey || undefined;
    let privKey = t.keys?.privKey || undefined;
    authKey ??= await askKey(`Auth key (${u.authProtocol}) of SNMPv3 user '${u.name}', for this one test trap`);
    if (!authKey) throw new TestTrapError('sending as a v3 user needs its auth key', [{ field: 'keys.authKey', message: 'needed to send as this user' }]);
    if (u.level === 'authPriv') {
      privKey ??= await askKey(`Privacy key (${u.privProtocol ?? 'aes'}) of SNMPv3 user '${u.name}', for this one test trap`);
      if (!privKey) throw new TestTrapError('sending as an authPriv user needs its privacy key', [{ field: 'keys.privKey', message: 'needed to send as this user' }]);
    }
    user = { name: u.name, level: u.level, authProtocol: u.authProtocol, authKey, ...(u.level === 'authPriv' ? { privProtocol: u.privProtocol, privKey } : {}) };
  }
  const before = new Set((await client.listTraps()).traps.map((r) => r.id));
  const uptime = randomInt(1_000_000, 2_000_000_000);
  const trapOid = t.trapOid.trim().replace(/^\./, '');
  try {
    await sendTrap({
      host: target.host,
      port: target.port,
      version: t.version,
      ...(t.version !== 'v3' ? { community: t.community ?? 'public' } : { user }),
      ...(t.version === 'v1' ? { agentAddress: t.agentAddress?.trim() || '127.0.0.1' } : {}),
      trapOid,
      varbinds: testTrapVarbinds(t),
      uptime,
      sourceAddress: t.source.trim(),
      ...(t.sourcePort ? { sourcePort: t.sourcePort } : {}),
    });
  } catch (err) {
    if (err instanceof SendTrapError) {
      const field = err.field?.startsWith('user.') ? `keys.${err.field.slice(5)}` : err.field;
      throw new TestTrapError(err.message, field ? [{ field, message: err.message.replace(/^[^:]*: /, '') }] : []);
    }
    throw err;
  } finally {
    user = undefined; // the keys go out of scope with this send
  }
  const end = Date.now() + waitMs;
  let record: TrapRecord | undefined;
  for (;;) {
    const { traps } = await client.listTraps();
    record = traps.find((r) => !before.has(r.id) && r.pdu.uptime === uptime && r.pdu.trapOid === trapOid);
    if (record) break;
    if (Date.now() > end) {
      throw new Error(
        `the trap was sent from ${t.source} to ${target.host}:${target.port} (udp) but the gateway has not recorded it after ${waitMs / 1000} s` +
          (t.version === 'v3' ? ' — a v3 trap whose keys do not match the gateway user is dropped' : ''),
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const executions = await executionStatuses(
    client,
    record.evaluations.filter((e) => e.executionId || e.error).map((e) => ({ id: e.executionId ?? '', triggerId: e.triggerId, error: e.error })),
  );
  return { mode: 'sent', trapId: record.id, receivedAt: record.receivedAt, pdu: record.pdu, evaluations: record.evaluations, executions, target };
}

/** The current status of each execution (getExecution); an error names what could not be read. */
export async function executionStatuses(client: GatewayClient, list: { id: string; triggerId: string; error?: string }[]): Promise<StartedExecution[]> {
  return Promise.all(
    list.map(async (x): Promise<StartedExecution> => {
      if (!x.id) return { id: '', triggerId: x.triggerId, status: 'unknown', error: x.error ?? 'no execution started' };
      try {
        const d = await client.getExecution(x.id);
        return { id: x.id, triggerId: x.triggerId, status: d.status, flow: d.flow, initiator: initiatorText(d.initiator), ...(d.error ? { error: d.error.message } : {}) };
      } catch (err) {
        const text = err instanceof GatewayError ? err.message : String((err as Error)?.message ?? err);
        return { id: x.id, triggerId: x.triggerId, status: 'unknown', error: `could not read execution ${x.id}: ${text}` };
      }
    }),
  );
}
