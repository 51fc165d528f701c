/** SNMP triggers, traps, evaluation, SNMPv3 users. */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from '../../limits';
import type {
  SnmpUserSpec as SnmpUserSpecModel,
  SnmpUserSummary as SnmpUserSummaryModel,
  TrapPdu as TrapPduModel,
  Trigger as TriggerModel,
  TriggerConditions as TriggerConditionsModel,
  TriggerSpec as TriggerSpecModel,
} from '../../model/trigger';
import { SNMP_VERSIONS } from '../../model/trigger';
import { PACKAGE_NAME_SOURCE } from '../../model/packageDraft';
import { MAX_TRIGGER_NAME } from '../../triggers/validate';
import { SNMP_AUTH_PROTOCOLS, SNMP_KEY_MAX, SNMP_KEY_MIN, SNMP_PRIV_PROTOCOLS, SNMP_USER_LEVELS, SNMP_USER_NAME_MAX, SNMP_USER_NAME_PATTERN } from '../../snmp/users';
import { assertType, DefinitionId, Enum, Id, Instant, Int, JsonObject, List, Name, NO_CONTROL_CHARS, PackageName, Str, Text, Version, type Equal } from './common';

export const SnmpVersion = Enum(SNMP_VERSIONS);
const Condition = (description: string, examples?: string[]) =>
  Type.String({ minLength: 1, maxLength: LIMITS.conditionLength, description, ...(examples ? { examples } : {}) });
const UserName = Str({ min: 1, max: SNMP_USER_NAME_MAX, pattern: SNMP_USER_NAME_PATTERN, description: 'SNMPv3 user name' });

export const TriggerConditions = Type.Object(
  {
    deviceAddress: Condition('IPv4, comma list, range a-b, CIDR, or *', ['10.0.0.1, 10.1.0.0/16, 192.168.1.10-192.168.1.20', '*']),
    devicePort: Condition('A port, list, range or *', ['162, 1000-2000', '*']),
    trapOid: Condition('An OID, list, range (component by component) or *', ['1.3.6.1.6.3.1.1.5.3', '*']),
    version: SnmpVersion,
    community: Type.Optional(Condition('v1/v2c: a value, comma list or * (default *)')),
    agentAddress: Type.Optional(Condition('v1: matched like deviceAddress (default *)')),
    users: Type.Optional(List(Str({ min: 1, max: 32 }), LIMITS.conditionListItems, { description: 'v3: SNMPv3 users of this gateway' })),
  },
  { additionalProperties: false },
);
assertType<Equal<Static<typeof TriggerConditions>, TriggerConditionsModel>>();

const triggerFields = {
  name: Name(MAX_TRIGGER_NAME),
  description: Type.Optional(Text()),
  flow: DefinitionId,
  conditions: TriggerConditions,
  pduVariable: Type.Optional(Str({ min: 1, max: LIMITS.nameLength, pattern: NO_CONTROL_CHARS, description: 'An input of type object or any that receives the trap PDU' })),
};

export const TriggerSpec = Type.Object({
  ...triggerFields,
  inputs: Type.Optional(JsonObject("Values for the flow's inputs")),
  enabled: Type.Optional(Type.Boolean({ description: 'Default true' })),
});
assertType<Equal<Static<typeof TriggerSpec>, TriggerSpecModel>>();

/** The body of POST/PUT …/triggers: a TriggerSpec; a response's `id` may come back (it must match the path). */
export const TriggerBody = Type.Object(
  {
    ...triggerFields,
    inputs: Type.Optional(JsonObject("Values for the flow's inputs")),
    enabled: Type.Optional(Type.Boolean({ description: 'Default true' })),
    id: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const Trigger = Type.Object({
  ...triggerFields,
  id: Id,
  inputs: JsonObject(),
  enabled: Type.Boolean(),
});
assertType<Equal<Static<typeof Trigger>, TriggerModel>>();

export const TriggerListResponse = Type.Object({ triggers: List(Trigger, LIMITS.triggersPerVersion) });

export const TriggerParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: LIMITS.nameLength, pattern: PACKAGE_NAME_SOURCE }),
  version: Type.String({ pattern: '^[1-9][0-9]{0,8}$', maxLength: 9 }),
  id: Id,
});

const Varbind = Type.Object({ oid: Str({ min: 1 }), type: Str({ max: 64 }), value: Type.Unknown() });
const Address = Str({ min: 1, max: 64 });

