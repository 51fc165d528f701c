/**
 * The snippets of syntaxes/snippets/: every one, with its placeholders expanded to their defaults
 * (what a user gets by pressing Tab through it), is a file that core's validator finds nothing
 * wrong with — no YAML error, no schema problem, no expression syntax error, no missing
 * reference or input. Step snippets are put into a minimal flow; the package-draft snippet is
 * validated in a workspace made of the flow and connection snippets. The set of step-kind
 * snippets must equal the schema's step kinds, so a new kind without a snippet fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { STEP_KINDS } from '../../src/core/model/flow';
import flowSchema from '../../src/core/schema/flow.schema.json';
import { validateFile } from '../../src/core/validate/validate';
import { Workspace } from '../../src/core/workspace/workspace';

const ROOT = path.resolve(__dirname, '..', '..');

interface Snippet {
  scope: string;
  prefix: string | string[];
  description: string;
  body: string | string[];
}

interface Contribution {
  language?: string;
  path: string;
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributions: Contribution[] = pkg.contributes.snippets ?? [];

/** Every contributed snippet, by name, with the file it is in. */
function allSnippets(): Map<string, Snippet & { file: string }> {
  const out = new Map<string, Snippet & { file: string }>();
  for (const c of contributions) {
    const file = path.resolve(ROOT, c.path);
    const snippets: Record<string, Snippet> = JSON.parse(readFileSync(file, 'utf8'));
    for (const [name, s] of Object.entries(snippets)) {
      assert.ok(!out.has(name), `snippet '${name}' defined twice`);
      out.set(name, { ...s, file });
    }
  }
  return out;
}

/**
 * The text a snippet inserts when every placeholder keeps its default: `${1:default}` (nested
 * placeholders expanded), `${1|first,second|}` → first, `$1`/`${1}` → the default that tabstop has
 * elsewhere (VS Code mirrors it) or nothing, `$0` → nothing, `\$` `\}` `\\` → the character.
 */
export function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  let pos = 0;
  const parse = (stopAtBrace: boolean): string => {
    let out = '';
    while (pos < body.length) {
      const c = body[pos];
      if (c === '\\' && pos + 1 < body.length && '$}\\'.includes(body[pos + 1])) {
        out += body[pos + 1];
        pos += 2;
      } else if (stopAtBrace && c === '}') {
        return out;
      } else if (c === '$') {
        let m: RegExpExecArray | null;
        const rest = body.slice(pos);
        if ((m = /^\$(\d+)/.exec(rest)) || (m = /^\$\{(\d+)\}/.exec(rest))) {
          pos += m[0].length;
          out += `\u0000${m[1]}\u0000`; // resolved once every default is known
        } else if ((m = /^\$\{(\d+)\|([^|]*)\|\}/.exec(rest))) {
          pos += m[0].length;
          const first = m[2].split(',')[0];
          defaults.set(m[1], first);
          out += first;
        } else if ((m = /^\$\{(\d+):/.exec(rest))) {
          pos += m[0].length;
          const inner = parse(true);
          assert.equal(body[pos], '}', `unclosed placeholder in ${body}`);
          pos++;
          defaults.set(m[1], inner);
          out += inner;
        } else {
          throw new Error(`unexpected '$' at ${pos} of ${JSON.stringify(body)} (a literal $ is written \\$)`);
        }
      } else {
        out += c;
        pos++;
      }
    }
    return out;
  };
  const text = parse(false);
  return text.replace(/\u0000(\d+)\u0000/g, (_, n: string) => defaults.get(n) ?? '');
}

const bodyOf = (s: Snippet) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);
const prefixesOf = (s: Snippet) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]);

/** A workspace holding what the snippets' defaults refer to: connection `my-connection`, flow `folder/Child-Flow` with input `name`. */
function baseWorkspace(): Workspace {
  const ws = new Workspace();
  ws.setFile('connections/my-connection.connection.yaml', 'baseUrl: https://api.example.com\n');
  ws.setFile('flows/folder/Child-Flow.flow.yaml', 'inputs:\n  name:\n    type: string\nsteps:\n  - kind: log\n    message: "= name"\n');
  return ws;
}

function assertValid(ws: Workspace, relPath: string, text: string, what: string): void {
  const parsed = ws.setFile(relPath, text);
  assert.ok(parsed, `${relPath} is a workspace file`);
  const problems = validateFile(ws, relPath);
  assert.deepEqual(
    problems.map((d) => `${(d.range?.start.line ?? -1) + 1}:${(d.range?.start.character ?? -1) + 1} ${d.code}: ${d.message}`),
    [],
    `${what} expands to:\n${text}`,
  );
}

