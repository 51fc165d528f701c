// UI check of the Triggers webview. A gateway emulator of its own (a child process on a free port,
// temp data folder, SNMP trap port 0 = a free one, read back from /healthz) is added to
// `flowgate.gateways` for the check. Its package holds one flow; a trigger "Core-Subnet"
// (10.0.0.0/8) is created through the API. The page opens from the version node's inline
// "Show Triggers"; a new trigger with a bad CIDR shows the inline error under Device address, the
// fixed one is saved; then Send Test Trap sends a REAL v2c trap from 127.0.0.2 and the page shows
// "matched" with the started execution for the new trigger and the failed condition (deviceAddress)
// for "Core-Subnet"; the started execution's id opens the Running Executions page on it, and back on
// the Triggers page the typed trap and its result are still there. Evaluate without sending from
// 10.1.2.3 answers the other way round. The second check switches the form's flow (its inputs
// follow) and finds every field by its label; the third narrows the window (the editor about 800
// and 350 px wide) — row actions of both lists stay in sight and work, forms keep usable fields —
// and walks the list with Tab.
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
        const addressError = form.locator('.field-error[data-error-for="conditions.deviceAddress"]');
        await addressError.filter({ hasText: 'prefix length must be 0 to 32' }).waitFor({ state: 'visible', timeout: 10_000 });
        await form.locator('vscode-textfield[data-field="conditions.trapOid"] input').fill('1.3.6.1.6.3.1.1.5.3');
        await form.locator('vscode-textfield[data-input="label"] input').fill('loopback');
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

        // The execution id is a link: it opens the version's Running Executions page on that
        // execution (that page becomes the active webview and shows the whole id).
        await executionLink.click();
        await page.locator('.tabs-container .tab.active').filter({ hasText: `Executions: ${PKG} v1` }).waitFor({ state: 'visible', timeout: 20_000 });
        await ui.webviewFrame(page).getByText(executionId).first().waitFor({ state: 'visible', timeout: 20_000 });
        note(`screenshot: ${await screenshot('vscode-ui-triggers-open-execution')}`);

        // Back on the Triggers page (hidden meanwhile, so reloaded): the tab, the typed trap and the
        // result are kept.
        await page.locator('.tabs-container .tab').filter({ hasText: `Triggers: ${PKG} v1` }).click();
        await frame.locator('tr.evaluation.matched[data-trigger="Loopback"] a.execution-link').waitFor({ state: 'visible', timeout: 20_000 });
        const kept = {
          source: await trapForm.locator('vscode-textfield[data-field="source"] input').inputValue(),
          value: await trapForm.locator('vscode-textfield[data-field="varbinds[1].value"] input').inputValue(),
        };
        if (kept.source !== '127.0.0.2' || kept.value !== 'ui-router') throw new Error(`the trap form after hiding: ${JSON.stringify(kept)}`);

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
        await form.locator('vscode-textfield[data-input="alphaNote"]').waitFor({ state: 'detached', timeout: 10_000 });
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
        await form.locator('vscode-textfield[data-input="betaHost"]').waitFor({ state: 'detached', timeout: 10_000 });
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
  {
    title: "Triggers: at narrow editors every row action stays in sight and works, forms keep usable fields; wide, the Flow column is whole; Tab from New Trigger reaches the first row's Edit and Enter opens it",
    async run(t) {
      const { page, ui, screenshot, note } = t;
      const pkg = 'ui-trig-narrow';
      const flow = 'ui/narrow/a-rather-long-folder-name/On-Trap-With-A-Long-Name';
      await withPrivateGateway(t, { gatewayName: 'UI Trigger Narrow Gateway', emulatorName: 'ui-trig-narrow', pkg, flows: { [flow]: FLOW_TEXT } }, async (gateway) => {
        for (const name of ['Narrow-One', 'Narrow-Two']) {
          await gateway.api(
            'POST',
            `/api/v1/packages/${pkg}/versions/1/triggers`,
            JSON.stringify({
              name,
              flow,
              conditions: { deviceAddress: '10.0.0.0/8, 192.168.1.1-192.168.1.20', devicePort: '1024-65535', trapOid: '1.3.6.1.6.3.1.1.5.3', version: 'v2c', community: 'public, private' },
              pduVariable: 'trap',
            }),
            { 'content-type': 'application/json' },
          );
        }
        await gateway.api(
          'PUT',
          '/api/v1/snmp/users/ui-narrow-monitor',
          JSON.stringify({ name: 'ui-narrow-monitor', level: 'authPriv', authProtocol: 'sha256', authKey: 'narrow-auth-1', privProtocol: 'aes', privKey: 'narrow-priv-1' }),
          { 'content-type': 'application/json' },
        );
        await gateway.addToSettings();
        await ui.clickVersionAction(page, { gateway: 'UI Trigger Narrow Gateway', packageName: pkg, action: 'Show Triggers' });
        const frame = ui.webviewFrame(page);
        const one = frame.locator('tr.trigger-row[data-name="Narrow-One"]');
        const monitor = frame.locator('tr.user-row[data-name="ui-narrow-monitor"]');
        await one.waitFor({ state: 'visible', timeout: 30_000 });
        const triggersOnGateway = async () => (await gateway.api('GET', `/api/v1/packages/${pkg}/versions/1/triggers`)).triggers;

        // Wide (1400 px window): the whole flow id shows, on no more than two lines, nothing cut.
        const flowCell = await one.locator('td.flow').evaluate((el) => ({ text: el.textContent.trim(), scroll: el.scrollWidth, client: el.clientWidth, height: el.getBoundingClientRect().height }));
        if (flowCell.text !== flow || flowCell.scroll > flowCell.client) throw new Error(`wide: the Flow cell ${JSON.stringify(flowCell)}`);
        note(`screenshot: ${await screenshot('vscode-ui-triggers-wide')}; flow cell ${JSON.stringify(flowCell)}`);

        /** Where an element lies in the page: its box and the page's visible width (no sideways scroll). */
        const box = (locator) =>
          locator.evaluate((el) => {
            const r = el.getBoundingClientRect();
            const d = document.documentElement;
            return { left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width), page: d.clientWidth, scroll: d.scrollWidth };
          });
        /** The elements that stick out at the right (for the message of a failure). */
        const overflowing = () =>
          frame.locator('body').evaluate((body) => {
            const page = document.documentElement.clientWidth;
            return [...body.querySelectorAll('*')]
              .filter((el) => el.getBoundingClientRect().right > page)
              .slice(0, 6)
              .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} → ${Math.round(el.getBoundingClientRect().right)}`);
          });
        const inSight = async (locator, what) => {
          const b = await box(locator);
          if (b.width === 0 || b.left < 0 || b.right > b.page || b.scroll > b.page) throw new Error(`${what} is out of sight: ${JSON.stringify(b)}; sticking out: ${(await overflowing()).join(', ')}`);
          return b;
        };

        const before = page.viewportSize();
        try {
          // A 1150 px window (the editor about 800 px wide) and a 700 px one (the editor under 500 px).
          for (const width of [1150, 700]) {
            await page.setViewportSize({ width, height: 900 });
            await page.waitForTimeout(600);
            const page0 = await box(one);
            for (const cls of ['edit', 'toggle', 'delete']) await inSight(one.locator(`vscode-button.${cls}`), `at ${width} px (page ${page0.page} px) the ${cls} button`);
            const conditions = await one.locator('td.conditions').evaluate((el) => ({ text: el.textContent.trim(), scroll: el.scrollWidth, client: el.clientWidth }));
            if (!conditions.text.includes('192.168.1.1-192.168.1.20') || conditions.scroll > conditions.client) throw new Error(`at ${width} px the conditions: ${JSON.stringify(conditions)}`);
            note(`screenshot: ${await screenshot(`vscode-ui-triggers-${width}px`)}; page ${page0.page} px`);
            // The SNMPv3 users list too.
            await frame.locator('vscode-tab-header[data-tab="users"]').click();
            await monitor.waitFor({ state: 'visible', timeout: 10_000 });
            for (const cls of ['edit', 'delete']) await inSight(monitor.locator(`vscode-button.${cls}`), `at ${width} px the user's ${cls} button`);
            await frame.locator('vscode-tab-header[data-tab="triggers"]').click();
            await one.waitFor({ state: 'visible', timeout: 10_000 });
          }

          // At 700 px the row actions work: Disable and Enable again, Delete after its confirmation.
          await one.locator('vscode-button.toggle').click();
          await one.locator('td.enabled', { hasText: 'Disabled' }).waitFor({ state: 'visible', timeout: 15_000 });
          if ((await triggersOnGateway()).find((x) => x.name === 'Narrow-One')?.enabled !== false) throw new Error('Disable at 700 px did not disable');
          await one.locator('vscode-button.toggle').click();
          await one.locator('td.enabled', { hasText: 'Enabled' }).waitFor({ state: 'visible', timeout: 15_000 });
          const two = frame.locator('tr.trigger-row[data-name="Narrow-Two"]');
          await two.locator('vscode-button.delete').click();
          const confirm = two.locator('vscode-button.confirm-delete');
          await inSight(confirm, 'at 700 px the confirming Delete');
          await confirm.click();
          await two.waitFor({ state: 'detached', timeout: 15_000 });
          if ((await triggersOnGateway()).some((x) => x.name === 'Narrow-Two')) throw new Error('Delete at 700 px did not delete');

          // The form at 700 px: fields keep a usable width, the condition editor fits.
          await frame.locator('vscode-button.new-trigger').click();
          const form = frame.locator('section.trigger-form');
          await form.waitFor({ state: 'visible', timeout: 10_000 });
          for (const field of ['name', 'conditions.deviceAddress', 'conditions.trapOid']) {
            const b = await inSight(form.locator(`vscode-textfield[data-field="${field}"]`), `at 700 px the ${field} field`);
            if (b.width < 150) throw new Error(`at 700 px the ${field} field is ${b.width} px wide`);
          }
          await inSight(form.locator('vscode-button.save'), 'at 700 px Create');
          note(`screenshot: ${await screenshot('vscode-ui-triggers-form-700px')}`);
          await form.locator('vscode-button.cancel').click();
          await form.waitFor({ state: 'detached', timeout: 5000 });

          // SNMPv3 Users at 700 px: a user added with its keys is listed without them (the keys are
          // gone from the page), and deleted again after its confirmation.
          await frame.locator('vscode-tab-header[data-tab="users"]').click();
          await frame.locator('vscode-button.add-user').click();
          const userForm = frame.locator('section.user-form');
          await userForm.waitFor({ state: 'visible', timeout: 10_000 });
          await userForm.getByLabel('Name', { exact: true }).fill('ui-narrow-user');
          await userForm.getByLabel('Auth key', { exact: true }).fill('narrow-secret-auth');
          await userForm.getByLabel('Privacy key', { exact: true }).fill('narrow-secret-priv');
          await inSight(userForm.locator('vscode-button.save-user'), 'at 700 px Add User');
          note(`screenshot: ${await screenshot('vscode-ui-triggers-user-700px')}`);
          await userForm.locator('vscode-button.save-user').click();
          const added = frame.locator('tr.user-row[data-name="ui-narrow-user"]');
          await added.waitFor({ state: 'visible', timeout: 15_000 });
          await userForm.waitFor({ state: 'detached', timeout: 10_000 });
          const listed = (await gateway.api('GET', '/api/v1/snmp/users')).users.find((u) => u.name === 'ui-narrow-user');
          if (listed?.level !== 'authPriv' || listed?.privProtocol !== 'aes') throw new Error(`the added user: ${JSON.stringify(listed)}`);
          const pageText = await frame.locator('body').evaluate((b) => b.innerHTML + JSON.stringify([...b.querySelectorAll('vscode-textfield')].map((f) => f.value)));
          if (/narrow-secret/.test(pageText)) throw new Error('a key stayed in the page after saving the user');
          if ((await added.locator('td.level').textContent())?.trim() !== 'authPriv') throw new Error('the added user is not listed as authPriv');
          await added.locator('vscode-button.delete').click();
          await inSight(added.locator('vscode-button.confirm-delete'), "at 700 px the user's confirming Delete");
          await added.locator('vscode-button.confirm-delete').click();
          await added.waitFor({ state: 'detached', timeout: 15_000 });
          if ((await gateway.api('GET', '/api/v1/snmp/users')).users.some((u) => u.name === 'ui-narrow-user')) throw new Error('Delete did not delete the user');

          // Send Test Trap at 700 px: a varbind row wraps rather than squeezing its fields.
          await frame.locator('vscode-tab-header[data-tab="sendTrap"]').click();
          const trapForm = frame.locator('section.trap-form');
          await trapForm.waitFor({ state: 'visible', timeout: 10_000 });
          const vb = trapForm.locator('.varbind-row[data-index="0"]');
          for (const cls of ['vb-oid', 'vb-value']) {
            const b = await inSight(vb.locator(`.${cls}`), `at 700 px the varbind ${cls}`);
            if (b.width < 120) throw new Error(`at 700 px the varbind ${cls} is ${b.width} px wide`);
          }
          await inSight(vb.locator('vscode-button.vb-remove'), 'at 700 px the varbind Remove');
          await inSight(trapForm.locator('vscode-button.send-trap'), 'at 700 px Send Trap');
          note(`screenshot: ${await screenshot('vscode-ui-triggers-trap-700px')}`);
          await frame.locator('vscode-tab-header[data-tab="triggers"]').click();
        } finally {
          if (before) await page.setViewportSize(before);
        }

        // Keyboard: from New Trigger, Tab reaches the first row's Edit; Enter opens that trigger.
        const newTrigger = frame.locator('vscode-button.new-trigger');
        await newTrigger.waitFor({ state: 'visible', timeout: 10_000 });
        await newTrigger.focus();
        await page.keyboard.press('Tab');
        const focused = await frame.locator(':focus').evaluate((el) => ({ tag: el.tagName.toLowerCase(), edit: el.classList.contains('edit'), label: el.getAttribute('aria-label') }));
        if (focused.tag !== 'vscode-button' || !focused.edit || focused.label !== "Edit trigger 'Narrow-One'") throw new Error(`Tab from New Trigger reached: ${JSON.stringify(focused)}`);
        await page.keyboard.press('Tab');
        const next = await frame.locator(':focus').getAttribute('aria-label');
        if (next !== "Disable trigger 'Narrow-One'") throw new Error(`the next Tab reached: ${next}`);
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Enter');
        await frame.locator('section.trigger-form .form-title').filter({ hasText: "Edit trigger 'Narrow-One'" }).waitFor({ state: 'visible', timeout: 10_000 });
      });
    },
  },
];
