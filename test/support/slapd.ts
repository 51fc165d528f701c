/**
 * A real OpenLDAP server for tests: a private slapd.conf (core, cosine, inetorgperson schemas;
 * back_mdb; the memberof overlay when `memberOf` is asked for) in a temp folder, seeded with
 * slapadd, listening on a free loopback port. Stopped by the pid slapd writes.
 *
 *   const ldap = await startSlapd({ seed: LDIF });
 *   ldap.url; ldap.adminDn; ldap.adminPassword;
 *   await ldap.stop();
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SUFFIX = 'dc=flowgate,dc=test';
export const ADMIN_DN = `cn=admin,${SUFFIX}`;
export const ADMIN_PASSWORD = 'admin-secret';

export interface Slapd {
  url: string;
  /** With `tls`: the ldaps:// URL and the test CA's PEM file. */
  ldapsUrl?: string;
  caFile?: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  restart(): Promise<void>;
}

const SLAPD = ['/usr/sbin/slapd', '/usr/local/sbin/slapd'].find((p) => existsSync(p)) ?? 'slapd';
const SLAPADD = ['/usr/sbin/slapadd', '/usr/local/sbin/slapadd'].find((p) => existsSync(p)) ?? 'slapadd';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function pidOf(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`slapd: ${what} (waited ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** A CA and a server certificate for 127.0.0.1 made with openssl in `dir`. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Flowgate test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('ext.cnf'));
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

export async function startSlapd(opts: { seed: string; memberOf?: boolean; tls?: boolean }): Promise<Slapd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-slapd-'));
  const certs = opts.tls ? makeCertificates(dir) : undefined;
  const db = path.join(dir, 'db');
  mkdirSync(db);
  const pidFile = path.join(dir, 'slapd.pid');
  const conf = path.join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `pidfile ${pidFile}`,
      `argsfile ${path.join(dir, 'slapd.args')}`,
      ...(certs ? [`TLSCACertificateFile ${certs.ca}`, `TLSCertificateFile ${certs.cert}`, `TLSCertificateKeyFile ${certs.key}`] : []),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      ...(opts.memberOf ? ['moduleload memberof'] : []),
      'database mdb',
      'maxsize 10485760',
      `suffix "${SUFFIX}"`,
      `rootdn "${ADMIN_DN}"`,
      `rootpw ${ADMIN_PASSWORD}`,
      `directory ${db}`,
      ...(opts.memberOf ? ['overlay memberof', 'memberof-refint TRUE'] : []),
      'access to attrs=userPassword by self read by anonymous auth by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  );
  const seed = path.join(dir, 'seed.ldif');
  writeFileSync(seed, opts.seed);
  // slapadd writes entries directly and bypasses overlays; with memberOf the seed goes through ldapadd instead.
  if (!opts.memberOf) execFileSync(SLAPADD, ['-f', conf, '-l', seed], { stdio: 'pipe' });
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}/`;
  const tlsPort = certs ? await freePort() : 0;
  const ldapsUrl = certs ? `ldaps://127.0.0.1:${tlsPort}/` : undefined;
  const start = async () => {
    const child = spawn(SLAPD, ['-f', conf, '-h', ldapsUrl ? `${url} ${ldapsUrl}` : url], { stdio: 'ignore', detached: false });
    child.unref();
    await until(async () => pidOf(pidFile) !== undefined && (await connects(port)) && (!certs || (await connects(tlsPort))), 'did not start');
  };
  await start();
  if (opts.memberOf) {
    execFileSync('ldapadd', ['-x', '-H', url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD, '-f', seed], { stdio: 'pipe' });
  }
  const stop = async () => {
    const pid = pidOf(pidFile);
    if (pid && alive(pid)) {
      process.kill(pid, 'SIGTERM');
      await until(() => !alive(pid), 'did not stop');
    }
  };
  return {
    url,
    port,
    dir,
    ...(certs ? { ldapsUrl, caFile: certs.ca } : {}),
    stop,
    restart: start,
    // removing the folder after the last stop
  } as Slapd & { remove?: () => void };
}

export function removeSlapdDir(s: Slapd): void {
  rmSync(s.dir, { recursive: true, force: true });
}

/** Seed: people alice (ops), bob (no group), carol (leads ⊂ ops: nested); groups ops, leads, admins. */
export const SEED_LDIF = (memberOf = false): string =>
  `dn: ${SUFFIX}
objectClass: top
objectClass: dcObject
objectClass: organization
o: Flowgate test
dc: flowgate

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,${SUFFIX}
objectClass: organizationalUnit
ou: groups

${['alice', 'bob', 'carol']
  .map(
    (u) => `dn: uid=${u},ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: ${u}
cn: ${u}
sn: ${u}
userPassword: ${u}-pw
`,
  )
  .join('\n')}
dn: cn=leads,ou=groups,${SUFFIX}
objectClass: groupOfNames
cn: leads
member: uid=carol,ou=people,${SUFFIX}

dn: cn=ops,ou=groups,${SUFFIX}
objectClass: groupOfNames
cn: ops
member: uid=alice,ou=people,${SUFFIX}
member: cn=leads,ou=groups,${SUFFIX}

dn: cn=admins,ou=groups,${SUFFIX}
objectClass: groupOfNames
cn: admins
member: cn=admin,${SUFFIX}
${memberOf ? '' : ''}`;
