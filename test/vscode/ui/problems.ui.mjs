// UI checks of problems shown in the trees: a draft that misses a flow its flows run shows
// "1 error"; a remote gateway that does not answer shows one error child. Both changes are
// undone at the end so later checks see the sample workspace.
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './support.mjs';

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'a broken draft shows "1 error"; an unreachable remote gateway shows one error child',
    async run({ page, ui, workspace, screenshot, note }) {
      const settingsFile = path.join(workspace, '.vscode/settings.json');
      const draftFile = path.join(workspace, 'packages/network-ops.package.yaml');
      const settingsText = fs.readFileSync(settingsFile, 'utf8');
      const draftText = fs.readFileSync(draftFile, 'utf8');
      try {
        const qaUrl = `http://127.0.0.1:${await freePort()}`; // a port nothing listens on (free a moment ago)
        const settings = JSON.parse(settingsText);
        settings['flowgate.gateways'] = [{ name: 'QA', url: qaUrl }];
        fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
        const broken = draftText.replace('    - network/core/Check-Reachability\n', '');
        if (broken === draftText) throw new Error('could not remove Check-Reachability from the draft');
        fs.writeFileSync(draftFile, broken);

        await ui.openViewContainer(page, 'Flowgate');
        const packages = await ui.expandView(page, 'Packages');
        await packages.locator('.monaco-list-row').filter({ hasText: '1 error' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        const draft = (await ui.readTreeItems(page, 'Packages')).find((i) => i.label === 'network-ops');
        if (!draft || !/^v1 · 1 error$/.test(draft.description)) throw new Error(`network-ops: ${JSON.stringify(draft)}`);

        const gateways = await ui.expandView(page, 'Gateways');
        const rows = gateways.locator('.pane-body .monaco-list-row');
        await rows.filter({ hasText: 'QA' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        // QA opens by itself; its one child is the connection error.
        await rows.locator('.codicon-error').first().waitFor({ state: 'visible', timeout: 20_000 });
        const items = await ui.readTreeItems(page, 'Gateways');
        const qa = items.findIndex((i) => i.label === 'QA' && i.level === 1);
        if (qa < 0) throw new Error(`no QA gateway: ${JSON.stringify(items)}`);
        const children = [];
        for (let i = qa + 1; i < items.length && items[i].level > 1; i++) children.push(items[i]);
        if (children.length !== 1 || children[0].level !== 2) throw new Error(`QA children: ${JSON.stringify(children)}`);
        if (!children[0].label.includes(qaUrl.slice('http://'.length)) || !/No gateway answers/.test(children[0].label)) throw new Error(`QA error child: "${children[0].label}"`);
        const errorIcons = await rows.locator('.codicon-error').count();
        if (errorIcons !== 1) throw new Error(`${errorIcons} error icons in Gateways, expected 1`);
        note(`screenshot: ${await screenshot('vscode-ui-problems')}; QA: ${children[0].label}`);
      } finally {
        fs.writeFileSync(draftFile, draftText);
        fs.writeFileSync(settingsFile, settingsText);
      }
      const packages = await ui.expandView(page, 'Packages');
      await packages.locator('.monaco-list-row').filter({ hasText: 'v1 · valid' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      await ui.viewPane(page, 'Gateways').locator('.monaco-list-row').filter({ hasText: 'QA' }).first().waitFor({ state: 'hidden', timeout: 20_000 });
    },
  },
];
