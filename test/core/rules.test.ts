/**
 * The rules core holds once (issue 8, "Core holds each rule once"): typed text → an input value,
 * the SNMPv3 user rules and protocol lists, the test-trap check, the package-name rule, the usage
 * error. Each is pinned here; the pages, the extension, the CLI and the gateway import these.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiErrorDetail } from '../../src/core/api/types';
import { SnmpUserBody, SnmpVersion } from '../../src/core/api/schemas/snmp';
import { isSnmpVersion, SNMP_VERSIONS, SNMP_VERSIONS_TEXT } from '../../src/core/model/trigger';
import { PackageName } from '../../src/core/api/schemas/common';
import { inputTextFromValue, inputValueFromText, inputValuesFromTexts, jsonOrText } from '../../src/core/model/inputText';
import { inputProblems } from '../../src/core/model/inputValues';
import { isPackageName, PACKAGE_NAME_PATTERN } from '../../src/core/model/packageDraft';
import { LIMITS } from '../../src/core/limits';
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS, isSnmpUserName, snmpUserProblems } from '../../src/core/snmp/users';
import { testTrapProblems, testTrapVarbinds, type TestTrap } from '../../src/core/snmp/testTrap';
import { UsageError } from '../../src/core/usageError';
import { isPort, parsePortText } from '../../src/core/model/port';
import { parsePortCondition } from '../../src/core/triggers/conditions';
import { UsageError as CliUsageError } from '../../src/cli/errors';
import { parseInputs } from '../../src/cli/inputs';
import { parseEmulatorArgs, UsageError as EmulatorUsageError } from '../../src/emulator/options';
import { validateTriggerSpec } from '../../src/core/triggers/validate';
import { newDraftText } from '../../src/core/draft/editDraft';
import { checkPackageName } from '../../src/core/package/manifestCheck';

const decl = (type: string, extra: { required?: boolean; default?: unknown } = {}) => ({ type, required: false, ...extra });
const valueOf = (text: string, type: string) => {
  const r = inputValueFromText(text, decl(type));
  assert.equal(r.kind, 'value', `${JSON.stringify(text)} as ${type}: ${JSON.stringify(r)}`);
  return (r as { value: unknown }).value;
};
const errorOf = (text: string, type: string) => {
  const r = inputValueFromText(text, decl(type));
  assert.equal(r.kind, 'error', `${JSON.stringify(text)} as ${type} was accepted: ${JSON.stringify(r)}`);
  return (r as { message: string }).message;
};

test('input text: "1e3" is the integer 1000 (and a number) wherever it is typed', () => {
  assert.equal(valueOf('1e3', 'integer'), 1000);
  assert.equal(valueOf(' 1e3 ', 'integer'), 1000);
  assert.equal(valueOf('1E3', 'number'), 1000);
  assert.equal(valueOf('42', 'integer'), 42);
  assert.equal(valueOf('-7', 'integer'), -7);
  assert.equal(valueOf('4.0', 'integer'), 4);
  assert.equal(valueOf('2.5', 'number'), 2.5);
  assert.equal(valueOf('1e-3', 'number'), 0.001);
  // The CLI knows no declaration; its rule (any) gives the same value.
  assert.equal(jsonOrText('1e3'), 1000);
  assert.deepEqual(parseInputs('run', ['count=1e3'], undefined), { count: 1000 });
});

test('input text: what is not a JSON number is refused for numbers and integers, with the reason', () => {
  for (const t of ['1.5', '1e-1', 'three', '0x10', '+1', '.5', '5.', 'Infinity', 'NaN', '1,000', '007', '1e400']) {
    assert.match(errorOf(t, 'integer'), /must be an integer/, t);
  }
  for (const t of ['three', '0x10', '+1', '.5', 'Infinity', '1e400']) {
    assert.match(errorOf(t, 'number'), /must be a number/, t);
  }
  // Past 2^53 an integer is not the value typed.
  assert.match(errorOf('9007199254740993', 'integer'), /from -9007199254740991 to 9007199254740991/);
  assert.equal(valueOf('9007199254740991', 'integer'), Number.MAX_SAFE_INTEGER);
});

test('input text: "yes" is not a boolean anywhere; true and false are', () => {
  assert.equal(valueOf('true', 'boolean'), true);
  assert.equal(valueOf(' false ', 'boolean'), false);
  for (const t of ['yes', 'no', 'True', 'FALSE', '1', '0', 'on']) assert.match(errorOf(t, 'boolean'), /must be a boolean: enter true or false/, t);
  // Untyped (CLI --input, `any` inputs): "yes" stays text, so the gateway refuses it for a boolean input.
  assert.equal(jsonOrText('yes'), 'yes');
  assert.deepEqual(parseInputs('run', ['flag=yes', 'on=true'], undefined), { flag: 'yes', on: true });
  assert.deepEqual(inputProblems({ flag: { type: 'boolean' } }, { flag: jsonOrText('yes') }).map((p) => p.field), ['inputs.flag']);
});

test('input text: strings are as typed, objects and arrays are JSON of that kind, any is JSON or text', () => {
  assert.equal(valueOf('  42 ', 'string'), '  42 ');
  assert.equal(valueOf('true', 'string'), 'true');
  assert.deepEqual(valueOf('{"a": [1, 2]}', 'object'), { a: [1, 2] });
  assert.deepEqual(valueOf('["a", "b"]', 'array'), ['a', 'b']);
  assert.match(errorOf('[1]', 'object'), /JSON object/);
  assert.match(errorOf('null', 'object'), /JSON object/);
  assert.match(errorOf('{a: 1}', 'object'), /JSON object/);
  assert.match(errorOf('{"a": 1}', 'array'), /JSON array/);
  assert.equal(valueOf('42', 'any'), 42);
  assert.equal(valueOf('null', 'any'), null);
  assert.equal(valueOf('"quoted"', 'any'), 'quoted');
  assert.equal(valueOf('plain text', 'any'), 'plain text');
  // Deeper than the JSON parser goes: refused (object) or text (any), never a throw.
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  assert.doesNotThrow(() => inputValueFromText(deep, decl('array')));
  assert.doesNotThrow(() => jsonOrText(deep));
});

test('input text: empty text leaves the input out, or is refused when the input is required without a default', () => {
  assert.deepEqual(inputValueFromText('', decl('string')), { kind: 'empty' });
  assert.deepEqual(inputValueFromText('   ', decl('integer')), { kind: 'empty' });
  assert.deepEqual(inputValueFromText(' ', { type: 'string', required: true, default: 'sshd' }), { kind: 'empty' });
  const r = inputValueFromText(' ', { type: 'string', required: true });
  assert.equal(r.kind, 'error');
  assert.match((r as { message: string }).message, /^this input is required \(string\)$/);
  // The CLI's `name=` is the empty text on purpose.
  assert.deepEqual(parseInputs('run', ['label='], undefined), { label: '' });
});

test('input text: a whole form at once names each field, leaves out empty and skipped inputs', () => {
  const declared = { times: { type: 'integer', required: true }, who: { type: 'string', required: false }, trap: { type: 'object', required: true }, dry: { type: 'boolean', required: false } };
  const { values, problems } = inputValuesFromTexts(declared, { times: '1e3', who: '', dry: 'yes' }, { skip: ['trap'] });
  assert.deepEqual(values, { times: 1000 });
  assert.deepEqual(problems, [{ field: 'inputs.dry', message: 'must be a boolean: enter true or false' }]);
});

test('input text: a stored value edits as the text that gives it back', () => {
  const cases: [unknown, string][] = [
    ['sshd', 'string'],
    ['42', 'string'],
    [42, 'integer'],
    [true, 'boolean'],
    [{ a: 1 }, 'object'],
    [['x'], 'array'],
    ['plain', 'any'],
    ['42', 'any'],
    ['true', 'any'],
    [null, 'any'],
    [2.5, 'number'],
  ];
  for (const [value, type] of cases) {
    const text = inputTextFromValue(value, type);
    assert.deepEqual(valueOf(text, type), value, `${JSON.stringify(value)} (${type}) → ${JSON.stringify(text)}`);
  }
  assert.equal(inputTextFromValue('42', 'any'), '"42"');
  assert.equal(inputTextFromValue(undefined, 'string'), '');
});

test('field problems: every rule answers the API\'s {field, message} shape', () => {
  const all: ApiErrorDetail[][] = [
    inputProblems({ a: { type: 'integer' } }, {}),
    snmpUserProblems({ name: 'x y', level: 'authPriv', authProtocol: 'sha', authKey: 'short' }),
    testTrapProblems({ version: 'v2c', trapOid: 'x', source: 'nowhere', varbinds: [] }),
    validateTriggerSpec({}),
  ];
  for (const list of all) {
    assert.ok(list.length > 0);
    for (const d of list) assert.deepEqual(Object.keys(d).sort(), ['field', 'message']);
  }
});

test('SNMPv3 users: one protocol list and one set of rules for the API schema, the page, and sending', () => {
  assert.deepEqual([...SNMP_AUTH_PROTOCOLS], ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']);
  assert.deepEqual([...SNMP_PRIV_PROTOCOLS], ['des', 'aes', 'aes256b', 'aes256r']);
  // The schema's enums are these lists.
  const literals = (schema: unknown) => (schema as { anyOf: { const: string }[] }).anyOf.map((s) => s.const);
  assert.deepEqual(literals(SnmpUserBody.properties.authProtocol), [...SNMP_AUTH_PROTOCOLS]);
  assert.deepEqual(literals(SnmpUserBody.properties.privProtocol), [...SNMP_PRIV_PROTOCOLS]);
  const good = { name: 'monitor.v3', level: 'authPriv', authProtocol: 'sha256', authKey: 'auth-secret', privProtocol: 'aes', privKey: 'priv-secret' };
  assert.deepEqual(snmpUserProblems(good), []);
  assert.deepEqual(snmpUserProblems({ name: 'm', level: 'authNoPriv', authProtocol: 'md5', authKey: '12345678' }), []);
  const fields = (u: object) => snmpUserProblems(u).map((p) => p.field);
  assert.deepEqual(fields({ ...good, name: 'a'.repeat(33) }), ['name']);
  assert.deepEqual(fields({ ...good, name: 'with space' }), ['name']);
  assert.deepEqual(fields({ ...good, name: '__proto__' }), ['name']);
  assert.deepEqual(fields({ ...good, level: 'noAuthNoPriv' }), ['level', 'privProtocol', 'privKey']);
  assert.deepEqual(fields({ ...good, authProtocol: 'sha1' }), ['authProtocol']);
  assert.deepEqual(fields({ ...good, authKey: '1234567' }), ['authKey']);
  assert.deepEqual(fields({ ...good, authKey: 'k'.repeat(LIMITS.shortStringLength + 1) }), ['authKey']);
  assert.deepEqual(fields({ ...good, privProtocol: '3des' }), ['privProtocol']);
  assert.deepEqual(fields({ ...good, privKey: undefined }), ['privKey']);
  assert.deepEqual(fields({ name: 'm', level: 'authNoPriv', authProtocol: 'md5', authKey: '12345678', privKey: 'x' }), ['privKey']);
  // No message carries a key.
  assert.doesNotMatch(JSON.stringify(snmpUserProblems({ ...good, authKey: 'seven77', privKey: 'tiny' })), /seven77|tiny/);
  assert.equal(isSnmpUserName('a'.repeat(32)), true);
  assert.equal(isSnmpUserName(''), false);
});

test('test trap: one check names each field, as the page shows it and the extension refuses it', () => {
  const ok: TestTrap = {
    version: 'v2c',
    community: 'public',
    trapOid: '1.3.6.1.6.3.1.1.5.3',
    source: '127.0.0.2',
    varbinds: [
      { oid: '1.3.6.1.2.1.2.2.1.1.7', type: 'Integer', value: '7' },
      { oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'router' },
      { oid: '1.3.6.1.2.1.4.20.1.1', type: 'IpAddress', value: '10.0.0.1' },
      { oid: '1.3.6.1.2.1.1.2.0', type: 'OID', value: '1.3.6.1.4.1.9' },
      { oid: '1.3.6.1.2.1.1.3.0', type: 'Counter64', value: '18446744073709551615' },
      { oid: '1.3.6.1.2.1.1.4.0', type: 'Null', value: '' },
    ],
  };
  assert.deepEqual(testTrapProblems(ok), []);
  assert.deepEqual(testTrapVarbinds(ok).map((v) => v.value), [7, 'router', '10.0.0.1', '1.3.6.1.4.1.9', '18446744073709551615', null]);
  const fields = (t: Partial<TestTrap>, users?: string[]) => testTrapProblems({ ...ok, ...t } as TestTrap, users).map((p) => p.field);
  assert.deepEqual(fields({ trapOid: '1.3.x' }), ['trapOid']);
  assert.deepEqual(fields({ source: '127.0.0.256' }), ['source']);
  assert.deepEqual(fields({ sourcePort: 70000 }), ['sourcePort']);
  assert.deepEqual(fields({ version: 'v1', agentAddress: '' }), []); // empty: 127.0.0.1
  assert.deepEqual(fields({ version: 'v1', agentAddress: 'agent' }), ['agentAddress']);
  assert.deepEqual(fields({ version: 'v3' }), ['user']);
  assert.deepEqual(fields({ version: 'v3', user: 'ghost' }, ['monitor']), ['user']);
  assert.deepEqual(fields({ version: 'v3', user: 'monitor' }, ['monitor']), []);
  assert.deepEqual(fields({ varbinds: [{ oid: '1.3.6.1', type: 'Integer', value: 'seven' }] }), ['varbinds[0]']);
  assert.deepEqual(fields({ varbinds: [{ oid: '1.3.6.1', type: 'IpAddress', value: '300.1.1.1' }] }), ['varbinds[0]']);
  assert.deepEqual(fields({ varbinds: [{ oid: '1.3.6.1', type: 'OID', value: 'not-an-oid' }] }), ['varbinds[0]']);
  assert.deepEqual(fields({ varbinds: [{ oid: 'x', type: 'Integer', value: '1' }] }), ['varbinds[0]']);
  assert.deepEqual(fields({ varbinds: [{ oid: '1.3.6.1', type: 'Bogus', value: '1' }] }), ['varbinds[0]']);
  const many = Array.from({ length: LIMITS.varbinds + 1 }, () => ({ oid: '1.3.6.1', type: 'OctetString', value: 'x' }));
  assert.deepEqual(fields({ varbinds: many }), ['varbinds']);
});

test('package names: one rule, bounded, for drafts, manifests and the API schema', () => {
  assert.equal(PackageName.pattern, PACKAGE_NAME_PATTERN.source);
  assert.equal(PackageName.maxLength, LIMITS.nameLength);
  assert.equal(isPackageName('Network_Ops-2'), true);
  for (const bad of ['', 'has space', 'dot.name', 'slash/name', 'ü', 'a'.repeat(LIMITS.nameLength + 1), '__proto__', 'constructor', 'prototype', 42, undefined]) {
    assert.equal(isPackageName(bad), false, String(bad));
  }
  assert.equal(isPackageName('a'.repeat(LIMITS.nameLength)), true);
  assert.throws(() => newDraftText('a'.repeat(LIMITS.nameLength + 1)), /invalid package name/);
  assert.throws(() => checkPackageName('a'.repeat(LIMITS.nameLength + 1), 'manifest.name'), /at most 100/);
  assert.throws(() => checkPackageName('dot.name', 'manifest.name'), /letters, digits/);
  assert.throws(() => checkPackageName('__proto__', 'manifest.name'), /reserved name/);
  assert.equal(isPackageName('toString'), true);
});

test('usage errors: one class for the CLI and the emulator flags, exit code 2', () => {
  assert.equal(CliUsageError, UsageError);
  assert.equal(EmulatorUsageError, UsageError);
  const e = new UsageError('bad flag', 'run');
  assert.equal(e.exitCode, 2);
  assert.equal(e.command, 'run');
  assert.equal(e.name, 'UsageError');
  assert.throws(() => parseEmulatorArgs(['--port', 'x']), (err: unknown) => err instanceof UsageError && err.exitCode === 2);
  assert.throws(() => parseInputs('run', ['novalue'], undefined), (err: unknown) => err instanceof UsageError && err.command === 'run');
});

test('SNMP versions: one list for the schema, the trigger check, the test trap and the CLI', () => {
  assert.deepEqual([...SNMP_VERSIONS], ['v1', 'v2c', 'v3']);
  assert.equal(SNMP_VERSIONS_TEXT, 'v1, v2c or v3');
  const literals = (SnmpVersion as unknown as { anyOf: { const: string }[] }).anyOf.map((s) => s.const);
  assert.deepEqual(literals, [...SNMP_VERSIONS]);
  assert.equal(isSnmpVersion('v2'), false);
  const trap = testTrapProblems({ version: 'v2' as never, trapOid: '1.3.6.1', source: '127.0.0.1', varbinds: [] });
  assert.deepEqual(trap, [{ field: 'version', message: 'must be v1, v2c or v3' }]);
  const trigger = validateTriggerSpec({ name: 'T', flow: 'f', conditions: { deviceAddress: '*', devicePort: '*', trapOid: '*', version: 'v4' }, inputs: {}, enabled: true });
  assert.ok(trigger.some((d) => d.field === 'conditions.version' && /must be v1, v2c or v3, got 'v4'/.test(d.message)), JSON.stringify(trigger));
});

test('ports: one rule for trigger conditions, test traps, trap send and the emulator flags', () => {
  for (const n of [1, 162, 65535]) assert.equal(isPort(n), true, String(n));
  for (const n of [0, -1, 65536, 1.5, NaN, '162', undefined]) assert.equal(isPort(n), false, String(n));
  assert.equal(parsePortText('162'), 162);
  for (const t of ['0', '65536', '+1', '1e3', ' 1', '123456', '']) assert.equal(parsePortText(t), undefined, t);
  assert.equal(parsePortText('0', { allowZero: true }), 0);
  assert.deepEqual(fieldsOfTrap({ sourcePort: 0 }), ['sourcePort']);
  assert.deepEqual(fieldsOfTrap({ sourcePort: 65535 }), []);
  assert.equal(parsePortCondition('1-65535').ok, true);
  assert.equal(parsePortCondition('65536').ok, false);
  assert.throws(() => parseEmulatorArgs(['--port', '65536']), /port number from 0 to 65535/);
  const zero = parseEmulatorArgs(['--port', '0']);
  assert.ok(!zero.help && zero.options.port === 0);
});

function fieldsOfTrap(t: Partial<TestTrap>): string[] {
  return testTrapProblems({ version: 'v2c', trapOid: '1.3.6.1', source: '127.0.0.1', varbinds: [], ...t }).map((p) => p.field);
}
