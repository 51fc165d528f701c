/** Test certificates (the openssl command line) and the machine's own address, for TLS and bind tests. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/** The machine's first non-internal IPv4 address (other machines would reach the gateway there). */
export function externalAddress(): string {
  const a = Object.values(os.networkInterfaces())
    .flatMap((l) => l ?? [])
    .find((i) => !i.internal && i.family === 'IPv4');
  if (!a) throw new Error('this machine has no non-loopback IPv4 address to bind to');
  return a.address;
}

/** A self-signed Ed25519 certificate and its key (PEM files in `dir`). */
export function makeCert(dir: string, name: string, ips: string[]): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const san = ['DNS:localhost', ...ips.map((ip) => `IP:${ip}`)].join(',');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=flowgate-${name}`, '-addext', `subjectAltName=${san}`], { stdio: 'pipe' });
  return { cert, key };
}

