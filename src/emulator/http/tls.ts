/**
 * HTTPS of the gateway: the certificate and key of gateway.yaml's `tls` block, read and checked at
 * start (a missing file, a file that is not PEM, a key that does not belong to the certificate all
 * refuse the start with exit code 2, naming the field and the file), and whether a bind address is
 * loopback (a non-loopback bind needs TLS unless forced with --insecure-bind).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TlsFiles } from '../../core/gatewayConfig/schema';
import { LIMITS } from '../../core/limits';
import { ConfigError } from '../auth/config';

export interface TlsMaterial {
  /** PEM text of the certificate (chain). */
  cert: string;
  /** PEM text of the private key. */
  key: string;
  /** The leaf certificate's subject and expiry, for the start line. */
  subject: string;
  validTo: string;
}

async function readPem(field: string, file: string): Promise<string> {
  let text: string;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new ConfigError(`${field}: ${file} is not a file`);
    if (st.size > LIMITS.tlsPemBytes) throw new ConfigError(`${field}: ${file} is larger than ${LIMITS.tlsPemBytes} bytes`);
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `${field}: ${file} does not exist` : `${field}: cannot read ${file} (${code ?? (err as Error).message})`);
  }
  return text;
}

/**
 * Reads and checks `tls.certFile` and `tls.keyFile` (relative paths are relative to the folder of
 * the configuration file `configFile`). Errors never quote the key's contents.
 */
export async function loadTls(configFile: string, tls: TlsFiles): Promise<TlsMaterial> {
  const base = path.dirname(configFile);
  const certPath = path.resolve(base, tls.certFile);
  const keyPath = path.resolve(base, tls.keyFile);
  const cert = await readPem('tls.certFile', certPath);
  const key = await readPem('tls.keyFile', keyPath);
  if (!/-----BEGIN CERTIFICATE-----/.test(cert)) throw new ConfigError(`tls.certFile: ${certPath} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)`);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new ConfigError(`tls.certFile: ${certPath} does not hold a readable certificate (${(err as Error).message})`);
  }
  if (!/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(key)) {
    const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key);
    throw new ConfigError(
      encrypted
        ? `tls.keyFile: ${keyPath} holds an encrypted key; give the gateway an unencrypted key (file mode 0600)`
        : `tls.keyFile: ${keyPath} is not a PEM private key (no "-----BEGIN PRIVATE KEY-----" line)`,
    );
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch {
    throw new ConfigError(`tls.keyFile: ${keyPath} does not hold a readable private key`);
  }
  if (!x509.checkPrivateKey(keyObject)) throw new ConfigError(`tls.keyFile: the key in ${keyPath} does not belong to the certificate in ${certPath}`);
  if (Date.parse(x509.validTo) < Date.now()) throw new ConfigError(`tls.certFile: the certificate in ${certPath} expired on ${x509.validTo}`);
  return { cert, key, subject: x509.subject.replace(/\n/g, ', '), validTo: x509.validTo };
}

const isLoopbackIp = (ip: string) => (net.isIP(ip) === 4 && ip.startsWith('127.')) || ip === '::1' || ip.toLowerCase().startsWith('::ffff:127.');

/**
 * Whether `host` is loopback (127.0.0.0/8, ::1): a name is resolved and every address it resolves to
 * must be loopback; `unresolved` when the name does not resolve (strict: the start is refused rather
 * than left to a later lookup by listen).
 */
export async function bindScope(host: string): Promise<'loopback' | 'other' | 'unresolved'> {
  const h = host.replace(/^\[|\]$/g, '');
  if (net.isIP(h)) return isLoopbackIp(h) ? 'loopback' : 'other';
  let all: { address: string }[];
  try {
    all = await dns.lookup(h, { all: true });
  } catch {
    return 'unresolved';
  }
  return all.length > 0 && all.every((a) => isLoopbackIp(a.address)) ? 'loopback' : 'other';
}
