// The Triggers panel against the local emulator the extension starts: its own package
// (`fg-triggers-test`, published for the suite), triggers created, edited, disabled and deleted
// through the panel's handler (the one the page's messages reach), an invalid condition refused
// with the field named (the same rule core's validateTriggerSpec applies in the page), SNMPv3 users
// whose keys never come back, and a REAL v2c test trap over UDP from 127.0.0.2 that matches one
// trigger and not the other — the evaluations the panel gets, and the execution the match started
// (initiator: the trigger). Evaluate without sending answers the other way round.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GatewayClient } from '../../../src/core/client/gatewayClient';
import { validateTriggerSpec } from '../../../src/core/triggers/validate';
import type { TriggerSpec } from '../../../src/core/model/trigger';
import type { ExtensionToWebview, TestTrapResult, TriggersSnapshot, WebviewToExtension } from '../../../webview/protocol/triggers';
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

type Answer = Extract<ExtensionToWebview, { type: 'done' | 'trapResult' }>;
/** What the Show Triggers / Send Test Trap commands answer. */
interface Shown {
  key: string;
  scope: { gatewayUrl: string; packageName: string; packageVersion: number };
}
/** The open panel's own handler and loader, reached through the extension's API (`panels.triggers(key)`). */
interface Panel {
  key: string;
  handle(message: WebviewToExtension): Promise<Answer | undefined>;
  load(): Promise<TriggersSnapshot>;
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
  let requestId = 1;
  const done = async (message: WebviewToExtension) => {
    const answer = await panel.handle(message);
    assert.ok(answer && answer.type === 'done', `no 'done' answer to ${message.type}: ${JSON.stringify(answer)}`);
    return answer as Extract<Answer, { type: 'done' }>;
  };

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
    panel = { key: shown.key, handle: (m) => open.handle(m), load: () => open.load() };
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
    const created = await done({ type: 'saveTrigger', requestId: requestId++, spec: spec('Temp', '192.168.0.0/16') });
    assert.equal(created.ok, true, created.error);
    const id = created.trigger!.id;
    assert.equal((await client.listTriggers(PKG, 1)).triggers.find((t) => t.id === id)?.name, 'Temp');

    const edited = await done({ type: 'saveTrigger', requestId: requestId++, id, spec: spec('Temp edited', '192.168.1.1-192.168.1.20') });
    assert.equal(edited.ok, true, edited.error);
    let onGateway = (await client.listTriggers(PKG, 1)).triggers.find((t) => t.id === id)!;
    assert.equal(onGateway.name, 'Temp edited');
    assert.equal(onGateway.conditions.deviceAddress, '192.168.1.1-192.168.1.20');

    assert.equal((await done({ type: 'setEnabled', requestId: requestId++, id, enabled: false })).ok, true);
    onGateway = (await client.listTriggers(PKG, 1)).triggers.find((t) => t.id === id)!;
    assert.equal(onGateway.enabled, false);
    assert.equal(onGateway.name, 'Temp edited', 'disabling changed other fields');
    assert.equal((await done({ type: 'setEnabled', requestId: requestId++, id, enabled: true })).ok, true);
    assert.equal((await client.listTriggers(PKG, 1)).triggers.find((t) => t.id === id)!.enabled, true);

    assert.equal((await done({ type: 'deleteTrigger', requestId: requestId++, id })).ok, true);
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
      const answer = await done({ type: 'saveTrigger', requestId: requestId++, spec: s });
      assert.equal(answer.ok, false, `${JSON.stringify(bad)} was accepted`);
      const named = answer.fieldErrors?.find((e) => e.field === field);
      assert.ok(named, `no error on ${field}: ${JSON.stringify(answer)}`);
      assert.match(named.message, message);
      assert.match(answer.error ?? '', /could not create trigger 'Bad'/);
    }
    assert.equal((await client.listTriggers(PKG, 1)).triggers.length, 0);
  });

  test('SNMPv3 users: saved with keys, listed without them', async () => {
    const saved = await done({
      type: 'saveUser',
      requestId: requestId++,
      isNew: true,
      user: { name: 'fg-test-user', level: 'authPriv', authProtocol: 'sha', authKey: 'auth-secret-1', privProtocol: 'aes', privKey: 'priv-secret-1' },
    });
    assert.equal(saved.ok, true, saved.error);
    const snap = await panel.load();
    const u = snap.users.find((x) => x.name === 'fg-test-user');
    assert.deepEqual(u, { name: 'fg-test-user', level: 'authPriv', authProtocol: 'sha', privProtocol: 'aes' });
    assert.doesNotMatch(JSON.stringify(snap), /secret/);
    const again = await done({
      type: 'saveUser',
      requestId: requestId++,
      isNew: true,
      user: { name: 'fg-test-user', level: 'authNoPriv', authProtocol: 'md5', authKey: 'auth-secret-2' },
    });
    assert.equal(again.ok, false);
    assert.equal(again.fieldErrors?.[0]?.field, 'name');
    assert.equal((await done({ type: 'deleteUser', requestId: requestId++, name: 'fg-test-user' })).ok, true);
    assert.equal((await client.listSnmpUsers()).users.some((x) => x.name === 'fg-test-user'), false);
  });

  test('a real v2c test trap from 127.0.0.2 matches one trigger, names the failed condition of the other, and starts an execution', async () => {
    const local = await done({ type: 'saveTrigger', requestId: requestId++, spec: spec('Loopback-Link-Down', '127.0.0.0/8') });
    const other = await done({ type: 'saveTrigger', requestId: requestId++, spec: spec('Core-Subnet', '10.0.0.0/8') });
    assert.ok(local.ok && other.ok, `${local.error} ${other.error}`);
    await panel.load();

    const answer = await panel.handle({
      type: 'sendTrap',
      requestId: requestId++,
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
    assert.ok(answer?.type === 'trapResult', JSON.stringify(answer));
    assert.ok(answer.result, `no result: ${answer.error}`);
    const r: TestTrapResult = answer.result;
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
    const answer = await panel.handle({
      type: 'evaluateTrap',
      requestId: requestId++,
      trap: { version: 'v2c', community: 'public', trapOid: '1.3.6.1.6.3.1.1.5.3', varbinds: [], source: '10.1.2.3' },
    });
    assert.ok(answer?.type === 'trapResult' && answer.result, JSON.stringify(answer));
    const mine = answer.result.evaluations.filter((e) => e.packageName === PKG);
    assert.equal(answer.result.mode, 'evaluated');
    assert.equal(mine.find((e) => e.triggerName === 'Core-Subnet')?.matched, true);
    assert.equal(mine.find((e) => e.triggerName === 'Loopback-Link-Down')?.failed?.condition, 'deviceAddress');
    assert.deepEqual(answer.result.executions, []);

    const bad = await panel.handle({
      type: 'sendTrap',
      requestId: requestId++,
      trap: { version: 'v2c', community: 'public', trapOid: '1.3.6.1.6.3.1.1.5.3', varbinds: [{ oid: 'not-an-oid', type: 'Integer', value: '1' }], source: '127.0.0.999' },
    });
    assert.ok(bad?.type === 'trapResult' && !bad.result);
    assert.deepEqual(bad.fieldErrors?.map((e) => e.field).sort(), ['source', 'varbinds[0]']);
  });

  test('Send Test Trap from the palette opens the same panel', async () => {
    const shown = await vscode.commands.executeCommand<Shown>('flowgate.sendTestTrap', { gatewayUrl: url, packageName: PKG, version: 1 });
    assert.ok(shown, 'Send Test Trap returned nothing (it failed)');
    assert.equal(shown.key, panel.key);
  });
});
