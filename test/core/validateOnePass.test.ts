/**
 * Validation reports every problem of a file in one pass: schema problems AND the reference,
 * expression and package problems of the parts that parsed — not the rest only after the schema's
 * are fixed. Each problem once.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Diagnostic } from '../../src/core/model/diagnostic';
import { validateFile, validatePackage } from '../../src/core/validate/validate';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';

const EXAMPLES = path.resolve(__dirname, '../../examples');
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();

describe('one pass: every problem of a file at once', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'flowgate-onepass-'));
    await cp(EXAMPLES, dir, { recursive: true });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const edit = async (rel: string, f: (text: string) => string) => {
    const p = path.join(dir, rel);
    const before = await readFile(p, 'utf8');
    const after = f(before);
    assert.notEqual(after, before, `the edit of ${rel} changed nothing`);
    await writeFile(p, after);
  };

  test('a package draft with schema errors still reports unknown definitions, missing dependencies, schedules and triggers', async () => {
    await edit('packages/network-ops.package.yaml', (t) =>
      t
        // schema: a wrong schedule type and an unknown property in the same schedule
        .replace('    type: CRON\n', '    type: CRONX\n    colour: blue\n')
        // reference: a misspelt flow (and so Run-Command, which Restart-Service runs, is missing)
        .replace('    - network/core/Run-Command\n', '    - network/core/Run-Comand\n')
        // a second schedule, valid in shape, with a wrong expression and a flow outside the package
        .replace(
          '    enabled: false\n',
          '    enabled: false\n  - name: Nightly\n    flow: network/core/Not-Included\n    type: CRON\n    expression: "61 * * * *"\n',
        ),
    );
    const ws = await loadWorkspace(directorySource(dir));
    const v = validatePackage(ws, 'network-ops');
    const got = codes(v.diagnostics.filter((d) => d.file === 'packages/network-ops.package.yaml'));
    assert.ok(got.filter((c) => c === 'schema').length === 2, got.join(', '));
    for (const code of ['unknown-definition', 'missing-dependency', 'invalid-schedule', 'schedule-flow-not-in-package']) {
      assert.ok(got.includes(code), `no ${code} in ${got.join(', ')}`);
    }
    const byCode = (c: string) => v.diagnostics.filter((d) => d.code === c);
    assert.match(byCode('unknown-definition')[0].message, /Run-Comand.*did you mean 'network\/core\/Run-Command'/);
    assert.match(byCode('missing-dependency')[0].message, /runs 'network\/core\/Run-Command'/);
    assert.match(byCode('invalid-schedule').map((d) => d.message).join('\n'), /Nightly/);
    // The schedule the schema refused is not reported again by the schedule checks.
    assert.equal(v.diagnostics.filter((d) => /Gateway status every 15 minutes/.test(d.message)).length, 0);
    // validateFile (what VS Code and `flowgate validate` show for the file) says the same.
    assert.deepEqual(codes(validateFile(ws, 'packages/network-ops.package.yaml')), got);
    assert.equal(v.ok, false);
  });

  test('a package draft whose definitions list has a bad entry: the other entries are still checked, each problem once', async () => {
    await edit('packages/network-ops.package.yaml', (t) => t.replace('    - network/core/Run-Comand\n', '    - network/core/Run-Command\n    - 42\n    - network/nowhere/Ghost\n'));
    const ws = await loadWorkspace(directorySource(dir));
    const v = validatePackage(ws, 'network-ops');
    const unknown = v.diagnostics.filter((d) => d.code === 'unknown-definition');
    assert.equal(unknown.length, 1, JSON.stringify(unknown));
    assert.match(unknown[0].message, /Ghost/);
    // 42 is the schema's, once, on its own line; Ghost's problem is on Ghost's line.
    const lines = (await readFile(path.join(dir, 'packages/network-ops.package.yaml'), 'utf8')).split('\n');
    const line42 = lines.indexOf('    - 42');
    assert.ok(line42 > 0);
    assert.equal(v.diagnostics.filter((d) => d.range?.start.line === line42).map((d) => d.code).join(), 'schema', JSON.stringify(v.diagnostics));
    assert.match(lines[unknown[0].range!.start.line], /Ghost/);
    assert.equal(v.diagnostics.filter((d) => d.code === 'missing-dependency').length, 0, 'Run-Command is back in the package');
  });

  test('a connection with a schema error still reports a credential-like header', async () => {
    await edit('connections/local-gateway.connection.yaml', (t) => t.replace('  Accept: application/json\n', '  Accept: application/json\n  X-Api-Key: abc123\n') + 'retries: lots\n');
    const ws = await loadWorkspace(directorySource(dir));
    const ds = validateFile(ws, 'connections/local-gateway.connection.yaml');
    assert.deepEqual(codes(ds), ['schema', 'secret-in-connection']);
    assert.match(ds.find((d) => d.code === 'secret-in-connection')!.message, /X-Api-Key/);
  });

  test('a flow with a schema error still reports expression syntax and unknown flows', async () => {
    await edit('flows/network/core/Restart-Service.flow.yaml', (t) =>
      t
        .replace('  - kind: log\n', '  - kind: log\n    colour: red\n')
        .replace('    message: "= \'Restarting \' & service & \' on \' & device"\n', '    message: "= \'Restarting \' & (service"\n')
        .replace('        flow: network/core/Run-Command\n', '        flow: network/core/Run-Commandx\n'),
    );
    const ws = await loadWorkspace(directorySource(dir));
    const ds = validateFile(ws, 'flows/network/core/Restart-Service.flow.yaml');
    const got = codes(ds);
    for (const code of ['schema', 'expression-syntax', 'unknown-flow']) assert.ok(got.includes(code), `no ${code} in ${got.join(', ')}`);
  });
});
