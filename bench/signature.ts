/**
 * Benchmark: what verifying a package file's signature costs (issue 10: "signature verification
 * per file, goal under 5 ms"). A package of 1,000 flows is built and signed with a fresh Ed25519
 * key; then, in this one process, alternately:
 *   - baseline: SHA-256 over the same manifest.json bytes (what any integrity check pays anyway);
 *   - verifyManifestSignature: header checks, the key's RFC 7638 thumbprint, the key imported,
 *     the EdDSA signature checked over the manifest (everything an upload or a pull does for it).
 * And, for scale, a whole readPackageFile of the file with and without `verifySignature`.
 *
 *   node --import tsx bench/signature.ts [--count 2000] [--definitions 1000]
 *
 * Goal: verification under 5 ms per file (mean and p99); the ratio to SHA-256 is printed.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import JSZip from 'jszip';
import { buildPackageFile, readPackageFile } from '../src/core/package/packageFile';
import { keyThumbprint, SIGNATURE_ENTRY, signPackageFile, verifyManifestSignature } from '../src/core/package/signature';
import { fmt, mean, percentile, printTable, printVerdicts, runBenchmark, timeRuns as time } from './lib/harness';

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' }, definitions: { type: 'string', default: '1000' } } });
const COUNT = Math.min(100_000, Math.max(100, Number(values.count)));
const DEFINITIONS = Math.min(5000, Math.max(1, Number(values.definitions)));


runBenchmark('signature', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicJwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: (publicKey.export({ format: 'jwk' }) as { x: string }).x };
  const signer = { kid: await keyThumbprint(publicJwk), publicJwk, privateKey };
  const { bytes: unsigned } = await buildPackageFile({
    name: 'bench-signature',
    version: 1,
    createdBy: 'bench/signature',
    definitions: Array.from({ length: DEFINITIONS }, (_, i) => ({
      kind: 'flow' as const,
      id: `area${i % 20}/Flow${i}`,
      text: `steps:\n  - kind: log\n    message: "= 'flow ${i}'"\n`,
    })),
  });
  const signT0 = performance.now();
  const signed = await signPackageFile(unsigned, signer);
  const signMs = performance.now() - signT0;
  const zip = await JSZip.loadAsync(signed);
  const manifest = await zip.file('manifest.json')!.async('uint8array');
  const jws = await zip.file(SIGNATURE_ENTRY)!.async('uint8array');
  const trusted = (kid: string) => kid === signer.kid;

  // Warm-up, then interleaved rounds so both see the same machine.
  await time(200, () => createHash('sha256').update(manifest).digest());
  await time(200, () => verifyManifestSignature(manifest, jws, trusted));
  const base: number[] = [];
  const verify: number[] = [];
  for (let round = 0; round < 10; round++) {
    base.push(...(await time(COUNT / 10, () => createHash('sha256').update(manifest).digest())));
    verify.push(...(await time(COUNT / 10, () => verifyManifestSignature(manifest, jws, trusted))));
  }
  const ratio = mean(verify) / mean(base);

  const reads = 10;
  await readPackageFile(signed);
  const plainRead: number[] = [];
  const verifiedRead: number[] = [];
  for (let i = 0; i < reads; i++) {
    plainRead.push(...(await time(1, () => readPackageFile(signed))));
    verifiedRead.push(...(await time(1, () => readPackageFile(signed, { verifySignature: { isTrusted: trusted, required: true } }))));
  }

  printTable(`signature: manifest.json of ${DEFINITIONS} definitions (${manifest.length} bytes), ${COUNT} runs each`, ['', 'mean ms', 'p99 ms'], [
    ['baseline: SHA-256 of the manifest', fmt(mean(base), 4), fmt(percentile(base, 99), 4)],
    ['verifyManifestSignature', fmt(mean(verify), 4), fmt(percentile(verify, 99), 4)],
    ['ratio (verify / SHA-256)', fmt(ratio, 1), ''],
  ]);
  printTable(`signature: the whole file (${signed.length} bytes), ${reads} reads each`, ['', 'mean ms'], [
    ['readPackageFile', fmt(mean(plainRead), 1)],
    ['readPackageFile + verifySignature', fmt(mean(verifiedRead), 1)],
    ['signPackageFile (once)', fmt(signMs, 1)],
  ]);
  printVerdicts('signature', [
    { goal: 'verification < 5 ms per file (mean)', measured: `${fmt(mean(verify), 3)} ms (${fmt(ratio, 1)}x SHA-256 of the manifest)`, met: mean(verify) < 5 },
    { goal: 'verification < 5 ms per file (p99)', measured: `${fmt(percentile(verify, 99), 3)} ms`, met: percentile(verify, 99) < 5 },
  ]);
});
