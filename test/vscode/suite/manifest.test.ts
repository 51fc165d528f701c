// The manifest (package.json `contributes`) against what the extension really registers and draws:
// every contributed command is registered and every registered `flowgate.*` command is contributed
// (no test-only or forgotten command ships); every menu entry names a contributed command and a
// contributed view, and its `viewItem` clause matches a `contextValue` the view's items carry
// (packages/nodes.ts CONTEXT, gateways/nodes.ts GATEWAY_CONTEXT); every such contextValue is
// reached by some menu, or is listed below as one that has no actions; every command a user can
// reach (the palette or a menu); the welcome views link registered commands only.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { GATEWAY_CONTEXT, GATEWAY_CONTEXT_VALUES } from '../../../src/extension/gateways/nodes';
import { CONTEXT } from '../../../src/extension/packages/nodes';
import { ACTION_CONTEXT_KEYS } from '../../../src/extension/gatewayActions/registerActions';
import { activated, extension } from './helpers';

/**
 * Commands the extension registers for its own use and does not contribute, each with why. None
 * today: the tests reach the panels through the extension's API (`panels`), not through commands.
 */
const INTERNAL_COMMANDS: Record<string, string> = {};

/** Context keys the extension sets (`setContext`) that `when` clauses may use. */
const CONTEXT_KEYS = new Set(['flowgate.localGatewayRunning', ...ACTION_CONTEXT_KEYS]);

/** VS Code's own context keys the manifest uses (each a documented `when` clause context). */
const VSCODE_TERMS = new Set(['workbenchState == empty', 'workbenchState != empty', 'explorerResourceIsFolder']);

/** contextValues with no menu entry on purpose (nothing can be done to such an item). */
const NO_ACTIONS = new Set<string>([
  CONTEXT.invalidDraft,
  GATEWAY_CONTEXT.error,
  GATEWAY_CONTEXT.message,
]);

/** The contextValues each view's items carry. */
const VIEW_ITEMS: Record<string, string[]> = {
  'flowgate.packages': Object.values(CONTEXT),
  'flowgate.gateways': GATEWAY_CONTEXT_VALUES,
};

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

interface Contributes {
  commands: { command: string; title: string; category?: string }[];
  views: Record<string, { id: string }[]>;
  viewsWelcome: { view: string; contents: string; when?: string }[];
  menus: Record<string, MenuEntry[]>;
  configuration: { properties: Record<string, { description?: string; markdownDescription?: string; default?: unknown; scope?: string }> };
  walkthroughs: {
    id: string;
    title: string;
    steps: { id: string; title: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }[];
  }[];
}

/** The `command:` links of a Markdown text (welcome views, walkthrough steps). */
const commandLinks = (text: string) => [...text.matchAll(/\(command:([\w.-]+)(?:\?[^)]*)?\)/g)].map((m) => m[1]);

/** One `when` clause, split into the terms this manifest uses; an unknown term fails the test. */
function parseWhen(when: string): { view?: string; viewItem?: (value: string) => boolean; problems: string[] } {
  const out: { view?: string; viewItem?: (value: string) => boolean; problems: string[] } = { problems: [] };
  for (const raw of when.split('&&').map((t) => t.trim())) {
    let m: RegExpMatchArray | null;
    if (raw === 'false' || VSCODE_TERMS.has(raw)) continue;
    if ((m = raw.match(/^view == ([\w.-]+)$/))) out.view = m[1];
    else if ((m = raw.match(/^viewItem == ([\w.-]+)$/))) {
      const exact = m[1];
      out.viewItem = (v) => v === exact;
    } else if ((m = raw.match(/^viewItem =~ \/(.*)\/([a-z]*)$/))) {
      const re = new RegExp(m[1], m[2]);
      out.viewItem = (v) => re.test(v);
    } else if ((m = raw.match(/^resourceFilename =~ \/(.*)\/([a-z]*)$/))) {
      new RegExp(m[1], m[2]); // must compile
    } else if ((m = raw.match(/^!?([\w.-]+)$/)) && CONTEXT_KEYS.has(m[1])) {
      continue;
    } else out.problems.push(`unknown term '${raw}'`);
  }
  return out;
}

