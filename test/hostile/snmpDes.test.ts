/**
 * Hostile SNMPv3 DES traffic against the DES privacy Flowgate computes itself (core/snmp/des.ts):
 * a real `snmptrap -x DES` datagram, captured, then truncated at every length and corrupted byte
 * by byte (encrypted PDUs that are not a multiple of 8 bytes, wrong privacy parameters, garbage
 * plaintext). Every one is refused; the gateway keeps serving within 1 s, its state is unchanged,
 * and a genuine DES trap afterwards is still received.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { call, sendAll, snapshot, startTarget, whileServing } from './harness';
import type { EmulatorProcess } from '../support/emulatorProcess';

const AUTH_KEY = 'hostile-des-auth-1';
const PRIV_KEY = 'hostile-des-priv-2';

function snmptrapDes(port: number, uptime: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/snmptrap',
      ['-v', '3', '-u', 'desOps', '-l', 'authPriv', '-a', 'SHA', '-A', AUTH_KEY, '-x', 'DES', '-X', PRIV_KEY, `127.0.0.1:${port}`, String(uptime), '1.3.6.1.4.1.8072.2.3.0.9', '1.3.6.1.2.1.1.5.0', 's', 'hostile-des'],
      { timeout: 10_000 },
      (err, _out, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve()),
    );
  });
}

/** One real DES trap datagram, as snmptrap sends it (captured on a socket of our own). */
async function captureDesDatagram(): Promise<Buffer> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  try {
    const got = new Promise<Buffer>((resolve) => sock.once('message', (m) => resolve(m)));
    await snmptrapDes(sock.address().port, 1);
    return await got;
  } finally {
    sock.close();
  }
}

describe('hostile SNMPv3 DES', () => {
  let gw: EmulatorProcess;
  before(async () => {
    gw = await startTarget();
    const r = await call(gw, 'POST', '/api/v1/snmp/users', { name: 'desOps', level: 'authPriv', authProtocol: 'sha', authKey: AUTH_KEY, privProtocol: 'des', privKey: PRIV_KEY });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => {
    await gw?.stop();
  });

  test('truncated and corrupted DES datagrams are refused; the gateway serves, nothing changes, a real DES trap still arrives', async () => {
    const real = await captureDesDatagram();
    assert.ok(real.length > 60, `captured ${real.length} bytes`);
    const corpus: Buffer[] = [];
    // Every truncation (BER lengths then lie; the encrypted part loses whole or partial blocks).
    for (let n = 1; n < real.length; n++) corpus.push(real.subarray(0, n));
    // Every byte of the datagram flipped in turn, three ways (privacy parameters, lengths, ciphertext).
    for (let i = 0; i < real.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const b = Buffer.from(real);
        b[i] ^= mask;
        corpus.push(b);
      }
    }
    // The encrypted PDU with bytes appended (not a multiple of 8 any more) and its octet-string length adjusted is
    // beyond a blind mutation; appending to the whole datagram covers trailing garbage.
    for (let k = 1; k <= 16; k++) corpus.push(Buffer.concat([real, Buffer.alloc(k, 0x41)]));

    const before = await snapshot(gw);
    const outputBefore = gw.output().length;
    const trapsBefore = (await call(gw, 'GET', '/api/v1/snmp/traps')).body.traps.length;
    await whileServing(gw, () => sendAll(gw.snmpPort, corpus));
    await new Promise((r) => setTimeout(r, 1100));
    assert.deepEqual(await snapshot(gw), before);
    const log = gw.output().slice(outputBefore);
    assert.match(log, /SNMP message.*refused/);
    assert.doesNotMatch(log, /uncaught|unhandled|TypeError|RangeError/i);
    // A flipped bit of the ciphertext may still decrypt to a parseable PDU only if authentication
    // failed to notice — it cannot (HMAC over the whole message): nothing of the corpus is recorded.
    const traps = (await call(gw, 'GET', '/api/v1/snmp/traps')).body.traps;
    assert.equal(traps.length, trapsBefore, `recorded from the corpus: ${JSON.stringify(traps.slice(0, 2))}`);

    // Sent again each second until recorded: the receiver's budget may still be dropping while the kernel buffer drains.
    let rec: any;
    for (let attempt = 0; attempt < 10 && !rec; attempt++) {
      await whileServing(gw, () => snmptrapDes(gw.snmpPort, 770077));
      for (let i = 0; i < 10 && !rec; i++) {
        rec = (await call(gw, 'GET', '/api/v1/snmp/traps')).body.traps.find((t: any) => t.pdu.uptime === 770077);
        if (!rec) await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(rec, 'the genuine DES trap after the corpus was not received');
    assert.equal(rec.pdu.user, 'desOps');
    assert.equal(gw.process.exitCode, null);
  });
});
