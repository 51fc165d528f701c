/**
 * SNMPv3 DES privacy on Node 20 (OpenSSL 3 has DES-CBC only in its legacy provider): a DES user
 * accepted by the users API must receive traps — from Debian's `snmptrap -x DES` and from
 * `flowgate trap send --priv-protocol des` — and the gateway runs without `--openssl-legacy-provider`.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { desCbc } from '../../src/core/snmp/des';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call, waitFor } from './helpers';

const REPO = path.resolve(__dirname, '..', '..');
const AUTH_KEY = 'des-Auth-Secret-01';
const PRIV_KEY = 'des-Priv-Secret-02';

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(e)) if (k.startsWith('FLOWGATE_')) delete e[k];
  return new Promise((resolve) => {
    execFile(file, args, { cwd: REPO, env: { ...e, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('SNMPv3 DES privacy', () => {
  test('desCbc equals OpenSSL DES-CBC (legacy provider, another process) both ways', () => {
    const key = randomBytes(8);
    const iv = randomBytes(8);
    const data = randomBytes(64);
    const script =
      "const c=require('crypto');const [k,iv,d]=process.argv.slice(1).map(h=>Buffer.from(h,'hex'));" +
      "const x=c.createCipheriv('des-cbc',k,iv);x.setAutoPadding(false);process.stdout.write(Buffer.concat([x.update(d),x.final()]).toString('hex'))";
    const reference = execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', script, key.toString('hex'), iv.toString('hex'), data.toString('hex')], { encoding: 'utf8' });
    const ours = desCbc('encrypt', key, iv, data);
    assert.equal(ours.toString('hex'), reference);
    assert.deepEqual(desCbc('decrypt', key, iv, ours), data);
    assert.throws(() => desCbc('encrypt', key, iv, data.subarray(0, 5)), /multiple of 8/);
  });

  let gw: EmulatorProcess;
  before(async () => {
    gw = await startEmulatorProcess();
    const r = await call(gw, 'POST', '/api/v1/snmp/users', { name: 'desUser', level: 'authPriv', authProtocol: 'sha', authKey: AUTH_KEY, privProtocol: 'des', privKey: PRIV_KEY });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => {
    await gw?.stop();
  });
  const trapWith = (uptime: number) =>
    waitFor(async () => (await call(gw, 'GET', '/api/v1/snmp/traps')).body.traps.find((t: any) => t.pdu.uptime === uptime), 10_000, `trap ${uptime}`);

  test('a trap from Debian snmptrap -x DES arrives decrypted, with its varbinds', async () => {
    const r = await run('/usr/bin/snmptrap', [
      '-v', '3', '-u', 'desUser', '-l', 'authPriv', '-a', 'SHA', '-A', AUTH_KEY, '-x', 'DES', '-X', PRIV_KEY,
      `127.0.0.1:${gw.snmpPort}`, '880001', '1.3.6.1.4.1.8072.2.3.0.7', '1.3.6.1.2.1.1.5.0', 's', 'des-box',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const rec = await trapWith(880001);
    assert.equal(rec.pdu.version, 'v3');
    assert.equal(rec.pdu.user, 'desUser');
    assert.equal(rec.pdu.trapOid, '1.3.6.1.4.1.8072.2.3.0.7');
    assert.deepEqual(rec.pdu.varbinds, [{ oid: '1.3.6.1.2.1.1.5.0', type: 'OctetString', value: 'des-box' }]);
    assert.doesNotMatch(gw.output(), /decrypt|unsupported/i);
  });

  test('a DES trap with the wrong privacy key is refused, not recorded', async () => {
    const r = await run('/usr/bin/snmptrap', [
      '-v', '3', '-u', 'desUser', '-l', 'authPriv', '-a', 'SHA', '-A', AUTH_KEY, '-x', 'DES', '-X', 'wrong-priv-key-99',
      `127.0.0.1:${gw.snmpPort}`, '880002', '1.3.6.1.4.1.8072.2.3.0.7',
    ]);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(async () => /SNMP message.*refused/.test(gw.output()) || undefined, 10_000, 'the refusal on stderr');
    const traps = (await call(gw, 'GET', '/api/v1/snmp/traps')).body.traps;
    assert.equal(traps.find((t: any) => t.pdu.uptime === 880002), undefined);
  });

  test('flowgate trap send --priv-protocol des reaches the gateway', async () => {
    const r = await run(process.execPath, [
      '--import', 'tsx', path.join(REPO, 'src', 'cli', 'main.ts'),
      'trap', 'send', '--port', String(gw.snmpPort), '--version', 'v3', '--user', 'desUser', '--level', 'authPriv',
      '--auth-protocol', 'sha', '--priv-protocol', 'des', '--oid', '1.3.6.1.6.3.1.1.5.3', '--uptime', '880003', '--json',
    ], { FLOWGATE_SNMP_AUTH_KEY: AUTH_KEY, FLOWGATE_SNMP_PRIV_KEY: PRIV_KEY });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(JSON.parse(r.stdout).sent, true);
    const rec = await trapWith(880003);
    assert.equal(rec.pdu.user, 'desUser');
    assert.equal(rec.pdu.trapOid, '1.3.6.1.6.3.1.1.5.3');
  });
});
