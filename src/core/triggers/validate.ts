/**
 * Checking a trigger as a client sends it (API body, package draft, package file): every bad field
 * is named, e.g. `conditions.deviceAddress: '10.0.0.9-10.0.0.1' is a range whose start is after
 * its end`. With the flow's signature, `inputs` and `pduVariable` are checked against its inputs.
 */
import type { ApiErrorDetail, FlowSignature } from '../api/types';
import { inputProblems } from '../model/inputValues';
import { isSnmpVersion, SNMP_VERSIONS_TEXT, type TriggerConditions, type TriggerSpec } from '../model/trigger';
import { LIMITS } from '../limits';
import { hasControlChars } from '../model/controlChars';
import { parseAddressCondition, parseCommunityCondition, parseOidCondition, parsePortCondition } from './conditions';
import { isJsonObject } from '../model/jsonObject';

/** Trigger names: as package drafts have always allowed. */
export const MAX_TRIGGER_NAME = LIMITS.scheduleNameLength;

export interface ValidateTriggerOptions {
  /** Names of the SNMPv3 users on the gateway: a v3 trigger naming another user is refused. */
  knownUsers?: readonly string[];
}

const TOP_KEYS = new Set(['id', 'name', 'description', 'flow', 'conditions', 'inputs', 'pduVariable', 'enabled']);
const CONDITION_KEYS = new Set(['deviceAddress', 'devicePort', 'trapOid', 'version', 'community', 'agentAddress', 'users']);



/**
 * Every problem of `spec`, each naming its field. `flow`: the signature of the flow the trigger
 * names (checks inputs and pduVariable), `null` when the version has no such flow, `undefined`
 * to skip flow checks.
 */
