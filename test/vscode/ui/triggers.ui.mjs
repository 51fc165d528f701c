// UI check of the Triggers webview. A gateway emulator of its own (a child process on a free port,
// temp data folder, SNMP trap port 0 = a free one, read back from /healthz) is added to
// `flowgate.gateways` for the check. Its package holds one flow; a trigger "Core-Subnet"
// (10.0.0.0/8) is created through the API. The page opens from the version node's inline
// "Show Triggers"; a new trigger with a bad CIDR shows the inline error under Device address, the
// fixed one is saved; then Send Test Trap sends a REAL v2c trap from 127.0.0.2 and the page shows
// "matched" with the started execution for the new trigger and the failed condition (deviceAddress)
// for "Core-Subnet". Evaluate without sending from 10.1.2.3 answers the other way round.
import { withPrivateGateway } from './support.mjs';

const PKG = 'ui-trig-check';
const GATEWAY_NAME = 'UI Trigger Gateway';
const FLOW = 'ui/trig/On-Trap';
const FLOW_TEXT = `description: Logs the trap it was started for.
inputs:
  trap:
    type: object
  label:
    type: string
    default: none
steps:
  - kind: log
    message: "= 'trap from ' & trap.source.address & ' (' & label & ')'"
`;

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Triggers: from the version node, a bad CIDR named inline, the fixed trigger saved, Send Test Trap shows "matched" and the failed condition of the other',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      await withPrivateGateway(t, { gatewayName: GATEWAY_NAME, emulatorName: 'ui-trig-check', pkg: PKG, flows: { [FLOW]: FLOW_TEXT } }, async (gateway) => {
        await gateway.api(
          'POST',
          `/api/v1/packages/${PKG}/versions/1/triggers`,
          JSON.stringify({
            name: 'Core-Subnet',
            flow: FLOW,
            conditions: { deviceAddress: '10.0.0.0/8', devicePort: '*', trapOid: '1.3.6.1.6.3.1.1.5.3', version: 'v2c', community: 'public' },
            inputs: { label: 'core' },
            pduVariable: 'trap',
          }),
          { 'content-type': 'application/json' },
        );
        const { snmpPort } = await gateway.api('GET', '/healthz');
        note(`emulator ${gateway.url}, SNMP trap port ${snmpPort}`);

        await gateway.addToSettings();

        // Gateways view: the gateway → the package → the version node's inline "Show Triggers".
        await ui.clickVersionAction(page, { gateway: GATEWAY_NAME, packageName: PKG, action: 'Show Triggers' });

        const frame = ui.webviewFrame(page);
        const coreRow = frame.locator('tr.trigger-row[data-name="Core-Subnet"]');
        await coreRow.waitFor({ state: 'visible', timeout: 30_000 });
        const summary = ((await coreRow.locator('td.conditions').textContent()) || '').trim();
        if (!/from 10\.0\.0\.0\/8/.test(summary) || !/community public/.test(summary)) throw new Error(`conditions summary: ${summary}`);

        // A new trigger: a bad CIDR is named under Device address while typing.
        await frame.locator('vscode-button.new-trigger').click();
        const form = frame.locator('section.trigger-form');
        await form.waitFor({ state: 'visible', timeout: 10_000 });
        await form.locator('vscode-textfield[data-field="name"] input').fill('Loopback');
        const address = form.locator('vscode-textfield[data-field="conditions.deviceAddress"] input');
        await address.fill('10.0.0.0/33');
        const addressError = form.locator('.error[data-error="conditions.deviceAddress"]');
        await addressError.filter({ hasText: 'prefix length must be 0 to 32' }).waitFor({ state: 'visible', timeout: 10_000 });
        await form.locator('vscode-textfield[data-field="conditions.trapOid"] input').fill('1.3.6.1.6.3.1.1.5.3');
        await form.locator('vscode-textfield[data-field="inputs.label"] input').fill('loopback');
        // Room below the dropdown: the select at the top of the page before it opens.
        const pduSelect = form.locator('vscode-single-select[data-field="pduVariable"]');
        await pduSelect.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await ui.chooseOption(pduSelect, 'trap');
        await addressError.scrollIntoViewIfNeeded();
        note(`screenshot: ${await screenshot('vscode-ui-triggers-form-error')}`);
        // Save with the error is refused in the page.
        await form.locator('vscode-button.save').click();
        await form.getByText('Fix 1 problem first.').waitFor({ state: 'visible', timeout: 5000 });
        await address.fill('127.0.0.0/8');
        await addressError.waitFor({ state: 'hidden', timeout: 10_000 });
        await form.locator('vscode-button.save').click();
        const loopRow = frame.locator('tr.trigger-row[data-name="Loopback"]');
        await loopRow.waitFor({ state: 'visible', timeout: 15_000 });
        await form.waitFor({ state: 'detached', timeout: 10_000 });
        const saved = (await gateway.api('GET', `/api/v1/packages/${PKG}/versions/1/triggers`)).triggers.find((t) => t.name === 'Loopback');
        if (!saved || saved.conditions.deviceAddress !== '127.0.0.0/8' || saved.pduVariable !== 'trap' || saved.inputs.label !== 'loopback') {
          throw new Error(`the saved trigger: ${JSON.stringify(saved)}`);
        }
        note(`screenshot: ${await screenshot('vscode-ui-triggers-list')}`);

        // Send Test Trap: a real v2c trap from 127.0.0.2.
        await frame.locator('vscode-tab-header[data-tab="sendTrap"]').click();
        const trapForm = frame.locator('section.trap-form');
        await trapForm.waitFor({ state: 'visible', timeout: 10_000 });
        await trapForm.getByText(`127.0.0.1:${snmpPort}`).first().waitFor({ state: 'visible', timeout: 5000 });
        await trapForm.locator('vscode-textfield[data-field="source"] input').fill('127.0.0.2');
        await trapForm.locator('vscode-button.add-varbind').click();
        await trapForm.locator('vscode-textfield[data-field="varbinds[1].oid"] input').fill('1.3.6.1.2.1.1.5.0');
        await trapForm.locator('vscode-textfield[data-field="varbinds[1].value"] input').fill('ui-router');
        await trapForm.locator('vscode-button.send-trap').click();
        const matched = frame.locator('tr.evaluation.matched[data-trigger="Loopback"]');
        await matched.waitFor({ state: 'visible', timeout: 20_000 });
        const executionLink = matched.locator('a.execution-link');
        await executionLink.waitFor({ state: 'visible', timeout: 10_000 });
        await matched.locator('.exec-status', { hasText: 'Ended' }).waitFor({ state: 'visible', timeout: 15_000 });
        const missed = frame.locator('tr.evaluation.not-matched[data-trigger="Core-Subnet"]');
        await missed.waitFor({ state: 'visible', timeout: 5000 });
        const failed = ((await missed.locator('.failed-condition').textContent()) || '').trim();
        const why = ((await missed.locator('.failed-message').textContent()) || '').trim();
        if (failed !== 'deviceAddress' || !/127\.0\.0\.2/.test(why)) throw new Error(`Core-Subnet: ${failed} ${why}`);
        const executionId = await matched.locator('.execution').getAttribute('data-execution');
        const execution = await gateway.api('GET', `/api/v1/executions/${executionId}`);
        if (execution.initiator?.type !== 'trigger' || execution.initiator?.name !== 'Loopback' || execution.inputs?.trap?.source?.address !== '127.0.0.2') {
          throw new Error(`execution: ${JSON.stringify({ initiator: execution.initiator, inputs: execution.inputs })}`);
        }
        await frame.locator('.trap-result').scrollIntoViewIfNeeded();
        note(`screenshot: ${await screenshot('vscode-ui-triggers-sent')}; execution ${executionId}; Core-Subnet: ${failed}${why}`);

        // Evaluate without sending, from 10.1.2.3: the other way round.
        await trapForm.locator('vscode-textfield[data-field="source"] input').fill('10.1.2.3');
        await trapForm.locator('vscode-button.evaluate-trap').click();
        await frame.getByText('Evaluated by the gateway (not sent)').waitFor({ state: 'visible', timeout: 15_000 });
        await frame.locator('tr.evaluation.matched[data-trigger="Core-Subnet"]').waitFor({ state: 'visible', timeout: 5000 });
        await frame.locator('tr.evaluation.not-matched[data-trigger="Loopback"]').waitFor({ state: 'visible', timeout: 5000 });
      });
    },
  },
  {
    title: 'Triggers: changing the flow in the form shows the chosen flow\'s inputs and saving stores them; every field is found by its label; row buttons name their trigger',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      const pkg = 'ui-trig-flows';
      const alpha = 'ui/flows/Alpha';
      const beta = 'ui/flows/Beta';
      const flows = {
        [alpha]: 'description: First flow.\ninputs:\n  alphaNote:\n    type: string\nsteps:\n  - kind: log\n    message: "= alphaNote"\n',
        [beta]: 'description: Second flow.\ninputs:\n  betaHost:\n    type: string\n  betaCount:\n    type: integer\nsteps:\n  - kind: log\n    message: "= betaHost"\n',
      };
      await withPrivateGateway(t, { gatewayName: 'UI Trigger Flows Gateway', emulatorName: 'ui-trig-flows', pkg, flows }, async (gateway) => {
        await gateway.addToSettings();
        await ui.clickVersionAction(page, { gateway: 'UI Trigger Flows Gateway', packageName: pkg, action: 'Show Triggers' });
        const frame = ui.webviewFrame(page);
        const newButton = frame.locator('vscode-button.new-trigger');
        await newButton.waitFor({ state: 'visible', timeout: 30_000 });
        await newButton.click();
        const form = frame.locator('section.trigger-form');
        await form.waitFor({ state: 'visible', timeout: 10_000 });

        // Labels are tied to their fields: the accessible-name query finds each one.
        await form.getByLabel('Name', { exact: true }).fill('Flow-Switch');
        await form.getByLabel('Device address', { exact: true }).fill('127.0.0.0/8');
        await form.getByLabel('Trap OID', { exact: true }).fill('1.3.6.1.6.3.1.1.5.4');
        for (const label of ['Description', 'Device port']) {
          if ((await form.getByLabel(label, { exact: true }).count()) !== 1) throw new Error(`no single field labelled ${label}`);
        }
        // A select names its face and its list box by the label: the face is the one combobox.
        if ((await form.getByLabel('Flow', { exact: true }).and(form.getByRole('combobox')).count()) !== 1) throw new Error('no single field labelled Flow');

        // Pick Alpha, then change to Beta: Beta's inputs are shown, Alpha's are gone.
        const flowSelect = form.locator('vscode-single-select[data-field="flow"]');
        await flowSelect.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await ui.chooseOption(flowSelect, alpha);
        await form.getByLabel('alphaNote', { exact: true }).waitFor({ state: 'visible', timeout: 10_000 });
        await flowSelect.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await ui.chooseOption(flowSelect, beta);
        await form.getByText(`Inputs of ${beta}`).waitFor({ state: 'visible', timeout: 10_000 });
        await form.locator('vscode-textfield[data-field="inputs.alphaNote"]').waitFor({ state: 'detached', timeout: 10_000 });
        await form.getByLabel('betaHost', { exact: true }).fill('router-7');
        await form.getByLabel('betaCount', { exact: true }).fill('3');
        note(`screenshot: ${await screenshot('vscode-ui-triggers-flow-switch')}`);
        await form.locator('vscode-button.save').click();
        const row = frame.locator('tr.trigger-row[data-name="Flow-Switch"]');
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        const saved = (await gateway.api('GET', `/api/v1/packages/${pkg}/versions/1/triggers`)).triggers.find((x) => x.name === 'Flow-Switch');
        if (!saved || saved.flow !== beta || saved.inputs?.betaHost !== 'router-7' || saved.inputs?.betaCount !== 3 || 'alphaNote' in (saved.inputs ?? {})) {
          throw new Error(`the saved trigger: ${JSON.stringify(saved)}`);
        }

        // Row buttons say which trigger they act on.
        for (const [cls, label] of [['edit', 'Edit'], ['toggle', 'Disable'], ['delete', 'Delete']]) {
          const said = await row.locator(`vscode-button.${cls}`).getAttribute('aria-label');
          if (said !== `${label} trigger 'Flow-Switch'`) throw new Error(`the ${cls} button's label: ${JSON.stringify(said)}`);
        }

        // The edit form: changing back to Alpha shows Alpha's input, and saving stores it.
        await row.locator('vscode-button.edit').click();
        await form.waitFor({ state: 'visible', timeout: 10_000 });
        await form.getByLabel('betaHost', { exact: true }).waitFor({ state: 'visible', timeout: 10_000 });
        await flowSelect.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await ui.chooseOption(flowSelect, alpha);
        await form.getByLabel('alphaNote', { exact: true }).fill('switched');
        await form.locator('vscode-textfield[data-field="inputs.betaHost"]').waitFor({ state: 'detached', timeout: 10_000 });
        await form.locator('vscode-button.save').click();
        await form.waitFor({ state: 'detached', timeout: 15_000 });
        const edited = (await gateway.api('GET', `/api/v1/packages/${pkg}/versions/1/triggers`)).triggers.find((x) => x.name === 'Flow-Switch');
        if (!edited || edited.flow !== alpha || edited.inputs?.alphaNote !== 'switched' || 'betaHost' in (edited.inputs ?? {})) {
          throw new Error(`the edited trigger: ${JSON.stringify(edited)}`);
        }

        // Varbind fields have labels in Send Test Trap.
        await frame.locator('vscode-tab-header[data-tab="sendTrap"]').click();
        const trapForm = frame.locator('section.trap-form');
        await trapForm.waitFor({ state: 'visible', timeout: 10_000 });
        await trapForm.locator('vscode-button.add-varbind').click();
        const n = await trapForm.locator('.varbind-row').count();
        await trapForm.getByLabel(`Varbind ${n} OID`, { exact: true }).fill('1.3.6.1.2.1.1.5.0');
        await trapForm.getByLabel(`Varbind ${n} value`, { exact: true }).fill('labelled');
        if ((await trapForm.getByLabel(`Varbind ${n} type`, { exact: true }).and(trapForm.getByRole('combobox')).count()) !== 1) throw new Error(`no single field labelled Varbind ${n} type`);
        const removeSaid = await trapForm.locator(`.varbind-row[data-index="${n - 1}"] vscode-button.vb-remove`).getAttribute('aria-label');
        if (removeSaid !== `Remove varbind ${n}`) throw new Error(`the remove button's label: ${JSON.stringify(removeSaid)}`);
      });
    },
  },
];
