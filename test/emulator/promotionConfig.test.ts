/** gateway.yaml `promotion.sources` at start: an unreadable secret or CA file refuses the start naming the field, never the secret. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultGatewayConfigText } from '../../src/core/gatewayConfig/schema';
import { startEmulatorProcess } from '../support/emulatorProcess';

const KID = 'A'.repeat(43);

async function startFails(extra: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-promo-config-'));
  try {
    const configFile = path.join(dir, 'gateway.yaml');
    writeFileSync(configFile, defaultGatewayConfigText([]) + extra, { mode: 0o600 });
    const err = await startEmulatorProcess({ dataDir: path.join(dir, 'data'), args: ['--config', configFile] }).then(
      async (gw) => {
        await gw.stop();
        return undefined;
      },
      (e: Error) => e.message,
    );
    assert.ok(err, 'the start was refused');
    return err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an unreadable clientSecretFile or caFile refuses the start naming the field', { timeout: 60_000 }, async () => {
  const missing = await startFails(`promotion:\n  sources:\n    - {name: dev, url: "http://127.0.0.1:1", clientId: c, clientSecretFile: nothing-here.secret, trustedKeys: [${KID}]}\n`);
  assert.match(missing, /promotion\.sources\[0\]\.clientSecretFile: cannot read .*nothing-here\.secret \(ENOENT\)/);
  const ca = await startFails(`promotion:\n  sources:\n    - {name: dev, url: "https://127.0.0.1:1", clientId: c, clientSecret: "s3cr3t-value-never-shown", caFile: no-ca.pem, trustedKeys: [${KID}]}\n`);
  assert.match(ca, /promotion\.sources\[0\]\.caFile: cannot read .*no-ca\.pem \(ENOENT\)/);
  assert.equal(ca.includes('s3cr3t-value-never-shown'), false);
  const both = await startFails(`promotion:\n  sources:\n    - {name: dev, url: "http://127.0.0.1:1", clientId: c, trustedKeys: [${KID}]}\n`);
  assert.match(both, /promotion\.sources\[0\]: give exactly one of clientSecret and clientSecretFile/);
});
