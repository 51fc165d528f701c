/**
 * Promotion end to end on three real emulator processes (dev → qa → prod, test/support/promotionGateways.ts):
 * statuses on both sides after every step, every step repeated (idempotent answers), reject and
 * resubmit as a new version, rollback protection, and the outbox catching up after the source was
 * killed (kill -9), delivering exactly once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPackageFile, readPackageFile } from '../../src/core/package/packageFile';
import { buildPackage, call, waitFor } from './helpers';
import { startPromotionChain, submit, type PromotionChain, type PromotionGateway } from '../support/promotionGateways';

const MAIN = `
steps:
  - kind: http
    connection: crm-dev
    path: /orders
    output: response
  - kind: run-flow
    flow: orders/Notify
`;
const NOTIFY = `
steps:
  - kind: set
    values:
      done: true
`;
const CRM_DEV = 'baseUrl: http://127.0.0.1:9\nauth:\n  type: bearer\n  secret: crm-token\n';

function ordersPackage(version: number, extra = ''): Promise<Uint8Array> {
  return buildPackage('orders', version, { 'orders/Main': MAIN, 'orders/Notify': NOTIFY + extra }, { 'crm-dev': CRM_DEV });
}

async function sourceState(gw: PromotionGateway, name: string, version: number) {
  const r = await call(gw, 'GET', `/api/v1/packages/${name}/versions/${version}/history`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as { status: string; targets: { target: string; status: string; at: string; reason?: string }[]; history: { event: string; target: string; id: string }[] };
}

async function notified(gw: PromotionGateway, id: string): Promise<any> {
  return waitFor(async () => {
    const r = await call(gw, 'GET', `/api/v1/imports/${id}`);
    return r.body.sourceNotified ? r.body : undefined;
  }, 15_000, `import ${id} delivered to its source`);
}

describe('promotion dev → qa → prod (three real gateways)', { timeout: 170_000 }, () => {
  let chain: PromotionChain;
  before(async () => {
    chain = await startPromotionChain();
  });
  after(async () => {
    await chain?.stop();
  });

  test('the whole path with statuses on both sides after every step; every step repeated changes nothing', async () => {
    const { dev, qa, prod } = chain;
    assert.equal(await submit(dev, await ordersPackage(1)), 201);
    assert.equal((await sourceState(dev, 'orders', 1)).status, 'SUBMITTED');

    // qa: sources and what dev offers (never the credential).
    const sources = await call(qa, 'GET', '/api/v1/sources');
    assert.equal(sources.status, 200);
    assert.deepEqual(sources.body, { sources: [{ name: 'dev', url: dev.url, trustedKeys: [dev.kid] }] });
    const offered = await call(qa, 'GET', '/api/v1/sources/dev/packages');
    assert.equal(offered.status, 200, JSON.stringify(offered.body));
    const v1 = offered.body.versions.find((v: any) => v.name === 'orders' && v.version === 1);
    assert.equal(v1.status, 'SUBMITTED');
    assert.equal(v1.importId, undefined);

    // Pull → OPEN on qa, ACCEPTED on dev; pulled again → 200 created:false.
    const pulled = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 1 });
    assert.equal(pulled.status, 201, JSON.stringify(pulled.body));
    assert.equal(pulled.body.created, true);
    assert.equal(pulled.body.status, 'OPEN');
    assert.equal(pulled.body.signer, dev.kid);
    const id = pulled.body.id as string;
    assert.equal(pulled.headers.get('location'), `/api/v1/imports/${id}`);
    const again = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 1 });
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    assert.equal(again.body.id, id);
    await notified(qa, id);
    assert.equal((await sourceState(dev, 'orders', 1)).status, 'ACCEPTED');
    assert.deepEqual((await sourceState(dev, 'orders', 1)).targets.map((t) => [t.target, t.status]), [['qa', 'ACCEPTED']]);
    // Not yet in qa's repository, not publishable.
    assert.equal((await call(qa, 'GET', '/api/v1/packages/orders')).status, 404);
    const listed = await call(qa, 'GET', '/api/v1/sources/dev/packages');
    const withImport = listed.body.versions.find((v: any) => v.name === 'orders' && v.version === 1);
    assert.equal(withImport.importId, id);
    assert.equal(withImport.importStatus, 'OPEN');

    // Detail: instructions, definitions, validation (the connection's secret is missing on qa: a warning).
    const detail = await call(qa, 'GET', `/api/v1/imports/${id}`);
    assert.equal(detail.status, 200);
    assert.deepEqual(detail.body.definitions.map((d: any) => `${d.kind}:${d.id}`), ['flow:orders/Main', 'flow:orders/Notify', 'connection:crm-dev']);
    assert.equal(detail.body.validation.ok, true);
    assert.deepEqual(detail.body.validation.problems.map((p: any) => [p.severity, p.code, p.reference?.id]), [['warning', 'missing-secret', 'crm-token']]);
    const list = await call(qa, 'GET', '/api/v1/imports');
    assert.deepEqual(list.body.imports.map((i: any) => [i.id, i.status]), [[id, 'OPEN']]);

    // Apply → APPLIED on qa (publishable), PROMOTED on dev; again → changed:false.
    const applied = await call(qa, 'POST', `/api/v1/imports/${id}/apply`, {});
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal(applied.body.changed, true);
    assert.equal(applied.body.status, 'APPLIED');
    const applied2 = await call(qa, 'POST', `/api/v1/imports/${id}/apply`, {});
    assert.equal(applied2.status, 200);
    assert.equal(applied2.body.changed, false);
    const rejectApplied = await call(qa, 'POST', `/api/v1/imports/${id}/reject`, { reason: 'too late' });
    assert.equal(rejectApplied.status, 409);
    assert.equal(rejectApplied.body.error.code, 'import-closed');
    await notified(qa, id);
    const devState = await sourceState(dev, 'orders', 1);
    assert.equal(devState.status, 'PROMOTED');
    assert.deepEqual(devState.history.map((e) => [e.event, e.target]), [['ACCEPTED', 'qa'], ['PROMOTED', 'qa']]);
    const onQa = await call(qa, 'GET', '/api/v1/packages/orders/versions/1');
    assert.equal(onQa.body.status, 'APPLIED');
    assert.equal((await call(qa, 'POST', '/api/v1/packages/orders/versions/1/publish')).status, 200);

    // prod is a protected target: no direct upload, only promotion.
    const direct = await call(prod, 'POST', '/api/v1/packages', await ordersPackage(1));
    assert.equal(direct.status, 403, JSON.stringify(direct.body));
    assert.equal(direct.body.error.code, 'protected-target');
    // qa signed the version it applied with its own key.
    const qaFile = await fetch(`${qa.url}/api/v1/packages/orders/versions/1/file`, { headers: { authorization: `Bearer ${await qa.adminToken()}` } });
    assert.equal((await readPackageFile(new Uint8Array(await qaFile.arrayBuffer()), { verifySignature: { isTrusted: (k) => k === qa.kid, required: true } })).signer, qa.kid);
    // prod pulls from qa, applies; qa shows PROMOTED, prod APPLIED.
    const offeredByQa = await call(prod, 'GET', '/api/v1/sources/qa/packages');
    assert.equal(offeredByQa.status, 200, JSON.stringify(offeredByQa.body));
    assert.equal(offeredByQa.body.versions.find((v: any) => v.name === 'orders').status, 'APPLIED');
    const pulledByProd = await call(prod, 'POST', '/api/v1/imports', { source: 'qa', name: 'orders', version: 1 });
    assert.equal(pulledByProd.status, 201, JSON.stringify(pulledByProd.body));
    assert.equal(pulledByProd.body.signer, qa.kid);
    await notified(prod, pulledByProd.body.id);
    assert.equal((await sourceState(qa, 'orders', 1)).status, 'ACCEPTED');
    assert.equal((await call(prod, 'POST', `/api/v1/imports/${pulledByProd.body.id}/apply`, {})).status, 200);
    await notified(prod, pulledByProd.body.id);
    assert.equal((await sourceState(qa, 'orders', 1)).status, 'PROMOTED');
    assert.equal((await call(prod, 'GET', '/api/v1/packages/orders/versions/1')).body.status, 'APPLIED');
    // dev's history is unchanged by what prod did.
    assert.equal((await sourceState(dev, 'orders', 1)).history.length, 2);
    // prod's copy runs: published, its flow executes.
    assert.equal((await call(prod, 'POST', '/api/v1/packages/orders/versions/1/publish')).status, 200);
    const run = await call(prod, 'POST', '/api/default/default/flows/orders%2FNotify/executions?packageName=orders&packageVersion=1', { inputVariables: {} });
    assert.equal(run.status, 200, JSON.stringify(run.body));
  });

  test('reject with a reason (REJECTED on both sides, idempotent), then the author submits a new version', async () => {
    const { dev, qa } = chain;
    assert.equal(await submit(dev, await ordersPackage(2, '      version: 2\n')), 201);
    const pulled = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 2 });
    assert.equal(pulled.status, 201, JSON.stringify(pulled.body));
    const id = pulled.body.id;
    const rejected = await call(qa, 'POST', `/api/v1/imports/${id}/reject`, { reason: 'Notify must page the on-call team' });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.changed, true);
    assert.equal(rejected.body.status, 'REJECTED');
    assert.equal(rejected.body.reason, 'Notify must page the on-call team');
    const again = await call(qa, 'POST', `/api/v1/imports/${id}/reject`, { reason: 'again' });
    assert.equal(again.status, 200);
    assert.equal(again.body.changed, false);
    assert.equal(again.body.reason, 'Notify must page the on-call team');
    const apply = await call(qa, 'POST', `/api/v1/imports/${id}/apply`, {});
    assert.equal(apply.status, 409);
    assert.equal(apply.body.error.code, 'import-closed');
    const replace = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, { replacements: [] });
    assert.equal(replace.status, 409);
    assert.equal(replace.body.error.code, 'import-closed');
    await notified(qa, id);
    const state = await sourceState(dev, 'orders', 2);
    assert.equal(state.status, 'REJECTED');
    assert.deepEqual(state.targets, [{ target: 'qa', status: 'REJECTED', at: state.targets[0]?.at, reason: 'Notify must page the on-call team' }]);
    assert.equal((await call(qa, 'GET', '/api/v1/packages/orders/versions/2')).status, 404);
    // dev no longer offers it; pulling it again changes nothing.
    const offered = await call(qa, 'GET', '/api/v1/sources/dev/packages');
    assert.equal(offered.body.versions.some((v: any) => v.name === 'orders' && v.version === 2), false);
    const repull = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 2 });
    assert.equal(repull.status, 200);
    assert.equal(repull.body.created, false);
    assert.equal(repull.body.status, 'REJECTED');

    // The fix, as version 3: pulled and applied.
    assert.equal(await submit(dev, await ordersPackage(3, '      version: 3\n')), 201);
    const v3 = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 3 });
    assert.equal(v3.status, 201, JSON.stringify(v3.body));
    assert.equal((await call(qa, 'POST', `/api/v1/imports/${v3.body.id}/apply`, {})).status, 200);
    await notified(qa, v3.body.id);
    assert.equal((await sourceState(dev, 'orders', 3)).status, 'PROMOTED');
  });

  test('a replayed older version is refused (rollback protection) unless allowRollback', async () => {
    const { dev, qa } = chain;
    // orders 3 is applied on qa; dev offers a version 2 only as REJECTED — submit another package's older version instead.
    assert.equal(await submit(dev, await buildPackage('billing', 5, { 'billing/Run': NOTIFY })), 201);
    assert.equal(await submit(dev, await buildPackage('billing', 4, { 'billing/Run': NOTIFY + '      older: true\n' })), 201);
    const v5 = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'billing', version: 5 });
    assert.equal(v5.status, 201, JSON.stringify(v5.body));
    assert.equal((await call(qa, 'POST', `/api/v1/imports/${v5.body.id}/apply`, {})).status, 200);
    const v4 = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'billing', version: 4 });
    assert.equal(v4.status, 409, JSON.stringify(v4.body));
    assert.equal(v4.body.error.code, 'rollback-refused');
    assert.match(v4.body.error.message, /lower than version 5/);
    const allowed = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'billing', version: 4, allowRollback: true });
    assert.equal(allowed.status, 201, JSON.stringify(allowed.body));
    // Apply checks again: refused without allowRollback, done with it.
    const refused = await call(qa, 'POST', `/api/v1/imports/${allowed.body.id}/apply`, {});
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'rollback-refused');
    const ok = await call(qa, 'POST', `/api/v1/imports/${allowed.body.id}/apply`, { allowRollback: true });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test('the source killed (kill -9) before apply: qa completes at once, and the outbox delivers PROMOTED exactly once after the restart', async () => {
    const { dev, qa } = chain;
    assert.equal(await submit(dev, await buildPackage('inventory', 1, { 'inventory/Count': NOTIFY })), 201);
    const pulled = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'inventory', version: 1 });
    assert.equal(pulled.status, 201);
    const id = pulled.body.id;
    await notified(qa, id);
    await dev.kill();
    const applied = await call(qa, 'POST', `/api/v1/imports/${id}/apply`, {});
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal(applied.body.status, 'APPLIED');
    // The notice waits, and says why.
    const waiting = await waitFor(async () => {
      const r = await call(qa, 'GET', `/api/v1/imports/${id}`);
      return r.body.notifyError ? r.body : undefined;
    }, 15_000, 'a delivery error');
    assert.equal(waiting.sourceNotified, false);
    assert.match(waiting.notifyError, new RegExp(dev.url.replace(/[.:/]/g, '\\$&')));
    // qa restarts too (the notice is in its store.json), then dev comes back.
    await qa.kill();
    await qa.start();
    assert.equal((await call(qa, 'GET', `/api/v1/imports/${id}`)).body.sourceNotified, false);
    await dev.start();
    await notified(qa, id);
    const state = await sourceState(dev, 'inventory', 1);
    assert.equal(state.status, 'PROMOTED');
    assert.equal(state.history.filter((e) => e.event === 'PROMOTED').length, 1);
    assert.equal(state.history.filter((e) => e.event === 'ACCEPTED').length, 1);
  });

  test('instructions, authorisation and schedules travel with the version; applied, they are editable and publishable', async () => {
    const { dev, qa } = chain;
    const { bytes } = await buildPackageFile({
      name: 'nightly',
      version: 1,
      createdBy: 'flowgate-tests/0.1.0',
      definitions: [{ kind: 'flow', id: 'nightly/Run', text: NOTIFY }],
      instructions: '# Nightly\nSet the secret crm-token before publishing.\n',
      authorisation: { groups: ['flowgate-admins'] },
      schedules: [{ name: 'every-night', flow: 'nightly/Run', type: 'CRON', expression: '0 3 * * *', timezone: 'UTC', inputs: {}, enabled: true }],
    });
    assert.equal(await submit(dev, bytes), 201);
    const pulled = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'nightly', version: 1 });
    assert.equal(pulled.status, 201, JSON.stringify(pulled.body));
    assert.equal(pulled.body.instructions, '# Nightly\nSet the secret crm-token before publishing.\n');
    assert.deepEqual(pulled.body.authorisation, { groups: ['flowgate-admins'] });
    assert.equal(pulled.body.schedules, 1);
    assert.equal(pulled.body.triggers, 0);
    assert.equal((await call(qa, 'POST', `/api/v1/imports/${pulled.body.id}/apply`, {})).status, 200);
    const schedules = await call(qa, 'GET', '/api/v1/packages/nightly/versions/1/schedules');
    assert.equal(schedules.status, 200);
    assert.deepEqual(schedules.body.schedules.map((x: any) => [x.name, x.expression, x.enabled]), [['every-night', '0 3 * * *', true]]);
    const id = schedules.body.schedules[0].id;
    const edited = await call(qa, 'PUT', `/api/v1/packages/nightly/versions/1/schedules/${id}`, { name: 'every-night', flow: 'nightly/Run', expression: '0 4 * * *', inputs: {}, enabled: false });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.deepEqual((await call(qa, 'GET', '/api/v1/packages/nightly/versions/1/authorisation')).body, { groups: ['flowgate-admins'] });
    assert.equal((await call(qa, 'POST', '/api/v1/packages/nightly/versions/1/publish')).status, 200);
    const version = await call(qa, 'GET', '/api/v1/packages/nightly/versions/1');
    assert.equal(version.body.published, true);
    assert.equal(version.body.instructions, '# Nightly\nSet the secret crm-token before publishing.\n');
  });

  test('kill -9 of the target at any moment of an apply: nothing applied, or all of it with its notice (delivered once)', async () => {
    const { dev, qa } = chain;
    for (let i = 0; i < 4; i++) {
      const name = `atomic${i}`;
      assert.equal(await submit(dev, await buildPackage(name, 1, { [`${name}/Run`]: NOTIFY })), 201);
      const pulled = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name, version: 1 });
      assert.equal(pulled.status, 201);
      const id = pulled.body.id;
      await notified(qa, id);
      const token = await qa.adminToken();
      const applying = fetch(`${qa.url}/api/v1/imports/${id}/apply`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, i * 15));
      await qa.kill();
      await applying;
      await qa.start();
      const imp = (await call(qa, 'GET', `/api/v1/imports/${id}`)).body;
      const version = await call(qa, 'GET', `/api/v1/packages/${name}/versions/1`);
      if (imp.status === 'OPEN') {
        assert.equal(version.status, 404, 'an OPEN import left no version behind');
        assert.equal((await sourceState(dev, name, 1)).status, 'ACCEPTED');
        assert.equal((await call(qa, 'POST', `/api/v1/imports/${id}/apply`, {})).status, 200);
      } else {
        assert.equal(imp.status, 'APPLIED');
        assert.equal(version.status, 200, 'an APPLIED import has its version');
      }
      await notified(qa, id);
      const state = await sourceState(dev, name, 1);
      assert.equal(state.status, 'PROMOTED');
      assert.equal(state.history.filter((e) => e.event === 'PROMOTED').length, 1);
    }
  });

  test('the client secret for a source appears in no answer and no log line', async () => {
    const { dev, qa } = chain;
    const secret = dev.asSource().clientSecret;
    const answers = [
      await call(qa, 'GET', '/api/v1/sources'),
      await call(qa, 'GET', '/api/v1/sources/dev/packages'),
      await call(qa, 'GET', '/api/v1/imports'),
      await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'nothing-here', version: 1 }),
      await call(qa, 'GET', '/api/openapi.json'),
    ];
    for (const a of answers) assert.equal(JSON.stringify(a.body).includes(secret), false);
    assert.equal(qa.output().includes(secret), false);
    // Nor in the audit log, which records every promotion step with its package and version.
    const audit = await call(qa, 'GET', '/api/v1/audit');
    assert.equal(JSON.stringify(audit.body).includes(secret), false);
    const actions = (audit.body.records as { action: string; package?: string; versions?: number[]; status?: number }[]).filter((r) => r.package === 'orders' && r.versions?.[0] === 1);
    for (const action of ['create-import', 'apply-import']) assert.ok(actions.some((r) => r.action === action && r.status === 200 || r.action === action && r.status === 201), `${action} audited`);
    assert.ok((audit.body.records as { action: string }[]).some((r) => r.action === 'reject-import'), 'reject-import audited');
  });
});

describe('apply blocked by a missing reference and unblocked by replacements; preview equals what apply writes', { timeout: 120_000 }, () => {
  let chain: PromotionChain;
  before(async () => {
    chain = await startPromotionChain();
  });
  after(async () => {
    await chain?.stop();
  });

  test('validate, replace, preview, apply', async () => {
    const { dev, qa } = chain;
    const AUDIT_QA = 'steps:\n  - kind: log\n    message: audited on qa\n';
    // qa's own repository: a flow ops/Audit, a connection crm-qa, and an older orders/Notify.
    const own = await buildPackage('qa-own', 1, { 'ops/Audit': AUDIT_QA, 'orders/Notify': NOTIFY.replace('true', 'false') }, { 'crm-qa': 'baseUrl: http://127.0.0.1:10\n' });
    const up = await call(qa, 'POST', '/api/v1/packages', own);
    assert.equal(up.status, 201, JSON.stringify(up.body));

    const main = `${MAIN}  - kind: run-flow\n    flow: shared/Audit\n`;
    assert.equal(await submit(dev, await buildPackage('orders', 1, { 'orders/Main': main, 'orders/Notify': NOTIFY }, { 'crm-dev': CRM_DEV })), 201);
    const pulled = await call(qa, 'POST', '/api/v1/imports', { source: 'dev', name: 'orders', version: 1 });
    assert.equal(pulled.status, 201, JSON.stringify(pulled.body));
    const id = pulled.body.id;
    const missing = pulled.body.validation.problems.find((p: any) => p.code === 'missing-reference');
    assert.equal(pulled.body.validation.ok, false);
    assert.deepEqual([missing.severity, missing.definition, missing.reference], ['error', { kind: 'flow', id: 'orders/Main' }, { kind: 'flow', id: 'shared/Audit' }]);

    const blocked = await call(qa, 'POST', `/api/v1/imports/${id}/apply`, {});
    assert.equal(blocked.status, 409);
    assert.equal(blocked.body.error.code, 'validation-failed');
    assert.match(blocked.body.error.details[0].message, /shared\/Audit/);
    assert.equal((await call(qa, 'GET', '/api/v1/packages/orders')).status, 404);

    // A replacement to something that exists nowhere: an error naming it; an unused one: a warning.
    const wrong = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, {
      replacements: [
        { kind: 'flow', from: 'shared/Audit', to: 'ops/Nowhere' },
        { kind: 'connection', from: 'not-used', to: 'crm-qa' },
      ],
    });
    assert.equal(wrong.status, 200, JSON.stringify(wrong.body));
    assert.deepEqual(
      wrong.body.validation.problems.map((p: any) => [p.severity, p.code]).sort(),
      [['error', 'missing-reference'], ['error', 'replacement-target-missing'], ['warning', 'missing-secret'], ['warning', 'replacement-unused']].sort(),
    );

    const replaced = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, {
      replacements: [
        { kind: 'flow', from: 'shared/Audit', to: 'ops/Audit' },
        { kind: 'connection', from: 'crm-dev', to: 'crm-qa' },
      ],
    });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(replaced.body.validation.ok, true, JSON.stringify(replaced.body.validation));
    assert.deepEqual(replaced.body.validation.problems, []);
    assert.equal(replaced.body.replacements.length, 2);

    const preview = await call(qa, 'GET', `/api/v1/imports/${id}/preview`);
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    const byKey = new Map(preview.body.definitions.map((d: any) => [`${d.kind}:${d.id}`, d]));
    assert.deepEqual([...byKey.keys()], ['flow:ops/Audit', 'flow:orders/Main', 'flow:orders/Notify', 'connection:crm-qa']);
    const mainEntry: any = byKey.get('flow:orders/Main');
    assert.equal(mainEntry.change, 'new');
    assert.match(mainEntry.text, /connection: crm-qa/);
    assert.match(mainEntry.text, /flow: ops\/Audit/);
    const notify: any = byKey.get('flow:orders/Notify');
    assert.equal(notify.change, 'changed');
    assert.match(notify.diff, /^-      done: false$/m);
    assert.match(notify.diff, /^\+      done: true$/m);
    assert.equal((byKey.get('flow:ops/Audit') as any).change, 'unchanged');
    assert.equal((byKey.get('flow:ops/Audit') as any).fromRepository, true);
    assert.equal((byKey.get('connection:crm-qa') as any).fromRepository, true);

    const applied = await call(qa, 'POST', `/api/v1/imports/${id}/apply`, {});
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    // What apply wrote: the version's file and the repository hold exactly the preview's texts.
    const file = await fetch(`${qa.url}/api/v1/packages/orders/versions/1/file`, { headers: { authorization: `Bearer ${await qa.adminToken()}` } });
    const read = await readPackageFile(new Uint8Array(await file.arrayBuffer()));
    assert.deepEqual(
      read.sources.map((s) => [`${s.kind}:${s.id}`, s.text]),
      preview.body.definitions.map((d: any) => [`${d.kind}:${d.id}`, d.text]),
    );
    const defs = await call(qa, 'GET', '/api/v1/definitions');
    for (const d of preview.body.definitions) {
      const inRepo = JSON.stringify(defs.body).includes(d.sha256);
      assert.equal(inRepo, true, `${d.kind}:${d.id} as previewed is in the repository`);
    }
    // Replacements of an applied import are refused.
    const late = await call(qa, 'PUT', `/api/v1/imports/${id}/replacements`, { replacements: [] });
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'import-closed');
  });
});
