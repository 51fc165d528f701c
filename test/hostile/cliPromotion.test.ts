/**
 * A hostile package through the promotion commands: its author writes terminal escape sequences
 * (clear screen, window title, OSC 52 clipboard write) and bidirectional overrides into the
 * instructions, the description and a definition's text. An Admin reviewing the import on a
 * terminal (`flowgate imports show`, `diff`, `list`) must see them as visible `\u{…}` text, never
 * have them acted on; --json keeps the exact text (JSON-escaped). Real dev and qa emulators.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildPackageFile } from '../../src/core/package/packageFile';
import { credentials } from '../support/emulatorProcess';
import { ensureCliBuilt, runCli } from '../support/builtCli';
import { startPromotionChain, submit, type PromotionChain } from '../support/promotionGateways';

const ESC = '\u001b';
const NASTY = `${ESC}]0;pwned${'\u0007'}${ESC}[2J${ESC}]52;c;cm0gLXJmIH4=${'\u0007'}\u202egnp.exe\u202c\u0085`;
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('hostile package: terminal escapes in what the promotion commands print', { timeout: 300_000 }, () => {
  let chain: PromotionChain;
  let env: NodeJS.ProcessEnv;
  let id: string;

  before(async () => {
    await ensureCliBuilt();
    chain = await startPromotionChain();
    const c = credentials(chain.qa.dataDir);
    env = { FLOWGATE_CLIENT_ID: c.client_id, FLOWGATE_CLIENT_SECRET: c.client_secret };
    const one = await buildPackageFile({
      name: 'evil',
      version: 1,
      createdBy: 'hostile',
      description: `Looks harmless ${NASTY}`,
      instructions: `# Read me\n\nApply at once ${NASTY}\n`,
      definitions: [{ kind: 'flow', id: 'evil/F', text: 'steps:\n  - kind: log\n    message: one\n' }],
    });
    const two = await buildPackageFile({
      name: 'evil',
      version: 2,
      createdBy: 'hostile',
      instructions: NASTY,
      // A definition's text: a YAML comment may hold the bidi override (YAML refuses C0 controls in the text itself).
      definitions: [{ kind: 'flow', id: 'evil/F', text: `steps:\n  - kind: log\n    message: two # \u202e}evil{\u202c\n` }],
    });
    assert.equal(await submit(chain.dev, one.bytes), 201);
    assert.equal(await submit(chain.dev, two.bytes), 201);
    const p1 = await runCli(['promote', 'evil', '1', '--from', 'dev', '--to', chain.qa.url, '--apply'], { env });
    assert.equal(p1.code, 0, p1.stdout + p1.stderr);
    const p2 = await runCli(['promote', 'evil', '2', '--from', 'dev', '--to', chain.qa.url, '--json'], { env });
    assert.equal(p2.code, 0, p2.stdout + p2.stderr);
    id = JSON.parse(p2.stdout).import.id;
  });
  after(async () => {
    await chain?.stop();
  });

  test('show, diff and list print the escapes as visible text', async () => {
    for (const args of [['imports', 'show', id], ['imports', 'diff', id], ['imports', 'list'], ['imports', 'validate', id]]) {
      const r = await runCli([...args, '--gateway', chain.qa.url], { env });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(!FORBIDDEN.test(r.stdout), `${args.join(' ')} printed a control character: ${JSON.stringify(r.stdout.match(FORBIDDEN))}`);
      assert.ok(!FORBIDDEN.test(r.stderr), `${args.join(' ')} printed a control character on stderr`);
    }
    const show = await runCli(['imports', 'show', id, '--gateway', chain.qa.url], { env });
    assert.ok(show.stdout.includes('\\u{1b}]0;pwned\\u{7}\\u{1b}[2J'), show.stdout);
    assert.ok(show.stdout.includes('\\u{202e}gnp.exe\\u{202c}\\u{85}'));
    const diff = await runCli(['imports', 'diff', id, '--gateway', chain.qa.url], { env });
    assert.match(diff.stdout, /changed +flow evil\/F/);
    assert.ok(diff.stdout.includes('# \\u{202e}}evil{\\u{202c}'), diff.stdout);
  });

  test('--json keeps the exact text, escaped as JSON', async () => {
    const r = await runCli(['imports', 'show', id, '--gateway', chain.qa.url, '--json'], { env });
    assert.equal(r.code, 0);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(r.stdout), 'raw control characters in the JSON document');
    assert.equal(JSON.parse(r.stdout).instructions, NASTY);
  });
});
