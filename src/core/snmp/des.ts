/**
 * SNMPv3 DES privacy (RFC 3414 §8, CBC-DES) on runtimes whose OpenSSL lacks single DES.
 *
 * OpenSSL 3 (Node 20) has DES-CBC only in its legacy provider, so net-snmp's DES privacy fails
 * with `digital envelope routines::unsupported` unless the process runs with
 * `--openssl-legacy-provider`. Triple DES (DES-EDE3-CBC) is in the default provider, and
 * EDE3 with the same 8-byte key three times (K1 = K2 = K3) *is* single DES: E(K, D(K, E(K, x)))
 * = E(K, x). So DES privacy is computed here with des-ede3-cbc and the key tripled — the same
 * bytes on the wire as DES-CBC, whatever flags the process was started with, and interoperable
 * with Debian's `snmptrap -x DES` (tested).
 *
 * `enableSnmpDes()` replaces net-snmp's DES encrypt/decrypt functions when (and only when) the
 * runtime cannot do DES-CBC itself; it is idempotent. Every module that makes net-snmp encrypt or
 * decrypt (the trap receiver, the trap sender) calls it.
 */
import crypto from 'node:crypto';
import * as snmp from 'net-snmp';

const DES_KEY = 8;
const DES_BLOCK = 8;

/** True when this runtime's crypto can run single DES-CBC directly. */
export function desCbcAvailable(): boolean {
  try {
    crypto.createCipheriv('des-cbc', Buffer.alloc(DES_KEY, 1), Buffer.alloc(DES_BLOCK));
    return true;
  } catch {
    return false;
  }
}

/** DES-CBC with `key` (8 bytes) through DES-EDE3-CBC with K1 = K2 = K3 = key. No padding is added or removed. */
export function desCbc(direction: 'encrypt' | 'decrypt', key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const k = key.subarray(0, DES_KEY);
  if (k.length !== DES_KEY || iv.length !== DES_BLOCK) throw new Error('DES needs an 8-byte key and an 8-byte IV');
  if (data.length % DES_BLOCK !== 0) throw new Error(`DES data must be a multiple of ${DES_BLOCK} bytes, got ${data.length}`);
  const triple = Buffer.concat([k, k, k]);
  const c = direction === 'encrypt' ? crypto.createCipheriv('des-ede3-cbc', triple, iv) : crypto.createDecipheriv('des-ede3-cbc', triple, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

interface Engine {
  engineID: Buffer;
}
interface NetSnmpCrypto {
  Authentication: { passwordToKey(authProtocol: unknown, password: string, engineID: Buffer): Buffer };
  Encryption: {
    algorithms: Record<string, { encryptPdu: unknown; decryptPdu: unknown; flowgateDes?: boolean }>;
  };
  PrivProtocols: Record<string, number | string>;
}

/** The key and pre-IV of RFC 3414 §8.1.1.1: the first 8 bytes of the localized privacy key, then the next 8. */
function keyAndPreIv(m: NetSnmpCrypto, authProtocol: unknown, privPassword: string, engine: Engine): { key: Buffer; preIv: Buffer } {
  const localized = m.Authentication.passwordToKey(authProtocol, privPassword, engine.engineID);
  return { key: Buffer.from(localized.subarray(0, DES_KEY)), preIv: Buffer.from(localized.subarray(DES_KEY, DES_KEY + DES_BLOCK)) };
}

const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ (b[i] ?? 0)));

let installed = false;

/** Make net-snmp's DES privacy work on this runtime (see the module comment). Returns whether it was replaced. */
export function enableSnmpDes(): boolean {
  if (installed) return true;
  if (desCbcAvailable()) return false;
  const m = snmp as unknown as NetSnmpCrypto;
  const des = m.Encryption?.algorithms?.[String(m.PrivProtocols?.des)];
  if (!des || typeof m.Authentication?.passwordToKey !== 'function') return false;
  des.encryptPdu = (scopedPdu: Buffer, _privProtocol: unknown, privPassword: string, authProtocol: unknown, engine: Engine) => {
    const { key, preIv } = keyAndPreIv(m, authProtocol, privPassword, engine);
    // Salt: the local engine boots (1: no persistent engine state, as net-snmp does), then 4 random bytes.
    const salt = Buffer.concat([Buffer.from([0, 0, 0, 1]), crypto.randomBytes(4)]);
    const padded = Buffer.alloc(Math.ceil(scopedPdu.length / DES_BLOCK) * DES_BLOCK);
    scopedPdu.copy(padded);
    return { encryptedPdu: desCbc('encrypt', key, xor(preIv, salt), padded), msgPrivacyParameters: salt };
  };
  des.decryptPdu = (encryptedPdu: Buffer, _privProtocol: unknown, privParameters: Buffer, privPassword: string, authProtocol: unknown, engine: Engine) => {
    if (!Buffer.isBuffer(privParameters) || privParameters.length !== DES_BLOCK) throw new Error('DES privacy parameters must be 8 bytes');
    if (encryptedPdu.length % DES_BLOCK !== 0) throw new Error('DES-encrypted PDU is not a multiple of 8 bytes');
    const { key, preIv } = keyAndPreIv(m, authProtocol, privPassword, engine);
    return desCbc('decrypt', key, xor(preIv, privParameters), encryptedPdu);
  };
  des.flowgateDes = true;
  installed = true;
  return true;
}
