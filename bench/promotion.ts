/**
 * Benchmark: promotion of a package of 1,000 definitions from one emulator to another — pull
 * (download, signature verification, checks, store), validation, preview, apply, publish — end to
 * end over HTTP, against uploading and publishing the same package directly to the same target,
 * measured in the same run. Also: verifying one package file's signature.
 *
 *   node --import tsx bench/promotion.ts [--rounds 3] [--definitions 1000]
 *
 * Two real emulator processes on 127.0.0.1 (test/support/promotionGateways.ts): `src` and `tgt`
 * (source `src`). Each round submits a new version to `src` (signed with its key; not timed), then
 * times on `tgt`: POST /api/v1/imports, GET …/preview, POST …/apply, publish; and the baseline: POST
 * /api/v1/packages of a package with the same definitions under other ids, publish. The medians
 * are compared. Goals (issue 10): promotion ≤ 3 × the direct upload and publish; signature
 * verification of one file < 5 ms.
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPackageFile } from '../src/core/package/packageFile';
import { verifyManifestSignature } from '../src/core/package/signature';
import JSZip from 'jszip';
import { signedBy, startPromotionGateway, submit, type PromotionGateway } from '../test/support/promotionGateways';
import { fmt, percentile, printTable, printVerdicts, runBenchmark } from './lib/harness';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, definitions: { type: 'string', default: '1000' } } });
const ROUNDS = Math.min(10, Math.max(1, Number(values.rounds)));
const DEFINITIONS = Math.min(2000, Math.max(10, Number(values.definitions)));

function flowText(prefix: string, i: number, round: number): string {
  const next = i + 1 < DEFINITIONS ? `  - kind: run-flow\n    flow: ${prefix}/F${String(i + 1).padStart(4, '0')}\n    mode: async\n` : '';
  return `description: flow ${i} of round ${round}\ninputs:\n  device:\n    type: string\n    required: false\nsteps:\n  - kind: set\n    values:\n      round: ${round}\n      index: ${i}\n  - kind: log\n    message: "= 'device ' & device"\n${next}`;
}

async function packageOf(name: string, prefix: string, version: number): Promise<Uint8Array> {
  const { bytes } = await buildPackageFile({
    name,
    version,
    createdBy: 'flowgate-bench/0.1.0',
    definitions: Array.from({ length: DEFINITIONS }, (_, i) => ({ kind: 'flow' as const, id: `${prefix}/F${String(i).padStart(4, '0')}`, text: flowText(prefix, i, version) })),
  });
  return bytes;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, performance.now() - t];
}

async function req(gw: PromotionGateway, method: string, pathname: string, body?: unknown): Promise<any> {
  const headers: Record<string, string> = { authorization: `Bearer ${await gw.adminToken()}` };
  let payload: BodyInit | undefined;
  if (body instanceof Uint8Array) {
    headers['content-type'] = 'application/zip';
    payload = body as Uint8Array<ArrayBuffer>;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${gw.url}${pathname}`, { method, headers, body: payload });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname} → ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

runBenchmark('promotion', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'flowgate-bench-promotion-'));
  const gateways: PromotionGateway[] = [];
  try {
    const src = await startPromotionGateway(root, 'src');
    gateways.push(src);
    const tgt = await startPromotionGateway(root, 'tgt', { sources: [src.asSource()] });
    gateways.push(tgt);
    const rows: (string | number)[][] = [];
    const promotion: number[] = [];
    const direct: number[] = [];
    // A warm-up round of each (not counted): both processes load their code paths.
    for (let round = 0; round <= ROUNDS; round++) {
      const version = round + 1;
      const status = await submit(src, await packageOf('bench-promoted', 'prom', version));
      if (status !== 201) throw new Error(`submit to src answered ${status}`);
      const [pulled, pullMs] = await timed(() => req(tgt, 'POST', '/api/v1/imports', { source: 'src', name: 'bench-promoted', version }));
      if (!pulled.validation.ok) throw new Error(`validation failed: ${JSON.stringify(pulled.validation.problems.slice(0, 3))}`);
      const [, validateMs] = await timed(() => req(tgt, 'GET', `/api/v1/imports/${pulled.id}`));
      const [preview, previewMs] = await timed(() => req(tgt, 'GET', `/api/v1/imports/${pulled.id}/preview`));
      if (preview.definitions.length !== DEFINITIONS) throw new Error(`preview has ${preview.definitions.length} definitions`);
      const [, applyMs] = await timed(() => req(tgt, 'POST', `/api/v1/imports/${pulled.id}/apply`, {}));
      const [, publishMs] = await timed(() => req(tgt, 'POST', `/api/v1/packages/bench-promoted/versions/${version}/publish`));
      const promoMs = pullMs + validateMs + previewMs + applyMs + publishMs;

      const bytes = await packageOf('bench-direct', 'dir', version);
      const [, uploadMs] = await timed(() => req(tgt, 'POST', '/api/v1/packages', bytes));
      const [, directPublishMs] = await timed(() => req(tgt, 'POST', `/api/v1/packages/bench-direct/versions/${version}/publish`));
      const directMs = uploadMs + directPublishMs;
      rows.push([round === 0 ? 'warm-up' : `round ${round}`, fmt(pullMs), fmt(validateMs), fmt(previewMs), fmt(applyMs), fmt(publishMs), fmt(promoMs), fmt(directMs), fmt(promoMs / directMs, 2)]);
      if (round > 0) {
        promotion.push(promoMs);
        direct.push(directMs);
      }
    }
    printTable(`promotion of ${DEFINITIONS} definitions vs direct upload + publish (ms)`, ['', 'pull', 'validate', 'preview', 'apply', 'publish', 'promotion', 'direct', 'ratio'], rows);

    // Signature verification of one (1,000-definition) file, in process.
    const signed = await signedBy(src, await packageOf('bench-verify', 'ver', 1));
    const zip = await JSZip.loadAsync(signed);
    const manifest = await zip.file('manifest.json')!.async('uint8array');
    const jws = await zip.file('signature.jws')!.async('uint8array');
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await verifyManifestSignature(manifest, jws, (kid) => kid === src.kid);
      times.push(performance.now() - t);
    }
    const verifyP50 = percentile(times, 50);
    const ratio = percentile(promotion, 50) / percentile(direct, 50);
    printVerdicts('promotion', [
      { goal: 'promotion (pull, verify, validate, preview, apply, publish) ≤ 3 × direct upload + publish (medians)', measured: `${fmt(percentile(promotion, 50))} ms vs ${fmt(percentile(direct, 50))} ms = ${fmt(ratio, 2)}×`, met: ratio <= 3 },
      { goal: 'signature verification of one file < 5 ms (p50 of 200, manifest of 1,000 definitions)', measured: `${fmt(verifyP50, 2)} ms (p95 ${fmt(percentile(times, 95), 2)} ms)`, met: verifyP50 < 5 },
    ]);
  } finally {
    await Promise.all(gateways.map((g) => g.stop().catch(() => undefined)));
    rmSync(root, { recursive: true, force: true });
  }
}, 600_000);
