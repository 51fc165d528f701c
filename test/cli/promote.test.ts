/**
 * `flowgate promote` and `flowgate imports` (the built CLI) against real emulator processes: dev,
 * qa (source dev, dev's key trusted) and prod (source qa), each with its own keys and folder, over
 * real HTTP. The CLI talks to qa unattended with client credentials (FLOWGATE_CLIENT_ID/SECRET).
 * Covered: promote + apply with the statuses on both sides, running it again, --from by URL and an
 * unknown --from, an apply blocked by a missing reference (exit 1) and unblocked by a replacement,
 * promote --replace --apply, imports list/show/validate/diff/apply/reject, --json shapes, rollback
 * refused (exit 3) and allowed, a rejected import refused (exit 3), an untrusted signer refused (exit 3),
 * a gateway that does not answer
 * and a source that is down (exit 4).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildPackage, call, waitFor } from '../emulator/helpers';
import { credentials } from '../support/emulatorProcess';
import { ensureCliBuilt, runCli, type CliRun } from '../support/builtCli';
import { startPromotionChain, startPromotionGateway, submit, type PromotionChain, type PromotionGateway } from '../support/promotionGateways';

const NOTIFY = (target: string) => `steps:\n  - kind: log\n    message: alerting\n  - kind: run-flow\n    flow: ${target}\n`;

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The status of a version as a gateway reports it. */
async function statusOn(gw: PromotionGateway, name: string, version: number): Promise<string | undefined> {
  const r = await call(gw.url, 'GET', `/api/v1/packages/${name}/versions/${version}`, undefined, { authorization: `Bearer ${await gw.adminToken()}` });
  return r.status === 200 ? r.body.status : undefined;
}

async function waitStatus(gw: PromotionGateway, name: string, version: number, want: string): Promise<void> {
  await waitFor(async () => ((await statusOn(gw, name, version)) === want ? true : undefined), 15_000, `${name} v${version} ${want} on ${gw.name}`);
}

