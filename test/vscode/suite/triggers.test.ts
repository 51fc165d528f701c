// The Triggers panel against the local emulator the extension starts: its own package
// (`fg-triggers-test`, published for the suite), triggers created, edited, disabled and deleted
// through the panel's request handlers (`host.answer`: what the page's requests reach), an invalid condition refused
// with the field named (the same rule core's validateTriggerSpec applies in the page), SNMPv3 users
// whose keys never come back, and a REAL v2c test trap over UDP from 127.0.0.2 that matches one
// trigger and not the other — the evaluations the panel gets, and the execution the match started
// (initiator: the trigger). Evaluate without sending answers the other way round.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GatewayClient } from '../../../src/core/client/gatewayClient';
import { validateTriggerSpec } from '../../../src/core/triggers/validate';
import type { TriggerSpec } from '../../../src/core/model/trigger';
import type { ApiErrorDetail, Reply } from '../../../webview/protocol/rpc';
import type { TestTrapResult, TriggersRequests, TriggersSnapshot } from '../../../webview/protocol/triggers';
import { api, publishTestPackage, startTestGateway, stopTestGateway, waitFor } from './helpers';

const PKG = 'fg-triggers-test';
const FLOW = 'tests/triggers/On-Trap';
const FLOW_TEXT = `description: Logs a trap it was started for.
inputs:
  trap:
    type: object
  label:
    type: string
    default: none
steps:
  - kind: log
    message: "= 'trap ' & trap.trapOid & ' label ' & label"
`;

/** What the Show Triggers / Send Test Trap commands answer. */
interface Shown {
  key: string;
  scope: { gatewayUrl: string; packageName: string; packageVersion: number };
}
/** The open panel's request handlers and loader, reached through the extension's API (`panels.triggers(key)`). */
interface Panel {
  key: string;
  answer<K extends keyof TriggersRequests & string>(method: K, params: TriggersRequests[K]['params']): Promise<Reply<TriggersRequests[K]['result']>>;
  load(): Promise<TriggersSnapshot>;
}

/** A refusal's text for the request as a whole, and its field errors. */
const whole = (errors: ApiErrorDetail[]) => errors.filter((e) => e.field === '').map((e) => e.message).join('; ');
const fields = (errors: ApiErrorDetail[]) => errors.filter((e) => e.field !== '');
/** The result of a reply that must be a success. */
function ok<R>(reply: Reply<R>, what: string): R {
  assert.ok(reply.ok, `${what} was refused: ${reply.ok ? '' : JSON.stringify(reply.errors)}`);
  return reply.result;
}
/** The errors of a reply that must be a refusal. */
function refused<R>(reply: Reply<R>, what: string): ApiErrorDetail[] {
  assert.equal(reply.ok, false, `${what} was accepted`);
  return reply.ok ? [] : reply.errors;
}

const spec = (name: string, deviceAddress: string, extra: Partial<TriggerSpec> = {}): TriggerSpec => ({
  name,
  flow: FLOW,
  conditions: { deviceAddress, devicePort: '*', trapOid: '1.3.6.1.6.3.1.1.5.3', version: 'v2c', community: 'public' },
  inputs: { label: name },
  pduVariable: 'trap',
  ...extra,
});