/** The step kind a step snippet inserts (its first line is `- kind: <kind>`). */
function stepKindOf(s: Snippet): string | undefined {
  return /^- kind: ([\w-]+)$/.exec(bodyOf(s).split('\n')[0])?.[1];
}

describe('snippets', () => {
  test('contributed from syntaxes/snippets, flow snippets for flowgate-flow, the rest for yaml', () => {
    assert.ok(contributions.length >= 1);
    for (const c of contributions) assert.match(c.path, /^\.\/syntaxes\/snippets\/[\w-]+\.code-snippets$/, c.path);
    const snippets = allSnippets();
    assert.ok(snippets.size >= STEP_KINDS.length + 3, `${snippets.size} snippets`);
    const prefixes = new Set<string>();
    for (const [name, s] of snippets) {
      assert.ok(['flowgate-flow', 'yaml'].includes(s.scope), `${name}: scope ${s.scope}`);
      assert.ok(s.description && s.description.length > 10, `${name}: a description`);
      for (const p of prefixesOf(s)) {
        assert.ok(!prefixes.has(`${s.scope}:${p}`), `prefix '${p}' used twice in ${s.scope}`);
        prefixes.add(`${s.scope}:${p}`);
      }
      if (stepKindOf(s)) assert.equal(s.scope, 'flowgate-flow', `${name} is for flows`);
    }
  });

  test('the expansion used here follows snippet syntax', () => {
    assert.equal(expandSnippet('a: ${1:x} ${2|p,q|} $1 ${3} \\$v ${4:out ${5:in}} $0'), 'a: x p x  $v out in ');
    assert.equal(expandSnippet('$2 then ${2:later}'), 'later then later');
    assert.throws(() => expandSnippet('cost: $'), /literal \$/);
  });

  test('there is one step snippet per step kind of the schema, and no other', () => {
    const kinds = (flowSchema.definitions.step.properties.kind as { enum: string[] }).enum;
    const fromSnippets = [...allSnippets().values()].map(stepKindOf).filter((k): k is string => !!k);
    assert.deepEqual([...fromSnippets].sort(), [...kinds].sort(), 'step-kind snippets vs flow.schema.json');
    assert.deepEqual([...kinds].sort(), [...STEP_KINDS].sort());
    for (const s of allSnippets().values()) {
      const kind = stepKindOf(s);
      if (kind) assert.ok(prefixesOf(s).includes(`step-${kind}`), `the ${kind} snippet has prefix step-${kind}`);
    }
  });

  for (const [name, s] of allSnippets()) {
    const kind = stepKindOf(s);
    if (!kind) continue;
    test(`${name}: inside a flow's steps it validates`, () => {
      const step = expandSnippet(bodyOf(s));
      const indented = step.split('\n').map((l) => (l ? '  ' + l : l)).join('\n');
      // The step alone, and after another step (a snippet inserted below an existing one).
      assertValid(baseWorkspace(), 'flows/test/Snippet.flow.yaml', `steps:\n${indented}\n`, name);
      assertValid(baseWorkspace(), 'flows/test/Snippet.flow.yaml', `steps:\n  - kind: wait\n    seconds: 0\n${indented}\n`, name);
    });
  }

  test('a new flow, a connection and a package draft made of them validate', () => {
    const snippets = allSnippets();
    const get = (n: string) => {
      const s = snippets.get(n);
      assert.ok(s, `snippet '${n}'`);
      return expandSnippet(bodyOf(s));
    };
    const ws = new Workspace();
    assertValid(ws, 'flows/folder/My-Flow.flow.yaml', get('Flowgate: new flow'), 'new flow');
    assertValid(ws, 'connections/my-connection.connection.yaml', get('Flowgate: new connection'), 'new connection');
    assertValid(ws, 'packages/my-package.package.yaml', get('Flowgate: new package draft'), 'new package draft');
    // The package really lists them (its validation saw a flow and a connection).
    assert.deepEqual(ws.drafts().get('my-package')?.draft.definitions, { flows: ['folder/My-Flow'], connections: ['my-connection'] });
  });

  test('the check is real: a broken step is reported', () => {
    assert.throws(() => assertValid(baseWorkspace(), 'flows/test/Bad.flow.yaml', 'steps:\n  - kind: wait\n    second: 5\n', 'broken'));
    assert.throws(() => assertValid(baseWorkspace(), 'flows/test/Bad.flow.yaml', 'steps:\n  - kind: log\n    message: "= (1"\n', 'bad expression'));
    assert.throws(() => assertValid(baseWorkspace(), 'flows/test/Bad.flow.yaml', 'steps:\n  - kind: run-flow\n    flow: folder/Missing\n', 'missing flow'));
  });
});