export function validateTriggerSpec(spec: unknown, flow?: FlowSignature | null, opts: ValidateTriggerOptions = {}): ApiErrorDetail[] {
  const errors: ApiErrorDetail[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  if (!isJsonObject(spec)) {
    err('trigger', 'must be an object');
    return errors;
  }
  // Bounded: unknown keys reported at most 10 times; every string measured before it is parsed.
  const unknown = Object.keys(spec).filter((k) => !TOP_KEYS.has(k));
  for (const k of unknown.slice(0, 10)) err(k.slice(0, 100), `unknown property '${k.slice(0, 100)}'`);
  if (unknown.length > 10) err(unknown[10].slice(0, 100), `and ${unknown.length - 10} more unknown properties`);
  if (typeof spec.name !== 'string' || spec.name.trim() === '') err('name', 'must be a non-empty string');
  else if (spec.name.length > MAX_TRIGGER_NAME) err('name', `at most ${MAX_TRIGGER_NAME} characters (got ${spec.name.length})`);
  else if (hasControlChars(spec.name)) err('name', 'must not contain control characters (newlines, tabs, NUL)');
  if (spec.description !== undefined && typeof spec.description !== 'string') err('description', 'must be a string');
  else if (typeof spec.description === 'string' && spec.description.length > LIMITS.textLength) err('description', `at most ${LIMITS.textLength} characters (got ${spec.description.length})`);
  if (typeof spec.flow !== 'string' || spec.flow.trim() === '') err('flow', 'must be the id of a flow of the package version');
  else if (spec.flow.length > LIMITS.definitionIdLength) err('flow', `at most ${LIMITS.definitionIdLength} characters (got ${spec.flow.length})`);
  else if (flow === null) err('flow', `the package version has no flow '${spec.flow}'`);
  if (spec.enabled !== undefined && typeof spec.enabled !== 'boolean') err('enabled', 'must be true or false');

  // conditions
  const c = spec.conditions;
  if (!isJsonObject(c)) {
    err('conditions', 'must be an object with deviceAddress, devicePort, trapOid and version');
  } else {
    const unknownConditions = Object.keys(c).filter((k) => !CONDITION_KEYS.has(k));
    for (const k of unknownConditions.slice(0, 10)) err(`conditions.${k.slice(0, 100)}`, `unknown condition '${k.slice(0, 100)}'`);
    const check = (key: string, parsed: { ok: boolean; message?: string }) => {
      if (!parsed.ok) err(`conditions.${key}`, parsed.message ?? 'invalid');
    };
    check('deviceAddress', parseAddressCondition(c.deviceAddress));
    check('devicePort', parsePortCondition(c.devicePort));
    check('trapOid', parseOidCondition(c.trapOid));
    const version = c.version;
    if (!isSnmpVersion(version)) {
      err('conditions.version', `must be ${SNMP_VERSIONS_TEXT}${c.version === undefined ? '' : `, got '${String(c.version)}'`}`);
    } else {
      if (c.community !== undefined) {
        if (version === 'v3') err('conditions.community', 'applies to v1 and v2c only; a v3 trigger names users');
        else check('community', parseCommunityCondition(c.community));
      }
      if (c.agentAddress !== undefined) {
        if (version !== 'v1') err('conditions.agentAddress', 'applies to v1 only (the agent address is a field of the v1 trap PDU)');
        else check('agentAddress', parseAddressCondition(c.agentAddress));
      }
      if (c.users !== undefined && version !== 'v3') err('conditions.users', 'applies to v3 only');
      if (version === 'v3') {
        if (!Array.isArray(c.users) || c.users.length === 0) {
          err('conditions.users', 'a v3 trigger names one or more SNMPv3 users of the gateway');
        } else if (c.users.length > LIMITS.conditionListItems) {
          err('conditions.users', `lists ${c.users.length} users; at most ${LIMITS.conditionListItems} are accepted`);
        } else {
          const known = opts.knownUsers ? new Set(opts.knownUsers) : undefined;
          const some = opts.knownUsers ? opts.knownUsers.slice(0, 20).join(', ') + (opts.knownUsers.length > 20 ? ', …' : '') : '';
          c.users.forEach((u, i) => {
            if (typeof u !== 'string' || u.trim() === '') err(`conditions.users[${i}]`, 'must be a user name');
            else if (u.length > LIMITS.shortStringLength) err(`conditions.users[${i}]`, `at most ${LIMITS.shortStringLength} characters`);
            else if (known && !known.has(u)) {
              err(`conditions.users[${i}]`, `there is no SNMPv3 user '${u}' on this gateway${some ? ` (users: ${some})` : ''}`);
            }
          });
        }
      }
    }
  }

  // inputs and the PDU variable
  const inputs = spec.inputs;
  if (inputs !== undefined && !isJsonObject(inputs)) err('inputs', 'must be an object of input values');
  else if (isJsonObject(inputs) && Object.keys(inputs).length > LIMITS.objectKeys) err('inputs', `at most ${LIMITS.objectKeys} input values`);
  const pduVariable = spec.pduVariable;
  if (pduVariable !== undefined && (typeof pduVariable !== 'string' || pduVariable.trim() === '')) {
    err('pduVariable', 'must be the name of an input of the flow');
  } else if (typeof pduVariable === 'string' && pduVariable.length > LIMITS.shortStringLength) {
    err('pduVariable', `at most ${LIMITS.shortStringLength} characters`);
  }
  if (flow) {
    const declared = flow.inputs;
    if (typeof pduVariable === 'string' && pduVariable.trim() !== '') {
      const d = Object.prototype.hasOwnProperty.call(declared, pduVariable) ? declared[pduVariable] : undefined;
      if (!d) err('pduVariable', `flow '${flow.id}' has no input '${pduVariable}'`);
      else if (d.type !== 'object' && d.type !== 'any') err('pduVariable', `input '${pduVariable}' is of type ${d.type}; the trap PDU is an object`);
    }
    const pdu = typeof pduVariable === 'string' ? [pduVariable] : [];
    const given = isJsonObject(inputs) ? inputs : {};
    for (const p of inputProblems(declared, given, { prefix: 'inputs.', flowId: flow.id, provided: pdu })) err(p.field, p.message);
  }
  return errors;
}

/** The trigger as stored: defaults applied (community/agentAddress `*` where they apply, enabled true). */
export function normalizeTriggerSpec(spec: TriggerSpec): Omit<TriggerSpec, 'inputs' | 'enabled'> & { inputs: Record<string, unknown>; enabled: boolean } {
  const c = spec.conditions;
  const conditions: TriggerConditions = {
    deviceAddress: c.deviceAddress.trim(),
    devicePort: c.devicePort.trim(),
    trapOid: c.trapOid.trim(),
    version: c.version,
    ...(c.version !== 'v3' ? { community: (c.community ?? '*').trim() } : {}),
    ...(c.version === 'v1' ? { agentAddress: (c.agentAddress ?? '*').trim() } : {}),
    ...(c.version === 'v3' ? { users: [...(c.users ?? [])] } : {}),
  };
  return {
    name: spec.name.trim(),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    flow: spec.flow,
    conditions,
    inputs: { ...(spec.inputs ?? {}) },
    ...(spec.pduVariable !== undefined ? { pduVariable: spec.pduVariable } : {}),
    enabled: spec.enabled ?? true,
  };
}
