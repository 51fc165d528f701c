/**
 * The messages between the Triggers webview and the extension, declared once and imported by both
 * sides (webview/triggers/main.ts and src/extension/triggers/triggersPanel.ts).
 *
 * Style (as webview/protocol/executions.ts): plain JSON objects with a `type` discriminant; a
 * command that expects an answer carries a `requestId` and its answer echoes it. The page never
 * talks to a gateway and never sends UDP: the extension does both. SNMPv3 keys only ever go from
 * the page to the extension (saving a user, or sending one test trap); no message from the
 * extension carries a key, and the page never keeps one in its saved state.
 */
import type { ExecutionStatus, FlowSignature, TriggerEvaluation } from '../../src/core/api/types';
import type { ApiErrorDetail } from '../../src/core/api/types';
import type { SnmpAuthProtocol, SnmpPrivProtocol, SnmpUserSpec, SnmpUserSummary, SnmpVersion, TrapPdu, Trigger, TriggerSpec } from '../../src/core/model/trigger';
import type { TestTrap } from '../../src/core/snmp/testTrap';

/** A problem of one form field is the API's `ApiErrorDetail` (`{field, message}`). */
export type { ApiErrorDetail, FlowSignature, SnmpAuthProtocol, SnmpPrivProtocol, SnmpUserSummary, SnmpVersion, TestTrap, TrapPdu, Trigger, TriggerEvaluation, TriggerSpec };

/** The protocol lists and the varbind types: core's (src/core/snmp/users.ts, src/core/snmp/testTrap.ts). */
export { SNMP_AUTH_PROTOCOLS as AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS as PRIV_PROTOCOLS } from '../../src/core/snmp/users';
export { VARBIND_TYPES } from '../../src/core/snmp/testTrap';

/** The package version a Triggers panel manages, on one gateway. */
export interface TriggersScope {
  gatewayName: string;
  gatewayUrl: string;
  packageName: string;
  packageVersion: number;
}

/** Everything the page shows, loaded by the extension from the gateway. */
export interface TriggersSnapshot {
  scope: TriggersScope;
  published: boolean;
  triggers: Trigger[];
  /** The version's flows with their declared inputs (flow dropdown, input fields, PDU variable). */
  flows: FlowSignature[];
  /** The gateway's SNMPv3 users: names, levels and protocols, never keys. */
  users: SnmpUserSummary[];
  /** Where test traps go: the gateway URL's host and its `/healthz` snmpPort. */
  trapTarget?: { host: string; port: number };
  /** What could not be loaded (the rest is shown). */
  problems: string[];
}

/** An execution a matching trigger started, with its current status. */
export interface StartedExecution {
  id: string;
  triggerId: string;
  status: ExecutionStatus | 'unknown';
  flow?: string;
  initiator?: string;
  error?: string;
}

/** What a Send (or Evaluate) answered. */
export interface TestTrapResult {
  mode: 'sent' | 'evaluated';
  /** Sent: the gateway's trap record id and when it received the trap. */
  trapId?: string;
  receivedAt?: string;
  /** The trap as the gateway saw it (sent) or as it was described (evaluated). */
  pdu: TrapPdu;
  /** One per trigger of the gateway (all package versions): matched, or the condition that failed. */
  evaluations: TriggerEvaluation[];
  executions: StartedExecution[];
  target: { host: string; port: number };
}

// ---- extension → webview -------------------------------------------------------------------------

export type ExtensionToWebview =
  /** The whole state (first load, after every change, on refresh). `show` opens a tab. */
  | { type: 'snapshot'; snapshot: TriggersSnapshot; show?: TriggersTab }
  /** Answer to saveTrigger / deleteTrigger / setEnabled / saveUser / deleteUser. */
  | { type: 'done'; requestId: number; ok: boolean; error?: string; fieldErrors?: ApiErrorDetail[]; trigger?: Trigger; user?: SnmpUserSummary }
  /** Answer to sendTrap / evaluateTrap. */
  | { type: 'trapResult'; requestId: number; result?: TestTrapResult; error?: string; fieldErrors?: ApiErrorDetail[] }
  /** Newer statuses of executions a test trap started. */
  | { type: 'executions'; executions: StartedExecution[] }
  /** Open a tab (the Send Test Trap command on an open panel). */
  | { type: 'show'; tab: TriggersTab };

// ---- webview → extension -------------------------------------------------------------------------

export type WebviewToExtension =
  /** The page loaded (also after hiding): send a snapshot. */
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Create (`id` absent) or replace a trigger. */
  | { type: 'saveTrigger'; requestId: number; id?: string; spec: TriggerSpec }
  /** Sent after the page's own inline confirmation. */
  | { type: 'deleteTrigger'; requestId: number; id: string }
  | { type: 'setEnabled'; requestId: number; id: string; enabled: boolean }
  /** Create or replace a gateway SNMPv3 user; the keys go to the gateway and nowhere else. */
  | { type: 'saveUser'; requestId: number; user: SnmpUserInput; isNew: boolean }
  | { type: 'deleteUser'; requestId: number; name: string }
  | { type: 'sendTrap'; requestId: number; trap: TestTrap }
  | { type: 'evaluateTrap'; requestId: number; trap: TestTrap }
  /** Open the Running Executions panel of this version. */
  | { type: 'openExecutions' };

/** A user as the page sends it on save: keys included, once (write-only). */
export type SnmpUserInput = SnmpUserSpec;

export type TriggersTab = 'triggers' | 'users' | 'sendTrap';

/** The UI state the page keeps with setState. Never keys. */
export interface TriggersViewState {
  tab: TriggersTab;
  /** The test trap form without keys. */
  trap?: Omit<TestTrap, 'keys'>;
}

/** A trigger's conditions in a line: `from 10.0.0.0/8 · port * · OID 1.3.6.1.6.3.1.1.5.3 · community public`. */
export function conditionsSummary(t: Pick<Trigger, 'conditions'>): string {
  const c = t.conditions;
  const parts = [`from ${c.deviceAddress}`, `port ${c.devicePort}`, `OID ${c.trapOid}`];
  if (c.version === 'v3') parts.push(`users ${(c.users ?? []).join(', ') || '—'}`);
  else parts.push(`community ${c.community ?? '*'}`);
  if (c.version === 'v1') parts.push(`agent ${c.agentAddress ?? '*'}`);
  return parts.join(' · ');
}

/** Where a field error belongs in the form: `conditions.users[0]` → `conditions.users`. */
export function fieldKey(field: string): string {
  return field.replace(/\[\d+\]$/, '');
}
