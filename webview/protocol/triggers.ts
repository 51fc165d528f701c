/**
 * The Triggers page's protocol, declared once and imported by both sides (webview/triggers/*.ts
 * and src/extension/triggers/triggersPanel.ts): the requests the page makes (`TriggersRequests`,
 * each answered by one handler of the panel and paired with its reply by webview/protocol/rpc.ts)
 * and the notifications both ways.
 *
 * The page never talks to a gateway and never sends UDP: the extension does both. SNMPv3 keys only
 * ever go from the page to the extension (saving a user, or sending one test trap); no reply or
 * notification carries a key, and the page never keeps one in its saved state.
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

/** A user as the page sends it on save: keys included, once (write-only). */
export type SnmpUserInput = SnmpUserSpec;

/**
 * The page's requests: method → what it sends and what it gets back. A refusal is a reply of
 * errors: `''` names what failed as a whole ("could not create trigger 'X' in …"), the others
 * name form fields as the gateway does (`conditions.deviceAddress`, `authKey`, `varbinds[1]`).
 */
export type TriggersRequests = {
  /** Loads everything again (the header's Reload). */
  reload: { params: Record<string, never>; result: TriggersSnapshot };
  /** Creates (`id` absent) or replaces a trigger; a fresh snapshot follows. */
  saveTrigger: { params: { id?: string; spec: TriggerSpec }; result: Trigger };
  /** Sent after the page's own inline confirmation. */
  deleteTrigger: { params: { id: string }; result: { deleted: string } };
  setEnabled: { params: { id: string; enabled: boolean }; result: Trigger };
  /** Creates (`isNew`) or replaces a gateway SNMPv3 user; the keys go to the gateway and nowhere else. */
  saveUser: { params: { user: SnmpUserInput; isNew: boolean }; result: SnmpUserSummary };
  deleteUser: { params: { name: string }; result: { deleted: string } };
  /** Sends a real trap over UDP and answers with the gateway's record of it. */
  sendTrap: { params: { trap: TestTrap }; result: TestTrapResult };
  /** Asks the gateway which triggers the described trap would match (nothing is sent). */
  evaluateTrap: { params: { trap: Omit<TestTrap, 'keys'> }; result: TestTrapResult };
  /** Opens the version's Running Executions page on this execution. */
  openExecution: { params: { id: string }; result: null };
  /** Opens the version's Running Executions page. */
  openExecutions: { params: Record<string, never>; result: null };
};

export type TriggersTab = 'triggers' | 'users' | 'sendTrap';

// ---- notifications ---------------------------------------------------------------------------------

export type ExtensionToWebview =
  /** The whole state (first load, after every change). `show` opens a tab. */
  | { type: 'snapshot'; snapshot: TriggersSnapshot; show?: TriggersTab }
  /** Newer statuses of executions a test trap started. */
  | { type: 'executions'; executions: StartedExecution[] }
  /** Open a tab (the Send Test Trap command on an open panel). */
  | { type: 'show'; tab: TriggersTab };

export type WebviewToExtension =
  /** The page loaded (also after hiding): send a snapshot. */
  { type: 'ready' };

// ---- the page's saved UI state (setState/getState): never keys ------------------------------------

/** The trigger form as typed (inputs as their texts), to restore it after the panel was hidden. */
export interface TriggerDraft {
  /** The trigger edited; absent for a new one. */
  id?: string;
  name: string;
  description: string;
  flow: string;
  version: SnmpVersion;
  deviceAddress: string;
  devicePort: string;
  trapOid: string;
  community: string;
  agentAddress: string;
  users: string[];
  inputs: Record<string, string>;
  pduVariable: string;
  enabled: boolean;
}

/** The user form without its keys. */
export interface UserDraft {
  isNew: boolean;
  name: string;
  level: SnmpUserSpec['level'];
  authProtocol: SnmpAuthProtocol;
  privProtocol: SnmpPrivProtocol;
}

export interface TriggersViewState {
  tab: TriggersTab;
  /** The test trap form without keys. */
  trap?: Omit<TestTrap, 'keys'>;
  /** The last test trap's answer. */
  result?: TestTrapResult;
  triggerDraft?: TriggerDraft;
  userDraft?: UserDraft;
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
