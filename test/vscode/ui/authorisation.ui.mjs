// UI check of the Authorisation webview. A gateway emulator of its own whose gateway.yaml holds an
// embedded directory with groups is added to `flowgate.gateways` for the check. The page opens from
// the version node's inline action in the Gateways view and says who may execute (no groups:
// anyone); the directory's groups are listed with their member counts and filter as typed; Add puts
// a group in the version's list (marked chosen in the directory, "Unsaved changes"); Save stores it
// (the gateway has it) and the line says members and Admins may execute. Then the directory loses a
// group the page still offers: saving it is refused and the refusal shows by that group's row;
// after Reload the group is flagged "not in the directory"; Remove and Save put things right.
import { withPrivateGateway } from './support.mjs';

const PKG = 'ui-auth-check';
const GATEWAY_NAME = 'UI Authorisation Gateway';
const HELLO = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';
const CONFIG = [
  'directory:',
  '  kind: embedded',
  '  users: []',
  '  groups:',
  '    - {name: flowgate-admins, members: []}',
  '    - {name: operators, members: [night-shift]}',
  '    - {name: night-shift, members: []}',
  '    - {name: auditors, members: []}',
  'adminGroups: [flowgate-admins]',
  'clients: []',
  '',
].join('\n');

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'Authorisation: from the version node, the meaning line, the directory groups (filter, Add), Save (the gateway has it), a refused group shown by its row, flagged after Reload, Remove',
    async run(t) {
      const { page, ui, screenshot, note } = t;
      await withPrivateGateway(t, { gatewayName: GATEWAY_NAME, emulatorName: 'ui-auth-check', pkg: PKG, flows: { 'ui/auth/Hello': HELLO }, config: CONFIG }, async (gateway) => {
        await gateway.addToSettings();
        await ui.clickVersionAction(page, { gateway: GATEWAY_NAME, packageName: PKG, action: 'Edit Authorisation…' }, { timeout: 15_000 });

        const frame = ui.webviewFrame(page);
        const meaning = frame.locator('.meaning .meaning-text');
        await frame.locator('.meaning.open').waitFor({ state: 'visible', timeout: 30_000 });
        const open = ((await meaning.textContent()) || '').trim();
        if (open !== "No groups: anyone may execute this version's flows.") throw new Error(`meaning line: "${open}"`);
        const subtitle = ((await frame.locator('.subtitle').textContent()) || '').trim();
        if (subtitle !== `${PKG} v1 on ${GATEWAY_NAME}`) throw new Error(`subtitle: "${subtitle}"`);

        // The directory's groups, sorted, with member counts; the filter narrows them.
        const rows = frame.locator('.directory-group');
        await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
        const names = (await frame.locator('.directory-group .group-name').allTextContents()).map((s) => s.trim());
        if (JSON.stringify(names) !== JSON.stringify(['auditors', 'flowgate-admins', 'night-shift', 'operators'])) throw new Error(`directory groups: ${JSON.stringify(names)}`);
        const operatorsMembers = ((await frame.locator('.directory-group[data-group="operators"] .members').textContent()) || '').trim();
        if (operatorsMembers !== '1 member') throw new Error(`operators: "${operatorsMembers}"`);
        await frame.locator('vscode-textfield.filter-field input').fill('OPER');
        await frame.locator('.directory-group').filter({ hasText: 'auditors' }).waitFor({ state: 'detached', timeout: 5_000 });
        if ((await rows.count()) !== 1) throw new Error(`filter 'OPER' shows ${await rows.count()} groups`);
        note(`screenshot: ${await screenshot('vscode-ui-authorisation-filter')}`);

        // Add operators: in the version's list, chosen in the directory, unsaved; Save stores it.
        await frame.locator('vscode-button.add[aria-label="Add group \'operators\'"]').click();
        await frame.locator('.chosen-group[data-group="operators"]').waitFor({ state: 'visible', timeout: 5_000 });
        await frame.locator('.directory-group[data-group="operators"] .chosen-mark').waitFor({ state: 'visible', timeout: 5_000 });
        await frame.locator('.fg-badge.unsaved').waitFor({ state: 'visible', timeout: 5_000 });
        await frame.locator('vscode-button.save').click();
        await frame.locator('.status-line .status-text').filter({ hasText: /^Saved\./ }).waitFor({ state: 'visible', timeout: 10_000 });
        await frame.locator('.meaning.guarded').filter({ hasText: 'Members of these groups and Admins may execute' }).waitFor({ state: 'visible', timeout: 5_000 });
        await frame.locator('.fg-badge.unsaved').waitFor({ state: 'detached', timeout: 5_000 });
        const stored = await gateway.api('GET', `/api/v1/packages/${PKG}/versions/1/authorisation`);
        if (JSON.stringify(stored) !== JSON.stringify({ groups: ['operators'] })) throw new Error(`the gateway holds ${JSON.stringify(stored)}`);
        note(`screenshot: ${await screenshot('vscode-ui-authorisation-saved')}`);

        // The page offers auditors; the directory loses it before Save: refused, shown by its row.
        await frame.locator('vscode-textfield.filter-field input').fill('');
        await frame.locator('vscode-button.add[aria-label="Add group \'auditors\'"]').click();
        await gateway.restart((text) => text.replace(/^.*name: auditors.*\n/m, ''));
        await frame.locator('vscode-button.save').click();
        const rowError = frame.locator('.chosen-group[data-group="auditors"] .field-error');
        await rowError.filter({ hasText: "'auditors' is not a group of this gateway's directory" }).waitFor({ state: 'visible', timeout: 10_000 });
        await frame.locator('.status-line.error').waitFor({ state: 'visible', timeout: 5_000 });
        const after = await gateway.api('GET', `/api/v1/packages/${PKG}/versions/1/authorisation`);
        if (JSON.stringify(after) !== JSON.stringify({ groups: ['operators'] })) throw new Error(`a refused save changed the gateway: ${JSON.stringify(after)}`);

        // Reload: the unsaved auditors is flagged as not in the directory; Remove and Save.
        await frame.locator('vscode-button.reload').click();
        await frame.locator('.chosen-group[data-group="auditors"] .missing-badge').waitFor({ state: 'visible', timeout: 10_000 });
        note(`screenshot: ${await screenshot('vscode-ui-authorisation-missing')}`);
        await frame.locator('vscode-button.remove[aria-label="Remove group \'auditors\'"]').click();
        await frame.locator('.chosen-group[data-group="auditors"]').waitFor({ state: 'detached', timeout: 5_000 });
        await frame.locator('.fg-badge.unsaved').waitFor({ state: 'detached', timeout: 5_000 });
      });
    },
  },
];
