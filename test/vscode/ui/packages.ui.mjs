// UI checks of the Flowgate view container, run by test/vscode/run.mjs (phase 2) in one page of the
// workbench with the extension loaded on a fresh copy of examples/. Each check throws on failure.
/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'the Flowgate container shows the network-ops draft in Packages',
    async run({ page, ui, screenshot, note }) {
      const title = await ui.openViewContainer(page, 'Flowgate');
      if (!/flowgate/i.test(title || '')) throw new Error(`side bar title is "${title}", expected Flowgate`);
      const items = await ui.readTreeItems(page, 'Packages', { waitForLabel: 'network-ops', timeout: 45_000 });
      const draft = items.find((i) => i.label === 'network-ops');
      if (!draft) throw new Error(`no "network-ops" item in Packages; items: ${JSON.stringify(items)}`);
      if (draft.level !== 1) throw new Error(`"network-ops" is not a top-level item: ${JSON.stringify(draft)}`);
      const file = await screenshot('vscode-ui-packages');
      note(`screenshot: ${file}; items: ${items.map((i) => i.label).join(', ')}`);
    },
  },
  {
    title: 'the F1 palette runs "Flowgate: Refresh Packages"',
    async run({ page, ui }) {
      await ui.runCommand(page, 'Flowgate: Refresh Packages'); // throws when the command fails
      const items = await ui.readTreeItems(page, 'Packages', { waitForLabel: 'network-ops' });
      if (!items.some((i) => i.label === 'network-ops')) throw new Error('network-ops is gone after refresh');
    },
  },
];