suite('triggers panel', () => {
  let url: string;
  let client: GatewayClient;
  let panel: Panel;

  suiteSetup(async () => {
    ({ url, client } = await startTestGateway());
    await publishTestPackage(client, PKG, { [FLOW]: FLOW_TEXT });
    for (const t of (await client.listTriggers(PKG, 1)).triggers) await client.deleteTrigger(PKG, 1, t.id);
  });

  suiteTeardown(async () => {
    try {
      for (const t of (await client.listTriggers(PKG, 1)).triggers) await client.deleteTrigger(PKG, 1, t.id);
      await client.unpublish(PKG, 1);
      await client.deleteSnmpUser('fg-test-user').catch(() => undefined);
    } catch {
      /* gone */
    }
    await stopTestGateway();
  });

  test('Show Triggers opens the panel of the version with its flows, users and the SNMP trap target', async () => {
    const shown = await vscode.commands.executeCommand<Shown>('flowgate.showTriggers', { gatewayUrl: url, packageName: PKG, version: 1 });
    assert.ok(shown, 'Show Triggers returned nothing (it failed)');
    assert.equal((shown as unknown as Record<string, unknown>).handle, undefined, 'a command answer carries functions (a test hook in the command)');
    const open = api().panels.triggers(shown.key);
    assert.ok(open, `no Triggers panel is open for ${shown.key}`);
    panel = { key: shown.key, answer: (method, params) => open.host.answer(method, params), load: () => open.load() };
    assert.deepEqual(shown.scope.packageName, PKG);
    const snap = await panel.load();
    assert.deepEqual(snap.problems, []);
    assert.equal(snap.published, true);
    assert.deepEqual(snap.flows.map((f) => f.id), [FLOW]);
    const health = await client.health();
    assert.deepEqual(snap.trapTarget, { host: new URL(url).hostname, port: health.snmpPort });
    await waitFor('the Triggers tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label === 'Triggers: fg-triggers-test v1' && t.input instanceof vscode.TabInputWebview),
    );
  });

  test('create, edit, disable, enable and delete a trigger through the panel', async () => {
    const created = ok(await panel.answer('saveTrigger', { spec: spec('Temp', '192.168.0.0/16') }), 'create');
    const id = created.id;
    assert.equal((await client.listTriggers(PKG, 1)).triggers.find((t) => t.id === id)?.name, 'Temp');

    const edited = await panel.answer('saveTrigger', { id, spec: spec('Temp edited', '192.168.1.1-192.168.1.20') });
    assert.equal(edited.ok, true, JSON.stringify(edited));
    let onGateway = (await client.listTriggers(PKG, 1)).triggers.find((t) => t.id === id)!;
    assert.equal(onGateway.name, 'Temp edited');
    assert.equal(onGateway.conditions.deviceAddress, '192.168.1.1-192.168.1.20');

    assert.equal((await panel.answer('setEnabled', { id, enabled: false })).ok, true);
    onGateway = (await client.listTriggers(PKG, 1)).triggers.find((t) => t.id === id)!;
    assert.equal(onGateway.enabled, false);
    assert.equal(onGateway.name, 'Temp edited', 'disabling changed other fields');
    assert.equal((await panel.answer('setEnabled', { id, enabled: true })).ok, true);
    assert.equal((await client.listTriggers(PKG, 1)).triggers.find((t) => t.id === id)!.enabled, true);

    assert.equal((await panel.answer('deleteTrigger', { id })).ok, true);
    assert.equal((await client.listTriggers(PKG, 1)).triggers.some((t) => t.id === id), false);
  });

  test('invalid conditions are refused with the field named, as the page names them', async () => {
    const cases: [Partial<TriggerSpec['conditions']>, string, RegExp][] = [
      [{ deviceAddress: '10.0.0.9-10.0.0.1' }, 'conditions.deviceAddress', /start is after its end|10\.0\.0\.9-10\.0\.0\.1/],
      [{ deviceAddress: '10.0.0.1/33' }, 'conditions.deviceAddress', /33|CIDR|prefix/i],
      [{ trapOid: '1.3.6.x.1' }, 'conditions.trapOid', /OID|1\.3\.6\.x\.1/],
    ];
    for (const [bad, field, message] of cases) {
      const s = spec('Bad', '*');
      s.conditions = { ...s.conditions, ...bad };
      const page = validateTriggerSpec(s, undefined);
      assert.ok(page.some((e) => e.field === field), `the page's check of ${JSON.stringify(bad)}: ${JSON.stringify(page)}`);
      const errors = refused(await panel.answer('saveTrigger', { spec: s }), JSON.stringify(bad));
      const named = fields(errors).find((e) => e.field === field);
      assert.ok(named, `no error on ${field}: ${JSON.stringify(errors)}`);
      assert.match(named.message, message);
      assert.match(whole(errors), /could not create trigger 'Bad'/);
    }
    assert.equal((await client.listTriggers(PKG, 1)).triggers.length, 0);
  });

  test('SNMPv3 users: saved with keys, listed without them', async () => {
    const saved = await panel.answer('saveUser', {
      isNew: true,
      user: { name: 'fg-test-user', level: 'authPriv', authProtocol: 'sha', authKey: 'auth-secret-1', privProtocol: 'aes', privKey: 'priv-secret-1' },
    });
    assert.equal(saved.ok, true, JSON.stringify(saved));
    assert.doesNotMatch(JSON.stringify(saved), /secret/);
    const snap = await panel.load();
    const u = snap.users.find((x) => x.name === 'fg-test-user');
    assert.deepEqual(u, { name: 'fg-test-user', level: 'authPriv', authProtocol: 'sha', privProtocol: 'aes' });
    assert.doesNotMatch(JSON.stringify(snap), /secret/);
    const again = refused(
      await panel.answer('saveUser', {
        isNew: true,
        user: { name: 'fg-test-user', level: 'authNoPriv', authProtocol: 'md5', authKey: 'auth-secret-2' },
      }),
      'a second user of the same name',
    );
    assert.equal(fields(again)[0]?.field, 'name');
    assert.doesNotMatch(JSON.stringify(again), /secret/);
    assert.equal((await panel.answer('deleteUser', { name: 'fg-test-user' })).ok, true);
    assert.equal((await client.listSnmpUsers()).users.some((x) => x.name === 'fg-test-user'), false);
  });

  test('a real v2c test trap from 127.0.0.2 matches one trigger, names the failed condition of the other, and starts an execution', async () => {
    const local = await panel.answer('saveTrigger', { spec: spec('Loopback-Link-Down', '127.0.0.0/8') });
    const other = await panel.answer('saveTrigger', { spec: spec('Core-Subnet', '10.0.0.0/8') });
    assert.ok(local.ok && other.ok, `${JSON.stringify(local)} ${JSON.stringify(other)}`);
    await panel.load();

    const answer = await panel.answer('sendTrap', {
      trap: {
        version: 'v2c',
        community: 'public',
        trapOid: '1.3.6.1.6.3.1.1.5.3',
        varbinds: [
          { oid: '1.3.6.1.2.1.2.2.1.1.7', type: 'Integer', value: '7' },
          { oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'vscode-test-router' },
        ],
        source: '127.0.0.2',
      },
    });
    const r: TestTrapResult = ok(answer, 'the test trap');
    assert.equal(r.mode, 'sent');
    assert.ok(r.trapId);
    assert.equal(r.pdu.source.address, '127.0.0.2');
    assert.equal(r.pdu.community, '***'); // the gateway's trap log masks communities (the devices' credentials)
    assert.deepEqual(
      r.pdu.varbinds.find((v) => v.oid === '1.3.6.1.2.1.1.5.0')?.value,
      'vscode-test-router',
    );
    const mine = r.evaluations.filter((e) => e.packageName === PKG);
    const matched = mine.find((e) => e.triggerName === 'Loopback-Link-Down');
    const missed = mine.find((e) => e.triggerName === 'Core-Subnet');
    assert.ok(matched?.matched, JSON.stringify(mine));
    assert.ok(matched.executionId, 'the match started no execution');
    assert.equal(missed?.matched, false);
    assert.equal(missed?.failed?.condition, 'deviceAddress');
    assert.match(missed?.failed?.message ?? '', /127\.0\.0\.2/);

    const started = r.executions.find((x) => x.triggerId === matched.triggerId);
    assert.equal(started?.id, matched.executionId);
    assert.equal(started?.initiator, 'trigger Loopback-Link-Down');
    const execution = await waitFor('the execution to end', async () => {
      const d = await client.getExecution(matched.executionId!);
      return d.status === 'Ended' || d.status === 'Error' ? d : undefined;
    });
    assert.equal(execution.status, 'Ended', JSON.stringify(execution.error));
    assert.deepEqual(execution.initiator, { type: 'trigger', name: 'Loopback-Link-Down', id: matched.triggerId });
    assert.equal(execution.inputs.label, 'Loopback-Link-Down');
    assert.equal((execution.inputs.trap as { source: { address: string } }).source.address, '127.0.0.2');
    assert.ok(execution.log.some((l) => l.message === 'trap 1.3.6.1.6.3.1.1.5.3 label Loopback-Link-Down'), JSON.stringify(execution.log));
  });

  test('Evaluate without sending answers for a described trap, and a bad source is named', async () => {
    const evaluated = ok(
      await panel.answer('evaluateTrap', {
        trap: { version: 'v2c', community: 'public', trapOid: '1.3.6.1.6.3.1.1.5.3', varbinds: [], source: '10.1.2.3' },
      }),
      'evaluate',
    );
    const mine = evaluated.evaluations.filter((e) => e.packageName === PKG);
    assert.equal(evaluated.mode, 'evaluated');
    assert.equal(mine.find((e) => e.triggerName === 'Core-Subnet')?.matched, true);
    assert.equal(mine.find((e) => e.triggerName === 'Loopback-Link-Down')?.failed?.condition, 'deviceAddress');
    assert.deepEqual(evaluated.executions, []);

    const bad = refused(
      await panel.answer('sendTrap', {
        trap: { version: 'v2c', community: 'public', trapOid: '1.3.6.1.6.3.1.1.5.3', varbinds: [{ oid: 'not-an-oid', type: 'Integer', value: '1' }], source: '127.0.0.999' },
      }),
      'a trap from 127.0.0.999',
    );
    assert.deepEqual(fields(bad).map((e) => e.field).sort(), ['source', 'varbinds[0]']);
    assert.match(whole(bad), /could not send the test trap/);
  });

  test('what the page sends is untrusted: the host refuses malformed parameters, naming the field, and changes nothing', async () => {
    const before = (await client.listTriggers(PKG, 1)).triggers;
    const cases: [string, Promise<Reply<unknown>>, string][] = [
      ['a numeric trigger id', panel.answer('deleteTrigger', { id: 42 } as never), 'id'],
      ['an enabled flag that is text', panel.answer('setEnabled', { id: before[0].id, enabled: 'yes' } as never), 'enabled'],
      ['a trigger that is a string', panel.answer('saveTrigger', { spec: 'x' } as never), 'trigger'],
      ['a user with a short key', panel.answer('saveUser', { isNew: true, user: { name: 'fg-bad', level: 'authNoPriv', authProtocol: 'sha', authKey: 'short' } }), 'authKey'],
      ['a user name with a slash', panel.answer('deleteUser', { name: '../x' }), 'name'],
      ['varbinds that are not a list', panel.answer('evaluateTrap', { trap: { version: 'v2c', trapOid: '1.3.6.1', varbinds: 'x', source: '127.0.0.1' } } as never), 'varbinds'],
      ['an execution id with a newline', panel.answer('openExecution', { id: 'a\nb' }), 'id'],
      ['no parameters', panel.answer('deleteTrigger', null as never), ''],
    ];
    for (const [what, pending, field] of cases) {
      const errors = refused(await pending, what);
      assert.ok(errors.some((e) => e.field === field), `${what}: ${JSON.stringify(errors)}`);
    }
    assert.deepEqual((await client.listTriggers(PKG, 1)).triggers, before);
    assert.equal((await client.listSnmpUsers()).users.some((u) => u.name === 'fg-bad'), false);
  });

  test('openExecution opens the Running Executions page of the version', async () => {
    const { executions } = await client.listExecutions({ packageName: PKG });
    assert.ok(executions.length > 0, 'the test trap started no execution');
    ok(await panel.answer('openExecution', { id: executions[0].id }), 'openExecution');
    await waitFor('the Running Executions tab of the version', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label === `Executions: ${PKG} v1` && t.input instanceof vscode.TabInputWebview),
    );
  });

  test('Send Test Trap from the palette opens the same panel', async () => {
    const shown = await vscode.commands.executeCommand<Shown>('flowgate.sendTestTrap', { gatewayUrl: url, packageName: PKG, version: 1 });
    assert.ok(shown, 'Send Test Trap returned nothing (it failed)');
    assert.equal(shown.key, panel.key);
  });
});