export const TrapPdu = Type.Object({
  version: SnmpVersion,
  community: Type.Optional(Str({ description: 'v1 / v2c' })),
  user: Type.Optional(Str({ description: 'v3: the user name' })),
  source: Type.Object({ address: Address, port: Int(0, 65535) }),
  agentAddress: Type.Optional(Address),
  enterprise: Type.Optional(Str()),
  genericTrap: Type.Optional(Int(0, 2 ** 31 - 1)),
  specificTrap: Type.Optional(Int(0, 2 ** 32 - 1)),
  trapOid: Str({ min: 1 }),
  uptime: Int(0, 2 ** 32 - 1, 'Hundredths of a second (sysUpTime / timestamp)'),
  varbinds: List(Varbind, LIMITS.varbinds),
});
assertType<Equal<Static<typeof TrapPdu>, TrapPduModel>>();

/** POST /api/v1/snmp/evaluate: a described trap, not sent (uptime and varbinds optional). */
export const EvaluateTrapRequest = Type.Object(
  {
    version: SnmpVersion,
    community: Type.Optional(Str({ description: 'v1 / v2c' })),
    user: Type.Optional(Str({ description: 'v3: the user name' })),
    source: Type.Object({ address: Address, port: Int(1, 65535) }, { additionalProperties: false }),
    agentAddress: Type.Optional(Address),
    enterprise: Type.Optional(Str()),
    genericTrap: Type.Optional(Int(0, 2 ** 31 - 1)),
    specificTrap: Type.Optional(Int(0, 2 ** 32 - 1)),
    trapOid: Str({ min: 1 }),
    uptime: Type.Optional(Int(0, 2 ** 32 - 1)),
    varbinds: Type.Optional(List(Varbind, LIMITS.varbinds)),
  },
  { additionalProperties: false },
);

export const FailedCondition = Enum(['deviceAddress', 'devicePort', 'trapOid', 'version', 'community', 'agentAddress', 'users', 'enabled', 'published'] as const);

export const TriggerEvaluation = Type.Object({
  packageName: PackageName,
  packageVersion: Version,
  triggerId: Id,
  triggerName: Str({ max: MAX_TRIGGER_NAME }),
  matched: Type.Boolean(),
  failed: Type.Optional(Type.Object({ condition: FailedCondition, message: Text() }, { description: 'When not matched: the first condition that failed and why' })),
  executionId: Type.Optional(Id),
  error: Type.Optional(Text()),
});

assertType<Equal<Static<typeof FailedCondition>, keyof TriggerConditionsModel | 'enabled' | 'published'>>();

export const TrapRecord = Type.Object({
  id: Id,
  receivedAt: Instant(),
  pdu: TrapPdu,
  communityMatched: Type.Optional(Type.Boolean({ description: "v1/v2c: whether a trigger lists the trap's community (the log shows it masked, `***`)" })),
  evaluations: List(TriggerEvaluation, LIMITS.triggersPerGateway),
});
export const TrapListResponse = Type.Object({
  traps: List(TrapRecord, LIMITS.trapPageSize),
  next: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.shortStringLength, description: 'More traps: pass this as `after` for the next page' })),
});
export const EvaluateTrapResponse = Type.Object({ evaluations: List(TriggerEvaluation, LIMITS.triggersPerGateway) });

const AuthProtocol = Enum(SNMP_AUTH_PROTOCOLS);
const PrivProtocol = Enum(SNMP_PRIV_PROTOCOLS);
const Level = Enum(SNMP_USER_LEVELS);
const Key = Str({ min: SNMP_KEY_MIN, max: SNMP_KEY_MAX });

export const SnmpUserSpec = Type.Object({
  name: UserName,
  level: Level,
  authProtocol: AuthProtocol,
  authKey: Key,
  privProtocol: Type.Optional(PrivProtocol),
  privKey: Type.Optional(Key),
});
assertType<Equal<Static<typeof SnmpUserSpec>, SnmpUserSpecModel>>();

/** POST/PUT body: keys are write-only; on PUT they may be left out while the protocols stay. */
export const SnmpUserBody = Type.Object(
  {
    name: Type.Optional(UserName),
    level: Level,
    authProtocol: AuthProtocol,
    authKey: Type.Optional({ ...Key, writeOnly: true }),
    privProtocol: Type.Optional(PrivProtocol),
    privKey: Type.Optional({ ...Key, writeOnly: true }),
  },
  { additionalProperties: false },
);

export const SnmpUserSummary = Type.Object({ name: UserName, level: Level, authProtocol: AuthProtocol, privProtocol: Type.Optional(PrivProtocol) });
assertType<Equal<Static<typeof SnmpUserSummary>, SnmpUserSummaryModel>>();

export const SnmpUserListResponse = Type.Object({ users: List(SnmpUserSummary, LIMITS.snmpUsers) });
export const SnmpUserParams = Type.Object({ name: Str({ min: 1, max: SNMP_USER_NAME_MAX }) });