describe('flowgate promote and flowgate imports', { timeout: 600_000 }, () => {
  let chain: PromotionChain;
  let env: NodeJS.ProcessEnv;
  const outputs: string[] = [];
  /** flowgate <args> as a CI job on qa runs it. */
  const fg = async (args: string[]): Promise<CliRun> => {
    const r = await runCli(args, { env });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const promote = (name: string, version: number, ...more: string[]) => fg(['promote', name, String(version), '--from', 'dev', '--to', chain.qa.url, ...more]);
  const imports = (...args: string[]) => fg(['imports', ...args, '--gateway', chain.qa.url]);
  const json = (r: CliRun) => {
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
    }
  };

  before(async () => {
    await ensureCliBuilt();
    chain = await startPromotionChain();
    const c = credentials(chain.qa.dataDir);
    env = { FLOWGATE_CLIENT_ID: c.client_id, FLOWGATE_CLIENT_SECRET: c.client_secret };
    // (The sample package's file carries schedules and triggers, which dev serves re-exported — signed only once dev signs what it serves.)
    assert.equal(await submit(chain.dev, await buildPackage('network-ops', 1, { 'network/Check': 'steps:\n  - kind: log\n    message: check\n' })), 201);
  });
  after(async () => {
    const secrets = chain ? [credentials(chain.qa.dataDir).client_secret, credentials(chain.dev.dataDir).client_secret] : [];
    await chain?.stop();
    for (const o of outputs) for (const s of secrets) assert.ok(!o.includes(s), `a client secret was printed: ${o.slice(0, 200)}`);
  });

  test('help: promote and imports document their options and exit codes; the top-level help lists them', async () => {
    const p = await runCli(['promote', '--help']);
    assert.equal(p.code, 0);
    for (const s of ['--from <source>', '--to <url>', '--replace <kind:from=to>', '--apply', '--allow-rollback', '3  refused by the gateway', '4  the gateway, or the source']) assert.ok(p.stdout.includes(s), s);
    const i = await runCli(['imports', '--help']);
    assert.equal(i.code, 0);
    for (const s of ['imports list', 'imports show ID', 'imports validate ID', 'imports replace ID kind:from=to', 'imports diff ID [--definition ID]', 'imports apply ID [--allow-rollback]', 'imports reject ID --reason TEXT']) assert.ok(i.stdout.includes(s), s);
    const top = await runCli(['--help']);
    assert.match(top.stdout, /promote\s+promote a package version/);
    assert.match(top.stdout, /imports\s+list, show/);
  });

  test('promote --apply: OPEN then APPLIED on qa, ACCEPTED then PROMOTED on dev; again: nothing changes', async () => {
    const r = await promote('network-ops', 1, '--apply');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`${chain.qa.url.replace(/[.:/]/g, '\\$&')} pulled network-ops v1 from dev: import imp-[0-9a-f]+, OPEN`));
    assert.match(r.stdout, /validation: ✓ no problems/);
    assert.match(r.stdout, /✓ applied network-ops v1 on .*: APPLIED; dev is told PROMOTED/);
    assert.equal(await statusOn(chain.qa, 'network-ops', 1), 'APPLIED');
    await waitStatus(chain.dev, 'network-ops', 1, 'PROMOTED');

    const again = await promote('network-ops', 1, '--apply', '--json');
    assert.equal(again.code, 0, again.stderr);
    const doc = json(again);
    assert.deepEqual(
      { ok: doc.ok, target: doc.target, source: doc.source, created: doc.created, applied: doc.applied, changed: doc.changed, status: doc.import.status },
      { ok: true, target: chain.qa.url, source: 'dev', created: false, applied: true, changed: false, status: 'APPLIED' },
    );
    assert.equal(doc.import.name, 'network-ops');
    assert.match(doc.import.signer, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(doc.import.signer, chain.dev.kid);
  });

  test('--from: the source URL maps to its configured name; an unknown one is a usage error listing the names', async () => {
    assert.equal(await submit(chain.dev, await buildPackage('reports', 1, { 'reports/Daily': 'steps:\n  - kind: log\n    message: daily\n' })), 201);
    const byUrl = await fg(['promote', 'reports', '1', '--from', `${chain.dev.url}/`, '--to', chain.qa.url, '--json']);
    assert.equal(byUrl.code, 0, byUrl.stdout + byUrl.stderr);
    const doc = json(byUrl);
    assert.equal(doc.source, 'dev');
    assert.equal(doc.import.status, 'OPEN');
    assert.equal(doc.applied, false);
    await waitStatus(chain.dev, 'reports', 1, 'ACCEPTED');

    const unknown = await fg(['promote', 'reports', '1', '--from', 'staging', '--to', chain.qa.url]);
    assert.equal(unknown.code, 2);
    assert.ok(unknown.stderr.includes(`has no source 'staging'; its sources are: dev (${chain.dev.url})`), unknown.stderr);
    for (const bad of [['promote', 'reports', 'one', '--from', 'dev', '--to', chain.qa.url], ['promote', 'reports', '1', '--to', chain.qa.url], ['promote', 'reports', '1', '--from', 'dev'], ['promote', 'a/b', '1', '--from', 'dev', '--to', chain.qa.url], ['promote', 'reports', '1', '--from', 'dev', '--to', chain.qa.url, '--replace', 'script:a=b']]) {
      const u = await fg(bad);
      assert.equal(u.code, 2, `${bad.join(' ')}: ${u.stderr}`);
    }
  });

  test('an apply blocked by a missing reference exits 1 and leaves the import OPEN; a replacement unblocks it', async () => {
    // qa's repository has ops/Notify-Ops (another package); the version runs ops/Notify-Dev, which neither has.
    assert.equal((await call(chain.qa.url, 'POST', '/api/v1/packages', await buildPackage('ops-shared', 1, { 'ops/Notify-Ops': 'steps: []\n' }), { authorization: `Bearer ${await chain.qa.adminToken()}` })).status, 201);
    assert.equal(await submit(chain.dev, await buildPackage('alerts', 1, { 'alerts/Main': NOTIFY('ops/Notify-Dev') })), 201);
    const blocked = await promote('alerts', 1, '--apply', '--json');
    assert.equal(blocked.code, 1, blocked.stdout + blocked.stderr);
    const doc = json(blocked);
    assert.equal(doc.ok, false);
    assert.equal(doc.applied, false);
    assert.equal(doc.error.code, 'validation-failed');
    assert.equal(doc.import.status, 'OPEN');
    assert.equal(doc.import.validation.ok, false);
    assert.ok(doc.import.validation.problems.some((p: { code: string; message: string }) => p.code === 'missing-reference' && p.message.includes('ops/Notify-Dev')), JSON.stringify(doc.import.validation));
    const id: string = doc.import.id;
    assert.equal(await statusOn(chain.qa, 'alerts', 1), undefined, 'nothing was applied');

    // The same in text, from imports: validate exits 1 naming the problem; apply exits 1.
    const v = await imports('validate', id);
    assert.equal(v.code, 1);
    assert.match(v.stdout, /validation: ✗ 1 error/);
    assert.match(v.stdout, /error missing-reference: .*ops\/Notify-Dev/);
    const a = await imports('apply', id);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /validation errors remain/);

    // Replace, then apply: exit 0; the applied flow runs the replacement.
    const rep = await imports('replace', id, 'flow:ops/Notify-Dev=ops/Notify-Ops');
    assert.equal(rep.code, 0, rep.stdout + rep.stderr);
    assert.match(rep.stdout, /flow ops\/Notify-Dev → ops\/Notify-Ops/);
    assert.match(rep.stdout, /validation: ✓/);
    const diff = await imports('diff', id, '--json');
    assert.equal(diff.code, 0);
    const preview = json(diff);
    const main = preview.definitions.find((d: { id: string }) => d.id === 'alerts/Main');
    assert.equal(main.change, 'new');
    assert.match(main.text, /flow: ops\/Notify-Ops/);
    const applied = await imports('apply', id, '--json');
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal(json(applied).status, 'APPLIED');
    assert.equal(json(applied).changed, true);
    const file = await call(chain.qa, 'GET', '/api/v1/definitions');
    assert.equal(file.status, 200);
    assert.ok(file.body.definitions.some((d: { id: string }) => d.id === 'alerts/Main'));
    await waitStatus(chain.dev, 'alerts', 1, 'PROMOTED');
    // Again: nothing changes, exit 0.
    const twice = await imports('apply', id);
    assert.equal(twice.code, 0);
    assert.match(twice.stdout, /was already applied; nothing changed/);

    // promote --replace --apply in one go, for the next version.
    assert.equal(await submit(chain.dev, await buildPackage('alerts', 2, { 'alerts/Main': NOTIFY('ops/Notify-Dev') })), 201);
    const one = await promote('alerts', 2, '--replace', 'flow:ops/Notify-Dev=ops/Notify-Ops', '--apply');
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.match(one.stdout, /replacements: flow ops\/Notify-Dev → ops\/Notify-Ops/);
    assert.equal(await statusOn(chain.qa, 'alerts', 2), 'APPLIED');
  });

  test('imports list, show and diff (with a changed definition), and reject: REJECTED on both sides, then refused (exit 3)', async () => {
    // Version 2 changes one flow of version 1 (already applied on qa): the preview shows its diff.
    const changed = await buildPackage('reports', 2, { 'reports/Daily': 'steps:\n  - kind: log\n    message: daily, with totals\n', 'reports/Weekly': 'steps: []\n' });
    assert.equal(await submit(chain.dev, changed), 201);
    const pulled = json(await promote('reports', 2, '--json'));
    const id: string = pulled.import.id;
    // reports v1 (OPEN) is applied first, so v2's Daily is a change against the repository.
    const v1 = json(await imports('list', '--json')).imports.find((i: { name: string; version: number }) => i.name === 'reports' && i.version === 1);
    assert.equal((await imports('apply', v1.id)).code, 0);

    const l = await imports('list');
    assert.equal(l.code, 0);
    assert.match(l.stdout, new RegExp(`${id} +OPEN +reports v2 +from dev`));
    assert.match(l.stdout, /APPLIED +network-ops v1/);
    const lj = json(await imports('list', '--json'));
    assert.equal(lj.gateway, chain.qa.url);
    assert.ok(lj.imports.length >= 4);

    const s = await imports('show', id);
    assert.equal(s.code, 0);
    assert.match(s.stdout, /reports v2 {2}import imp-[0-9a-f]+ {2}OPEN/);
    assert.match(s.stdout, new RegExp(`signed by: +${chain.dev.kid}`));
    assert.match(s.stdout, /flow reports\/Daily/);
    assert.equal(json(await imports('show', id, '--json')).id, id);

    const d = await imports('diff', id);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /1 new, 1 changed, 0 unchanged/);
    assert.match(d.stdout, /changed +flow reports\/Daily/);
    assert.match(d.stdout, /new +flow reports\/Weekly/);
    assert.match(d.stdout, /^-    message: daily$/m);
    assert.match(d.stdout, /^\+    message: daily, with totals$/m);
    const only = await imports('diff', id, '--definition', 'reports/Weekly');
    assert.equal(only.code, 0);
    assert.doesNotMatch(only.stdout, /Daily/);
    assert.equal((await imports('diff', id, '--definition', 'nope/Nope')).code, 2);

    const rej = await imports('reject', id, '--reason', 'totals are wrong');
    assert.equal(rej.code, 0, rej.stderr);
    assert.match(rej.stdout, /reports v2 rejected/);
    await waitStatus(chain.dev, 'reports', 2, 'REJECTED');
    const again = await imports('reject', id, '--reason', 'totals are wrong', '--json');
    assert.equal(again.code, 0);
    assert.equal(json(again).changed, false);
    // A rejected import is closed: apply and promote are refused by the gateway (3).
    const apply = await imports('apply', id, '--json');
    assert.equal(apply.code, 3, apply.stdout);
    assert.equal(json(apply).error.code, 'import-closed');
    const p = await promote('reports', 2, '--apply');
    assert.equal(p.code, 3);
    assert.match(p.stderr, /was rejected .*totals are wrong/);
    // Usage of imports.
    assert.equal((await imports('reject', id)).code, 2);
    assert.equal((await imports('replace', id)).code, 2);
    assert.equal((await imports('show')).code, 2);
    assert.equal((await imports('frobnicate', id)).code, 2);
    assert.equal((await imports('show', '../etc')).code, 2);
    const missing = await imports('show', 'imp-0000', '--json');
    assert.equal(missing.code, 3);
    assert.equal(json(missing).error.code, 'import-not-found');
  });

  test('rollback protection: a version lower than one applied is refused (exit 3) unless --allow-rollback', async () => {
    assert.equal(await submit(chain.dev, await buildPackage('rb', 3, { 'rb/F': 'steps: []\n' })), 201);
    assert.equal(await submit(chain.dev, await buildPackage('rb', 2, { 'rb/F': 'steps:\n  - kind: log\n    message: two\n' })), 201);
    assert.equal((await promote('rb', 3, '--apply')).code, 0);
    const refused = await promote('rb', 2, '--apply', '--json');
    assert.equal(refused.code, 3, refused.stdout);
    assert.equal(json(refused).error.code, 'rollback-refused');
    const allowed = await promote('rb', 2, '--apply', '--allow-rollback');
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    assert.equal(await statusOn(chain.qa, 'rb', 2), 'APPLIED');
  });

  test('a version signed by a key the target does not trust for the source is refused (exit 3), nothing pulled', async () => {
    // A second target of dev that trusts prod's key for it instead of dev's.
    const strict = await startPromotionGateway(chain.root, 'qa-strict', { sources: [chain.dev.asSource({ trustedKeys: [chain.prod.kid] })] });
    try {
      const c = credentials(strict.dataDir);
      const r = await runCli(['promote', 'network-ops', '1', '--from', 'dev', '--to', strict.url, '--apply', '--json'], { env: { FLOWGATE_CLIENT_ID: c.client_id, FLOWGATE_CLIENT_SECRET: c.client_secret } });
      outputs.push(r.stdout, r.stderr);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.equal(json(r).error.code, 'untrusted-signer');
      const list = await runCli(['imports', 'list', '--gateway', strict.url, '--json'], { env: { FLOWGATE_CLIENT_ID: c.client_id, FLOWGATE_CLIENT_SECRET: c.client_secret } });
      assert.deepEqual(json(list).imports, []);
    } finally {
      await strict.stop();
    }
  });

  test('unreachable: no gateway at --to, or the source is down (exit 4)', async () => {
    const port = await closedPort();
    const none = await fg(['promote', 'network-ops', '1', '--from', 'dev', '--to', `http://127.0.0.1:${port}`]);
    assert.equal(none.code, 4, none.stdout + none.stderr);
    assert.equal((await fg(['imports', 'list', '--gateway', `http://127.0.0.1:${port}`])).code, 4);
    assert.equal(await submit(chain.dev, await buildPackage('late', 1, { 'late/F': 'steps: []\n' })), 201);
    await chain.dev.stop();
    try {
      const down = await promote('late', 1, '--json');
      assert.equal(down.code, 4, down.stdout + down.stderr);
      assert.equal(json(down).error.code, 'source-unavailable');
    } finally {
      await chain.dev.start();
    }
    assert.equal((await promote('late', 1)).code, 0);
  });
});
