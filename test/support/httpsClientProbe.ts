/**
 * Run as its own process by test/emulator/tls.test.ts, so that NODE_EXTRA_CA_CERTS (read by Node
 * at start only) decides what it trusts: core's GatewayClient with client-credentials tokens
 * (openid-client) from `<dataDir>/local-admin.json`, against an HTTPS gateway.
 *
 *   node --import tsx test/support/httpsClientProbe.ts <gatewayUrl> <dataDir> <package file> <flow>
 *
 * Prints one JSON line: what each call answered, or the error's code and message.
 */
import { readFileSync } from 'node:fs';
import { GatewayClient, GatewayError } from '../../src/core/client/gatewayClient';
import { credentialSource } from '../../src/core/client/tokens';

async function main(): Promise<void> {
  const [url, dataDir, packageFile, flow] = process.argv.slice(2);
  const client = new GatewayClient(url, { credentials: credentialSource(url, { env: {}, dataDirs: [dataDir] }), timeoutMs: 10_000 });
  const out: Record<string, unknown> = {};
  try {
    out.health = (await client.health()).status;
    const uploaded = await client.uploadPackage(new Uint8Array(readFileSync(packageFile)));
    out.uploaded = uploaded.name;
    await client.publish('tls-probe', 1);
    const run = await client.startExecution(flow, { packageName: 'tls-probe' });
    out.run = run.kind === 'result' ? run.result.status : 'started';
    if (run.kind === 'result') out.initiator = (await client.getExecution(run.result.executionId)).initiator;
    out.packages = (await client.listPackages()).packages?.map((p: { name: string }) => p.name);
  } catch (err) {
    out.error = err instanceof GatewayError ? { code: err.code, message: err.message } : { code: 'exception', message: String((err as Error)?.message ?? err) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

void main();