suite('manifest', () => {
  let contributes: Contributes;
  let contributed: Set<string>;
  let viewIds: Set<string>;
  let registered: string[];

  suiteSetup(async () => {
    await activated();
    contributes = extension().packageJSON.contributes as Contributes;
    contributed = new Set(contributes.commands.map((c) => c.command));
    viewIds = new Set(Object.values(contributes.views).flatMap((list) => list.map((v) => v.id)));
    // VS Code itself registers `<view id>.focus`, `.resetViewLocation`, … for every view: not ours.
    registered = (await vscode.commands.getCommands(true)).filter(
      (id) => id.startsWith('flowgate.') && ![...viewIds].some((view) => id.startsWith(`${view}.`)),
    );
  });

  test('each contributed command once, each registered', () => {
    const ids = contributes.commands.map((c) => c.command);
    assert.ok(ids.length > 0, 'package.json contributes no commands');
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'commands contributed twice');
    const all = new Set(registered);
    assert.deepEqual(ids.filter((id) => !all.has(id)), [], 'contributed but not registered');
  });

  test('each registered flowgate command is contributed (or a documented internal one)', () => {
    assert.ok(registered.length >= contributed.size, `registered: ${registered.join(', ')}`);
    const extra = registered.filter((id) => !contributed.has(id) && !(id in INTERNAL_COMMANDS));
    assert.deepEqual(extra, [], 'registered but not in the manifest (a test-only command?)');
    for (const id of Object.keys(INTERNAL_COMMANDS)) assert.ok(!contributed.has(id), `${id} is internal and contributed`);
  });

  test("every menu entry names a contributed command, a contributed view and the view's item contextValues", () => {
    const problems: string[] = [];
    let viewItemClauses = 0;
    for (const [menu, entries] of Object.entries(contributes.menus)) {
      for (const entry of entries) {
        const where = `${menu} ${entry.command} (${entry.when ?? 'always'})`;
        if (!contributed.has(entry.command)) problems.push(`${where}: command not contributed`);
        if (!entry.when) continue;
        const when = parseWhen(entry.when);
        problems.push(...when.problems.map((p) => `${where}: ${p}`));
        if (when.view !== undefined && !viewIds.has(when.view)) problems.push(`${where}: no view '${when.view}'`);
        if (when.viewItem) {
          viewItemClauses++;
          if (!when.view) problems.push(`${where}: a viewItem clause without a view clause`);
          else if (!(VIEW_ITEMS[when.view] ?? []).some(when.viewItem)) problems.push(`${where}: matches no contextValue of ${when.view}`);
        }
        if ((menu === 'view/item/context' || menu === 'view/title') && !when.view) problems.push(`${where}: no view clause`);
      }
    }
    assert.ok(viewItemClauses > 10, `only ${viewItemClauses} viewItem clauses parsed`);
    assert.deepEqual(problems, []);
  });

  test('every item contextValue has actions in its view, or is one that has none on purpose', () => {
    const entries = contributes.menus['view/item/context'] ?? [];
    const unreached: string[] = [];
    for (const [view, values] of Object.entries(VIEW_ITEMS)) {
      for (const value of values) {
        const reached = entries.some((e) => {
          const when = parseWhen(e.when ?? '');
          return when.view === view && !!when.viewItem?.(value);
        });
        if (reached && NO_ACTIONS.has(value)) unreached.push(`${value} has actions but is listed as having none`);
        if (!reached && !NO_ACTIONS.has(value)) unreached.push(`${view}: ${value} has no actions`);
      }
    }
    assert.deepEqual(unreached, []);
  });

  test('every contributed command can be reached: from the palette or a menu', () => {
    const hidden = new Set((contributes.menus.commandPalette ?? []).filter((e) => e.when === 'false').map((e) => e.command));
    const inMenus = new Set(Object.entries(contributes.menus).flatMap(([menu, list]) => (menu === 'commandPalette' ? [] : list.map((e) => e.command))));
    const unreachable = [...contributed].filter((id) => hidden.has(id) && !inMenus.has(id));
    assert.deepEqual(unreachable, []);
  });

  test('welcome views link registered commands of contributed views; their when clauses use known keys', async () => {
    const all = new Set(registered);
    const everything = new Set(await vscode.commands.getCommands(false));
    assert.ok(contributes.viewsWelcome.length > 0);
    const problems: string[] = [];
    for (const w of contributes.viewsWelcome) {
      assert.ok(viewIds.has(w.view), `welcome of unknown view ${w.view}`);
      const links = commandLinks(w.contents);
      if (links.length === 0) problems.push(`welcome of ${w.view} links no command`);
      for (const id of links) {
        // Ours must be contributed and registered; VS Code's own (Open Folder) must exist.
        if (id.startsWith('flowgate.') ? !(all.has(id) && contributed.has(id)) : !everything.has(id)) problems.push(`welcome of ${w.view} links ${id}, which is not a registered command`);
      }
      if (w.when) problems.push(...parseWhen(w.when).problems.map((p) => `welcome of ${w.view} (${w.when}): ${p}`));
    }
    // The empty states of issue 11: no folder, no workspace files, no gateway running.
    const packagesWelcome = contributes.viewsWelcome.filter((w) => w.view === 'flowgate.packages');
    const noFiles = packagesWelcome.find((w) => w.when?.includes('!flowgate.hasWorkspaceFiles'));
    assert.ok(noFiles, 'no welcome for a folder with no Flowgate files');
    assert.deepEqual(commandLinks(noFiles.contents), ['flowgate.createSampleWorkspace', 'flowgate.newFlow', 'flowgate.createPackage']);
    assert.ok(packagesWelcome.some((w) => w.when === 'workbenchState == empty' && commandLinks(w.contents).includes('workbench.action.files.openFolder')), 'no Open Folder welcome');
    const gateways = contributes.viewsWelcome.find((w) => w.view === 'flowgate.gateways' && w.when === '!flowgate.localGatewayRunning');
    assert.deepEqual(gateways && commandLinks(gateways.contents), ['flowgate.startLocalGateway', 'flowgate.addGateway']);
    assert.deepEqual(problems, []);
  });

  test('every command is in the Flowgate category, with a title', () => {
    const wrong = contributes.commands.filter((c) => c.category !== 'Flowgate' || !c.title?.trim()).map((c) => c.command);
    assert.deepEqual(wrong, []);
  });

  test('every setting has a description and a default; paths and ports are machine settings', () => {
    const props = Object.entries(contributes.configuration.properties);
    assert.ok(props.length >= 9, `only ${props.length} settings`);
    const problems: string[] = [];
    for (const [key, p] of props) {
      if (!(p.markdownDescription ?? p.description)?.trim()) problems.push(`${key}: no description`);
      if (!('default' in p)) problems.push(`${key}: no default`);
    }
    for (const key of ['flowgate.localGateway.dataFolder', 'flowgate.localGateway.nodePath']) if (contributes.configuration.properties[key]?.scope !== 'machine') problems.push(`${key}: not scope machine`);
    for (const key of ['flowgate.localGateway.port', 'flowgate.localGateway.host', 'flowgate.localGateway.snmpPort']) {
      if (contributes.configuration.properties[key]?.scope !== 'machine-overridable') problems.push(`${key}: not scope machine-overridable`);
    }
    for (const key of ['flowgate.gateways', 'flowgate.devGateway.url', 'flowgate.localGateway.autoStart']) if (!(key in contributes.configuration.properties)) problems.push(`${key}: missing`);
    assert.deepEqual(problems, []);
  });

  test('the walkthrough: each step links a registered command, is completed by one, and has its media', async () => {
    const all = new Set(registered);
    assert.equal(contributes.walkthroughs.length, 1);
    const steps = contributes.walkthroughs[0].steps;
    assert.ok(steps.length >= 5, `only ${steps.length} steps`);
    const problems: string[] = [];
    const root = extension().extensionUri;
    for (const step of steps) {
      const links = commandLinks(step.description);
      if (links.length === 0) problems.push(`${step.id}: no button`);
      for (const id of links) if (!all.has(id) || !contributed.has(id)) problems.push(`${step.id}: links ${id}, not a contributed, registered command`);
      const events = step.completionEvents ?? [];
      if (events.length === 0) problems.push(`${step.id}: no completion event`);
      for (const e of events) {
        const m = /^onCommand:(.+)$/.exec(e);
        if (!m) problems.push(`${step.id}: completion event ${e} is not onCommand:`);
        else if (!links.includes(m[1]) && !steps.some((o) => commandLinks(o.description).includes(m[1]))) problems.push(`${step.id}: completed by ${m[1]}, which no step offers`);
        else if (!all.has(m[1])) problems.push(`${step.id}: completed by ${m[1]}, not registered`);
      }
      const media = step.media.markdown ?? step.media.image;
      if (!media) problems.push(`${step.id}: no media`);
      else {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, media)));
        const image = /!\[[^\]]+\]\(([^)]+)\)/.exec(text)?.[1];
        if (!image) problems.push(`${step.id}: ${media} shows no image`);
        else await vscode.workspace.fs.stat(vscode.Uri.joinPath(root, media, '..', image)).then(undefined, () => problems.push(`${step.id}: ${image} is missing`));
      }
    }
    // From an empty folder to a triggered execution, in order.
    assert.deepEqual(
      steps.map((s) => commandLinks(s.description)[0]),
      ['flowgate.createSampleWorkspace', 'flowgate.createPackage', 'flowgate.publishToDevGateway', 'flowgate.runFlow', 'flowgate.sendTestTrap'],
    );
    assert.deepEqual(problems, []);
  });
});
