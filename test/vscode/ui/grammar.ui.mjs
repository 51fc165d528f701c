// UI check of the flow grammar in the real VS Code: a sample flow opened from Quick Open is
// coloured by the flowgate-flow grammar — the step kind, the top-level key and a plain value each
// get their own colour, and inside "= …" a JSONata property is not coloured as the string around
// it (an expression is code). If the grammar failed to load, everything would be one colour.
// Saves test-results/vscode-ui-grammar.png.

/** Colour of the first editor token whose text is exactly `text` (after trimming). */
async function colourOf(page, text) {
  return page.evaluate((want) => {
    for (const span of document.querySelectorAll('.monaco-editor .view-lines .view-line span span')) {
      if (span.textContent.replace(/\u00a0/g, ' ').trim() === want) return getComputedStyle(span).color;
    }
    return null;
  }, text);
}

/** @type {{ title: string, run: (t: import('../run.mjs').UiContext) => Promise<void> }[]} */
export default [
  {
    title: 'grammar: a sample flow is coloured by role (step kind, key, value, JSONata inside = strings)',
    async run({ page, screenshot, note }) {
      await page.keyboard.press('Control+P');
      await page.keyboard.type('Restart-Service.flow.yaml');
      await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 20_000 });
      await page.keyboard.press('Enter');
      await page.locator('.monaco-editor .view-lines').filter({ hasText: 'Check-Reachability' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      // Wait until the tokens are in: the step kind has a colour other than the plain value's.
      let colours = {};
      for (let i = 0; i < 50; i++) {
        colours = {
          kind: await colourOf(page, 'run-flow'),
          topKey: await colourOf(page, 'steps'),
          plain: await colourOf(page, 'Check reachability'),
          jsonataString: await colourOf(page, "'Restarting '"),
          jsonataProperty: await colourOf(page, 'service'),
          quote: await colourOf(page, '"'),
        };
        if (Object.values(colours).every(Boolean) && colours.kind !== colours.plain) break;
        await page.waitForTimeout(200);
      }
      note(JSON.stringify(colours));
      for (const [k, v] of Object.entries(colours)) if (!v) throw new Error(`no token '${k}' on screen: ${JSON.stringify(colours)}`);
      if (colours.kind === colours.plain) throw new Error(`the step kind is coloured like a plain value: ${JSON.stringify(colours)}`);
      if (colours.topKey === colours.plain) throw new Error(`a key is coloured like a value: ${JSON.stringify(colours)}`);
      if (colours.jsonataProperty === colours.quote) throw new Error(`a JSONata property is coloured like the string around it: ${JSON.stringify(colours)}`);
      if (colours.jsonataString !== colours.quote) throw new Error(`a JSONata string should be coloured as a string (like the YAML quote): ${JSON.stringify(colours)}`);
      await screenshot('vscode-ui-grammar');
    },
  },
];
