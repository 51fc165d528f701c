/**
 * `flowgate keys show` and `flowgate publish --allow-unsigned` from the command line (source,
 * through tsx) against real emulator processes: the key ids and JWKs printed (text and --json) are
 * the gateway's; a protected target refuses a publish with exit 1 and the hint, and takes it with
 * --allow-unsigned (its audit log says so); usage errors exit 2.
 */
import assert from 'node:assert/strict';
import { runCliFromSource, type CliRun } from '../support/builtCli';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import type { ConfiguredEmulator } from '../support/gatewayConfigFixture';
import { gatewayKeys, startTrusting } from '../support/signingFixture';
import { buildPackage, call } from '../emulator/helpers';

const FLOW = 'steps:\n  - kind: log\n    message: "= \'cli\'"\n';

function flowgate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCliFromSource(args, { env, home: os.tmpdir() });
}

describe('flowgate keys show / publish --allow-unsigned', () => {
  let dev: EmulatorProcess;
  let prod: ConfiguredEmulator;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-cli-keys-'));
    [dev, prod] = await Promise.all([startEmulatorProcess({ name: 'dev' }), startTrusting([], { protected: true, name: 'prod' })]);
  });
  after(async () => {
    await Promise.all([dev?.stop(), prod?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('keys show: the current key id and its JWK, no credentials needed; --json the same keys', async () => {
    const [key] = await gatewayKeys(dev);
    // No --credentials and a HOME without sessions: the route is public.
    const text = await flowgate(['keys', 'show', '--gateway', dev.url]);
    assert.equal(text.code, 0, text.stderr);
    assert.ok(text.stdout.includes(key.kid), text.stdout);
    assert.match(text.stdout, new RegExp(`\\* ${key.kid}\\s+\\(current\\)`));
    assert.ok(text.stdout.includes(JSON.stringify(key.jwk)), 'the JWK');
    assert.ok(text.stdout.includes(`trustedKeys: [${key.kid}]`), 'how to trust it');

    const json = await flowgate(['keys', 'show', '--gateway', dev.url, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.gateway, dev.url);
    assert.equal(doc.current, key.kid);
    assert.deepEqual(doc.keys, [key]);
    assert.ok(!/"d"/.test(json.stdout));
  });

  test('keys: usage errors exit 2; a gateway that does not answer exits 1', async () => {
    assert.equal((await flowgate(['keys'])).code, 2);
    const wrong = await flowgate(['keys', 'list', '--gateway', dev.url]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /unknown subcommand 'list'/);
    const help = await flowgate(['keys', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /trustedKeys/);
    const down = await flowgate(['keys', 'show', '--gateway', 'http://127.0.0.1:9']);
    assert.equal(down.code, 1);
  });

  test('publish to a protected target: refused (exit 1, the hint names --allow-unsigned); with --allow-unsigned uploaded, signed by the target, audited', async () => {
    const file = path.join(dir, 'direct-1.fgpkg');
    writeFileSync(file, await buildPackage('direct', 1, { 'x/Run': FLOW }));
    const as = ['--gateway', prod.url, '--credentials', path.join(prod.dataDir, 'local-admin.json')];
    const refused = await flowgate(['publish', file, ...as, '--no-publish', '--json']);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    const out = JSON.parse(refused.stdout);
    assert.equal(out.error.code, 'protected-target');
    assert.match(JSON.stringify(out), /--allow-unsigned/);
    assert.equal((await call(prod, 'GET', '/api/v1/packages/direct')).status, 404);

    const ok = await flowgate(['publish', file, ...as, '--allow-unsigned']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /uploaded direct v1/);
    assert.equal((await call(prod, 'GET', '/api/v1/packages/direct/versions/1')).body.published, true);
    const [rec] = (await call(prod, 'GET', '/api/v1/audit?action=upload-package')).body.records;
    assert.equal(rec.allowUnsigned, true);
    assert.equal(rec.status, 201);
  });
});
