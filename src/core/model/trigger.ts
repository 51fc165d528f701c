import type { SnmpAuthProtocol, SnmpPrivProtocol } from '../snmp/users';
/**
 * An SNMP trigger of a package version: runs one flow when an incoming trap matches every
 * condition. Carried by package drafts and files (without `id`), managed per version on a gateway.
 *
 * Condition syntax (each a string; `*` matches anything):
 * - addresses (deviceAddress, agentAddress): an IPv4 address, a comma list, a range `a-b`
 *   (a <= b), CIDR subnets `10.0.0.0/8`, or `*`; list items may mix forms.
 * - ports (devicePort): a port, a comma list, a range `a-b`, or `*`.
 * - OIDs (trapOid): a dotted OID (`1.3.6.1.6.3.1.1.5.3`), a comma list, a range `a-b` compared
 *   component by component, or `*`.
 * - communities: a value, a comma list, or `*`.
 */
/** The SNMP versions a trap (and a trigger's condition) can be: one list for the schema, checks and forms. */
export const SNMP_VERSIONS = ['v1', 'v2c', 'v3'] as const;
export type SnmpVersion = (typeof SNMP_VERSIONS)[number];
/** `v1, v2c or v3`, for messages. */
export const SNMP_VERSIONS_TEXT = `${SNMP_VERSIONS.slice(0, -1).join(', ')} or ${SNMP_VERSIONS[SNMP_VERSIONS.length - 1]}`;
export const isSnmpVersion = (v: unknown): v is SnmpVersion => (SNMP_VERSIONS as readonly unknown[]).includes(v);

export interface TriggerConditions {
  deviceAddress: string;
  devicePort: string;
  trapOid: string;
  version: SnmpVersion;
  /** v1 and v2c. */
  community?: string;
  /** v1 only: the agent address in the v1 PDU, matched like deviceAddress. */
  agentAddress?: string;
  /** v3 only: names of SNMPv3 users configured on the gateway; a trap from any of them matches. */
  users?: string[];
}

export interface TriggerSpec {
  name: string;
  description?: string;
  flow: string;
  conditions: TriggerConditions;
  /** Values for the flow's inputs. */
  inputs?: Record<string, unknown>;
  /** Name of an input variable that receives the trap PDU (a TrapPdu), overriding other values. */
  pduVariable?: string;
  /** Default true. */
  enabled?: boolean;
}

export interface Trigger extends Omit<TriggerSpec, 'enabled' | 'inputs'> {
  id: string;
  inputs: Record<string, unknown>;
  enabled: boolean;
}

/** A received (or described) trap, as triggers see it and as the PDU variable receives it. */
export interface TrapPdu {
  version: SnmpVersion;
  /** v1 / v2c. */
  community?: string;
  /** v3: the user name. */
  user?: string;
  source: { address: string; port: number };
  /** v1 only. */
  agentAddress?: string;
  enterprise?: string;
  genericTrap?: number;
  specificTrap?: number;
  /** v2c/v3: snmpTrapOID.0; v1: derived per RFC 3584 from enterprise and generic/specific trap. */
  trapOid: string;
  /** Hundredths of a second (sysUpTime / timestamp). */
  uptime: number;
  varbinds: { oid: string; type: string; value: unknown }[];
}

/** The protocol lists and user rules: src/core/snmp/users.ts. */
export type { SnmpAuthProtocol, SnmpPrivProtocol };

/** An SNMPv3 user configured on a gateway. Keys are write-only: never returned, logged or packed. */
export interface SnmpUserSpec {
  name: string;
  level: 'authNoPriv' | 'authPriv';
  authProtocol: SnmpAuthProtocol;
  authKey: string;
  privProtocol?: SnmpPrivProtocol;
  privKey?: string;
}

export interface SnmpUserSummary {
  name: string;
  level: 'authNoPriv' | 'authPriv';
  authProtocol: SnmpAuthProtocol;
  privProtocol?: SnmpPrivProtocol;
}
