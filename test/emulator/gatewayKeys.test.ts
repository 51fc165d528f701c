/**
 * The gateway's package-signing key (signing/packageKeys.ts) through a real emulator process:
 * created on first start in <data>/signing/package-key.json (0600, folder 0700), its id the RFC 7638
 * thumbprint, kept across restarts, served publicly without its private half; a damaged key file
 * stops the start, naming the file and never showing its contents.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runEmulatorToExit, startEmulatorProcess } from '../support/emulatorProcess';

const KEY_FILE = path.join('signing', 'package-key.json');

/** RFC 7638 for an OKP key: SHA-256 of {"crv","kty","x"} (members in that order, no spaces), base64url. */
function thumbprint(x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

interface KeyFile {
  keys: { kid: string; x: string; d: string; current: boolean; createdAt: string }[];
}

describe('gateway package-signing keys', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'flowgate-gwkeys-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('created on first start (0600 in a 0700 folder), kid = thumbprint, the same after a restart; served publicly without d', async () => {
    const dataDir = tempDir();
    const gw = await startEmulatorProcess({ dataDir });
    let file: KeyFile;
    let served: any;
    try {
      const keyPath = path.join(dataDir, KEY_FILE);
      assert.equal(statSync(keyPath).mode & 0o777, 0o600);
      assert.equal(statSync(path.dirname(keyPath)).mode & 0o777, 0o700);
      file = JSON.parse(readFileSync(keyPath, 'utf8')) as KeyFile;
      assert.equal(file.keys.length, 1);
      const [k] = file.keys;
      assert.equal(k.current, true);
      assert.equal(k.kid, thumbprint(k.x), 'kid is the RFC 7638 thumbprint');

      // Public: no token at all.
      const res = await fetch(`${gw.url}/api/v1/gateway/keys`);
      assert.equal(res.status, 200);
      const text = await res.text();
      served = JSON.parse(text);
      assert.deepEqual(served.keys, [{ kid: k.kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: k.x }, current: true, createdAt: k.createdAt }]);
      assert.ok(!text.includes(k.d), 'the private half never leaves the file');
      assert.ok(!/"d"\s*:/.test(text), 'no d member at all');
      assert.equal(served.keys[0].kid, thumbprint(served.keys[0].jwk.x));
    } finally {
      await gw.stop();
    }

    const again = await startEmulatorProcess({ dataDir });
    try {
      const res = await fetch(`${again.url}/api/v1/gateway/keys`);
      assert.deepEqual((await res.json()).keys, served.keys, 'the same key after a restart');
      assert.deepEqual(JSON.parse(readFileSync(path.join(dataDir, KEY_FILE), 'utf8')), file, 'the file unchanged');
    } finally {
      await again.stop();
    }
  });

  test('a corrupt or truncated key file stops the start, naming the file and not its contents', async () => {
    // A real key file to damage.
    const seed = tempDir();
    const gw = await startEmulatorProcess({ dataDir: seed });
    await gw.stop();
    const good = readFileSync(path.join(seed, KEY_FILE), 'utf8');
    const { d } = (JSON.parse(good) as KeyFile).keys[0];
    const kidOf = (JSON.parse(good) as KeyFile).keys[0].kid;

    const otherX = Buffer.alloc(32, 7).toString('base64url');
    const damaged: [string, string][] = [
      ['truncated', good.slice(0, Math.floor(good.length / 2))],
      ['not JSON', `SECRET-LOOKING-CONTENT-${d}`],
      ['no keys', '{"keys": []}'],
      ['kid not the thumbprint', good.replace(kidOf, thumbprint(otherX))],
      ['two current keys', JSON.stringify({ keys: [JSON.parse(good).keys[0], { ...JSON.parse(good).keys[0], kid: thumbprint(otherX), x: otherX }] })],
    ];
    for (const [what, text] of damaged) {
      const dataDir = tempDir();
      // Start once for a complete data folder, then damage its key.
      const first = await startEmulatorProcess({ dataDir });
      await first.stop();
      const keyPath = path.join(dataDir, KEY_FILE);
      writeFileSync(keyPath, text, { mode: 0o600 });
      const r = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', dataDir]);
      assert.notEqual(r.code, 0, `${what}: the start is refused`);
      const output = r.stdout + r.stderr;
      assert.ok(output.includes(keyPath), `${what}: names the file: ${output}`);
      assert.ok(!output.includes(d), `${what}: never the private key`);
      assert.ok(!output.includes('SECRET-LOOKING-CONTENT'), `${what}: never the contents`);
      assert.ok(!/listening on/.test(output), `${what}: never listening`);
      assert.equal(readFileSync(keyPath, 'utf8'), text, `${what}: the damaged file is left as it is (not replaced by a new key)`);
    }
  });
});
